//! ConsumerGroupHeartbeat (API key 68, KIP-848): the one request of the consumer protocol. The
//! member sends its subscription and what it owns; the coordinator answers with the member
//! epoch and the target assignment the member reconciles to.

use super::{ErrorCode, TopicPartition};
use crate::core::event::LeaveReason;
use crate::core::group::assignor::Strategy;
use crate::core::ids::{GroupId, MemberId};

/// `member_epoch` -1: leave the group (`LEAVE_GROUP_MEMBER_EPOCH`).
pub const LEAVE_GROUP_MEMBER_EPOCH: i32 = -1;
/// `member_epoch` -2: a static member leaves temporarily.
pub const LEAVE_GROUP_STATIC_MEMBER_EPOCH: i32 = -2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerGroupHeartbeatRequest {
    pub group_id: GroupId,
    /// Empty on the first heartbeat; the coordinator answers with one.
    pub member_id: Option<MemberId>,
    /// 0 to join, -1 to leave, otherwise the epoch the member knows.
    pub member_epoch: i32,
    pub instance_id: Option<String>,
    pub rebalance_timeout_ms: u64,
    /// `None`: unchanged since the last heartbeat.
    pub subscribed_topic_names: Option<Vec<String>>,
    /// `group.remote.assignor` (`uniform` or `range`).
    pub server_assignor: Option<Strategy>,
    /// What the member owns now; `None`: unchanged.
    pub topic_partitions: Option<Vec<TopicPartition>>,
    /// Why a member leaves (epoch -1). The playground's: Kafka's ConsumerGroupHeartbeat has
    /// no such field (the client logs why); the classic LeaveGroup has `reason` (KIP-800).
    pub leave_reason: Option<LeaveReason>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerGroupHeartbeatResponse {
    pub error_code: Option<ErrorCode>,
    pub error_message: Option<String>,
    pub member_id: Option<MemberId>,
    pub member_epoch: i32,
    pub heartbeat_interval_ms: u64,
    /// The partitions the member should own; `None`: unchanged.
    pub assignment: Option<Vec<TopicPartition>>,
}
