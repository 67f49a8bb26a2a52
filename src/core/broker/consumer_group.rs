//! The consumer group protocol (KIP-848, `group.protocol=consumer`) on the coordinator's side
//! (`GroupMetadataManager.consumerGroupHeartbeat` with `ConsumerGroup`).
//!
//! No JoinGroup/SyncGroup and no global barrier: members send ConsumerGroupHeartbeat; any
//! change (a member joins or leaves, a subscription changes, partitions are added) bumps the
//! group epoch, and the coordinator computes a target assignment with a server-side assignor
//! (`ConsumerGroupPartitionAssignor`: `uniform` or `range`). Each member reconciles on its own:
//! the answer names what it may own now; it first releases what it must give up, and a
//! partition goes to its new owner only after the old owner reported it released.
//!
//! The answer goes out as [`Output::ReplyFirst`]: the member handles it before the events the
//! coordinator emits after it (the member reconciled, the group became Stable) are told, so the
//! timeline reads in the order a person expects ("c2 now owns …", then "c2 reconciled").
//!
//! What is simplified: the member epoch a request carries is not checked against the
//! member's (Kafka answers FENCED_MEMBER_EPOCH to a stale one); a member epoch moves to the
//! target epoch only when the member owns all of its target (Kafka's `UNRELEASED_PARTITIONS`
//! state already has the target epoch; the answer does carry it then, see below).

use super::classic::client_id;
use super::coordinator::Output;
use super::Broker;
use crate::core::error::ErrorCode;
use crate::core::event::{EventKind, LeaveReason, Move, RebalanceReason};
use crate::core::group::assignor::{self, GroupSpec, MemberSpec, TopicPartition};
use crate::core::group::{Group, GroupMember, GroupProtocol, GroupState};
use crate::core::ids::{CorrelationId, NodeId};
use crate::core::protocol::consumer_group_heartbeat::{
    ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse, LEAVE_GROUP_MEMBER_EPOCH,
    LEAVE_GROUP_STATIC_MEMBER_EPOCH,
};
use crate::core::sort::CollectTree;
use crate::core::time::Millis;
use std::collections::{BTreeMap, BTreeSet};

impl Broker {
    /// ConsumerGroupHeartbeat: joins (member epoch 0, no member id: the coordinator gives
    /// one), leaves (epoch -1), or reports what the member owns and gets back what it may own
    /// now. The answer goes to the outbox ([`Output::ReplyFirst`]), between the events it
    /// follows and the ones it precedes.
    pub fn consumer_group_heartbeat(
        &mut self,
        now: Millis,
        from: &NodeId,
        correlation: CorrelationId,
        user: Option<&str>,
        r: &ConsumerGroupHeartbeatRequest,
        rng: &mut oorandom::Rand64,
    ) {
        let (answer, after) = self.cg_heartbeat_answer(now, from, user, r, rng);
        self.outbox.push(Output::ReplyFirst { to: from.clone(), correlation, response: answer.into() });
        if let Some((group_id, reconciled)) = after {
            self.cg_after_reconcile(&group_id, reconciled.as_deref(), now);
        }
    }

    fn cg_heartbeat_answer(
        &mut self,
        now: Millis,
        from: &NodeId,
        user: Option<&str>,
        r: &ConsumerGroupHeartbeatRequest,
        rng: &mut oorandom::Rand64,
    ) -> (ConsumerGroupHeartbeatResponse, Option<(String, Option<String>)>) {
        let interval = self.group_config.consumer_heartbeat_interval_ms;
        let refuse = |code, message: Option<String>| ConsumerGroupHeartbeatResponse {
            error_code: Some(code),
            error_message: message,
            member_id: r.member_id.clone(),
            member_epoch: -1,
            heartbeat_interval_ms: interval,
            assignment: None,
        };
        let group_id = r.group_id.as_str();
        if let Err(code) = self.authorize_group(user, group_id) {
            return (refuse(code, None), None);
        }
        let name = client_id(from);
        if matches!(r.member_epoch, LEAVE_GROUP_MEMBER_EPOCH | LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
            if let Some(id) = &r.member_id {
                let reason = r.leave_reason.unwrap_or(LeaveReason::Left);
                self.cg_remove_member(group_id, id.as_str(), reason, now);
            }
            let left = ConsumerGroupHeartbeatResponse {
                error_code: None,
                error_message: None,
                member_id: r.member_id.clone(),
                member_epoch: r.member_epoch,
                heartbeat_interval_ms: interval,
                assignment: None,
            };
            return (left, None);
        }
        let g = self.groups.entry(group_id.to_string()).or_insert_with(|| Group::new(group_id));
        if g.protocol == Some(GroupProtocol::Classic) && !g.members.is_empty() {
            let message = format!("group {group_id} uses the classic protocol");
            return (refuse(ErrorCode::InconsistentGroupProtocol, Some(message)), None);
        }
        let topics = r.subscribed_topic_names.clone().unwrap_or_default();
        let remote_assignor = r.server_assignor.unwrap_or(assignor::Strategy::Uniform);
        g.protocol = Some(GroupProtocol::Consumer);
        if g.strategy.is_none() || g.members.is_empty() {
            g.strategy = Some(remote_assignor);
        }
        let mut bump: Option<RebalanceReason> = None;
        let member_id = match &r.member_id {
            Some(id) if g.members.contains_key(id.as_str()) => id.to_string(),
            Some(_) => {
                // Removed meanwhile (session timeout), or a static member another instance
                // replaced: the member learns it here and joins again with epoch 0.
                let fenced = r.instance_id.as_ref().is_some_and(|i| {
                    g.members.values().any(|m| m.instance_id.as_deref() == Some(i.as_str()))
                });
                let code = if fenced { ErrorCode::FencedInstanceId } else { ErrorCode::UnknownMemberId };
                return (refuse(code, None), None);
            }
            None => {
                // A static member coming back within the session timeout keeps its place.
                let static_old = r.instance_id.as_ref().and_then(|inst| {
                    g.members
                        .values()
                        .find(|x| x.instance_id.as_deref() == Some(inst.as_str()))
                        .map(|x| x.member_id.clone())
                });
                let new_id = format!("{name}-{:08x}", rng.rand_u64() as u32);
                if let Some(old_id) = static_old {
                    let mut old = g.members.remove(&old_id).expect("member");
                    let old_client = std::mem::replace(&mut old.consumer, name.clone());
                    old.member_id = new_id.clone();
                    old.last_heartbeat = now;
                    // The new instance starts from epoch 0 and owns nothing yet; the old
                    // instance learns it was replaced from its next heartbeat.
                    old.epoch = 0;
                    if let Some(t) = g.target.remove(&old_id) {
                        g.target.insert(new_id.clone(), t);
                    }
                    old.owned.clear();
                    g.members.insert(new_id.clone(), old);
                    if old_client != name {
                        // Another instance with the same group.instance.id: it is fenced, and
                        // learns it (FENCED_INSTANCE_ID) from its next heartbeat.
                        self.emit(EventKind::MemberRemoved {
                            group: group_id.to_string(),
                            consumer: old_client,
                            member_id: String::new(),
                            reason: LeaveReason::Fenced,
                        });
                    }
                    self.emit(EventKind::StaticMemberRejoined {
                        group: group_id.to_string(),
                        consumer: name.clone(),
                        instance_id: r.instance_id.clone().unwrap_or_default(),
                    });
                } else {
                    g.members.insert(
                        new_id.clone(),
                        GroupMember {
                            member_id: new_id.clone(),
                            consumer: name.clone(),
                            instance_id: r.instance_id.clone(),
                            topics: topics.clone(),
                            strategies: vec![remote_assignor],
                            owned: Vec::new(),
                            owned_generation: -1,
                            joined: true,
                            join_seq: 0,
                            last_heartbeat: now,
                            session_timeout_ms: self.group_config.consumer_session_timeout_ms,
                            rebalance_timeout_ms: r.rebalance_timeout_ms,
                            assignment: Vec::new(),
                            epoch: 0,
                        },
                    );
                    bump = Some(RebalanceReason::MemberJoined { member: name.clone() });
                }
                self.emit(EventKind::MemberJoining {
                    group: group_id.to_string(),
                    consumer: name.clone(),
                    member_id: new_id.clone(),
                    protocol: GroupProtocol::Consumer,
                });
                new_id
            }
        };
        let g = self.groups.get_mut(group_id).expect("group");
        let member = g.members.get_mut(&member_id).expect("member");
        member.last_heartbeat = now;
        if let Some(owned) = &r.topic_partitions {
            member.owned = owned.clone();
        }
        if r.subscribed_topic_names.as_ref().is_some_and(|t| *t != member.topics) {
            member.topics = topics;
            bump = Some(RebalanceReason::SubscriptionChanged { member: name.clone() });
        }
        if let Some(reason) = bump {
            self.cg_bump(group_id, reason, now);
        }
        let (assignment, member_epoch, reconciled) = self.cg_reconcile(group_id, &member_id);
        let answer = ConsumerGroupHeartbeatResponse {
            error_code: None,
            error_message: None,
            member_id: Some(member_id.as_str().into()),
            member_epoch,
            heartbeat_interval_ms: interval,
            assignment: Some(assignment),
        };
        (answer, Some((group_id.to_string(), reconciled.then_some(member_id))))
    }

    /// What the member may own now (`CurrentAssignmentBuilder`): while it still owns
    /// partitions its target moved away, only what it keeps (it must release the rest first,
    /// and keeps its epoch); otherwise what it owns plus every partition of its target that no
    /// other member still holds, at the target epoch. Returns the assignment, the epoch, and
    /// whether the member reached its target epoch just now.
    fn cg_reconcile(&mut self, group_id: &str, member_id: &str) -> (Vec<TopicPartition>, i32, bool) {
        let g = self.groups.get(group_id).expect("group");
        let member = g.members.get(member_id).expect("member");
        let desired: Vec<TopicPartition> = g.target.get(member_id).cloned().unwrap_or_default();
        let owned = member.owned.clone();
        let revoking = owned.iter().any(|tp| !desired.contains(tp));
        let held_by_others: BTreeSet<&TopicPartition> = g
            .members
            .values()
            .filter(|x| x.member_id != member_id)
            .flat_map(|x| x.owned.iter())
            .collect_set();
        let target_epoch = g.target_epoch;
        let (response, reached) = if revoking {
            (owned.iter().filter(|tp| desired.contains(tp)).cloned().collect::<Vec<_>>(), false)
        } else {
            let mut r = owned.clone();
            for tp in &desired {
                if !r.contains(tp) && !held_by_others.contains(tp) {
                    r.push(tp.clone());
                }
            }
            crate::core::sort::ascending(&mut r);
            let reached = r.len() == desired.len();
            (r, reached)
        };
        let g = self.groups.get_mut(group_id).expect("group");
        let x = g.members.get_mut(member_id).expect("member");
        let epoch_before = x.epoch;
        // A partition being revoked still counts as owned until the member reports it
        // released (its next heartbeat); only then may its new owner have it.
        if !revoking {
            x.owned = response.clone();
        }
        if reached {
            x.epoch = target_epoch;
        }
        let epoch = if revoking { epoch_before } else { target_epoch };
        (response, epoch, reached && epoch_before != target_epoch)
    }

    /// After the answer: the member reconciled (if it did), and the group's state.
    fn cg_after_reconcile(&mut self, group_id: &str, reconciled: Option<&str>, now: Millis) {
        if let Some(m) = reconciled.and_then(|id| self.groups.get(group_id)?.members.get(id)) {
            let kind = EventKind::MemberReconciled {
                group: group_id.to_string(),
                consumer: m.consumer.clone(),
                epoch: m.epoch,
            };
            self.emit(kind);
        }
        self.cg_update_state(group_id, now);
    }

    /// Bumps the group epoch and computes a new target assignment with the group's
    /// server-side assignor.
    pub(crate) fn cg_bump(&mut self, group_id: &str, reason: RebalanceReason, now: Millis) {
        let topics: BTreeMap<String, u32> =
            self.topics.iter().map(|(n, t)| (n.clone(), t.partition_count())).collect_map();
        let Some(g) = self.groups.get_mut(group_id) else {
            return;
        };
        g.generation += 1;
        let epoch = g.generation;
        let strategy = g.strategy.unwrap_or(assignor::Strategy::Uniform);
        let spec = GroupSpec {
            members: g
                .members
                .values()
                .map(|m| MemberSpec {
                    member_id: m.member_id.clone(),
                    instance_id: m.instance_id.clone(),
                    subscribed_topics: m.topics.clone(),
                    assigned_partitions: g.target.get(&m.member_id).cloned().unwrap_or_default(),
                })
                .collect(),
        };
        let server = assignor::server_assignor(strategy).unwrap_or(&assignor::uniform::UniformAssignor);
        let target = server.assign(&spec, &topics);
        // Owners now, plus a member that just left (so its partitions show where they go).
        let mut before: BTreeMap<TopicPartition, String> = std::mem::take(&mut g.owners_before);
        before.extend(
            g.members.values().flat_map(|m| m.owned.iter().map(move |tp| (tp.clone(), m.consumer.clone()))),
        );
        let mut after: BTreeMap<TopicPartition, String> = BTreeMap::new();
        for (mid, parts) in &target {
            if let Some(m) = g.members.get(mid) {
                for tp in parts {
                    after.insert(tp.clone(), m.consumer.clone());
                }
            }
        }
        let mut moves: Vec<Move> = after
            .iter()
            .filter(|(tp, to)| before.get(*tp) != Some(*to))
            .map(|(tp, to)| Move {
                partition: tp.clone(),
                from: before.get(tp).cloned(),
                to: Some(to.clone()),
            })
            .collect();
        moves.extend(before.iter().filter(|(tp, _)| !after.contains_key(*tp)).map(|(tp, from)| Move {
            partition: tp.clone(),
            from: Some(from.clone()),
            to: None,
        }));
        crate::core::sort::by(&mut moves, |a, b| a.partition.cmp(&b.partition));
        let shares: Vec<(String, Vec<TopicPartition>)> = target
            .iter()
            .filter_map(|(mid, parts)| g.members.get(mid).map(|m| (m.consumer.clone(), parts.clone())))
            .collect();
        g.target = target;
        g.target_epoch = epoch;
        if g.rebalance_started_at.is_none() {
            g.rebalance_started_at = Some(now);
        }
        self.emit(EventKind::GroupEpochBumped { group: group_id.to_string(), epoch, reason });
        self.emit(EventKind::AssignmentComputed {
            group: group_id.to_string(),
            generation: epoch,
            strategy,
            moves,
            assignment: shares,
            protocol: GroupProtocol::Consumer,
        });
        // Members hear of it at their next heartbeat.
        self.cg_update_state(group_id, now);
    }

    /// Derives the KIP-848 group state: Empty, Reconciling or Stable.
    fn cg_update_state(&mut self, group_id: &str, now: Millis) {
        let Some(g) = self.groups.get(group_id) else {
            return;
        };
        let to = if g.members.is_empty() {
            GroupState::Empty
        } else if g.members.values().all(|m| {
            m.epoch == g.target_epoch
                && g.target.get(&m.member_id).map_or(m.owned.is_empty(), |t| *t == m.owned)
        }) {
            GroupState::Stable
        } else {
            GroupState::Reconciling
        };
        if g.state == to {
            return;
        }
        let epoch = g.generation;
        let started = g.rebalance_started_at;
        self.set_group_state(group_id, to);
        if to == GroupState::Stable {
            if let Some(g) = self.groups.get_mut(group_id) {
                g.rebalance_started_at = None;
            }
            self.emit(EventKind::RebalanceCompleted {
                group: group_id.to_string(),
                generation: epoch,
                duration_ms: now.saturating_sub(started.unwrap_or(now)),
                stopped: Vec::new(),
                protocol: GroupProtocol::Consumer,
            });
        }
    }

    /// A member leaves (epoch -1), times out, or is removed: the group rebalances without it.
    pub(crate) fn cg_remove_member(
        &mut self,
        group_id: &str,
        member_id: &str,
        reason: LeaveReason,
        now: Millis,
    ) {
        let Some(g) = self.groups.get_mut(group_id) else {
            return;
        };
        let Some(m) = g.members.remove(member_id) else {
            return;
        };
        g.target.remove(member_id);
        g.owners_before = m.owned.iter().map(|tp| (tp.clone(), m.consumer.clone())).collect_map();
        self.outbox.push(Output::Departed(m.consumer.clone()));
        self.emit(EventKind::MemberRemoved {
            group: group_id.to_string(),
            consumer: m.consumer.clone(),
            member_id: member_id.to_string(),
            reason,
        });
        let member = m.consumer;
        let reason = match reason {
            LeaveReason::SessionTimeout => RebalanceReason::SessionTimeout { member },
            LeaveReason::MaxPollIntervalExceeded => RebalanceReason::MaxPollIntervalExceeded { member },
            _ => RebalanceReason::MemberLeft { member },
        };
        if self.groups.get(group_id).is_some_and(|g| g.members.is_empty()) {
            self.cg_update_state(group_id, now);
        } else {
            self.cg_bump(group_id, reason, now);
        }
    }

    /// The coordinator's timer for a KIP-848 group: members whose session
    /// (`group.consumer.session.timeout.ms`) ran out are removed.
    pub(crate) fn consumer_group_tick(&mut self, group_id: &str, now: Millis) {
        let session = self.group_config.consumer_session_timeout_ms;
        let Some(g) = self.groups.get(group_id) else {
            return;
        };
        let expired: Vec<String> = g
            .members
            .values()
            .filter(|m| now > m.last_heartbeat + session)
            .map(|m| m.member_id.clone())
            .collect();
        for id in expired {
            self.cg_remove_member(group_id, &id, LeaveReason::SessionTimeout, now);
        }
    }
}
