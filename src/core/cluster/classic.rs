//! The classic group protocol on the member's side (`ConsumerCoordinator` /
//! `AbstractCoordinator`), eager and cooperative. The coordinator's side is the broker's
//! (`broker/classic.rs`); a member learns everything from the answers it gets.
//!
//! Eager: on a rebalance every member commits, revokes everything and rejoins; nobody
//! consumes until SyncGroup hands out the new assignment (stop-the-world).
//! Cooperative: members keep what they own while rejoining; the leader's assignment withholds
//! any partition that changes owner; its owner revokes it and rejoins at once, and a follow-up
//! rebalance gives it to the new owner.

use crate::core::cluster::Cluster;
use crate::core::consumer::{is_authorization, ConsumerMode, ConsumerStatus, MemberPhase, Membership};
use crate::core::error::ErrorCode;
use crate::core::event::{EventKind, RebalanceReason};
use crate::core::group::assignor::{self, MemberSubscription, Strategy, TopicPartition};
use crate::core::group::{GroupProtocol, GroupState};
use crate::core::ids::{CorrelationId, NodeId};
use crate::core::protocol::heartbeat::HeartbeatRequest;
use crate::core::protocol::join_group::{JoinGroupRequest, JoinGroupRequestProtocol, JoinGroupResponse};
use crate::core::protocol::metadata::MetadataRequest;
use crate::core::protocol::sync_group::{SyncGroupRequest, SyncGroupResponse};
use crate::core::protocol::Response;
use crate::core::sort::CollectTree;
use crate::core::time::Millis;
use std::collections::BTreeMap;

/// Kafka's `JOIN_GROUP_TIMEOUT_LAPSE`: a JoinGroup may wait the rebalance timeout and this.
const JOIN_GROUP_TIMEOUT_LAPSE_MS: Millis = 5_000;

impl Cluster {
    /// The member's side of `poll()` when it must (re)join: eager members commit and revoke
    /// everything first (`onJoinPrepare`), then send JoinGroup. A new member learns its
    /// member id from a first MEMBER_ID_REQUIRED answer and sends JoinGroup again with it.
    pub(crate) fn classic_join(&mut self, name: &str, now: Millis) {
        let Some(c) = self.consumers.get(name) else {
            return;
        };
        let Some(m) = &c.membership else { return };
        let group_id = m.group.clone();
        let ConsumerMode::Group { topics } = &c.spec.mode else {
            return;
        };
        if m.phase == MemberPhase::Joining {
            // Its JoinGroup is still waiting for the round.
            if let Some(m) = self.consumers.get_mut(name).and_then(|c| c.membership.as_mut()) {
                m.rejoin_needed = false;
            }
            return;
        }
        let topics = topics.clone();
        let cooperative = c.spec.config.is_cooperative();
        let user = c.spec.user.clone();
        if !cooperative {
            // onJoinPrepare: commit (auto-commit), then revoke everything.
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
        let reason = if cooperative && m.handing_over {
            Some(RebalanceReason::CooperativeFollowUp { member: name.to_string() })
        } else {
            m.rejoin_reason.clone()
        };
        let mut request = JoinGroupRequest {
            group_id: group_id.as_str().into(),
            session_timeout_ms: cfg.session_timeout_ms,
            rebalance_timeout_ms: cfg.max_poll_interval_ms,
            member_id: m.member_id.as_deref().map(Into::into),
            group_instance_id: cfg.group_instance_id.clone(),
            protocols: cfg
                .assignment_strategy
                .iter()
                .map(|&name| JoinGroupRequestProtocol {
                    name,
                    topics: topics.clone(),
                    owned_partitions: owned.clone(),
                    generation_id: owned_generation,
                })
                .collect(),
            reason,
        };
        let timeout =
            self.net.request_timeout_ms().max(cfg.max_poll_interval_ms + JOIN_GROUP_TIMEOUT_LAPSE_MS);
        // At most: UNKNOWN_MEMBER_ID (forget the old id), MEMBER_ID_REQUIRED, then the join.
        let mut answer = None;
        let mut correlation = CorrelationId(0);
        for _ in 0..3 {
            let (id, a) = self.call_with_timeout(
                now,
                NodeId::consumer(name),
                user.as_deref(),
                request.clone().into(),
                timeout,
            );
            correlation = id;
            match a {
                Some(Response::JoinGroup(a)) if a.error_code == Some(ErrorCode::MemberIdRequired) => {
                    request.member_id = Some(a.member_id.clone());
                }
                Some(Response::JoinGroup(a))
                    if a.error_code == Some(ErrorCode::UnknownMemberId) && request.member_id.is_some() =>
                {
                    request.member_id = None;
                }
                Some(Response::JoinGroup(a)) => {
                    answer = Some(a);
                    break;
                }
                _ => break,
            }
        }
        match answer.as_ref().and_then(|a| a.error_code) {
            Some(code) if is_authorization(code) => {
                self.report_error(name, code, format!("JoinGroup {group_id}"), now);
                return;
            }
            Some(ErrorCode::InconsistentGroupProtocol) => {
                let detail = format!("group {group_id} is a consumer-protocol (KIP-848) or share group");
                self.report_error(name, ErrorCode::InconsistentGroupProtocol, detail, now);
                return;
            }
            _ => {}
        }
        // The coordinator took the JoinGroup (it answers when the round completes).
        let known = self.partition_counts(name, now, Some(topics));
        if let Some(m) = self.consumers.get_mut(name).and_then(|c| c.membership.as_mut()) {
            m.member_id = request.member_id.as_ref().map(|id| id.as_str().to_string());
            m.phase = MemberPhase::Joining;
            m.rejoin_needed = false;
            m.handing_over = false;
            m.rejoin_reason = None;
            // The subscription's partition counts as of this JoinGroup: a later metadata
            // refresh compares with these (not with another topic subscribed before).
            m.known_partitions = known;
        }
        self.route.awaiting.insert(name.to_string(), correlation);
        self.clear_group_error(name);
        if let Some(a) = answer {
            self.classic_on_join_group(name, correlation, a, now);
        }
    }

    /// Partition counts of `topics` (all topics: `None`), from a Metadata request.
    fn partition_counts(
        &mut self,
        name: &str,
        now: Millis,
        topics: Option<Vec<String>>,
    ) -> BTreeMap<String, u32> {
        let user = self.consumers.get(name).and_then(|c| c.spec.user.clone());
        let request = MetadataRequest { topics, allow_auto_topic_creation: false };
        let Some(Response::Metadata(answer)) =
            self.call(now, NodeId::consumer(name), user.as_deref(), request.into())
        else {
            return BTreeMap::new();
        };
        answer
            .topics
            .into_iter()
            .filter(|t| t.error_code.is_none())
            .map(|t| (t.name, t.partitions.len() as u32))
            .collect_map()
    }

    /// The member's process runs, is in `phase`, and its JoinGroup or SyncGroup in flight is
    /// `correlation` (an answer to any other is stale: its client drops it).
    fn awaits(&self, name: &str, correlation: CorrelationId, phase: MemberPhase) -> bool {
        self.route.awaiting.get(name) == Some(&correlation)
            && self
                .consumers
                .get(name)
                .is_some_and(|c| c.is_alive() && c.membership.as_ref().is_some_and(|m| m.phase == phase))
    }

    /// The member's side of a JoinGroup answer: it is in the new generation and sends
    /// SyncGroup; the leader first runs the group's assignor over every member's subscription
    /// (`ConsumerCoordinator.onLeaderElected`), with the partition counts its metadata gives.
    pub(crate) fn classic_on_join_group(
        &mut self,
        name: &str,
        correlation: CorrelationId,
        answer: JoinGroupResponse,
        now: Millis,
    ) {
        if !self.awaits(name, correlation, MemberPhase::Joining) {
            return;
        }
        self.route.awaiting.remove(name);
        let c = &self.consumers[name];
        let user = c.spec.user.clone();
        let instance = c.spec.config.group_instance_id.clone();
        let m = c.membership.as_ref().expect("awaits");
        let group_id = m.group.clone();
        if let Some(code) = answer.error_code {
            match code {
                ErrorCode::FencedInstanceId => self.fence_consumer(name, &group_id, now),
                // The round went on without it, or it must start over: join again.
                _ => {
                    if let Some(m) = self.consumers.get_mut(name).and_then(|c| c.membership.as_mut()) {
                        m.phase = MemberPhase::Unjoined;
                        if code == ErrorCode::UnknownMemberId {
                            m.member_id = None;
                            m.generation = -1;
                        }
                    }
                }
            }
            return;
        }
        let member_id = answer.member_id.as_str().to_string();
        let is_leader = answer.leader.as_str() == member_id;
        if let Some(m) = self.consumers.get_mut(name).and_then(|c| c.membership.as_mut()) {
            m.phase = MemberPhase::AwaitingSync;
            m.generation = answer.generation_id;
            m.member_id = Some(member_id.clone());
            m.is_leader = is_leader;
        }
        let assignments = if is_leader && !answer.members.is_empty() {
            let strategy = answer.protocol_name.unwrap_or(Strategy::Range);
            let subs: Vec<MemberSubscription> = answer
                .members
                .iter()
                .map(|x| MemberSubscription {
                    member_id: x.member_id.as_str().to_string(),
                    group_instance_id: x.group_instance_id.clone(),
                    topics: x.topics.clone(),
                    owned: x.owned_partitions.clone(),
                    generation: (x.generation_id >= 0).then_some(x.generation_id),
                })
                .collect();
            let topics = self.partition_counts(name, now, None);
            // The group chose a strategy every member supports: a client-side one.
            let chosen = assignor::client_assignor(strategy).unwrap_or(&assignor::range::RangeAssignor);
            chosen.assign(&topics, &subs).into_iter().map(|(m, parts)| (m.as_str().into(), parts)).collect()
        } else {
            Vec::new()
        };
        let request = SyncGroupRequest {
            group_id: group_id.as_str().into(),
            generation_id: answer.generation_id,
            member_id: member_id.as_str().into(),
            group_instance_id: instance,
            protocol_name: answer.protocol_name,
            assignments,
        };
        let timeout = self
            .net
            .request_timeout_ms()
            .max(self.consumers[name].spec.config.max_poll_interval_ms + JOIN_GROUP_TIMEOUT_LAPSE_MS);
        let (id, reply) =
            self.call_with_timeout(now, NodeId::consumer(name), user.as_deref(), request.into(), timeout);
        self.route.awaiting.insert(name.to_string(), id);
        if let Some(Response::SyncGroup(reply)) = reply {
            self.classic_on_sync_group(name, id, reply, now);
        }
    }

    /// The member's side of a SyncGroup answer. REBALANCE_IN_PROGRESS: rejoin. Otherwise it
    /// takes its share; whether it had stopped consuming for this rebalance (eager) is noted
    /// for the rebalance's story.
    pub(crate) fn classic_on_sync_group(
        &mut self,
        name: &str,
        correlation: CorrelationId,
        answer: SyncGroupResponse,
        now: Millis,
    ) {
        if !self.awaits(name, correlation, MemberPhase::AwaitingSync) {
            return;
        }
        self.route.awaiting.remove(name);
        let c = self.consumers.get_mut(name).expect("awaits");
        let heartbeat_interval = c.spec.config.heartbeat_interval_ms;
        let m = c.membership.as_mut().expect("awaits");
        let group_id = m.group.clone();
        match answer.error_code {
            None => {}
            Some(ErrorCode::FencedInstanceId) => return self.fence_consumer(name, &group_id, now),
            Some(ErrorCode::UnknownMemberId) => {
                m.member_id = None;
                m.generation = -1;
                m.phase = MemberPhase::Unjoined;
                return;
            }
            // REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION: rejoin.
            Some(_) => {
                m.rejoin_needed = true;
                return;
            }
        }
        let stopped = m.stopped_since.take().is_some();
        let generation = m.generation;
        m.phase = MemberPhase::Stable;
        m.next_heartbeat_at = now + heartbeat_interval;
        if stopped {
            self.sync_stopped.entry(group_id.clone()).or_default().push(name.to_string());
        }
        self.deliver_classic_assignment(name, &group_id, answer.assignment, generation, now);
    }

    /// The member applies its SyncGroup share: cooperative members revoke what moved away
    /// (and rejoin at once), then everyone takes on what is new.
    pub(crate) fn deliver_classic_assignment(
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
            Some(ErrorCode::FencedInstanceId) => self.fence_consumer(name, &group_id, now),
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
            m.is_leader = false;
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

    /// Another instance with the same `group.instance.id` took this one's place; it learns it
    /// (FENCED_INSTANCE_ID) from its next request, and closes (a fatal error in the Java client).
    pub(crate) fn fence_consumer(&mut self, name: &str, group_id: &str, now: Millis) {
        self.lose_membership(name, group_id, ErrorCode::FencedInstanceId, now);
        if let Some(c) = self.consumers.get_mut(name) {
            if c.is_alive() {
                c.status = ConsumerStatus::Closed;
            }
        }
    }

    /// Runs the coordinator's timers for one group, then delivers what they produced.
    pub(crate) fn step_group(&mut self, group_id: &str, now: Millis) {
        let Some(g) = self.broker.groups.get(group_id) else {
            return;
        };
        if g.protocol == Some(GroupProtocol::Consumer) {
            self.broker.consumer_group_tick(group_id, now);
            return self.flush_broker(now);
        }
        self.broker.classic_tick(group_id, now);
        self.flush_broker(now);
    }

    /// The broker's coordinator rebalances a group (a topic it subscribes to was deleted).
    pub(crate) fn request_rebalance(&mut self, group_id: &str, reason: RebalanceReason, now: Millis) {
        let Some(g) = self.broker.groups.get(group_id) else {
            return;
        };
        if g.members.is_empty() {
            return;
        }
        let kip848 = g.protocol == Some(GroupProtocol::Consumer);
        match g.state {
            GroupState::Stable | GroupState::Reconciling | GroupState::Assigning if kip848 => {
                self.broker.cg_bump(group_id, reason, now);
                self.flush_broker(now);
            }
            GroupState::Stable | GroupState::CompletingRebalance => {
                self.broker.start_rebalance(group_id, reason, now);
                self.flush_broker(now);
            }
            _ => {}
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
            protocol: c.spec.config.group_protocol,
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
            is_leader: false,
            rejoin_reason: None,
        });
    }
}

impl Cluster {
    /// The member's JoinGroup or SyncGroup got no answer within its timeout: it joins again.
    pub(crate) fn classic_timed_out(&mut self, name: &str, correlation: CorrelationId) {
        if self.route.awaiting.get(name) != Some(&correlation) {
            return;
        }
        self.route.awaiting.remove(name);
        if let Some(m) = self.consumers.get_mut(name).and_then(|c| c.membership.as_mut()) {
            if matches!(m.phase, MemberPhase::Joining | MemberPhase::AwaitingSync) {
                m.phase = MemberPhase::Unjoined;
            }
        }
    }
}
