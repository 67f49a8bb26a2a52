//! Followers fetch from their leader over the network (issue #13/#14): each follower replica
//! sends a Fetch request with its `replica_id` and `fetch_offset` (its log end) from its broker
//! to the leader's broker through a [`Network`] of its own (the brokers' inter-broker
//! listener); the leader learns the follower's log end from the fetch offset
//! (`Partition.updateFollowerFetchState`: ISR expansion, the high watermark) and answers with
//! the records past it and its high watermark, which the follower takes (one round late, as in
//! Kafka). A broker that is down or cut off loses what would cross its links, so an isolated
//! broker's followers stop catching up because their requests never arrive, and the followers
//! of an isolated leader because its answers never come back — nobody reads a flag.
//!
//! What is simplified (README "What is simplified"):
//! - One Fetch per follower and partition, not one per follower and leader broker for all its
//!   partitions (the order in which a leader hears its followers stays the partitions' order).
//! - The inter-broker network has no latency: a round's requests and answers cross at the
//!   instant of the round, and the rounds come every `playground.network.latency.ms` while a
//!   follower is behind (Kafka's fetch waits in the leader's purgatory for about a round trip).
//! - A follower that joins the ISR fetches again at once and is answered at once (its next
//!   fetch would find nothing new): the leader counts it caught up in the same round.
//! - A lost fetch is not retried before the next round; its `TimedOut` is dropped when due.
//! - The records live once (the leader's log): an answer carries the range and the leader's
//!   epoch entries for it, not copies of the records.

use super::{BrokerId, LeaderEpochCache, Replication};
use crate::core::error::ErrorCode;
use crate::core::event::IsrReason;
use crate::core::ids::NodeId;
use crate::core::net::{Network, Payload};
use crate::core::replication::partition_state::follower_high_watermark;
use crate::core::replication::NO_LEADER;
use crate::core::time::Millis;

/// Fetch (API key 1) as a follower sends it: `replica_id` is the follower's broker id (a
/// consumer sends -1), one partition with the follower's log end as `fetch_offset`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicaFetchRequest {
    pub replica_id: BrokerId,
    pub topic: String,
    pub partition: u32,
    /// The leader epoch the follower knows (`current_leader_epoch`): a leader with another
    /// epoch answers FENCED_LEADER_EPOCH, a broker that is not the leader NOT_LEADER_OR_FOLLOWER.
    pub current_leader_epoch: i32,
    pub fetch_offset: u64,
}

/// The leader's answer: the log end the follower now has (`fetch_offset` up to the leader's
/// log end offset), the epochs of those records, and the leader's high watermark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicaFetchResponse {
    pub topic: String,
    pub partition: u32,
    pub error_code: Option<ErrorCode>,
    pub high_watermark: u64,
    /// The leader's log end offset: the follower holds the records up to it after this answer.
    pub log_end_offset: u64,
    /// The leader's epoch entries (the batches' leader epochs), cut at `log_end_offset`.
    pub epochs: LeaderEpochCache,
}

/// The brokers' own network for replica fetching.
pub type FetchNetwork = Network<ReplicaFetchRequest, ReplicaFetchResponse>;

/// A broker's node on the network.
pub(super) fn node(b: BrokerId) -> NodeId {
    NodeId::Broker(b)
}

/// An ISR change a leader decided while answering fetches, to send to the controller.
pub(super) type IsrProposal = (String, u32, Vec<BrokerId>, IsrReason);

impl Replication {
    /// One round of replica fetching at `now`: every follower whose broker process runs (up,
    /// or up but cut off) sends its Fetch to the leader the metadata names; the network
    /// delivers what it can; leaders answer, followers take the answers. Returns the ISR
    /// changes the leaders propose, in the order they were decided.
    pub(super) fn exchange_fetches(&mut self, now: Millis) -> Vec<IsrProposal> {
        let mut sent = 0usize;
        let mut requests = Vec::new();
        for (name, t) in &self.topics {
            for (index, p) in t.partitions.iter().enumerate() {
                let leader = p.registration.leader;
                if leader == NO_LEADER || p.replicas.len() < 2 {
                    continue;
                }
                for &f in p.registration.replicas.iter().filter(|&&f| f != leader) {
                    // A stopped or crashed broker runs no fetcher; a cut-off one does.
                    if !self.node(f).is_some_and(|n| n.process_runs()) {
                        continue;
                    }
                    let Some(r) = p.replicas.get(&f) else { continue };
                    requests.push((
                        f,
                        leader,
                        ReplicaFetchRequest {
                            replica_id: f,
                            topic: name.clone(),
                            partition: index as u32,
                            current_leader_epoch: p.registration.leader_epoch,
                            fetch_offset: r.log_end,
                        },
                    ));
                }
            }
        }
        for (from, to, request) in requests {
            self.fetch_net.send_request(now, node(from), node(to), request);
            sent += 1;
        }
        let mut proposals = Vec::new();
        if sent == 0 {
            return proposals;
        }
        while let Some(env) = self.fetch_net.pop_due(now) {
            match env.payload {
                Payload::Request(q) => {
                    let NodeId::Broker(at) = &env.to else { continue };
                    let answer = self.answer_fetch(now, *at, &q, &mut proposals);
                    self.fetch_net.send_response(now, env.to, env.from, env.correlation, answer);
                }
                Payload::Response(r) => {
                    let NodeId::Broker(follower) = &env.to else { continue };
                    self.take_fetch_answer(*follower, r);
                }
                // A fetch lost to a down node or a cut link: the next round sends another.
                Payload::TimedOut | Payload::Disconnected => {}
            }
        }
        proposals
    }

    /// The leader `at` answers a follower's fetch (`ReplicaManager.fetchMessages` →
    /// `Partition.updateFollowerFetchState`): it counts the follower's log end (which may
    /// expand the ISR and move the high watermark) and sends back what lies past it.
    fn answer_fetch(
        &mut self,
        now: Millis,
        at: BrokerId,
        q: &ReplicaFetchRequest,
        proposals: &mut Vec<IsrProposal>,
    ) -> ReplicaFetchResponse {
        let refuse = |error| ReplicaFetchResponse {
            topic: q.topic.clone(),
            partition: q.partition,
            error_code: Some(error),
            high_watermark: 0,
            log_end_offset: q.fetch_offset,
            epochs: LeaderEpochCache::default(),
        };
        let Some(p) = self.topics.get_mut(&q.topic).and_then(|t| t.partitions.get_mut(q.partition as usize))
        else {
            return refuse(ErrorCode::UnknownTopicOrPartition);
        };
        if p.registration.leader != at {
            return refuse(ErrorCode::NotLeaderOrFollower);
        }
        let Some(state) = p.leader_state.as_mut() else { return refuse(ErrorCode::NotLeaderOrFollower) };
        if q.current_leader_epoch != state.leader_epoch() {
            return refuse(ErrorCode::FencedLeaderEpoch);
        }
        let f = q.replica_id;
        let joined = match state.update_follower_fetch_state(now, f, q.fetch_offset) {
            Ok((Some(change), _)) => {
                proposals.push((q.topic.clone(), q.partition, change.isr, IsrReason::CaughtUp));
                true
            }
            _ => false,
        };
        let end = state.log_end_offset();
        if joined {
            // See the module's notes: the follower's next fetch, sent at once, is counted now,
            // so the ISR check that follows does not take it out again.
            let _ = state.update_follower_fetch_state(now, f, end);
        }
        let high_watermark = state.high_watermark();
        let mut epochs = p.replicas.get(&at).map(|r| r.cache.clone()).unwrap_or_default();
        epochs.truncate_from_end(end);
        if let Some(r) = p.replicas.get_mut(&at) {
            r.high_watermark = high_watermark;
        }
        ReplicaFetchResponse {
            topic: q.topic.clone(),
            partition: q.partition,
            error_code: None,
            high_watermark,
            log_end_offset: end,
            epochs,
        }
    }

    /// The follower `at` takes its leader's answer: its log now ends where the leader's did,
    /// with the leader's epochs, and it learns the high watermark (never past its own end).
    fn take_fetch_answer(&mut self, at: BrokerId, r: ReplicaFetchResponse) {
        if r.error_code.is_some() {
            return; // it learns the new leader from the metadata before its next round
        }
        let Some(p) = self.topics.get_mut(&r.topic).and_then(|t| t.partitions.get_mut(r.partition as usize))
        else {
            return;
        };
        if let Some(replica) = p.replicas.get_mut(&at) {
            replica.log_end = r.log_end_offset;
            replica.cache = r.epochs;
            replica.high_watermark = follower_high_watermark(r.high_watermark, r.log_end_offset);
        }
    }

    /// Whether another round is due: some running follower's log end, as its leader counts
    /// it, is short of the leader's, or a high watermark is short of its log end. (When to wake
    /// the fetchers: the simulator's scheduling, not what any broker knows.)
    pub(super) fn followers_behind(&self) -> bool {
        let running: Vec<BrokerId> = self.nodes.iter().filter(|n| n.is_running()).map(|n| n.id).collect();
        self.topics.values().flat_map(|t| &t.partitions).any(|p| {
            let leader = p.registration.leader;
            if leader == NO_LEADER || !running.contains(&leader) || p.replicas.len() < 2 {
                return false;
            }
            let Some(state) = p.leader_state.as_ref() else { return false };
            let lagging = p.registration.replicas.iter().any(|&f| {
                f != leader
                    && running.contains(&f)
                    && state.follower(f).is_none_or(|s| s.log_end_offset != Some(state.log_end_offset()))
            });
            lagging || state.high_watermark() < state.log_end_offset()
        })
    }

    /// The brokers' fetch network (read-only: what crossed, what is outstanding).
    pub fn fetch_network(&self) -> &FetchNetwork {
        &self.fetch_net
    }

    /// Cuts (or mends) the fetch link between two brokers only: both keep running and keep
    /// their controller sessions, but the follower's fetches no longer reach its leader.
    pub fn set_fetch_link(&mut self, a: BrokerId, b: BrokerId, up: bool) {
        self.fetch_net.set_link_up(&node(a), &node(b), up);
    }

    /// Fetch again at the next round (a link came back).
    pub(crate) fn next_fetch_soon(&mut self, now: Millis) {
        self.next_fetch_at.get_or_insert(now + self.fetch_interval_ms);
    }

    /// Mirrors a broker's state on the fetch network: a stopped, crashed or cut-off broker's
    /// links lose everything.
    pub(super) fn set_fetch_node(&mut self, broker: BrokerId, up: bool) {
        self.fetch_net.set_node_up(&node(broker), up);
    }
}
