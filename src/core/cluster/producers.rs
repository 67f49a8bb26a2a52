//! The cluster's driving of its producers (Kafka's `Sender` and `RecordAccumulator` at work):
//! each producer's step — records made into batches, Metadata and InitProducerId asked, Produce
//! requests sent to the leaders, answers taken, retries and timeouts. The producer's own state
//! is `producer.rs`'s.

use crate::core::cluster::Cluster;
use crate::core::error::{CoreResult, ErrorCode};
use crate::core::event::EventKind;
use crate::core::ids::{BrokerId, NodeId, TopicPartition};
use crate::core::log::{seq_values_of_one_size, Record, RecordBatch, Value};
use crate::core::net::Payload;
use crate::core::partitioner::{partition_for_key, round_robin, SkippedDraws};
use crate::core::producer::{
    add_run, Batch, InFlight, KeyMode, Outgoing, PartitionerKind, Producer, Runs, TopicMetadata,
};
use crate::core::protocol::init_producer_id::InitProducerIdRequest;
use crate::core::protocol::metadata::MetadataRequest;
use crate::core::protocol::produce::{PartitionProduceData, ProduceRequest, ProduceResponse, NO_PRODUCER_ID};
use crate::core::protocol::{Authenticated, Request, Response};
use crate::core::replication::config::Acks;
use crate::core::replication::NO_LEADER;
use crate::core::time::Millis;
use std::sync::Arc;

/// A step's batch for one partition while it is made: partition, records, headers by index,
/// bytes ([`Record::size_bytes`]), and plain records as runs ([`Runs`]; a batch holds either).
type NewBatch = (u32, RecordBatch, Vec<(u32, crate::core::log::Headers)>, u64, Runs);

#[cfg(test)]
thread_local! {
    /// Tests turn the runs of plain records off, to compare them with one record at a time.
    static ONE_AT_A_TIME: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn one_at_a_time() -> bool {
    #[cfg(test)]
    return ONE_AT_A_TIME.with(|c| c.get());
    #[cfg(not(test))]
    false
}

/// The step's batch for `partition` with room for `size` more bytes, or a new one. Found by
/// index (`batch_of`: each partition's newest batch; a search per record made a step over
/// 1 024 partitions quadratic). A batch holds at most `batch.size` bytes (one record at
/// least), as Kafka's do.
#[inline(always)]
fn batch_for<'a>(
    batches: &'a mut Vec<NewBatch>,
    batch_of: &mut [u32],
    partition: u32,
    size: u64,
    batch_size: u64,
    records_left: u64,
    plain: bool,
) -> &'a mut NewBatch {
    let slot = batch_of.get(partition as usize).copied().unwrap_or(u32::MAX) as usize;
    if batches.get(slot).is_some_and(|b| b.0 == partition && b.3 + size <= batch_size) {
        return &mut batches[slot];
    }
    if let Some(s) = batch_of.get_mut(partition as usize) {
        *s = batches.len() as u32;
    }
    // Room for a full batch of records this size, or the step's remaining ones: the batch
    // becomes the log's storage as it is (broker/produce.rs).
    // (Plain records are kept as runs until sent: no room for records.)
    let room = if plain { 0 } else { (records_left as usize).min((batch_size / size.max(1)) as usize + 1) };
    batches.push((partition, RecordBatch::with_capacity(room), Vec::new(), 0, Runs::new()));
    batches.last_mut().expect("pushed")
}

/// How far back the simulation looks for the first copy of a batch written twice.
const DUPLICATE_SCAN: u64 = 100_000;

impl Cluster {
    /// Runs one producer up to `now`: every record due by then is made into batches, and what
    /// can be sent is sent.
    pub(crate) fn step_producer(&mut self, name: &str, now: Millis) {
        let Some(mut p) = self.producers.remove(name) else {
            return;
        };
        self.producer_timeouts(&mut p, now);
        if !p.is_running() {
            // No send() is made, so none is blocked (a rate set to 0 while blocked).
            p.client.blocked_since = None;
        }
        if p.is_running() && p.next_due <= now as f64 && !self.quota_allows(&mut p, now) {
            // Throttled: its records wait; it looks again when the budget next counts.
            p.next_due = crate::core::budget::next_count(now) as f64;
        } else if p.is_running() && p.next_due <= now as f64 && !self.buffer_allows(&mut p, now) {
            // Blocked in send(): no record is made until there is room or max.block.ms is over.
        } else if p.is_running() && p.next_due <= now as f64 {
            let interval = p.interval();
            // Records due by now. Bounded so a huge jump in time cannot stall the tab: the
            // producer "catches up" at most one simulated second of backlog (README).
            let backlog = ((now as f64 - p.next_due) / interval).floor() as u64 + 1;
            let max = (p.spec.rate.ceil() as u64).max(1);
            let count = backlog.min(max);
            if backlog > max {
                p.next_due = now as f64 - interval * (max as f64 - 1.0);
            }
            self.accumulate(&mut p, count, now, None);
            // A little seeded jitter (±10%) so traffic does not look machine-made.
            let jitter = 0.9 + 0.2 * self.rng.rand_float();
            p.next_due += interval * (count as f64 - 1.0) + interval * jitter;
            if p.error.is_some()
                && !self.broker.topics.contains_key(&p.spec.topic)
                && !self.config.auto_create_topics_enable
            {
                // The topic is missing: retry at most once a second (was decided from the
                // cluster's clock when asked, so a replay in other slices ran differently).
                p.next_due = p.next_due.max(now as f64 + 1000.0);
            }
        }
        self.producer_send(&mut p, now);
        self.unblock_if_room(&mut p, now);
        self.producers.insert(name.to_string(), p);
    }

    /// Kafka's `BufferPool.allocate`: `send()` needs room in `buffer.memory` for its batch. When
    /// the producer's batches (queued or in flight) fill it, `send()` blocks; after
    /// `max.block.ms` it fails with `BufferExhaustedException` (the record it was sending is
    /// failed) and the next `send()` blocks again. Returns whether records may be made now.
    fn buffer_allows(&mut self, p: &mut Producer, now: Millis) -> bool {
        let limit = p.client.config.buffer_memory;
        let buffered = p.client.buffered_bytes(p.spec.batch_size);
        if buffered < limit {
            p.client.blocked_since = None;
            p.client.blocked_told &= buffered >= limit / 2;
            return true;
        }
        let max_block = p.client.config.max_block_ms;
        let since = match p.client.blocked_since {
            Some(since) => since,
            None if p.client.blocked_told => {
                p.client.blocked_since = Some(now);
                now
            }
            None => {
                p.client.blocked_since = Some(now);
                p.client.blocked_told = true;
                self.events_push(
                    now,
                    EventKind::ProducerBlocked {
                        producer: p.spec.name.clone(),
                        topic: p.spec.topic.clone(),
                        buffered_bytes: buffered,
                        buffer_memory: limit,
                        max_block_ms: max_block,
                    },
                );
                now
            }
        };
        if now >= since.saturating_add(max_block) {
            // The blocked send() throws: its record is failed, and the next send blocks anew.
            p.seq += 1;
            p.client.failed += 1;
            let code = ErrorCode::BufferExhausted;
            self.note_produce_error(p, None, 1, code, code.is_retriable(), now);
            p.client.blocked_since = Some(now);
            p.next_due += p.interval();
        }
        let until = p.client.blocked_since.unwrap_or(now).saturating_add(max_block);
        p.next_due = p.next_due.max(until as f64).max(now as f64 + 1.0);
        false
    }

    /// A blocked `send()` goes on as soon as answers or expiry free room in `buffer.memory`.
    fn unblock_if_room(&mut self, p: &mut Producer, now: Millis) {
        if p.client.blocked_since.is_some()
            && p.client.buffered_bytes(p.spec.batch_size) < p.client.config.buffer_memory
        {
            p.client.blocked_since = None;
            p.next_due = p.next_due.min(now as f64);
        }
    }

    /// `send()` for `count` records (or the given one): keys, partitions, batches in the
    /// accumulator, one per partition (the records of one step go together).
    pub(crate) fn accumulate(&mut self, p: &mut Producer, count: u64, now: Millis, one: Option<Outgoing>) {
        let topic_name = p.spec.topic.clone();
        if !self.broker.topics.contains_key(&topic_name) {
            if self.config.auto_create_topics_enable
                && crate::core::topic::validate_topic_name(&topic_name).is_ok()
                && crate::core::topic::check_collision(
                    &topic_name,
                    self.broker.topics.keys().map(String::as_str),
                )
                .is_ok()
                && self.check_partition_budget(u64::from(self.config.num_partitions.max(1))).is_ok()
                && self.check_default_placement().is_ok()
            {
                let n = self.config.num_partitions.max(1);
                self.create_topic_internal(&topic_name, n, self.config.retention, now);
            } else {
                let code = ErrorCode::UnknownTopicOrPartition;
                self.note_produce_error(p, None, count, code, code.is_retriable(), now);
                return;
            }
        }
        if !self.producer_metadata(p, now) {
            return;
        }
        let Some(meta) = p.client.metadata.as_ref() else { return };
        let n = meta.leaders.len() as u32;
        let batch_size = p.spec.batch_size;
        let rng = &mut self.rng;
        let mut skipped = SkippedDraws::default();
        // The step's batches, in the order their partitions were first written to, and the
        // index of each partition's batch (`u32::MAX`: none yet).
        let mut batches: Vec<NewBatch> = Vec::with_capacity(if count > 1 { 8 } else { 1 });
        let mut batch_of: Vec<u32> = if count > 1 { vec![u32::MAX; n as usize] } else { Vec::new() };
        let mut bad_partition = None;
        let mut one = one;
        // Generated records without a key on the sticky partitioner (the default): the same
        // records, seq numbers, draws and batches as the loop below, without its per-record
        // choices of key, partitioner and headers.
        let plain = one.is_none()
            && matches!(p.spec.keys, KeyMode::None)
            && p.spec.partitioner == PartitionerKind::Default
            && !one_at_a_time();
        let mut made = 0;
        while plain && made < count {
            // One record as the loop below makes it (it may pick a partition or open a batch)…
            p.seq += 1;
            let record = Record { timestamp: now, key: None, value: Value::Seq(p.seq), producer: p.index };
            let size = record.size_bytes();
            let partition = p.sticky.next_drawing(n, batch_size, size, rng, &mut skipped);
            let batch =
                batch_for(&mut batches, &mut batch_of, partition, size, batch_size, count - made, true);
            batch.3 += size;
            made += 1;
            // …then the records after it that decide nothing: as large (as many digits), kept
            // on the same partition and fitting the same batch, written in one go.
            let run = (count - made)
                .min(seq_values_of_one_size(p.seq) - 1)
                .min(p.sticky.stays_for(n, batch_size, size))
                .min(batch_size.saturating_sub(batch.3) / size.max(1));
            add_run(&mut batch.4, now, p.seq, 1 + run);
            batch.3 += run * size;
            p.sticky.stay(run, size);
            skipped.skip(run);
            p.seq += run;
            made += run;
        }
        for made in made..count {
            let out = match one.take() {
                Some(o) => o,
                None => {
                    p.seq += 1;
                    let key = match &p.spec.keys {
                        KeyMode::None | KeyMode::Partition { .. } => None,
                        KeyMode::Fixed { .. } => p.fixed_key.clone(),
                        KeyMode::Set { .. } => {
                            skipped.settle(rng);
                            let len = p.key_set.len().max(1) as u32;
                            let i = (rng.rand_u64() % len as u64) as usize;
                            p.key_set.get(i).cloned()
                        }
                        KeyMode::Random => {
                            skipped.settle(rng);
                            Some(Arc::from(format!("k{:08x}", rng.rand_u64() as u32)))
                        }
                    };
                    let partition = match p.spec.keys {
                        KeyMode::Partition { partition } => Some(partition),
                        _ => None,
                    };
                    Outgoing { key, value: Value::Seq(p.seq), partition, headers: None }
                }
            };
            let headers = out.headers;
            let record = Record { timestamp: now, key: out.key, value: out.value, producer: p.index };
            let size = record.size_bytes();
            let partition = match out.partition {
                Some(part) if part < n => part,
                Some(part) => {
                    bad_partition = Some(part);
                    break;
                }
                None => match (&record.key, p.spec.partitioner) {
                    (_, PartitionerKind::RoundRobin) => round_robin(&mut p.rr_counter, n),
                    (Some(k), PartitionerKind::Default) => partition_for_key(k.as_bytes(), n),
                    (None, PartitionerKind::Default) => {
                        p.sticky.next_drawing(n, batch_size, size, rng, &mut skipped)
                    }
                },
            };
            let batch =
                batch_for(&mut batches, &mut batch_of, partition, size, batch_size, count - made, false);
            if let Some(h) = headers {
                batch.2.push((batch.1.len() as u32, h));
            }
            batch.1.push(record);
            batch.3 += size;
        }
        skipped.settle(rng);
        if let Some(part) = bad_partition {
            // A partition the topic does not have: told at every send (no write there will
            // ever clear it).
            p.partition_errors.remove(&part);
            let code = ErrorCode::UnknownTopicOrPartition;
            self.note_produce_error(p, Some(part), 1, code, code.is_retriable(), now);
            return;
        }
        p.client.queue.reserve(batches.len());
        for (partition, mut records, headers, bytes, runs) in batches {
            if p.client.append_to_unsent(partition, &mut records, &runs, bytes, &headers, batch_size) {
                continue;
            }
            if records.capacity() > records.len() + records.len() / 4 {
                records.shrink_to_fit();
            }
            let id = p.client.next_batch_id;
            p.client.next_batch_id += 1;
            p.client.queue.push_back(Batch {
                id,
                partition,
                records: Arc::new(records),
                runs,
                headers,
                bytes,
                producer_id: NO_PRODUCER_ID,
                base_sequence: -1,
                producer_epoch: -1,
                created: now,
                attempts: 0,
                retry_at: now,
                unknown_outcome: false,
            });
        }
    }

    /// The first broker the producer can reach (its bootstrap connection), if any. Finding none
    /// counts as a failed connection: the next try waits `reconnect.backoff.ms`, doubling with
    /// each failure in a row up to `reconnect.backoff.max.ms` (Kafka's `NetworkClient` backs
    /// off each node it could not connect to, and its metadata updater, finding no node to ask,
    /// waits too), so a producer with every broker down is not woken each millisecond.
    fn bootstrap_broker(&self, p: &mut Producer, now: Millis) -> Option<BrokerId> {
        if now < p.client.reconnect_at {
            return None;
        }
        let found = self
            .broker
            .replicas
            .nodes
            .iter()
            .map(|n| n.id)
            .find(|&b| self.net.can_reach(&p.client.node, &NodeId::Broker(b)));
        if found.is_some() {
            p.client.connect_failures = 0;
        } else {
            p.client.connect_failures = p.client.connect_failures.saturating_add(1);
            p.client.reconnect_at = now + p.client.config.reconnect_backoff(p.client.connect_failures).max(1);
        }
        found
    }

    /// Makes sure the producer knows its topic's leaders: a Metadata request when it has none,
    /// when an error said they moved (at most every `retry.backoff.ms`), or when the topic's
    /// partition count changed (the playground's shortcut: Kafka notices at its next refresh,
    /// `metadata.max.age.ms`). Returns whether it has metadata to go on.
    fn producer_metadata(&mut self, p: &mut Producer, now: Millis) -> bool {
        let count = self.broker.topics.get(&p.spec.topic).map(|t| t.partition_count() as usize);
        let fresh = p
            .client
            .metadata
            .as_ref()
            .is_some_and(|m| *m.topic == *p.spec.topic && Some(m.leaders.len()) == count);
        if fresh && (!p.client.metadata_stale || now < p.client.next_metadata_at) {
            return true;
        }
        let Some(to) = self.bootstrap_broker(p, now) else {
            p.client.next_metadata_at = p.client.reconnect_at;
            return fresh;
        };
        let request =
            MetadataRequest { topics: Some(vec![p.spec.topic.clone()]), allow_auto_topic_creation: false };
        let timeout = p.client.request_timeout();
        let node = p.client.node.clone();
        let user = p.spec.user.clone();
        let (_, answer) =
            self.call_broker(now, node, to, user.as_deref(), Request::Metadata(request), Some(timeout));
        p.client.next_metadata_at = now + p.client.config.retry_backoff_ms.max(1);
        let Some(Response::Metadata(m)) = answer else { return fresh };
        let refused = m
            .topics
            .iter()
            .any(|t| t.name == p.spec.topic && t.error_code == Some(ErrorCode::TopicAuthorizationFailed));
        let Some(t) = m.topics.into_iter().find(|t| t.name == p.spec.topic && t.error_code.is_none()) else {
            p.client.metadata = None;
            if refused {
                self.metadata_refused(p, now);
            }
            return false;
        };
        let mut leaders = vec![NO_LEADER; t.partitions.len()];
        let mut replicated = vec![false; t.partitions.len()];
        for part in &t.partitions {
            if let Some(i) = Some(part.partition_index as usize).filter(|&i| i < leaders.len()) {
                leaders[i] = if part.error_code.is_none() { part.leader_id } else { NO_LEADER };
                replicated[i] = part.replica_nodes.len() > 1;
            }
            if let Some(code) = part.error_code {
                self.leader_unknown(p, part.partition_index, code, now);
            }
        }
        p.client.metadata_stale = leaders.iter().any(|l| l.0 < 0);
        let topic = match p.client.metadata.take() {
            Some(old) if *old.topic == *p.spec.topic => old.topic,
            _ => Arc::from(p.spec.topic.as_str()),
        };
        if p.client.next_sequence.len() < leaders.len() {
            p.client.next_sequence.resize(leaders.len(), 0);
        }
        p.client.metadata = Some(TopicMetadata { topic, leaders, replicated });
        true
    }

    /// Metadata refused the topic (no DESCRIBE on it): Kafka's `send()` fails each record at
    /// once with TopicAuthorizationException, so the records waiting are given up.
    fn metadata_refused(&mut self, p: &mut Producer, now: Millis) {
        let code = ErrorCode::TopicAuthorizationFailed;
        let count = p.client.queue.iter().map(Batch::count).sum();
        self.note_produce_error(p, None, count, code, code.is_retriable(), now);
        for b in std::mem::take(&mut p.client.queue) {
            self.batch_given_up(p, &b);
        }
    }

    /// Metadata named no leader for a partition the producer has records waiting for (Kafka's
    /// client logs "Error while fetching metadata … LEADER_NOT_AVAILABLE"; the records wait).
    /// Told once, like a refused write.
    fn leader_unknown(&mut self, p: &mut Producer, partition: u32, code: ErrorCode, now: Millis) {
        let waiting: u64 = p.client.queue.iter().filter(|b| b.partition == partition).map(Batch::count).sum();
        if waiting > 0 {
            self.note_produce_error(p, Some(partition), waiting, code, code.is_retriable(), now);
        }
    }

    /// An idempotent producer's InitProducerId (its first, or an epoch bump after a batch it
    /// gave up left a gap in its sequence numbers). Returns whether it has an id to send with.
    fn producer_init(&mut self, p: &mut Producer, now: Millis) -> bool {
        if !p.client.idempotent {
            return true;
        }
        if p.client.producer_id >= 0 && !p.client.bump_epoch {
            return true;
        }
        // The epoch is bumped only once nothing of the old one is in flight.
        if now < p.client.init_retry_at || (p.client.bump_epoch && !p.client.in_flight.is_empty()) {
            return false;
        }
        let Some(to) = self.bootstrap_broker(p, now) else {
            p.client.init_retry_at = p.client.reconnect_at;
            return false;
        };
        let request = InitProducerIdRequest {
            transactional_id: None,
            transaction_timeout_ms: 60_000,
            producer_id: if p.client.bump_epoch { p.client.producer_id } else { -1 },
            producer_epoch: if p.client.bump_epoch { p.client.producer_epoch } else { -1 },
            topic: p.spec.topic.clone(),
        };
        let timeout = p.client.request_timeout();
        let (node, user) = (p.client.node.clone(), p.spec.user.clone());
        let (_, answer) =
            self.call_broker(now, node, to, user.as_deref(), Request::InitProducerId(request), Some(timeout));
        p.client.init_retry_at = now + 1000;
        match answer {
            Some(Response::InitProducerId(a)) if a.error_code.is_none() => {
                p.client.producer_id = a.producer_id;
                p.client.producer_epoch = a.producer_epoch;
                p.client.epoch_changed = true;
                p.client.bump_epoch = false;
                // A new epoch numbers every partition from 0 again. A batch already sent keeps
                // its numbers (its earlier attempt may be in the log; new ones would have the
                // leader write it twice) and its partition's new batches wait for it.
                p.client.next_sequence.iter_mut().for_each(|s| *s = 0);
                for b in &mut p.client.queue {
                    if b.attempts == 0 {
                        b.base_sequence = -1;
                    }
                }
                true
            }
            Some(Response::InitProducerId(a)) => {
                let code = a.error_code.unwrap_or(ErrorCode::ClusterAuthorizationFailed);
                let count = p.client.pending_records();
                self.note_produce_error(p, None, count, code, code.is_retriable(), now);
                false
            }
            _ => false,
        }
    }

    /// The producer's own clock: requests past `request.timeout.ms` are over (Kafka's
    /// `NetworkClient.handleTimedOutRequests`; a late answer is then dropped).
    fn producer_timeouts(&mut self, p: &mut Producer, now: Millis) {
        while let Some(i) = p.client.in_flight.iter().position(|f| f.deadline <= now) {
            let f = p.client.in_flight.remove(i);
            self.produce_answered(p, f.batches, Err(ErrorCode::RequestTimedOut), now);
        }
    }

    /// Sends what can be sent: one Produce request per leader, one batch per partition, at
    /// most `max.in.flight.requests.per.connection` unanswered per broker; gives up batches
    /// older than `delivery.timeout.ms`.
    pub(crate) fn producer_send(&mut self, p: &mut Producer, now: Millis) {
        self.expire_batches(p, now);
        if p.client.queue.is_empty() {
            p.client.plan(now, false);
            return;
        }
        if (p.client.metadata.is_none() || p.client.metadata_stale) && !self.producer_metadata(p, now) {
            p.client.plan(now, false);
            return;
        }
        if !self.producer_init(p, now) {
            p.client.plan(now, false);
            return;
        }
        // Kafka's `Sender` drains again as long as requests go out (one batch per partition
        // per request). Bounded: a batch refused at once with `retry.backoff.ms` 0 is not
        // sent again and again within the instant; it goes on at the next millisecond.
        let mut more = false;
        for _ in 0..p.client.queue.len() {
            more = !p.client.queue.is_empty() && self.producer_send_round(p, now);
            if !more {
                break;
            }
        }
        p.client.plan(now, more);
    }

    /// One drain of the queue: at most one request per leader, one batch per partition in it.
    /// Returns whether any request was sent.
    fn producer_send_round(&mut self, p: &mut Producer, now: Millis) -> bool {
        let max_in_flight = p.client.config.max_in_flight_requests_per_connection.max(1) as usize;
        // (leader, batches) per request being built; the partitions held back this round.
        let mut requests: Vec<(BrokerId, Vec<Batch>)> = Vec::new();
        let mut held: Vec<u32> = Vec::new();
        // The queue is walked in place: a batch that goes out is taken from it, the others stay
        // where they are (a long queue behind held partitions is neither moved nor rebuilt).
        let mut queue = std::mem::take(&mut p.client.queue);
        // Kafka's `shouldStopDrainBatchesForPartition` after an epoch bump: a partition's new
        // batches wait until its batches sent under the old epoch are answered, so the leader
        // never sees the new epoch before a retry of the old one.
        let current = (p.client.producer_id, p.client.producer_epoch);
        let old_epoch: Vec<u32> = if p.client.idempotent && p.client.epoch_changed {
            queue
                .iter()
                .chain(p.client.in_flight.iter().flat_map(|f| &f.batches))
                .filter(|x| x.base_sequence >= 0 && (x.producer_id, x.producer_epoch) != current)
                .map(|x| x.partition)
                .collect()
        } else {
            Vec::new()
        };
        // Batches get the current id and epoch when first sent: none of an older one appears
        // until they change again.
        p.client.epoch_changed &= !old_epoch.is_empty();
        let partitions = p.client.metadata.as_ref().map_or(0, |m| m.leaders.len());
        // How many of the topic's partitions (those Metadata named) are in `held`.
        let mut held_known = 0;
        let mut at = 0;
        while let Some(b) = queue.get(at) {
            if partitions > 0 && held_known >= partitions {
                // Every partition is held back: nothing more goes out this round, and the rest
                // of the queue stays as it is, in order (without looking at each batch).
                break;
            }
            let leader =
                p.client.metadata.as_ref().and_then(|m| m.leaders.get(b.partition as usize)).copied();
            let in_flight = |l: BrokerId| p.client.in_flight.iter().filter(|f| f.broker == l).count();
            // Kafka's `shouldStopDrainBatchesForPartition`: an idempotent producer retries a
            // batch only once it is its partition's first unanswered one (so sequences reach
            // the leader in order; in effect one request in flight for that partition).
            // (Asked only once the cheap checks pass: a long queue behind a held partition
            // must not walk the in-flight batches once per queued batch.)
            let waits_its_turn = || {
                p.client.idempotent
                    && b.attempts > 0
                    && p.client.in_flight_of(b.partition).any(|x| x.id < b.id)
            };
            // At most `max.in.flight.requests.per.connection` batches of a partition unanswered,
            // whichever brokers they went to (the leader remembers a producer's last 5 batches,
            // `ProducerStateEntry.NUM_BATCHES_TO_RETAIN`: a retry older than those would look
            // out of order instead of duplicate).
            let partition_full =
                || p.client.idempotent && p.client.in_flight_of(b.partition).count() >= max_in_flight;
            let behind_old_epoch = b.base_sequence < 0 && old_epoch.contains(&b.partition);
            let sendable = match leader {
                Some(l)
                    if l.0 >= 0
                        && b.retry_at <= now
                        && !held.contains(&b.partition)
                        && !behind_old_epoch
                        && !waits_its_turn()
                        && !partition_full() =>
                {
                    match requests.iter().position(|r| r.0 == l) {
                        Some(i) => !requests[i].1.iter().any(|x| x.partition == b.partition),
                        None => in_flight(l) < max_in_flight,
                    }
                }
                Some(l) if l.0 < 0 => {
                    p.client.metadata_stale = true;
                    false
                }
                _ => false,
            };
            if !sendable {
                // Its partition's newer batches wait behind it (order, and sequence numbers).
                if !held.contains(&b.partition) {
                    held.push(b.partition);
                    held_known += usize::from((b.partition as usize) < partitions);
                }
                at += 1;
                continue;
            }
            let Some(mut b) = queue.remove(at) else { break };
            if p.client.idempotent {
                if b.base_sequence < 0 {
                    let part = b.partition as usize;
                    if p.client.next_sequence.len() <= part {
                        p.client.next_sequence.resize(part + 1, 0);
                    }
                    b.base_sequence = p.client.next_sequence[part];
                    (b.producer_id, b.producer_epoch) = current;
                    let next = i64::from(b.base_sequence) + b.count() as i64;
                    p.client.next_sequence[part] = (next % (i64::from(i32::MAX) + 1)) as i32;
                }
            } else {
                b.base_sequence = -1;
            }
            let l = leader.unwrap_or(NO_LEADER);
            match requests.iter_mut().find(|r| r.0 == l) {
                Some(r) => r.1.push(b),
                None => requests.push((l, vec![b])),
            }
        }
        p.client.queue = queue;
        let sent = !requests.is_empty();
        for (leader, batches) in requests {
            self.send_produce(p, leader, batches, now);
        }
        sent
    }

    fn send_produce(&mut self, p: &mut Producer, leader: BrokerId, mut batches: Vec<Batch>, now: Millis) {
        let Some(topic) = p.client.metadata.as_ref().map(|m| m.topic.clone()) else {
            for b in batches {
                p.client.requeue(b);
            }
            return;
        };
        let idempotent = p.client.idempotent;
        let producer = p.index;
        let partition_data = batches
            .iter_mut()
            .map(|b| {
                b.make_records(producer);
                b.attempts += 1;
                let (producer_id, producer_epoch) =
                    if idempotent { (b.producer_id, b.producer_epoch) } else { (NO_PRODUCER_ID, -1) };
                PartitionProduceData {
                    partition: TopicPartition { topic: topic.clone(), partition: b.partition },
                    producer_id,
                    producer_epoch,
                    base_sequence: b.base_sequence,
                    records: b.records.clone(),
                    size_bytes: b.bytes,
                    headers: b.headers.clone(),
                }
            })
            .collect();
        let timeout = p.client.request_timeout();
        let acks = p.acks;
        let request = ProduceRequest { acks: acks.required_acks(), timeout_ms: timeout, partition_data };
        let one_way = acks == Acks::Zero;
        let (node, user) = (p.client.node.clone(), p.spec.user.clone());
        let (correlation, answer) = self.call_broker(
            now,
            node,
            leader,
            user.as_deref(),
            Request::Produce(request),
            (!one_way).then_some(timeout),
        );
        if one_way {
            // acks=0: done once sent; the producer never hears back.
            for b in &batches {
                p.sent += b.count();
                p.client.acknowledged += b.count();
            }
            p.error = None;
            return;
        }
        match answer {
            Some(Response::Produce(r)) => self.produce_answered(p, batches, Ok(r), now),
            Some(_) => self.produce_answered(p, batches, Err(ErrorCode::RequestTimedOut), now),
            None => p.client.in_flight.push(InFlight {
                correlation,
                broker: leader,
                deadline: now + timeout,
                batches,
            }),
        }
    }

    /// An answer to a producer's request delivered later (a held `acks=all` answer), its
    /// timeout, or the broker closing the connection (a controlled shutdown).
    pub(crate) fn producer_answered(
        &mut self,
        name: &str,
        correlation: crate::core::ids::CorrelationId,
        payload: Payload<Authenticated, Response>,
        now: Millis,
    ) {
        let Some(mut p) = self.producers.remove(name) else { return };
        if let Some(i) = p.client.in_flight.iter().position(|f| f.correlation == correlation) {
            let f = p.client.in_flight.remove(i);
            // Kafka's `Sender.handleProduceResponse`: a timed-out request fails its batches
            // with REQUEST_TIMED_OUT, a disconnected one with NETWORK_EXCEPTION.
            let answer = match payload {
                Payload::Response(Response::Produce(r)) => Ok(r),
                Payload::Disconnected => Err(ErrorCode::NetworkException),
                _ => Err(ErrorCode::RequestTimedOut),
            };
            self.produce_answered(&mut p, f.batches, answer, now);
            self.unblock_if_room(&mut p, now);
            // What waited for a free slot goes now.
            p.client.wake_at = if p.client.queue.is_empty() { p.client.wake_at } else { Some(now) };
            if p.client.queue.is_empty() {
                p.client.plan(now, false);
            }
        }
        self.producers.insert(name.to_string(), p);
    }

    /// Each batch's answer (`Err`: none came, and why): acknowledged, retried, or given up.
    fn produce_answered(
        &mut self,
        p: &mut Producer,
        batches: Vec<Batch>,
        answer: Result<ProduceResponse, ErrorCode>,
        now: Millis,
    ) {
        let topic = p.spec.topic.clone();
        for mut b in batches {
            let r = answer
                .as_ref()
                .ok()
                .and_then(|a| a.responses.iter().find(|r| r.partition.partition == b.partition));
            let error = match (r, &answer) {
                (Some(r), _) => r.error_code,
                (None, Err(code)) => Some(*code),
                (None, Ok(_)) => Some(ErrorCode::RequestTimedOut),
            };
            match error {
                None => {
                    let base_offset = r.map_or(0, |r| r.base_offset.max(0) as u64);
                    self.batch_acknowledged(p, &topic, &b, base_offset, now);
                }
                Some(code) => {
                    if matches!(
                        code,
                        ErrorCode::NotLeaderOrFollower
                            | ErrorCode::LeaderNotAvailable
                            | ErrorCode::UnknownTopicOrPartition
                            | ErrorCode::RequestTimedOut
                            | ErrorCode::NetworkException
                    ) {
                        p.client.metadata_stale = true;
                    }
                    // No answer, or an answer after the leader wrote it (a held `acks=all`
                    // answer fails when the ISR shrinks or leadership moves): it may be there.
                    if matches!(
                        code,
                        ErrorCode::RequestTimedOut
                            | ErrorCode::NetworkException
                            | ErrorCode::NotEnoughReplicasAfterAppend
                            | ErrorCode::NotLeaderOrFollower
                    ) {
                        b.unknown_outcome = true;
                    }
                    let retriable = code.is_retriable()
                        || (code == ErrorCode::OutOfOrderSequenceNumber
                            && p.client.out_of_order_retry(&mut b));
                    self.note_produce_error(p, Some(b.partition), b.count(), code, retriable, now);
                    let delivery = p.client.config.effective_delivery_timeout_ms();
                    let retries_left = b.attempts <= p.client.config.retries;
                    if retriable && retries_left && now.saturating_sub(b.created) < delivery {
                        p.client.retry_later(b, now);
                    } else {
                        self.batch_given_up(p, &b);
                    }
                }
            }
        }
    }

    fn batch_acknowledged(
        &mut self,
        p: &mut Producer,
        topic: &str,
        b: &Batch,
        base_offset: u64,
        now: Millis,
    ) {
        let count = b.count();
        p.sent += count;
        p.client.acknowledged += count;
        p.error = None;
        if !p.partition_errors.is_empty() {
            p.partition_errors.remove(&b.partition);
        }
        if b.base_sequence >= 0 {
            let part = b.partition as usize;
            if p.client.last_acked.len() <= part {
                p.client.last_acked.resize(part + 1, (NO_PRODUCER_ID, -1, -1));
            }
            let last = crate::core::replication::producer_state::ProducerBatch {
                producer_id: b.producer_id,
                producer_epoch: b.producer_epoch,
                base_sequence: b.base_sequence,
                record_count: count as u32,
            }
            .last_sequence();
            p.client.last_acked[part] = (b.producer_id, b.producer_epoch, last);
        }
        let replicated = p
            .client
            .metadata
            .as_ref()
            .and_then(|m| m.replicated.get(b.partition as usize))
            .copied()
            .unwrap_or(false);
        if replicated {
            self.events_push(
                now,
                EventKind::ProduceAcknowledged {
                    producer: p.spec.name.clone(),
                    topic: topic.to_string(),
                    partition: b.partition,
                    base_offset,
                    count,
                    acks: p.acks,
                },
            );
        }
        if b.unknown_outcome && b.base_sequence < 0 {
            self.note_duplicate(p, topic, b, base_offset, now);
        }
    }

    /// The simulation looks for an earlier copy of a batch retried without idempotence (Kafka
    /// cannot tell; the lane shows both copies).
    fn note_duplicate(&mut self, p: &mut Producer, topic: &str, b: &Batch, base_offset: u64, now: Millis) {
        let Some(first) = b.records.first() else { return };
        let Some(log) = self.broker.topics.get(topic).and_then(|t| t.partition(b.partition)) else { return };
        let from = log.log_start().max(base_offset.saturating_sub(DUPLICATE_SCAN));
        let Some(earlier) = (from..base_offset).find(|&o| log.get(o) == Some(first)) else { return };
        // Every earlier attempt that was written is one more copy (a batch retried after two
        // lost answers stands three times in the log).
        let copies = 1 + (earlier..base_offset).filter(|&o| log.get(o) == Some(first)).count() as u32;
        p.client.duplicates += b.count() * u64::from(copies - 1);
        self.events_push(
            now,
            EventKind::DuplicateWritten {
                producer: p.spec.name.clone(),
                topic: topic.to_string(),
                partition: b.partition,
                first_offset: earlier,
                duplicate_offset: base_offset,
                count: b.count(),
                copies,
            },
        );
    }

    /// A batch the producer will not retry: its records are failed (its callback gets the
    /// error). An idempotent producer bumps its epoch, since its sequence now has a gap.
    fn batch_given_up(&mut self, p: &mut Producer, b: &Batch) {
        p.client.failed += b.count();
        if p.client.idempotent && b.base_sequence >= 0 {
            p.client.bump_epoch = true;
        }
    }

    /// Batches older than `delivery.timeout.ms` are given up (Kafka's `TimeoutException`).
    fn expire_batches(&mut self, p: &mut Producer, now: Millis) {
        let timeout = p.client.config.effective_delivery_timeout_ms();
        // The queue is in creation order (new batches at the back, retries put back by id), so
        // its first batch is its oldest. (Release builds cannot afford this walk per send; the
        // invariant drivers check the consequence, `produce_batches_overdue`, after each step.)
        debug_assert!(p
            .client
            .queue
            .iter()
            .zip(p.client.queue.iter().skip(1))
            .all(|(a, b)| a.created <= b.created));
        if p.client.queue.front().is_none_or(|b| now.saturating_sub(b.created) < timeout) {
            return;
        }
        let queue = std::mem::take(&mut p.client.queue);
        for b in queue {
            let elapsed = now.saturating_sub(b.created);
            if elapsed < timeout {
                p.client.queue.push_back(b);
                continue;
            }
            p.error = Some(ErrorCode::RequestTimedOut);
            self.events_push(
                now,
                EventKind::BatchExpired {
                    producer: p.spec.name.clone(),
                    topic: p.spec.topic.clone(),
                    partition: b.partition,
                    count: b.count(),
                    elapsed_ms: elapsed,
                },
            );
            self.batch_given_up(p, &b);
        }
    }

    /// A refused send, told once per partition and error (a producer retries on its schedule;
    /// the timeline hears of it again only when the error changes), or, with no partition, once
    /// per error of the producer's.
    fn note_produce_error(
        &mut self,
        p: &mut Producer,
        partition: Option<u32>,
        count: u64,
        code: ErrorCode,
        retriable: bool,
        now: Millis,
    ) {
        let new = match partition {
            Some(part) => p.partition_errors.insert(part, code) != Some(code),
            None => p.error != Some(code),
        };
        p.error = Some(code);
        if new {
            self.events_push(
                now,
                EventKind::ProduceFailed {
                    producer: p.spec.name.clone(),
                    topic: p.spec.topic.clone(),
                    partition,
                    count,
                    error: code,
                    retriable,
                },
            );
        }
    }

    /// Producers reach a broker only while it runs: a stopped, crashed or isolated broker
    /// gets nothing from them and answers nothing (their requests time out).
    pub(crate) fn sync_producer_links(&mut self) {
        let brokers: Vec<(BrokerId, bool)> =
            self.broker.replicas.nodes.iter().map(|n| (n.id, n.is_running())).collect();
        for p in self.producers.values() {
            for &(id, up) in &brokers {
                self.net.set_link_up(&p.client.node, &NodeId::Broker(id), up);
            }
        }
    }

    /// A broker action (`stop_broker`, …), then the network and the produce purgatory follow.
    ///
    /// A controlled shutdown (`stop_broker`) moved leadership away first, so the answers its
    /// purgatory held go out (NOT_LEADER_OR_FOLLOWER), then it closes its connections: the
    /// producers' requests still in flight to it end at once with NETWORK_EXCEPTION and are
    /// retried on the new leaders. A crash or an isolation says no goodbye: they wait for
    /// `request.timeout.ms`.
    pub(crate) fn broker_change(
        &mut self,
        now: Millis,
        broker: BrokerId,
        change: crate::core::event::BrokerChange,
    ) -> CoreResult<()> {
        self.broker_command(now, broker, change)?;
        if change == crate::core::event::BrokerChange::Stopped {
            self.answer_held_produces(now);
            self.close_producer_connections(now, broker);
        }
        self.sync_producer_links();
        self.answer_held_produces(now);
        Ok(())
    }

    /// Broker `broker` closes its connections to the producers (Kafka's `SocketServer`
    /// shutting down): each one's requests still outstanding end now as disconnected.
    fn close_producer_connections(&mut self, now: Millis, broker: BrokerId) {
        let to = NodeId::Broker(broker);
        let mut closed = 0;
        for p in self.producers.values() {
            closed += self.net.disconnect(now, &p.client.node, &to);
        }
        if closed > 0 {
            self.run_network(now, None);
        }
    }

    /// Produce requests past their time and still unanswered: producers' requests whose
    /// `request.timeout.ms` is over, and answers the purgatory holds past the request's
    /// timeout. Always 0 after `advance(now)`: every request is answered or times out.
    pub fn produce_requests_overdue(&self, now: Millis) -> usize {
        let producers =
            self.producers.values().flat_map(|p| &p.client.in_flight).filter(|f| f.deadline <= now).count();
        producers + usize::from(self.broker.produce.next_timer().is_some_and(|t| t < now))
    }

    /// Batches still queued past their producer's `delivery.timeout.ms`. Always 0 after
    /// `advance(now)`: each is given up when its time is over (`expire_batches`, woken by
    /// `ProducerClient::plan` at the oldest one's deadline). `expire_batches` looks only at
    /// the front of a queue, so this stays 0 only while every queue is in creation order (a
    /// `debug_assert!` there; this is the check release builds and the soak run).
    pub fn produce_batches_overdue(&self, now: Millis) -> usize {
        self.producers
            .values()
            .map(|p| {
                let timeout = p.client.config.effective_delivery_timeout_ms();
                p.client.queue.iter().filter(|b| now.saturating_sub(b.created) >= timeout).count()
            })
            .sum()
    }

    /// The produce purgatory: held `acks=all` answers go out when the in-sync replicas have
    /// the batches, leadership moved, or the request's time is up.
    pub(crate) fn answer_held_produces(&mut self, now: Millis) {
        if !self.broker.produce.is_holding() {
            return;
        }
        self.broker.answer_held_produces(now);
        let replies = std::mem::take(&mut self.broker.produce.replies);
        if replies.is_empty() {
            return;
        }
        for (from, to, correlation, response) in replies {
            self.net.send_response(now, from, to, correlation, response.into());
        }
        self.run_network(now, None);
    }
}

#[cfg(test)]
mod tests {
    /// Property tests run natively (Cargo.toml: proptest is a native dev-dependency).
    #[cfg(not(target_arch = "wasm32"))]
    mod runs {
        use super::super::*;
        use crate::core::command::Command;
        use crate::core::config::ClusterConfig;
        use crate::core::event::Event;
        use crate::core::producer::ProducerSpec;
        use proptest::prelude::*;

        type Logs = Vec<Vec<(u64, Record)>>;

        /// An unkeyed producer on the sticky partitioner for 60 ms, on one broker or on three
        /// with replication factor 3 (`acks=all` waits for the followers, so batches queue up
        /// and records join queued batches); every event and every log.
        fn produce(
            seed: u64,
            batch_size: u64,
            rate: f64,
            step: u64,
            replicated: bool,
            one_at_a_time: bool,
        ) -> (Vec<Event>, Logs) {
            ONE_AT_A_TIME.with(|c| c.set(one_at_a_time));
            let mut config = ClusterConfig::default();
            if replicated {
                config.brokers = (1..=3)
                    .map(|id| crate::core::config::BrokerSpec {
                        id: crate::core::ids::BrokerId(id),
                        rack: None,
                    })
                    .collect();
                config.default_replication_factor = 3;
            }
            let mut c = Cluster::new(config, seed);
            c.set_budget(crate::core::budget::Budget::UNLIMITED);
            c.apply(0, Command::create_topic("t", 6)).expect("topic");
            let mut spec = ProducerSpec::new("p", "t");
            (spec.rate, spec.batch_size) = (rate, batch_size);
            c.apply(0, Command::AddProducer { producer: spec }).expect("producer");
            let mut events = Vec::new();
            let mut t = 0;
            while t < 60 {
                t += step;
                events.extend(c.advance(t));
            }
            ONE_AT_A_TIME.with(|c| c.set(false));
            let logs = c.topics()["t"]
                .partitions
                .iter()
                .map(|log| log.read(log.log_start(), usize::MAX).map(|(o, r)| (o, r.to_record())).collect())
                .collect();
            (events, logs)
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

            /// Plain records written in runs (and queued as runs until sent) give the same
            /// records, offsets, batches, events and draws of the cluster's generator as one
            /// record at a time (across digit-count changes of the values, batch.size, the
            /// sticky partitioner's switches, and records joining batches queued behind
            /// `acks=all`).
            #[test]
            fn runs_of_plain_records_match_one_at_a_time(
                seed in any::<u64>(),
                batch_size in 16u64..3000,
                rate in 1_000.0f64..300_000.0,
                step in 1u64..25,
                replicated in any::<bool>(),
            ) {
                let runs = produce(seed, batch_size, rate, step, replicated, false);
                let single = produce(seed, batch_size, rate, step, replicated, true);
                prop_assert!(!runs.1.iter().all(Vec::is_empty));
                prop_assert_eq!(runs, single);
            }
        }
    }
}
