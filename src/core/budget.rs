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

use super::cluster::Cluster;
use super::consumer::{ConsumerMode, ConsumerSpec};
use super::error::{CoreError, CoreResult};
use super::event::EventKind;
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
struct Timers {
    polls: f64,
    heartbeats: f64,
    /// Metadata refreshes: a group member refreshes inside `poll()` once its metadata is
    /// `metadata.max.age.ms` old, so at most once a poll.
    refreshes: f64,
}

impl Timers {
    fn of(spec: &ConsumerSpec) -> Self {
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

    fn total(&self) -> f64 {
        self.polls + self.heartbeats + self.refreshes
    }
}

/// How often the retained total is counted again (simulated time): between counts producers
/// may overshoot by at most this long of the budget's rate, ~300 kB.
const RECOUNT_MS: Millis = 1_000;

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
    counted: Option<(Millis, u64)>,
}

impl Cluster {
    /// Replaces the budget (the benchmark lifts it; the playground never does).
    pub fn set_budget(&mut self, budget: Budget) {
        self.budget.budget = budget;
    }

    pub fn budget(&self) -> Budget {
        self.budget.budget
    }

    /// Whether producers with `rate` records/s in place of `replacing`'s fit the budget.
    pub(crate) fn check_rate_budget(&self, rate: f64, replacing: Option<&str>) -> CoreResult<()> {
        let max = self.budget.budget.records_per_second;
        let others: f64 = self
            .producers
            .iter()
            .filter(|(name, _)| Some(name.as_str()) != replacing)
            .map(|(_, p)| p.spec.rate)
            .sum();
        if others + rate > max {
            return Err(CoreError::invalid(format!(
                "rate: the playground's budget is {max} records/s across all producers; the others already send {others}"
            )));
        }
        Ok(())
    }

    fn partition_total(&self) -> u64 {
        self.broker.topics.values().map(|t| u64::from(t.partition_count())).sum()
    }

    /// Whether `more` partitions fit the budget, alone and times the consumers.
    pub(crate) fn check_partition_budget(&self, more: u64) -> CoreResult<()> {
        let b = self.budget.budget;
        let total = self.partition_total().saturating_add(more);
        if total > b.partitions {
            return Err(CoreError::invalid(format!(
                "partitions: the playground's budget is {} partitions across all topics (this would make {total})",
                b.partitions
            )));
        }
        let consumers = self.consumers.len() as u64;
        if total.saturating_mul(consumers) > b.partition_consumers {
            return Err(CoreError::invalid(format!(
                "partitions: the playground's budget is {} partitions × consumers ({total} × {consumers} would exceed it)",
                b.partition_consumers
            )));
        }
        Ok(())
    }

    /// [`Cluster::check_partition_budget`] for `more` partitions of `topic` (new or grown),
    /// and the partitions its subscribers would then read per second.
    pub(crate) fn check_topic_partition_budget(&self, topic: &str, more: u64) -> CoreResult<()> {
        self.check_partition_budget(more)?;
        let max = self.budget.budget.partition_reads_per_second;
        let reads = self.partition_reads(None, Some((topic, more)));
        if reads > max {
            return Err(CoreError::invalid(format!(
                "partitions: the playground's budget is {max} partition reads per second across all consumers \
                 (their polls and metadata refreshes would read {reads:.0} with these partitions)"
            )));
        }
        Ok(())
    }

    /// Partitions `spec` may own: its subscribed topics' (with `grown`'s topic `more` larger),
    /// or those it `assign()`s.
    fn readable_partitions(&self, spec: &ConsumerSpec, grown: Option<(&str, u64)>) -> f64 {
        match &spec.mode {
            ConsumerMode::Standalone { partitions } => partitions.len() as f64,
            ConsumerMode::Group { topics } | ConsumerMode::Share { topics } => topics
                .iter()
                .map(|t| {
                    let now =
                        self.broker.topics.get(t.as_str()).map_or(0, |t| u64::from(t.partition_count()));
                    let more = grown.filter(|(g, _)| g == t).map_or(0, |(_, m)| m);
                    (now + more) as f64
                })
                .sum(),
        }
    }

    /// Partitions all consumers read per simulated second (see
    /// [`Budget::partition_reads_per_second`]), with `with` added or in place of the consumer of
    /// its name, and `grown`'s topic larger. A poll fetches the partitions the consumer owns:
    /// the members of a (classic or KIP-848) group divide their subscription, so each is
    /// charged its share; a share-group member may be given every partition, a standalone
    /// consumer reads all it assigned. A metadata refresh describes every subscribed partition.
    fn partition_reads(&self, with: Option<&ConsumerSpec>, grown: Option<(&str, u64)>) -> f64 {
        let specs: Vec<&ConsumerSpec> = self
            .consumers
            .values()
            .map(|c| &c.spec)
            .filter(|s| with.is_none_or(|w| w.name != s.name))
            .chain(with)
            .collect();
        let mut members: std::collections::BTreeMap<&str, f64> = Default::default();
        for s in specs.iter().filter(|s| s.is_group()) {
            *members.entry(s.config.group_id.as_deref().unwrap_or_default()).or_default() += 1.0;
        }
        specs
            .iter()
            .map(|s| {
                let t = Timers::of(s);
                let partitions = self.readable_partitions(s, grown);
                let share = match s.is_group() {
                    true => {
                        members.get(s.config.group_id.as_deref().unwrap_or_default()).copied().unwrap_or(1.0)
                    }
                    false => 1.0,
                };
                t.polls * partitions / share + t.refreshes * partitions
            })
            .sum()
    }

    /// Whether a consumer added (or changed, `replacing` itself) fits the budget: partitions ×
    /// consumers, the consumers' timers, and the partitions they read.
    pub(crate) fn check_consumer_budget(&self, spec: &ConsumerSpec, replacing: bool) -> CoreResult<()> {
        let b = self.budget.budget;
        let wakeups: f64 = self
            .consumers
            .values()
            .filter(|c| c.spec.name != spec.name)
            .map(|c| Timers::of(&c.spec).total())
            .sum();
        let own = Timers::of(spec).total();
        if wakeups + own > b.consumer_wakeups_per_second {
            return Err(CoreError::invalid(format!(
                "config: the playground's budget is {} polls, heartbeats and metadata refreshes per second across all consumers \
                 (playground.poll.interval.ms, heartbeat.interval.ms and metadata.max.age.ms: this one would take {own:.0}, the others take {wakeups:.0})",
                b.consumer_wakeups_per_second,
            )));
        }
        let reads = self.partition_reads(Some(spec), None);
        if reads > b.partition_reads_per_second {
            return Err(CoreError::invalid(format!(
                "config: the playground's budget is {} partition reads per second across all consumers \
                 (each poll fetches the partitions a consumer owns and each metadata refresh describes all it subscribes to; \
                 playground.poll.interval.ms and metadata.max.age.ms: with this one they would read {reads:.0})",
                b.partition_reads_per_second,
            )));
        }
        if replacing {
            return Ok(());
        }
        let (total, consumers) = (self.partition_total(), self.consumers.len() as u64 + 1);
        if total.saturating_mul(consumers) > b.partition_consumers {
            return Err(CoreError::invalid(format!(
                "consumers: the playground's budget is {} partitions × consumers ({total} × {consumers} would exceed it)",
                b.partition_consumers
            )));
        }
        Ok(())
    }

    /// Bytes kept across all partition logs, counted at most every [`RECOUNT_MS`].
    fn retained_bytes(&mut self, now: Millis) -> u64 {
        match self.budget.counted {
            Some((at, bytes)) if now / RECOUNT_MS == at / RECOUNT_MS => bytes,
            _ => {
                let bytes = self
                    .broker
                    .topics
                    .values()
                    .flat_map(|t| t.partitions.iter())
                    .map(|l| l.size_bytes())
                    .sum();
                self.budget.counted = Some((now, bytes));
                bytes
            }
        }
    }

    /// Whether a producer may send now: `false` while the retained bytes are over the budget
    /// (a quota: its records wait). Tells the timeline when a producer is throttled and when
    /// it is let go.
    pub(crate) fn quota_allows(&mut self, producer: &mut super::producer::Producer, now: Millis) -> bool {
        let max = self.budget.budget.retained_bytes;
        if max == u64::MAX {
            return true;
        }
        let over = self.retained_bytes(now) >= max;
        if over != producer.throttled {
            producer.throttled = over;
            let name = &producer.spec.name;
            let mib = max >> 20;
            let (text, text_ru) = if over {
                (
                    format!("quota: {name} is throttled: the partition logs hold the playground's budget of {mib} MiB; it sends again when retention frees room"),
                    format!("quota: {name} приторможен: логи партиций заняли весь бюджет песочницы, {mib} МиБ; отправка продолжится, когда retention освободит место"),
                )
            } else {
                (
                    format!("quota: {name} sends again (the partition logs are under the {mib} MiB budget)"),
                    format!("quota: {name} снова отправляет (логи партиций меньше бюджета в {mib} МиБ)"),
                )
            };
            self.events_push(now, EventKind::Note { text, text_ru });
        }
        !over
    }
}

/// Valid scenarios at the limits: every cap at its maximum, alone and together (the hostile
/// corpus's generated half; the bench runs each through `playground-cli run` for the whole
/// 24 hours and the e2e tests load the last one in the page). Each is a scenario file's JSON.
pub fn extreme_scenarios() -> Vec<(&'static str, serde_json::Value)> {
    use serde_json::json;
    let day = "24h";
    let name = |prefix: &str, i: usize| format!("{prefix}{i:0>width$}", width = 64 - prefix.len());
    let rate = Budget::PLAYGROUND.records_per_second;
    // `consumers` consumers each subscribed to `partitions` partitions, polling (and refreshing
    // metadata on every poll) as often as the partition-read budget lets them, and
    // heartbeating with the rest of the wake-up budget.
    let fast_consumer = |group: &str, consumers: u64, partitions: u64| {
        let (timers, reads) = fast_timers(consumers, partitions);
        json!({"group.id": group, "max.poll.records": 100_000, "playground.poll.interval.ms": reads,
            "heartbeat.interval.ms": timers, "session.timeout.ms": timers + 1, "auto.commit.interval.ms": 1,
            "metadata.max.age.ms": 1, "playground.processing.ms.per.record": 0})
    };
    let mut out = Vec::new();
    out.push((
        "rate-kept-forever",
        json!({"version": 1, "topics": [{"name": "t", "partitions": 1, "retention": {}}],
            "producers": [{"name": "p", "topic": "t", "rate": rate}], "duration": day}),
    ));
    out.push((
        "partitions-random-keys",
        json!({"version": 1, "topics": [{"name": "t", "partitions": 1024}],
            "producers": [{"name": "p", "topic": "t", "rate": rate, "keys": {"mode": "random"}}],
            "duration": day}),
    ));
    let topics: Vec<_> =
        (0..256).map(|i| json!({"name": name("t", i), "partitions": 4, "retention": {}})).collect();
    let producers: Vec<_> = (0..256)
        .map(|i| {
            json!({"name": name("p", i), "topic": name("t", i), "rate": (rate / 256.0).floor(),
            "keys": {"mode": "set", "prefix": "k".repeat(64), "count": 10_000}})
        })
        .collect();
    out.push((
        "topics-and-producers-256",
        json!({"version": 1, "topics": topics, "producers": producers, "duration": day}),
    ));
    let consumers: Vec<_> = (0..256)
        .map(|i| json!({"name": name("c", i), "mode": {"group": {"topics": ["t"]}}, "config": fast_consumer("g", 256, 64)}))
        .collect();
    out.push((
        "consumers-256",
        json!({"version": 1, "topics": [{"name": "t", "partitions": 64}],
            "producers": [{"name": "p", "topic": "t", "rate": rate, "keys": {"mode": "random"}}],
            "consumers": consumers, "duration": day}),
    ));
    // A script as long as the file may be: steps every 10 s, each at the widest.
    let script = |n: usize, topic: &str| -> Vec<serde_json::Value> {
        (0..n)
            .map(|i| {
                let action = match i % 4 {
                    0 => json!({"type": "pause_producer", "name": "p"}),
                    1 => json!({"type": "resume_producer", "name": "p"}),
                    2 => json!({"type": "send_one", "producer": "p", "key": "k".repeat(256), "value": "v".repeat(1024)}),
                    _ => json!({"type": "set_retention", "topic": topic, "retention": {"retention.ms": null, "retention.bytes": null}}),
                };
                json!({"at": (i as u64 * 10_000).min(MAX_DURATION_MS), "do": action})
            })
            .collect()
    };
    // As many steps as fit in the file as the playground writes it (a few kB to spare).
    let fill = |mut v: serde_json::Value, topic: &str| {
        let size = |v: &serde_json::Value| {
            super::scenario::Scenario::from_value(v.clone()).map_or(usize::MAX, |s| s.written_len())
        };
        let empty = size(&v);
        v["script"] = serde_json::Value::Array(script(100, topic));
        let per_step = size(&v).saturating_sub(empty) / 100;
        let target = super::scenario::MAX_SCENARIO_BYTES - 8_192;
        let mut n = target.saturating_sub(empty) / per_step.max(1);
        loop {
            v["script"] = serde_json::Value::Array(script(n, topic));
            if n == 0 || size(&v) <= target {
                return v;
            }
            n = n * 99 / 100;
        }
    };
    out.push((
        "script-at-the-byte-limit",
        fill(
            json!({"version": 1, "topics": [{"name": "t", "partitions": 8}],
                "producers": [{"name": "p", "topic": "t", "rate": rate}], "duration": day}),
            "t",
        ),
    ));
    // Together: 256 topics over the partition budget, 256 producers sharing the rate, 16
    // consumers on every topic at the fastest settings (1 024 × 16 = the budget), retention
    // off, and a long script.
    let topics: Vec<_> =
        (0..256).map(|i| json!({"name": name("t", i), "partitions": 4, "retention": {}})).collect();
    let mut producers: Vec<_> = (0..255)
        .map(|i| {
            json!({"name": name("p", i), "topic": name("t", i), "rate": (rate / 256.0).floor(),
            "keys": {"mode": "random"}})
        })
        .collect();
    producers.push(json!({"name": "p", "topic": name("t", 255), "rate": (rate / 256.0).floor()}));
    let all: Vec<String> = (0..256).map(|i| name("t", i)).collect();
    let consumers: Vec<_> = (0..16)
        .map(|i| json!({"name": name("c", i), "mode": {"group": {"topics": all}}, "config": fast_consumer("g", 16, 1024)}))
        .collect();
    out.push((
        "all-together",
        fill(
            json!({"version": 1, "topics": topics, "producers": producers, "consumers": consumers,
                "duration": day}),
            &name("t", 255),
        ),
    ));
    out
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

use super::scenario::MAX_DURATION_MS;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::ConsumerConfig;
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
