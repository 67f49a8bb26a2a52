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
}

impl Budget {
    /// The playground's budget (docs/robustness.md says why these numbers).
    pub const PLAYGROUND: Budget = Budget {
        records_per_second: 10_000.0,
        partitions: 1_024,
        partition_consumers: 16_384,
        retained_bytes: 16 << 20,
    };

    /// No totals (the benchmark measures the core itself, far past what a tab shows).
    pub const UNLIMITED: Budget = Budget {
        records_per_second: f64::INFINITY,
        partitions: u64::MAX,
        partition_consumers: u64::MAX,
        retained_bytes: u64::MAX,
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

    /// Whether one more consumer fits the budget of partitions × consumers.
    pub(crate) fn check_consumer_budget(&self) -> CoreResult<()> {
        let b = self.budget.budget;
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
            Some((at, bytes)) if now < at + RECOUNT_MS && now >= at => bytes,
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
