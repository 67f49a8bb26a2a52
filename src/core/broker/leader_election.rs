//! Leader elections nobody's failure asked for: ElectLeaders (`kafka-leader-election`) and
//! the controller's automatic move back to preferred replicas (`auto.leader.rebalance.enable`).
//! Failures' elections (fencing, controlled shutdown, a returning broker) are `replicas.rs`'s.
//!
//! - **ElectLeaders** (`ControllerApis.handleElectLeaders`, `ReplicationControlManager
//!   .electLeaders`): ALTER on the cluster, else CLUSTER_AUTHORIZATION_FAILED for the whole
//!   request (each named partition carries it too, as `ElectLeadersRequest.getErrorResponse`
//!   does). Then per partition: UNKNOWN_TOPIC_OR_PARTITION ("No such topic as …", "No such
//!   partition as …"), ELECTION_NOT_NEEDED (preferred: the preferred replica leads; unclean: a
//!   leader exists), PREFERRED_LEADER_NOT_AVAILABLE / ELIGIBLE_LEADERS_NOT_AVAILABLE (nobody
//!   can be elected), or `NONE` and the new leader. Asked for every partition (no list), the
//!   answer leaves out the partitions that needed no election.
//! - **The automatic rebalance** (`QuorumController.maybeScheduleNextBalancePartitionLeaders`,
//!   `ReplicationControlManager.maybeBalancePartitionLeaders`): when a partition stops being
//!   led by its preferred replica and no check is scheduled, one is scheduled
//!   `leader.imbalance.check.interval.seconds` later; it runs a preferred election for every
//!   such partition whose preferred replica is alive and in sync, and schedules the next check
//!   an interval later while any partition is still not led by its preferred replica.
//!   `leader.imbalance.per.broker.percentage` is not read, as in Kafka 4's KRaft controller.

use super::replicas::Replication;
use super::Broker;
use crate::core::acl::{Operation, ResourceType, CLUSTER_NAME};
use crate::core::config::ClusterConfig;
use crate::core::error::ErrorCode;
use crate::core::event::{ElectionTrigger, EventKind, IsrReason};
use crate::core::protocol::elect_leaders::{
    ElectLeadersRequest, ElectLeadersResponse, ElectionType, PartitionResult, ReplicaElectionResult,
};
use crate::core::replication::election::{self, PartitionRegistration};
use crate::core::time::Millis;
use crate::core::topic::Topic;
use std::collections::BTreeMap;

/// The controller's schedule of `maybeBalancePartitionLeaders`.
#[derive(Debug, Clone, Default)]
pub struct LeaderRebalance {
    /// `auto.leader.rebalance.enable`.
    enabled: bool,
    /// `leader.imbalance.check.interval.seconds`, in ms.
    interval_ms: Millis,
    /// When the next check runs, if one is scheduled.
    pub(super) next_check: Option<Millis>,
}

impl LeaderRebalance {
    pub(super) fn new(config: &ClusterConfig) -> Self {
        LeaderRebalance {
            enabled: config.auto_leader_rebalance_enable,
            interval_ms: config.leader_imbalance_check_interval_seconds.saturating_mul(1000),
            next_check: None,
        }
    }

    /// A partition's registration changed to `after`: if it is not led by its preferred
    /// replica and no check is scheduled, one is (an interval from now).
    pub(super) fn note(&mut self, now: Millis, after: &PartitionRegistration) {
        if self.enabled && self.next_check.is_none() && !after.has_preferred_leader() {
            self.next_check = Some(now + self.interval_ms);
        }
    }
}

/// A partition's election outcome: `Ok` elected, or the error code and its message.
type Outcome = Result<(), (ErrorCode, Option<String>)>;

impl Replication {
    /// `maybeBalancePartitionLeaders`, when its check is due: a preferred election for every
    /// partition not led by its preferred replica, where that replica can lead.
    pub(super) fn maybe_balance_partition_leaders(
        &mut self,
        now: Millis,
        logs: &mut BTreeMap<String, Topic>,
        events: &mut Vec<EventKind>,
    ) {
        if self.leader_rebalance.next_check.is_none_or(|t| t > now) {
            return;
        }
        self.leader_rebalance.next_check = None;
        let active = self.active_set();
        let mut changes = Vec::new();
        for (name, t) in &self.topics {
            for (index, p) in t.partitions.iter().enumerate() {
                if let Some(c) = election::rebalance(&p.registration, &|b| active.contains(&b)) {
                    changes.push((name.clone(), index as u32, c));
                }
            }
        }
        for (topic, partition, change) in changes {
            let leader = change.after.leader;
            events.push(EventKind::LeaderElection {
                topic: topic.clone(),
                partition,
                leader,
                trigger: ElectionTrigger::AutoRebalance,
            });
            self.apply_change(now, &topic, partition, change, IsrReason::BrokerDown, logs, events);
        }
        // Checked again an interval from now while any partition is still imbalanced.
        let still =
            self.topics.values().flat_map(|t| &t.partitions).find(|p| !p.registration.has_preferred_leader());
        if let Some(p) = still {
            let registration = p.registration.clone();
            self.leader_rebalance.note(now, &registration);
        }
    }

    /// `ReplicationControlManager.electLeaders`: one election per partition asked for
    /// (`None`: every partition, leaving out those that needed none).
    pub(super) fn elect_leaders(
        &mut self,
        now: Millis,
        r: &ElectLeadersRequest,
        logs: &mut BTreeMap<String, Topic>,
        events: &mut Vec<EventKind>,
    ) -> Vec<ReplicaElectionResult> {
        let all = r.topic_partitions.is_none();
        let asked: Vec<(String, Vec<i32>)> = match &r.topic_partitions {
            Some(topics) => topics.iter().map(|t| (t.topic.clone(), t.partitions.clone())).collect(),
            None => self
                .topics
                .iter()
                .map(|(name, t)| (name.clone(), (0..t.partitions.len() as i32).collect()))
                .collect(),
        };
        let mut results = Vec::with_capacity(asked.len());
        for (topic, partitions) in asked {
            let mut partition_result = Vec::new();
            for partition_id in partitions {
                let outcome = self.elect_leader(now, &topic, partition_id, r.election_type, logs, events);
                let (error_code, error_message) = match outcome {
                    Ok(()) => (None, None),
                    Err((ErrorCode::ElectionNotNeeded, _)) if all => continue,
                    Err((code, message)) => (Some(code), message),
                };
                partition_result.push(PartitionResult { partition_id, error_code, error_message });
            }
            results.push(ReplicaElectionResult { topic, partition_result });
        }
        results
    }

    /// `ReplicationControlManager.electLeader` for one partition.
    fn elect_leader(
        &mut self,
        now: Millis,
        topic: &str,
        partition_id: i32,
        election_type: ElectionType,
        logs: &mut BTreeMap<String, Topic>,
        events: &mut Vec<EventKind>,
    ) -> Outcome {
        let unknown = |m: String| Err((ErrorCode::UnknownTopicOrPartition, Some(m)));
        let Some(t) = self.topics.get(topic) else { return unknown(format!("No such topic as {topic}")) };
        let Some(p) = u32::try_from(partition_id).ok().and_then(|i| t.partitions.get(i as usize)) else {
            return unknown(format!("No such partition as {topic}-{partition_id}"));
        };
        let (kind, trigger) = match election_type {
            ElectionType::Preferred => (election::ElectionType::Preferred, ElectionTrigger::Preferred),
            ElectionType::Unclean => (election::ElectionType::Unclean, ElectionTrigger::Unclean),
        };
        let active = self.active_set();
        let change = election::elect_leader(&p.registration, kind, &|b| active.contains(&b))
            .map_err(|e| (e.code, None))?;
        let partition = partition_id as u32;
        events.push(EventKind::LeaderElection {
            topic: topic.to_string(),
            partition,
            leader: change.after.leader,
            trigger,
        });
        self.apply_change(now, topic, partition, change, IsrReason::BrokerDown, logs, events);
        Ok(())
    }
}

impl Broker {
    /// ElectLeaders: ALTER on the cluster, then the controller's elections.
    pub fn elect_leaders(
        &mut self,
        now: Millis,
        user: Option<&str>,
        r: &ElectLeadersRequest,
    ) -> ElectLeadersResponse {
        if !self.admin_allowed(user, Operation::Alter, ResourceType::Cluster, CLUSTER_NAME) {
            let code = ErrorCode::ClusterAuthorizationFailed;
            let results = r
                .topic_partitions
                .iter()
                .flatten()
                .map(|t| ReplicaElectionResult {
                    topic: t.topic.clone(),
                    partition_result: t
                        .partitions
                        .iter()
                        .map(|&partition_id| PartitionResult {
                            partition_id,
                            error_code: Some(code),
                            error_message: Some("Cluster authorization failed.".into()),
                        })
                        .collect(),
                })
                .collect();
            return ElectLeadersResponse { error_code: Some(code), replica_election_results: results };
        }
        let mut events = Vec::new();
        let results = self.replicas.elect_leaders(now, r, &mut self.topics, &mut events);
        self.outbox.extend(events.into_iter().map(super::Output::Event));
        ElectLeadersResponse { error_code: None, replica_election_results: results }
    }
}
