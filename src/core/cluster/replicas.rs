//! The cluster's calls on its brokers' replication (`broker/replicas.rs`): creating a topic
//! with its replicas placed, the replicas' step, broker links and broker commands.

use crate::core::broker::replicas::Replication;
use crate::core::cluster::Cluster;
use crate::core::error::{CoreError, CoreResult, ErrorCode};
use crate::core::event::BrokerChange;
use crate::core::log::Retention;
use crate::core::replication::BrokerId;
use crate::core::time::Millis;

impl Cluster {
    /// The brokers and every partition's replicas (read-only).
    pub fn replication(&self) -> &Replication {
        &self.broker.replicas
    }

    /// Creates a topic with its replication settings (`replication_factor`: absent or -1 for
    /// `default.replication.factor`; `config`: `min.insync.replicas`,
    /// `unclean.leader.election.enable`), as CreateTopics does: everything is checked before
    /// anything is made. Scenario topics and the admin path come through here.
    pub fn create_topic(
        &mut self,
        now: Millis,
        name: &str,
        partitions: i64,
        retention: Option<Retention>,
        replication_factor: Option<i64>,
        config: Option<&serde_json::Map<String, serde_json::Value>>,
    ) -> CoreResult<Vec<crate::core::event::Event>> {
        let placement = self.broker.replicas.check_topic(replication_factor, config)?;
        self.next_topic_replication = Some(placement);
        let cmd = crate::core::command::Command::CreateTopic {
            name: name.to_string(),
            partitions,
            retention,
            replication_factor: None,
        };
        let result = self.apply(now, cmd);
        self.next_topic_replication = None;
        result
    }

    /// Places a new topic's partitions (called when the topic is made): with the settings
    /// [`Cluster::create_topic`] checked, or the broker's defaults.
    pub(crate) fn place_new_topic(&mut self, name: &str, partitions: u32, now: Millis) {
        let placement = match self.next_topic_replication.take() {
            Some(p) => Ok(p),
            None => self.broker.replicas.check_topic(None, None),
        };
        if let Ok((rf, config)) = placement {
            let _ = self.broker.replicas.place_partitions(now, name, rf, config, partitions);
        }
    }

    /// Whether a topic with the broker's default replication can be made now.
    pub(crate) fn check_default_placement(&self) -> CoreResult<()> {
        let (rf, _) = self.broker.replicas.check_topic(None, None)?;
        let up = self.broker.replicas.nodes.iter().filter(|n| n.is_running() && !n.fenced).count();
        if up == 0 || (rf as usize) > self.broker.replicas.nodes.len() {
            return Err(CoreError::kafka(
                ErrorCode::InvalidReplicationFactor,
                "Unable to replicate the partition: all brokers are currently fenced.",
            ));
        }
        Ok(())
    }

    /// Whether a topic with `replication_factor` replicas (absent: the settings
    /// [`Cluster::create_topic`] checked, else `default.replication.factor`) can be made now.
    /// A factor given here is kept for [`Cluster::place_new_topic`]. Returns the factor the
    /// CreateTopics request carries.
    pub(crate) fn check_placement(&mut self, replication_factor: Option<i64>) -> CoreResult<i16> {
        if let (None, Some(rf)) = (&self.next_topic_replication, replication_factor) {
            self.next_topic_replication = Some(self.broker.replicas.check_topic(Some(rf), None)?);
        }
        let rf = match &self.next_topic_replication {
            Some((rf, _)) => *rf,
            None => self.broker.replicas.check_topic(None, None)?.0,
        };
        let up = self.broker.replicas.nodes.iter().filter(|n| n.is_running() && !n.fenced).count();
        if up == 0 || (rf as usize) > self.broker.replicas.nodes.len() {
            self.next_topic_replication = None;
            return Err(CoreError::kafka(
                ErrorCode::InvalidReplicationFactor,
                "Unable to replicate the partition: all brokers are currently fenced.",
            ));
        }
        Ok(rf as i16)
    }

    /// The replicas' work due at `now` (followers' fetches, ISR checks, the controller).
    pub(crate) fn step_replicas(&mut self, now: Millis) {
        if self.broker.replicas.next_wakeup().is_none_or(|t| t > now) {
            return;
        }
        let broker = &mut self.broker;
        for kind in broker.replicas.run(now, &mut broker.topics) {
            self.events_push(now, kind);
        }
    }

    /// Cuts or mends the link between two brokers' replica fetchers (nothing else changes):
    /// a follower then leaves the ISR after `replica.lag.time.max.ms` without being fenced.
    pub fn set_broker_link(
        &mut self,
        now: Millis,
        a: BrokerId,
        b: BrokerId,
        up: bool,
    ) -> Vec<crate::core::event::Event> {
        let mut out = self.advance(now);
        self.broker.replicas.set_fetch_link(a, b, up);
        if up {
            self.broker.replicas.next_fetch_soon(now);
        }
        out.extend(self.advance(now));
        out
    }

    /// `stop_broker`, `crash_broker`, `start_broker`, `isolate_broker`, `heal_broker`.
    pub(crate) fn broker_command(
        &mut self,
        now: Millis,
        broker: BrokerId,
        change: BrokerChange,
    ) -> CoreResult<()> {
        let b = &mut self.broker;
        for kind in b.replicas.broker_action(now, broker, change, &mut b.topics)? {
            self.events_push(now, kind);
        }
        Ok(())
    }
}
