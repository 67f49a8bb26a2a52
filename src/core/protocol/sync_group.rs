//! SyncGroup (API key 14): the leader sends the assignment it computed; every member gets its
//! own share back. This is how a classic member learns what it owns.

use super::{ErrorCode, TopicPartition};
use crate::core::group::assignor::Strategy;
use crate::core::ids::{GroupId, MemberId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncGroupRequest {
    pub group_id: GroupId,
    pub generation_id: i32,
    pub member_id: MemberId,
    pub group_instance_id: Option<String>,
    pub protocol_name: Option<Strategy>,
    /// From the leader only: each member's partitions.
    pub assignments: Vec<(MemberId, Vec<TopicPartition>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncGroupResponse {
    pub error_code: Option<ErrorCode>,
    pub protocol_name: Option<Strategy>,
    /// This member's partitions (`ConsumerProtocolAssignment`).
    pub assignment: Vec<TopicPartition>,
}
