//! The broker's side of producing: the Produce handler (`KafkaApis.handleProduceRequest` →
//! `ReplicaManager.appendRecords` → `Partition.appendRecordsToLeader` → `UnifiedLog.append`),
//! the produce purgatory that holds `acks=all` answers until the in-sync replicas have the
//! batch (`DelayedProduce`), idempotent producers' state per partition
//! (`ProducerStateManager`: duplicates and sequence numbers) and InitProducerId.
//!
//! Per partition of a request, in Kafka's order: WRITE on the topic
//! (TOPIC_AUTHORIZATION_FAILED), the partition exists (UNKNOWN_TOPIC_OR_PARTITION), this broker
//! leads it (NOT_LEADER_OR_FOLLOWER), `acks=all` and the ISR below `min.insync.replicas`
//! (NOT_ENOUGH_REPLICAS), then the producer state: a batch it already has is answered with the
//! offset it was first written at and not written again; an epoch older than the one the
//! partition last saw from that producer id is INVALID_PRODUCER_EPOCH; a gap in the sequence is
//! OUT_OF_ORDER_SEQUENCE_NUMBER. Then the records are appended and the answer given per `acks`:
//! `0` none, `1` now, `all` when the high watermark covers the batch (or NOT_ENOUGH_REPLICAS_
//! AFTER_APPEND, NOT_LEADER_OR_FOLLOWER if leadership moved, REQUEST_TIMED_OUT after the
//! request's `timeout_ms`).
//!
//! What is simplified: the records live once, in the partition log every broker shares (see
//! `replicas.rs`), and so does the producer state: one table per partition, cut back with the
//! log when a new leader had less (Kafka rebuilds it from the new leader's own log, which
//! comes to the same). Producer ids come from one counter (Kafka: blocks from the
//! controller); producer-state expiry (`producer.id.expiration.ms`) is not modelled.

use super::{principal, Broker, Output};
use crate::core::acl::Request as AclRequest;
use crate::core::error::ErrorCode;
use crate::core::event::EventKind;
use crate::core::ids::{BrokerId, CorrelationId, NodeId};
use crate::core::protocol::init_producer_id::{InitProducerIdRequest, InitProducerIdResponse};
use crate::core::protocol::produce::{
    PartitionProduceData, PartitionProduceResponse, ProduceRequest, ProduceResponse, NO_PRODUCER_ID,
};
use crate::core::replication::config::Acks;
use crate::core::replication::producer_state::{BatchCheck, ProducerBatch, ProducerStateTable};
use crate::core::time::Millis;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The broker's produce state.
#[derive(Debug, Clone, Default)]
pub struct ProduceState {
    next_producer_id: i64,
    /// Per topic, per partition: what idempotent producers wrote there last.
    producers: BTreeMap<String, Vec<PartitionProducers>>,
    /// `acks=all` answers waiting for the in-sync replicas.
    held: Vec<Held>,
    /// Held answers now complete: (from broker, to client, correlation, answer).
    pub(crate) replies: Vec<(NodeId, NodeId, CorrelationId, ProduceResponse)>,
}

#[derive(Debug, Clone, Default)]
struct PartitionProducers {
    table: ProducerStateTable,
    /// One past the last offset the table names: when the log is cut back below it (a new
    /// leader had less), the table forgets what went.
    end: u64,
}

/// A Produce answer in the purgatory.
#[derive(Debug, Clone)]
struct Held {
    broker: NodeId,
    client: NodeId,
    correlation: CorrelationId,
    deadline: Millis,
    partitions: Vec<(PartitionProduceResponse, Option<Wait>)>,
}

/// What a held partition waits for: its leader (and epoch) to see the high watermark reach
/// `required`.
#[derive(Debug, Clone, Copy)]
struct Wait {
    leader: BrokerId,
    leader_epoch: i32,
    required: u64,
}

impl ProduceState {
    /// When the purgatory next must answer on its own (a held request's timeout).
    pub fn next_timer(&self) -> Option<Millis> {
        self.held.iter().map(|h| h.deadline).min()
    }

    pub fn is_holding(&self) -> bool {
        !self.held.is_empty()
    }

    /// Held Produce requests (the random driver counts them as outstanding on purpose).
    pub fn held(&self) -> usize {
        self.held.len()
    }
}

fn leader_id(node: &NodeId) -> BrokerId {
    match node {
        NodeId::Broker(b) => *b,
        _ => crate::core::replication::NO_LEADER,
    }
}

impl Broker {
    /// InitProducerId: a new producer id with epoch 0, or the same id with its epoch bumped.
    pub fn init_producer_id(
        &mut self,
        user: Option<&str>,
        r: &InitProducerIdRequest,
    ) -> InitProducerIdResponse {
        if self.auth.check(principal(user), AclRequest::InitProducerId, Some(&r.topic), None).is_err() {
            return InitProducerIdResponse {
                error_code: Some(ErrorCode::ClusterAuthorizationFailed),
                producer_id: NO_PRODUCER_ID,
                producer_epoch: -1,
            };
        }
        let (producer_id, producer_epoch) = if r.producer_id >= 0 && r.producer_epoch < i16::MAX {
            (r.producer_id, r.producer_epoch + 1)
        } else {
            let id = self.produce.next_producer_id;
            self.produce.next_producer_id += 1;
            (id, 0)
        };
        InitProducerIdResponse { error_code: None, producer_id, producer_epoch }
    }

    /// Produce on broker `to` from client `from`. Returns the answer now, or `None`: `acks=0`
    /// (no answer) or held until the in-sync replicas have every batch.
    pub(crate) fn produce(
        &mut self,
        now: Millis,
        to: &NodeId,
        from: &NodeId,
        correlation: CorrelationId,
        user: Option<&str>,
        r: ProduceRequest,
    ) -> Option<ProduceResponse> {
        let acks = match r.acks {
            0 => Acks::Zero,
            1 => Acks::One,
            _ => Acks::All,
        };
        let producer = match from {
            NodeId::Producer(name) => String::from(&**name),
            other => other.to_string(),
        };
        let me = leader_id(to);
        let mut partitions = Vec::with_capacity(r.partition_data.len());
        let mut waiting = false;
        let mut authorized: Option<(&str, bool)> = None;
        for data in &r.partition_data {
            let topic = &*data.partition.topic;
            let allowed = match authorized {
                Some((t, ok)) if t == topic => ok,
                _ => {
                    let ok = self.authorize_produce(user, topic).is_ok();
                    authorized = Some((topic, ok));
                    ok
                }
            };
            let (answer, wait) = if allowed {
                self.produce_partition(now, me, &producer, acks, data)
            } else {
                let code = ErrorCode::TopicAuthorizationFailed;
                (PartitionProduceResponse::error(data.partition.clone(), code, None), None)
            };
            waiting |= wait.is_some();
            partitions.push((answer, wait));
        }
        if acks == Acks::Zero {
            return None;
        }
        if waiting {
            self.produce.held.push(Held {
                broker: to.clone(),
                client: from.clone(),
                correlation,
                deadline: now.saturating_add(r.timeout_ms.max(1)),
                partitions,
            });
            return None;
        }
        Some(ProduceResponse { responses: partitions.into_iter().map(|(a, _)| a).collect() })
    }

    /// One partition's batch: checked, deduplicated, appended; its answer, and what it waits
    /// for when `acks=all` must wait.
    fn produce_partition(
        &mut self,
        now: Millis,
        me: BrokerId,
        producer: &str,
        acks: Acks,
        data: &PartitionProduceData,
    ) -> (PartitionProduceResponse, Option<Wait>) {
        let tp = &data.partition;
        let fail = |code: ErrorCode, message: Option<String>| {
            (PartitionProduceResponse::error(tp.clone(), code, message), None)
        };
        let count = data.records.len() as u64;
        let Some(log_end) =
            self.topics.get(&*tp.topic).and_then(|t| t.partition(tp.partition)).map(|l| l.log_end())
        else {
            return fail(ErrorCode::UnknownTopicOrPartition, None);
        };
        if count == 0 {
            return fail(ErrorCode::InvalidRecord, None);
        }
        // Only the leader takes writes; acks=all only with enough in-sync replicas (checked
        // before the producer state, as Kafka does: a duplicate is refused the same way).
        if let Some(code) = self.replicas.write_refused(me, &tp.topic, tp.partition, acks) {
            return fail(code, None);
        }
        // The producer state follows the log whoever writes: if a new leader had less, its
        // entries past the log's end go now, before a plain batch (no producer id) fills those
        // offsets again and a retry of a lost idempotent batch would be taken for a duplicate.
        self.cut_producers(&tp.topic, tp.partition, log_end);
        // Idempotence: a batch the leader already has, or a gap in the sequence.
        let batch = ProducerBatch {
            producer_id: data.producer_id,
            producer_epoch: data.producer_epoch,
            base_sequence: data.base_sequence,
            record_count: count as u32,
        };
        if batch.producer_id != NO_PRODUCER_ID {
            let state = self.partition_producers(&tp.topic, tp.partition, log_end);
            match state.table.check_at(&batch, log_end, &tp.topic, tp.partition) {
                Ok(BatchCheck::Append) => {}
                Ok(BatchCheck::Duplicate { base_offset }) => {
                    self.outbox.push(Output::Event(EventKind::DuplicateBatchSkipped {
                        producer: producer.to_string(),
                        topic: String::from(&*tp.topic),
                        partition: tp.partition,
                        producer_id: batch.producer_id,
                        base_sequence: batch.base_sequence,
                        base_offset,
                        count,
                    }));
                    return self.answer_after_append(tp, base_offset, base_offset + count, acks);
                }
                Err(e) => return fail(e.code, Some(e.message)),
            }
        }
        let append = match self.replicas.leader_append(now, me, &tp.topic, tp.partition, count, acks) {
            Ok(a) => a,
            Err(code) => return fail(code, None),
        };
        let Some(topic) = self.topics.get_mut(&*tp.topic) else {
            return fail(ErrorCode::UnknownTopicOrPartition, None);
        };
        let retention = topic.retention;
        let Some(log) = topic.partitions.get_mut(tp.partition as usize) else {
            return fail(ErrorCode::UnknownTopicOrPartition, None);
        };
        // The batch is stored as it came (shared with the producer, not copied), then
        // retention makes room.
        let base_offset = log.append_sized_batch(&data.records, data.size_bytes);
        for (i, h) in &data.headers {
            log.set_headers(base_offset + u64::from(*i), h.clone());
        }
        let removed = log.enforce_retention(retention, now);
        if removed > 0 {
            self.retention_note(Arc::clone(&tp.topic), tp.partition, removed);
        }
        if batch.producer_id != NO_PRODUCER_ID {
            let state = self.partition_producers(&tp.topic, tp.partition, base_offset + count);
            state.table.record_append(&batch, base_offset);
            state.end = base_offset + count;
        }
        self.outbox.push(Output::Event(EventKind::Produced {
            producer: producer.to_string(),
            topic: String::from(&*tp.topic),
            partition: tp.partition,
            base_offset,
            count,
            key: data.records.first().and_then(|r| r.key.map(|k| k.to_string())),
        }));
        match append.required {
            Some(required) => {
                let wait = Wait { leader: me, leader_epoch: append.leader_epoch, required };
                let answer = ok(tp, base_offset);
                match self.replicas.produce_status(&tp.topic, tp.partition, me, append.leader_epoch, required)
                {
                    None => (answer, Some(wait)),
                    Some(Ok(())) => (answer, None),
                    Some(Err(code)) => fail(code, None),
                }
            }
            None => (ok(tp, base_offset), None),
        }
    }

    /// A duplicate is answered like the original would be: with `acks=all` once the high
    /// watermark covers it.
    fn answer_after_append(
        &self,
        tp: &crate::core::ids::TopicPartition,
        base_offset: u64,
        end: u64,
        acks: Acks,
    ) -> (PartitionProduceResponse, Option<Wait>) {
        let answer = ok(tp, base_offset);
        let Some(p) = self.replicas.partition(&tp.topic, tp.partition) else { return (answer, None) };
        if acks != Acks::All {
            return (answer, None);
        }
        let (leader, leader_epoch) = (p.registration.leader, p.registration.leader_epoch);
        match self.replicas.produce_status(&tp.topic, tp.partition, leader, leader_epoch, end) {
            None => (answer, Some(Wait { leader, leader_epoch, required: end })),
            Some(Ok(())) => (answer, None),
            Some(Err(code)) => (PartitionProduceResponse::error(tp.clone(), code, None), None),
        }
    }

    /// Cuts a partition's producer state back to `log_end` if the log was cut (a partition no
    /// idempotent producer wrote to has none to cut).
    fn cut_producers(&mut self, topic: &str, partition: u32, log_end: u64) {
        let state = self.produce.producers.get_mut(topic).and_then(|l| l.get_mut(partition as usize));
        if let Some(state) = state.filter(|s| s.end > log_end) {
            state.table.truncate_to(log_end);
            state.end = log_end;
        }
    }

    /// The producer state of a partition, cut back to `log_end` if the log was.
    fn partition_producers(&mut self, topic: &str, partition: u32, log_end: u64) -> &mut PartitionProducers {
        if !self.produce.producers.contains_key(topic) {
            self.produce.producers.insert(topic.to_string(), Vec::new());
        }
        let list = self.produce.producers.get_mut(topic).expect("inserted");
        let i = partition as usize;
        if list.len() <= i {
            list.resize_with(i + 1, PartitionProducers::default);
        }
        let state = &mut list[i];
        if state.end > log_end {
            state.table.truncate_to(log_end);
            state.end = log_end;
        }
        state
    }

    /// The purgatory: held answers whose partitions are all decided (replicated, failed, or
    /// past the request's timeout) go into [`ProduceState::replies`].
    pub(crate) fn answer_held_produces(&mut self, now: Millis) {
        if self.produce.held.is_empty() {
            return;
        }
        let held = std::mem::take(&mut self.produce.held);
        for mut h in held {
            let mut open = false;
            for (answer, wait) in &mut h.partitions {
                let Some(w) = *wait else { continue };
                let tp = &answer.partition;
                match self.replicas.produce_status(
                    &tp.topic,
                    tp.partition,
                    w.leader,
                    w.leader_epoch,
                    w.required,
                ) {
                    Some(Ok(())) => *wait = None,
                    Some(Err(code)) => {
                        *answer = PartitionProduceResponse::error(tp.clone(), code, None);
                        *wait = None;
                    }
                    None if now >= h.deadline => {
                        *answer =
                            PartitionProduceResponse::error(tp.clone(), ErrorCode::RequestTimedOut, None);
                        *wait = None;
                    }
                    None => open = true,
                }
            }
            if open {
                self.produce.held.push(h);
            } else {
                let response =
                    ProduceResponse { responses: h.partitions.into_iter().map(|(a, _)| a).collect() };
                self.produce.replies.push((h.broker, h.client, h.correlation, response));
            }
        }
    }

    /// A deleted topic takes its producer state and held answers' waits with it.
    pub(crate) fn forget_produce_topic(&mut self, topic: &str) {
        self.produce.producers.remove(topic);
    }
}

fn ok(tp: &crate::core::ids::TopicPartition, base_offset: u64) -> PartitionProduceResponse {
    PartitionProduceResponse {
        partition: tp.clone(),
        error_code: None,
        base_offset: base_offset as i64,
        log_start_offset: 0,
        error_message: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ids::TopicPartition;
    use crate::core::log::{Record, Retention, Value};
    use crate::core::topic::Topic;
    use std::sync::Arc;

    fn broker() -> Broker {
        let mut b = Broker::new(BrokerId::FIRST);
        b.topics.insert("orders".into(), Topic::new("orders", 1, Retention::default()));
        b
    }

    fn request(acks: i16, producer_id: i64, seq: i32, n: u64) -> ProduceRequest {
        let records = (0..n).map(|i| Record { timestamp: 0, key: None, value: Value::Seq(i), producer: 0 });
        ProduceRequest {
            acks,
            timeout_ms: 1000,
            partition_data: vec![PartitionProduceData {
                partition: TopicPartition::new("orders", 0),
                producer_id,
                producer_epoch: 0,
                base_sequence: seq,
                size_bytes: records.clone().map(|r| r.size_bytes()).sum(),
                records: Arc::new(records.collect()),
                headers: Vec::new(),
            }],
        }
    }

    fn send(b: &mut Broker, r: ProduceRequest) -> Option<ProduceResponse> {
        b.produce(0, &NodeId::Broker(BrokerId::FIRST), &NodeId::producer("p1"), CorrelationId(0), None, r)
    }

    /// ProducerStateManager: a retried idempotent batch is answered with its first offset and
    /// not written again; without a producer id it is written twice.
    #[test]
    fn the_leader_drops_a_retried_idempotent_batch_and_writes_a_plain_one_twice() {
        let mut b = broker();
        let first = send(&mut b, request(-1, 7, 0, 3)).unwrap();
        let again = send(&mut b, request(-1, 7, 0, 3)).unwrap();
        assert_eq!((first.responses[0].base_offset, again.responses[0].base_offset), (0, 0));
        assert_eq!(b.topics["orders"].partitions[0].log_end(), 3, "written once");
        let gap = send(&mut b, request(-1, 7, 5, 1)).unwrap();
        assert_eq!(gap.responses[0].error_code, Some(ErrorCode::OutOfOrderSequenceNumber));
        send(&mut b, request(1, NO_PRODUCER_ID, -1, 2));
        let twice = send(&mut b, request(1, NO_PRODUCER_ID, -1, 2)).unwrap();
        assert_eq!(twice.responses[0].base_offset, 5);
        assert_eq!(b.topics["orders"].partitions[0].log_end(), 7, "written twice");
    }

    /// The log cut back (a new leader had less), then a plain batch (no producer id) fills the
    /// cut offsets again: a retry of the lost idempotent batch is written, not taken for a
    /// duplicate "at offset 0" that now holds the plain batch (review of session 7).
    #[test]
    fn a_cut_log_cuts_the_producer_state_even_when_a_plain_batch_writes_first() {
        let mut b = broker();
        send(&mut b, request(-1, 7, 0, 3));
        b.topics.get_mut("orders").unwrap().partitions[0].truncate_to(0);
        send(&mut b, request(1, NO_PRODUCER_ID, -1, 4));
        let retry = send(&mut b, request(-1, 7, 0, 3)).unwrap();
        assert_eq!(retry.responses[0].error_code, None);
        assert_eq!(retry.responses[0].base_offset, 4, "written after the plain batch, not skipped");
        assert_eq!(b.topics["orders"].partitions[0].log_end(), 7);
    }

    /// ProducerAppendInfo.checkProducerEpoch: once a producer's new epoch has written to a
    /// partition, a batch from its older epoch is refused with INVALID_PRODUCER_EPOCH and
    /// nothing is written.
    #[test]
    fn an_older_producer_epoch_is_refused_with_invalid_producer_epoch() {
        let mut b = broker();
        let mut bumped = request(-1, 7, 0, 2);
        bumped.partition_data[0].producer_epoch = 1;
        assert_eq!(send(&mut b, bumped).unwrap().responses[0].error_code, None);
        let old = send(&mut b, request(-1, 7, 2, 1)).unwrap();
        assert_eq!(old.responses[0].error_code, Some(ErrorCode::InvalidProducerEpoch));
        assert_eq!(
            old.responses[0].error_message.as_deref(),
            Some("Epoch of producer 7 at offset 2 in orders-0 is 0, which is smaller than the last seen epoch 1")
        );
        assert_eq!(b.topics["orders"].partitions[0].log_end(), 2, "nothing written");
    }

    /// acks=0 gets no answer; a broker that does not lead the partition says so.
    #[test]
    fn acks_0_is_not_answered_and_only_the_leader_takes_writes() {
        let mut b = broker();
        assert_eq!(send(&mut b, request(0, NO_PRODUCER_ID, -1, 1)), None);
        assert_eq!(b.topics["orders"].partitions[0].log_end(), 1);
        b.replicas.place_partitions(0, "orders", 1, Default::default(), 1).unwrap();
        let r = b
            .produce(
                0,
                &NodeId::Broker(BrokerId(2)),
                &NodeId::producer("p1"),
                CorrelationId(1),
                None,
                request(1, -1, -1, 1),
            )
            .unwrap();
        assert_eq!(r.responses[0].error_code, Some(ErrorCode::NotLeaderOrFollower));
    }

    #[test]
    fn init_producer_id_hands_out_ids_and_bumps_epochs() {
        let mut b = broker();
        let r = InitProducerIdRequest {
            transactional_id: None,
            transaction_timeout_ms: 60_000,
            producer_id: -1,
            producer_epoch: -1,
            topic: "orders".into(),
        };
        let a = b.init_producer_id(None, &r);
        let c = b.init_producer_id(None, &r);
        assert_eq!((a.producer_id, a.producer_epoch, c.producer_id), (0, 0, 1));
        let bumped =
            b.init_producer_id(None, &InitProducerIdRequest { producer_id: 0, producer_epoch: 0, ..r });
        assert_eq!((bumped.producer_id, bumped.producer_epoch), (0, 1));
    }
}
