//! The group coordinator's request handlers that live on the broker. Each reads and writes
//! only the broker's own state (its groups) and answers with Kafka's error codes; the member
//! learns what happened from the answer alone.
//!
//! Moved so far: Heartbeat and OffsetCommit. JoinGroup, SyncGroup, LeaveGroup and
//! ConsumerGroupHeartbeat still run in `group/` on the cluster.

use super::Broker;
use crate::core::error::ErrorCode;
use crate::core::group::{validate_commit, Group, GroupState};
use crate::core::protocol::heartbeat::{HeartbeatRequest, HeartbeatResponse};
use crate::core::protocol::offset_commit::{OffsetCommitRequest, OffsetCommitResponse};
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

    /// OffsetCommit (`GroupCoordinator.handleCommitOffsets`): READ on the group and on each
    /// topic, then the member's generation or epoch (see `validate_commit`); accepted or
    /// refused whole.
    pub fn offset_commit(&mut self, user: Option<&str>, r: &OffsetCommitRequest) -> OffsetCommitResponse {
        let group_id = r.group_id.as_str();
        let mut last: Option<&str> = None;
        let auth = self.authorize_group(user, group_id).and_then(|_| {
            r.offsets.iter().try_for_each(|(tp, _)| {
                if last == Some(&*tp.topic) {
                    return Ok(());
                }
                last = Some(&tp.topic);
                self.authorize_commit_topic(user, &tp.topic)
            })
        });
        let g = self.groups.entry(group_id.to_string()).or_insert_with(|| Group::new(group_id));
        let member_id = r.member_id.as_ref().map(|m| m.as_str());
        let verdict = auth.and_then(|_| validate_commit(g, member_id, r.generation_id_or_member_epoch));
        let mut changed = false;
        if verdict.is_ok() {
            changed = r.offsets.iter().any(|(tp, o)| g.offsets.get(tp) != Some(o));
            for (tp, o) in &r.offsets {
                g.offsets.insert(tp.clone(), *o);
            }
        }
        let error = verdict.err();
        OffsetCommitResponse {
            partitions: r.offsets.iter().map(|(tp, _)| (tp.clone(), error)).collect(),
            changed,
        }
    }
}
