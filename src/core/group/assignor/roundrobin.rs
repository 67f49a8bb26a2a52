//! `roundrobin`: mirrors the Java client's
//! [`RoundRobinAssignor`](https://github.com/apache/kafka/blob/trunk/clients/src/main/java/org/apache/kafka/clients/consumer/RoundRobinAssignor.java).
//!
//! All subscribed topics sorted, their partitions in order, dealt by one circular iterator over
//! the members in `MemberInfo` order. A member not subscribed to the partition's topic is
//! skipped. The iterator carries on across topics (it does not restart), which is what spreads
//! small topics over different members.

use super::{member_order, ConsumerPartitionAssignor, GroupAssignment, Interned, MemberSubscription};
use std::collections::BTreeMap;

/// The Java client's `RoundRobinAssignor`.
#[derive(Debug, Clone, Copy, Default)]
pub struct RoundRobinAssignor;

impl ConsumerPartitionAssignor for RoundRobinAssignor {
    fn name(&self) -> &'static str {
        "roundrobin"
    }

    fn assign(&self, topics: &BTreeMap<String, u32>, members: &[MemberSubscription]) -> GroupAssignment {
        let g = Interned::new(topics, members);
        let order = member_order(members);
        let table = g.subscribed_table();
        let mut lists: Vec<Vec<u32>> = vec![Vec::new(); members.len()];
        let mut cursor = 0usize;
        for topic in 0..g.topic_count() as u32 {
            let t = topic as usize;
            // A topic nobody subscribes to is not part of the assignment at all.
            if !order.iter().any(|&m| table[g.sub_of[m]][t]) {
                continue;
            }
            for p in g.partitions_of(topic) {
                while !table[g.sub_of[order[cursor]]][t] {
                    cursor = (cursor + 1) % order.len();
                }
                lists[order[cursor]].push(p);
                cursor = (cursor + 1) % order.len();
            }
        }
        g.output(members, lists)
    }
}
