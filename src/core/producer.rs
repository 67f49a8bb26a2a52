//! Producers: a rate of records per simulated second, keys for teaching, and Kafka's
//! partitioner choosing where each record lands.

use super::config::ProducerDefaults;
use super::error::{CoreError, CoreResult, ErrorCode};
use super::ids::BrokerId;
use super::log::{RecordBatch, Value};
use super::partitioner::StickyState;
use super::protocol::produce::NO_PRODUCER_ID;
use super::replication::config::{Acks, ProducerReplicationConfig};
use super::time::Millis;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// How a producer picks keys (UI: "key mode"). Written `{"mode": "set", "prefix": …}` in
/// scenario files; derived externally tagged, converted by `scenario::wire` (as `Command` is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum KeyMode {
    /// Null key: the sticky partitioner (or round robin) decides.
    None,
    /// The same key every time: every record lands on one partition.
    Fixed { key: String },
    /// A key picked at random from `<prefix>1` … `<prefix>N` (e.g. `user-1` … `user-5`).
    Set { prefix: String, count: u32 },
    /// A fresh random key for every record.
    Random,
    /// An explicit partition on every record (`new ProducerRecord(topic, partition, …)`).
    Partition { partition: u32 },
}

/// `partitioner.class`: the built-in default, or `RoundRobinPartitioner`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PartitionerKind {
    #[default]
    Default,
    RoundRobin,
}

/// What a producer is told to do (scenario files and the UI).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProducerSpec {
    pub name: String,
    pub topic: String,
    /// The principal it runs as (`User:<user>`), for authorization.
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default = "default_keys")]
    pub keys: KeyMode,
    #[serde(default, rename = "partitioner.class")]
    pub partitioner: PartitionerKind,
    /// Records per simulated second (0 = only "send one").
    #[serde(default = "default_rate")]
    pub rate: f64,
    /// `batch.size`: bytes before the sticky partitioner switches partition (default 16384).
    #[serde(default = "default_batch_size", rename = "batch.size")]
    pub batch_size: u64,
    #[serde(default)]
    pub paused: bool,
    /// Client settings by Kafka's names that decide what a write is promised: `acks`,
    /// `enable.idempotence`, `retries`, `delivery.timeout.ms`, `request.timeout.ms`, …
    /// (values as JSON numbers/booleans or Kafka's strings; `replication::config`).
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub config: serde_json::Map<String, serde_json::Value>,
}

fn default_keys() -> KeyMode {
    KeyMode::None
}
fn default_rate() -> f64 {
    2.0
}
fn default_batch_size() -> u64 {
    16_384
}

/// The most records per simulated second one producer may be asked for.
pub const MAX_RATE: f64 = 10_000_000.0;
pub const MAX_KEY_SET: u32 = 10_000;

impl ProducerSpec {
    pub fn new(name: &str, topic: &str) -> Self {
        ProducerSpec {
            name: name.into(),
            topic: topic.into(),
            user: None,
            keys: KeyMode::None,
            partitioner: PartitionerKind::Default,
            rate: default_rate(),
            batch_size: default_batch_size(),
            paused: false,
            config: serde_json::Map::new(),
        }
    }

    /// The replication settings of `config`, checked as `ProducerConfig` does.
    pub fn replication_config(&self) -> CoreResult<ProducerReplicationConfig> {
        if let Some(k) = self.config.keys().find(|k| !ProducerReplicationConfig::KEYS.contains(&k.as_str())) {
            return Err(CoreError::kafka(
                ErrorCode::InvalidConfig,
                format!("Unknown producer config name: {k}"),
            ));
        }
        ProducerReplicationConfig::from_json(&self.config).map_err(|e| CoreError::kafka(e.code, e.message))
    }

    pub fn validate(&self) -> CoreResult<()> {
        super::config::validate_entity_name("producer", &self.name)?;
        self.replication_config()?;
        if !(self.rate.is_finite() && (0.0..=MAX_RATE).contains(&self.rate)) {
            return Err(CoreError::invalid(format!("rate must be between 0 and {MAX_RATE} records/s")));
        }
        if self.batch_size == 0 || self.batch_size > 64 * 1024 * 1024 {
            return Err(CoreError::invalid("batch.size must be between 1 and 67108864 bytes"));
        }
        match &self.keys {
            KeyMode::Set { count, prefix } => {
                if *count == 0 || *count > MAX_KEY_SET {
                    return Err(CoreError::invalid(format!(
                        "keys.count must be between 1 and {MAX_KEY_SET}"
                    )));
                }
                if prefix.len() > 64 {
                    return Err(CoreError::invalid("keys.prefix is longer than 64 characters"));
                }
            }
            KeyMode::Fixed { key } if key.len() > 256 => {
                return Err(CoreError::invalid("key is longer than 256 characters"));
            }
            _ => {}
        }
        Ok(())
    }
}

/// A producer's running state.
#[derive(Debug, Clone)]
pub struct Producer {
    pub spec: ProducerSpec,
    /// Index into the cluster's producer-name table (records carry it).
    pub index: u32,
    /// When the next record is due (fractional milliseconds).
    pub next_due: f64,
    pub seq: u64,
    /// Records the leader acknowledged (with `acks=0`: records sent).
    pub sent: u64,
    pub sticky: StickyState,
    pub rr_counter: u32,
    /// Last error a send got (shown on the card); cleared by the next success.
    pub error: Option<ErrorCode>,
    /// Held back by the work budget's quota on retained bytes (`budget.rs`).
    pub throttled: bool,
    /// `acks` from its config.
    pub acks: Acks,
    /// The error each partition refused its last write with (the timeline tells a partition's
    /// error once, not at every retry), cleared when a write there succeeds.
    pub partition_errors: std::collections::BTreeMap<u32, ErrorCode>,
    /// The client: what it learned from the brokers and the batches it has not finished.
    pub client: ProducerClient,
    pub(super) key_set: Vec<Arc<str>>,
    pub(super) fixed_key: Option<Arc<str>>,
}

/// One partition's batch, kept by the producer until it is answered (to retry it).
#[derive(Debug, Clone)]
pub(crate) struct Batch {
    /// Creation order: a retried batch goes back before newer ones of its partition.
    pub(super) id: u64,
    pub(super) partition: u32,
    pub(super) records: Arc<RecordBatch>,
    /// Generated records not made yet, after `records` ([`Runs`]): made when the batch is
    /// first sent.
    pub(super) runs: Runs,
    pub(super) headers: Vec<(u32, super::log::Headers)>,
    /// The records' bytes ([`Record::size_bytes`]).
    pub(super) bytes: u64,
    /// Idempotence: the producer id, epoch and first record's sequence number it was first
    /// sent with (-1 until then). Kept for every retry (Kafka's `ProducerBatch`): an earlier
    /// attempt may be in the log, and only the same numbers let the leader see the duplicate.
    pub(super) producer_id: i64,
    pub(super) base_sequence: i32,
    pub(super) producer_epoch: i16,
    pub(super) created: Millis,
    pub(super) attempts: u32,
    pub(super) retry_at: Millis,
    /// An earlier attempt ended with no answer (or after the leader wrote it): the leader may
    /// have it already.
    pub(super) unknown_outcome: bool,
}

impl Batch {
    pub(super) fn count(&self) -> u64 {
        self.records.len() as u64 + self.runs.iter().map(|r| r.2).sum::<u64>()
    }

    /// Makes the records its runs stand for (before it is first sent).
    pub(super) fn make_records(&mut self, producer: u32) {
        if self.runs.is_empty() {
            return;
        }
        let v = Arc::make_mut(&mut self.records);
        v.reserve_exact(self.runs.iter().map(|r| r.2 as usize).sum());
        for (timestamp, first, count) in self.runs.drain(..) {
            v.extend_generated(timestamp, first..first + count, producer);
        }
    }
}

/// Records the sticky partitioner made without a key or headers, as runs of
/// `(timestamp, first sequence number, count)`: each stands for the records
/// `Record { timestamp, key: None, value: Value::Seq(seq), producer }` for `seq` in
/// `first..first + count`. A queued batch keeps them so until it is first sent: a producer far
/// ahead of its answers (`acks=all` on a busy cluster) holds up to `buffer.memory` of records,
/// and as records that is about 2.5 times the bytes Kafka's accumulator holds (and memory
/// nobody looks at until the batch goes out).
pub(super) type Runs = Vec<(Millis, u64, u64)>;

/// Adds `count` records from `first` at `timestamp` to `runs`, joining the last run when they
/// follow it.
pub(super) fn add_run(runs: &mut Runs, timestamp: Millis, first: u64, count: u64) {
    match runs.last_mut() {
        Some(last) if last.0 == timestamp && last.1 + last.2 == first => last.2 += count,
        _ => runs.push((timestamp, first, count)),
    }
}

/// A Produce request waiting for its answer.
#[derive(Debug, Clone)]
pub(super) struct InFlight {
    pub(super) correlation: crate::core::ids::CorrelationId,
    pub(super) broker: BrokerId,
    pub(super) deadline: Millis,
    pub(super) batches: Vec<Batch>,
}

/// What a Metadata answer told the producer about its topic.
#[derive(Debug, Clone)]
pub(super) struct TopicMetadata {
    pub(super) topic: Arc<str>,
    /// Each partition's leader (`NO_LEADER`: none).
    pub(super) leaders: Vec<BrokerId>,
    /// Whether each partition has more than one replica.
    pub(super) replicated: Vec<bool>,
}

/// The producer as a client on the network (Kafka's `Sender` and `RecordAccumulator`): it
/// learns leaders from Metadata, asks InitProducerId for its id when idempotent, sends one
/// Produce request per leader with one batch per partition, at most
/// `max.in.flight.requests.per.connection` unanswered per broker, retries what may be retried
/// after `retry.backoff.ms` and gives a batch up after `delivery.timeout.ms`.
#[derive(Debug, Clone)]
pub struct ProducerClient {
    /// The settings in force (the pace's timeouts where the producer sets none).
    pub config: ProducerReplicationConfig,
    pub idempotent: bool,
    /// From InitProducerId (-1: none yet).
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub(super) bump_epoch: bool,
    /// The producer id or epoch changed since a send round last found no batch sent under an
    /// older one: only then does a round look for them (not through a long queue each time).
    pub(super) epoch_changed: bool,
    pub(super) node: crate::core::ids::NodeId,
    pub(super) metadata: Option<TopicMetadata>,
    pub(super) metadata_stale: bool,
    pub(super) next_metadata_at: Millis,
    pub(super) init_retry_at: Millis,
    /// Tries in a row that found no broker to connect to, and when the next may be made
    /// (`reconnect.backoff.ms`, doubling up to `reconnect.backoff.max.ms`).
    pub(super) connect_failures: u32,
    pub(super) reconnect_at: Millis,
    /// When batches put back to wait `retry.backoff.ms` may go (past ones are dropped as
    /// plans pass them): the soonest is known without a walk through a long queue.
    pub(super) retries_at: std::collections::BTreeSet<Millis>,
    pub(super) next_sequence: Vec<i32>,
    /// Per partition: the producer id, epoch and last sequence number acknowledged
    /// (`lastAckedSequence`; -1 before any).
    pub(super) last_acked: Vec<(i64, i16, i32)>,
    pub(super) next_batch_id: u64,
    pub(super) queue: std::collections::VecDeque<Batch>,
    pub(super) in_flight: Vec<InFlight>,
    pub(super) wake_at: Option<Millis>,
    /// Since when `send()` has been blocked waiting for room in `buffer.memory`.
    pub(super) blocked_since: Option<Millis>,
    /// The timeline was told it blocked; told again only after the buffer was half empty.
    pub(super) blocked_told: bool,
    /// Records acknowledged, given up, and the extra copies written by retries without
    /// idempotence (seen by the simulation; a batch in the log three times counts twice).
    pub acknowledged: u64,
    pub failed: u64,
    pub duplicates: u64,
}

impl ProducerClient {
    fn new(name: &str) -> Self {
        ProducerClient {
            config: ProducerReplicationConfig::default(),
            idempotent: true,
            producer_id: -1,
            producer_epoch: -1,
            bump_epoch: false,
            epoch_changed: false,
            node: crate::core::ids::NodeId::producer(name),
            metadata: None,
            metadata_stale: false,
            next_metadata_at: 0,
            init_retry_at: 0,
            connect_failures: 0,
            reconnect_at: 0,
            retries_at: Default::default(),
            next_sequence: Vec::new(),
            last_acked: Vec::new(),
            next_batch_id: 0,
            queue: Default::default(),
            in_flight: Vec::new(),
            wake_at: None,
            blocked_since: None,
            blocked_told: false,
            acknowledged: 0,
            failed: 0,
            duplicates: 0,
        }
    }

    /// Records made and not yet acknowledged or given up (queued or in flight).
    pub fn pending_records(&self) -> u64 {
        self.queue.iter().map(Batch::count).sum::<u64>()
            + self.in_flight.iter().flat_map(|f| &f.batches).map(Batch::count).sum::<u64>()
    }

    /// The bytes of `buffer.memory` its batches hold, queued or in flight (Kafka's
    /// `BufferPool`: each batch takes at least `batch.size`).
    pub fn buffered_bytes(&self, batch_size: u64) -> u64 {
        self.queue
            .iter()
            .chain(self.in_flight.iter().flat_map(|f| &f.batches))
            .map(|b| b.bytes.max(batch_size))
            .sum()
    }

    /// Produce requests sent and not answered yet.
    pub fn in_flight_requests(&self) -> usize {
        self.in_flight.len()
    }

    /// The producer's node on the network.
    pub fn node(&self) -> &crate::core::ids::NodeId {
        &self.node
    }

    pub(super) fn request_timeout(&self) -> Millis {
        self.config.request_timeout_ms.max(1)
    }

    /// Kafka's `RecordAccumulator.tryAppend`: records join their partition's newest batch
    /// while it has not been sent and they fit in `batch.size` (a sent batch is closed).
    /// Returns whether they did (the records and runs are then taken).
    pub(super) fn append_to_unsent(
        &mut self,
        partition: u32,
        records: &mut RecordBatch,
        runs: &[(Millis, u64, u64)],
        bytes: u64,
        headers: &[(u32, super::log::Headers)],
        batch_size: u64,
    ) -> bool {
        let Some(last) = self.queue.iter_mut().rev().find(|b| b.partition == partition) else {
            return false;
        };
        if last.attempts > 0 || last.base_sequence >= 0 {
            return false;
        }
        if last.bytes + bytes > batch_size {
            return false;
        }
        if let Some(first) = records.first() {
            // Made records go after the runs' records, made now.
            last.make_records(first.producer);
        }
        // Not yet sent, so only this producer holds it, unless the whole cluster was cloned (a
        // snapshot): then this copies, and behaves the same.
        let v = Arc::make_mut(&mut last.records);
        let base = v.len() as u32;
        v.append(records);
        for &(timestamp, first, count) in runs {
            add_run(&mut last.runs, timestamp, first, count);
        }
        last.bytes += bytes;
        last.headers.extend(headers.iter().map(|(i, h)| (base + i, h.clone())));
        true
    }

    /// The batches of `partition` sent and not answered yet.
    pub(super) fn in_flight_of(&self, partition: u32) -> impl Iterator<Item = &Batch> {
        self.in_flight.iter().flat_map(|f| &f.batches).filter(move |x| x.partition == partition)
    }

    /// The sequence number the leader expects next from this producer on `b`'s partition, as
    /// far as the producer knows: one past the last one acknowledged under `b`'s producer id and
    /// epoch (0 when none was; Kafka's `TxnPartitionEntry.lastAckedSequence`).
    fn next_acked_sequence(&self, b: &Batch) -> i32 {
        match self.last_acked.get(b.partition as usize) {
            Some(&(id, epoch, last)) if (id, epoch) == (b.producer_id, b.producer_epoch) => {
                if last == i32::MAX {
                    0
                } else {
                    last + 1
                }
            }
            _ => 0,
        }
    }

    /// OUT_OF_ORDER_SEQUENCE_NUMBER on `b` (Kafka's `TransactionManager.canRetry`, idempotent
    /// producer): always retried. When `b` is not the next sequence after the last acknowledged
    /// one and no sequence is unresolved, an earlier batch is still on its way and `b` is sent
    /// again as it is. Otherwise the sequence has a real gap (the leader lost batches it had
    /// acknowledged, or an earlier batch was given up): the producer bumps its epoch and `b`
    /// goes again with new numbers — safe, since the leader refusing it as out of order means
    /// no attempt of it is in the log. Returns true (retriable).
    pub(super) fn out_of_order_retry(&mut self, b: &mut Batch) -> bool {
        if b.base_sequence < 0 {
            return false;
        }
        let unresolved = self.bump_epoch;
        if !unresolved && b.base_sequence != self.next_acked_sequence(b) {
            return true;
        }
        self.bump_epoch = true;
        b.base_sequence = -1;
        b.producer_id = NO_PRODUCER_ID;
        b.producer_epoch = -1;
        b.unknown_outcome = false;
        true
    }

    /// A retried batch back in creation order, before the newer ones of its partition.
    pub(super) fn requeue(&mut self, batch: Batch) {
        let at = self.queue.iter().position(|b| b.id > batch.id).unwrap_or(self.queue.len());
        self.queue.insert(at, batch);
    }

    /// When the client next needs to run, once a send found nothing more it could send:
    /// an answer's deadline, a retry's backoff, a metadata refresh, a producer id, a batch
    /// expiring. A batch still queued then waits for one of those or for an answer (which
    /// wakes the producer itself, `Cluster::producer_answered`), so the client sleeps until
    /// then: it is not woken each millisecond while no broker can take its batches.
    /// `more`: the send stopped while requests still went out (bounded per instant), so it
    /// goes on at the next millisecond.
    pub(super) fn plan(&mut self, now: Millis, more: bool) {
        let mut t: Option<Millis> = None;
        let mut consider = |x: Millis| {
            let x = x.max(now + 1);
            t = Some(t.map_or(x, |t: Millis| t.min(x)));
        };
        for f in &self.in_flight {
            consider(f.deadline);
        }
        while self.retries_at.first().is_some_and(|&r| r <= now) {
            self.retries_at.pop_first();
        }
        if let Some(oldest) = self.queue.front() {
            if more {
                self.wake_at = Some(now + 1);
                return;
            }
            // The queue is in creation order: its front is its oldest batch.
            consider(oldest.created.saturating_add(self.config.effective_delivery_timeout_ms()));
            if let Some(&r) = self.retries_at.first() {
                consider(r);
            }
            if self.metadata.is_none() || self.metadata_stale {
                consider(self.next_metadata_at);
            }
            // (An epoch bump waits until nothing of the old epoch is in flight: for an answer
            // or a deadline, not for this retry time.)
            if self.idempotent && (self.producer_id < 0 || (self.bump_epoch && self.in_flight.is_empty())) {
                consider(self.init_retry_at);
            }
        }
        self.wake_at = t;
    }

    /// Puts a batch back to be retried after `retry.backoff.ms`.
    pub(super) fn retry_later(&mut self, mut batch: Batch, now: Millis) {
        batch.retry_at = now + self.config.retry_backoff_ms;
        if batch.retry_at > now {
            self.retries_at.insert(batch.retry_at);
        }
        self.requeue(batch);
    }
}

impl Producer {
    pub fn new(spec: ProducerSpec, index: u32, now: Millis) -> Self {
        let client = ProducerClient::new(&spec.name);
        let mut p = Producer {
            spec,
            index,
            next_due: now as f64,
            seq: 0,
            sent: 0,
            sticky: StickyState::default(),
            rr_counter: 0,
            error: None,
            throttled: false,
            acks: Acks::All,
            partition_errors: Default::default(),
            client,
            key_set: Vec::new(),
            fixed_key: None,
        };
        p.prepare_keys();
        p
    }

    pub fn set_spec(&mut self, spec: ProducerSpec, now: Millis) {
        let topic_changed = spec.topic != self.spec.topic;
        self.spec = spec;
        if topic_changed {
            self.sticky = StickyState::default();
            // Batches for the old topic are dropped with it (the playground's producer writes
            // to one topic).
            self.client.queue.clear();
            self.client.in_flight.clear();
            self.client.metadata = None;
            self.client.next_sequence.clear();
            self.client.last_acked.clear();
        }
        self.next_due = self.next_due.max(now as f64);
        self.prepare_keys();
    }

    /// Reads the client settings over the pace's defaults.
    pub(crate) fn configure(&mut self, defaults: ProducerDefaults) {
        let mut map = self.spec.config.clone();
        map.entry("request.timeout.ms").or_insert_with(|| defaults.request_timeout_ms.into());
        let mut c = ProducerReplicationConfig::from_json(&map)
            .or_else(|_| self.spec.replication_config())
            .unwrap_or_default();
        if !self.spec.config.contains_key("delivery.timeout.ms") {
            c.delivery_timeout_ms = defaults.delivery_timeout_ms;
        }
        if !self.spec.config.contains_key("max.block.ms") {
            c.max_block_ms = defaults.max_block_ms;
        }
        let idempotent = c.idempotence_enabled();
        if idempotent && !self.client.idempotent {
            self.client.producer_id = -1;
            self.client.epoch_changed = true;
            self.client.next_sequence.clear();
            self.client.last_acked.clear();
        }
        self.client.idempotent = idempotent;
        self.client.config = c;
    }

    fn prepare_keys(&mut self) {
        self.acks = self.spec.replication_config().map_or(Acks::All, |c| c.acks);
        self.key_set.clear();
        self.fixed_key = None;
        match &self.spec.keys {
            KeyMode::Set { prefix, count } => {
                self.key_set = (1..=*count).map(|i| Arc::from(format!("{prefix}{i}"))).collect();
            }
            KeyMode::Fixed { key } => self.fixed_key = Some(Arc::from(key.as_str())),
            _ => {}
        }
    }

    /// Paused: it makes no records, so no `send()` is blocked either (a send blocked before the
    /// pause does not count its wait on; after Resume a full buffer blocks anew for
    /// `max.block.ms`).
    pub(crate) fn pause(&mut self) {
        self.spec.paused = true;
        self.client.blocked_since = None;
    }

    /// Whether it produces on its own (running, with a rate).
    pub fn is_running(&self) -> bool {
        !self.spec.paused && self.spec.rate > 0.0
    }

    /// Milliseconds between records at the configured rate.
    pub(super) fn interval(&self) -> f64 {
        1000.0 / self.spec.rate
    }

    pub fn next_wakeup(&self) -> Option<Millis> {
        let run = self.is_running().then(|| self.next_due.ceil() as Millis);
        match (run, self.client.wake_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// One record to send.
pub(crate) struct Outgoing {
    pub key: Option<Arc<str>>,
    pub value: Value,
    pub partition: Option<u32>,
    pub headers: Option<super::log::Headers>,
}

#[cfg(test)]
mod tests {
    use crate::core::command::Command;
    use crate::core::error::ErrorCode;
    use crate::core::event::{Event, EventKind};
    use crate::core::ids::{BrokerId, NodeId};
    use crate::core::scenario::{Run, Scenario};

    /// Three brokers, orders with one partition on all three, `p1` writing 20 records/s
    /// with `config`.
    fn replicated(config: &str) -> Run {
        let text = format!(
            r#"{{"version": 1, "seed": 7,
  "brokers": [{{"id": 1, "rack": "a"}}, {{"id": 2, "rack": "b"}}, {{"id": 3, "rack": "c"}}],
  "topics": [{{"name": "orders", "partitions": 1, "replication_factor": 3}}],
  "producers": [{{"name": "p1", "topic": "orders", "rate": 20, "config": {{{config}}}}}]}}"#
        );
        Run::new(Scenario::from_json(&text).expect("parses")).expect("builds")
    }

    fn leader(r: &Run) -> BrokerId {
        r.cluster.replication().partition("orders", 0).expect("orders-0").registration.leader
    }

    fn failures(events: &[Event]) -> Vec<(u64, ErrorCode)> {
        events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::ProduceFailed { error, .. } => Some((e.at, *error)),
                _ => None,
            })
            .collect()
    }

    fn sent_batch(id: u64, base_sequence: i32, count: u32) -> super::Batch {
        let record = crate::core::log::Record {
            timestamp: 0,
            key: None,
            value: crate::core::log::Value::Seq(0),
            producer: 0,
        };
        super::Batch {
            id,
            partition: 0,
            records: std::sync::Arc::new(vec![record; count as usize].into_iter().collect()),
            runs: Vec::new(),
            headers: Vec::new(),
            bytes: 0,
            producer_id: 4,
            base_sequence,
            producer_epoch: 0,
            created: 0,
            attempts: 1,
            retry_at: 0,
            unknown_outcome: true,
        }
    }

    /// Kafka's `TransactionManager.canRetry` for OUT_OF_ORDER_SEQUENCE_NUMBER (idempotent
    /// producer): a batch that is not the next after the last acknowledged sequence, with no
    /// sequence unresolved, waits for an earlier batch still on its way and is retried with
    /// the same numbers; the next one (a real gap: the leader lost what it acknowledged), or
    /// any once a batch was given up, is retried under a bumped epoch with new numbers.
    #[test]
    fn out_of_order_is_retried_as_is_behind_an_unacknowledged_batch_and_renumbered_after_a_gap() {
        let mut c = super::ProducerClient::new("p1");
        c.last_acked = vec![(4, 0, 9)];
        // Sequences 10..14 are not acknowledged yet: 15 waits for them.
        let mut behind = sent_batch(2, 15, 5);
        assert!(c.out_of_order_retry(&mut behind));
        assert_eq!((behind.base_sequence, behind.producer_epoch, c.bump_epoch), (15, 0, false));
        // 10 is the next one: the leader has a real gap.
        let mut next = sent_batch(1, 10, 5);
        assert!(c.out_of_order_retry(&mut next));
        assert_eq!((next.base_sequence, next.producer_id, c.bump_epoch), (-1, super::NO_PRODUCER_ID, true));
        assert!(!next.unknown_outcome, "refused as out of order: no attempt of it is in the log");
        // With a sequence unresolved, a later batch is numbered again too.
        assert!(c.out_of_order_retry(&mut behind));
        assert_eq!(behind.base_sequence, -1);
        // Another epoch's acknowledgement says nothing about this one's sequences.
        let mut d = super::ProducerClient::new("p2");
        d.last_acked = vec![(4, 1, 9)];
        let mut zero = sent_batch(3, 0, 1);
        assert!(d.out_of_order_retry(&mut zero));
        assert_eq!((zero.base_sequence, d.bump_epoch), (-1, true), "0 is epoch 0's next: a gap");
    }

    /// A producer (`buffer.memory` 1000, `batch.size` 100, `max.block.ms` 2000) whose three
    /// brokers are all cut off at 00:01, and healed at `heal` seconds if given.
    fn cut_off_at_one_second(heal: Option<u32>) -> Run {
        let step = |at: u32, kind: &str| {
            (1..=3)
                .map(|b| format!(r#"{{"at": "00:{at:02}", "do": {{"type": "{kind}", "broker": {b}}}}}"#))
                .collect::<Vec<_>>()
        };
        let mut script = step(1, "isolate_broker");
        if let Some(at) = heal {
            script.extend(step(at, "heal_broker"));
        }
        let text = format!(
            r#"{{"version": 1, "seed": 7,
  "brokers": [{{"id": 1, "rack": "a"}}, {{"id": 2, "rack": "b"}}, {{"id": 3, "rack": "c"}}],
  "topics": [{{"name": "orders", "partitions": 1, "replication_factor": 3}}],
  "producers": [{{"name": "p1", "topic": "orders", "rate": 20, "batch.size": 100,
                 "config": {{"buffer.memory": 1000, "max.block.ms": 2000}}}}],
  "script": [{}]}}"#,
            script.join(", ")
        );
        Run::new(Scenario::from_json(&text).expect("parses")).expect("builds")
    }

    /// `buffer.memory` bounds what a producer holds while nobody answers: a full buffer blocks
    /// `send()` (no record is made), after `max.block.ms` a send fails with
    /// BUFFER_EXHAUSTED (BufferExhaustedException), and once answers free room it writes again.
    #[test]
    fn a_full_buffer_memory_blocks_send_for_max_block_ms_then_fails_it() {
        let mut r = cut_off_at_one_second(Some(12));
        let mut events = r.advance(8_000);
        let held = r.cluster.producers()["p1"].client.buffered_bytes(100);
        assert!((1000..=1100).contains(&held), "bounded by buffer.memory (one step over at most): {held}");
        let seq = r.cluster.producers()["p1"].seq;
        events.extend(r.advance(11_000));
        let (seq_later, failed) = {
            let p = &r.cluster.producers()["p1"];
            (p.seq, p.client.failed)
        };
        assert_eq!(seq_later - seq, 2, "blocked: only the sends failing at 8.25 s and 10.25 s, nothing else");
        assert!(failed >= 4, "each blocked send fails after max.block.ms: {failed}");
        events.extend(r.advance(40_000));
        let blocked: Vec<u64> = events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::ProducerBlocked { .. }))
            .map(|e| e.at)
            .collect();
        let exhausted: Vec<u64> = events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::ProduceFailed { error: ErrorCode::BufferExhausted, .. }))
            .map(|e| e.at)
            .collect();
        assert_eq!(blocked.len(), 1, "told once: {blocked:?}");
        assert!(blocked[0] < 3_000, "blocked soon after the brokers went quiet");
        assert_eq!(exhausted.first(), Some(&(blocked[0] + 2_000)), "max.block.ms after it blocked");
        let wrote_again =
            events.iter().any(|e| e.at > 12_000 && matches!(e.kind, EventKind::Produced { .. }));
        assert!(wrote_again, "writes again once the brokers answer");
    }

    /// A producer paused while its `send()` is blocked does not count the pause towards
    /// `max.block.ms`: after Resume, with the buffer still full, a send fails only
    /// `max.block.ms` later (the reviewer found it failing at once).
    #[test]
    fn a_pause_does_not_count_towards_max_block_ms() {
        let mut r = cut_off_at_one_second(None);
        let mut events = r.advance(3_000);
        assert!(events.iter().any(|e| matches!(e.kind, EventKind::ProducerBlocked { .. })), "blocked by 3 s");
        events.extend(r.apply(3_000, Command::PauseProducer { name: "p1".into() }).expect("pauses"));
        events.extend(r.advance(9_000));
        events.extend(r.apply(9_000, Command::ResumeProducer { name: "p1".into() }).expect("resumes"));
        events.extend(r.advance(12_000));
        let exhausted: Vec<u64> = events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::ProduceFailed { error: ErrorCode::BufferExhausted, .. }))
            .map(|e| e.at)
            .filter(|at| *at >= 3_000)
            .collect();
        assert!(!exhausted.is_empty(), "still blocked after Resume, so a send fails in the end");
        assert!(
            exhausted[0] >= 11_000,
            "max.block.ms counted from Resume, not from before the pause: {exhausted:?}"
        );
    }

    /// NETWORK_EXCEPTION is retried (Kafka's `NetworkException` is an `InvalidMetadataException`:
    /// metadata is refreshed); INVALID_PRODUCER_EPOCH fails the batch (`Sender.failBatch`).
    #[test]
    fn network_exception_is_retried_and_invalid_producer_epoch_is_not() {
        assert!(ErrorCode::NetworkException.is_retriable());
        assert!(!ErrorCode::InvalidProducerEpoch.is_retriable());
        assert_eq!((ErrorCode::NetworkException.code(), ErrorCode::InvalidProducerEpoch.code()), (13, 47));
    }

    /// A request on its way to a broker that stops (controlled shutdown) ends at once with
    /// NETWORK_EXCEPTION (Kafka's `Sender`: "Disconnected from node N") and is retried on the
    /// new leader; a crash gives no such news, so the same request waits `request.timeout.ms`.
    #[test]
    fn a_controlled_stop_disconnects_the_requests_on_their_way_and_a_crash_does_not() {
        for (stop, expected) in [(true, ErrorCode::NetworkException), (false, ErrorCode::RequestTimedOut)] {
            let mut r = replicated(r#""acks": "all""#);
            r.advance(1_000);
            let l = leader(&r);
            // 200 ms from producer to leader: a request is always on its way.
            r.cluster.net.set_latency(NodeId::producer("p1"), NodeId::Broker(l), 200);
            r.advance(5_000);
            let cmd =
                if stop { Command::StopBroker { broker: l } } else { Command::CrashBroker { broker: l } };
            let mut events = r.apply(5_000, cmd).expect("applies");
            events.extend(r.advance(20_000));
            let first = failures(&events).into_iter().find(|&(_, e)| e == expected);
            let (at, _) = first.unwrap_or_else(|| panic!("no {expected} in {:?}", failures(&events)));
            if stop {
                assert_eq!(at, 5_000, "told at once");
                let acked = events
                    .iter()
                    .any(|e| e.at < 6_000 && matches!(e.kind, EventKind::ProduceAcknowledged { .. }));
                assert!(acked, "retried on the new leader at once");
            } else {
                assert!(at >= 5_000 + 9_000, "after request.timeout.ms (10 s at teaching pace): {at}");
            }
            assert_eq!(r.cluster.produce_requests_overdue(20_000), 0);
        }
    }
}
