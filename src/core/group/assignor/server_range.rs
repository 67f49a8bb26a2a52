//! KIP-848 server-side `range`: the group coordinator's
//! [`RangeAssignor`](https://github.com/apache/kafka/blob/trunk/group-coordinator/src/main/java/org/apache/kafka/coordinator/group/assignor/RangeAssignor.java).
//!
//! Per topic, over its subscribers sorted by member id: `n / k` each, the first `n % k` one more,
//! as contiguous ranges — the classic range layout, so co-partitioned topics line up across
//! members (the reason to choose range at all). The server has no `group.instance.id` ordering,
//! hence member-id order. Simplification: the Java server assignor additionally keeps a member's
//! current partitions when they still fit its range quota (stickiness across epochs); ours
//! recomputes the ranges each time.

use super::range::range_by_topic;
use super::{member_id_order, ConsumerGroupPartitionAssignor, GroupAssignment, GroupSpec, Interned};
use std::collections::BTreeMap;

/// KIP-848's `range` server-side assignor.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServerRangeAssignor;

impl ConsumerGroupPartitionAssignor for ServerRangeAssignor {
    fn name(&self) -> &'static str {
        "range"
    }

    fn assign(&self, group: &GroupSpec, topics: &BTreeMap<String, u32>) -> GroupAssignment {
        let members = &group.subscriptions()[..];
        let g = Interned::new(topics, members);
        let lists = range_by_topic(&g, &member_id_order(members));
        g.output(members, lists)
    }
}
