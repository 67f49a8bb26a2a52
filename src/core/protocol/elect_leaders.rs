//! ElectLeaders (API key 43): `kafka-leader-election.sh`. The controller elects the preferred
//! replica (`PREFERRED`) or, for a partition without a leader, any live replica (`UNCLEAN`),
//! and answers per partition: `NONE`, ELECTION_NOT_NEEDED, PREFERRED_LEADER_NOT_AVAILABLE,
//! ELIGIBLE_LEADERS_NOT_AVAILABLE or UNKNOWN_TOPIC_OR_PARTITION. The request needs ALTER on the
//! cluster; without it the top-level error is CLUSTER_AUTHORIZATION_FAILED.

use super::ErrorCode;
use serde::{Deserialize, Serialize};

/// `ElectionType` (`common/ElectionType.java`): 0 preferred, 1 unclean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ElectionType {
    Preferred,
    Unclean,
}

impl ElectionType {
    /// As Java prints the enum (`PREFERRED`, `UNCLEAN`).
    pub fn name(self) -> &'static str {
        match self {
            ElectionType::Preferred => "PREFERRED",
            ElectionType::Unclean => "UNCLEAN",
        }
    }
    /// The wire value (`ElectionType.value`).
    pub fn value(self) -> i8 {
        match self {
            ElectionType::Preferred => 0,
            ElectionType::Unclean => 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElectLeadersRequest {
    pub election_type: ElectionType,
    /// The partitions to elect leaders for; `None`: every partition of every topic (the
    /// answer then leaves out the ones that needed no election).
    pub topic_partitions: Option<Vec<TopicPartitions>>,
    pub timeout_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicPartitions {
    pub topic: String,
    pub partitions: Vec<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ElectLeadersResponse {
    /// The top-level error (CLUSTER_AUTHORIZATION_FAILED).
    pub error_code: Option<ErrorCode>,
    pub replica_election_results: Vec<ReplicaElectionResult>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicaElectionResult {
    pub topic: String,
    pub partition_result: Vec<PartitionResult>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionResult {
    pub partition_id: i32,
    pub error_code: Option<ErrorCode>,
    pub error_message: Option<String>,
}

/// One partition to elect a leader for, as `--path-to-json-file` lists it and a scenario
/// script writes it: `{"topic": "orders", "partition": 0}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectionPartition {
    pub topic: String,
    pub partition: i32,
}

/// The request's `TopicPartitions`: partitions grouped by topic, topics in first-named order.
pub fn group_by_topic(partitions: &[ElectionPartition]) -> Vec<TopicPartitions> {
    let mut out: Vec<TopicPartitions> = Vec::new();
    for p in partitions {
        match out.iter_mut().find(|t| t.topic == p.topic) {
            Some(t) => t.partitions.push(p.partition),
            None => out.push(TopicPartitions { topic: p.topic.clone(), partitions: vec![p.partition] }),
        }
    }
    out
}
