//! Committed offsets: OffsetCommit validation as the coordinator does it, and the rows of
//! `kafka-consumer-groups --describe` (built by `cluster/offsets.rs`).

use super::assignor::TopicPartition;
use super::{Group, GroupState};
use crate::core::error::ErrorCode;
use crate::core::group::GroupProtocol;
use crate::core::time::Millis;
use serde::{Deserialize, Serialize};

/// One row of `kafka-consumer-groups --describe --group G`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DescribeRow {
    pub topic: String,
    pub partition: u32,
    /// CURRENT-OFFSET: the committed offset (`-` when none).
    pub current_offset: Option<u64>,
    /// LOG-END-OFFSET.
    pub log_end_offset: u64,
    /// LAG = LOG-END-OFFSET − CURRENT-OFFSET (`-` without a committed offset).
    pub lag: Option<u64>,
    /// CONSUMER-ID: the owning member's consumer name (`-` when none).
    pub consumer: Option<String>,
    /// The owner is an old member of that consumer: its process crashed and was restarted as
    /// a new member, and the coordinator keeps the old one until session.timeout.ms.
    #[serde(default)]
    pub old_member: bool,
    /// No member of the group subscribes to this topic (any more): the row is its committed
    /// offset, which Kafka keeps until `offsets.retention.minutes` expires it (KIP-496) or
    /// `--delete-offsets` removes it; its LAG grows as records arrive.
    #[serde(default)]
    pub unsubscribed: bool,
}

/// One member as the coordinator sees it (see [`Cluster::group_members`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberView {
    pub member_id: String,
    /// The playground consumer behind it.
    pub consumer: String,
    /// Its process crashed (no LeaveGroup): it never answers again, and the coordinator keeps
    /// it, with its partitions, until session.timeout.ms removes it.
    pub crashed: bool,
    /// Its consumer has been restarted meanwhile and is (or joins as) another member: this is
    /// the old one. Without group.instance.id nothing tells the coordinator they are the same.
    pub old_member: bool,
    /// What it owns in the coordinator's view.
    pub owns: Vec<TopicPartition>,
    /// Crashed: when session.timeout.ms (or, mid-join, the rebalance timeout) removes it.
    pub removed_at: Option<Millis>,
    /// Crashed, and the group waits for it: classic, the JoinGroup round completes only when
    /// every known member rejoined or was removed; KIP-848, the partitions it holds go to
    /// their new owners only once it is removed.
    pub holds_up: bool,
    /// Old member of a consumer that is still running: the error with which the coordinator
    /// refused it (e.g. GROUP_AUTHORIZATION_FAILED after a role was revoked). `None` when
    /// its process crashed and was restarted.
    pub lost_by: Option<ErrorCode>,
}

/// Errors about membership and commits, which a later accepted request shows are over.
pub(crate) fn is_group_error(e: ErrorCode) -> bool {
    matches!(
        e,
        ErrorCode::UnknownMemberId
            | ErrorCode::IllegalGeneration
            | ErrorCode::RebalanceInProgress
            | ErrorCode::FencedMemberEpoch
            | ErrorCode::FencedInstanceId
            | ErrorCode::GroupAuthorizationFailed
    )
}

pub(crate) fn validate_commit(g: &Group, member_id: Option<&str>, generation: i32) -> Result<(), ErrorCode> {
    if member_id.is_none() && generation < 0 {
        // Standalone (assign()) commits: fine while nobody uses the group for membership.
        return if g.members.is_empty() { Ok(()) } else { Err(ErrorCode::UnknownMemberId) };
    }
    let Some(member_id) = member_id else {
        return Err(ErrorCode::UnknownMemberId);
    };
    let Some(member) = g.members.get(member_id) else {
        return Err(ErrorCode::UnknownMemberId);
    };
    match g.protocol {
        Some(GroupProtocol::Consumer) => {
            if generation > member.epoch.max(g.target_epoch) {
                Err(ErrorCode::FencedMemberEpoch)
            } else {
                Ok(())
            }
        }
        _ => {
            if g.state == GroupState::CompletingRebalance {
                Err(ErrorCode::RebalanceInProgress)
            } else if generation != g.generation {
                Err(ErrorCode::IllegalGeneration)
            } else {
                Ok(())
            }
        }
    }
}
