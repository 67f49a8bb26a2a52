//! The group coordinator's request handlers that live on the broker. Each reads and writes
//! only the broker's own state (its groups) and answers with Kafka's error codes; the member
//! learns what happened from the answer alone.
//!
//! Moved so far: Heartbeat. JoinGroup, SyncGroup, LeaveGroup, OffsetCommit and
//! ConsumerGroupHeartbeat still run in `group/` on the cluster.

use super::Broker;
use crate::core::error::ErrorCode;
use crate::core::group::GroupState;
use crate::core::protocol::heartbeat::{HeartbeatRequest, HeartbeatResponse};
use crate::core::time::Millis;

impl Broker {
    /// Heartbeat (`GroupCoordinator.handleHeartbeat`): an unknown member gets
    /// UNKNOWN_MEMBER_ID; during a rebalance a member that has not rejoined gets
    /// REBALANCE_IN_PROGRESS; in a stable group a stale generation gets ILLEGAL_GENERATION.
    pub fn heartbeat(&mut self, now: Millis, user: Option<&str>, r: &HeartbeatRequest) -> HeartbeatResponse {
        let answer = |error_code| HeartbeatResponse { error_code };
        if let Err(code) = self.authorize_group(user, r.group_id.as_str()) {
            return answer(Some(code));
        }
        let Some(g) = self.groups.get_mut(r.group_id.as_str()) else {
            return answer(Some(ErrorCode::UnknownMemberId));
        };
        let Some(member) = g.members.get_mut(r.member_id.as_str()) else {
            return answer(Some(ErrorCode::UnknownMemberId));
        };
        member.last_heartbeat = now;
        answer(match g.state {
            GroupState::PreparingRebalance if !member.joined => Some(ErrorCode::RebalanceInProgress),
            GroupState::Stable if r.generation_id != g.generation => Some(ErrorCode::IllegalGeneration),
            _ => None,
        })
    }
}
