//! The brokers of the cluster and every partition's replicas, wired from `replication/`'s pure
//! pieces: the controller's registrations (placement, elections, fencing), each partition's
//! leader state (ISR, high watermark, `acks`), each replica's log end and leader-epoch cache,
//! followers fetching from their leader, and produce requests waiting for the ISR (`acks=all`).
//!
//! What is simplified (README "What is simplified"):
//! - The records live once, in the partition log the [`super::Broker`] keeps: it is the current
//!   leader's log. A follower's log is a prefix of it, kept as its log end offset and its
//!   leader-epoch cache; when a new leader has less than the old one, the partition log is cut
//!   back to the new leader's log end (the records past it are named in a `RecordsLost` event),
//!   and a returning replica truncates by the leader-epoch rules (`ReplicaTruncated`).
//! - Followers send Fetch requests over the brokers' network ([`fetch`]) every
//!   `playground.network.latency.ms` while they are behind (Kafka's fetch waits in the
//!   leader's purgatory until data arrives: about one round trip); the leader learns a
//!   follower's log end from its next fetch, so the high watermark moves one round after the
//!   copy, as in Kafka. A returning replica truncates by its leader's epoch cache read
//!   directly (Kafka asks with OffsetsForLeaderEpoch).
//! - One controller (KRaft's quorum is not shown); an ISR change the leader decides is committed
//!   at once. A request to a crashed or isolated broker fails at once with REQUEST_TIMED_OUT
//!   rather than after `request.timeout.ms`; a failed batch is not retried (the producer counts
//!   it as failed). Group coordinators fail over with their `__consumer_offsets` partition
//!   (`offsets_topic.rs`).

use crate::core::config::{BrokerSpec, ClusterConfig};
use crate::core::error::{CoreError, CoreResult, ErrorCode};
use crate::core::event::{BrokerChange, EventKind, IsrReason};
use crate::core::replication::config::{Acks, TopicReplicationConfig};
use crate::core::replication::election::{self, PartitionChange, PartitionRegistration};
use crate::core::replication::leader_epoch::{truncate_follower, LeaderEpochCache};
use crate::core::replication::partition_state::{AckAfterAppend, PartitionState};
use crate::core::replication::placement::{self, UsableBroker};
use crate::core::replication::{BrokerId, NO_LEADER};
use crate::core::sort::CollectTree;
use crate::core::time::Millis;
use crate::core::topic::Topic;
use std::collections::BTreeMap;

pub mod fetch;

/// Whether a broker runs, and if not, how it went away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrokerState {
    Running,
    /// Controlled shutdown: leadership moved away first.
    Stopped,
    /// Gone without a goodbye: noticed when its heartbeats stop (`broker.session.timeout.ms`).
    Crashed,
    /// Up, but cut off from every other node.
    Isolated,
}

/// One broker as the cluster sees it.
#[derive(Debug, Clone)]
pub struct BrokerNode {
    pub id: BrokerId,
    pub rack: Option<String>,
    pub state: BrokerState,
    /// The controller no longer counts it (after a controlled shutdown, or its session
    /// timed out); it may not lead or join an ISR until it is back.
    pub fenced: bool,
    /// When its heartbeats stopped reaching the controller (crash or isolation).
    silent_since: Option<Millis>,
}

impl BrokerNode {
    pub fn is_running(&self) -> bool {
        self.state == BrokerState::Running
    }

    /// Its process runs (up, or up but cut off): it keeps fetching, whether or not anything
    /// arrives.
    pub fn process_runs(&self) -> bool {
        matches!(self.state, BrokerState::Running | BrokerState::Isolated)
    }
}

/// One replica of a partition: how far its log goes, and the epochs in it.
#[derive(Debug, Clone, Default)]
pub struct ReplicaLog {
    pub log_end: u64,
    pub high_watermark: u64,
    cache: LeaderEpochCache,
}

/// One partition's replicas: the controller's registration, the leader's state, each replica.
#[derive(Debug, Clone)]
pub struct PartitionReplicas {
    pub registration: PartitionRegistration,
    leader_state: Option<PartitionState>,
    pub replicas: BTreeMap<BrokerId, ReplicaLog>,
}

impl PartitionReplicas {
    /// What consumers may read up to (the leader's high watermark).
    pub fn high_watermark(&self) -> Option<u64> {
        self.leader_state.as_ref().map(PartitionState::high_watermark)
    }
    pub fn leader(&self) -> Option<BrokerId> {
        self.registration.has_leader().then_some(self.registration.leader)
    }
}

/// A topic's replication: its settings and its partitions' replicas.
#[derive(Debug, Clone)]
pub struct TopicReplicas {
    pub config: TopicReplicationConfig,
    pub partitions: Vec<PartitionReplicas>,
    /// Some partition has no leader or fewer in-sync replicas than `min.insync.replicas`
    /// (kept up to date on every change, so a produce to a healthy topic checks nothing).
    degraded: bool,
}

impl TopicReplicas {
    fn note_health(&mut self) {
        let min = self.config.min_insync_replicas as usize;
        self.degraded = self.partitions.iter().any(|p| {
            !p.registration.has_leader() || p.registration.isr.len() < min.min(p.registration.replicas.len())
        });
    }

    pub fn replication_factor(&self) -> usize {
        self.partitions.first().map_or(1, |p| p.registration.replicas.len())
    }
}

/// What [`Replication::leader_append`] tells the Produce handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaderAppend {
    pub leader_epoch: i32,
    /// `acks=all`: the offset every in-sync replica must reach before the answer.
    pub required: Option<u64>,
}

/// The brokers, the controller's view of every partition, and the replicas.
#[derive(Debug, Clone)]
pub struct Replication {
    pub nodes: Vec<BrokerNode>,
    pub topics: BTreeMap<String, TopicReplicas>,
    /// Placement's randomness, apart from the cluster's (one broker draws nothing).
    rng: oorandom::Rand64,
    /// The brokers' network for followers' Fetch requests ([`fetch`]).
    fetch_net: fetch::FetchNetwork,
    next_fetch_at: Option<Millis>,
    fetch_interval_ms: Millis,
    lag_ms: Millis,
    session_ms: Millis,
    defaults: TopicReplicationConfig,
    default_replication_factor: i32,
    /// `auto.leader.rebalance.enable`'s check (`leader_election.rs`).
    pub(super) leader_rebalance: super::leader_election::LeaderRebalance,
}

impl Default for Replication {
    fn default() -> Self {
        Replication::new(&ClusterConfig::default(), 0)
    }
}

impl Replication {
    pub fn new(config: &ClusterConfig, seed: u64) -> Self {
        let specs: Vec<BrokerSpec> = if config.brokers.is_empty() {
            vec![BrokerSpec { id: BrokerId::FIRST, rack: None }]
        } else {
            config.brokers.clone()
        };
        let nodes = specs
            .into_iter()
            .map(|b| BrokerNode {
                id: b.id,
                rack: b.rack,
                state: BrokerState::Running,
                fenced: false,
                silent_since: None,
            })
            .collect();
        Replication {
            nodes,
            topics: BTreeMap::new(),
            rng: oorandom::Rand64::new(u128::from(seed) ^ 0x005e_ed0f_7e91_1ca5),
            fetch_net: fetch::FetchNetwork::new(0, 30_000),
            next_fetch_at: None,
            fetch_interval_ms: config.network_latency_ms.max(1),
            lag_ms: config.replica_lag_time_max_ms,
            session_ms: config.broker_session_timeout_ms,
            defaults: TopicReplicationConfig {
                min_insync_replicas: config.min_insync_replicas,
                unclean_leader_election_enable: config.unclean_leader_election_enable,
            },
            default_replication_factor: config.default_replication_factor,
            leader_rebalance: super::leader_election::LeaderRebalance::new(config),
        }
    }

    pub fn node(&self, id: BrokerId) -> Option<&BrokerNode> {
        self.nodes.iter().find(|n| n.id == id)
    }

    pub(super) fn active_set(&self) -> Vec<BrokerId> {
        self.nodes.iter().filter(|n| n.is_running() && !n.fenced).map(|n| n.id).collect()
    }

    pub fn partition(&self, topic: &str, partition: u32) -> Option<&PartitionReplicas> {
        self.topics.get(topic)?.partitions.get(partition as usize)
    }

    /// What a consumer may read up to in `topic-partition`, or why it cannot read there:
    /// no leader (LEADER_NOT_AVAILABLE) or a leader that does not answer (REQUEST_TIMED_OUT).
    pub fn readable(&self, topic: &str, partition: u32) -> Result<Option<u64>, ErrorCode> {
        let Some(p) = self.partition(topic, partition) else { return Ok(None) };
        let Some(leader) = p.leader() else { return Err(ErrorCode::LeaderNotAvailable) };
        if !self.node(leader).is_some_and(BrokerNode::is_running) {
            return Err(ErrorCode::RequestTimedOut);
        }
        Ok(p.high_watermark())
    }

    // ------------------------------------------------------------------ topics

    /// Checks a topic's replication settings, as CreateTopics does, before anything is made:
    /// the replication factor (`-1`/absent: `default.replication.factor`) against the brokers,
    /// and its `config` keys. Returns the factor and the settings.
    pub fn check_topic(
        &self,
        replication_factor: Option<i64>,
        config: Option<&serde_json::Map<String, serde_json::Value>>,
    ) -> CoreResult<(i32, TopicReplicationConfig)> {
        let rf = crate::core::replication::config::replication_factor(
            replication_factor.unwrap_or(-1),
            self.default_replication_factor,
        )
        .map_err(|e| CoreError::kafka(e.code, e.message))?;
        let brokers = self.nodes.len();
        if rf as usize > brokers {
            return Err(CoreError::kafka(
                ErrorCode::InvalidReplicationFactor,
                format!("Unable to replicate the partition {rf} time(s): The target replication factor of {rf} cannot be reached because only {brokers} broker(s) are registered."),
            ));
        }
        let empty = serde_json::Map::new();
        let map = config.unwrap_or(&empty);
        if let Some(k) = map.keys().find(|k| !TopicReplicationConfig::KEYS.contains(&k.as_str())) {
            return Err(CoreError::kafka(
                ErrorCode::InvalidConfig,
                format!("Unknown topic config name: {k}"),
            ));
        }
        let c = TopicReplicationConfig::from_json(map, &self.defaults)
            .map_err(|e| CoreError::kafka(e.code, e.message))?;
        Ok((rf, c))
    }

    /// Places `count` new partitions of `topic` (from `first` on) with `rf` replicas each
    /// (KRaft's `StripedReplicaPlacer` over the registered brokers; one broker places without
    /// drawing), and makes each partition's first in-sync replica its leader. The one function
    /// topic creation (scenario, admin client, auto-creation) and CreatePartitions call.
    pub fn place_partitions(
        &mut self,
        now: Millis,
        topic: &str,
        rf: i32,
        config: TopicReplicationConfig,
        count: u32,
    ) -> CoreResult<()> {
        let assignments: Vec<Vec<BrokerId>> = if self.nodes.len() == 1 {
            vec![vec![self.nodes[0].id]; count as usize]
        } else {
            let usable: Vec<UsableBroker> = self
                .nodes
                .iter()
                .map(|n| UsableBroker::new(n.id, n.rack.as_deref(), n.fenced || !n.is_running()))
                .collect();
            placement::place(&mut self.rng, count, rf, &usable)
                .map_err(|e| CoreError::kafka(e.code, e.message))?
        };
        let active = self.active_set();
        let (min_isr, lag) = (config.min_insync_replicas, self.lag_ms);
        let t = self.topics.entry(topic.to_string()).or_insert_with(|| TopicReplicas {
            config,
            partitions: Vec::new(),
            degraded: false,
        });
        for replicas in assignments {
            let reg = PartitionRegistration::new(replicas.clone(), |b| active.contains(&b));
            let mut logs: BTreeMap<BrokerId, ReplicaLog> =
                replicas.iter().map(|&b| (b, ReplicaLog::default())).collect_map();
            let index = t.partitions.len() as u32;
            let leader_state = logs.get_mut(&reg.leader).map(|r| {
                PartitionState::make_leader(
                    now,
                    topic,
                    index,
                    reg.leader,
                    &reg.replicas,
                    &reg.isr,
                    reg.leader_epoch,
                    0,
                    0,
                    &mut r.cache,
                    min_isr,
                    lag,
                )
            });
            t.partitions.push(PartitionReplicas { registration: reg, leader_state, replicas: logs });
        }
        t.note_health();
        Ok(())
    }

    /// CreatePartitions: the new partitions are placed like the topic's first ones (same
    /// replication factor and settings). Nothing is placed when no broker can take them.
    pub fn add_partitions(&mut self, now: Millis, topic: &str, count: u32) {
        let Some(t) = self.topics.get(topic) else { return };
        let (rf, config) = (t.replication_factor() as i32, t.config.clone());
        let _ = self.place_partitions(now, topic, rf, config, count);
    }

    pub fn forget_topic(&mut self, topic: &str) {
        self.topics.remove(topic);
    }

    // ------------------------------------------------------------------ produce

    /// Whether broker `to` refuses a write to `topic-partition` before looking at the batch
    /// (`Partition.appendRecordsToLeader`'s first checks): NOT_LEADER_OR_FOLLOWER, or with
    /// `acks=all` NOT_ENOUGH_REPLICAS. `None`: it takes it (also a topic never placed).
    pub fn write_refused(&self, to: BrokerId, topic: &str, partition: u32, acks: Acks) -> Option<ErrorCode> {
        let p = self.partition(topic, partition)?;
        match p.leader_state.as_ref() {
            Some(s) if p.registration.leader == to => {
                (acks == Acks::All && s.is_under_min_isr()).then_some(ErrorCode::NotEnoughReplicas)
            }
            _ => Some(ErrorCode::NotLeaderOrFollower),
        }
    }

    /// The Produce handler's append on broker `to` (`Partition.appendRecordsToLeader`): `to`
    /// must lead the partition (else NOT_LEADER_OR_FOLLOWER), and with `acks=all` the ISR must
    /// be at least `min.insync.replicas` (else NOT_ENOUGH_REPLICAS, nothing written). A topic
    /// without replication state (never placed) takes the write as one replica would.
    pub fn leader_append(
        &mut self,
        now: Millis,
        to: BrokerId,
        topic: &str,
        partition: u32,
        count: u64,
        acks: Acks,
    ) -> Result<LeaderAppend, ErrorCode> {
        let Some(t) = self.topics.get_mut(topic) else {
            return Ok(LeaderAppend { leader_epoch: 0, required: None });
        };
        let p = t.partitions.get_mut(partition as usize).ok_or(ErrorCode::UnknownTopicOrPartition)?;
        let leader = p.registration.leader;
        let state = match p.leader_state.as_mut() {
            Some(s) if leader == to => s,
            _ => return Err(ErrorCode::NotLeaderOrFollower),
        };
        let info = state.append_records_to_leader(now, acks, count).map_err(|e| e.code)?;
        let (epoch, log_end, hw) = (state.leader_epoch(), state.log_end_offset(), state.high_watermark());
        if let Some(r) = p.replicas.get_mut(&leader) {
            r.log_end = log_end;
            r.high_watermark = hw;
        }
        if p.registration.replicas.len() > 1 {
            self.next_fetch_at.get_or_insert(now + self.fetch_interval_ms);
        }
        let required = match info.ack {
            AckAfterAppend::WhenReplicated(required) => Some(required),
            AckAfterAppend::Never | AckAfterAppend::Now => None,
        };
        Ok(LeaderAppend { leader_epoch: epoch, required })
    }

    /// Whether an `acks=all` batch written on `leader` in `leader_epoch`, ending before
    /// `required`, is answered now (`checkEnoughReplicasReachOffset`): `None` keep waiting,
    /// `Some(Ok)` every in-sync replica has it, `Some(Err)` NOT_LEADER_OR_FOLLOWER (leadership
    /// moved) or NOT_ENOUGH_REPLICAS_AFTER_APPEND.
    pub fn produce_status(
        &self,
        topic: &str,
        partition: u32,
        leader: BrokerId,
        leader_epoch: i32,
        required: u64,
    ) -> Option<Result<(), ErrorCode>> {
        let Some(t) = self.topics.get(topic) else { return Some(Ok(())) };
        let p = t.partitions.get(partition as usize);
        match p.and_then(|p| p.leader_state.as_ref().filter(|_| p.registration.leader == leader)) {
            Some(s) if s.leader_epoch() == leader_epoch => {
                match s.check_enough_replicas_reach_offset(required) {
                    Ok(true) => Some(Ok(())),
                    Ok(false) => None,
                    Err(e) => Some(Err(e.code)),
                }
            }
            _ => Some(Err(ErrorCode::NotLeaderOrFollower)),
        }
    }

    // ------------------------------------------------------------------ time

    /// When the replicas next need to run: a follower's fetch, a leader's ISR check, the
    /// controller noticing a silent broker. (Held produce requests wait in the broker's purgatory, `broker/produce.rs`.)
    pub fn next_wakeup(&self) -> Option<Millis> {
        let mut t = self.next_fetch_at;
        let mut consider = |x: Millis| t = Some(t.map_or(x, |t: Millis| t.min(x)));
        for n in &self.nodes {
            if let (false, Some(s)) = (n.fenced, n.silent_since) {
                consider(s + self.session_ms);
            }
        }
        for tr in self.topics.values().filter(|t| t.replication_factor() > 1) {
            for p in &tr.partitions {
                if let Some(c) = p.leader_state.as_ref().and_then(PartitionState::next_shrink_check) {
                    if p.leader().and_then(|l| self.node(l)).is_some_and(BrokerNode::is_running) {
                        consider(c);
                    }
                }
            }
        }
        if let Some(c) = self.leader_rebalance.next_check {
            consider(c);
        }
        t
    }

    /// Everything due at `now`: the controller fences silent brokers, followers fetch, leaders
    /// shrink their ISR. `logs` are the partition logs
    /// (cut back when a new leader has less).
    pub fn run(&mut self, now: Millis, logs: &mut BTreeMap<String, Topic>) -> Vec<EventKind> {
        let mut events = Vec::new();
        // The controller: a broker silent for broker.session.timeout.ms is fenced.
        let silent: Vec<BrokerId> = self
            .nodes
            .iter()
            .filter(|n| !n.fenced && n.silent_since.is_some_and(|s| now >= s + self.session_ms))
            .map(|n| n.id)
            .collect();
        for b in silent {
            events.push(EventKind::BrokerChanged { broker: b, change: BrokerChange::Fenced });
            self.fence(now, b, logs, &mut events);
        }
        if self.next_fetch_at.is_some_and(|t| t <= now) {
            self.next_fetch_at = None;
            self.fetch_round(now, logs, &mut events);
        }
        self.shrink_isrs(now, logs, &mut events);
        self.maybe_balance_partition_leaders(now, logs, &mut events);
        events
    }

    /// Every follower fetches from its leader over the brokers' network ([`fetch`]): the
    /// leader counts the follower's log end (ISR expansion, high watermark), the follower takes
    /// what it lacks and the leader's high watermark. ISR changes go to the controller after.
    fn fetch_round(&mut self, now: Millis, logs: &mut BTreeMap<String, Topic>, events: &mut Vec<EventKind>) {
        let changes = self.exchange_fetches(now);
        let behind = self.followers_behind();
        for (topic, partition, isr, reason) in changes {
            self.alter_partition(now, &topic, partition, isr, reason, logs, events);
        }
        if behind {
            self.next_fetch_at = Some(now + self.fetch_interval_ms);
        }
    }

    /// Leaders drop followers that have not caught up for `replica.lag.time.max.ms`.
    fn shrink_isrs(&mut self, now: Millis, logs: &mut BTreeMap<String, Topic>, events: &mut Vec<EventKind>) {
        let mut changes = Vec::new();
        for (name, t) in self.topics.iter_mut() {
            for (index, p) in t.partitions.iter_mut().enumerate() {
                let leader = p.registration.leader;
                if !self.nodes.iter().any(|n| n.id == leader && n.is_running()) {
                    continue;
                }
                let Some(state) = p.leader_state.as_mut() else { continue };
                if state.next_shrink_check().is_none_or(|t| t > now) {
                    continue;
                }
                if let Some((change, _)) = state.maybe_shrink_isr(now) {
                    changes.push((name.clone(), index as u32, change.isr, IsrReason::Lagged));
                }
            }
        }
        for (topic, partition, isr, reason) in changes {
            self.alter_partition(now, &topic, partition, isr, reason, logs, events);
        }
    }

    /// The leader's ISR change goes to the controller (`AlterPartition`) and comes back.
    #[allow(clippy::too_many_arguments)]
    fn alter_partition(
        &mut self,
        now: Millis,
        topic: &str,
        partition: u32,
        isr: Vec<BrokerId>,
        reason: IsrReason,
        logs: &mut BTreeMap<String, Topic>,
        events: &mut Vec<EventKind>,
    ) {
        let active = self.active_set();
        let Some(p) = self.partition(topic, partition) else { return };
        let reg = p.registration.clone();
        if let Ok(Some(change)) =
            election::alter_partition(&reg, reg.leader, reg.leader_epoch, &isr, &|b| active.contains(&b))
        {
            self.apply_change(now, topic, partition, change, reason, logs, events);
        }
    }

    // ------------------------------------------------------------------ controller

    /// Applies a controller decision to a partition: a new leader takes over (the partition log
    /// is cut back to what it has; its leader state starts), or the ISR changes.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn apply_change(
        &mut self,
        now: Millis,
        topic: &str,
        partition: u32,
        change: PartitionChange,
        reason: IsrReason,
        logs: &mut BTreeMap<String, Topic>,
        events: &mut Vec<EventKind>,
    ) {
        let fenced: Vec<BrokerId> = self.nodes.iter().filter(|n| n.fenced).map(|n| n.id).collect();
        let lag = self.lag_ms;
        let Some(t) = self.topics.get_mut(topic) else { return };
        let min_isr = t.config.min_insync_replicas;
        let Some(p) = t.partitions.get_mut(partition as usize) else { return };
        let PartitionChange { before, after, unclean } = change;
        p.registration = after.clone();
        self.leader_rebalance.note(now, &after);
        if before.leader != after.leader {
            p.leader_state = None;
            let leader = after.leader;
            let log = logs.get_mut(topic).and_then(|t| t.partitions.get_mut(partition as usize));
            if let (Some(r), Some(log)) = (p.replicas.get_mut(&leader), log) {
                let end = log.log_end();
                r.log_end = r.log_end.min(end);
                if r.log_end < end {
                    log.truncate_to(r.log_end);
                    events.push(EventKind::RecordsLost {
                        topic: topic.to_string(),
                        partition,
                        leader,
                        from: r.log_end,
                        to: end,
                    });
                }
                let mut state = PartitionState::make_leader(
                    now,
                    topic,
                    partition,
                    leader,
                    &after.replicas,
                    &after.isr,
                    after.leader_epoch,
                    r.log_end,
                    r.high_watermark,
                    &mut r.cache,
                    min_isr,
                    lag,
                );
                for &b in &fenced {
                    state.set_isr_eligible(b, false);
                }
                r.high_watermark = state.high_watermark();
                p.leader_state = Some(state);
            }
            events.push(EventKind::LeaderChanged {
                topic: topic.to_string(),
                partition,
                leader: (leader != NO_LEADER).then_some(leader),
                leader_epoch: after.leader_epoch,
                unclean,
            });
            self.next_fetch_at.get_or_insert(now + self.fetch_interval_ms);
        } else if let Some(state) = p.leader_state.as_mut() {
            if let Some(r) = p.replicas.get_mut(&after.leader) {
                state.update_from_controller(
                    now,
                    &after.replicas,
                    &after.isr,
                    after.leader_epoch,
                    &mut r.cache,
                );
                r.high_watermark = state.high_watermark();
            }
        }
        if before.isr != after.isr {
            let added = after.isr.iter().copied().filter(|b| !before.isr.contains(b)).collect();
            let removed = before.isr.iter().copied().filter(|b| !after.isr.contains(b)).collect();
            events.push(EventKind::IsrChanged {
                topic: topic.to_string(),
                partition,
                isr: after.isr.clone(),
                added,
                removed,
                reason,
            });
        }
        if let Some(t) = self.topics.get_mut(topic) {
            t.note_health();
        }
    }

    /// The controller removes `broker` from every partition (fenced after its session timed
    /// out, or in a controlled shutdown): new leaders from the ISR, or none.
    fn fence(
        &mut self,
        now: Millis,
        broker: BrokerId,
        logs: &mut BTreeMap<String, Topic>,
        events: &mut Vec<EventKind>,
    ) {
        if let Some(n) = self.nodes.iter_mut().find(|n| n.id == broker) {
            n.fenced = true;
            n.silent_since = None;
        }
        let active = self.active_set();
        let mut changes = Vec::new();
        for (name, t) in &mut self.topics {
            let unclean = t.config.unclean_leader_election_enable;
            for (index, p) in t.partitions.iter_mut().enumerate() {
                if let Some(s) = p.leader_state.as_mut() {
                    s.set_isr_eligible(broker, false);
                }
                if let Some(c) =
                    election::remove_broker(&p.registration, broker, &|b| active.contains(&b), unclean)
                {
                    changes.push((name.clone(), index as u32, c));
                }
            }
        }
        for (topic, partition, change) in changes {
            self.apply_change(now, &topic, partition, change, IsrReason::BrokerDown, logs, events);
        }
    }

    /// A broker comes back (started or healed): unfenced, each of its replicas truncates to
    /// what its leader has (leader epochs), and partitions without a leader may elect it.
    fn unfence(
        &mut self,
        now: Millis,
        broker: BrokerId,
        logs: &mut BTreeMap<String, Topic>,
        events: &mut Vec<EventKind>,
    ) {
        let active = self.active_set();
        let mut changes = Vec::new();
        for (name, t) in &mut self.topics {
            let unclean = t.config.unclean_leader_election_enable;
            for (index, p) in t.partitions.iter_mut().enumerate() {
                if let Some(s) = p.leader_state.as_mut() {
                    s.set_isr_eligible(broker, true);
                }
                if !p.registration.replicas.contains(&broker) {
                    continue;
                }
                let leader = p.registration.leader;
                if leader != NO_LEADER && leader != broker {
                    let (leader_cache, leader_end) = match (p.replicas.get(&leader), &p.leader_state) {
                        (Some(l), Some(s)) => (l.cache.clone(), s.log_end_offset()),
                        _ => continue,
                    };
                    if let Some(r) = p.replicas.get_mut(&broker) {
                        let cut = truncate_follower(
                            &mut r.cache,
                            r.log_end,
                            r.high_watermark,
                            &leader_cache,
                            leader_end,
                        );
                        r.log_end = cut.truncate_to;
                        r.high_watermark = r.high_watermark.min(cut.truncate_to);
                        if !cut.lost.is_empty() {
                            events.push(EventKind::ReplicaTruncated {
                                topic: name.clone(),
                                partition: index as u32,
                                broker,
                                from: cut.lost.start,
                                to: cut.lost.end,
                            });
                        }
                    }
                } else if leader == NO_LEADER {
                    if let Some(c) =
                        election::broker_unfenced(&p.registration, broker, &|b| active.contains(&b), unclean)
                    {
                        changes.push((name.clone(), index as u32, c));
                    }
                }
            }
        }
        for (topic, partition, change) in changes {
            self.apply_change(now, &topic, partition, change, IsrReason::CaughtUp, logs, events);
        }
        self.next_fetch_at.get_or_insert(now + self.fetch_interval_ms);
    }

    /// A broker action (stop, crash, start, isolate, heal) at `now`; refused, with nothing
    /// changed, for an unknown broker or one in the wrong state.
    pub fn broker_action(
        &mut self,
        now: Millis,
        broker: BrokerId,
        change: BrokerChange,
        logs: &mut BTreeMap<String, Topic>,
    ) -> CoreResult<Vec<EventKind>> {
        let Some(n) = self.nodes.iter().find(|n| n.id == broker) else {
            let ids: Vec<String> = self.nodes.iter().map(|n| n.id.to_string()).collect();
            return Err(CoreError::invalid(format!(
                "there is no broker {broker} (the brokers are {})",
                ids.join(", ")
            )));
        };
        let state = n.state;
        let wrong = |what: &str| Err(CoreError::invalid(format!("broker {broker} {what}")));
        let mut events = Vec::new();
        match change {
            BrokerChange::Stopped | BrokerChange::Crashed | BrokerChange::Isolated
                if state != BrokerState::Running =>
            {
                return wrong("is not running");
            }
            BrokerChange::Started if !matches!(state, BrokerState::Stopped | BrokerState::Crashed) => {
                return wrong("is not stopped");
            }
            BrokerChange::Healed if state != BrokerState::Isolated => return wrong("is not isolated"),
            BrokerChange::Fenced => return wrong("is fenced by the controller, not by a command"),
            BrokerChange::Stopped => {
                // Controlled shutdown: the controller moves leadership away first.
                self.set_state(broker, BrokerState::Stopped, None);
                events.push(EventKind::BrokerChanged { broker, change });
                self.fence(now, broker, logs, &mut events);
                return Ok(events);
            }
            BrokerChange::Crashed => self.set_state(broker, BrokerState::Crashed, Some(now)),
            BrokerChange::Isolated => self.set_state(broker, BrokerState::Isolated, Some(now)),
            BrokerChange::Started | BrokerChange::Healed => {
                self.set_state(broker, BrokerState::Running, None);
                if let Some(n) = self.nodes.iter_mut().find(|n| n.id == broker) {
                    n.fenced = false;
                }
                events.push(EventKind::BrokerChanged { broker, change });
                self.unfence(now, broker, logs, &mut events);
                return Ok(events);
            }
        }
        events.push(EventKind::BrokerChanged { broker, change });
        Ok(events)
    }

    fn set_state(&mut self, broker: BrokerId, state: BrokerState, silent_since: Option<Millis>) {
        if let Some(n) = self.nodes.iter_mut().find(|n| n.id == broker) {
            n.state = state;
            n.silent_since = silent_since;
        }
        self.set_fetch_node(broker, state == BrokerState::Running);
    }
}
