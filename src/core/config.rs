//! Configuration, by Kafka's names. Every knob serialises under the Kafka config name
//! (`session.timeout.ms`, `auto.offset.reset`, …) so scenario files read like client configs.
//! Knobs that exist only in the playground say so in their doc comment.

use super::error::{CoreError, CoreResult};
use super::group::assignor::{Side, Strategy};
use super::group::GroupProtocol;
use super::log::Retention;
use crate::core::share_group::ShareAcknowledgementMode;
use serde::{Deserialize, Serialize};

/// Broker-side settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClusterConfig {
    /// `auto.create.topics.enable`. Kafka's broker default is `true`; the playground's is
    /// `false` (as on most managed services), so producing to a missing topic shows
    /// UNKNOWN_TOPIC_OR_PARTITION.
    #[serde(rename = "auto.create.topics.enable")]
    pub auto_create_topics_enable: bool,
    /// `num.partitions`: partitions of an auto-created topic (Kafka default 1).
    #[serde(rename = "num.partitions")]
    pub num_partitions: u32,
    /// `group.initial.rebalance.delay.ms` (Kafka default 3000): how long a new classic group
    /// waits for more members before its first rebalance completes.
    #[serde(rename = "group.initial.rebalance.delay.ms")]
    pub group_initial_rebalance_delay_ms: u64,
    /// `group.consumer.heartbeat.interval.ms` (KIP-848, broker side; default 5000).
    #[serde(rename = "group.consumer.heartbeat.interval.ms")]
    pub consumer_heartbeat_interval_ms: u64,
    /// `group.consumer.session.timeout.ms` (KIP-848, broker side; default 45000).
    #[serde(rename = "group.consumer.session.timeout.ms")]
    pub consumer_session_timeout_ms: u64,
    /// Default retention of new topics (`retention.ms`, `retention.bytes`).
    pub retention: Retention,
    /// Playground only: one network hop (JoinGroup response → SyncGroup → assignment), so
    /// the CompletingRebalance phase is visible. Real clusters take about a millisecond.
    #[serde(rename = "playground.network.latency.ms")]
    pub network_latency_ms: u64,
    /// The brokers (`node.id`, `broker.rack`), 1 to 9. Written at a scenario's top level
    /// (`"brokers": [...]`), not under `cluster`; empty means one broker, id 1, no rack.
    #[serde(skip)]
    pub brokers: Vec<BrokerSpec>,
    /// `default.replication.factor` (1 in Apache Kafka): topics created without one.
    #[serde(rename = "default.replication.factor")]
    pub default_replication_factor: i32,
    /// `min.insync.replicas` (1): the broker's default for topics that do not set it.
    #[serde(rename = "min.insync.replicas")]
    pub min_insync_replicas: u32,
    /// `unclean.leader.election.enable` (false): the broker's default for topics.
    #[serde(rename = "unclean.leader.election.enable")]
    pub unclean_leader_election_enable: bool,
    /// `replica.lag.time.max.ms` (30000; 10000 at teaching pace): how long a follower may go
    /// without catching up before its leader drops it from the ISR.
    #[serde(rename = "replica.lag.time.max.ms")]
    pub replica_lag_time_max_ms: u64,
    /// `broker.session.timeout.ms` (9000; 3000 at teaching pace): how long the controller
    /// waits for a broker's heartbeat before fencing it (a crash is noticed then).
    #[serde(rename = "broker.session.timeout.ms")]
    pub broker_session_timeout_ms: u64,
    /// The pace's defaults for producers' `request.timeout.ms` and `delivery.timeout.ms`
    /// (client settings: a producer's own `config` overrides them). Not a broker setting, so
    /// not in the file's `cluster`; it comes with the pace.
    #[serde(skip)]
    pub producer_defaults: ProducerDefaults,
    /// `auto.leader.rebalance.enable` (true): the controller moves each partition's leadership
    /// back to its preferred replica (the first) once that replica is in sync again.
    #[serde(rename = "auto.leader.rebalance.enable")]
    pub auto_leader_rebalance_enable: bool,
    /// `leader.imbalance.check.interval.seconds` (300; 10 at teaching pace): the KRaft
    /// controller checks this long after a partition stopped being led by its preferred
    /// replica, and again every interval while one is.
    #[serde(rename = "leader.imbalance.check.interval.seconds")]
    pub leader_imbalance_check_interval_seconds: u64,
    /// `leader.imbalance.per.broker.percentage` (10). Accepted and without effect, as in Kafka
    /// 4: only the ZooKeeper controller (removed in 4.0) read it; the KRaft controller moves
    /// every partition not led by its preferred replica.
    #[serde(rename = "leader.imbalance.per.broker.percentage")]
    pub leader_imbalance_per_broker_percentage: i32,
}

/// One broker of the cluster: `node.id` and `broker.rack` (a zone, on managed services).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrokerSpec {
    pub id: crate::core::ids::BrokerId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rack: Option<String>,
}

/// The most brokers a playground cluster holds.
pub const MAX_BROKERS: usize = 9;

impl BrokerSpec {
    /// 1 to 9 brokers, distinct ids from 0 to 1000, racks of 1–64 name characters.
    pub fn validate_all(brokers: &[BrokerSpec]) -> Result<(), String> {
        if brokers.len() > MAX_BROKERS {
            return Err(format!("at most {MAX_BROKERS} brokers (got {})", brokers.len()));
        }
        for (i, b) in brokers.iter().enumerate() {
            if !(0..=1000).contains(&b.id.0) {
                return Err(format!("[{i}].id: node.id must be between 0 and 1000 (got {})", b.id));
            }
            if brokers[..i].iter().any(|o| o.id == b.id) {
                return Err(format!("[{i}].id: broker {} is listed twice", b.id));
            }
            if let Some(r) = &b.rack {
                if let Err(e) = validate_entity_name("broker.rack", r) {
                    return Err(format!("[{i}].rack: {e}"));
                }
            }
        }
        Ok(())
    }
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            auto_create_topics_enable: false,
            num_partitions: 1,
            group_initial_rebalance_delay_ms: 3000,
            consumer_heartbeat_interval_ms: 5000,
            consumer_session_timeout_ms: 45000,
            retention: Retention::default(),
            network_latency_ms: 5,
            brokers: Vec::new(),
            default_replication_factor: 1,
            min_insync_replicas: 1,
            unclean_leader_election_enable: false,
            replica_lag_time_max_ms: 30_000,
            broker_session_timeout_ms: 9_000,
            producer_defaults: ProducerDefaults::KAFKA,
            auto_leader_rebalance_enable: true,
            leader_imbalance_check_interval_seconds: 300,
            leader_imbalance_per_broker_percentage: 10,
        }
    }
}

impl ClusterConfig {
    /// "Teaching speed": timeouts scaled down so a rebalance is seen within seconds.
    pub fn teaching() -> Self {
        ClusterConfig {
            group_initial_rebalance_delay_ms: 500,
            consumer_heartbeat_interval_ms: 1000,
            consumer_session_timeout_ms: 6000,
            network_latency_ms: 200,
            replica_lag_time_max_ms: 10_000,
            broker_session_timeout_ms: 3_000,
            producer_defaults: ProducerDefaults::TEACHING,
            leader_imbalance_check_interval_seconds: 10,
            ..Self::default()
        }
    }
}

impl ClusterConfig {
    /// Checks ranges, so no setting can overflow the clock or exhaust memory; the error
    /// names the Kafka config.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        let max = super::topic::MAX_PARTITIONS;
        if self.num_partitions == 0 || self.num_partitions > max {
            return Err((
                "num.partitions",
                format!("must be between 1 and {max} (got {})", self.num_partitions),
            ));
        }
        let bounded = [
            ("group.initial.rebalance.delay.ms", self.group_initial_rebalance_delay_ms, 0),
            ("group.consumer.heartbeat.interval.ms", self.consumer_heartbeat_interval_ms, 1),
            ("group.consumer.session.timeout.ms", self.consumer_session_timeout_ms, 1),
            ("playground.network.latency.ms", self.network_latency_ms, 0),
            ("replica.lag.time.max.ms", self.replica_lag_time_max_ms, 1),
            ("broker.session.timeout.ms", self.broker_session_timeout_ms, 1),
        ];
        for (name, v, min) in bounded {
            if v < min || v > 86_400_000 {
                return Err((name, format!("must be between {min} and 86400000 ms (got {v})")));
            }
        }
        if !(1..=86_400).contains(&self.leader_imbalance_check_interval_seconds) {
            return Err((
                "leader.imbalance.check.interval.seconds",
                format!(
                    "must be between 1 and 86400 s (got {})",
                    self.leader_imbalance_check_interval_seconds
                ),
            ));
        }
        if !(1..=i16::MAX as i32).contains(&self.default_replication_factor) {
            return Err(("default.replication.factor", "Value must be at least 1".into()));
        }
        if self.min_insync_replicas == 0 {
            return Err(("min.insync.replicas", "Value must be at least 1".into()));
        }
        BrokerSpec::validate_all(&self.brokers).map_err(|e| ("brokers", e))?;
        if self.retention.ms == Some(0) || self.retention.bytes == Some(0) {
            return Err(("retention", "retention.ms and retention.bytes must be positive (or null)".into()));
        }
        Ok(())
    }
}

/// Names of producers, consumers, groups and instance ids: 1–64 of `[A-Za-z0-9._-]`.
pub fn validate_entity_name(what: &str, name: &str) -> CoreResult<()> {
    if name.is_empty() || name.len() > 64 {
        return Err(CoreError::invalid(format!("{what} must be 1 to 64 characters long")));
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))) {
        return Err(CoreError::invalid(format!(
            "{what} {name:?} contains {c:?}; use letters, digits, '.', '_' and '-'"
        )));
    }
    Ok(())
}

/// The pace's defaults for a producer's timeouts (`ClusterConfig::producer_defaults`):
/// Kafka's, or scaled down at teaching pace like the broker's timeouts (÷3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProducerDefaults {
    /// `request.timeout.ms` (30000; 10000 at teaching pace).
    pub request_timeout_ms: u64,
    /// `delivery.timeout.ms` (120000; 40000 at teaching pace).
    pub delivery_timeout_ms: u64,
    /// `max.block.ms` (60000; 20000 at teaching pace).
    pub max_block_ms: u64,
}

impl ProducerDefaults {
    pub const KAFKA: ProducerDefaults =
        ProducerDefaults { request_timeout_ms: 30_000, delivery_timeout_ms: 120_000, max_block_ms: 60_000 };
    pub const TEACHING: ProducerDefaults =
        ProducerDefaults { request_timeout_ms: 10_000, delivery_timeout_ms: 40_000, max_block_ms: 20_000 };
}

impl Default for ProducerDefaults {
    fn default() -> Self {
        Self::KAFKA
    }
}

/// `auto.offset.reset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OffsetReset {
    Earliest,
    #[default]
    Latest,
    None,
}

impl OffsetReset {
    pub fn name(self) -> &'static str {
        match self {
            OffsetReset::Earliest => "earliest",
            OffsetReset::Latest => "latest",
            OffsetReset::None => "none",
        }
    }
}

/// When a consumer with `enable.auto.commit=false` commits (playground knob: in a real
/// application this is where the code calls `commitSync()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ManualCommit {
    /// `commitSync()` after each batch is processed: at-least-once.
    #[default]
    AfterProcessing,
    /// `commitSync()` right after `poll()`, before processing: at-most-once (a crash loses
    /// the batch being processed).
    BeforeProcessing,
}

/// Client-side consumer settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConsumerConfig {
    /// `group.id`. Required in Group mode; optional in Standalone mode (then commits go to
    /// that group's offsets).
    #[serde(rename = "group.id")]
    pub group_id: Option<String>,
    /// `partition.assignment.strategy` (classic protocol). Java's default is
    /// `[range, cooperative-sticky]`.
    #[serde(rename = "partition.assignment.strategy")]
    pub assignment_strategy: Vec<Strategy>,
    /// `group.protocol`.
    #[serde(rename = "group.protocol")]
    pub group_protocol: GroupProtocol,
    /// `group.remote.assignor` (KIP-848 server-side assignor: `uniform` or `range`).
    #[serde(rename = "group.remote.assignor")]
    pub remote_assignor: Strategy,
    /// `group.instance.id`: static membership (KIP-345).
    #[serde(rename = "group.instance.id")]
    pub group_instance_id: Option<String>,
    #[serde(rename = "session.timeout.ms")]
    pub session_timeout_ms: u64,
    #[serde(rename = "heartbeat.interval.ms")]
    pub heartbeat_interval_ms: u64,
    #[serde(rename = "max.poll.interval.ms")]
    pub max_poll_interval_ms: u64,
    #[serde(rename = "max.poll.records")]
    pub max_poll_records: u32,
    #[serde(rename = "enable.auto.commit")]
    pub enable_auto_commit: bool,
    #[serde(rename = "auto.commit.interval.ms")]
    pub auto_commit_interval_ms: u64,
    #[serde(rename = "auto.offset.reset")]
    pub auto_offset_reset: OffsetReset,
    /// `metadata.max.age.ms`: how soon a client notices new partitions.
    #[serde(rename = "metadata.max.age.ms")]
    pub metadata_max_age_ms: u64,
    /// Playground only: how often the application calls `poll()` when it is idle.
    #[serde(rename = "playground.poll.interval.ms")]
    pub poll_interval_ms: u64,
    /// Playground only: processing time per record, so lag can build up.
    #[serde(rename = "playground.processing.ms.per.record")]
    pub processing_ms_per_record: f64,
    /// Playground only: when a consumer with auto-commit off calls `commitSync()`.
    #[serde(rename = "playground.manual.commit")]
    pub manual_commit: ManualCommit,
    /// `share.acknowledgement.mode` (share consumers): `implicit` accepts every record of a
    /// poll at the next poll or commit; `explicit` acknowledges each record by the rules below.
    #[serde(rename = "share.acknowledgement.mode", skip_serializing_if = "is_default")]
    pub share_acknowledgement_mode: ShareAcknowledgementMode,
    /// Playground-only (explicit mode): REJECT records whose key matches this pattern
    /// (`*` matches any run of characters), as an application rejects a poison message.
    #[serde(rename = "playground.share.reject.keys", skip_serializing_if = "Option::is_none")]
    pub share_reject_keys: Option<String>,
    /// Playground-only (explicit mode): processing fails for records whose key matches this
    /// pattern, every time (a poison message the application cannot handle); what it then does
    /// is `playground.share.on.failure`.
    #[serde(rename = "playground.share.fail.keys", skip_serializing_if = "Option::is_none")]
    pub share_fail_keys: Option<String>,
    /// Playground-only (explicit mode): the fraction of records whose processing fails (drawn
    /// from the cluster's seeded PRNG).
    #[serde(rename = "playground.share.failure.rate", skip_serializing_if = "is_zero")]
    pub share_failure_rate: f64,
    /// Playground-only (explicit mode): what the application does with a record whose
    /// processing failed: RELEASE it (default), REJECT it, or `none` (no acknowledgement: its
    /// lock runs out).
    #[serde(rename = "playground.share.on.failure", skip_serializing_if = "is_default")]
    pub share_on_failure: ShareOnFailure,
}

/// What a share consumer's application does with a record it failed to process.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareOnFailure {
    /// `acknowledge(record, RELEASE)`: another delivery attempt, by any member.
    #[default]
    Release,
    /// `acknowledge(record, REJECT)`: archived, never delivered again.
    Reject,
    /// No acknowledgement: the record stays acquired until its lock runs out.
    None,
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

impl Default for ConsumerConfig {
    fn default() -> Self {
        ConsumerConfig {
            group_id: None,
            assignment_strategy: vec![Strategy::Range, Strategy::CooperativeSticky],
            group_protocol: GroupProtocol::Classic,
            remote_assignor: Strategy::Uniform,
            group_instance_id: None,
            session_timeout_ms: 45_000,
            heartbeat_interval_ms: 3_000,
            max_poll_interval_ms: 300_000,
            max_poll_records: 500,
            enable_auto_commit: true,
            auto_commit_interval_ms: 5_000,
            auto_offset_reset: OffsetReset::Latest,
            metadata_max_age_ms: 300_000,
            poll_interval_ms: 100,
            processing_ms_per_record: 0.0,
            manual_commit: ManualCommit::AfterProcessing,
            share_acknowledgement_mode: ShareAcknowledgementMode::Implicit,
            share_reject_keys: None,
            share_fail_keys: None,
            share_failure_rate: 0.0,
            share_on_failure: ShareOnFailure::Release,
        }
    }
}

impl ConsumerConfig {
    /// "Teaching speed": Kafka's defaults scaled down so rebalances happen within seconds.
    pub fn teaching() -> Self {
        ConsumerConfig {
            session_timeout_ms: 6_000,
            heartbeat_interval_ms: 1_000,
            max_poll_interval_ms: 15_000,
            auto_commit_interval_ms: 2_000,
            metadata_max_age_ms: 5_000,
            auto_offset_reset: OffsetReset::Earliest,
            ..Self::default()
        }
    }

    /// The classic protocol's rebalance style this client uses: cooperative only when every
    /// configured assignor supports it (`ConsumerCoordinator`'s protocol selection).
    pub fn is_cooperative(&self) -> bool {
        !self.assignment_strategy.is_empty()
            && self.assignment_strategy.iter().all(|s| *s == Strategy::CooperativeSticky)
    }

    /// Checks ranges; the message names the Kafka config.
    pub fn validate(&self) -> Result<(), String> {
        let positive = [
            ("session.timeout.ms", self.session_timeout_ms),
            ("heartbeat.interval.ms", self.heartbeat_interval_ms),
            ("max.poll.interval.ms", self.max_poll_interval_ms),
            ("auto.commit.interval.ms", self.auto_commit_interval_ms),
            ("metadata.max.age.ms", self.metadata_max_age_ms),
            ("playground.poll.interval.ms", self.poll_interval_ms),
        ];
        for (name, v) in positive {
            if v == 0 || v > 86_400_000 {
                return Err(format!("{name} must be between 1 and 86400000 ms (got {v})"));
            }
        }
        if self.heartbeat_interval_ms >= self.session_timeout_ms {
            return Err("heartbeat.interval.ms must be lower than session.timeout.ms".into());
        }
        if self.max_poll_records == 0 || self.max_poll_records > 100_000 {
            return Err(format!(
                "max.poll.records must be between 1 and 100000 (got {})",
                self.max_poll_records
            ));
        }
        if !(self.processing_ms_per_record.is_finite()
            && (0.0..=60_000.0).contains(&self.processing_ms_per_record))
        {
            return Err("playground.processing.ms.per.record must be between 0 and 60000".into());
        }
        if self.assignment_strategy.is_empty() {
            return Err("partition.assignment.strategy must name at least one assignor".into());
        }
        for s in &self.assignment_strategy {
            if s.side() == Side::Server {
                return Err(format!(
                    "partition.assignment.strategy: {s:?} is a server-side (KIP-848) assignor; use group.remote.assignor"
                ));
            }
        }
        if self.remote_assignor.side() != Side::Server {
            return Err("group.remote.assignor must be uniform or range".into());
        }
        Ok(())
    }
}
