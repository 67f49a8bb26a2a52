//! JoinGroup (API key 11): a classic-protocol member asks to (re)join; the coordinator answers
//! once the rebalance's join phase ends, giving the leader every member's subscription.

use super::ErrorCode;
use crate::core::event::RebalanceReason;
use crate::core::group::assignor::{Strategy, TopicPartition};
use crate::core::ids::{GroupId, MemberId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinGroupRequest {
    pub group_id: GroupId,
    pub session_timeout_ms: u64,
    /// `max.poll.interval.ms`.
    pub rebalance_timeout_ms: u64,
    /// Empty on the first join (`UNKNOWN_MEMBER_ID`).
    pub member_id: Option<MemberId>,
    pub group_instance_id: Option<String>,
    /// `partition.assignment.strategy`, in preference order, each with the member's metadata.
    pub protocols: Vec<JoinGroupRequestProtocol>,
    /// Why the member (re)joins (KIP-800 sends it as text; here the typed reason).
    pub reason: Option<RebalanceReason>,
}

/// One strategy the member supports and its `ConsumerProtocolSubscription`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinGroupRequestProtocol {
    pub name: Strategy,
    pub topics: Vec<String>,
    pub owned_partitions: Vec<TopicPartition>,
    pub generation_id: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinGroupResponse {
    pub error_code: Option<ErrorCode>,
    pub generation_id: i32,
    pub protocol_name: Option<Strategy>,
    pub leader: MemberId,
    pub member_id: MemberId,
    /// Every member's subscription, for the leader only (empty for followers).
    pub members: Vec<JoinGroupResponseMember>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinGroupResponseMember {
    pub member_id: MemberId,
    pub group_instance_id: Option<String>,
    pub topics: Vec<String>,
    pub owned_partitions: Vec<TopicPartition>,
    /// The generation of `owned_partitions` (`ConsumerProtocolSubscription.generationId`).
    pub generation_id: i32,
}
