//! The cluster's checks against its work budget (`budget.rs`): the totals a command would
//! grow, refused before anything is done, and the producers' quota on retained bytes.

use crate::core::budget::{Budget, Timers, RECOUNT_MS};
use crate::core::cluster::Cluster;
use crate::core::consumer::{ConsumerMode, ConsumerSpec};
use crate::core::error::{CoreError, CoreResult};
use crate::core::event::EventKind;
use crate::core::time::Millis;

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
    pub(crate) fn quota_allows(
        &mut self,
        producer: &mut crate::core::producer::Producer,
        now: Millis,
    ) -> bool {
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
