//! `range`: mirrors the Java client's
//! [`RangeAssignor`](https://github.com/apache/kafka/blob/trunk/clients/src/main/java/org/apache/kafka/clients/consumer/RangeAssignor.java)
//! (without rack awareness, which the playground does not model).
//!
//! Per topic, over the members subscribed to it in `MemberInfo` order (static first): with `n`
//! partitions and `k` members each gets `n / k` and the first `n % k` one more, as contiguous
//! ranges. Topics are independent, which is why range piles the extra partitions of every topic
//! onto the same first members — the imbalance Kafka's docs warn about.

use super::{member_order, ConsumerPartitionAssignor, GroupAssignment, Interned, MemberSubscription};
use std::collections::BTreeMap;

/// The Java client's `RangeAssignor`.
#[derive(Debug, Clone, Copy, Default)]
pub struct RangeAssignor;

impl ConsumerPartitionAssignor for RangeAssignor {
    fn name(&self) -> &'static str {
        "range"
    }

    fn assign(&self, topics: &BTreeMap<String, u32>, members: &[MemberSubscription]) -> GroupAssignment {
        let g = Interned::new(topics, members);
        let order = member_order(members);
        let lists = range_by_topic(&g, &order);
        g.output(members, lists)
    }
}

/// Range over each topic's subscribers taken in `order`; shared with KIP-848's server `range`.
pub(crate) fn range_by_topic(g: &Interned, order: &[usize]) -> Vec<Vec<u32>> {
    let table = g.subscribed_table();
    let mut lists: Vec<Vec<u32>> = vec![Vec::new(); g.sub_of.len()];
    let mut subscribers = Vec::with_capacity(order.len());
    for t in 0..g.topic_count() as u32 {
        subscribers.clear();
        subscribers.extend(order.iter().copied().filter(|&m| table[g.sub_of[m]][t as usize]));
        let k = subscribers.len() as u32;
        if k == 0 {
            continue;
        }
        let parts = g.partitions_of(t);
        let n = parts.len() as u32;
        let (each, extra) = (n / k, n % k);
        for (i, &m) in subscribers.iter().enumerate() {
            let i = i as u32;
            let start = each * i + i.min(extra);
            let len = each + u32::from(i < extra);
            lists[m].extend(parts.start + start..parts.start + start + len);
        }
    }
    lists
}
