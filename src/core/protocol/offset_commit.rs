//! OffsetCommit (API key 8): a consumer stores the next offset to read for its partitions.

use super::{ErrorCode, TopicPartition};
use crate::core::ids::{GroupId, MemberId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetCommitRequest {
    pub group_id: GroupId,
    /// The classic generation, or the KIP-848 member epoch; -1 for a standalone consumer.
    pub generation_id_or_member_epoch: i32,
    /// Empty for a standalone (`assign()`) consumer.
    pub member_id: Option<MemberId>,
    pub group_instance_id: Option<String>,
    pub offsets: Vec<(TopicPartition, u64)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetCommitResponse {
    pub partitions: Vec<(TopicPartition, Option<ErrorCode>)>,
    /// Playground only (Kafka's answer does not say): whether any committed offset moved, so
    /// the timeline shows a commit only when it changed something.
    pub changed: bool,
}

impl OffsetCommitResponse {
    /// The first partition's error (the playground refuses or accepts a commit whole).
    pub fn error(&self) -> Option<ErrorCode> {
        self.partitions.iter().find_map(|(_, e)| *e)
    }
}
