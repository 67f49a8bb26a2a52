//! ShareGroupDescribe (API key 77) and DescribeShareGroupOffsets (API key 90), KIP-932:
//! `kafka-share-groups --describe`. Each group needs DESCRIBE (else GROUP_AUTHORIZATION_FAILED);
//! a group that is not a share group is GROUP_ID_NOT_FOUND (`KafkaApis`,
//! `GroupMetadataManager.shareGroupDescribe`). DescribeShareGroupOffsets leaves out the topics
//! the principal may not DESCRIBE.
//!
//! What is simplified: the described group is the coordinator's record of it (epochs, members
//! and their assignments), not Kafka's wire fields one by one.

use super::{ErrorCode, TopicPartition};
use crate::core::share_group::ShareGroup;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareGroupDescribeRequest {
    pub group_ids: Vec<String>,
}

/// One group's description, or `(error_code, error_message)`.
pub type DescribedShareGroup = Result<ShareGroup, (ErrorCode, String)>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareGroupDescribeResponse {
    pub groups: Vec<(String, DescribedShareGroup)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescribeShareGroupOffsetsRequest {
    pub group_id: String,
}

/// One share-partition: its start offset (SPSO) and lag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharePartitionOffset {
    pub partition: TopicPartition,
    pub start_offset: u64,
    pub leader_epoch: i32,
    pub lag: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescribeShareGroupOffsetsResponse {
    pub error_code: Option<ErrorCode>,
    pub error_message: Option<String>,
    /// In topic and partition order.
    pub partitions: Vec<SharePartitionOffset>,
}
