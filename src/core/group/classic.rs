//! The classic group protocol (JoinGroup / SyncGroup / Heartbeat / LeaveGroup), eager and
//! cooperative, as `GroupCoordinator` and `ConsumerCoordinator` play it.
//!
//! Eager: on a rebalance every member commits, revokes everything and rejoins; nobody
//! consumes until SyncGroup hands out the new assignment (stop-the-world).
//! Cooperative: members keep what they own while rejoining; the assignment withholds any
//! partition that changes owner; its owner revokes it and rejoins at once, and a follow-up
//! rebalance gives it to the new owner.

use super::assignor::{self, MemberSubscription, Strategy, TopicPartition};
use super::{Group, GroupMember, GroupState};
use crate::core::cluster::Cluster;
use crate::core::config::GroupProtocol;
use crate::core::consumer::{is_authorization, ConsumerMode, ConsumerStatus, MemberPhase, Membership};
use crate::core::error::ErrorCode;
use crate::core::event::{EventKind, LeaveReason, Move, RebalanceProtocol, RebalanceReason};
use crate::core::ids::NodeId;
use crate::core::protocol::heartbeat::HeartbeatRequest;
use crate::core::protocol::join_group::JoinGroupResponse;
use crate::core::protocol::sync_group::SyncGroupResponse;
use crate::core::protocol::Response;
use crate::core::time::Millis;
use std::collections::BTreeMap;

impl Cluster {
    pub(crate) fn set_group_state(&mut self, group: &str, to: GroupState, now: Millis) {
        let Some(g) = self.broker.groups.get_mut(group) else {
            return;
        };
        let from = g.state;
        if from == to {
            return;
        }
        g.state = to;
        self.events_push(now, EventKind::GroupStateChanged { group: group.to_string(), from, to });
    }

    /// A fresh member id: `<consumer>-<8 hex>` (Java: `<client.id>-<UUID>`), from the seed.
    pub(crate) fn new_member_id(&mut self, consumer: &str) -> String {
        format!("{consumer}-{:08x}", self.rng.rand_u64() as u32)
    }

    /// The member's side of `poll()` when it must (re)join: eager members commit and revoke
    /// everything first (`onJoinPrepare`), then send JoinGroup.
    pub(crate) fn classic_join(&mut self, name: &str, now: Millis) {
        let Some(c) = self.consumers.get(name) else {
            return;
        };
        let Some(group_id) = c.group_id().map(str::to_string) else {
            return;
        };
        let ConsumerMode::Group { topics } = &c.spec.mode else {
            return;
        };
        let already_joined = c.membership.as_ref().and_then(|m| m.member_id.as_ref()).is_some_and(|id| {
            self.broker.groups.get(&group_id).is_some_and(|g| {
                g.state == GroupState::PreparingRebalance && g.members.get(id).is_some_and(|x| x.joined)
            })
        });
        if already_joined {
            if let Some(m) = self.consumers.get_mut(name).and_then(|c| c.membership.as_mut()) {
                m.rejoin_needed = false;
            }
            return;
        }
        let topics = topics.clone();
        let cooperative = c.spec.config.is_cooperative();
        let user = c.spec.user.clone();
        if let Err(code) = self.broker.authorize_group(user.as_deref(), &group_id) {
            self.report_error(name, code, format!("JoinGroup {group_id}"), now);
            return;
        }
        let g = self.broker.groups.entry(group_id.clone()).or_insert_with(|| Group::new(&group_id));
        if g.protocol == Some(GroupProtocol::Consumer) && !g.members.is_empty() {
            self.report_error(
                name,
                ErrorCode::InconsistentGroupProtocol,
                format!("group {group_id} uses the consumer protocol (KIP-848)"),
                now,
            );
            return;
        }
        if !cooperative {
            // onJoinPrepare: commit (auto-commit), then revoke everything.
            let c = &self.consumers[name];
            if c.spec.config.enable_auto_commit && !c.assignment.is_empty() {
                let offsets = c.commit_positions();
                self.commit(name, offsets, true, now);
            }
            let had = !self.consumers[name].assignment.is_empty();
            self.revoke_all(name, &group_id, now);
            if had {
                if let Some(m) = self.consumers.get_mut(name).and_then(|c| c.membership.as_mut()) {
                    m.stopped_since = Some(now);
                }
            }
        }
        let c = &self.consumers[name];
        let cfg = c.spec.config.clone();
        let m = c.membership.clone().expect("group consumer has a membership");
        let owned = if cooperative { c.assignment.clone() } else { m.previous.clone() };
        let owned_generation = if cooperative { m.generation } else { m.previous_generation };

        // Static membership: a known group.instance.id takes over the old member.
        let mut member_id = m.member_id.clone();
        let mut static_takeover = None;
        if let Some(inst) = &cfg.group_instance_id {
            let g = &self.broker.groups[&group_id];
            if let Some(old) = g.members.values().find(|x| x.instance_id.as_deref() == Some(inst.as_str())) {
                if member_id.as_deref() != Some(old.member_id.as_str()) {
                    static_takeover = Some((old.member_id.clone(), old.consumer.clone()));
                }
            }
        }
        if let Some((old_id, old_consumer)) = static_takeover {
            if old_consumer != name {
                // Another live instance with the same id: it is fenced (FENCED_INSTANCE_ID).
                self.fence_consumer(&old_consumer, &group_id, now);
            }
            let new_id = self.new_member_id(name);
            let g = self.broker.groups.get_mut(&group_id).expect("group");
            let mut old = g.members.remove(&old_id).expect("member");
            old.member_id = new_id.clone();
            old.consumer = name.to_string();
            old.last_heartbeat = now;
            if g.leader.as_deref() == Some(old_id.as_str()) {
                g.leader = Some(new_id.clone());
            }
            let keep = old.assignment.clone();
            let generation = g.generation;
            g.members.insert(new_id.clone(), old);
            if g.state == GroupState::Stable {
                // KIP-345: no rebalance; the member gets its old assignment back.
                self.events_push(
                    now,
                    EventKind::StaticMemberRejoined {
                        group: group_id.clone(),
                        consumer: name.to_string(),
                        instance_id: cfg.group_instance_id.clone().unwrap_or_default(),
                    },
                );
                if let Some(m) = self.consumers.get_mut(name).and_then(|c| c.membership.as_mut()) {
                    m.member_id = Some(new_id);
                    m.generation = generation;
                    m.phase = MemberPhase::Stable;
                    m.rejoin_needed = false;
                    m.next_heartbeat_at = now + cfg.heartbeat_interval_ms;
                }
                self.deliver_classic_assignment(name, &group_id, keep, generation, now);
                return;
            }
            member_id = Some(new_id);
        }

        let member_id = match member_id {
            Some(id) if self.broker.groups[&group_id].members.contains_key(&id) => id,
            _ => self.new_member_id(name),
        };
        let g = self.broker.groups.get_mut(&group_id).expect("group");
        g.protocol = Some(GroupProtocol::Classic);
        g.join_counter += 1;
        let seq = g.join_counter;
        let is_new = !g.members.contains_key(&member_id);
        let subscription_changed = g.members.get(&member_id).is_some_and(|x| x.topics != topics);
        let strategy_changed =
            g.members.get(&member_id).is_some_and(|x| x.strategies != cfg.assignment_strategy);
        let member = g.members.entry(member_id.clone()).or_insert_with(|| GroupMember {
            member_id: member_id.clone(),
            consumer: name.to_string(),
            instance_id: cfg.group_instance_id.clone(),
            topics: topics.clone(),
            strategies: cfg.assignment_strategy.clone(),
            owned: Vec::new(),
            owned_generation: -1,
            joined: false,
            join_seq: seq,
            last_heartbeat: now,
            session_timeout_ms: cfg.session_timeout_ms,
            rebalance_timeout_ms: cfg.max_poll_interval_ms,
            assignment: Vec::new(),
            epoch: 0,
        });
        member.topics = topics.clone();
        member.strategies = cfg.assignment_strategy.clone();
        member.owned = owned;
        member.owned_generation = owned_generation;
        member.joined = true;
        member.join_seq = seq;
        member.last_heartbeat = now;
        member.session_timeout_ms = cfg.session_timeout_ms;
        member.rebalance_timeout_ms = cfg.max_poll_interval_ms;
        let state = g.state;
        // The subscription's partition counts as of this JoinGroup: a later metadata refresh
        // compares with these (not with another topic subscribed before).
        let known: BTreeMap<String, u32> = topics
            .iter()
            .filter_map(|t| self.broker.topics.get(t).map(|tp| (t.clone(), tp.partition_count())))
            .collect();
        let mut handing_over = false;
        if let Some(c) = self.consumers.get_mut(name) {
            if let Some(m) = c.membership.as_mut() {
                m.member_id = Some(member_id.clone());
                m.phase = MemberPhase::Joining;
                m.rejoin_needed = false;
                m.known_partitions = known;
                handing_over = std::mem::take(&mut m.handing_over);
            }
        }
        // The coordinator took the JoinGroup: an earlier membership error is over.
        self.clear_group_error(name);
        self.events_push(
            now,
            EventKind::MemberJoining {
                group: group_id.clone(),
                consumer: name.to_string(),
                member_id: member_id.clone(),
                protocol: GroupProtocol::Classic,
            },
        );
        if state != GroupState::PreparingRebalance {
            let reason = if is_new {
                RebalanceReason::MemberJoined { member: name.to_string() }
            } else if subscription_changed {
                RebalanceReason::SubscriptionChanged { member: name.to_string() }
            } else if strategy_changed {
                RebalanceReason::StrategyChanged { member: name.to_string() }
            } else if cooperative && handing_over {
                RebalanceReason::CooperativeFollowUp { member: name.to_string() }
            } else {
                RebalanceReason::MemberRejoined { member: name.to_string() }
            };
            self.start_rebalance(&group_id, reason, now);
            // This member's join counts for the new round.
            if let Some(x) = self.broker.groups.get_mut(&group_id).and_then(|g| g.members.get_mut(&member_id))
            {
                x.joined = true;
            }
        } else if let Some(g) = self.broker.groups.get_mut(&group_id) {
            // A new member during the initial delay pushes it out (InitialDelayedJoin).
            if let (Some(until), Some(started)) = (g.initial_delay_until, g.rebalance_started_at) {
                if is_new {
                    let cap = started + g.members.values().map(|m| m.rebalance_timeout_ms).max().unwrap_or(0);
                    g.initial_delay_until =
                        Some((now + self.config.group_initial_rebalance_delay_ms).min(cap).max(until));
                }
            }
        }
        self.try_complete_join(&group_id, now);
    }

    /// Moves a group to PreparingRebalance: every member must rejoin.
    pub(crate) fn start_rebalance(&mut self, group_id: &str, reason: RebalanceReason, now: Millis) {
        let Some(g) = self.broker.groups.get(group_id) else {
            return;
        };
        if g.protocol == Some(GroupProtocol::Consumer) {
            return self.cg_bump(group_id, reason, now);
        }
        let was_empty = g.state == GroupState::Empty;
        if !matches!(g.state, GroupState::Stable | GroupState::CompletingRebalance | GroupState::Empty) {
            return;
        }
        // Who owns what, as the coordinator last handed it out.
        let owners: BTreeMap<TopicPartition, String> = g
            .members
            .values()
            .flat_map(|m| m.assignment.iter().map(move |tp| (tp.clone(), m.consumer.clone())))
            .collect();
        let delay = self.config.group_initial_rebalance_delay_ms;
        // Members waiting in SyncGroup get REBALANCE_IN_PROGRESS and rejoin.
        let waiting: Vec<(String, String)> =
            g.members.values().map(|m| (m.consumer.clone(), m.member_id.clone())).collect();
        let generation = g.generation;
        for (name, member_id) in waiting {
            let answer = SyncGroupResponse {
                error_code: Some(ErrorCode::RebalanceInProgress),
                protocol_name: None,
                assignment: Vec::new(),
            };
            self.classic_on_sync_group(&name, group_id, &member_id, generation, answer, now);
        }
        let g = self.broker.groups.get_mut(group_id).expect("group");
        let generation = g.generation;
        for m in g.members.values_mut() {
            m.joined = false;
        }
        g.sync_at = None;
        g.owners_before = owners;
        g.rebalance_started_at = Some(now);
        let timeout = g.members.values().map(|m| m.rebalance_timeout_ms).max().unwrap_or(300_000);
        g.rebalance_deadline = Some(now + timeout);
        g.initial_delay_until = (was_empty && delay > 0).then_some(now + delay);
        // Cooperative only if every live member's assignors are: one eager member revokes
        // everything and stops (Kafka's RebalanceProtocol is chosen per client).
        let live: Vec<&str> = g.members.values().map(|m| m.consumer.as_str()).collect();
        let cooperative = live
            .iter()
            .filter_map(|n| self.consumers.get(*n).filter(|c| c.is_alive()))
            .fold(None, |all, c| Some(all.unwrap_or(true) && c.spec.config.is_cooperative()))
            .unwrap_or(false);
        let rebalance_protocol =
            if cooperative { RebalanceProtocol::Cooperative } else { RebalanceProtocol::Eager };
        self.set_group_state(group_id, GroupState::PreparingRebalance, now);
        self.events_push(
            now,
            EventKind::RebalanceStarted {
                group: group_id.to_string(),
                generation,
                reason,
                rebalance_protocol,
            },
        );
    }

    /// Some member asked for a rebalance (e.g. the leader saw new partitions).
    pub(crate) fn request_rebalance(&mut self, group_id: &str, reason: RebalanceReason, now: Millis) {
        let Some(g) = self.broker.groups.get(group_id) else {
            return;
        };
        if g.members.is_empty() {
            return;
        }
        match g.state {
            GroupState::Stable | GroupState::CompletingRebalance => {
                self.start_rebalance(group_id, reason, now)
            }
            GroupState::Reconciling | GroupState::Assigning => self.cg_bump(group_id, reason, now),
            _ => {}
        }
    }

    /// Completes the join phase when every member has rejoined (and the initial delay, if
    /// any, is over).
    pub(crate) fn try_complete_join(&mut self, group_id: &str, now: Millis) {
        let Some(g) = self.broker.groups.get(group_id) else {
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

    /// New generation: drop members that did not rejoin, choose leader and protocol.
    fn complete_join(&mut self, group_id: &str, now: Millis) {
        let Some(g) = self.broker.groups.get(group_id) else {
            return;
        };
        let late: Vec<(String, String)> = g
            .members
            .values()
            .filter(|m| !m.joined)
            .map(|m| (m.member_id.clone(), m.consumer.clone()))
            .collect();
        for (member_id, consumer) in late {
            let g = self.broker.groups.get_mut(group_id).expect("group");
            g.members.remove(&member_id);
            self.release_departed(&consumer);
            self.events_push(
                now,
                EventKind::MemberRemoved {
                    group: group_id.to_string(),
                    consumer,
                    member_id,
                    reason: LeaveReason::RebalanceTimeout,
                },
            );
        }
        let g = self.broker.groups.get_mut(group_id).expect("group");
        g.generation += 1;
        g.initial_delay_until = None;
        g.rebalance_deadline = None;
        if g.members.is_empty() {
            g.leader = None;
            g.strategy = None;
            g.rebalance_started_at = None;
            self.set_group_state(group_id, GroupState::Empty, now);
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
        let answers: Vec<(String, JoinGroupResponse)> = g
            .members
            .values()
            .map(|m| {
                let answer = JoinGroupResponse {
                    error_code: None,
                    generation_id: generation,
                    protocol_name: g.strategy,
                    leader: g.leader.as_deref().unwrap_or_default().into(),
                    member_id: m.member_id.as_str().into(),
                    members: Vec::new(),
                };
                (m.consumer.clone(), answer)
            })
            .collect();
        g.sync_at = Some(now + self.config.network_latency_ms);
        self.set_group_state(group_id, GroupState::CompletingRebalance, now);
        for (name, answer) in answers {
            self.classic_on_join_group(&name, &answer);
        }
        self.events_push(
            now,
            EventKind::JoinCompleted { group: group_id.to_string(), generation, leader, protocol, members },
        );
        if self.config.network_latency_ms == 0 {
            self.complete_sync(group_id, now);
        }
    }

    /// The leader's assignment arrives with its SyncGroup; every member gets its share.
    pub(crate) fn complete_sync(&mut self, group_id: &str, now: Millis) {
        let Some(g) = self.broker.groups.get_mut(group_id) else {
            return;
        };
        g.sync_at = None;
        if g.state != GroupState::CompletingRebalance {
            return;
        }
        let strategy = g.strategy.unwrap_or(Strategy::Range);
        let generation = g.generation;
        let subs: Vec<MemberSubscription> = g
            .members
            .values()
            .map(|m| MemberSubscription {
                member_id: m.member_id.clone(),
                group_instance_id: m.instance_id.clone(),
                topics: m.topics.clone(),
                owned: m.owned.clone(),
                generation: (m.owned_generation >= 0).then_some(m.owned_generation),
            })
            .collect();
        let topics = self.topic_counts();
        let result = assignor::assign(strategy, &topics, &subs);
        let g = self.broker.groups.get_mut(group_id).expect("group");
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
        for (mid, parts) in &result {
            if let Some(m) = g.members.get_mut(mid) {
                m.assignment = parts.clone();
                m.last_heartbeat = now;
                shares.push((m.consumer.clone(), parts.clone(), mid.clone()));
            }
        }
        let started = g.rebalance_started_at.take().unwrap_or(now);
        self.set_group_state(group_id, GroupState::Stable, now);
        self.events_push(
            now,
            EventKind::AssignmentComputed {
                group: group_id.to_string(),
                generation,
                strategy,
                moves,
                assignment: shares.iter().map(|(c, p, _)| (c.clone(), p.clone())).collect(),
                protocol: GroupProtocol::Classic,
            },
        );
        let mut stopped = Vec::new();
        for (consumer, parts, member_id) in shares {
            let answer =
                SyncGroupResponse { error_code: None, protocol_name: Some(strategy), assignment: parts };
            if self.classic_on_sync_group(&consumer, group_id, &member_id, generation, answer, now) {
                stopped.push(consumer);
            }
        }
        self.events_push(
            now,
            EventKind::RebalanceCompleted {
                group: group_id.to_string(),
                generation,
                duration_ms: now.saturating_sub(started),
                stopped,
                protocol: GroupProtocol::Classic,
            },
        );
    }

    /// The member's side of a JoinGroup answer: it is in the new generation and sends
    /// SyncGroup (the playground's coordinator runs the leader's assignor itself, so the
    /// answer's member list stays empty).
    fn classic_on_join_group(&mut self, name: &str, answer: &JoinGroupResponse) {
        if let Some(m) = self.consumers.get_mut(name).and_then(|c| c.membership.as_mut()) {
            m.phase = MemberPhase::AwaitingSync;
            m.generation = answer.generation_id;
        }
    }

    /// The member's side of a SyncGroup answer for `member_id` in `generation`. Only the client
    /// that still is this member and is running takes it (one that lost its membership
    /// meanwhile rejoins instead). REBALANCE_IN_PROGRESS: rejoin. Otherwise it takes its share;
    /// returns whether it had stopped consuming for this rebalance (eager).
    fn classic_on_sync_group(
        &mut self,
        name: &str,
        group_id: &str,
        member_id: &str,
        generation: i32,
        answer: SyncGroupResponse,
        now: Millis,
    ) -> bool {
        let Some(c) = self.consumers.get_mut(name) else {
            return false;
        };
        let heartbeat_interval = c.spec.config.heartbeat_interval_ms;
        let running = matches!(c.status, ConsumerStatus::Running | ConsumerStatus::Paused);
        let Some(m) = c.membership.as_mut() else {
            return false;
        };
        if answer.error_code == Some(ErrorCode::RebalanceInProgress) {
            if m.phase == MemberPhase::AwaitingSync {
                m.rejoin_needed = true;
            }
            return false;
        }
        if m.member_id.as_deref() != Some(member_id) || !running {
            return false;
        }
        let stopped = m.stopped_since.take().is_some();
        m.phase = MemberPhase::Stable;
        m.generation = generation;
        m.next_heartbeat_at = now + heartbeat_interval;
        self.deliver_classic_assignment(name, group_id, answer.assignment, generation, now);
        stopped
    }

    /// The member applies its SyncGroup share: cooperative members revoke what moved away
    /// (and rejoin at once), then everyone takes on what is new.
    fn deliver_classic_assignment(
        &mut self,
        name: &str,
        group_id: &str,
        parts: Vec<TopicPartition>,
        generation: i32,
        now: Millis,
    ) {
        let Some(c) = self.consumers.get(name) else {
            return;
        };
        let owned = c.assignment.clone();
        let revoked: Vec<TopicPartition> = owned.iter().filter(|tp| !parts.contains(tp)).cloned().collect();
        let added: Vec<TopicPartition> = parts.iter().filter(|tp| !owned.contains(tp)).cloned().collect();
        if !revoked.is_empty() {
            // onPartitionsRevoked: commit what was consumed from them first.
            if c.spec.config.enable_auto_commit {
                let offsets: Vec<_> =
                    c.commit_positions().into_iter().filter(|(tp, _)| revoked.contains(tp)).collect();
                if !offsets.is_empty() {
                    self.commit(name, offsets, true, now);
                }
            }
            self.events_push(
                now,
                EventKind::PartitionsRevoked {
                    group: group_id.to_string(),
                    consumer: name.to_string(),
                    partitions: revoked.clone(),
                },
            );
        }
        self.set_assignment(name, parts.clone(), now);
        if let Some(m) = self.consumers.get_mut(name).and_then(|c| c.membership.as_mut()) {
            m.previous = parts.clone();
            m.previous_generation = generation;
            if !revoked.is_empty() {
                // Cooperative: hand the revoked partitions over in a follow-up rebalance.
                m.rejoin_needed = true;
                m.handing_over = true;
            }
        }
        self.events_push(
            now,
            EventKind::PartitionsAssigned {
                group: group_id.to_string(),
                consumer: name.to_string(),
                partitions: parts,
                added,
                generation,
                protocol: GroupProtocol::Classic,
            },
        );
    }

    /// Heartbeat from a classic member: it learns about rebalances and lost membership from
    /// the coordinator's answer alone.
    pub(crate) fn classic_heartbeat(&mut self, name: &str, now: Millis) {
        let Some(c) = self.consumers.get(name) else {
            return;
        };
        let Some(m) = &c.membership else { return };
        let Some(member_id) = m.member_id.as_deref() else {
            return;
        };
        let group_id = m.group.clone();
        let phase = m.phase;
        let request = HeartbeatRequest {
            group_id: group_id.as_str().into(),
            generation_id: m.generation,
            member_id: member_id.into(),
            group_instance_id: c.spec.config.group_instance_id.clone(),
        };
        let user = c.spec.user.clone();
        let Some(Response::Heartbeat(answer)) =
            self.call(now, NodeId::consumer(name), user.as_deref(), request.into())
        else {
            return;
        };
        match answer.error_code {
            None => {}
            Some(code) if is_authorization(code) => {
                self.refuse_group_request(name, &group_id, code, format!("Heartbeat {group_id}"), now);
            }
            // We were removed. Partitions are lost (no commit); rejoin.
            Some(ErrorCode::UnknownMemberId) => {
                self.lose_membership(name, &group_id, ErrorCode::UnknownMemberId, now)
            }
            // A rebalance is on: rejoin at the next poll(). A member already (re)joining
            // ignores a stale generation.
            Some(ErrorCode::RebalanceInProgress) => self.need_rejoin(name),
            Some(ErrorCode::IllegalGeneration) if phase == MemberPhase::Stable => self.need_rejoin(name),
            Some(_) => {}
        }
    }

    fn need_rejoin(&mut self, name: &str) {
        if let Some(m) = self.consumers.get_mut(name).and_then(|c| c.membership.as_mut()) {
            m.rejoin_needed = true;
        }
    }

    /// The member learns it is no longer in the group (`onPartitionsLost`): no commit.
    pub(crate) fn lose_membership(&mut self, name: &str, group_id: &str, code: ErrorCode, now: Millis) {
        let Some(mut c) = self.consumers.remove(name) else {
            return;
        };
        self.consumer_error(&mut c, code, format!("group {group_id}"), now);
        let lost = std::mem::take(&mut c.assignment);
        c.positions.clear();
        c.pending_commit = None;
        if let Some(m) = c.membership.as_mut() {
            m.member_id = None;
            m.generation = -1;
            m.phase = MemberPhase::Unjoined;
            m.rejoin_needed = false;
            m.previous.clear();
            m.pending_revoke.clear();
        }
        self.consumers.insert(name.to_string(), c);
        if !lost.is_empty() {
            self.events_push(
                now,
                EventKind::PartitionsRevoked {
                    group: group_id.to_string(),
                    consumer: name.to_string(),
                    partitions: lost,
                },
            );
        }
    }

    /// Another instance with the same `group.instance.id` joined: this one is fenced.
    fn fence_consumer(&mut self, name: &str, group_id: &str, now: Millis) {
        self.lose_membership(name, group_id, ErrorCode::FencedInstanceId, now);
        if let Some(c) = self.consumers.get_mut(name) {
            if c.is_alive() {
                c.status = ConsumerStatus::Closed;
            }
        }
        self.events_push(
            now,
            EventKind::MemberRemoved {
                group: group_id.to_string(),
                consumer: name.to_string(),
                member_id: String::new(),
                reason: LeaveReason::Fenced,
            },
        );
    }

    /// LeaveGroup, session timeout, max.poll.interval.ms: the member is gone.
    pub(crate) fn classic_remove_member(
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
        let consumer = m.consumer.clone();
        let departing = m.assignment.clone();
        self.release_departed(&consumer);
        self.events_push(
            now,
            EventKind::MemberRemoved {
                group: group_id.to_string(),
                consumer: consumer.clone(),
                member_id: member_id.to_string(),
                reason,
            },
        );
        let g = self.broker.groups.get_mut(group_id).expect("group");
        if g.members.is_empty() {
            g.leader = None;
            g.sync_at = None;
            g.rebalance_started_at = None;
            // Kafka: the last member leaving prepares a rebalance, whose join then completes
            // with nobody: a new (empty) generation, state Empty.
            let state = g.state;
            g.generation += 1;
            if matches!(state, GroupState::Stable | GroupState::CompletingRebalance) {
                self.set_group_state(group_id, GroupState::PreparingRebalance, now);
            }
            self.set_group_state(group_id, GroupState::Empty, now);
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
                if let Some(g) = self.broker.groups.get_mut(group_id) {
                    for tp in departing {
                        g.owners_before.entry(tp).or_insert_with(|| consumer.clone());
                    }
                }
            }
            GroupState::PreparingRebalance => self.try_complete_join(group_id, now),
            _ => {}
        }
    }

    /// The coordinator's timers for one group: session expiry, rebalance timeout, the
    /// initial delay, and the pending SyncGroup.
    pub(crate) fn step_group(&mut self, group_id: &str, now: Millis) {
        let Some(g) = self.broker.groups.get(group_id) else {
            return;
        };
        if g.protocol == Some(GroupProtocol::Consumer) {
            return self.cg_step(group_id, now);
        }
        let expired: Vec<String> = g
            .members
            .values()
            .filter(|m| !g.member_in_flight(m) && now > m.last_heartbeat + m.session_timeout_ms)
            .map(|m| m.member_id.clone())
            .collect();
        for id in expired {
            self.classic_remove_member(group_id, &id, LeaveReason::SessionTimeout, now);
        }
        let Some(g) = self.broker.groups.get(group_id) else {
            return;
        };
        if g.state == GroupState::PreparingRebalance {
            if g.rebalance_deadline.is_some_and(|t| t <= now) {
                self.complete_join(group_id, now);
            } else {
                self.try_complete_join(group_id, now);
            }
        }
        let Some(g) = self.broker.groups.get(group_id) else {
            return;
        };
        if g.sync_at.is_some_and(|t| t <= now) {
            self.complete_sync(group_id, now);
        }
    }

    /// A group-mode consumer gets its client-side membership (not yet joined).
    pub(crate) fn init_membership(&mut self, name: &str, now: Millis) {
        let Some(c) = self.consumers.get_mut(name) else {
            return;
        };
        let Some(group) = c.spec.config.group_id.clone() else {
            return;
        };
        if !c.spec.is_group() {
            c.membership = None;
            return;
        }
        c.membership = Some(Membership {
            group,
            member_id: None,
            generation: -1,
            phase: MemberPhase::Unjoined,
            rejoin_needed: false,
            next_heartbeat_at: now,
            stopped_since: None,
            previous: Vec::new(),
            previous_generation: -1,
            pending_revoke: Vec::new(),
            heartbeat_soon: false,
            handing_over: false,
            known_partitions: BTreeMap::new(),
            next_metadata_at: now,
        });
    }
}

/// Kafka's protocol vote (`GenericGroup.selectProtocol`): candidates are the strategies
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
