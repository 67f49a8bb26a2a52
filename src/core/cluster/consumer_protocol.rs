//! The consumer group protocol (KIP-848, `group.protocol=consumer`) on the member's side
//! (`ConsumerMembershipManager`). The coordinator's side is the broker's
//! (`broker/consumer_group.rs`); a member learns its member id, its member epoch and what it
//! may own only from ConsumerGroupHeartbeat answers.
//!
//! A member sends its subscription and what it owns; the answer names what it may own now.
//! What it owns and the answer leaves out it revokes at its next `poll()` (committing first),
//! then heartbeats at once to report it; what the answer adds it takes at once.

use crate::core::cluster::Cluster;
use crate::core::consumer::{ConsumerMode, MemberPhase};
use crate::core::error::ErrorCode;
use crate::core::event::{EventKind, LeaveReason};
use crate::core::group::assignor::TopicPartition;
use crate::core::ids::NodeId;
use crate::core::protocol::consumer_group_heartbeat::{
    ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse, LEAVE_GROUP_MEMBER_EPOCH,
};
use crate::core::protocol::Response;
use crate::core::time::Millis;

impl Cluster {
    /// `ConsumerGroupHeartbeat`: joins (epoch 0), reports what the member owns, and takes
    /// the answer.
    pub(crate) fn cg_heartbeat(&mut self, name: &str, now: Millis) {
        let Some(c) = self.consumers.get(name) else {
            return;
        };
        let Some(m) = &c.membership else { return };
        let ConsumerMode::Group { topics } = &c.spec.mode else {
            return;
        };
        let request = ConsumerGroupHeartbeatRequest {
            group_id: m.group.as_str().into(),
            member_id: m.member_id.as_deref().map(Into::into),
            member_epoch: if m.member_id.is_some() { m.generation.max(0) } else { 0 },
            instance_id: c.spec.config.group_instance_id.clone(),
            rebalance_timeout_ms: c.spec.config.max_poll_interval_ms,
            subscribed_topic_names: Some(topics.clone()),
            server_assignor: Some(c.spec.config.remote_assignor),
            topic_partitions: Some(c.assignment.clone()),
            leave_reason: None,
        };
        self.cg_send(name, request, now);
    }

    /// Leaves the group: a heartbeat with member epoch -1 (the member already revoked
    /// everything); whatever the answer, it is out of the group as far as it is concerned.
    pub(crate) fn cg_leave(&mut self, name: &str, member_id: &str, reason: LeaveReason, now: Millis) {
        let Some(c) = self.consumers.get(name) else {
            return;
        };
        let Some(m) = &c.membership else { return };
        let request = ConsumerGroupHeartbeatRequest {
            group_id: m.group.as_str().into(),
            member_id: Some(member_id.into()),
            member_epoch: LEAVE_GROUP_MEMBER_EPOCH,
            instance_id: c.spec.config.group_instance_id.clone(),
            rebalance_timeout_ms: c.spec.config.max_poll_interval_ms,
            subscribed_topic_names: None,
            server_assignor: None,
            topic_partitions: None,
            leave_reason: Some(reason),
        };
        let user = c.spec.user.clone();
        let (id, answer) = self.call_correlated(now, NodeId::consumer(name), user.as_deref(), request.into());
        let _ = answer;
        self.after_answer(id, now);
    }

    fn cg_send(&mut self, name: &str, request: ConsumerGroupHeartbeatRequest, now: Millis) {
        let user = self.consumers.get(name).and_then(|c| c.spec.user.clone());
        let (id, answer) = self.call_correlated(now, NodeId::consumer(name), user.as_deref(), request.into());
        if let Some(Response::ConsumerGroupHeartbeat(a)) = answer {
            self.cg_on_heartbeat(name, a, now);
        }
        self.after_answer(id, now);
    }

    /// The member takes a ConsumerGroupHeartbeat answer: an error ends its membership (it
    /// joins again with epoch 0 at its next poll), or it learns its member id and epoch, the
    /// partitions to revoke at its next `poll()` and the ones it may take now.
    pub(crate) fn cg_on_heartbeat(&mut self, name: &str, a: ConsumerGroupHeartbeatResponse, now: Millis) {
        let Some(m) = self.consumers.get(name).and_then(|c| c.membership.as_ref()) else {
            return;
        };
        let group_id = m.group.clone();
        let joined = m.member_id.is_none();
        if m.member_id.is_some() && m.member_id.as_deref() != a.member_id.as_ref().map(|x| x.as_str()) {
            return; // an answer for a membership that is over
        }
        match a.error_code {
            None => {}
            // A member whose group is no longer a consumer-protocol group: fatal in the Java
            // client (`transitionToFatal`: its partitions are lost and its assignment cleared).
            Some(ErrorCode::InconsistentGroupProtocol) if !joined => {
                return self.lose_membership(name, &group_id, ErrorCode::InconsistentGroupProtocol, now);
            }
            Some(ErrorCode::InconsistentGroupProtocol) => {
                let detail = a.error_message.unwrap_or_else(|| format!("group {group_id}"));
                return self.report_error(name, ErrorCode::InconsistentGroupProtocol, detail, now);
            }
            Some(code) if crate::core::consumer::is_authorization(code) => {
                let detail = format!("ConsumerGroupHeartbeat {group_id}");
                return self.refuse_group_request(name, &group_id, code, detail, now);
            }
            // The coordinator moved or is down: it asks FindCoordinator again and retries at its
            // next heartbeat, still a member.
            Some(ErrorCode::NotCoordinator | ErrorCode::CoordinatorNotAvailable) => return,
            // Another instance took its group.instance.id: fatal in the Java client.
            Some(ErrorCode::FencedInstanceId) => return self.fence_consumer(name, &group_id, now),
            // UNKNOWN_MEMBER_ID (removed meanwhile): it joins again with epoch 0.
            Some(code) => return self.lose_membership(name, &group_id, code, now),
        }
        let Some(member_id) = a.member_id.as_ref().map(|m| m.to_string()) else {
            return;
        };
        if joined {
            self.clear_group_error(name);
            if let Some(m) = self.consumers.get_mut(name).and_then(|c| c.membership.as_mut()) {
                m.member_id = Some(member_id);
                m.generation = 0;
                m.phase = MemberPhase::Reconciling;
            }
        }
        let Some(assignment) = a.assignment else {
            return;
        };
        let owned = self.consumers[name].assignment.clone();
        let revoke: Vec<TopicPartition> =
            owned.iter().filter(|tp| !assignment.contains(tp)).cloned().collect();
        let added: Vec<TopicPartition> =
            assignment.iter().filter(|tp| !owned.contains(tp)).cloned().collect();
        if let Some(m) = self.consumers.get_mut(name).and_then(|c| c.membership.as_mut()) {
            m.heartbeat_soon = false;
            m.generation = a.member_epoch;
            m.phase = if revoke.is_empty() { MemberPhase::Stable } else { MemberPhase::Reconciling };
            m.pending_revoke = revoke;
        }
        if !added.is_empty() {
            let mut all = owned;
            all.extend(added.iter().cloned());
            crate::core::sort::ascending(&mut all);
            self.set_assignment(name, all.clone(), now);
            self.events_push(
                now,
                EventKind::PartitionsAssigned {
                    group: group_id,
                    consumer: name.to_string(),
                    partitions: all,
                    added,
                    generation: a.member_epoch,
                    protocol: crate::core::group::GroupProtocol::Consumer,
                },
            );
        }
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
}
