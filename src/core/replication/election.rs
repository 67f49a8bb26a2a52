//! The controller's leader election, as KRaft does it
//! (`metadata/.../controller/PartitionChangeBuilder.java` and the handlers of
//! `ReplicationControlManager.java`).
//!
//! - **Clean election** (`Election.ONLINE`): the current leader stays if it may; otherwise the
//!   first replica, in replica order, that is in the ISR and alive (`isAcceptableLeader`: not
//!   fenced, not in controlled shutdown).
//! - **Offline**: nobody qualifies: leader `-1` (`Leader: none`), and the ISR keeps its last
//!   member, so the partition comes back clean when that broker does.
//! - **Unclean** (`unclean.leader.election.enable=true`, or `kafka-leader-election
//!   --election-type unclean`): if no ISR member is alive, the first live replica leads, and the
//!   ISR becomes just it — records it lacked are lost.
//! - **Preferred** (`auto.leader.rebalance.enable`, `--election-type preferred`): the first
//!   replica, if it is in the ISR and alive.
//! - **Controlled shutdown**: the broker leaves every ISR and leadership moves away *before* it
//!   stops, so nothing is lost.
//! - Every leader change bumps the leader epoch; every change bumps the partition epoch
//!   (`PartitionRegistration.merge`).
//!
//! **ELR (KIP-966) is not modelled.** Kafka 4.1 turns "eligible leader replicas" on for new
//! clusters: when the ISR shrinks below `min.insync.replicas`, the replicas that leave it stay
//! electable. The Kafka source read for this module predates 4.1 (its ELR code is still behind
//! a feature flag and has changed since), so rather than model a version we cannot check, this
//! is the behaviour with ELR off (`eligible.leader.replicas.version=0`), and `kafka-topics
//! --describe` prints `Elr: ` and `LastKnownElr: ` empty, as such a cluster does. What differs
//! with ELR on: a partition whose ISR shrank below `min.insync.replicas` can still elect a
//! replica that left the ISR cleanly, and an ISR may become empty.

use super::{broker_list, BrokerId, ReplicationError, ReplicationErrorCode, NO_LEADER};
use serde::{Deserialize, Serialize};

/// One partition as the controller records it (`PartitionRegistration`, ELR left out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionRegistration {
    pub replicas: Vec<BrokerId>,
    pub isr: Vec<BrokerId>,
    /// The leader, or [`NO_LEADER`].
    pub leader: BrokerId,
    pub leader_epoch: i32,
    pub partition_epoch: i32,
}

impl PartitionRegistration {
    /// A new partition (`ReplicationControlManager.createTopic`): the ISR is the live replicas,
    /// the leader the first of them — the preferred leader, since placement never puts a fenced
    /// broker first.
    pub fn new(replicas: Vec<BrokerId>, is_active: impl Fn(BrokerId) -> bool) -> Self {
        let isr: Vec<BrokerId> = replicas.iter().copied().filter(|&r| is_active(r)).collect();
        let leader = isr.first().copied().unwrap_or(NO_LEADER);
        PartitionRegistration { replicas, isr, leader, leader_epoch: 0, partition_epoch: 0 }
    }

    pub fn has_leader(&self) -> bool {
        self.leader != NO_LEADER
    }

    /// The first replica.
    pub fn preferred_replica(&self) -> BrokerId {
        self.replicas.first().copied().unwrap_or(NO_LEADER)
    }

    pub fn has_preferred_leader(&self) -> bool {
        self.leader == self.preferred_replica()
    }

    /// `Leader: 1` or `Leader: none`, as `kafka-topics --describe` prints it.
    pub fn leader_text(&self) -> String {
        if self.has_leader() {
            self.leader.to_string()
        } else {
            "none".to_string()
        }
    }

    /// This partition's line in `kafka-topics --describe` (`TopicCommand.PartitionDescription
    /// .printDescription`), with ELR empty as on a cluster without it.
    pub fn describe_line(&self, topic: &str, partition: u32) -> String {
        format!(
            "\tTopic: {topic}\tPartition: {partition}\tLeader: {}\tReplicas: {}\tIsr: {}\tElr: \tLastKnownElr: ",
            self.leader_text(),
            broker_list(&self.replicas),
            broker_list(&self.isr)
        )
    }
}

/// `PartitionChangeBuilder.Election`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Election {
    Preferred,
    Online,
    Unclean,
}

/// A change the controller made (a `PartitionChangeRecord`, merged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionChange {
    pub before: PartitionRegistration,
    pub after: PartitionRegistration,
    /// The new leader came from outside the ISR: data may be lost.
    pub unclean: bool,
}

impl PartitionChange {
    pub fn leader_changed(&self) -> bool {
        self.before.leader != self.after.leader
    }
}

/// `PartitionChangeBuilder.build` with ELR off: elect under `election`, set the ISR to
/// `target_isr` (never to empty), and return the change, or `None` when nothing changes.
pub fn build(
    partition: &PartitionRegistration,
    target_isr: &[BrokerId],
    election: Election,
    is_acceptable_leader: &dyn Fn(BrokerId) -> bool,
) -> Option<PartitionChange> {
    let valid = |r: BrokerId| target_isr.contains(&r) && is_acceptable_leader(r);
    let (leader, unclean) = match election {
        Election::Preferred => {
            let preferred = partition.preferred_replica();
            if valid(preferred) {
                (preferred, false)
            } else if valid(partition.leader) {
                (partition.leader, false)
            } else {
                let next = partition.replicas.iter().skip(1).copied().find(|&r| valid(r));
                (next.unwrap_or(NO_LEADER), false)
            }
        }
        Election::Online | Election::Unclean => {
            if valid(partition.leader) {
                (partition.leader, false)
            } else if let Some(r) = partition.replicas.iter().copied().find(|&r| valid(r)) {
                (r, false)
            } else if election == Election::Unclean {
                match partition.replicas.iter().copied().find(|&r| is_acceptable_leader(r)) {
                    Some(r) => (r, true),
                    None => (NO_LEADER, false),
                }
            } else {
                (NO_LEADER, false)
            }
        }
    };
    let mut after = partition.clone();
    let mut changed = false;
    let mut isr_set = false;
    if leader != partition.leader {
        after.leader = leader;
        after.leader_epoch += 1;
        changed = true;
        if unclean {
            // An unclean leader's ISR is itself alone: whatever it lacked is gone.
            after.isr = vec![leader];
            isr_set = true;
        }
    }
    if !isr_set && !target_isr.is_empty() && target_isr != partition.isr.as_slice() {
        after.isr = target_isr.to_vec();
        changed = true;
    }
    if !changed {
        return None;
    }
    after.partition_epoch += 1;
    Some(PartitionChange { before: partition.clone(), after, unclean })
}

fn election_for(unclean_leader_election_enable: bool) -> Election {
    if unclean_leader_election_enable {
        Election::Unclean
    } else {
        Election::Online
    }
}

/// `generateLeaderAndIsrUpdates(brokerToRemove = broker)`: `broker` leaves the ISR and may not
/// lead. Used for a fenced broker (`handleBrokerFenced`: its heartbeats stopped for
/// `broker.session.timeout.ms`) and a controlled shutdown (`handleBrokerInControlledShutdown`).
/// `is_active`: not fenced and not shutting down. Only partitions with `broker` in the ISR
/// change.
pub fn remove_broker(
    partition: &PartitionRegistration,
    broker: BrokerId,
    is_active: &dyn Fn(BrokerId) -> bool,
    unclean_leader_election_enable: bool,
) -> Option<PartitionChange> {
    if !partition.isr.contains(&broker) {
        return None;
    }
    let target: Vec<BrokerId> = partition.isr.iter().copied().filter(|&r| r != broker).collect();
    let acceptable = |r: BrokerId| r != broker && is_active(r);
    build(partition, &target, election_for(unclean_leader_election_enable), &acceptable)
}

/// `handleBrokerUnfenced`: a returning broker may lead partitions that have no leader (and
/// counts as alive even before the controller has marked it so).
pub fn broker_unfenced(
    partition: &PartitionRegistration,
    broker: BrokerId,
    is_active: &dyn Fn(BrokerId) -> bool,
    unclean_leader_election_enable: bool,
) -> Option<PartitionChange> {
    if partition.has_leader() {
        return None;
    }
    let acceptable = |r: BrokerId| r == broker || is_active(r);
    let isr = partition.isr.clone();
    build(partition, &isr, election_for(unclean_leader_election_enable), &acceptable)
}

/// `AlterPartition` from the leader: its new ISR (after a shrink or an expand). Refused with
/// FENCED_LEADER_EPOCH from a leader of an older epoch, NOT_LEADER_OR_FOLLOWER from a
/// non-leader; members that may not join (fenced, shutting down) are left out.
pub fn alter_partition(
    partition: &PartitionRegistration,
    from_leader: BrokerId,
    leader_epoch: i32,
    new_isr: &[BrokerId],
    is_active: &dyn Fn(BrokerId) -> bool,
) -> Result<Option<PartitionChange>, ReplicationError> {
    if leader_epoch < partition.leader_epoch {
        return Err(ReplicationError::new(ReplicationErrorCode::FencedLeaderEpoch, ""));
    }
    if from_leader != partition.leader {
        return Err(ReplicationError::new(ReplicationErrorCode::NotLeaderOrFollower, ""));
    }
    let target: Vec<BrokerId> = new_isr
        .iter()
        .copied()
        .filter(|&r| partition.replicas.contains(&r) && (r == from_leader || is_active(r)))
        .collect();
    Ok(build(partition, &target, Election::Online, is_active))
}

/// `kafka-leader-election --election-type`: which election a person asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElectionType {
    Preferred,
    Unclean,
}

/// `ReplicationControlManager.electLeader`, for `kafka-leader-election`:
/// - `preferred`: ELECTION_NOT_NEEDED if the preferred replica leads already,
///   PREFERRED_LEADER_NOT_AVAILABLE if it cannot (down, or out of the ISR);
/// - `unclean` (also what the controller does for leaderless partitions of a topic that turns
///   `unclean.leader.election.enable` on): ELECTION_NOT_NEEDED if the partition has a leader,
///   ELIGIBLE_LEADERS_NOT_AVAILABLE if no replica is alive.
pub fn elect_leader(
    partition: &PartitionRegistration,
    election_type: ElectionType,
    is_active: &dyn Fn(BrokerId) -> bool,
) -> Result<PartitionChange, ReplicationError> {
    let (not_needed, election, unavailable) = match election_type {
        ElectionType::Preferred => (
            partition.has_preferred_leader(),
            Election::Preferred,
            ReplicationErrorCode::PreferredLeaderNotAvailable,
        ),
        ElectionType::Unclean => {
            (partition.has_leader(), Election::Unclean, ReplicationErrorCode::EligibleLeadersNotAvailable)
        }
    };
    if not_needed {
        return Err(ReplicationError::new(ReplicationErrorCode::ElectionNotNeeded, ""));
    }
    build(partition, &partition.isr, election, is_active)
        .ok_or_else(|| ReplicationError::new(unavailable, ""))
}

/// `maybeBalancePartitionLeaders` (every `leader.imbalance.check.interval.seconds` when
/// `auto.leader.rebalance.enable`): a preferred election for a partition led by another
/// replica, if the preferred one can lead.
pub fn rebalance(
    partition: &PartitionRegistration,
    is_active: &dyn Fn(BrokerId) -> bool,
) -> Option<PartitionChange> {
    if partition.has_preferred_leader() {
        return None;
    }
    build(partition, &partition.isr, Election::Preferred, is_active)
        .filter(|c| c.after.leader == partition.preferred_replica())
}

#[cfg(test)]
mod tests {
    //! Cases from `PartitionChangeBuilderTest` and `ReplicationControlManagerTest`.
    use super::*;

    fn reg(replicas: &[i32], isr: &[i32], leader: i32) -> PartitionRegistration {
        PartitionRegistration {
            replicas: BrokerId::list(replicas),
            isr: BrokerId::list(isr),
            leader: BrokerId(leader),
            leader_epoch: 100,
            partition_epoch: 200,
        }
    }

    fn alive(ids: &'static [i32]) -> impl Fn(BrokerId) -> bool {
        move |r| ids.contains(&r.0)
    }

    /// PartitionChangeBuilderTest.testElectLeader: the current leader stays if it may;
    /// otherwise the first valid replica in replica order; preferred picks the first replica.
    #[test]
    fn elect_leader_follows_replica_order() {
        let p = reg(&[2, 1, 3], &[2, 1, 3], 1);
        let any = |_| true;
        assert_eq!(build(&p, &p.isr, Election::Online, &any), None, "leader 1 stays");
        let c = build(&p, &p.isr, Election::Preferred, &any).unwrap();
        assert_eq!((c.after.leader, c.after.leader_epoch, c.after.partition_epoch), (BrokerId(2), 101, 201));
        let c = build(&p, &BrokerId::list(&[2, 3]), Election::Online, &|r| r != 1).unwrap();
        assert_eq!(c.after.leader, 2);
        let c = build(&p, &BrokerId::list(&[3]), Election::Online, &any).unwrap();
        assert_eq!(c.after.leader, 3);
        assert!(!c.unclean);
    }

    /// PartitionChangeBuilderTest: with no live ISR member a clean election leaves no leader,
    /// an unclean one takes the first live replica and shrinks the ISR to it.
    #[test]
    fn unclean_election_elects_out_of_sync_replica() {
        let p = reg(&[1, 2, 3], &[1], 1);
        let c = remove_broker(&p, BrokerId(1), &alive(&[2, 3]), false).unwrap();
        assert_eq!(c.after.leader, NO_LEADER);
        assert_eq!(c.after.isr, vec![1], "ISR is never emptied without ELR");
        assert_eq!(c.after.leader_epoch, 101);
        assert_eq!(c.after.leader_text(), "none");
        let c = remove_broker(&p, BrokerId(1), &alive(&[2, 3]), true).unwrap();
        assert_eq!(
            (c.after.leader, c.after.isr.clone(), c.unclean),
            (BrokerId(2), BrokerId::list(&[2]), true)
        );
    }

    /// ReplicationControlManagerTest.testFenceMultipleBrokers-style: fencing removes the broker
    /// from the ISR and moves leadership to the next ISR replica.
    #[test]
    fn fenced_leader_hands_over_to_next_isr_replica() {
        let p = reg(&[1, 2, 3], &[1, 2, 3], 1);
        let c = remove_broker(&p, BrokerId(1), &alive(&[2, 3]), false).unwrap();
        assert_eq!((c.after.leader, c.after.isr.clone()), (BrokerId(2), BrokerId::list(&[2, 3])));
        // A follower fenced: ISR shrinks, leader and leader epoch stay.
        let c = remove_broker(&p, BrokerId(3), &alive(&[1, 2]), false).unwrap();
        assert_eq!(
            (c.after.leader, c.after.leader_epoch, c.after.isr.clone()),
            (BrokerId(1), 100, BrokerId::list(&[1, 2]))
        );
        assert_eq!(remove_broker(&reg(&[1, 2, 3], &[1, 2], 1), BrokerId(3), &alive(&[1, 2]), false), None);
    }

    /// handleBrokerUnfenced: an offline partition comes back with its last ISR member; a
    /// returning out-of-sync replica does not lead it (clean), unless unclean is on.
    #[test]
    fn unfenced_isr_member_brings_the_partition_back() {
        let offline = reg(&[1, 2, 3], &[1], -1);
        assert_eq!(broker_unfenced(&offline, BrokerId(2), &alive(&[]), false), None);
        let c = broker_unfenced(&offline, BrokerId(1), &alive(&[2]), false).unwrap();
        assert_eq!((c.after.leader, c.unclean), (BrokerId(1), false));
        let c = broker_unfenced(&offline, BrokerId(2), &alive(&[]), true).unwrap();
        assert_eq!(
            (c.after.leader, c.unclean, c.after.isr.clone()),
            (BrokerId(2), true, BrokerId::list(&[2]))
        );
    }

    /// handleBrokerInControlledShutdown: leadership moves before the broker stops.
    #[test]
    fn controlled_shutdown_moves_leadership_first() {
        let p = reg(&[1, 2, 3], &[1, 2, 3], 1);
        // Broker 1 is shutting down: no longer active.
        let c = remove_broker(&p, BrokerId(1), &alive(&[2, 3]), false).unwrap();
        assert_eq!(
            (c.after.leader, c.after.isr.clone(), c.unclean),
            (BrokerId(2), BrokerId::list(&[2, 3]), false)
        );
    }

    /// electLeader (preferred): ELECTION_NOT_NEEDED, PREFERRED_LEADER_NOT_AVAILABLE, success.
    #[test]
    fn preferred_leader_election() {
        let p = reg(&[1, 2, 3], &[1, 2, 3], 1);
        assert_eq!(
            elect_leader(&p, ElectionType::Preferred, &|_| true).unwrap_err().code,
            ReplicationErrorCode::ElectionNotNeeded
        );
        let moved = reg(&[1, 2, 3], &[2, 3], 2);
        assert_eq!(
            elect_leader(&moved, ElectionType::Preferred, &|_| true).unwrap_err().code,
            ReplicationErrorCode::PreferredLeaderNotAvailable,
            "1 is not in the ISR"
        );
        let back = reg(&[1, 2, 3], &[2, 3, 1], 2);
        assert_eq!(elect_leader(&back, ElectionType::Preferred, &|_| true).unwrap().after.leader, 1);
        assert_eq!(rebalance(&back, &|_| true).unwrap().after.leader, 1);
        assert_eq!(rebalance(&back, &|r| r != 1), None);
    }

    /// electLeader (unclean).
    #[test]
    fn unclean_election_by_command() {
        let p = reg(&[1, 2, 3], &[1], -1);
        assert_eq!(
            elect_leader(&p, ElectionType::Unclean, &|_| false).unwrap_err().code,
            ReplicationErrorCode::EligibleLeadersNotAvailable
        );
        assert_eq!(elect_leader(&p, ElectionType::Unclean, &|r| r == 3).unwrap().after.leader, 3);
        assert_eq!(
            elect_leader(&reg(&[1], &[1], 1), ElectionType::Unclean, &|_| true).unwrap_err().code,
            ReplicationErrorCode::ElectionNotNeeded
        );
    }

    /// AlterPartition: a stale leader epoch is fenced; an ISR change bumps only the partition
    /// epoch.
    #[test]
    fn alter_partition_checks_the_leader_epoch() {
        let p = reg(&[1, 2, 3], &[1, 2, 3], 1);
        assert_eq!(
            alter_partition(&p, BrokerId(1), 99, &BrokerId::list(&[1, 2]), &|_| true).unwrap_err().code,
            ReplicationErrorCode::FencedLeaderEpoch
        );
        assert_eq!(
            alter_partition(&p, BrokerId(2), 100, &BrokerId::list(&[1, 2]), &|_| true).unwrap_err().code,
            ReplicationErrorCode::NotLeaderOrFollower
        );
        let c = alter_partition(&p, BrokerId(1), 100, &BrokerId::list(&[1, 2]), &|_| true).unwrap().unwrap();
        assert_eq!(
            (c.after.isr.clone(), c.after.leader_epoch, c.after.partition_epoch),
            (BrokerId::list(&[1, 2]), 100, 201)
        );
        let c =
            alter_partition(&p, BrokerId(1), 100, &BrokerId::list(&[1, 2, 3]), &|r| r != 3).unwrap().unwrap();
        assert_eq!(c.after.isr, vec![1, 2], "a fenced broker cannot join");
    }

    /// TopicCommand's partition line, as the issue quotes Kafka 4 printing it.
    #[test]
    fn describe_line_is_kafka_topics_describe() {
        let p = reg(&[1, 2, 3], &[1, 2, 3], 1);
        assert_eq!(
            p.describe_line("orders", 0),
            "\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2,3\tElr: \tLastKnownElr: "
        );
        let offline = reg(&[2, 3], &[2], -1);
        assert_eq!(
            offline.describe_line("orders", 4),
            "\tTopic: orders\tPartition: 4\tLeader: none\tReplicas: 2,3\tIsr: 2\tElr: \tLastKnownElr: "
        );
    }

    #[test]
    fn new_partition_leads_with_its_preferred_replica() {
        let p = PartitionRegistration::new(BrokerId::list(&[2, 3, 1]), |_| true);
        assert_eq!((p.leader, p.isr.clone(), p.leader_epoch), (BrokerId(2), BrokerId::list(&[2, 3, 1]), 0));
        assert!(p.has_preferred_leader());
        let p = PartitionRegistration::new(BrokerId::list(&[2, 3, 1]), |r| r != 3);
        assert_eq!(p.isr, vec![2, 1]);
    }
}
