//! The simulated network: every request and response between nodes goes through here.
//!
//! Deterministic like FoundationDB's or TigerBeetle's simulators: an [`Envelope`] is delivered at
//! `deliver_at`, and envelopes due at the same instant in the order they were sent (`seq`). So
//! the order of delivery is the total order `(deliver_at, seq)`, the same on every machine.
//!
//! - **Latency** is per directed link; a link without its own value takes the default (zero:
//!   today's data path, where a poll at `t` sees records produced at `t`).
//! - **Failures.** A node that is down, or a link that is cut, loses what would cross it. The
//!   requester then learns of it as Kafka's clients do: no response within
//!   `request.timeout.ms` ([`Payload::TimedOut`], the Java client's `TimeoutException` /
//!   disconnect), never by looking at the other node.
//! - **Every request ends exactly once**: its response is delivered, it times out, or the
//!   responder closes the connection ([`Network::disconnect`], [`Payload::Disconnected`]: a
//!   broker's controlled shutdown says goodbye, a crash does not). A response arriving after its
//!   request ended is dropped (the Java client ignores it too).

use crate::core::ids::{CorrelationId, NodeId};
use crate::core::time::Millis;
use std::collections::{BTreeMap, BTreeSet};

/// The Java client's `request.timeout.ms` default.
pub const DEFAULT_REQUEST_TIMEOUT_MS: Millis = 30_000;

/// What an envelope carries: a request, its response, or the news that the request timed out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload<Q, R> {
    Request(Q),
    Response(R),
    /// Delivered to the requester at `sent + request.timeout.ms` when no response came.
    TimedOut,
    /// The responder closed the connection while the request was outstanding (a broker's
    /// controlled shutdown closes its sockets): delivered at once, as Kafka's
    /// `NetworkClient.handleDisconnections` cancels the node's in-flight requests.
    Disconnected,
}

/// One message in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope<Q, R> {
    pub deliver_at: Millis,
    pub seq: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub correlation: CorrelationId,
    pub payload: Payload<Q, R>,
}

#[derive(Debug, Clone)]
struct Outstanding {
    requester: NodeId,
    responder: NodeId,
    /// The queue key of this request's timeout envelope.
    timeout_key: (Millis, u64),
}

/// The network between brokers and clients (`Q`: requests, `R`: responses).
#[derive(Debug, Clone)]
pub struct Network<Q, R> {
    queue: BTreeMap<(Millis, u64), Envelope<Q, R>>,
    next_seq: u64,
    next_correlation: u64,
    default_latency: Millis,
    latency: BTreeMap<(NodeId, NodeId), Millis>,
    down: BTreeSet<NodeId>,
    cut: BTreeSet<(NodeId, NodeId)>,
    request_timeout_ms: Millis,
    outstanding: BTreeMap<CorrelationId, Outstanding>,
    /// Requests that expect no answer (a Produce with `acks=0`), until delivered or lost.
    one_way: BTreeSet<CorrelationId>,
    /// How many envelopes were delivered, and the key of the last one.
    delivered: u64,
    last_delivered: Option<(Millis, u64)>,
}

impl<Q, R> Default for Network<Q, R> {
    fn default() -> Self {
        Network::new(0, DEFAULT_REQUEST_TIMEOUT_MS)
    }
}

impl<Q, R> Network<Q, R> {
    pub fn new(default_latency: Millis, request_timeout_ms: Millis) -> Self {
        Network {
            queue: BTreeMap::new(),
            next_seq: 0,
            next_correlation: 0,
            default_latency,
            latency: BTreeMap::new(),
            down: BTreeSet::new(),
            cut: BTreeSet::new(),
            request_timeout_ms: request_timeout_ms.max(1),
            outstanding: BTreeMap::new(),
            one_way: BTreeSet::new(),
            delivered: 0,
            last_delivered: None,
        }
    }

    /// The latency of the directed link `from → to`.
    pub fn latency(&self, from: &NodeId, to: &NodeId) -> Millis {
        if self.latency.is_empty() {
            return self.default_latency;
        }
        self.latency.get(&(from.clone(), to.clone())).copied().unwrap_or(self.default_latency)
    }

    /// Sets the latency of `from → to` (one direction).
    pub fn set_latency(&mut self, from: NodeId, to: NodeId, ms: Millis) {
        self.latency.insert((from, to), ms);
    }

    pub fn request_timeout_ms(&self) -> Millis {
        self.request_timeout_ms
    }

    /// Takes a node down (everything addressed to it or sent by it is lost) or brings it back.
    pub fn set_node_up(&mut self, node: &NodeId, up: bool) {
        if up {
            self.down.remove(node);
        } else {
            self.down.insert(node.clone());
        }
    }

    pub fn is_node_up(&self, node: &NodeId) -> bool {
        !self.down.contains(node)
    }

    /// Cuts the link between `a` and `b` (both directions) or mends it.
    pub fn set_link_up(&mut self, a: &NodeId, b: &NodeId, up: bool) {
        let key = link_key(a, b);
        if up {
            self.cut.remove(&key);
        } else {
            self.cut.insert(key);
        }
    }

    /// Whether a message can cross from `from` to `to` now.
    pub fn can_reach(&self, from: &NodeId, to: &NodeId) -> bool {
        !self.down.contains(from)
            && !self.down.contains(to)
            && (self.cut.is_empty() || !self.cut.contains(&link_key(from, to)))
    }

    fn push(
        &mut self,
        deliver_at: Millis,
        from: NodeId,
        to: NodeId,
        correlation: CorrelationId,
        payload: Payload<Q, R>,
    ) -> (Millis, u64) {
        let seq = self.next_seq;
        self.next_seq += 1;
        let key = (deliver_at, seq);
        self.queue.insert(key, Envelope { deliver_at, seq, from, to, correlation, payload });
        key
    }

    /// Sends a request; it arrives after the link's latency, or is lost if it cannot cross, in
    /// which case the requester gets [`Payload::TimedOut`] after `request.timeout.ms`.
    pub fn send_request(&mut self, now: Millis, from: NodeId, to: NodeId, request: Q) -> CorrelationId {
        self.send_request_with_timeout(now, from, to, request, self.request_timeout_ms)
    }

    /// [`Network::send_request`] with the request's own timeout (a JoinGroup may wait for the
    /// whole rebalance: Kafka gives it `rebalance.timeout.ms` plus 5 s).
    pub fn send_request_with_timeout(
        &mut self,
        now: Millis,
        from: NodeId,
        to: NodeId,
        request: Q,
        timeout_ms: Millis,
    ) -> CorrelationId {
        let correlation = CorrelationId(self.next_correlation);
        self.next_correlation += 1;
        let timeout_key = self.push(
            now.saturating_add(timeout_ms.max(1)),
            to.clone(),
            from.clone(),
            correlation,
            Payload::TimedOut,
        );
        self.outstanding
            .insert(correlation, Outstanding { requester: from.clone(), responder: to.clone(), timeout_key });
        if self.can_reach(&from, &to) {
            let at = now.saturating_add(self.latency(&from, &to));
            self.push(at, from, to, correlation, Payload::Request(request));
        }
        correlation
    }

    /// Sends a request that expects no answer (Kafka's `expectResponse = false`: a Produce with
    /// `acks=0`). It is delivered or lost like any request; nothing times out, and an answer to
    /// it is dropped.
    pub fn send_one_way(&mut self, now: Millis, from: NodeId, to: NodeId, request: Q) -> CorrelationId {
        let correlation = CorrelationId(self.next_correlation);
        self.next_correlation += 1;
        if self.can_reach(&from, &to) {
            let at = now.saturating_add(self.latency(&from, &to));
            self.one_way.insert(correlation);
            self.push(at, from, to, correlation, Payload::Request(request));
        }
        correlation
    }

    /// Answers request `correlation` (sent by `to` to `from`). An answer to a request that is not
    /// outstanding — already answered, timed out, or never sent — is dropped and `false` returned.
    pub fn send_response(
        &mut self,
        now: Millis,
        from: NodeId,
        to: NodeId,
        correlation: CorrelationId,
        response: R,
    ) -> bool {
        let matches =
            self.outstanding.get(&correlation).is_some_and(|o| o.requester == to && o.responder == from);
        if !matches {
            return false;
        }
        if self.can_reach(&from, &to) {
            let at = now.saturating_add(self.latency(&from, &to));
            self.push(at, from, to, correlation, Payload::Response(response));
        }
        true
    }

    /// `responder` closes its connection to `requester`: every request between them still
    /// outstanding ends now with [`Payload::Disconnected`] for the requester (its timeout is
    /// cancelled, and a request or answer still on the way is dropped). Returns how many ended.
    pub fn disconnect(&mut self, now: Millis, requester: &NodeId, responder: &NodeId) -> usize {
        let ended: Vec<(CorrelationId, (Millis, u64))> = self
            .outstanding
            .iter()
            .filter(|(_, o)| o.requester == *requester && o.responder == *responder)
            .map(|(&c, o)| (c, o.timeout_key))
            .collect();
        for &(correlation, timeout_key) in &ended {
            self.outstanding.remove(&correlation);
            self.queue.remove(&timeout_key);
            self.push(now, responder.clone(), requester.clone(), correlation, Payload::Disconnected);
        }
        ended.len()
    }

    /// The node request `correlation` was sent to, while it is outstanding.
    pub fn responder_of(&self, correlation: CorrelationId) -> Option<&NodeId> {
        self.outstanding.get(&correlation).map(|o| &o.responder)
    }

    /// When the next envelope is due (a delivery or a timeout), if any.
    pub fn next_delivery_at(&self) -> Option<Millis> {
        self.queue.keys().next().map(|&(t, _)| t)
    }

    /// Requests sent and not yet answered or timed out.
    pub fn outstanding(&self) -> usize {
        self.outstanding.len()
    }

    /// How many envelopes have been delivered so far.
    pub fn delivered(&self) -> u64 {
        self.delivered
    }

    /// The `(deliver_at, seq)` of the last envelope delivered: it only ever grows.
    pub fn last_delivered(&self) -> Option<(Millis, u64)> {
        self.last_delivered
    }

    /// The next envelope due at or before `now`, in `(deliver_at, seq)` order. What cannot
    /// cross at its delivery time (its node went down, its link was cut) is lost on the way;
    /// so are responses to requests that already timed out.
    pub fn pop_due(&mut self, now: Millis) -> Option<Envelope<Q, R>> {
        let env = self.next_due(now)?;
        self.delivered += 1;
        self.last_delivered = Some((env.deliver_at, env.seq));
        Some(env)
    }

    fn next_due(&mut self, now: Millis) -> Option<Envelope<Q, R>> {
        loop {
            let (&key, _) = self.queue.first_key_value().filter(|(&(t, _), _)| t <= now)?;
            let env = self.queue.remove(&key)?;
            match &env.payload {
                Payload::TimedOut => {
                    self.outstanding.remove(&env.correlation);
                    if self.is_node_up(&env.to) {
                        return Some(env);
                    }
                }
                Payload::Disconnected => {
                    if self.is_node_up(&env.to) {
                        return Some(env);
                    }
                }
                Payload::Request(_) => {
                    let one_way = self.one_way.remove(&env.correlation);
                    if self.can_reach(&env.from, &env.to)
                        && (one_way || self.outstanding.contains_key(&env.correlation))
                    {
                        return Some(env);
                    }
                }
                Payload::Response(_) => {
                    if self.can_reach(&env.from, &env.to) {
                        if let Some(o) = self.outstanding.remove(&env.correlation) {
                            self.queue.remove(&o.timeout_key);
                            return Some(env);
                        }
                    }
                }
            }
        }
    }
}

fn link_key(a: &NodeId, b: &NodeId) -> (NodeId, NodeId) {
    if a <= b {
        (a.clone(), b.clone())
    } else {
        (b.clone(), a.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ids::BrokerId;

    type Net = Network<&'static str, &'static str>;

    fn broker() -> NodeId {
        NodeId::Broker(BrokerId::FIRST)
    }

    #[test]
    fn zero_latency_request_is_delivered_at_once_and_answered() {
        let mut net = Net::default();
        let c = net.send_request(10, NodeId::producer("p"), broker(), "produce");
        let env = net.pop_due(10).expect("delivered at 10");
        assert_eq!((env.deliver_at, env.payload), (10, Payload::Request("produce")));
        assert!(net.send_response(10, broker(), NodeId::producer("p"), c, "ok"));
        let env = net.pop_due(10).expect("answered at 10");
        assert_eq!(env.payload, Payload::Response("ok"));
        assert_eq!(net.outstanding(), 0);
        assert_eq!(net.next_delivery_at(), None, "the timeout went with the answer");
    }

    #[test]
    fn same_instant_envelopes_arrive_in_send_order() {
        let mut net = Net::default();
        for name in ["a", "b", "c"] {
            net.send_request(0, NodeId::consumer(name), broker(), name);
        }
        let order: Vec<_> = std::iter::from_fn(|| net.pop_due(0)).map(|e| e.payload).collect();
        assert_eq!(order, [Payload::Request("a"), Payload::Request("b"), Payload::Request("c")]);
    }

    #[test]
    fn a_request_to_a_down_broker_times_out_after_request_timeout_ms() {
        let mut net = Net::new(0, 30_000);
        net.set_node_up(&broker(), false);
        let c = net.send_request(100, NodeId::consumer("c"), broker(), "fetch");
        assert_eq!(net.pop_due(30_099), None);
        let env = net.pop_due(30_100).expect("timed out");
        assert_eq!((env.to, env.correlation, env.payload), (NodeId::consumer("c"), c, Payload::TimedOut));
    }

    #[test]
    fn a_link_cut_in_flight_loses_the_response_and_the_request_times_out() {
        let mut net = Net::new(5, 1_000);
        let c = net.send_request(0, NodeId::consumer("c"), broker(), "join");
        assert!(matches!(net.pop_due(5).map(|e| e.payload), Some(Payload::Request("join"))));
        net.send_response(5, broker(), NodeId::consumer("c"), c, "joined");
        net.set_link_up(&NodeId::consumer("c"), &broker(), false);
        assert_eq!(net.pop_due(999), None);
        assert_eq!(net.pop_due(1_000).map(|e| e.payload), Some(Payload::TimedOut));
        assert!(!net.send_response(1_001, broker(), NodeId::consumer("c"), c, "late"), "already over");
    }

    #[test]
    fn a_one_way_request_is_delivered_and_never_times_out() {
        let mut net = Net::new(0, 1_000);
        let c = net.send_one_way(0, NodeId::producer("p"), broker(), "acks=0");
        assert_eq!(net.pop_due(0).map(|e| e.payload), Some(Payload::Request("acks=0")));
        assert!(!net.send_response(0, broker(), NodeId::producer("p"), c, "no"), "no answer expected");
        assert_eq!((net.outstanding(), net.next_delivery_at()), (0, None));
        net.set_node_up(&broker(), false);
        net.send_one_way(5, NodeId::producer("p"), broker(), "lost");
        assert_eq!((net.pop_due(10_000), net.next_delivery_at()), (None, None));
    }

    /// A controlled shutdown closes the connection: the requester learns at once, not after
    /// `request.timeout.ms`, and a late answer is dropped.
    #[test]
    fn a_disconnect_ends_the_outstanding_requests_at_once() {
        let mut net = Net::new(5, 30_000);
        let c = net.send_request(0, NodeId::producer("p"), broker(), "produce");
        let other = net.send_request(0, NodeId::producer("q"), broker(), "produce");
        assert_eq!(net.disconnect(2, &NodeId::producer("p"), &broker()), 1);
        let env = net.pop_due(2).expect("told at once");
        assert_eq!((env.to, env.correlation, env.payload), (NodeId::producer("p"), c, Payload::Disconnected));
        assert!(!net.send_response(5, broker(), NodeId::producer("p"), c, "late"), "already over");
        assert_eq!(net.pop_due(5).map(|e| e.correlation), Some(other), "q's request is untouched");
        assert_eq!(net.pop_due(29_999), None, "p's timeout went with the disconnect");
        assert_eq!(net.outstanding(), 1);
    }

    #[test]
    fn per_link_latency_overrides_the_default() {
        let mut net = Net::new(0, 1_000);
        net.set_latency(broker(), NodeId::consumer("c"), 200);
        let c = net.send_request(0, NodeId::consumer("c"), broker(), "join");
        assert_eq!(net.pop_due(0).map(|e| e.deliver_at), Some(0));
        net.send_response(0, broker(), NodeId::consumer("c"), c, "joined");
        assert_eq!(net.pop_due(199), None);
        assert_eq!(net.pop_due(200).map(|e| e.deliver_at), Some(200));
    }
}
