//! The clients' side of finding a group's coordinator (`AbstractCoordinator.lookupCoordinator`,
//! `markCoordinatorUnknown`): a client sends its group requests to the broker FindCoordinator
//! named; an answer NOT_COORDINATOR or COORDINATOR_NOT_AVAILABLE (or no answer) makes it
//! forget that broker, and its next group request asks FindCoordinator again first.
//!
//! On the broker's side, a group request reaching a broker that does not coordinate the group
//! is answered NOT_COORDINATOR, and COORDINATOR_NOT_AVAILABLE while no broker can
//! (`Cluster::coordinator_refusal`, called by `route.rs` before the handler).

use crate::core::cluster::Cluster;
use crate::core::error::ErrorCode;
use crate::core::event::EventKind;
use crate::core::ids::{BrokerId, NodeId};
use crate::core::protocol::consumer_group_heartbeat::ConsumerGroupHeartbeatResponse;
use crate::core::protocol::find_coordinator::{CoordinatorType, FindCoordinatorRequest};
use crate::core::protocol::heartbeat::HeartbeatResponse;
use crate::core::protocol::join_group::JoinGroupResponse;
use crate::core::protocol::leave_group::LeaveGroupResponse;
use crate::core::protocol::offset_commit::OffsetCommitResponse;
use crate::core::protocol::offset_fetch::OffsetFetchResponse;
use crate::core::protocol::sync_group::SyncGroupResponse;
use crate::core::protocol::{Request, Response};
use crate::core::time::Millis;

/// The group a request is for, if the group's coordinator must answer it.
pub(crate) fn coordinator_group(request: &Request) -> Option<&str> {
    Some(match request {
        Request::Heartbeat(r) => r.group_id.as_str(),
        Request::JoinGroup(r) => r.group_id.as_str(),
        Request::SyncGroup(r) => r.group_id.as_str(),
        Request::LeaveGroup(r) => r.group_id.as_str(),
        Request::OffsetCommit(r) => r.group_id.as_str(),
        Request::OffsetFetch(r) => r.group_id.as_str(),
        Request::ConsumerGroupHeartbeat(r) => r.group_id.as_str(),
        _ => return None,
    })
}

/// The answer to a group request refused with `code` before its handler ran.
fn refusal(request: &Request, code: ErrorCode) -> Option<Response> {
    Some(match request {
        Request::Heartbeat(_) => HeartbeatResponse { error_code: Some(code) }.into(),
        Request::JoinGroup(r) => JoinGroupResponse {
            error_code: Some(code),
            generation_id: -1,
            protocol_name: None,
            leader: "".into(),
            member_id: r.member_id.clone().unwrap_or_else(|| "".into()),
            members: Vec::new(),
        }
        .into(),
        Request::SyncGroup(_) => {
            SyncGroupResponse { error_code: Some(code), protocol_name: None, assignment: Vec::new() }.into()
        }
        Request::LeaveGroup(_) => LeaveGroupResponse { error_code: Some(code), members: Vec::new() }.into(),
        Request::OffsetCommit(r) => OffsetCommitResponse {
            partitions: r.offsets.iter().map(|(tp, _)| (tp.clone(), Some(code))).collect(),
            changed: false,
        }
        .into(),
        Request::OffsetFetch(_) => {
            OffsetFetchResponse { error_code: Some(code), partitions: Vec::new() }.into()
        }
        Request::ConsumerGroupHeartbeat(r) => ConsumerGroupHeartbeatResponse {
            error_code: Some(code),
            error_message: None,
            member_id: r.member_id.clone(),
            member_epoch: -1,
            heartbeat_interval_ms: 0,
            assignment: None,
        }
        .into(),
        _ => return None,
    })
}

/// The error a group request's answer carries about the coordinator itself, if any.
fn coordinator_error(response: &Response) -> Option<ErrorCode> {
    let code = match response {
        Response::Heartbeat(r) => r.error_code,
        Response::JoinGroup(r) => r.error_code,
        Response::SyncGroup(r) => r.error_code,
        Response::LeaveGroup(r) => r.error_code,
        Response::OffsetCommit(r) => r.error(),
        Response::OffsetFetch(r) => r.error_code,
        Response::ConsumerGroupHeartbeat(r) => r.error_code,
        _ => None,
    };
    code.filter(|c| matches!(c, ErrorCode::NotCoordinator | ErrorCode::CoordinatorNotAvailable))
}

impl Cluster {
    /// The coordinators after the brokers changed: moves become events (`offsets_topic.rs`).
    pub(crate) fn step_coordinators(&mut self, now: Millis) {
        if !self.broker.coordinators_need_refresh() {
            return;
        }
        for kind in self.broker.refresh_coordinators(now) {
            self.events_push(now, kind);
        }
        self.flush_broker(now);
    }

    /// A late answer (a held JoinGroup or SyncGroup) reached `to`: if it names the
    /// coordinator as gone, `to` forgets the coordinators it knew.
    pub(crate) fn note_late_coordinator_answer(&mut self, to: &NodeId, response: &Response) {
        let Some(error) = coordinator_error(response) else {
            return;
        };
        let gone: Vec<(NodeId, String)> =
            self.route.coordinators.keys().filter(|(n, _)| n == to).cloned().collect();
        for key in gone {
            if let Some(old) = self.route.coordinators.remove(&key) {
                self.route.lost_coordinators.entry(key).or_insert((old, error));
            }
        }
    }

    /// Broker `to` refuses a group request it may not answer: NOT_COORDINATOR, or
    /// COORDINATOR_NOT_AVAILABLE while no broker coordinates the group.
    pub(crate) fn coordinator_refusal(&self, to: &NodeId, request: &Request) -> Option<Response> {
        let group = coordinator_group(request)?;
        let NodeId::Broker(to) = to else {
            return None;
        };
        let code = self.broker.check_coordinator(group, *to).err()?;
        refusal(request, code)
    }

    /// Where client `from` sends `request`: a group request goes to the coordinator it knows,
    /// found with FindCoordinator (sent to the bootstrap broker) when it knows none.
    pub(crate) fn destination(&mut self, now: Millis, from: &NodeId, request: &Request) -> BrokerId {
        let bootstrap = self.broker.id();
        let Some(group) = coordinator_group(request) else {
            return bootstrap;
        };
        let key = (from.clone(), group.to_string());
        if let Some(&known) = self.route.coordinators.get(&key) {
            return known;
        }
        let find = FindCoordinatorRequest {
            key_type: CoordinatorType::Group,
            coordinator_keys: vec![key.1.clone()],
        };
        let (_, answer) =
            self.call_with_timeout(now, from.clone(), None, find.into(), self.net.request_timeout_ms());
        let Some(Response::FindCoordinator(a)) = answer else {
            return bootstrap;
        };
        let Some(c) = a.coordinators.into_iter().next().filter(|c| c.error_code.is_none()) else {
            return bootstrap;
        };
        if let Some((old, error)) = self.route.lost_coordinators.remove(&key) {
            if old != c.node_id {
                let client = match from {
                    NodeId::Consumer(n) | NodeId::Producer(n) => n.to_string(),
                    other => other.to_string(),
                };
                let group = key.1.clone();
                self.events_push(
                    now,
                    EventKind::CoordinatorFound { client, group, from: old, to: c.node_id, error },
                );
            }
        }
        self.route.coordinators.insert(key, c.node_id);
        c.node_id
    }

    /// After a group request's answer (or none): NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE or
    /// no answer make the client forget its coordinator (`markCoordinatorUnknown`).
    pub(crate) fn note_coordinator_answer(
        &mut self,
        from: &NodeId,
        request_group: Option<String>,
        answer: Option<&Response>,
    ) {
        let Some(group) = request_group else {
            return;
        };
        // No answer yet: a JoinGroup or SyncGroup the coordinator holds.
        let Some(error) = answer.and_then(coordinator_error) else {
            return;
        };
        let key = (from.clone(), group);
        if let Some(old) = self.route.coordinators.remove(&key) {
            self.route.lost_coordinators.entry(key).or_insert((old, error));
        }
    }
}
