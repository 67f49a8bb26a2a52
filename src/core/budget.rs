//! The work budget: how much one cluster may be asked to do, whatever the knobs say.
//!
//! Each knob has its own cap (1 024 partitions a topic, 256 producers, 10 M records/s a
//! producer), but caps alone let valid combinations grow past what a browser tab can hold: a
//! topic kept forever with a fast producer took 2.5 GB in 7 s. So the core also enforces totals
//! across the cluster, checked where they grow:
//!
//! - **records per simulated second across all producers** ([`Budget::records_per_second`]),
//!   refused when a producer is added or changed (`rate`: a playground knob, not Kafka's);
//! - **partitions across all topics** and **partitions × consumers** (what rebalances and the
//!   lanes cost), refused when topics, partitions or consumers are added;
//! - **consumers' wake-ups per second** (polls, heartbeats and metadata refreshes) and the
//!   **partitions they read per second** (each poll's Fetch and each metadata refresh reads
//!   every partition the consumer may own), refused when a consumer is added or changed or
//!   partitions are added;
//! - **bytes retained across all partition logs** ([`Budget::retained_bytes`]), whatever the
//!   topics' retention says (retention off, or 7 days, keeps everything a 24-hour run writes).
//!   Kafka would accept the records, so this one is not refused: producers are throttled, as a
//!   broker's quota throttles them, and the timeline says so (`quota`) until retention frees
//!   room.
//!
//! The numbers and why are in docs/robustness.md. Refusals are one line naming the field and
//! the limit; nothing is half done.

use super::consumer::ConsumerSpec;
use super::time::Millis;

/// The totals one cluster may reach.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    /// Records per simulated second, all producers' `rate` together (paused ones included:
    /// they may resume).
    pub records_per_second: f64,
    /// Partitions across all topics.
    pub partitions: u64,
    /// Partitions across all topics times consumers.
    pub partition_consumers: u64,
    /// Bytes (as `retention.bytes` counts them) kept across all partition logs.
    pub retained_bytes: u64,
    /// Consumers' own timers per simulated second, all consumers together: polls
    /// (`playground.poll.interval.ms`), heartbeats (`heartbeat.interval.ms`) and metadata
    /// refreshes (`metadata.max.age.ms`, at most one a poll).
    pub consumer_wakeups_per_second: f64,
    /// Partitions read per simulated second, all consumers together: each poll fetches, and
    /// each metadata refresh describes, every partition the consumer may own (its subscribed
    /// topics' partitions, or those it `assign()`ed).
    pub partition_reads_per_second: f64,
}

impl Budget {
    /// The playground's budget (docs/robustness.md says why these numbers).
    pub const PLAYGROUND: Budget = Budget {
        records_per_second: 10_000.0,
        partitions: 1_024,
        partition_consumers: 16_384,
        retained_bytes: 16 << 20,
        consumer_wakeups_per_second: 3_200.0,
        partition_reads_per_second: 32_768.0,
    };

    /// No totals (the benchmark measures the core itself, far past what a tab shows).
    pub const UNLIMITED: Budget = Budget {
        records_per_second: f64::INFINITY,
        partitions: u64::MAX,
        partition_consumers: u64::MAX,
        retained_bytes: u64::MAX,
        consumer_wakeups_per_second: f64::INFINITY,
        partition_reads_per_second: f64::INFINITY,
    };
}

impl Default for Budget {
    fn default() -> Self {
        Budget::PLAYGROUND
    }
}

/// A consumer's own timers, per simulated second.
pub(crate) struct Timers {
    pub(crate) polls: f64,
    pub(crate) heartbeats: f64,
    /// Metadata refreshes: a group member refreshes inside `poll()` once its metadata is
    /// `metadata.max.age.ms` old, so at most once a poll.
    pub(crate) refreshes: f64,
}

impl Timers {
    pub(crate) fn of(spec: &ConsumerSpec) -> Self {
        let per_second = |ms: u64| 1000.0 / ms.max(1) as f64;
        let c = &spec.config;
        let refreshes =
            if spec.is_group() { per_second(c.metadata_max_age_ms.max(c.poll_interval_ms)) } else { 0.0 };
        Timers {
            polls: per_second(c.poll_interval_ms),
            heartbeats: per_second(c.heartbeat_interval_ms),
            refreshes,
        }
    }

    pub(crate) fn total(&self) -> f64 {
        self.polls + self.heartbeats + self.refreshes
    }
}

/// How often the retained total is counted again (simulated time): between counts producers
/// may overshoot by at most this long of the budget's rate, ~300 kB.
pub(crate) const RECOUNT_MS: Millis = 1_000;

/// When the retained bytes are next counted after `now`: throttled producers all look again
/// then, together (one instant a second, not one per producer).
pub(crate) fn next_count(now: Millis) -> Millis {
    (now / RECOUNT_MS + 1) * RECOUNT_MS
}

/// The budget and what it last counted.
#[derive(Debug, Clone, Default)]
pub struct BudgetState {
    pub budget: Budget,
    /// Retained bytes at the last count, and when that was.
    pub(crate) counted: Option<(Millis, u64)>,
}

/// The fastest timers `consumers` consumers reading `partitions` partitions each may have, as
/// (heartbeat.interval.ms, playground.poll.interval.ms) with `metadata.max.age.ms` 1 (a
/// refresh every poll), all in one group: polls as often as
/// [`Budget::partition_reads_per_second`] allows (and at most a third of the wake-ups),
/// heartbeats with the wake-ups left.
pub fn fast_timers(consumers: u64, partitions: u64) -> (u64, u64) {
    let b = Budget::PLAYGROUND;
    let n = consumers.max(1) as f64;
    // One group: its polls read the subscription once between them, the refreshes once each.
    let polls = (b.partition_reads_per_second / (partitions.max(1) as f64 * (n + 1.0)))
        .min(b.consumer_wakeups_per_second / 3.0 / n);
    let poll_ms = (1000.0 / polls).ceil() as u64;
    let heartbeats = b.consumer_wakeups_per_second / n - 2.0 * 1000.0 / poll_ms as f64;
    ((1000.0 / heartbeats).ceil() as u64, poll_ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::ConsumerConfig;
    use crate::core::Cluster;
    use crate::core::Command;

    fn consumer(name: &str, group: &str, topics: &[&str], poll_ms: u64, metadata_ms: u64) -> Command {
        let config = ConsumerConfig {
            poll_interval_ms: poll_ms,
            metadata_max_age_ms: metadata_ms,
            ..ConsumerConfig::teaching()
        };
        Command::AddConsumer { consumer: ConsumerSpec::group(name, group, topics, config) }
    }

    /// A cluster with these topics (through a scenario file, as a person makes one).
    fn cluster(topics: &[(&str, u32)]) -> Cluster {
        let topics: Vec<_> =
            topics.iter().map(|(name, n)| serde_json::json!({"name": name, "partitions": n})).collect();
        let s =
            super::super::scenario::Scenario::from_value(serde_json::json!({"version": 1, "topics": topics}));
        super::super::scenario::Run::new(s.unwrap()).unwrap().cluster
    }

    #[test]
    fn metadata_refreshes_count_as_wakeups_and_are_refused_naming_the_field() {
        let mut c = cluster(&[("t", 1)]);
        // Polls every 1 ms (1 000/s) with a refresh on each (1 000/s) and a heartbeat every second.
        c.apply(0, consumer("a", "g", &["t"], 1, 1)).unwrap();
        let e = c.apply(0, consumer("b", "g", &["t"], 1, 1)).unwrap_err().to_string();
        assert!(e.contains("budget is 3200 polls, heartbeats and metadata refreshes"), "{e}");
        assert!(e.contains("metadata.max.age.ms"), "{e}");
        // Without the refreshes on every poll it fits.
        c.apply(0, consumer("b", "g", &["t"], 1, 5_000)).unwrap();
    }

    #[test]
    fn partition_reads_are_charged_per_poll_and_refresh() {
        let mut c = cluster(&[("t", 1024)]);
        // One group polling 1 024 partitions every 100 ms reads 10 240 a second between its
        // members, and each refresh (every 5 s) describes all 1 024: 16 members fit.
        for i in 0..16 {
            c.apply(0, consumer(&format!("c{i}"), "g", &["t"], 100, 5_000)).unwrap();
        }
        // A group-less reader of everything every 20 ms is 51 200 a second: refused.
        let fast = ConsumerConfig { poll_interval_ms: 20, ..ConsumerConfig::teaching() };
        let all = (0..1024).map(|p| crate::core::group::assignor::TopicPartition::new("t", p)).collect();
        let spec = ConsumerSpec::standalone("s", all, fast);
        let e = c.apply(0, Command::AddConsumer { consumer: spec }).unwrap_err().to_string();
        assert!(e.contains("budget is 32768 partition reads per second"), "{e}");
        assert!(e.contains("playground.poll.interval.ms"), "{e}");
        assert!(!c.consumers().contains_key("s"));
    }

    #[test]
    fn a_topic_grown_under_fast_subscribers_is_refused_naming_partitions() {
        let mut c = cluster(&[("t", 8)]);
        // Metadata every poll, every 2 ms: 8 × (500 + 500) = 8 000 reads a second.
        c.apply(0, consumer("a", "g", &["t"], 2, 1)).unwrap();
        let e =
            c.apply(0, Command::CreatePartitions { topic: "t".into(), total: 64 }).unwrap_err().to_string();
        assert!(e.starts_with("partitions: the playground's budget is 32768 partition reads"), "{e}");
        assert_eq!(c.topics()["t"].partition_count(), 8);
        // A topic nobody subscribes to is not charged.
        c.check_topic_partition_budget("u", 512).unwrap();
    }

    #[test]
    fn the_bench_frame_scenario_and_the_generated_extremes_fit() {
        let mut c = cluster(&[("orders", 48)]);
        for i in 0..24 {
            c.apply(0, consumer(&format!("c{i}"), "group-1", &["orders"], 100, 5_000)).unwrap();
        }
        for (n, p) in [(256, 64), (16, 1024)] {
            let (heartbeat, poll) = fast_timers(n, p);
            assert!(heartbeat >= 1 && poll >= heartbeat, "{n} × {p}: {heartbeat} {poll}");
        }
    }
}
