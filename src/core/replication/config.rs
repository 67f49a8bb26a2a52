//! Replication's knobs under Kafka's names and defaults, read from a scenario's JSON config
//! maps, where a value may be a JSON number or boolean or Kafka's string for it (`2` or `"2"`,
//! `false` or `"false"`; shared/CLI.md). A bad value gets Kafka's own `ConfigException` text
//! (`Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1`) under
//! INVALID_CONFIG, and nothing is applied.
//!
//! Where each default comes from: `ProducerConfig` (acks, enable.idempotence, retries,
//! delivery.timeout.ms, request.timeout.ms, retry.backoff.ms,
//! max.in.flight.requests.per.connection; linger.ms is 5 since Kafka 4.0, KIP-1030),
//! `LogConfig`/`ServerLogConfigs` (min.insync.replicas), `ReplicationConfigs`
//! (replica.lag.time.max.ms, unclean.leader.election.enable, auto.leader.rebalance.enable,
//! leader.imbalance.check.interval.seconds, default.replication.factor), `KRaftConfigs`
//! (broker.session.timeout.ms, broker.heartbeat.interval.ms).

use super::{BrokerId, ReplicationError, ReplicationErrorCode};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use std::fmt;

/// `acks`: how many replicas must have a batch before the leader answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Acks {
    /// `0`: fire and forget; the producer never hears back.
    Zero,
    /// `1`: the leader wrote it.
    One,
    /// `all` (`-1`): every in-sync replica has it. The default since Kafka 3.0.
    #[default]
    All,
}

impl Acks {
    /// As Kafka prints it in a producer's config (`ProducerConfig.parseAcks` keeps `all`).
    pub fn name(self) -> &'static str {
        match self {
            Acks::Zero => "0",
            Acks::One => "1",
            Acks::All => "all",
        }
    }

    /// The ProduceRequest's `acks` field.
    pub fn required_acks(self) -> i16 {
        match self {
            Acks::Zero => 0,
            Acks::One => 1,
            Acks::All => -1,
        }
    }

    /// From a config value: `"all"`, `"-1"`, `"0"`, `"1"` or the numbers -1, 0, 1.
    pub fn parse(value: &Value) -> Result<Acks, ReplicationError> {
        let text = match value {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            other => other.to_string(),
        };
        match text.as_str() {
            "all" | "-1" => Ok(Acks::All),
            "0" => Ok(Acks::Zero),
            "1" => Ok(Acks::One),
            _ => Err(config_error("acks", &text, "String must be one of: all, -1, 0, 1")),
        }
    }
}

impl fmt::Display for Acks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Acks {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Acks {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        Acks::parse(&value).map_err(|e| serde::de::Error::custom(e.message))
    }
}

/// Kafka's `ConfigException(name, value, message)` text, as INVALID_CONFIG.
pub fn config_error(name: &str, value: &str, message: &str) -> ReplicationError {
    ReplicationError::new(
        ReplicationErrorCode::InvalidConfig,
        format!("Invalid value {value} for configuration {name}: {message}"),
    )
}

fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `ConfigDef.parseType` for INT/LONG, then the `atLeast` / `between` check.
fn int_value(name: &str, value: &Value, kind: &str, min: i64, max: i64) -> Result<i64, ReplicationError> {
    let parsed = match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    let Some(v) = parsed else {
        return Err(config_error(name, &shown(value), &format!("Not a number of type {kind}")));
    };
    if v < min {
        return Err(config_error(name, &v.to_string(), &format!("Value must be at least {min}")));
    }
    if v > max {
        return Err(config_error(name, &v.to_string(), &format!("Value must be no more than {max}")));
    }
    Ok(v)
}

/// The playground's ceiling for a duration, so no setting can overflow the clock (a day).
pub const MAX_MS: i64 = 86_400_000;

fn int_config(name: &str, value: &Value, min: i64, max: i64) -> Result<i64, ReplicationError> {
    int_value(name, value, "INT", min, max)
}

fn long_config(name: &str, value: &Value, min: i64, max: i64) -> Result<i64, ReplicationError> {
    int_value(name, value, "LONG", min, max)
}

/// `ConfigDef.parseType` for BOOLEAN: true/false, any case, as a boolean or a string.
fn bool_config(name: &str, value: &Value) -> Result<bool, ReplicationError> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Ok(false),
        other => Err(config_error(name, &shown(other), "Expected value to be either true or false")),
    }
}

/// Sets `field` from `map[name]` when present, through `parse(name, value)`.
fn read<T>(
    map: &Map<String, Value>,
    name: &str,
    parse: impl Fn(&str, &Value) -> Result<T, ReplicationError>,
    field: &mut T,
) -> Result<(), ReplicationError> {
    if let Some(v) = map.get(name) {
        *field = parse(name, v)?;
    }
    Ok(())
}

/// An INT config in `[min, max]`, as `T`.
fn int_in<T: TryFrom<i64>>(min: i64, max: i64) -> impl Fn(&str, &Value) -> Result<T, ReplicationError> {
    move |name, v| {
        let n = int_config(name, v, min, max)?;
        T::try_from(n).map_err(|_| config_error(name, &n.to_string(), "Value out of range"))
    }
}

/// A LONG config in `[min, max]`, as `T`.
fn long_in<T: TryFrom<i64>>(min: i64, max: i64) -> impl Fn(&str, &Value) -> Result<T, ReplicationError> {
    move |name, v| {
        let n = long_config(name, v, min, max)?;
        T::try_from(n).map_err(|_| config_error(name, &n.to_string(), "Value out of range"))
    }
}

/// Topic-level replication settings (a topic's `config`, plus its `replication_factor`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopicReplicationConfig {
    /// `min.insync.replicas` (default 1): with `acks=all`, the fewest in-sync replicas a write
    /// needs.
    #[serde(rename = "min.insync.replicas")]
    pub min_insync_replicas: u32,
    /// `unclean.leader.election.enable` (default false): elect an out-of-sync replica rather
    /// than stay offline, losing what it lacked.
    #[serde(rename = "unclean.leader.election.enable")]
    pub unclean_leader_election_enable: bool,
}

impl Default for TopicReplicationConfig {
    fn default() -> Self {
        TopicReplicationConfig { min_insync_replicas: 1, unclean_leader_election_enable: false }
    }
}

impl TopicReplicationConfig {
    /// The keys this reads; a host rejects other unknown keys itself.
    pub const KEYS: [&'static str; 2] = ["min.insync.replicas", "unclean.leader.election.enable"];

    /// Reads the keys it knows from a topic's config map over `defaults` (the broker's).
    pub fn from_json(
        map: &Map<String, Value>,
        defaults: &TopicReplicationConfig,
    ) -> Result<Self, ReplicationError> {
        let mut c = defaults.clone();
        read(map, "min.insync.replicas", int_in(1, i32::MAX as i64), &mut c.min_insync_replicas)?;
        read(map, "unclean.leader.election.enable", bool_config, &mut c.unclean_leader_election_enable)?;
        Ok(c)
    }
}

/// A topic's `replication_factor` as CreateTopics takes it: positive, or -1 for the broker's
/// `default.replication.factor` (`ReplicationControlManager.createTopic`). Whether there are
/// enough brokers is placement's check ([`super::placement`]).
pub fn replication_factor(requested: i64, default_replication_factor: i32) -> Result<i32, ReplicationError> {
    if requested == -1 {
        return Ok(default_replication_factor);
    }
    if requested < -1 || requested == 0 || requested > i16::MAX as i64 {
        return Err(ReplicationError::new(
            ReplicationErrorCode::InvalidReplicationFactor,
            "Replication factor must be larger than 0, or -1 to use the default value.",
        ));
    }
    Ok(requested as i32)
}

/// Broker (and controller) settings for replication.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokerReplicationConfig {
    /// `default.replication.factor` (1 in Apache Kafka; managed services use 3).
    #[serde(rename = "default.replication.factor")]
    pub default_replication_factor: i32,
    /// Topic defaults: `min.insync.replicas`, `unclean.leader.election.enable`.
    #[serde(flatten)]
    pub topic_defaults: TopicReplicationConfig,
    /// `replica.lag.time.max.ms` (30000): how long a follower may go without catching up
    /// before it leaves the ISR.
    #[serde(rename = "replica.lag.time.max.ms")]
    pub replica_lag_time_max_ms: u64,
    /// `broker.session.timeout.ms` (9000): how long the controller waits for a broker's
    /// heartbeat before fencing it.
    #[serde(rename = "broker.session.timeout.ms")]
    pub broker_session_timeout_ms: u64,
    /// `broker.heartbeat.interval.ms` (2000).
    #[serde(rename = "broker.heartbeat.interval.ms")]
    pub broker_heartbeat_interval_ms: u64,
    /// `auto.leader.rebalance.enable` (true): move leadership back to preferred leaders.
    #[serde(rename = "auto.leader.rebalance.enable")]
    pub auto_leader_rebalance_enable: bool,
    /// `leader.imbalance.check.interval.seconds` (300).
    #[serde(rename = "leader.imbalance.check.interval.seconds")]
    pub leader_imbalance_check_interval_seconds: u64,
}

impl Default for BrokerReplicationConfig {
    fn default() -> Self {
        BrokerReplicationConfig {
            default_replication_factor: 1,
            topic_defaults: TopicReplicationConfig::default(),
            replica_lag_time_max_ms: 30_000,
            broker_session_timeout_ms: 9_000,
            broker_heartbeat_interval_ms: 2_000,
            auto_leader_rebalance_enable: true,
            leader_imbalance_check_interval_seconds: 300,
        }
    }
}

impl BrokerReplicationConfig {
    pub const KEYS: [&'static str; 8] = [
        "default.replication.factor",
        "min.insync.replicas",
        "unclean.leader.election.enable",
        "replica.lag.time.max.ms",
        "broker.session.timeout.ms",
        "broker.heartbeat.interval.ms",
        "auto.leader.rebalance.enable",
        "leader.imbalance.check.interval.seconds",
    ];

    pub fn from_json(map: &Map<String, Value>) -> Result<Self, ReplicationError> {
        let mut c = BrokerReplicationConfig {
            topic_defaults: TopicReplicationConfig::from_json(map, &TopicReplicationConfig::default())?,
            ..Self::default()
        };
        read(
            map,
            "default.replication.factor",
            int_in(1, i16::MAX as i64),
            &mut c.default_replication_factor,
        )?;
        read(map, "replica.lag.time.max.ms", long_in(1, MAX_MS), &mut c.replica_lag_time_max_ms)?;
        read(map, "broker.session.timeout.ms", int_in(1, MAX_MS), &mut c.broker_session_timeout_ms)?;
        read(map, "broker.heartbeat.interval.ms", int_in(1, MAX_MS), &mut c.broker_heartbeat_interval_ms)?;
        read(map, "auto.leader.rebalance.enable", bool_config, &mut c.auto_leader_rebalance_enable)?;
        read(
            map,
            "leader.imbalance.check.interval.seconds",
            long_in(1, MAX_MS / 1000),
            &mut c.leader_imbalance_check_interval_seconds,
        )?;
        if c.broker_heartbeat_interval_ms >= c.broker_session_timeout_ms {
            return Err(ReplicationError::new(
                ReplicationErrorCode::InvalidConfig,
                "broker.heartbeat.interval.ms must be less than broker.session.timeout.ms",
            ));
        }
        Ok(c)
    }
}

/// Producer settings that decide what replication guarantees a write gets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProducerReplicationConfig {
    #[serde(rename = "acks")]
    pub acks: Acks,
    /// `enable.idempotence` as the person set it: `None` is Kafka's default (true), which
    /// quietly turns off when `acks`, `retries` or `max.in.flight.requests.per.connection`
    /// conflict; set explicitly to true, a conflict is an error.
    #[serde(rename = "enable.idempotence", skip_serializing_if = "Option::is_none")]
    pub enable_idempotence: Option<bool>,
    /// `retries` (2147483647).
    #[serde(rename = "retries")]
    pub retries: u32,
    /// `delivery.timeout.ms` (120000): how long a send may take, retries included.
    #[serde(rename = "delivery.timeout.ms")]
    pub delivery_timeout_ms: u64,
    /// Whether `delivery.timeout.ms` was set (then a value below linger + request timeout is
    /// an error, else it is raised to that sum).
    #[serde(skip)]
    pub delivery_timeout_set: bool,
    /// `request.timeout.ms` (30000).
    #[serde(rename = "request.timeout.ms")]
    pub request_timeout_ms: u64,
    /// `retry.backoff.ms` (100).
    #[serde(rename = "retry.backoff.ms")]
    pub retry_backoff_ms: u64,
    /// `reconnect.backoff.ms` (50): the wait before the client tries to connect again when it
    /// could reach no broker, doubled after each failure in a row…
    #[serde(rename = "reconnect.backoff.ms")]
    pub reconnect_backoff_ms: u64,
    /// …up to `reconnect.backoff.max.ms` (1000; when only `reconnect.backoff.ms` is set, that
    /// value, as `CommonClientConfigs.postProcessReconnectBackoffConfigs` does).
    #[serde(rename = "reconnect.backoff.max.ms")]
    pub reconnect_backoff_max_ms: u64,
    /// `linger.ms` (5 since Kafka 4.0).
    #[serde(rename = "linger.ms")]
    pub linger_ms: u64,
    /// `max.in.flight.requests.per.connection` (5).
    #[serde(rename = "max.in.flight.requests.per.connection")]
    pub max_in_flight_requests_per_connection: u32,
    /// `buffer.memory` (33554432): the bytes of batches a producer holds until they are
    /// acknowledged or given up; a send finding it full blocks.
    #[serde(rename = "buffer.memory")]
    pub buffer_memory: u64,
    /// `max.block.ms` (60000): how long a send blocks for room in `buffer.memory` before it
    /// fails with `BufferExhaustedException`.
    #[serde(rename = "max.block.ms")]
    pub max_block_ms: u64,
}

impl Default for ProducerReplicationConfig {
    fn default() -> Self {
        ProducerReplicationConfig {
            acks: Acks::All,
            enable_idempotence: None,
            retries: i32::MAX as u32,
            delivery_timeout_ms: 120_000,
            delivery_timeout_set: false,
            request_timeout_ms: 30_000,
            retry_backoff_ms: 100,
            reconnect_backoff_ms: 50,
            reconnect_backoff_max_ms: 1000,
            linger_ms: 5,
            max_in_flight_requests_per_connection: 5,
            buffer_memory: 33_554_432,
            max_block_ms: 60_000,
        }
    }
}

impl ProducerReplicationConfig {
    pub const KEYS: [&'static str; 12] = [
        "acks",
        "enable.idempotence",
        "retries",
        "delivery.timeout.ms",
        "request.timeout.ms",
        "retry.backoff.ms",
        "reconnect.backoff.ms",
        "reconnect.backoff.max.ms",
        "linger.ms",
        "max.in.flight.requests.per.connection",
        "buffer.memory",
        "max.block.ms",
    ];

    /// Reads and validates, as `ProducerConfig` and `KafkaProducer`'s constructor do.
    pub fn from_json(map: &Map<String, Value>) -> Result<Self, ReplicationError> {
        let mut c = Self::default();
        read(map, "acks", |_, v| Acks::parse(v), &mut c.acks)?;
        read(map, "enable.idempotence", |n, v| bool_config(n, v).map(Some), &mut c.enable_idempotence)?;
        read(map, "retries", int_in(0, i32::MAX as i64), &mut c.retries)?;
        read(map, "delivery.timeout.ms", int_in(0, MAX_MS), &mut c.delivery_timeout_ms)?;
        c.delivery_timeout_set = map.contains_key("delivery.timeout.ms");
        read(map, "request.timeout.ms", int_in(0, MAX_MS), &mut c.request_timeout_ms)?;
        read(map, "retry.backoff.ms", long_in(0, MAX_MS), &mut c.retry_backoff_ms)?;
        read(map, "reconnect.backoff.ms", long_in(0, MAX_MS), &mut c.reconnect_backoff_ms)?;
        read(map, "reconnect.backoff.max.ms", long_in(0, MAX_MS), &mut c.reconnect_backoff_max_ms)?;
        if map.contains_key("reconnect.backoff.ms") && !map.contains_key("reconnect.backoff.max.ms") {
            c.reconnect_backoff_max_ms = c.reconnect_backoff_ms;
        }
        read(map, "linger.ms", long_in(0, MAX_MS), &mut c.linger_ms)?;
        read(
            map,
            "max.in.flight.requests.per.connection",
            int_in(1, i32::MAX as i64),
            &mut c.max_in_flight_requests_per_connection,
        )?;
        read(map, "buffer.memory", long_in(0, i64::MAX), &mut c.buffer_memory)?;
        read(map, "max.block.ms", long_in(0, MAX_MS), &mut c.max_block_ms)?;
        c.validate()?;
        Ok(c)
    }

    /// `ProducerConfig.postProcessAndValidateIdempotenceConfigs` and
    /// `KafkaProducer.configureDeliveryTimeout`: their messages, their order.
    pub fn validate(&self) -> Result<(), ReplicationError> {
        let fail = |m: &str| ReplicationError::new(ReplicationErrorCode::InvalidConfig, m);
        if self.enable_idempotence == Some(true) {
            if self.retries == 0 {
                return Err(fail("Must set retries to non-zero when using the idempotent producer."));
            }
            if self.acks != Acks::All {
                return Err(fail(
                    "Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.",
                ));
            }
            if self.max_in_flight_requests_per_connection > 5 {
                return Err(fail(
                    "Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer.",
                ));
            }
        }
        if self.delivery_timeout_set && self.delivery_timeout_ms < self.linger_ms + self.request_timeout_ms {
            return Err(fail(
                "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms",
            ));
        }
        Ok(())
    }

    /// Whether the producer is idempotent: explicitly, or by default when nothing conflicts.
    pub fn idempotence_enabled(&self) -> bool {
        match self.enable_idempotence {
            Some(explicit) => explicit,
            None => {
                self.retries > 0 && self.acks == Acks::All && self.max_in_flight_requests_per_connection <= 5
            }
        }
    }

    /// How long the client waits before trying to connect again after `failures` (≥ 1) tries in
    /// a row found no broker it could reach: Kafka's `ExponentialBackoff` over
    /// `reconnect.backoff.ms` ×2 per failure up to `reconnect.backoff.max.ms` (a maximum below
    /// the base is used from the start). Kafka adds ±20% random jitter; the playground leaves
    /// it out, so no draw of the seeded generator depends on a connection failing.
    pub fn reconnect_backoff(&self, failures: u32) -> u64 {
        let (base, max) =
            (self.reconnect_backoff_ms.min(self.reconnect_backoff_max_ms), self.reconnect_backoff_max_ms);
        let doublings = failures.saturating_sub(1).min(63);
        base.saturating_mul(1u64.checked_shl(doublings).unwrap_or(u64::MAX)).min(max)
    }

    /// The delivery timeout in force: raised to linger + request timeout when left unset.
    pub fn effective_delivery_timeout_ms(&self) -> u64 {
        if self.delivery_timeout_set {
            self.delivery_timeout_ms
        } else {
            self.delivery_timeout_ms.max(self.linger_ms + self.request_timeout_ms)
        }
    }
}

/// A broker named by a command or a scenario (`stop_broker`, …) must exist: a playground
/// mistake, not a Kafka error, so a one-line message naming the field (the host makes it a
/// `CoreError::Invalid`).
pub fn known_broker(id: BrokerId, brokers: &[BrokerId]) -> Result<(), String> {
    if brokers.contains(&id) {
        Ok(())
    } else {
        Err(format!("broker: there is no broker {id} (brokers: {})", super::broker_list(brokers)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    /// ProducerConfig: acks is one of all, -1, 0, 1 (as a number or a string); 2 is refused
    /// with ConfigDef.ValidString's message.
    #[test]
    fn acks_values_and_kafkas_message_for_acks_2() {
        for (v, want) in [
            (json!("all"), Acks::All),
            (json!(-1), Acks::All),
            (json!("-1"), Acks::All),
            (json!(0), Acks::Zero),
            (json!("1"), Acks::One),
        ] {
            assert_eq!(Acks::parse(&v).unwrap(), want, "{v}");
        }
        let err = ProducerReplicationConfig::from_json(&map(json!({"acks": 2}))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "INVALID_CONFIG: Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1"
        );
        let acks: Acks = serde_json::from_value(json!("0")).unwrap();
        assert_eq!(serde_json::to_value(acks).unwrap(), json!("0"));
        assert!(serde_json::from_value::<Acks>(json!("2")).is_err());
    }

    /// `reconnect.backoff.ms` 50 doubling up to `reconnect.backoff.max.ms` 1000 (Kafka's
    /// `ExponentialBackoff`, jitter left out); only the base set: the maximum is the base
    /// (`CommonClientConfigs.postProcessReconnectBackoffConfigs`); a maximum below the base is
    /// used from the start.
    #[test]
    fn reconnect_backoff_doubles_up_to_its_maximum() {
        let c = ProducerReplicationConfig::default();
        let waits: Vec<u64> = (1..=8).map(|f| c.reconnect_backoff(f)).collect();
        assert_eq!(waits, [50, 100, 200, 400, 800, 1000, 1000, 1000]);
        assert_eq!(c.reconnect_backoff(u32::MAX), 1000);
        let only_base =
            ProducerReplicationConfig::from_json(&map(json!({"reconnect.backoff.ms": 300}))).unwrap();
        assert_eq!((only_base.reconnect_backoff(1), only_base.reconnect_backoff(5)), (300, 300));
        let low_max = ProducerReplicationConfig::from_json(&map(
            json!({"reconnect.backoff.ms": 300, "reconnect.backoff.max.ms": 100}),
        ))
        .unwrap();
        assert_eq!((low_max.reconnect_backoff(1), low_max.reconnect_backoff(3)), (100, 100));
        assert!(ProducerReplicationConfig::from_json(&map(json!({"reconnect.backoff.ms": -1}))).is_err());
    }

    /// Kafka's defaults.
    #[test]
    fn defaults_are_kafkas() {
        let p = ProducerReplicationConfig::default();
        assert_eq!(p.acks, Acks::All);
        assert!(p.idempotence_enabled());
        assert_eq!(
            (p.retries, p.delivery_timeout_ms, p.request_timeout_ms, p.retry_backoff_ms),
            (2147483647, 120_000, 30_000, 100)
        );
        assert_eq!((p.buffer_memory, p.max_block_ms), (33_554_432, 60_000));
        let set = |k: &str, v: Value| {
            ProducerReplicationConfig::from_json(&[(k.to_string(), v)].into_iter().collect())
        };
        assert_eq!(set("buffer.memory", json!(1024)).map(|c| c.buffer_memory), Ok(1024));
        assert_eq!(set("max.block.ms", json!("0")).map(|c| c.max_block_ms), Ok(0));
        assert_eq!(
            set("buffer.memory", json!(-1)).map_err(|e| e.code),
            Err(ReplicationErrorCode::InvalidConfig)
        );
        let b = BrokerReplicationConfig::default();
        assert_eq!(b.topic_defaults.min_insync_replicas, 1);
        assert!(!b.topic_defaults.unclean_leader_election_enable);
        assert_eq!((b.replica_lag_time_max_ms, b.broker_session_timeout_ms), (30_000, 9_000));
        assert!(b.auto_leader_rebalance_enable);
        assert_eq!(b.leader_imbalance_check_interval_seconds, 300);
        assert_eq!(b.default_replication_factor, 1);
    }

    /// LogConfig: min.insync.replicas is atLeast(1).
    #[test]
    fn min_insync_replicas_0_is_refused() {
        let err =
            TopicReplicationConfig::from_json(&map(json!({"min.insync.replicas": 0})), &Default::default())
                .unwrap_err();
        assert_eq!(
            err.message,
            "Invalid value 0 for configuration min.insync.replicas: Value must be at least 1"
        );
        let ok = TopicReplicationConfig::from_json(
            &map(json!({"min.insync.replicas": "2", "unclean.leader.election.enable": "TRUE"})),
            &Default::default(),
        )
        .unwrap();
        assert_eq!(
            ok,
            TopicReplicationConfig { min_insync_replicas: 2, unclean_leader_election_enable: true }
        );
        let err = TopicReplicationConfig::from_json(
            &map(json!({"unclean.leader.election.enable": "yes"})),
            &Default::default(),
        )
        .unwrap_err();
        assert_eq!(err.message, "Invalid value yes for configuration unclean.leader.election.enable: Expected value to be either true or false");
        let err = TopicReplicationConfig::from_json(
            &map(json!({"min.insync.replicas": "two"})),
            &Default::default(),
        )
        .unwrap_err();
        assert_eq!(
            err.message,
            "Invalid value two for configuration min.insync.replicas: Not a number of type INT"
        );
    }

    /// ProducerConfig.postProcessAndValidateIdempotenceConfigs: explicit idempotence with a
    /// conflicting setting is an error; the default quietly turns off.
    #[test]
    fn idempotence_requirements() {
        let err =
            ProducerReplicationConfig::from_json(&map(json!({"enable.idempotence": true, "acks": "1"})))
                .unwrap_err();
        assert_eq!(err.message, "Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.");
        let err =
            ProducerReplicationConfig::from_json(&map(json!({"enable.idempotence": "true", "retries": 0})))
                .unwrap_err();
        assert_eq!(err.message, "Must set retries to non-zero when using the idempotent producer.");
        let err = ProducerReplicationConfig::from_json(&map(
            json!({"enable.idempotence": true, "max.in.flight.requests.per.connection": 6}),
        ))
        .unwrap_err();
        assert_eq!(
            err.message,
            "Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer."
        );
        let quiet = ProducerReplicationConfig::from_json(&map(json!({"acks": 1}))).unwrap();
        assert!(!quiet.idempotence_enabled());
        let off = ProducerReplicationConfig::from_json(&map(json!({"enable.idempotence": false}))).unwrap();
        assert!(!off.idempotence_enabled());
    }

    /// KafkaProducer.configureDeliveryTimeout.
    #[test]
    fn delivery_timeout_must_cover_linger_and_request_timeout() {
        let err =
            ProducerReplicationConfig::from_json(&map(json!({"delivery.timeout.ms": 1000}))).unwrap_err();
        assert_eq!(
            err.message,
            "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms"
        );
        let raised =
            ProducerReplicationConfig::from_json(&map(json!({"request.timeout.ms": 200000}))).unwrap();
        assert_eq!(raised.effective_delivery_timeout_ms(), 200_005);
    }

    /// ReplicationControlManager.createTopic: a replication factor of 0 or below -1.
    #[test]
    fn replication_factor_must_be_positive_or_default() {
        assert_eq!(replication_factor(-1, 3), Ok(3));
        assert_eq!(replication_factor(2, 3), Ok(2));
        let err = replication_factor(0, 3).unwrap_err();
        assert_eq!(err.to_string(), "INVALID_REPLICATION_FACTOR: Replication factor must be larger than 0, or -1 to use the default value.");
    }

    #[test]
    fn broker_configs_and_unknown_brokers() {
        let c = BrokerReplicationConfig::from_json(&map(json!({"replica.lag.time.max.ms": "5000", "auto.leader.rebalance.enable": false, "min.insync.replicas": 2}))).unwrap();
        assert_eq!(c.replica_lag_time_max_ms, 5000);
        assert!(!c.auto_leader_rebalance_enable);
        assert_eq!(c.topic_defaults.min_insync_replicas, 2);
        assert!(BrokerReplicationConfig::from_json(&map(json!({"broker.session.timeout.ms": 1000}))).is_err());
        assert_eq!(
            known_broker(BrokerId(7), &BrokerId::list(&[1, 2, 3])).unwrap_err(),
            "broker: there is no broker 7 (brokers: 1,2,3)"
        );
        assert!(known_broker(BrokerId(2), &BrokerId::list(&[1, 2, 3])).is_ok());
    }
}
