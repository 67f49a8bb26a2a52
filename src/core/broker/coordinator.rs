//! The group coordinator's request handlers that live on the broker. Each reads and writes
//! only the broker's own state (its groups) and answers with Kafka's error codes; the member
//! learns what happened from the answer alone.
//!
//! Here: Heartbeat, OffsetCommit and what every coordinator request shares ([`Output`],
//! [`GroupConfig`]); JoinGroup and SyncGroup are in `classic.rs`. ConsumerGroupHeartbeat
//! is in `consumer_group.rs`.

use super::Broker;
use crate::core::config::ClusterConfig;
use crate::core::error::ErrorCode;
use crate::core::event::EventKind;
use crate::core::group::{validate_commit, Group, GroupState};
use crate::core::ids::{CorrelationId, NodeId};
use crate::core::protocol::heartbeat::{HeartbeatRequest, HeartbeatResponse};
use crate::core::protocol::offset_commit::{OffsetCommitRequest, OffsetCommitResponse};
use crate::core::protocol::Response;
use crate::core::time::Millis;

/// What a coordinator produces besides the answer to the request at hand, in order: events,
/// answers to requests it held, and members it removed whose process is gone.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    Event(EventKind),
    Reply {
        to: NodeId,
        correlation: CorrelationId,
        response: Response,
    },
    /// An answer its client handles before the outputs after it are delivered (KIP-848: the
    /// member takes its assignment, then the coordinator's "reconciled" and state events).
    ReplyFirst {
        to: NodeId,
        correlation: CorrelationId,
        response: Response,
    },
    /// A member removed whose client may be gone: a dead process holds nothing any more (the
    /// simulation clears it, for the views; a live one learns from its next request).
    Departed(String),
}

/// The coordinator's settings (`group.*` on the broker).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GroupConfig {
    /// `group.initial.rebalance.delay.ms`.
    pub initial_rebalance_delay_ms: u64,
    /// `playground.network.latency.ms`: the JoinGroup→SyncGroup hop, charged to the SyncGroup
    /// round (its answers come one hop after the JoinGroup answers).
    pub sync_hop_ms: u64,
    /// `group.consumer.session.timeout.ms` (KIP-848).
    pub consumer_session_timeout_ms: u64,
    /// `group.consumer.heartbeat.interval.ms` (KIP-848), told to members in each answer.
    pub consumer_heartbeat_interval_ms: u64,
}

impl GroupConfig {
    pub fn of(c: &ClusterConfig) -> Self {
        GroupConfig {
            initial_rebalance_delay_ms: c.group_initial_rebalance_delay_ms,
            sync_hop_ms: c.network_latency_ms,
            consumer_session_timeout_ms: c.consumer_session_timeout_ms,
            consumer_heartbeat_interval_ms: c.consumer_heartbeat_interval_ms,
        }
    }
}

impl Broker {
    /// Takes what the coordinators produced since the last call.
    pub(crate) fn take_outbox(&mut self) -> Vec<Output> {
        std::mem::take(&mut self.outbox)
    }

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
            // A static member whose group.instance.id another instance took over is fenced.
            let fenced = r
                .group_instance_id
                .as_ref()
                .is_some_and(|i| g.members.values().any(|m| m.instance_id.as_deref() == Some(i.as_str())));
            return answer(Some(if fenced {
                ErrorCode::FencedInstanceId
            } else {
                ErrorCode::UnknownMemberId
            }));
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
        let member_id = r.member_id.as_ref().map(|m| m.as_str());
        // Authorized and valid first; only an accepted commit may create the group (a
        // group-less commit to a group nobody has used yet: Kafka's "simple" group).
        let verdict = auth.and_then(|_| match self.groups.get(group_id) {
            Some(g) => validate_commit(g, member_id, r.generation_id_or_member_epoch),
            None => validate_commit(&Group::new(group_id), member_id, r.generation_id_or_member_epoch),
        });
        let mut changed = false;
        if verdict.is_ok() {
            let g = self.groups.entry(group_id.to_string()).or_insert_with(|| Group::new(group_id));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::group::GroupMember;
    use crate::core::ids::{BrokerId, TopicPartition};

    /// A broker whose coordinator hosts group `g`, Stable in generation 3, with member `m1`.
    fn coordinator() -> Broker {
        let mut b = Broker::new(BrokerId::FIRST);
        let mut g = Group::new("g");
        g.state = GroupState::Stable;
        g.generation = 3;
        g.members.insert(
            "m1".into(),
            GroupMember {
                member_id: "m1".into(),
                consumer: "c1".into(),
                instance_id: None,
                topics: vec!["orders".into()],
                strategies: Vec::new(),
                owned: Vec::new(),
                owned_generation: -1,
                joined: true,
                join_seq: 1,
                last_heartbeat: 0,
                session_timeout_ms: 45_000,
                rebalance_timeout_ms: 300_000,
                assignment: Vec::new(),
                epoch: 0,
            },
        );
        b.groups.insert("g".into(), g);
        b
    }

    fn heartbeat(member: &str, generation_id: i32) -> HeartbeatRequest {
        HeartbeatRequest {
            group_id: "g".into(),
            generation_id,
            member_id: member.into(),
            group_instance_id: None,
        }
    }

    #[test]
    fn a_heartbeat_tells_a_stale_or_unknown_member_and_keeps_a_live_one() {
        let mut b = coordinator();
        assert_eq!(b.heartbeat(700, None, &heartbeat("m1", 3)).error_code, None);
        assert_eq!(b.groups["g"].members["m1"].last_heartbeat, 700, "the session is renewed");
        assert_eq!(
            b.heartbeat(800, None, &heartbeat("m1", 2)).error_code,
            Some(ErrorCode::IllegalGeneration)
        );
        assert_eq!(b.heartbeat(800, None, &heartbeat("m9", 3)).error_code, Some(ErrorCode::UnknownMemberId));
        b.groups.get_mut("g").unwrap().state = GroupState::PreparingRebalance;
        b.groups.get_mut("g").unwrap().members.get_mut("m1").unwrap().joined = false;
        assert_eq!(
            b.heartbeat(900, None, &heartbeat("m1", 3)).error_code,
            Some(ErrorCode::RebalanceInProgress)
        );
    }

    #[test]
    fn an_offset_commit_from_a_stale_generation_is_refused_and_writes_nothing() {
        let mut b = coordinator();
        let commit = |generation| OffsetCommitRequest {
            group_id: "g".into(),
            generation_id_or_member_epoch: generation,
            member_id: Some("m1".into()),
            group_instance_id: None,
            offsets: vec![(TopicPartition::new("orders", 0), 42)],
        };
        let refused = b.offset_commit(None, &commit(2));
        assert_eq!(refused.error(), Some(ErrorCode::IllegalGeneration));
        assert!(b.groups["g"].offsets.is_empty());
        let accepted = b.offset_commit(None, &commit(3));
        assert_eq!((accepted.error(), accepted.changed), (None, true));
        assert_eq!(b.groups["g"].offsets[&TopicPartition::new("orders", 0)], 42);
        assert!(!b.offset_commit(None, &commit(3)).changed, "the same offsets again change nothing");
    }

    #[test]
    fn a_refused_offset_commit_leaves_no_group_behind() {
        let mut b = Broker::new(BrokerId::FIRST);
        b.auth.set_enabled(true);
        b.auth.set_allow_everyone_if_no_acl_found(false);
        let commit = OffsetCommitRequest {
            group_id: "nobody-reads-here".into(),
            generation_id_or_member_epoch: -1,
            member_id: None,
            group_instance_id: None,
            offsets: vec![(TopicPartition::new("orders", 0), 1)],
        };
        let refused = b.offset_commit(Some("mallory"), &commit);
        assert_eq!(refused.error(), Some(ErrorCode::GroupAuthorizationFailed));
        assert!(b.groups.is_empty(), "a user without READ on the group created nothing");
        let from_a_stranger =
            OffsetCommitRequest { member_id: Some("m9".into()), generation_id_or_member_epoch: 4, ..commit };
        assert_eq!(
            b.offset_commit(None, &from_a_stranger).error(),
            Some(ErrorCode::GroupAuthorizationFailed)
        );
        b.auth.set_enabled(false);
        assert_eq!(b.offset_commit(None, &from_a_stranger).error(), Some(ErrorCode::UnknownMemberId));
        assert!(b.groups.is_empty(), "an invalid commit creates nothing either");
    }

    #[test]
    fn the_broker_says_when_it_wakes_next_and_why() {
        use crate::core::timer::Timer;
        let mut b = coordinator();
        assert_eq!(b.poll_timeout(45_000), Some((45_001, Timer::SessionExpiry)));
        let g = b.groups.get_mut("g").unwrap();
        g.sync_at = Some(200);
        g.state = GroupState::CompletingRebalance;
        assert_eq!(b.poll_timeout(45_000), Some((200, Timer::SyncGroupHop)));
    }
}
