//! Producers: a rate of records per simulated second, keys for teaching, and Kafka's
//! partitioner choosing where each record lands.

use super::cluster::Cluster;
use super::error::{CoreError, CoreResult, ErrorCode};
use super::event::EventKind;
use super::log::{PartitionLog, Record, Retention, Value};
use super::partitioner::{partition_for_key, round_robin, StickyState};
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
        super::cluster::validate_entity_name("producer", &self.name)?;
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
    /// error once, not at every record), cleared when a write there succeeds.
    pub partition_errors: std::collections::BTreeMap<u32, ErrorCode>,
    key_set: Vec<Arc<str>>,
    fixed_key: Option<Arc<str>>,
}

impl Producer {
    pub fn new(spec: ProducerSpec, index: u32, now: Millis) -> Self {
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
        }
        self.next_due = self.next_due.max(now as f64);
        self.prepare_keys();
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

    /// Whether it produces on its own (running, with a rate).
    pub fn is_running(&self) -> bool {
        !self.spec.paused && self.spec.rate > 0.0
    }

    /// Milliseconds between records at the configured rate.
    fn interval(&self) -> f64 {
        1000.0 / self.spec.rate
    }

    pub fn next_wakeup(&self) -> Option<Millis> {
        self.is_running().then(|| self.next_due.ceil() as Millis)
    }
}

/// One record to send.
pub(crate) struct Outgoing {
    pub key: Option<Arc<str>>,
    pub value: Value,
    pub partition: Option<u32>,
    pub headers: Option<super::log::Headers>,
}

impl Cluster {
    /// Runs one producer up to `now`: every record due by then is sent.
    pub(crate) fn step_producer(&mut self, name: &str, now: Millis) {
        let Some(mut p) = self.producers.remove(name) else {
            return;
        };
        if p.is_running() && p.next_due <= now as f64 && !self.quota_allows(&mut p, now) {
            // Throttled: its records wait; it looks again when the budget next counts.
            p.next_due = super::budget::next_count(now) as f64;
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
            self.send_batch(&mut p, count, now, None);
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
        self.producers.insert(name.to_string(), p);
    }

    /// Sends `count` records (or the given one), grouping events per partition.
    pub(crate) fn send_batch(&mut self, p: &mut Producer, count: u64, now: Millis, one: Option<Outgoing>) {
        let topic_name = p.spec.topic.clone();
        if let Err(code) = self.broker.authorize_produce(p.spec.user.as_deref(), &topic_name) {
            self.producer_failed(p, &topic_name, count, code, now);
            return;
        }
        if !self.broker.topics.contains_key(&topic_name) {
            if self.config.auto_create_topics_enable
                && super::topic::validate_topic_name(&topic_name).is_ok()
                && super::topic::check_collision(&topic_name, self.broker.topics.keys().map(String::as_str))
                    .is_ok()
                && self.check_partition_budget(u64::from(self.config.num_partitions.max(1))).is_ok()
                && self.check_default_placement().is_ok()
            {
                let n = self.config.num_partitions.max(1);
                self.create_topic_internal(&topic_name, n, self.config.retention, now);
            } else {
                self.producer_failed(p, &topic_name, count, ErrorCode::UnknownTopicOrPartition, now);
                return;
            }
        }
        p.error = None;
        // Partitions that refuse the write (no leader, a leader that does not answer, too few
        // in-sync replicas for acks=all): empty when all take it.
        let gate = self.broker.replicas.produce_gate(&topic_name, p.acks);
        // (partition, error, records refused).
        let mut refused: Vec<(u32, ErrorCode, u64)> = Vec::new();
        // Field borrows, not `&mut self` calls, inside the loop: one topic lookup per batch,
        // not per record (the hot path of every scenario and of the bench).
        let Some(topic) = self.broker.topics.get_mut(&topic_name) else {
            return;
        };
        let rng = &mut self.rng;
        let n = topic.partition_count();
        let retention = topic.retention;
        // (partition, base offset, count, first key) runs, in send order.
        let mut runs: Vec<(u32, u64, u64, Option<Arc<str>>)> = Vec::new();
        // Index into `runs` of each partition's run (`u32::MAX`: none yet).
        let mut run_of: Vec<u32> = if count > 1 { vec![u32::MAX; n as usize] } else { Vec::new() };
        // Records retention removed to make room, per partition, noted once after the loop.
        let mut trimmed: Vec<(u32, u64)> = Vec::new();
        let mut since_trim = 0;
        let mut bad_partition = None;
        let mut one = one;
        for _ in 0..count {
            let out = match one.take() {
                Some(o) => o,
                None => {
                    p.seq += 1;
                    let key = match &p.spec.keys {
                        KeyMode::None | KeyMode::Partition { .. } => None,
                        KeyMode::Fixed { .. } => p.fixed_key.clone(),
                        KeyMode::Set { .. } => {
                            let len = p.key_set.len().max(1) as u32;
                            let i = (rng.rand_u64() % len as u64) as usize;
                            p.key_set.get(i).cloned()
                        }
                        KeyMode::Random => Some(Arc::from(format!("k{:08x}", rng.rand_u64() as u32))),
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
                        let r = rng.rand_u64() as u32;
                        p.sticky.next(n, p.spec.batch_size, record.size_bytes(), r)
                    }
                },
            };
            if let Some(Some(code)) = gate.get(partition as usize) {
                match refused.iter_mut().find(|r| r.0 == partition) {
                    Some(r) => r.2 += 1,
                    None => refused.push((partition, *code, 1)),
                }
                continue;
            }
            let key = record.key.clone();
            let Some(log) = topic.partitions.get_mut(partition as usize) else {
                break;
            };
            let offset = log.append(record);
            if let Some(h) = headers {
                log.set_headers(offset, h);
            }
            p.sent += 1;
            // One event per partition per step: within a step only this producer appends, so
            // a partition's records in it have consecutive offsets.
            // The partition's run, found by index: a search of `runs` per record made a batch
            // over 1 024 partitions quadratic (32 s for 2 simulated seconds).
            let slot = run_of.get(partition as usize).copied().unwrap_or(u32::MAX);
            match runs.get_mut(slot as usize) {
                Some((_, base, c, _)) if *base + *c == offset => *c += 1,
                _ => {
                    if let Some(s) = run_of.get_mut(partition as usize) {
                        *s = runs.len() as u32;
                    }
                    runs.push((partition, offset, 1, key));
                }
            }
            since_trim += 1;
            if since_trim == TRIM_EVERY {
                since_trim = 0;
                trim(&mut topic.partitions, &runs, retention, now, &mut trimmed);
            }
        }
        trim(&mut topic.partitions, &runs, retention, now, &mut trimmed);
        for (partition, removed) in trimmed {
            self.broker.retention_note(&topic_name, partition, removed);
        }
        if let Some(part) = bad_partition {
            self.events_push(
                now,
                EventKind::ProduceFailed {
                    producer: p.spec.name.clone(),
                    topic: topic_name.clone(),
                    partition: Some(part),
                    count: 1,
                    error: ErrorCode::UnknownTopicOrPartition,
                    retriable: ErrorCode::UnknownTopicOrPartition.is_retriable(),
                },
            );
            p.error = Some(ErrorCode::UnknownTopicOrPartition);
            return;
        }
        let runs_written: Vec<(u32, u64)> = runs.iter().map(|r| (r.0, r.2)).collect();
        for (partition, base_offset, count, key) in runs {
            self.events_push(
                now,
                EventKind::Produced {
                    producer: p.spec.name.clone(),
                    topic: topic_name.clone(),
                    partition,
                    base_offset,
                    count,
                    key: key.map(|k| k.to_string()),
                },
            );
            let name = &p.spec.name;
            if let Some(ack) =
                self.broker.replicas.appended(now, name, &topic_name, partition, base_offset, count, p.acks)
            {
                self.events_push(now, ack);
            }
        }
        if !p.partition_errors.is_empty() {
            for (partition, ..) in &runs_written {
                p.partition_errors.remove(partition);
            }
        }
        for (partition, code, count) in refused {
            if p.partition_errors.insert(partition, code) != Some(code) {
                self.events_push(
                    now,
                    EventKind::ProduceFailed {
                        producer: p.spec.name.clone(),
                        topic: topic_name.clone(),
                        partition: Some(partition),
                        count,
                        error: code,
                        retriable: code.is_retriable(),
                    },
                );
            }
            p.error = Some(code);
        }
    }

    fn producer_failed(&mut self, p: &mut Producer, topic: &str, count: u64, code: ErrorCode, now: Millis) {
        // A producer retries on its schedule; tell the timeline only when the error changes.
        if p.error != Some(code) {
            self.events_push(
                now,
                EventKind::ProduceFailed {
                    producer: p.spec.name.clone(),
                    topic: topic.to_string(),
                    partition: None,
                    count,
                    error: code,
                    retriable: code.is_retriable(),
                },
            );
        }
        p.error = Some(code);
    }
}

/// How many records a batch appends between retention passes. Every record of a batch has the
/// same timestamp and sizes are positive, so trimming after each append or after many removes
/// exactly the same records (a suffix that once outgrew `retention.bytes` only grows); batching
/// the pass is what keeps it off the per-record path, and this bound keeps a huge batch from
/// holding more than a few thousand extra records in memory meanwhile.
const TRIM_EVERY: u32 = 4096;

/// Applies retention to the partitions a batch wrote to, adding what it removed to `trimmed`.
fn trim(
    logs: &mut [PartitionLog],
    runs: &[(u32, u64, u64, Option<Arc<str>>)],
    retention: Retention,
    now: Millis,
    trimmed: &mut Vec<(u32, u64)>,
) {
    for &(partition, ..) in runs {
        let Some(log) = logs.get_mut(partition as usize) else { continue };
        let removed = log.enforce_retention(retention, now);
        if removed > 0 {
            match trimmed.iter_mut().find(|(tp, _)| *tp == partition) {
                Some((_, r)) => *r += removed,
                None => trimmed.push((partition, removed)),
            }
        }
    }
}
