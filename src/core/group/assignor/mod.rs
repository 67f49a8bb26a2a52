//! Partition assignors, bit-for-bit the Java client's (and KIP-848's server-side ones).
//!
//! Two traits, as Kafka has them: [`ConsumerPartitionAssignor`] for the classic protocol's
//! client-side strategies, run by the group's leader, and [`ConsumerGroupPartitionAssignor`] for
//! KIP-848's server-side ones, run by the coordinator; one file per strategy, one row each in
//! [`STRATEGIES`]. Member order everywhere is Kafka's: static members
//! (with `group.instance.id`) first, by instance id; then dynamic members by `member.id`
//! (Java `String.compareTo`, which for our ASCII ids is byte order). The sticky assignors are
//! the exception Java makes: `AbstractStickyAssignor` only ever sees member ids and sorts those.
//!
//! # Layout
//! - [`range`], [`roundrobin`], [`sticky`], [`cooperative_sticky`]: the Java client's classic
//!   assignors (`clients/consumer/*Assignor.java`).
//! - [`uniform`], [`server_range`]: KIP-848's server-side assignors
//!   (`group-coordinator/.../coordinator/group/assignor/`).
//! - this file: the shared types, and [`Interned`], the compact form every assignor works on.
//!
//! # Why an interned form
//! Kafka's own scale test is 1,000,000 partitions × 2000 members. Working on
//! `TopicPartition { Arc<str>, u32 }` values would hash and compare strings a million times over;
//! instead each partition is one `u32` — its index in the list of all partitions sorted by topic
//! then partition — so "sorted by topic then partition" is plain integer order, and per-partition
//! state lives in flat vectors.

pub mod cooperative_sticky;
pub mod range;
pub mod roundrobin;
pub mod server_range;
pub mod sticky;
pub mod uniform;

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

pub use crate::core::ids::TopicPartition;

/// How the members of a classic group rebalance (Kafka's `RebalanceProtocol`): decided by
/// the core from the members' assignors, not guessed by whoever shows it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RebalanceProtocol {
    /// At least one member revokes everything before it rejoins (its assignors are not all
    /// cooperative, e.g. the default `range, cooperative-sticky`): it consumes nothing until
    /// the new assignment arrives.
    #[default]
    Eager,
    /// Every member's assignors are cooperative: members keep what they own while rejoining.
    Cooperative,
}

impl RebalanceProtocol {
    pub fn is_eager(&self) -> bool {
        *self == RebalanceProtocol::Eager
    }
}

/// What one member tells the assignor: its subscription and what it owns now.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MemberSubscription {
    pub member_id: String,
    /// `group.instance.id` (static membership, KIP-345).
    pub group_instance_id: Option<String>,
    /// Subscribed topics. Topics that do not exist in `topics` are ignored.
    pub topics: Vec<String>,
    /// Partitions the member owns now (the classic protocol's `ownedPartitions`).
    pub owned: Vec<TopicPartition>,
    /// Generation of `owned` (sticky user data); `None` when unknown.
    pub generation: Option<i32>,
}

/// member id -> its partitions, each list sorted by topic then partition.
/// Every member of the input appears, with `[]` when it gets nothing.
pub type GroupAssignment = BTreeMap<String, Vec<TopicPartition>>;

/// The strategies the playground offers, by Kafka's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// `range` (RangeAssignor)
    Range,
    /// `roundrobin` (RoundRobinAssignor)
    #[serde(rename = "roundrobin")]
    RoundRobin,
    /// `sticky` (StickyAssignor)
    Sticky,
    /// `cooperative-sticky` (CooperativeStickyAssignor)
    CooperativeSticky,
    /// KIP-848 server-side `uniform`
    Uniform,
    /// KIP-848 server-side `range`
    ServerRange,
}

/// Who runs an assignor. Kafka has two kinds with different interfaces: the classic protocol's
/// run by the group's leader client (`ConsumerPartitionAssignor`, named in
/// `partition.assignment.strategy`), and KIP-848's run by the coordinator
/// (`ConsumerGroupPartitionAssignor`, named in `group.remote.assignor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Client,
    Server,
}

/// One row of the strategy table.
pub struct StrategyInfo {
    pub strategy: Strategy,
    /// The playground's unique name (scenario files, the page's options, the CLI).
    pub name: &'static str,
    /// Kafka's name in its config and in `kafka-consumer-groups --describe`.
    pub kafka_name: &'static str,
    pub side: Side,
    pub assignor: AssignorKind,
}

/// The assignor behind a strategy, of the kind its side runs.
#[derive(Clone, Copy)]
pub enum AssignorKind {
    /// Run by a classic group's leader, on the client.
    Client(&'static (dyn ConsumerPartitionAssignor + Sync)),
    /// Run by the group coordinator, on the broker (KIP-848).
    Server(&'static (dyn ConsumerGroupPartitionAssignor + Sync)),
}

impl AssignorKind {
    pub fn name(self) -> &'static str {
        match self {
            AssignorKind::Client(a) => a.name(),
            AssignorKind::Server(a) => a.name(),
        }
    }
}

/// Every strategy, in the order the page lists them: the one table the core, the CLI and the
/// page read names and sides from. Adding an assignor: its file, its `Strategy` variant, a row.
pub const STRATEGIES: [StrategyInfo; 6] = [
    client(Strategy::Range, "range", "range", &range::RangeAssignor),
    client(Strategy::RoundRobin, "roundrobin", "roundrobin", &roundrobin::RoundRobinAssignor),
    client(Strategy::Sticky, "sticky", "sticky", &sticky::StickyAssignor),
    client(
        Strategy::CooperativeSticky,
        "cooperative-sticky",
        "cooperative-sticky",
        &cooperative_sticky::CooperativeStickyAssignor,
    ),
    server(Strategy::Uniform, "uniform", "uniform", &uniform::UniformAssignor),
    // `server-range` here, since `range` names the client-side one.
    server(Strategy::ServerRange, "server-range", "range", &server_range::ServerRangeAssignor),
];

const fn client(
    strategy: Strategy,
    name: &'static str,
    kafka_name: &'static str,
    assignor: &'static (dyn ConsumerPartitionAssignor + Sync),
) -> StrategyInfo {
    StrategyInfo { strategy, name, kafka_name, side: Side::Client, assignor: AssignorKind::Client(assignor) }
}

const fn server(
    strategy: Strategy,
    name: &'static str,
    kafka_name: &'static str,
    assignor: &'static (dyn ConsumerGroupPartitionAssignor + Sync),
) -> StrategyInfo {
    StrategyInfo { strategy, name, kafka_name, side: Side::Server, assignor: AssignorKind::Server(assignor) }
}

impl Strategy {
    /// Every strategy, in the table's order.
    pub const ALL: [Strategy; STRATEGIES.len()] = {
        let mut all = [Strategy::Range; STRATEGIES.len()];
        let mut i = 0;
        while i < all.len() {
            all[i] = STRATEGIES[i].strategy;
            i += 1;
        }
        all
    };

    /// This strategy's row of [`STRATEGIES`].
    pub fn info(self) -> &'static StrategyInfo {
        // Each variant has its row (a unit test checks), so the fallback is never taken.
        STRATEGIES.iter().find(|i| i.strategy == self).unwrap_or(&STRATEGIES[0])
    }

    /// The playground's unique name (`server-range` for KIP-848's `range`).
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// Kafka's name (`range` for both range assignors).
    pub fn kafka_name(self) -> &'static str {
        self.info().kafka_name
    }

    pub fn side(self) -> Side {
        self.info().side
    }

    /// The inverse of [`Strategy::name`].
    pub fn from_name(name: &str) -> Option<Strategy> {
        STRATEGIES.iter().find(|i| i.name == name).map(|i| i.strategy)
    }

    /// The strategies run on one side, in the table's order.
    pub fn on_side(side: Side) -> impl Iterator<Item = Strategy> {
        STRATEGIES.iter().filter(move |i| i.side == side).map(|i| i.strategy)
    }
}

/// A client-side assignor (Kafka's `ConsumerPartitionAssignor`): named in
/// `partition.assignment.strategy`, run by a classic group's leader over every member's
/// subscription (`ConsumerProtocolSubscription`: topics, owned partitions, their generation)
/// and the partition counts its metadata gives. `metadata` maps topic name -> partition count.
pub trait ConsumerPartitionAssignor {
    fn name(&self) -> &'static str;
    /// `supportedProtocols()`: EAGER, and COOPERATIVE for the cooperative assignor.
    fn supported_protocols(&self) -> &'static [RebalanceProtocol] {
        &[RebalanceProtocol::Eager]
    }
    fn assign(
        &self,
        metadata: &BTreeMap<String, u32>,
        subscriptions: &[MemberSubscription],
    ) -> GroupAssignment;
}

/// One member as a server-side assignor sees it (`MemberSubscriptionAndAssignmentImpl`):
/// what it subscribes to and its current target assignment. No generations: the coordinator
/// knows the current assignment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MemberSpec {
    pub member_id: String,
    pub instance_id: Option<String>,
    pub subscribed_topics: Vec<String>,
    /// Its partitions in the current target assignment.
    pub assigned_partitions: Vec<TopicPartition>,
}

/// The group as the coordinator hands it to its assignor (Kafka's `GroupSpec`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupSpec {
    pub members: Vec<MemberSpec>,
}

impl GroupSpec {
    /// The members in the shared form the algorithms read (`owned` is the current target).
    pub(crate) fn subscriptions(&self) -> Vec<MemberSubscription> {
        self.members
            .iter()
            .map(|m| MemberSubscription {
                member_id: m.member_id.clone(),
                group_instance_id: m.instance_id.clone(),
                topics: m.subscribed_topics.clone(),
                owned: m.assigned_partitions.clone(),
                generation: None,
            })
            .collect()
    }

    fn of(members: &[MemberSubscription]) -> Self {
        GroupSpec {
            members: members
                .iter()
                .map(|m| MemberSpec {
                    member_id: m.member_id.clone(),
                    instance_id: m.group_instance_id.clone(),
                    subscribed_topics: m.topics.clone(),
                    assigned_partitions: m.owned.clone(),
                })
                .collect(),
        }
    }
}

/// A server-side assignor (KIP-848's `ConsumerGroupPartitionAssignor`): named in
/// `group.remote.assignor`, run by the group coordinator to compute a consumer group's target
/// assignment. `topics` maps topic name -> partition count (its `SubscribedTopicDescriber`).
pub trait ConsumerGroupPartitionAssignor {
    fn name(&self) -> &'static str;
    fn assign(&self, group: &GroupSpec, topics: &BTreeMap<String, u32>) -> GroupAssignment;
}

/// The client-side assignor behind a strategy (`None` for a server-side one).
pub fn client_assignor(strategy: Strategy) -> Option<&'static dyn ConsumerPartitionAssignor> {
    match strategy.info().assignor {
        AssignorKind::Client(a) => Some(a),
        AssignorKind::Server(_) => None,
    }
}

/// The server-side assignor behind a strategy (`None` for a client-side one).
pub fn server_assignor(strategy: Strategy) -> Option<&'static dyn ConsumerGroupPartitionAssignor> {
    match strategy.info().assignor {
        AssignorKind::Server(a) => Some(a),
        AssignorKind::Client(_) => None,
    }
}

/// Runs one strategy over members given in the client-side form, whichever side it runs on
/// (a server-side assignor takes `owned` as the current target): what the CLI's `assign`,
/// the bench and the ported Kafka tests call.
pub fn assign(
    strategy: Strategy,
    topics: &BTreeMap<String, u32>,
    members: &[MemberSubscription],
) -> GroupAssignment {
    match strategy.info().assignor {
        AssignorKind::Client(a) => a.assign(topics, members),
        AssignorKind::Server(a) => a.assign(&GroupSpec::of(members), topics),
    }
}

/// Kafka's `MemberInfo.compareTo` (`AbstractPartitionAssignor.MemberInfo`): static members
/// first, by `group.instance.id`; then by `member.id`.
pub fn member_info_cmp(a: &MemberSubscription, b: &MemberSubscription) -> Ordering {
    match (&a.group_instance_id, &b.group_instance_id) {
        (Some(x), Some(y)) => x.cmp(y).then_with(|| a.member_id.cmp(&b.member_id)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.member_id.cmp(&b.member_id),
    }
}

/// Indices of `members` in [`member_info_cmp`] order.
pub fn member_order(members: &[MemberSubscription]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..members.len()).collect();
    crate::core::sort::by(&mut order, |&a, &b| member_info_cmp(&members[a], &members[b]));
    order
}

/// Indices of `members` by `member.id` alone (what `AbstractStickyAssignor` sorts by).
pub fn member_id_order(members: &[MemberSubscription]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..members.len()).collect();
    crate::core::sort::by(&mut order, |&a, &b| members[a].member_id.cmp(&members[b].member_id));
    order
}

/// Builds Kafka's large uniform test group (`testLargeAssignmentAndGroupWithUniformSubscription`):
/// topics `t0..t{topics-1}` with `partitions` each, members `consumer-0..` all subscribed to all,
/// owning nothing. For benchmarks and the scale test.
pub fn large_uniform_group(
    topics: usize,
    partitions: u32,
    members: usize,
) -> (BTreeMap<String, u32>, Vec<MemberSubscription>) {
    let names: Vec<String> = (0..topics).map(|t| format!("t{t}")).collect();
    let map = names.iter().map(|n| (n.clone(), partitions)).collect();
    let subs = (0..members)
        .map(|m| MemberSubscription {
            member_id: format!("consumer-{m}"),
            topics: names.clone(),
            ..Default::default()
        })
        .collect();
    (map, subs)
}

/// Feeds an assignment back as every member's `owned` (and `generation`), the way members
/// report it when they rejoin: the "previous round" for sticky assignors.
pub fn with_owned(
    members: &[MemberSubscription],
    assignment: &GroupAssignment,
    generation: Option<i32>,
) -> Vec<MemberSubscription> {
    members
        .iter()
        .map(|m| MemberSubscription {
            owned: assignment.get(&m.member_id).cloned().unwrap_or_default(),
            generation,
            ..m.clone()
        })
        .collect()
}

/// "No member": the value of an empty slot in per-partition owner vectors.
pub(crate) const NONE: u32 = u32::MAX;

/// The group in compact form: topics are indices into the sorted topic list, partitions are
/// `u32` indices into the list of all partitions sorted by topic then partition.
pub(crate) struct Interned {
    /// Topic names, sorted (the `BTreeMap` order).
    pub names: Vec<Arc<str>>,
    /// `offsets[t]..offsets[t + 1]` are topic `t`'s partitions. Length `names.len() + 1`.
    pub offsets: Vec<u32>,
    /// Distinct subscriptions (existing topics only, sorted, deduplicated).
    pub subscriptions: Vec<Vec<u32>>,
    /// `sub_of[m]`: index into `subscriptions` of member `m` (input order).
    pub sub_of: Vec<usize>,
    /// Whether all members sent the same *raw* topic set (nonexistent topics included), as
    /// Java's `allSubscriptionsEqual` compares them.
    pub all_equal: bool,
    /// `owned[m]`: member `m`'s owned partitions that exist, in the order it listed them,
    /// without repeats.
    pub owned: Vec<Vec<u32>>,
}

impl Interned {
    pub fn new(topics: &BTreeMap<String, u32>, members: &[MemberSubscription]) -> Self {
        let mut names = Vec::with_capacity(topics.len());
        let mut offsets = Vec::with_capacity(topics.len() + 1);
        let mut index: HashMap<&str, u32> = HashMap::with_capacity(topics.len());
        let mut total: u32 = 0;
        offsets.push(0);
        for (name, &count) in topics {
            // Partition indices must fit in u32; a group beyond 4 billion partitions cannot be
            // held in memory anyway, so the excess of such a topic is cut off rather than wrap.
            let count = count.min(u32::MAX - 1 - total);
            index.insert(name.as_str(), names.len() as u32);
            names.push(Arc::from(name.as_str()));
            total += count;
            offsets.push(total);
        }

        // Subscriptions: most groups have one or a few distinct ones, so intern them.
        let mut raw_keys: Vec<Vec<&str>> = Vec::new();
        let mut subscriptions: Vec<Vec<u32>> = Vec::new();
        let mut sub_of = Vec::with_capacity(members.len());
        let mut last: Option<(&[String], usize)> = None;
        for m in members {
            if let Some((topics, id)) = last {
                if topics == m.topics.as_slice() {
                    sub_of.push(id);
                    continue;
                }
            }
            let mut key: Vec<&str> = m.topics.iter().map(String::as_str).collect();
            key.sort_unstable();
            key.dedup();
            let id = match raw_keys.iter().position(|k| *k == key) {
                Some(id) => id,
                None => {
                    let mut sub: Vec<u32> = key.iter().filter_map(|t| index.get(t).copied()).collect();
                    sub.sort_unstable();
                    raw_keys.push(key);
                    subscriptions.push(sub);
                    raw_keys.len() - 1
                }
            };
            sub_of.push(id);
            last = Some((m.topics.as_slice(), id));
        }
        let all_equal = raw_keys.len() <= 1;

        let total_usize = total as usize;
        let mut seen = vec![false; total_usize];
        let mut owned = Vec::with_capacity(members.len());
        for m in members {
            let mut list = Vec::with_capacity(m.owned.len());
            // Owned lists come grouped by topic: remember the last topic to skip most lookups.
            let mut cache: Option<(&str, u32)> = None;
            for tp in &m.owned {
                let t = match cache {
                    Some((name, t)) if name == &*tp.topic => t,
                    _ => match index.get(&*tp.topic) {
                        Some(&t) => {
                            cache = Some((&tp.topic, t));
                            t
                        }
                        None => continue,
                    },
                };
                let (start, end) = (offsets[t as usize], offsets[t as usize + 1]);
                if tp.partition >= end - start {
                    continue; // a partition that does not exist (any more): Kafka drops it too
                }
                let p = start + tp.partition;
                if !seen[p as usize] {
                    seen[p as usize] = true;
                    list.push(p);
                }
            }
            for &p in &list {
                seen[p as usize] = false;
            }
            owned.push(list);
        }
        Interned { names, offsets, subscriptions, sub_of, all_equal, owned }
    }

    pub fn total(&self) -> u32 {
        self.offsets.last().copied().unwrap_or(0)
    }

    pub fn topic_count(&self) -> usize {
        self.names.len()
    }

    /// The partitions of topic `t`.
    pub fn partitions_of(&self, t: u32) -> std::ops::Range<u32> {
        self.offsets[t as usize]..self.offsets[t as usize + 1]
    }

    /// The topic of partition `p`.
    pub fn topic_of(&self, p: u32) -> u32 {
        (self.offsets.partition_point(|&o| o <= p) - 1) as u32
    }

    pub fn subscription(&self, m: usize) -> &[u32] {
        &self.subscriptions[self.sub_of[m]]
    }

    /// `subscribed[s][t]`: whether distinct subscription `s` includes topic `t`.
    pub fn subscribed_table(&self) -> Vec<Vec<bool>> {
        self.subscriptions
            .iter()
            .map(|s| {
                let mut row = vec![false; self.topic_count()];
                for &t in s {
                    row[t as usize] = true;
                }
                row
            })
            .collect()
    }

    /// Every partition's topic, as a flat vector (for loops that ask it a million times).
    pub fn topic_table(&self) -> Vec<u32> {
        let mut table = Vec::with_capacity(self.total() as usize);
        for t in 0..self.topic_count() as u32 {
            let r = self.partitions_of(t);
            table.extend(std::iter::repeat_n(t, r.len()));
        }
        table
    }

    /// Turns per-member partition lists (input member order) into the public form, sorted.
    pub fn output(&self, members: &[MemberSubscription], lists: Vec<Vec<u32>>) -> GroupAssignment {
        let mut out = GroupAssignment::new();
        for (m, mut list) in members.iter().zip(lists) {
            list.sort_unstable();
            let mut tps = Vec::with_capacity(list.len());
            let mut t = 0usize;
            for p in list {
                while self.offsets[t + 1] <= p {
                    t += 1;
                }
                tps.push(TopicPartition {
                    topic: Arc::clone(&self.names[t]),
                    partition: p - self.offsets[t],
                });
            }
            out.insert(m.member_id.clone(), tps);
        }
        out
    }
}

#[cfg(test)]
mod table_tests {
    use super::*;

    #[test]
    fn every_strategy_has_one_row_with_a_unique_name_and_its_assignor() {
        for (i, info) in STRATEGIES.iter().enumerate() {
            assert_eq!(info.strategy.info().name, info.name, "row {i}");
            assert_eq!(Strategy::from_name(info.name), Some(info.strategy));
            assert_eq!(info.assignor.name(), info.kafka_name);
        }
        assert_eq!(Strategy::ALL.len(), STRATEGIES.len());
        let servers: Vec<_> = Strategy::on_side(Side::Server).map(Strategy::name).collect();
        assert_eq!(servers, ["uniform", "server-range"]);
    }

    #[test]
    fn client_and_server_assignors_are_different_kinds_and_each_side_runs_its_own() {
        for info in &STRATEGIES {
            let kind_side = match info.assignor {
                AssignorKind::Client(_) => Side::Client,
                AssignorKind::Server(_) => Side::Server,
            };
            assert_eq!(kind_side, info.side, "{}", info.name);
            assert_eq!(client_assignor(info.strategy).is_some(), info.side == Side::Client);
            assert_eq!(server_assignor(info.strategy).is_some(), info.side == Side::Server);
        }
        let cooperative: Vec<_> = Strategy::on_side(Side::Client)
            .filter(|s| {
                client_assignor(*s)
                    .is_some_and(|a| a.supported_protocols().contains(&RebalanceProtocol::Cooperative))
            })
            .map(Strategy::name)
            .collect();
        assert_eq!(cooperative, ["cooperative-sticky"]);
    }
}
