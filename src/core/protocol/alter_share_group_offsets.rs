//! AlterShareGroupOffsets (API key 91, KIP-932): `kafka-share-groups.sh --reset-offsets
//! --execute` moves an empty share group's start offsets. The group needs READ, each topic
//! READ (`KafkaApis.handleAlterShareGroupOffsetsRequest`).
//!
//! What is simplified: Kafka's request carries each partition's new start offset; here it
//! carries the reset target, which the group coordinator resolves against the partition's log
//! start and high watermark (an offset is clamped between the two).

use super::{ErrorCode, TopicPartition};
use crate::core::share_group::share_partition::ResetTarget;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlterShareGroupOffsetsRequest {
    pub group_id: String,
    pub partitions: Vec<(TopicPartition, ResetTarget)>,
}

/// One partition's new start offset, or why it was refused.
pub type PartitionResult = Result<u64, (ErrorCode, String)>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlterShareGroupOffsetsResponse {
    /// The group-level error (GROUP_AUTHORIZATION_FAILED, NON_EMPTY_GROUP, …) and its message.
    pub error_code: Option<ErrorCode>,
    pub error_message: Option<String>,
    /// Per partition: the new start offset, or the error.
    pub partitions: Vec<(TopicPartition, PartitionResult)>,
}
