//! The classic group protocol on the coordinator's side (`GroupMetadataManager` with
//! `ClassicGroup`): JoinGroup, SyncGroup and the group's timers, eager and cooperative alike
//! (the coordinator does not know which: its members do), static membership (KIP-345).
//!
//! A JoinGroup is held until the round completes (every known member rejoined, or the
//! rebalance timeout removed the rest); a SyncGroup is held until the leader's arrives with the
//! assignment the leader computed and the JoinGroup→SyncGroup hop
//! (`playground.network.latency.ms`) is over. What the coordinator answers later goes out
//! through [`Broker::outbox`], in order with the events it emits.

use super::coordinator::Output;
use super::Broker;
use crate::core::error::ErrorCode;
use crate::core::event::{EventKind, LeaveReason, Move, RebalanceReason};
use crate::core::group::assignor::{RebalanceProtocol, Strategy, TopicPartition};
use crate::core::group::{Group, GroupMember, GroupProtocol, GroupState};
use crate::core::ids::{CorrelationId, NodeId};
use crate::core::protocol::join_group::{JoinGroupRequest, JoinGroupResponse, JoinGroupResponseMember};
use crate::core::protocol::leave_group::{LeaveGroupRequest, LeaveGroupResponse};
use crate::core::protocol::sync_group::{SyncGroupRequest, SyncGroupResponse};
use crate::core::protocol::{ApiKey, Response};
use crate::core::sort::CollectTree;
use crate::core::time::Millis;
use std::collections::BTreeMap;

/// A request the coordinator holds until it can answer it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parked {
    pub api: ApiKey,
    pub from: NodeId,
    pub correlation: CorrelationId,
}

/// The client id of the request header (a consumer's name).
pub(crate) fn client_id(from: &NodeId) -> String {
    match from {
        NodeId::Consumer(n) | NodeId::Producer(n) => n.to_string(),
        other => other.to_string(),
    }
}

fn join_error(code: ErrorCode, member_id: &str) -> JoinGroupResponse {
    JoinGroupResponse {
        error_code: Some(code),
        generation_id: -1,
        protocol_name: None,
        leader: "".into(),
        member_id: member_id.into(),
        members: Vec::new(),
    }
}

fn sync_error(code: ErrorCode) -> SyncGroupResponse {
    SyncGroupResponse { error_code: Some(code), protocol_name: None, assignment: Vec::new() }
}

impl Broker {
    pub(crate) fn emit(&mut self, kind: EventKind) {
        self.outbox.push(Output::Event(kind));
    }

    pub(crate) fn set_group_state(&mut self, group: &str, to: GroupState) {
        let Some(g) = self.groups.get_mut(group) else {
            return;
        };
        let from = g.state;
        if from == to {
            return;
        }
        g.state = to;
        self.emit(EventKind::GroupStateChanged { group: group.to_string(), from, to });
    }

    fn park(&mut self, group: &str, member: &str, api: ApiKey, from: &NodeId, correlation: CorrelationId) {
        let p = Parked { api, from: from.clone(), correlation };
        // A member sends one group request at a time; an older one is over.
        self.fail_parked(group, member, ErrorCode::RebalanceInProgress);
        self.parked.insert((group.to_string(), member.to_string()), p);
    }

    /// Answers the request `member` left waiting (if it is of kind `api`).
    fn answer_parked(&mut self, group: &str, member: &str, api: ApiKey, response: Response) {
        let key = (group.to_string(), member.to_string());
        if self.parked.get(&key).is_some_and(|p| p.api == api) {
            let p = self.parked.remove(&key).expect("checked");
            self.outbox.push(Output::Reply { to: p.from, correlation: p.correlation, response });
        }
    }

    /// Fails the request `member` left waiting, whichever it is, with `code`.
    pub(crate) fn fail_parked(&mut self, group: &str, member: &str, code: ErrorCode) {
        if let Some(p) = self.parked.remove(&(group.to_string(), member.to_string())) {
            let response = match p.api {
                ApiKey::JoinGroup => join_error(code, member).into(),
                _ => sync_error(code).into(),
            };
            self.outbox.push(Output::Reply { to: p.from, correlation: p.correlation, response });
        }
    }

    /// How many requests the coordinators hold (JoinGroup and SyncGroup waiting for the round).
    pub fn parked_requests(&self) -> usize {
        self.parked.len()
    }

    /// JoinGroup (`GroupMetadataManager.classicGroupJoin`). A new dynamic member first gets
    /// MEMBER_ID_REQUIRED with its member id (KIP-394) and joins again with it; an unknown
    /// member id gets UNKNOWN_MEMBER_ID; a static member (KIP-345) that comes back with its
    /// `group.instance.id` takes over its old member — in a Stable group with no rebalance.
    /// Otherwise the request is held until the round completes (`None`: answered later).
    pub fn join_group(
        &mut self,
        now: Millis,
        from: &NodeId,
        correlation: CorrelationId,
        user: Option<&str>,
        r: &JoinGroupRequest,
        rng: &mut oorandom::Rand64,
    ) -> Option<JoinGroupResponse> {
        let group_id = r.group_id.as_str().to_string();
        let request_member = r.member_id.as_ref().map(|m| m.as_str().to_string()).unwrap_or_default();
        if let Err(code) = self.authorize_group(user, &group_id) {
            return Some(join_error(code, &request_member));
        }
        if let Some(code) = self.share.refuses_classic_join(&group_id) {
            return Some(join_error(code, ""));
        }
        let client = client_id(from);
        let g = self.groups.entry(group_id.clone()).or_insert_with(|| Group::new(&group_id));
        if g.protocol == Some(GroupProtocol::Consumer) && !g.members.is_empty() {
            return Some(join_error(ErrorCode::InconsistentGroupProtocol, &request_member));
        }
        let new_id = |rng: &mut oorandom::Rand64| format!("{client}-{:08x}", rng.rand_u64() as u32);
        let mut member_id = r.member_id.as_ref().map(|m| m.as_str().to_string());
        let mut static_new = false;
        if let Some(inst) = &r.group_instance_id {
            let old = g.members.values().find(|x| x.instance_id.as_deref() == Some(inst.as_str()));
            match old {
                Some(old) if member_id.as_deref() != Some(old.member_id.as_str()) => {
                    let (old_id, old_client) = (old.member_id.clone(), old.consumer.clone());
                    let id = new_id(rng);
                    self.replace_static_member(&group_id, &old_id, &id, &client, now);
                    if old_client != client {
                        // Another instance with the same group.instance.id: it is fenced, and
                        // learns it (FENCED_INSTANCE_ID) from its next request.
                        self.emit(EventKind::MemberRemoved {
                            group: group_id.clone(),
                            consumer: old_client,
                            member_id: String::new(),
                            reason: LeaveReason::Fenced,
                        });
                    }
                    let g = &self.groups[&group_id];
                    if g.state == GroupState::Stable {
                        // KIP-345: no rebalance; SyncGroup hands it its old assignment.
                        self.emit(EventKind::StaticMemberRejoined {
                            group: group_id.clone(),
                            consumer: client.clone(),
                            instance_id: inst.clone(),
                        });
                        let g = &self.groups[&group_id];
                        return Some(JoinGroupResponse {
                            error_code: None,
                            generation_id: g.generation,
                            protocol_name: g.strategy,
                            leader: g.leader.as_deref().unwrap_or_default().into(),
                            member_id: id.as_str().into(),
                            members: Vec::new(),
                        });
                    }
                    member_id = Some(id);
                }
                Some(_) => {}
                None if member_id.is_none() => {
                    member_id = Some(new_id(rng));
                    static_new = true;
                }
                None => {}
            }
        }
        let g = self.groups.get_mut(&group_id).expect("group");
        let member_id = match member_id {
            None => {
                // KIP-394: a dynamic member learns its id first, then joins with it.
                let id = new_id(rng);
                self.pending_members.insert((group_id.clone(), id.clone()));
                return Some(join_error(ErrorCode::MemberIdRequired, &id));
            }
            Some(id) => id,
        };
        let pending = self.pending_members.remove(&(group_id.clone(), member_id.clone()));
        if !pending && !static_new && !g.members.contains_key(&member_id) {
            return Some(join_error(ErrorCode::UnknownMemberId, &member_id));
        }
        let protocol = r.protocols.first();
        let topics = protocol.map(|p| p.topics.clone()).unwrap_or_default();
        let strategies: Vec<Strategy> = r.protocols.iter().map(|p| p.name).collect();
        g.protocol = Some(GroupProtocol::Classic);
        g.join_counter += 1;
        let seq = g.join_counter;
        let is_new = !g.members.contains_key(&member_id);
        let subscription_changed = g.members.get(&member_id).is_some_and(|x| x.topics != topics);
        let strategy_changed = g.members.get(&member_id).is_some_and(|x| x.strategies != strategies);
        let member = g.members.entry(member_id.clone()).or_insert_with(|| GroupMember {
            member_id: member_id.clone(),
            consumer: client.clone(),
            instance_id: r.group_instance_id.clone(),
            topics: topics.clone(),
            strategies: strategies.clone(),
            owned: Vec::new(),
            owned_generation: -1,
            joined: false,
            join_seq: seq,
            last_heartbeat: now,
            session_timeout_ms: r.session_timeout_ms,
            rebalance_timeout_ms: r.rebalance_timeout_ms,
            assignment: Vec::new(),
            epoch: 0,
        });
        member.topics = topics;
        member.strategies = strategies;
        member.owned = protocol.map(|p| p.owned_partitions.clone()).unwrap_or_default();
        member.owned_generation = protocol.map_or(-1, |p| p.generation_id);
        member.joined = true;
        member.join_seq = seq;
        member.last_heartbeat = now;
        member.session_timeout_ms = r.session_timeout_ms;
        member.rebalance_timeout_ms = r.rebalance_timeout_ms;
        let state = g.state;
        self.park(&group_id, &member_id, ApiKey::JoinGroup, from, correlation);
        self.emit(EventKind::MemberJoining {
            group: group_id.clone(),
            consumer: client.clone(),
            member_id: member_id.clone(),
            protocol: GroupProtocol::Classic,
        });
        if state != GroupState::PreparingRebalance {
            let member = client.clone();
            let reason = if is_new {
                RebalanceReason::MemberJoined { member }
            } else if subscription_changed {
                RebalanceReason::SubscriptionChanged { member }
            } else if strategy_changed {
                RebalanceReason::StrategyChanged { member }
            } else if let Some(reason) = r.reason.clone() {
                reason
            } else {
                RebalanceReason::MemberRejoined { member }
            };
            self.start_rebalance(&group_id, reason, now);
            // This member's join counts for the new round.
            if let Some(x) = self.groups.get_mut(&group_id).and_then(|g| g.members.get_mut(&member_id)) {
                x.joined = true;
            }
        } else if let Some(g) = self.groups.get_mut(&group_id) {
            // A new member during the initial delay pushes it out (InitialDelayedJoin).
            if let (Some(until), Some(started)) = (g.initial_delay_until, g.rebalance_started_at) {
                if is_new {
                    let cap = started + g.members.values().map(|m| m.rebalance_timeout_ms).max().unwrap_or(0);
                    g.initial_delay_until =
                        Some((now + self.group_config.initial_rebalance_delay_ms).min(cap).max(until));
                }
            }
        }
        self.try_complete_join(&group_id, now);
        None
    }

    /// A static member's new member id takes over the old member's place (and its assignment).
    fn replace_static_member(
        &mut self,
        group_id: &str,
        old_id: &str,
        new_id: &str,
        client: &str,
        now: Millis,
    ) {
        let g = self.groups.get_mut(group_id).expect("group");
        let mut old = g.members.remove(old_id).expect("member");
        old.member_id = new_id.to_string();
        old.consumer = client.to_string();
        old.last_heartbeat = now;
        if g.leader.as_deref() == Some(old_id) {
            g.leader = Some(new_id.to_string());
        }
        g.members.insert(new_id.to_string(), old);
        // What the old instance was waiting for is over: it is fenced.
        self.fail_parked(group_id, old_id, ErrorCode::FencedInstanceId);
    }

    /// Moves a classic group to PreparingRebalance: every member must rejoin. Members waiting
    /// in SyncGroup get REBALANCE_IN_PROGRESS.
    pub(crate) fn start_rebalance(&mut self, group_id: &str, reason: RebalanceReason, now: Millis) {
        let Some(g) = self.groups.get(group_id) else {
            return;
        };
        let was_empty = g.state == GroupState::Empty;
        if !matches!(g.state, GroupState::Stable | GroupState::CompletingRebalance | GroupState::Empty) {
            return;
        }
        // Who owns what, as the coordinator last handed it out.
        let owners: BTreeMap<TopicPartition, String> = g
            .members
            .values()
            .flat_map(|m| m.assignment.iter().map(move |tp| (tp.clone(), m.consumer.clone())))
            .collect_map();
        let waiting: Vec<String> = g.members.keys().cloned().collect();
        for member in waiting {
            let answer = sync_error(ErrorCode::RebalanceInProgress);
            self.answer_parked(group_id, &member, ApiKey::SyncGroup, answer.into());
        }
        let delay = self.group_config.initial_rebalance_delay_ms;
        let g = self.groups.get_mut(group_id).expect("group");
        let generation = g.generation;
        for m in g.members.values_mut() {
            m.joined = false;
        }
        g.sync_at = None;
        g.pending_assignment = None;
        g.owners_before = owners;
        g.rebalance_started_at = Some(now);
        let timeout = g.members.values().map(|m| m.rebalance_timeout_ms).max().unwrap_or(300_000);
        g.rebalance_deadline = Some(now + timeout);
        g.initial_delay_until = (was_empty && delay > 0).then_some(now + delay);
        self.set_group_state(group_id, GroupState::PreparingRebalance);
        // Eager or cooperative is the members' choice, not the coordinator's: the simulation
        // fills it in from the clients (see `Cluster::flush_broker`).
        self.emit(EventKind::RebalanceStarted {
            group: group_id.to_string(),
            generation,
            reason,
            rebalance_protocol: RebalanceProtocol::Eager,
        });
    }

    /// Completes the join phase when every member has rejoined (and the initial delay, if
    /// any, is over).
    pub(crate) fn try_complete_join(&mut self, group_id: &str, now: Millis) {
        let Some(g) = self.groups.get(group_id) else {
            return;
        };
        if g.state != GroupState::PreparingRebalance {
            return;
        }
        if g.initial_delay_until.is_some_and(|t| t > now) {
            return;
        }
        if g.members.values().all(|m| m.joined) {
            self.complete_join(group_id, now);
        }
    }

    /// New generation: drop members that did not rejoin, choose leader and protocol, answer
    /// every held JoinGroup (the leader's with every member's subscription).
    fn complete_join(&mut self, group_id: &str, now: Millis) {
        let Some(g) = self.groups.get(group_id) else {
            return;
        };
        let late: Vec<(String, String)> = g
            .members
            .values()
            .filter(|m| !m.joined)
            .map(|m| (m.member_id.clone(), m.consumer.clone()))
            .collect();
        for (member_id, consumer) in late {
            let g = self.groups.get_mut(group_id).expect("group");
            g.members.remove(&member_id);
            self.outbox.push(Output::Departed(consumer.clone()));
            self.emit(EventKind::MemberRemoved {
                group: group_id.to_string(),
                consumer,
                member_id,
                reason: LeaveReason::RebalanceTimeout,
            });
        }
        let g = self.groups.get_mut(group_id).expect("group");
        g.generation += 1;
        g.initial_delay_until = None;
        g.rebalance_deadline = None;
        if g.members.is_empty() {
            g.leader = None;
            g.strategy = None;
            g.rebalance_started_at = None;
            self.set_group_state(group_id, GroupState::Empty);
            return;
        }
        if !g.leader.as_ref().is_some_and(|l| g.members.contains_key(l)) {
            g.leader = g.members.values().min_by_key(|m| m.join_seq).map(|m| m.member_id.clone());
        }
        g.strategy = select_protocol(g);
        let generation = g.generation;
        let leader = g.leader_consumer().unwrap_or_default().to_string();
        let protocol = g.strategy;
        let members: Vec<String> = g.members.values().map(|m| m.consumer.clone()).collect();
        let leader_id = g.leader.clone().unwrap_or_default();
        let subscriptions: Vec<JoinGroupResponseMember> = g
            .members
            .values()
            .map(|m| JoinGroupResponseMember {
                member_id: m.member_id.as_str().into(),
                group_instance_id: m.instance_id.clone(),
                topics: m.topics.clone(),
                owned_partitions: m.owned.clone(),
                generation_id: m.owned_generation,
            })
            .collect();
        let answers: Vec<(String, JoinGroupResponse)> = g
            .members
            .values()
            .map(|m| {
                let answer = JoinGroupResponse {
                    error_code: None,
                    generation_id: generation,
                    protocol_name: g.strategy,
                    leader: leader_id.as_str().into(),
                    member_id: m.member_id.as_str().into(),
                    members: if m.member_id == leader_id { subscriptions.clone() } else { Vec::new() },
                };
                (m.member_id.clone(), answer)
            })
            .collect();
        g.sync_at = Some(now + self.group_config.sync_hop_ms);
        g.pending_assignment = None;
        // If the leader never sends its SyncGroup, the round ends after the rebalance timeout.
        let timeout = g.members.values().map(|m| m.rebalance_timeout_ms).max().unwrap_or(300_000);
        g.rebalance_deadline = Some(now + timeout);
        self.set_group_state(group_id, GroupState::CompletingRebalance);
        self.emit(EventKind::JoinCompleted {
            group: group_id.to_string(),
            generation,
            leader,
            protocol,
            members,
        });
        for (member, answer) in answers {
            self.answer_parked(group_id, &member, ApiKey::JoinGroup, answer.into());
        }
    }

    /// SyncGroup (`GroupMetadataManager.classicGroupSync`): held while the group completes the
    /// rebalance; the leader's carries the assignment. In a Stable group the member gets its
    /// share at once.
    pub fn sync_group(
        &mut self,
        now: Millis,
        from: &NodeId,
        correlation: CorrelationId,
        user: Option<&str>,
        r: &SyncGroupRequest,
    ) -> Option<SyncGroupResponse> {
        if let Err(code) = self.authorize_group(user, r.group_id.as_str()) {
            return Some(sync_error(code));
        }
        let group_id = r.group_id.as_str().to_string();
        let member_id = r.member_id.as_str().to_string();
        let Some(g) = self.groups.get_mut(&group_id) else {
            return Some(sync_error(ErrorCode::UnknownMemberId));
        };
        let Some(member) = g.members.get(&member_id) else {
            let fenced = r
                .group_instance_id
                .as_ref()
                .is_some_and(|i| g.members.values().any(|m| m.instance_id.as_deref() == Some(i.as_str())));
            return Some(sync_error(if fenced {
                ErrorCode::FencedInstanceId
            } else {
                ErrorCode::UnknownMemberId
            }));
        };
        if r.generation_id != g.generation {
            return Some(sync_error(ErrorCode::IllegalGeneration));
        }
        match g.state {
            GroupState::CompletingRebalance => {
                if g.leader.as_deref() == Some(member_id.as_str()) {
                    g.pending_assignment = Some(
                        r.assignments
                            .iter()
                            .map(|(m, parts)| (m.as_str().to_string(), parts.clone()))
                            .collect(),
                    );
                }
                self.park(&group_id, &member_id, ApiKey::SyncGroup, from, correlation);
                self.try_complete_sync(&group_id, now);
                None
            }
            GroupState::Stable => Some(SyncGroupResponse {
                error_code: None,
                protocol_name: g.strategy,
                assignment: member.assignment.clone(),
            }),
            _ => Some(sync_error(ErrorCode::RebalanceInProgress)),
        }
    }

    /// Completes the round once the leader's assignment is in and the hop is over.
    fn try_complete_sync(&mut self, group_id: &str, now: Millis) {
        let Some(g) = self.groups.get(group_id) else {
            return;
        };
        if g.state == GroupState::CompletingRebalance
            && g.pending_assignment.is_some()
            && g.sync_at.is_none_or(|t| t <= now)
        {
            self.complete_sync(group_id, now);
        }
    }

    /// The leader's assignment is stored; every member waiting in SyncGroup gets its share.
    fn complete_sync(&mut self, group_id: &str, now: Millis) {
        let Some(g) = self.groups.get_mut(group_id) else {
            return;
        };
        g.sync_at = None;
        g.rebalance_deadline = None;
        let Some(result) = g.pending_assignment.take() else {
            return;
        };
        let strategy = g.strategy.unwrap_or(Strategy::Range);
        let generation = g.generation;
        let mut moves = Vec::new();
        let mut new_owner: BTreeMap<TopicPartition, String> = BTreeMap::new();
        for (mid, parts) in &result {
            if let Some(m) = g.members.get(mid) {
                for tp in parts {
                    new_owner.insert(tp.clone(), m.consumer.clone());
                }
            }
        }
        for (tp, to) in &new_owner {
            let from = g.owners_before.get(tp);
            if from != Some(to) {
                moves.push(Move { partition: tp.clone(), from: from.cloned(), to: Some(to.clone()) });
            }
        }
        for (tp, from) in &g.owners_before {
            if !new_owner.contains_key(tp) {
                // Cooperative: withheld this round (or the partition is gone).
                moves.push(Move { partition: tp.clone(), from: Some(from.clone()), to: None });
            }
        }
        crate::core::sort::by(&mut moves, |a, b| a.partition.cmp(&b.partition));
        let mut shares = Vec::new();
        for m in g.members.values_mut() {
            // A member the leader left out gets nothing (Kafka: an empty assignment).
            let parts = result.get(&m.member_id).cloned().unwrap_or_default();
            m.assignment = parts.clone();
            m.last_heartbeat = now;
            shares.push((m.consumer.clone(), parts, m.member_id.clone()));
        }
        let started = g.rebalance_started_at.take().unwrap_or(now);
        self.set_group_state(group_id, GroupState::Stable);
        self.emit(EventKind::AssignmentComputed {
            group: group_id.to_string(),
            generation,
            strategy,
            moves,
            assignment: shares.iter().map(|(c, p, _)| (c.clone(), p.clone())).collect(),
            protocol: GroupProtocol::Classic,
        });
        for (_, parts, member_id) in shares {
            let answer =
                SyncGroupResponse { error_code: None, protocol_name: Some(strategy), assignment: parts };
            self.answer_parked(group_id, &member_id, ApiKey::SyncGroup, answer.into());
        }
        // Who stopped consuming meanwhile is the members' story: the simulation fills it in
        // from the answers they took (see `Cluster::flush_broker`).
        self.emit(EventKind::RebalanceCompleted {
            group: group_id.to_string(),
            generation,
            duration_ms: now.saturating_sub(started),
            stopped: Vec::new(),
            protocol: GroupProtocol::Classic,
        });
    }

    /// LeaveGroup (`GroupMetadataManager.classicGroupLeave`): each member named leaves at once
    /// (UNKNOWN_MEMBER_ID for one the group does not know, FENCED_INSTANCE_ID for a static
    /// member whose `group.instance.id` another member holds now).
    pub fn leave_group(
        &mut self,
        now: Millis,
        user: Option<&str>,
        r: &LeaveGroupRequest,
    ) -> LeaveGroupResponse {
        if let Err(code) = self.authorize_group(user, r.group_id.as_str()) {
            return LeaveGroupResponse { error_code: Some(code), members: Vec::new() };
        }
        let group_id = r.group_id.as_str();
        let mut members = Vec::new();
        for who in &r.members {
            let member_id = who.member_id.as_str();
            let known = self.groups.get(group_id).and_then(|g| g.members.get(member_id));
            let error = match (known, &who.group_instance_id) {
                (None, _) => Some(ErrorCode::UnknownMemberId),
                (Some(m), Some(i)) if m.instance_id.as_deref() != Some(i.as_str()) => {
                    Some(ErrorCode::FencedInstanceId)
                }
                (Some(_), _) => None,
            };
            if error.is_none() {
                let reason = who.reason.unwrap_or(LeaveReason::Left);
                self.classic_remove_member(group_id, member_id, reason, now);
            }
            members.push((who.clone(), error));
        }
        LeaveGroupResponse { error_code: None, members }
    }

    /// LeaveGroup, session timeout, max.poll.interval.ms: the member is gone.
    pub(crate) fn classic_remove_member(
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
        let consumer = m.consumer.clone();
        let departing = m.assignment.clone();
        self.fail_parked(group_id, member_id, ErrorCode::UnknownMemberId);
        self.outbox.push(Output::Departed(consumer.clone()));
        self.emit(EventKind::MemberRemoved {
            group: group_id.to_string(),
            consumer: consumer.clone(),
            member_id: member_id.to_string(),
            reason,
        });
        let g = self.groups.get_mut(group_id).expect("group");
        if g.members.is_empty() {
            g.leader = None;
            g.sync_at = None;
            g.rebalance_started_at = None;
            g.rebalance_deadline = None;
            g.pending_assignment = None;
            // Kafka: the last member leaving prepares a rebalance, whose join then completes
            // with nobody: a new (empty) generation, state Empty.
            let state = g.state;
            g.generation += 1;
            if matches!(state, GroupState::Stable | GroupState::CompletingRebalance) {
                self.set_group_state(group_id, GroupState::PreparingRebalance);
            }
            self.set_group_state(group_id, GroupState::Empty);
            return;
        }
        match g.state {
            GroupState::Stable | GroupState::CompletingRebalance => {
                let member = consumer.clone();
                let reason = match reason {
                    LeaveReason::SessionTimeout => RebalanceReason::SessionTimeout { member },
                    LeaveReason::MaxPollIntervalExceeded => {
                        RebalanceReason::MaxPollIntervalExceeded { member }
                    }
                    _ => RebalanceReason::MemberLeft { member },
                };
                self.start_rebalance(group_id, reason, now);
                if let Some(g) = self.groups.get_mut(group_id) {
                    for tp in departing {
                        g.owners_before.entry(tp).or_insert_with(|| consumer.clone());
                    }
                }
            }
            GroupState::PreparingRebalance => self.try_complete_join(group_id, now),
            _ => {}
        }
    }

    /// The coordinator's timers for one classic group: session expiry, the rebalance timeout
    /// (of the join phase, or of a leader that never sent SyncGroup), the initial delay, and
    /// the end of the SyncGroup hop.
    pub(crate) fn classic_tick(&mut self, group_id: &str, now: Millis) {
        let Some(g) = self.groups.get(group_id) else {
            return;
        };
        let expired: Vec<String> = g
            .members
            .values()
            .filter(|m| !g.member_in_flight(m) && now > m.last_heartbeat + m.session_timeout_ms)
            .map(|m| m.member_id.clone())
            .collect();
        for id in expired {
            self.classic_remove_member(group_id, &id, LeaveReason::SessionTimeout, now);
        }
        let Some(g) = self.groups.get(group_id) else {
            return;
        };
        match g.state {
            GroupState::PreparingRebalance if g.rebalance_deadline.is_some_and(|t| t <= now) => {
                self.complete_join(group_id, now)
            }
            GroupState::PreparingRebalance => self.try_complete_join(group_id, now),
            GroupState::CompletingRebalance if g.rebalance_deadline.is_some_and(|t| t <= now) => {
                // `expirePendingSync`: members that never sent SyncGroup are removed, and the
                // group rebalances without them.
                let silent: Vec<String> = g
                    .members
                    .keys()
                    .filter(|m| !self.parked.contains_key(&(group_id.to_string(), m.to_string())))
                    .cloned()
                    .collect();
                if let Some(g) = self.groups.get_mut(group_id) {
                    g.rebalance_deadline = None;
                }
                for id in silent {
                    self.classic_remove_member(group_id, &id, LeaveReason::RebalanceTimeout, now);
                }
            }
            GroupState::CompletingRebalance if g.sync_at.is_some_and(|t| t <= now) => {
                if g.pending_assignment.is_some() {
                    self.complete_sync(group_id, now);
                } else if let Some(g) = self.groups.get_mut(group_id) {
                    // The hop is over; the leader's SyncGroup completes the round when it comes.
                    g.sync_at = None;
                }
            }
            _ => {}
        }
    }
}

/// Kafka's protocol vote (`ClassicGroup.selectProtocol`): candidates are the strategies
/// every member supports; each member votes for its first candidate; most votes wins.
/// Ties go to the leader's preference order (Java's map order is unspecified there).
fn select_protocol(g: &Group) -> Option<Strategy> {
    let members: Vec<&GroupMember> = g.members.values().collect();
    let first = members.first()?;
    let candidates: Vec<Strategy> = first
        .strategies
        .iter()
        .copied()
        .filter(|s| members.iter().all(|m| m.strategies.contains(s)))
        .collect();
    if candidates.is_empty() {
        return first.strategies.first().copied();
    }
    let mut votes: BTreeMap<Strategy, usize> = BTreeMap::new();
    for m in &members {
        if let Some(v) = m.strategies.iter().find(|s| candidates.contains(s)) {
            *votes.entry(*v).or_default() += 1;
        }
    }
    let leader_prefs =
        g.leader.as_ref().and_then(|l| g.members.get(l)).map(|m| m.strategies.clone()).unwrap_or_default();
    let best = votes.values().copied().max().unwrap_or(0);
    leader_prefs.iter().chain(candidates.iter()).copied().find(|s| votes.get(s).copied().unwrap_or(0) == best)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ids::BrokerId;
    use crate::core::protocol::join_group::JoinGroupRequestProtocol;

    fn join(member: Option<&str>) -> JoinGroupRequest {
        JoinGroupRequest {
            group_id: "g".into(),
            session_timeout_ms: 45_000,
            rebalance_timeout_ms: 300_000,
            member_id: member.map(Into::into),
            group_instance_id: None,
            protocols: vec![JoinGroupRequestProtocol {
                name: Strategy::Range,
                topics: vec!["orders".into()],
                owned_partitions: Vec::new(),
                generation_id: -1,
            }],
            reason: None,
        }
    }

    fn replies(b: &mut Broker) -> Vec<(NodeId, Response)> {
        b.take_outbox()
            .into_iter()
            .filter_map(|o| match o {
                Output::Reply { to, response, .. } => Some((to, response)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_new_member_gets_its_id_first_then_waits_in_joingroup_until_the_round_completes() {
        let mut b = Broker::new(BrokerId::FIRST);
        let mut rng = oorandom::Rand64::new(1);
        let c1 = NodeId::consumer("c1");
        let first = b.join_group(0, &c1, CorrelationId(1), None, &join(None), &mut rng).expect("answered");
        assert_eq!(first.error_code, Some(ErrorCode::MemberIdRequired));
        assert!(first.member_id.as_str().starts_with("c1-"));
        let stale = b.join_group(0, &c1, CorrelationId(2), None, &join(Some("c1-nobody")), &mut rng);
        assert_eq!(stale.and_then(|a| a.error_code), Some(ErrorCode::UnknownMemberId));
        let id = first.member_id.as_str().to_string();
        // Held: the initial delay (0 here) is over at once, so the round completes now and the
        // answer comes through the outbox, naming c1 the leader with every subscription.
        assert_eq!(b.join_group(0, &c1, CorrelationId(3), None, &join(Some(&id)), &mut rng), None);
        let out = replies(&mut b);
        let [(to, Response::JoinGroup(a))] = &out[..] else { panic!("{out:?}") };
        assert_eq!((to, a.generation_id, a.leader.as_str()), (&c1, 1, id.as_str()));
        assert_eq!(a.members.len(), 1);
        assert_eq!(b.groups["g"].state, GroupState::CompletingRebalance);
    }

    #[test]
    fn syncgroup_waits_for_the_leaders_assignment_and_refuses_a_stale_generation() {
        let mut b = Broker::new(BrokerId::FIRST);
        b.group_config.sync_hop_ms = 200;
        let mut rng = oorandom::Rand64::new(1);
        let c1 = NodeId::consumer("c1");
        let id = b.join_group(0, &c1, CorrelationId(1), None, &join(None), &mut rng).unwrap().member_id;
        b.join_group(0, &c1, CorrelationId(2), None, &join(Some(id.as_str())), &mut rng);
        b.take_outbox();
        let sync = |generation_id, assignments| SyncGroupRequest {
            group_id: "g".into(),
            generation_id,
            member_id: id.clone(),
            group_instance_id: None,
            protocol_name: Some(Strategy::Range),
            assignments,
        };
        let stale = b.sync_group(10, &c1, CorrelationId(3), None, &sync(0, Vec::new()));
        assert_eq!(stale.and_then(|a| a.error_code), Some(ErrorCode::IllegalGeneration));
        let share = vec![TopicPartition::new("orders", 0)];
        assert_eq!(
            b.sync_group(10, &c1, CorrelationId(4), None, &sync(1, vec![(id.clone(), share.clone())])),
            None
        );
        assert!(replies(&mut b).is_empty(), "held until the hop is over");
        b.classic_tick("g", 200);
        let out = replies(&mut b);
        let [(_, Response::SyncGroup(a))] = &out[..] else { panic!("{out:?}") };
        assert_eq!((a.error_code, &a.assignment), (None, &share));
        assert_eq!(b.groups["g"].state, GroupState::Stable);
        assert_eq!(b.parked_requests(), 0);
    }
}

#[cfg(test)]
mod leave_tests {
    use super::*;
    use crate::core::ids::BrokerId;
    use crate::core::protocol::leave_group::MemberIdentity;

    #[test]
    fn leavegroup_removes_a_known_member_at_once_and_names_an_unknown_one() {
        let mut b = Broker::new(BrokerId::FIRST);
        let mut g = Group::new("g");
        g.protocol = Some(GroupProtocol::Classic);
        g.state = GroupState::Stable;
        g.generation = 2;
        g.members.insert(
            "m1".into(),
            GroupMember {
                member_id: "m1".into(),
                consumer: "c1".into(),
                instance_id: None,
                topics: vec!["orders".into()],
                strategies: vec![Strategy::Range],
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
        let who = |id: &str| MemberIdentity { member_id: id.into(), group_instance_id: None, reason: None };
        let r = LeaveGroupRequest { group_id: "g".into(), members: vec![who("m9"), who("m1")] };
        let answer = b.leave_group(10, None, &r);
        let codes: Vec<_> = answer.members.iter().map(|(_, e)| *e).collect();
        assert_eq!(codes, [Some(ErrorCode::UnknownMemberId), None]);
        assert!(b.groups["g"].members.is_empty());
        assert_eq!(b.groups["g"].state, GroupState::Empty, "the last member leaving empties the group");
    }
}
