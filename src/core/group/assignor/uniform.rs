//! KIP-848 server-side `uniform`: mirrors the group coordinator's
//! [`UniformAssignor`](https://github.com/apache/kafka/blob/trunk/group-coordinator/src/main/java/org/apache/kafka/coordinator/group/assignor/UniformAssignor.java).
//!
//! - Same subscription for everyone:
//!   [`UniformHomogeneousAssignmentBuilder`](https://github.com/apache/kafka/blob/trunk/group-coordinator/src/main/java/org/apache/kafka/coordinator/group/assignor/UniformHomogeneousAssignmentBuilder.java).
//!   Quota `P / C`, and the first `P % C` members (in member order) get one more. Each member
//!   keeps its current partitions up to its quota; partitions nobody holds (in topic/partition
//!   order), then the ones taken off over-quota members, fill the members still under quota one
//!   member at a time (contiguously, not round robin).
//! - Different subscriptions: `UniformHeterogeneousAssignmentBuilder` — balanced per the
//!   subscriptions and sticky. We run the sticky general path (see [`super::sticky`]) with
//!   every claim at one generation: the properties match (balanced where possible, sticky),
//!   the exact choice among equally good answers may differ from Java's.
//!
//! The server knows the current assignment, so there are no generations: `owned` is the
//! member's current target assignment. Java iterates members in hash order; we use member-id
//! order. Subscribed topics that do not exist are ignored (Java throws).

use super::{
    member_id_order, ConsumerGroupPartitionAssignor, GroupAssignment, GroupSpec, Interned, MemberSubscription,
};
use std::collections::BTreeMap;

/// KIP-848's `uniform` server-side assignor.
#[derive(Debug, Clone, Copy, Default)]
pub struct UniformAssignor;

impl ConsumerGroupPartitionAssignor for UniformAssignor {
    fn name(&self) -> &'static str {
        "uniform"
    }

    fn assign(&self, group: &GroupSpec, topics: &BTreeMap<String, u32>) -> GroupAssignment {
        let members = &group.subscriptions()[..];
        let g = Interned::new(topics, members);
        let lists = if members.is_empty() {
            Vec::new()
        } else if g.all_equal {
            homogeneous(&g, &member_id_order(members))
        } else {
            // Without generations every claim is equal: the general path keeps unique claims.
            let plain: Vec<MemberSubscription> =
                members.iter().map(|m| MemberSubscription { generation: None, ..m.clone() }).collect();
            super::sticky::sticky_lists(&g, &plain)
        };
        g.output(members, lists)
    }
}

fn homogeneous(g: &Interned, order: &[usize]) -> Vec<Vec<u32>> {
    let n = order.len();
    let subscription = g.subscription(order[0]);
    let mut in_scope = vec![false; g.topic_count()];
    for &t in subscription {
        in_scope[t as usize] = true;
    }
    let total: u64 = subscription.iter().map(|&t| g.partitions_of(t).len() as u64).sum();
    let min_quota = (total / n as u64) as usize;
    let mut extra = (total % n as u64) as usize;

    // A partition held by two members cannot happen in KIP-848; if input says so, nobody keeps it.
    let mut claims = vec![0u8; g.total() as usize];
    for owned in &g.owned {
        for &p in owned {
            let c = &mut claims[p as usize];
            *c = c.saturating_add(1);
        }
    }
    let held = |p: u32| claims[p as usize] == 1 && in_scope[g.topic_of(p) as usize];

    let mut unassigned: Vec<u32> = Vec::new();
    for &t in subscription {
        unassigned.extend(g.partitions_of(t).filter(|&p| !held(p)));
    }
    let mut lists: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut unfilled: Vec<(usize, usize)> = Vec::new();
    for &m in order {
        let mut quota = min_quota;
        if extra > 0 {
            quota += 1;
            extra -= 1;
        }
        for &p in &g.owned[m] {
            if !held(p) {
                continue;
            }
            if quota > 0 {
                lists[m].push(p);
                quota -= 1;
            } else {
                unassigned.push(p);
            }
        }
        if quota > 0 {
            unfilled.push((m, quota));
        }
    }
    let mut next = unassigned.into_iter();
    for (m, quota) in unfilled {
        lists[m].extend(next.by_ref().take(quota));
    }
    // The quotas add up to the partition count, so nothing is left; stay total regardless.
    for p in next {
        if let Some(m) = (0..n).min_by_key(|&m| lists[m].len()) {
            lists[m].push(p);
        }
    }
    lists
}
