//! FindCoordinator (API key 10): which broker coordinates a group.
//!
//! The coordinator of group `g` is the leader of `__consumer_offsets` partition
//! `abs(g.hashCode()) % offsets.topic.num.partitions` (`GroupCoordinatorService#partitionFor`,
//! with Java's `String.hashCode` and Kafka's `Utils.abs`).

use super::ErrorCode;
use crate::core::ids::BrokerId;

/// `offsets.topic.num.partitions` default, and the lookup itself (one implementation, in
/// `replication::coordinator`, where the coordinator moves with its partition's leader).
pub use crate::core::replication::coordinator::{
    java_string_hash, partition_for, OFFSETS_TOPIC_PARTITIONS_DEFAULT as OFFSETS_TOPIC_NUM_PARTITIONS,
};

/// `FindCoordinatorRequest.CoordinatorType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoordinatorType {
    Group = 0,
    Transaction = 1,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindCoordinatorRequest {
    pub key_type: CoordinatorType,
    pub coordinator_keys: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindCoordinatorResponse {
    pub coordinators: Vec<Coordinator>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coordinator {
    pub key: String,
    pub node_id: BrokerId,
    pub error_code: Option<ErrorCode>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outside_the_bmp_java_hashes_the_two_surrogates() {
        assert_eq!(java_string_hash("\u{1F600}"), 0xD83D * 31 + 0xDE00);
        assert_eq!(partition_for("polygenelubricants", OFFSETS_TOPIC_NUM_PARTITIONS), 0);
    }
}
