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
//! - **bytes retained across all partition logs** ([`Budget::retained_bytes`]), whatever the
//!   topics' retention says (retention off, or 7 days, keeps everything a 24-hour run writes).
//!   Kafka would accept the records, so this one is not refused: producers are throttled, as a
//!   broker's quota throttles them, and the timeline says so (`quota`) until retention frees
//!   room.
//!
//! The numbers and why are in docs/robustness.md. Refusals are one line naming the field and
//! the limit; nothing is half done.

use super::cluster::Cluster;
use super::consumer::ConsumerSpec;
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
    /// (`playground.poll.interval.ms`) and heartbeats (`heartbeat.interval.ms`).
    pub consumer_wakeups_per_second: f64,
}

impl Budget {
    /// The playground's budget (docs/robustness.md says why these numbers).
    pub const PLAYGROUND: Budget = Budget {
        records_per_second: 10_000.0,
        partitions: 1_024,
        partition_consumers: 16_384,
        retained_bytes: 16 << 20,
        consumer_wakeups_per_second: 25_600.0,
    };

    /// No totals (the benchmark measures the core itself, far past what a tab shows).
    pub const UNLIMITED: Budget = Budget {
        records_per_second: f64::INFINITY,
        partitions: u64::MAX,
        partition_consumers: u64::MAX,
        retained_bytes: u64::MAX,
        consumer_wakeups_per_second: f64::INFINITY,
    };
}

impl Default for Budget {
    fn default() -> Self {
        Budget::PLAYGROUND
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
        self.topics.values().map(|t| u64::from(t.partition_count())).sum()
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

    /// Whether a consumer added (or changed, `replacing` itself) fits the budget: partitions ×
    /// consumers, and the consumers' timers.
    pub(crate) fn check_consumer_budget(&self, spec: &ConsumerSpec, replacing: bool) -> CoreResult<()> {
        let b = self.budget.budget;
        let wakeups = |c: &ConsumerSpec| {
            1000.0 / c.config.poll_interval_ms.max(1) as f64
                + 1000.0 / c.config.heartbeat_interval_ms.max(1) as f64
        };
        let others: f64 =
            self.consumers.values().filter(|c| c.spec.name != spec.name).map(|c| wakeups(&c.spec)).sum();
        if others + wakeups(spec) > b.consumer_wakeups_per_second {
            return Err(CoreError::invalid(format!(
                "config: the playground's budget is {} polls and heartbeats per second across all consumers \
                 (playground.poll.interval.ms and heartbeat.interval.ms: this one would take {:.0}, the others take {others:.0})",
                b.consumer_wakeups_per_second,
                wakeups(spec)
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
                let bytes =
                    self.topics.values().flat_map(|t| t.partitions.iter()).map(|l| l.size_bytes()).sum();
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
    // `consumers` consumers polling and heartbeating as often as the budget lets them.
    let fast_consumer = |group: &str, consumers: u64| {
        let per_timer = Budget::PLAYGROUND.consumer_wakeups_per_second / 2.0 / consumers as f64;
        let ms = (1000.0 / per_timer).ceil() as u64;
        json!({"group.id": group, "max.poll.records": 100_000, "playground.poll.interval.ms": ms,
            "heartbeat.interval.ms": ms, "session.timeout.ms": ms + 1, "auto.commit.interval.ms": 1,
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
        .map(|i| json!({"name": name("c", i), "mode": {"group": {"topics": ["t"]}}, "config": fast_consumer("g", 256)}))
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
        .map(|i| json!({"name": name("c", i), "mode": {"group": {"topics": all}}, "config": fast_consumer("g", 16)}))
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

use super::scenario::MAX_DURATION_MS;
