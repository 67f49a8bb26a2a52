//! How envelopes reach the nodes: the broker's handlers for requests, the clients' for the
//! answers addressed to them. Every delivery goes through [`Network::pop_due`], so the order is
//! always `(time, seq)`.
//!
//! A client that gets an answer may send requests of its own (a member answered by JoinGroup
//! sends SyncGroup). So answers for a client other than the one waiting in [`Cluster::call`] go
//! to an inbox that the outermost delivery drains in order — never a recursion as deep as the
//! group is large.
//!
//! [`Network::pop_due`]: crate::core::net::Network::pop_due

use crate::core::broker::Output;
use crate::core::cluster::Cluster;
use crate::core::event::EventKind;
use crate::core::group::assignor::RebalanceProtocol;
use crate::core::group::GroupProtocol;
use crate::core::ids::{BrokerId, CorrelationId, NodeId};
use crate::core::net::Payload;
use crate::core::protocol::{Authenticated, Request, Response};
use crate::core::time::Millis;

/// An envelope for a client, waiting in the inbox.
pub(crate) type Delivery = (NodeId, CorrelationId, Payload<Authenticated, Response>);

impl Cluster {
    /// Sends `request` from client `from` (authenticated as `user`) to the broker with its own
    /// request timeout, and delivers everything due at `now`. Returns the correlation id and,
    /// if it came back at once, the answer (`None`: the broker holds it, or it timed out).
    pub(crate) fn call_with_timeout(
        &mut self,
        now: Millis,
        from: NodeId,
        user: Option<&str>,
        request: Request,
        timeout: Millis,
    ) -> (CorrelationId, Option<Response>) {
        // A consumer sends its group requests to the coordinator FindCoordinator named.
        let group = matches!(from, NodeId::Consumer(_))
            .then(|| super::coordinator_lookup::coordinator_group(&request).map(str::to_string))
            .flatten();
        let to = match group {
            Some(_) => NodeId::Broker(self.destination(now, &from, &request)),
            None => NodeId::Broker(self.broker.id()),
        };
        let tap = (self.learned.is_some() || group.is_some()).then(|| from.clone());
        let sent = Authenticated { principal: user.map(Into::into), request };
        let id = self.net.send_request_with_timeout(now, from, to, sent, timeout);
        let answer = self.run_network(now, Some(id));
        if let (Some(learned), Some(node), Some(r)) = (self.learned.as_mut(), tap.as_ref(), answer.as_ref()) {
            learned.note(node, r);
        }
        if let Some(node) = tap.filter(|_| group.is_some()) {
            self.note_coordinator_answer(&node, group, answer.as_ref());
        }
        (id, answer)
    }

    /// Sends `request` from client `from` to broker `to` (the partition leader a producer
    /// learned from Metadata), and delivers everything due at `now`; as
    /// [`Cluster::call_with_timeout`]. `timeout` `None`: no answer is expected (`acks=0`).
    pub(crate) fn call_broker(
        &mut self,
        now: Millis,
        from: NodeId,
        to: BrokerId,
        user: Option<&str>,
        request: Request,
        timeout: Option<Millis>,
    ) -> (CorrelationId, Option<Response>) {
        let to = NodeId::Broker(to);
        let sent = Authenticated { principal: user.map(Into::into), request };
        let id = match timeout {
            None => self.net.send_one_way(now, from, to, sent),
            Some(t) => self.net.send_request_with_timeout(now, from, to, sent, t),
        };
        (id, self.run_network(now, timeout.map(|_| id)))
    }

    /// Delivers every envelope due at `now`: requests to the broker (what it produces joins
    /// the queue), the answer to `waiting_for` back to the caller, other answers to their
    /// clients through the inbox.
    pub(crate) fn run_network(
        &mut self,
        now: Millis,
        waiting_for: Option<CorrelationId>,
    ) -> Option<Response> {
        self.route.depth += 1;
        let mut answer = None;
        while let Some(env) = self.net.pop_due(now) {
            match env.payload {
                Payload::Request(q) => {
                    self.deliver_request(env.deliver_at, env.from, env.to, env.correlation, q)
                }
                Payload::Response(r) if Some(env.correlation) == waiting_for => answer = Some(r),
                payload => self.route.inbox.push_back((env.to, env.correlation, payload)),
            }
        }
        self.route.depth -= 1;
        if self.route.depth == 0 {
            self.drain_inbox(now);
        }
        answer
    }

    /// The broker handles a request; its answer (if it has one now) goes back on the network,
    /// and so does what its coordinators produced meanwhile.
    fn deliver_request(
        &mut self,
        at: Millis,
        from: NodeId,
        to: NodeId,
        correlation: CorrelationId,
        q: Authenticated,
    ) {
        if matches!(from, NodeId::Consumer(_)) {
            if let Some(refused) = self.coordinator_refusal(&to, &q.request) {
                self.net.send_response(at, to, from, correlation, refused);
                return;
            }
        }
        let q = match q {
            Authenticated { principal, request: Request::Produce(r) } => {
                // acks=0 and answers held for the ISR (acks=all) come back as `None`.
                if let Some(r) = self.broker.produce(at, &to, &from, correlation, principal.as_deref(), r) {
                    self.net.send_response(at, to, from, correlation, r.into());
                }
                self.take_broker_outbox(at, false);
                return;
            }
            q => q,
        };
        // A producer's or consumer's request without a user is `User:ANONYMOUS`'s; the admin
        // client's is the operator's (the handlers that check `ANONYMOUS` agree either way).
        let user = match (&from, q.principal.as_deref()) {
            (NodeId::Producer(_) | NodeId::Consumer(_), None) => Some(crate::core::broker::ANONYMOUS),
            (_, user) => user,
        };
        let answer = match &q.request {
            Request::JoinGroup(r) => {
                self.broker.join_group(at, &from, correlation, user, r, &mut self.rng).map(Response::from)
            }
            Request::SyncGroup(r) => {
                self.broker.sync_group(at, &from, correlation, user, r).map(Response::from)
            }
            Request::LeaveGroup(r) => Some(self.broker.leave_group(at, user, r).into()),
            Request::ConsumerGroupHeartbeat(r) => {
                self.broker.consumer_group_heartbeat(at, &from, correlation, user, r, &mut self.rng);
                None
            }
            other => self.broker.handle(at, user, other),
        };
        if let Some(r) = answer {
            self.net.send_response(at, to, from, correlation, r);
        }
        self.take_broker_outbox(at, false);
    }

    /// Delivers what the broker's coordinators produced on their own (their timers, or a
    /// command): events in order, each late answer delivered before the next event.
    pub(crate) fn flush_broker(&mut self, now: Millis) {
        self.take_broker_outbox(now, true);
    }

    fn take_broker_outbox(&mut self, now: Millis, deliver_each: bool) {
        let outputs = self.broker.take_outbox();
        self.deliver_outputs(now, outputs, deliver_each);
    }

    /// Delivers a coordinator's outputs in order. After a [`Output::ReplyFirst`] the rest wait
    /// until its client has handled that answer ([`Cluster::after_answer`]).
    fn deliver_outputs(&mut self, now: Millis, outputs: Vec<Output>, deliver_each: bool) {
        let broker = NodeId::Broker(self.broker.id());
        let mut outputs = outputs.into_iter();
        while let Some(out) = outputs.next() {
            match out {
                Output::ReplyFirst { to, correlation, response } => {
                    let broker =
                        self.net.responder_of(correlation).cloned().unwrap_or_else(|| broker.clone());
                    self.net.send_response(now, broker, to, correlation, response);
                    let rest: Vec<Output> = outputs.by_ref().collect();
                    if !rest.is_empty() {
                        self.route.after_answer.insert(correlation, rest);
                    }
                    if deliver_each {
                        self.run_network(now, None);
                    }
                }
                Output::Event(kind) => self.push_coordinator_event(now, kind),
                Output::Reply { to, correlation, response } => {
                    let broker =
                        self.net.responder_of(correlation).cloned().unwrap_or_else(|| broker.clone());
                    self.net.send_response(now, broker, to, correlation, response);
                    if deliver_each {
                        self.run_network(now, None);
                    }
                }
                Output::Departed(consumer) => self.release_departed(&consumer),
            }
        }
    }

    /// The client has handled the answer `correlation` (or it is lost): what its coordinator
    /// emitted after that answer is delivered now.
    pub(crate) fn after_answer(&mut self, correlation: CorrelationId, now: Millis) {
        if let Some(rest) = self.route.after_answer.remove(&correlation) {
            self.deliver_outputs(now, rest, true);
        }
    }

    /// A coordinator's event, with what only the members know filled in: whether they play
    /// the rebalance eager or cooperative, and who had stopped consuming.
    fn push_coordinator_event(&mut self, now: Millis, mut kind: EventKind) {
        match &mut kind {
            EventKind::RebalanceStarted { group, rebalance_protocol, .. } => {
                self.sync_stopped.remove(group.as_str());
                // Cooperative only if every live member's assignors are: one eager member
                // revokes everything and stops (Kafka's RebalanceProtocol is chosen per client).
                let cooperative = self
                    .broker
                    .groups
                    .get(group.as_str())
                    .into_iter()
                    .flat_map(|g| g.members.values())
                    .filter_map(|m| self.consumers.get(&m.consumer).filter(|c| c.is_alive()))
                    .fold(None, |all, c| Some(all.unwrap_or(true) && c.spec.config.is_cooperative()))
                    .unwrap_or(false);
                *rebalance_protocol =
                    if cooperative { RebalanceProtocol::Cooperative } else { RebalanceProtocol::Eager };
            }
            EventKind::RebalanceCompleted { group, stopped, protocol: GroupProtocol::Classic, .. } => {
                *stopped = self.sync_stopped.remove(group.as_str()).unwrap_or_default();
            }
            _ => {}
        }
        self.events_push(now, kind);
    }

    fn drain_inbox(&mut self, now: Millis) {
        if self.route.draining {
            return;
        }
        self.route.draining = true;
        while let Some((to, correlation, payload)) = self.route.inbox.pop_front() {
            self.dispatch(now, to, correlation, payload);
        }
        self.route.draining = false;
    }

    /// An answer (or a timeout) reaches its client.
    fn dispatch(
        &mut self,
        now: Millis,
        to: NodeId,
        correlation: CorrelationId,
        payload: Payload<Authenticated, Response>,
    ) {
        if let (Some(learned), Payload::Response(r)) = (self.learned.as_mut(), &payload) {
            learned.note(&to, r);
        }
        if let Payload::Response(r) = &payload {
            self.note_late_coordinator_answer(&to, r);
        }
        let name = match to {
            NodeId::Consumer(name) => name,
            NodeId::Producer(name) => return self.producer_answered(&name, correlation, payload, now),
            _ => return,
        };
        match payload {
            Payload::Response(Response::JoinGroup(a)) => {
                self.classic_on_join_group(&name, correlation, a, now)
            }
            Payload::Response(Response::SyncGroup(a)) => {
                self.classic_on_sync_group(&name, correlation, a, now)
            }
            Payload::Response(Response::ConsumerGroupHeartbeat(a)) => {
                self.cg_on_heartbeat(&name, a, now);
                self.after_answer(correlation, now);
            }
            Payload::TimedOut | Payload::Disconnected => {
                self.classic_timed_out(&name, correlation);
                self.after_answer(correlation, now);
            }
            _ => {}
        }
    }
}

/// The delivery state: how deep the calls are, and the answers waiting for their client.
#[derive(Debug, Clone, Default)]
pub(crate) struct Route {
    pub depth: u32,
    pub draining: bool,
    pub inbox: std::collections::VecDeque<Delivery>,
    /// Each classic member's JoinGroup or SyncGroup in flight, as its client's network layer
    /// tracks it (Kafka's `NetworkClient` in-flight requests).
    pub awaiting: std::collections::BTreeMap<String, CorrelationId>,
    /// What a coordinator emitted after an answer its client handles first
    /// ([`Output::ReplyFirst`]), by that answer's correlation id.
    pub after_answer: std::collections::BTreeMap<CorrelationId, Vec<Output>>,
    /// The coordinator each client knows for a group (`AbstractCoordinator.coordinator`).
    pub coordinators: std::collections::BTreeMap<(NodeId, String), crate::core::ids::BrokerId>,
    /// The coordinator a client forgot, and why, until FindCoordinator names the next one.
    pub lost_coordinators: std::collections::BTreeMap<
        (NodeId, String),
        (crate::core::ids::BrokerId, crate::core::error::ErrorCode),
    >,
}
