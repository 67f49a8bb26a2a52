//! The consumer group protocol (KIP-848, `group.protocol=consumer`).
//!
//! No JoinGroup/SyncGroup and no global barrier: members heartbeat; any change bumps the
//! group epoch and the coordinator computes a target assignment with a server-side assignor
//! (`uniform` or `range`); each member reconciles on its own. A member first releases what
//! it must give up; a partition goes to its new owner only after the old owner reported it
//! released.

use super::assignor::{self, GroupSpec, MemberSpec, TopicPartition};
use super::{Group, GroupMember, GroupState};
use crate::core::cluster::Cluster;
use crate::core::config::GroupProtocol;
use crate::core::consumer::{ConsumerMode, MemberPhase};
use crate::core::error::ErrorCode;
use crate::core::event::{EventKind, LeaveReason, Move, RebalanceReason};
use crate::core::sort::CollectTree;
use crate::core::time::Millis;
use std::collections::{BTreeMap, BTreeSet};

impl Cluster {
    /// `ConsumerGroupHeartbeat`: joins, reports what the member owns, and gets back what it
    /// may own now.
    pub(crate) fn cg_heartbeat(&mut self, name: &str, now: Millis) {
        let Some(c) = self.consumers.get(name) else {
            return;
        };
        let Some(m) = &c.membership else { return };
        let ConsumerMode::Group { topics } = &c.spec.mode else {
            return;
        };
        let group_id = m.group.clone();
        let topics = topics.clone();
        let cfg = c.spec.config.clone();
        let owned = c.assignment.clone();
        let mut member_id = m.member_id.clone();
        if let Err(code) = self.broker.authorize_group(c.spec.user.as_deref(), &group_id) {
            self.refuse_group_request(
                name,
                &group_id,
                code,
                format!("ConsumerGroupHeartbeat {group_id}"),
                now,
            );
            return;
        }
        let g = self.broker.groups.entry(group_id.clone()).or_insert_with(|| Group::new(&group_id));
        if g.protocol == Some(GroupProtocol::Classic) && !g.members.is_empty() {
            self.report_error(
                name,
                ErrorCode::InconsistentGroupProtocol,
                format!("group {group_id} uses the classic protocol"),
                now,
            );
            return;
        }
        g.protocol = Some(GroupProtocol::Consumer);
        if g.strategy.is_none() || g.members.is_empty() {
            g.strategy = Some(cfg.remote_assignor);
        }
        let known = member_id.as_ref().is_some_and(|id| g.members.contains_key(id));
        if member_id.is_some() && !known {
            // Removed meanwhile (session timeout): UNKNOWN_MEMBER_ID, rejoin with epoch 0.
            self.lose_membership(name, &group_id, ErrorCode::UnknownMemberId, now);
            return;
        }
        let mut bump: Option<RebalanceReason> = None;
        if member_id.is_none() {
            // Static member coming back within the session timeout keeps its place.
            let static_old = cfg.group_instance_id.as_ref().and_then(|inst| {
                g.members
                    .values()
                    .find(|x| x.instance_id.as_deref() == Some(inst.as_str()))
                    .map(|x| x.member_id.clone())
            });
            let new_id = format!("{name}-{:08x}", self.rng.rand_u64() as u32);
            let g = self.broker.groups.get_mut(&group_id).expect("group");
            if let Some(old_id) = static_old {
                let mut old = g.members.remove(&old_id).expect("member");
                let old_consumer = std::mem::replace(&mut old.consumer, name.to_string());
                old.member_id = new_id.clone();
                old.last_heartbeat = now;
                // The old instance keeps nothing: it is released at once.
                if let Some(t) = g.target.remove(&old_id) {
                    g.target.insert(new_id.clone(), t);
                }
                old.owned.clear();
                g.members.insert(new_id.clone(), old);
                if old_consumer != name {
                    self.lose_membership(&old_consumer, &group_id, ErrorCode::FencedInstanceId, now);
                }
                self.events_push(
                    now,
                    EventKind::StaticMemberRejoined {
                        group: group_id.clone(),
                        consumer: name.to_string(),
                        instance_id: cfg.group_instance_id.clone().unwrap_or_default(),
                    },
                );
            } else {
                g.members.insert(
                    new_id.clone(),
                    GroupMember {
                        member_id: new_id.clone(),
                        consumer: name.to_string(),
                        instance_id: cfg.group_instance_id.clone(),
                        topics: topics.clone(),
                        strategies: vec![cfg.remote_assignor],
                        owned: Vec::new(),
                        owned_generation: -1,
                        joined: true,
                        join_seq: 0,
                        last_heartbeat: now,
                        session_timeout_ms: self.config.consumer_session_timeout_ms,
                        rebalance_timeout_ms: cfg.max_poll_interval_ms,
                        assignment: Vec::new(),
                        epoch: 0,
                    },
                );
                bump = Some(RebalanceReason::MemberJoined { member: name.to_string() });
            }
            member_id = Some(new_id.clone());
            self.clear_group_error(name);
            self.events_push(
                now,
                EventKind::MemberJoining {
                    group: group_id.clone(),
                    consumer: name.to_string(),
                    member_id: new_id.clone(),
                    protocol: GroupProtocol::Consumer,
                },
            );
            if let Some(m) = self.consumers.get_mut(name).and_then(|c| c.membership.as_mut()) {
                m.member_id = Some(new_id);
                m.generation = 0;
                m.phase = MemberPhase::Reconciling;
            }
        }
        let member_id = member_id.expect("set above");
        let g = self.broker.groups.get_mut(&group_id).expect("group");
        let member = g.members.get_mut(&member_id).expect("member");
        member.last_heartbeat = now;
        member.owned = owned.clone();
        if member.topics != topics {
            member.topics = topics;
            bump = Some(RebalanceReason::SubscriptionChanged { member: name.to_string() });
        }
        if let Some(reason) = bump {
            self.cg_bump(&group_id, reason, now);
        }
        self.cg_reconcile(name, &group_id, &member_id, now);
    }

    /// Computes what the member may own now and applies it on the member's side.
    fn cg_reconcile(&mut self, name: &str, group_id: &str, member_id: &str, now: Millis) {
        let Some(g) = self.broker.groups.get(group_id) else {
            return;
        };
        let Some(member) = g.members.get(member_id) else {
            return;
        };
        let desired: Vec<TopicPartition> = g.target.get(member_id).cloned().unwrap_or_default();
        let owned = member.owned.clone();
        let revoke: Vec<TopicPartition> = owned.iter().filter(|tp| !desired.contains(tp)).cloned().collect();
        let held_by_others: BTreeSet<&TopicPartition> = g
            .members
            .values()
            .filter(|x| x.member_id != member_id)
            .flat_map(|x| x.owned.iter())
            .collect_set();
        let target_epoch = g.target_epoch;
        let (response, reached) = if !revoke.is_empty() {
            // First release: the member must give these up before it gets anything new.
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
        let added: Vec<TopicPartition> = response.iter().filter(|tp| !owned.contains(tp)).cloned().collect();
        let revoking = !revoke.is_empty();
        if let Some(g) = self.broker.groups.get_mut(group_id) {
            if let Some(x) = g.members.get_mut(member_id) {
                // A partition being revoked still counts as owned until the member reports it
                // released (its next heartbeat); only then may its new owner have it.
                if !revoking {
                    x.owned = response.clone();
                }
                if reached {
                    x.epoch = target_epoch;
                }
            }
        }
        let was_epoch =
            self.consumers.get(name).and_then(|c| c.membership.as_ref()).map_or(-1, |m| m.generation);
        if let Some(m) = self.consumers.get_mut(name).and_then(|c| c.membership.as_mut()) {
            m.pending_revoke = revoke;
            m.heartbeat_soon = false;
            if reached {
                m.generation = target_epoch;
                m.phase = MemberPhase::Stable;
            } else {
                m.phase = MemberPhase::Reconciling;
            }
        }
        if !added.is_empty() {
            let all = {
                let mut v = self.consumers.get(name).map(|c| c.assignment.clone()).unwrap_or_default();
                v.extend(added.iter().cloned());
                crate::core::sort::ascending(&mut v);
                v
            };
            self.set_assignment(name, all.clone(), now);
            self.events_push(
                now,
                EventKind::PartitionsAssigned {
                    group: group_id.to_string(),
                    consumer: name.to_string(),
                    partitions: all,
                    added,
                    generation: target_epoch,
                    protocol: GroupProtocol::Consumer,
                },
            );
        }
        if reached && was_epoch != target_epoch {
            self.events_push(
                now,
                EventKind::MemberReconciled {
                    group: group_id.to_string(),
                    consumer: name.to_string(),
                    epoch: target_epoch,
                },
            );
        }
        self.cg_update_state(group_id, now);
    }

    /// At `poll()`: the member revokes what the coordinator asked for (committing first),
    /// then heartbeats at once to report it.
    pub(crate) fn cg_revoke_pending(&mut self, name: &str, now: Millis) {
        let Some(c) = self.consumers.get(name) else {
            return;
        };
        let Some(m) = &c.membership else { return };
        let revoke = m.pending_revoke.clone();
        let group = m.group.clone();
        if c.spec.config.enable_auto_commit {
            let offsets: Vec<_> =
                c.commit_positions().into_iter().filter(|(tp, _)| revoke.contains(tp)).collect();
            if !offsets.is_empty() {
                self.commit(name, offsets, true, now);
            }
        }
        let keep: Vec<TopicPartition> =
            self.consumers[name].assignment.iter().filter(|tp| !revoke.contains(tp)).cloned().collect();
        self.set_assignment(name, keep, now);
        self.events_push(
            now,
            EventKind::PartitionsRevoked { group, consumer: name.to_string(), partitions: revoke },
        );
        if let Some(m) = self.consumers.get_mut(name).and_then(|c| c.membership.as_mut()) {
            m.pending_revoke.clear();
            m.heartbeat_soon = true;
        }
    }

    /// Bumps the group epoch and computes a new target assignment.
    pub(crate) fn cg_bump(&mut self, group_id: &str, reason: RebalanceReason, now: Millis) {
        let topics = self.topic_counts();
        let Some(g) = self.broker.groups.get_mut(group_id) else {
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
        self.events_push(now, EventKind::GroupEpochBumped { group: group_id.to_string(), epoch, reason });
        self.events_push(
            now,
            EventKind::AssignmentComputed {
                group: group_id.to_string(),
                generation: epoch,
                strategy,
                moves,
                assignment: shares,
                protocol: GroupProtocol::Consumer,
            },
        );
        // Members hear of it at their next heartbeat; those that must give something up
        // are told right away here, as the coordinator answers the next heartbeat anyway.
        self.cg_update_state(group_id, now);
    }

    /// Derives the KIP-848 group state: Empty, Reconciling or Stable.
    fn cg_update_state(&mut self, group_id: &str, now: Millis) {
        let Some(g) = self.broker.groups.get(group_id) else {
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
        let from = g.state;
        if from == to {
            return;
        }
        let epoch = g.generation;
        let started = g.rebalance_started_at;
        self.set_group_state(group_id, to, now);
        if to == GroupState::Stable {
            if let Some(g) = self.broker.groups.get_mut(group_id) {
                g.rebalance_started_at = None;
            }
            self.events_push(
                now,
                EventKind::RebalanceCompleted {
                    group: group_id.to_string(),
                    generation: epoch,
                    duration_ms: now.saturating_sub(started.unwrap_or(now)),
                    stopped: Vec::new(),
                    protocol: GroupProtocol::Consumer,
                },
            );
        }
    }

    pub(crate) fn cg_remove_member(
        &mut self,
        group_id: &str,
        member_id: &str,
        reason: LeaveReason,
        now: Millis,
    ) {
        let Some(g) = self.broker.groups.get_mut(group_id) else {
            return;
        };
        let Some(m) = g.members.remove(member_id) else {
            return;
        };
        g.target.remove(member_id);
        g.owners_before = m.owned.iter().map(|tp| (tp.clone(), m.consumer.clone())).collect_map();
        self.release_departed(&m.consumer);
        self.events_push(
            now,
            EventKind::MemberRemoved {
                group: group_id.to_string(),
                consumer: m.consumer.clone(),
                member_id: member_id.to_string(),
                reason,
            },
        );
        let member = m.consumer;
        let reason = match reason {
            LeaveReason::SessionTimeout => RebalanceReason::SessionTimeout { member },
            LeaveReason::MaxPollIntervalExceeded => RebalanceReason::MaxPollIntervalExceeded { member },
            _ => RebalanceReason::MemberLeft { member },
        };
        if self.broker.groups.get(group_id).is_some_and(|g| g.members.is_empty()) {
            self.cg_update_state(group_id, now);
        } else {
            self.cg_bump(group_id, reason, now);
        }
    }

    /// Session expiry (`group.consumer.session.timeout.ms`).
    pub(crate) fn cg_step(&mut self, group_id: &str, now: Millis) {
        let session = self.config.consumer_session_timeout_ms;
        let Some(g) = self.broker.groups.get(group_id) else {
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
