//! Where a group's coordinator lives: the leader of the group's `__consumer_offsets`
//! partition (`abs(groupId.hashCode()) % offsets.topic.num.partitions`), and how it moves
//! when that broker stops, crashes or is cut off.
//!
//! Each `__consumer_offsets` partition has `offsets.topic.replication.factor` replicas (Kafka's
//! default 3). A leader keeps leading until the controller fences it (at once for a controlled
//! shutdown; after `broker.session.timeout.ms` for a crash or an isolation); then the next
//! replica that runs leads, loads the group from the partition (its committed offsets and, for
//! a classic group, its stored metadata: the group's members, generation and assignment) and
//! becomes the coordinator. Between the two, group requests get COORDINATOR_NOT_AVAILABLE.
//!
//! What is simplified (README "What is simplified"):
//! - The replication factor is capped by the broker count (Kafka refuses to create the topic
//!   with fewer brokers alive, and clients get COORDINATOR_NOT_AVAILABLE until it can; a
//!   one-broker setup sets `offsets.topic.replication.factor=1`). Replicas are placed round
//!   robin from the partition number, not by the rack-aware placer, and every replica is in
//!   sync (a commit is acknowledged when all replicas that run have it), so nothing committed
//!   is lost on a move.
//! - The groups' state is held once by the cluster's broker node; a move changes which
//!   broker answers for it. On load the new coordinator starts every member's session afresh,
//!   as Kafka does, and requests it held (JoinGroup, SyncGroup) are answered NOT_COORDINATOR;
//!   nobody's session runs while no coordinator is up.
//! - The `__consumer_offsets` topic is not listed by `kafka-topics` nor drawn.

use super::replicas::BrokerState;
use super::Broker;
use crate::core::error::ErrorCode;
use crate::core::event::{BrokerChange, EventKind};
use crate::core::ids::BrokerId;
use crate::core::protocol::find_coordinator::partition_for;
use crate::core::time::Millis;
use std::collections::BTreeMap;

/// `offsets.topic.replication.factor` (Kafka's default).
pub const OFFSETS_TOPIC_REPLICATION_FACTOR: usize = 3;

/// The leaders of the `__consumer_offsets` partitions that hold a group, and what the brokers
/// looked like when they were last checked.
#[derive(Debug, Clone, Default)]
pub struct OffsetsTopic {
    /// Partition → its leader (`None`: no replica runs).
    leaders: BTreeMap<u32, Option<BrokerId>>,
    /// Each broker's (state, fenced) when the leaders were last checked.
    seen: Vec<(BrokerState, bool)>,
    /// Some group's coordinator is down (its members' sessions are held).
    any_down: bool,
}

impl Broker {
    /// The replicas of `__consumer_offsets` partition `p`, preferred leader first.
    pub(crate) fn offsets_replicas(&self, p: u32) -> Vec<BrokerId> {
        let ids: Vec<BrokerId> = self.replicas.nodes.iter().map(|n| n.id).collect();
        if ids.is_empty() {
            return vec![self.id];
        }
        let n = ids.len();
        let rf = OFFSETS_TOPIC_REPLICATION_FACTOR.min(n);
        (0..rf).map(|i| ids[(p as usize + i) % n]).collect()
    }

    fn node_state(&self, id: BrokerId) -> (BrokerState, bool) {
        self.replicas.node(id).map_or((BrokerState::Running, false), |n| (n.state, n.fenced))
    }

    /// The first replica the controller may elect (running, not fenced).
    fn elect_offsets_leader(&self, p: u32) -> Option<BrokerId> {
        self.offsets_replicas(p).into_iter().find(|&b| self.node_state(b) == (BrokerState::Running, false))
    }

    /// [`Broker::elect_offsets_leader`] as it would have been with the brokers in `states`
    /// (in `replicas.nodes` order).
    fn elect_offsets_leader_then(&self, p: u32, states: &[(BrokerState, bool)]) -> Option<BrokerId> {
        let then = |b: BrokerId| {
            let i = self.replicas.nodes.iter().position(|n| n.id == b)?;
            states.get(i).copied()
        };
        self.offsets_replicas(p).into_iter().find(|&b| then(b) == Some((BrokerState::Running, false)))
    }

    /// The leader of `__consumer_offsets` partition `p` (the coordinator of its groups).
    pub(crate) fn offsets_leader(&self, p: u32) -> Option<BrokerId> {
        match self.offsets_topic.leaders.get(&p) {
            Some(l) => *l,
            None => self.elect_offsets_leader(p),
        }
    }

    /// The broker coordinating `group`, if it can answer now; otherwise
    /// COORDINATOR_NOT_AVAILABLE (no leader, or the leader is down or cut off).
    pub(crate) fn live_coordinator(&self, group: &str) -> Result<BrokerId, ErrorCode> {
        let p = partition_for(group, self.offsets_topic_num_partitions);
        match self.offsets_leader(p) {
            Some(b) if self.node_state(b).0 == BrokerState::Running => Ok(b),
            _ => Err(ErrorCode::CoordinatorNotAvailable),
        }
    }

    /// Whether broker `to` may answer a request for `group`: NOT_COORDINATOR if another
    /// broker coordinates it, COORDINATOR_NOT_AVAILABLE if none can now.
    pub(crate) fn check_coordinator(&self, group: &str, to: BrokerId) -> Result<(), ErrorCode> {
        let at = self.live_coordinator(group)?;
        if at == to {
            Ok(())
        } else {
            Err(ErrorCode::NotCoordinator)
        }
    }

    /// After the brokers changed: elects a new leader for every `__consumer_offsets` partition
    /// holding a group whose leader was fenced, and returns the moves (`CoordinatorMoved`).
    /// The new coordinator loads the group: its members' sessions start afresh and requests
    /// the old one held are answered NOT_COORDINATOR. While no coordinator runs, nobody's
    /// session runs out.
    pub(crate) fn refresh_coordinators(&mut self, now: Millis) -> Vec<EventKind> {
        let seen: Vec<(BrokerState, bool)> =
            self.replicas.nodes.iter().map(|n| (n.state, n.fenced)).collect();
        let mut events = Vec::new();
        if seen != self.offsets_topic.seen {
            let old = std::mem::replace(&mut self.offsets_topic.seen, seen);
            // (group, is a share group) by partition: share groups' coordinators move too.
            let mut by_partition: BTreeMap<u32, Vec<(String, bool)>> = BTreeMap::new();
            let share = self.share.groups.keys().map(|g| (g, true));
            for (group, is_share) in self.groups.keys().map(|g| (g, false)).chain(share) {
                let p = partition_for(group, self.offsets_topic_num_partitions);
                by_partition.entry(p).or_default().push((group.clone(), is_share));
            }
            for (p, groups) in by_partition {
                // A partition first asked about since the last change led by whom the controller
                // would have elected then.
                let before = match self.offsets_topic.leaders.get(&p) {
                    Some(l) => *l,
                    None if old.len() == self.replicas.nodes.len() => self.elect_offsets_leader_then(p, &old),
                    None => self.elect_offsets_leader(p),
                };
                let keeps = before.is_some_and(|b| !self.node_state(b).1);
                let after = if keeps { before } else { self.elect_offsets_leader(p) };
                self.offsets_topic.leaders.insert(p, after);
                if after != before {
                    for (group, is_share) in groups {
                        if is_share {
                            events.push(self.share_coordinator_moved(&group, p, before, after));
                        } else {
                            events.extend(self.coordinator_moved(&group, p, before, after, now));
                        }
                    }
                }
            }
        }
        self.offsets_topic.any_down = false;
        let down: Vec<String> =
            self.groups.keys().filter(|g| self.live_coordinator(g).is_err()).cloned().collect();
        for group in down {
            self.offsets_topic.any_down = true;
            if let Some(g) = self.groups.get_mut(&group) {
                for m in g.members.values_mut() {
                    m.last_heartbeat = m.last_heartbeat.max(now);
                }
            }
        }
        events
    }

    /// Whether [`Broker::refresh_coordinators`] has anything to do.
    pub(crate) fn coordinators_need_refresh(&self) -> bool {
        self.offsets_topic.any_down
            || self.replicas.nodes.len() != self.offsets_topic.seen.len()
            || self
                .replicas
                .nodes
                .iter()
                .zip(&self.offsets_topic.seen)
                .any(|(n, s)| (n.state, n.fenced) != *s)
    }

    /// What happened to the broker a coordinator left (`None`: it had none).
    fn move_cause(&self, from: Option<BrokerId>) -> Option<BrokerChange> {
        from.map(|b| match self.node_state(b).0 {
            BrokerState::Stopped => BrokerChange::Stopped,
            BrokerState::Crashed => BrokerChange::Crashed,
            BrokerState::Isolated => BrokerChange::Isolated,
            BrokerState::Running => BrokerChange::Fenced,
        })
    }

    /// A share group's coordinator moved: said as such (its members find the new one with
    /// FindCoordinator at their next heartbeat).
    fn share_coordinator_moved(
        &self,
        group: &str,
        partition: u32,
        from: Option<BrokerId>,
        to: Option<BrokerId>,
    ) -> EventKind {
        EventKind::ShareCoordinatorMoved {
            group: group.to_string(),
            partition,
            from,
            to,
            cause: self.move_cause(from),
        }
    }

    fn coordinator_moved(
        &mut self,
        group: &str,
        partition: u32,
        from: Option<BrokerId>,
        to: Option<BrokerId>,
        now: Millis,
    ) -> Vec<EventKind> {
        let cause = self.move_cause(from);
        if to.is_some() {
            // The new coordinator loads the group: sessions start afresh; what the old one held
            // is over.
            if let Some(g) = self.groups.get_mut(group) {
                for m in g.members.values_mut() {
                    m.last_heartbeat = now;
                }
            }
            let held: Vec<String> =
                self.parked.keys().filter(|(g, _)| g == group).map(|(_, m)| m.clone()).collect();
            for member in held {
                self.fail_parked(group, &member, ErrorCode::NotCoordinator);
            }
        }
        vec![EventKind::CoordinatorMoved { group: group.to_string(), partition, from, to, cause }]
    }
}
