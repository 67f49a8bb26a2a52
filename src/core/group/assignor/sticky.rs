//! `sticky`: mirrors the Java client's
//! [`StickyAssignor`](https://github.com/apache/kafka/blob/trunk/clients/src/main/java/org/apache/kafka/clients/consumer/StickyAssignor.java)
//! and its engine,
//! [`AbstractStickyAssignor`](https://github.com/apache/kafka/blob/trunk/clients/src/main/java/org/apache/kafka/clients/consumer/internals/AbstractStickyAssignor.java).
//!
//! Goals, in Kafka's order: balanced first (member counts differ by at most one wherever the
//! subscriptions allow it), then sticky (keep as many previously owned partitions as possible).
//!
//! Two paths, as in Java:
//! - **all subscriptions equal** (`constrainedAssign`): quotas `floor(P/C)` / `ceil(P/C)`, of
//!   which exactly `P % C` members may hold the ceiling; every member keeps its owned partitions
//!   up to its quota; the rest are dealt round robin to the members still under quota. Linear in
//!   partitions + members, which is what makes Kafka's 1M × 2000 test fast.
//! - **different subscriptions** (`generalAssign`): keep what is still valid, give each
//!   unassigned partition (fewest candidate members first) to its least loaded candidate, then
//!   move partitions from a member to a less loaded candidate while that improves balance.
//!   Moves prefer partitions handed out this round, so members rarely lose what they owned.
//!
//! Ownership claims: `owned` comes with the member's `generation` (Java's sticky user data).
//! Two members claiming one partition: the higher generation wins; at equal generation nobody
//! keeps it (Java logs "assigned to multiple consumers" and treats it as unowned).
//! On the equal-subscription path Java goes further and drops *all* claims of members whose
//! generation is older than the newest one seen; we do the same.
//!
//! Where Java iterates a `HashMap` (which member keeps an extra partition, the order of the
//! balancing moves) its result depends on hash order; we use member-id order, which Java
//! itself uses where it sorts (`Collections.sort(unfilledMembers)`).

use super::{
    member_id_order, ConsumerPartitionAssignor, GroupAssignment, Interned, MemberSubscription, NONE,
};
use std::collections::{BTreeMap, VecDeque};

/// The Java client's `StickyAssignor`.
#[derive(Debug, Clone, Copy, Default)]
pub struct StickyAssignor;

impl ConsumerPartitionAssignor for StickyAssignor {
    fn name(&self) -> &'static str {
        "sticky"
    }

    fn assign(&self, topics: &BTreeMap<String, u32>, members: &[MemberSubscription]) -> GroupAssignment {
        let g = Interned::new(topics, members);
        let lists = sticky_lists(&g, members);
        g.output(members, lists)
    }
}

/// Java's `DEFAULT_GENERATION`: the generation of claims that carry none.
const DEFAULT_GENERATION: i64 = -1;

/// The sticky assignment as per-member partition lists (input member order).
pub(crate) fn sticky_lists(g: &Interned, members: &[MemberSubscription]) -> Vec<Vec<u32>> {
    if members.is_empty() {
        return Vec::new();
    }
    let order = member_id_order(members);
    let generations: Vec<i64> =
        members.iter().map(|m| m.generation.map_or(DEFAULT_GENERATION, i64::from)).collect();
    if g.all_equal {
        constrained(g, &order, members)
    } else {
        general(g, &order, &generations)
    }
}

/// Java's `allSubscriptionsEqual` + `constrainedAssign`.
fn constrained(g: &Interned, order: &[usize], members: &[MemberSubscription]) -> Vec<Vec<u32>> {
    let n = members.len();
    let subscription = g.subscription(0);
    let mut in_scope = vec![false; g.topic_count()];
    for &t in subscription {
        in_scope[t as usize] = true;
    }
    let total: u64 = subscription.iter().map(|&t| g.partitions_of(t).len() as u64).sum();

    // Only the newest generation's claims count (a member without generation counts only when
    // nobody reports one). Among those, a partition claimed twice is nobody's.
    let max_generation =
        members.iter().filter_map(|m| m.generation).map(i64::from).fold(DEFAULT_GENERATION, i64::max);
    let valid = |m: usize| match members[m].generation {
        Some(gen) => i64::from(gen) == max_generation,
        None => max_generation == DEFAULT_GENERATION,
    };
    let topic_ok = |p: u32| in_scope[g.topic_of(p) as usize];
    let mut claims = vec![0u8; g.total() as usize];
    for m in (0..n).filter(|&m| valid(m)) {
        for &p in &g.owned[m] {
            let c = &mut claims[p as usize];
            *c = c.saturating_add(1);
        }
    }

    let min_quota = (total / n as u64) as usize;
    let max_quota = total.div_ceil(n as u64) as usize;
    let expected_over_min = (total % n as u64) as usize;
    let mut current_over_min = 0usize;

    let mut lists: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut assigned = vec![false; g.total() as usize];
    let mut under_min: VecDeque<usize> = VecDeque::new();
    let mut exactly_min: VecDeque<usize> = VecDeque::new();
    let mut owned = Vec::new();
    for &m in order {
        owned.clear();
        if valid(m) {
            owned.extend(g.owned[m].iter().copied().filter(|&p| claims[p as usize] == 1 && topic_ok(p)));
        }
        let keep = if owned.len() < min_quota {
            under_min.push_back(m);
            owned.len()
        } else if owned.len() >= max_quota && current_over_min < expected_over_min {
            current_over_min += 1;
            if current_over_min == expected_over_min {
                exactly_min.clear();
            }
            max_quota
        } else {
            if current_over_min < expected_over_min {
                exactly_min.push_back(m);
            }
            min_quota
        };
        for &p in &owned[..keep] {
            assigned[p as usize] = true;
        }
        lists[m].extend_from_slice(&owned[..keep]);
    }

    // Deal the rest in topic/partition order: round robin over the members under the minimum,
    // then one each to members at the minimum until `P % C` members hold the maximum.
    for &t in subscription {
        for p in g.partitions_of(t) {
            if assigned[p as usize] {
                continue;
            }
            let (m, from_under) = match under_min.pop_front() {
                Some(m) => (m, true),
                None => match exactly_min.pop_front() {
                    Some(m) => (m, false),
                    // Java throws "No more unfilled consumers" here; the quotas make it
                    // unreachable. Stay total anyway: the least loaded member takes it.
                    None => ((0..n).min_by_key(|&m| lists[m].len()).unwrap_or(0), false),
                },
            };
            lists[m].push(p);
            if from_under {
                if lists[m].len() == min_quota {
                    exactly_min.push_back(m);
                } else {
                    under_min.push_back(m);
                }
            }
        }
    }
    lists
}

/// Java's `generalAssign`: greedy by fewest candidates, then balance-improving moves.
fn general(g: &Interned, order: &[usize], generations: &[i64]) -> Vec<Vec<u32>> {
    let n = generations.len();
    let total = g.total() as usize;
    let topic_of = g.topic_table();
    let table = g.subscribed_table();
    // Candidates of a partition = subscribers of its topic, in member-id order (Java's TreeSet
    // of consumers breaks count ties by member id).
    let mut subscribers: Vec<Vec<u32>> = vec![Vec::new(); g.topic_count()];
    for &m in order {
        for &t in g.subscription(m) {
            subscribers[t as usize].push(m as u32);
        }
    }

    // Resolve claims: highest generation wins, a tie at the top leaves the partition unowned.
    let mut owner = vec![NONE; total];
    let mut best = vec![i64::MIN; total];
    let mut conflict = vec![false; total];
    for (m, &gen) in generations.iter().enumerate() {
        for &p in &g.owned[m] {
            let p = p as usize;
            if gen > best[p] {
                best[p] = gen;
                owner[p] = m as u32;
                conflict[p] = false;
            } else if gen == best[p] && owner[p] != m as u32 {
                conflict[p] = true;
            }
        }
    }
    drop(best);
    let mut count = vec![0usize; n];
    for p in 0..total {
        let o = owner[p];
        if conflict[p] || (o != NONE && !table[g.sub_of[o as usize]][topic_of[p] as usize]) {
            owner[p] = NONE; // doubly claimed, or its owner unsubscribed from the topic
        } else if o != NONE {
            count[o as usize] += 1;
        }
    }
    drop(conflict);

    let least_loaded = |count: &[usize], t: u32| -> u32 {
        let mut best = NONE;
        let mut best_count = usize::MAX;
        for &m in &subscribers[t as usize] {
            if count[m as usize] < best_count {
                best = m;
                best_count = count[m as usize];
            }
        }
        best
    };

    // Partitions to hand out, those with the fewest candidates first.
    let mut fresh: Vec<u32> = (0..total as u32)
        .filter(|&p| owner[p as usize] == NONE && !subscribers[topic_of[p as usize] as usize].is_empty())
        .collect();
    crate::core::sort::by_key(&mut fresh, |&p| (subscribers[topic_of[p as usize] as usize].len(), p));
    for &p in &fresh {
        let m = least_loaded(&count, topic_of[p as usize]);
        owner[p as usize] = m;
        count[m as usize] += 1;
    }

    // Balance: move a partition to a candidate holding at least two fewer. Each move lowers the
    // sum of squared counts, so this ends. This round's hand-outs move first, kept ones last.
    let kept: Vec<u32> = (0..total as u32).filter(|&p| owner[p as usize] != NONE).collect();
    let movable = |p: &&u32| subscribers[topic_of[**p as usize] as usize].len() >= 2;
    let fresh_set: Vec<u32> = fresh.iter().filter(movable).copied().collect();
    let kept_set: Vec<u32> = {
        let mut is_fresh = vec![false; total];
        for &p in &fresh {
            is_fresh[p as usize] = true;
        }
        kept.iter().filter(movable).filter(|&&p| !is_fresh[p as usize]).copied().collect()
    };
    loop {
        let mut moved = false;
        for &p in fresh_set.iter().chain(kept_set.iter()) {
            let o = owner[p as usize] as usize;
            let m = least_loaded(&count, topic_of[p as usize]);
            if count[o] > count[m as usize] + 1 {
                owner[p as usize] = m;
                count[o] -= 1;
                count[m as usize] += 1;
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }

    let mut lists: Vec<Vec<u32>> = (0..n).map(|m| Vec::with_capacity(count[m])).collect();
    for (p, &o) in owner.iter().enumerate() {
        if o != NONE {
            lists[o as usize].push(p as u32);
        }
    }
    lists
}
