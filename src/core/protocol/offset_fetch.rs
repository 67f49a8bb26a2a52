//! OffsetFetch (API key 9): where a group's consumer resumes a partition.

use super::{ErrorCode, TopicPartition};
use crate::core::ids::GroupId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetFetchRequest {
    pub group_id: GroupId,
    /// `None`: every partition the group has committed.
    pub partitions: Option<Vec<TopicPartition>>,
    pub require_stable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetFetchResponse {
    pub error_code: Option<ErrorCode>,
    /// The committed offset, `None` for Kafka's -1 (nothing committed).
    pub partitions: Vec<(TopicPartition, Option<u64>, Option<ErrorCode>)>,
}
