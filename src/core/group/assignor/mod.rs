//! Partition assignors, bit-for-bit the Java client's (and KIP-848's server-side ones).
//!
//! One trait, one file per strategy. Member order everywhere is Kafka's: static members
//! (with `group.instance.id`) first, by instance id; then dynamic members by `member.id`
//! (Java `String.compareTo`, which for our ASCII ids is byte order).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A partition of a topic, as Kafka's `TopicPartition`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TopicPartition {
    pub topic: Arc<str>,
    pub partition: u32,
}

impl TopicPartition {
    pub fn new(topic: impl Into<Arc<str>>, partition: u32) -> Self {
        Self {
            topic: topic.into(),
            partition,
        }
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

/// One assignor. `topics` maps topic name -> partition count.
pub trait Assignor {
    fn name(&self) -> &'static str;
    fn assign(
        &self,
        topics: &BTreeMap<String, u32>,
        members: &[MemberSubscription],
    ) -> GroupAssignment;
}
