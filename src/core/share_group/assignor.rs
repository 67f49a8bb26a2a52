//! The share group coordinator's server-side `simple` assignor (KIP-932): spreads the subscribed
//! partitions over the members so that the assignment sizes differ by at most one, and — unlike a
//! consumer group's assignors — shares a partition between several members when there are more
//! members than partitions, so every member gets work.
//!
//! A port of apache/kafka `group-coordinator/.../assignor/SimpleAssignor.java` and
//! `SimpleHomogeneousAssignmentBuilder.java` (Kafka 4.1+; 4.0's version hashed member ids).
//! Balance comes first, stickiness second:
//! 1. keep each member's current partitions of topics it still subscribes to;
//! 2. revoke from partitions shared by more members than the desired sharing
//!    (`ceil(members / partitions)`), overfilled members first;
//! 3. revoke from members holding more than their desired count;
//! 4. hand partitions with too few members to members with too few partitions, cycling.
//!
//! When members subscribe to different topics (`SimpleHeterogeneousAssignmentBuilder`), the same
//! steps run for each topic among its subscribers (revoking from overfilled members before
//! over-shared partitions, as Java does there), so balance holds per topic.
//!
//! Where the playground differs: Java iterates hash sets (orders that depend on topic ids);
//! here members go in `member.id` order and partitions in (topic name, partition) order, so the
//! result is deterministic and the same in every run.

use crate::core::sort::CollectTree;
use std::collections::{BTreeMap, BTreeSet};

/// A topic-partition: (topic name, partition).
pub type TopicPartition = (String, u32);

/// What the assignor knows of one member.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberSpec {
    pub subscribed_topics: BTreeSet<String>,
    /// The member's current (target) assignment, kept where balance allows.
    pub current: BTreeSet<TopicPartition>,
}

/// The assignor's failure (`PartitionAssignorException`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignorError {
    pub message: String,
}

/// The assignor's name, as `group.share.assignors` and `kafka-share-groups` show it.
pub const NAME: &str = "simple";

/// Assigns the partitions of `topics` (name → partition count) to `members` (by `member.id`).
/// Every member appears in the result, with an empty set if it gets nothing — except that, as in
/// Java, a group whose members all subscribe to nothing gets an empty assignment map.
pub fn assign(
    members: &BTreeMap<String, MemberSpec>,
    topics: &BTreeMap<String, u32>,
) -> Result<BTreeMap<String, BTreeSet<TopicPartition>>, AssignorError> {
    let mut result: BTreeMap<String, BTreeSet<TopicPartition>> =
        members.keys().map(|m| (m.clone(), BTreeSet::new())).collect_map();
    let Some(first) = members.values().next() else { return Ok(result) };
    if let Some(missing) =
        members.values().flat_map(|m| m.subscribed_topics.iter()).find(|t| !topics.contains_key(*t))
    {
        return Err(AssignorError {
            message: format!(
                "Members are subscribed to topic {missing} which doesn't exist in the topic metadata."
            ),
        });
    }
    let homogeneous = members.values().all(|m| m.subscribed_topics == first.subscribed_topics);
    if homogeneous {
        if first.subscribed_topics.is_empty() {
            return Ok(BTreeMap::new());
        }
        let ids: Vec<&String> = members.keys().collect();
        let built = build(&ids, members, &first.subscribed_topics, topics, Order::OversharedFirst);
        for (id, partitions) in ids.iter().zip(built) {
            result.insert((*id).clone(), partitions);
        }
        return Ok(result);
    }
    let all_topics: BTreeSet<&String> =
        members.values().flat_map(|m| m.subscribed_topics.iter()).collect_set();
    for topic in all_topics {
        let ids: Vec<&String> =
            members.iter().filter(|(_, m)| m.subscribed_topics.contains(topic)).map(|(id, _)| id).collect();
        let only: BTreeSet<String> = BTreeSet::from([topic.clone()]);
        let built = build(&ids, members, &only, topics, Order::OverfilledFirst);
        for (id, partitions) in ids.iter().zip(built) {
            result.entry((*id).clone()).or_default().extend(partitions);
        }
    }
    Ok(result)
}

/// Which revocation runs first: the homogeneous builder revokes over-shared partitions first,
/// the heterogeneous one overfilled members first.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Order {
    OversharedFirst,
    OverfilledFirst,
}

/// `SimpleHomogeneousAssignmentBuilder.build` for `ids`, all subscribed to `subscribed`.
fn build(
    ids: &[&String],
    members: &BTreeMap<String, MemberSpec>,
    subscribed: &BTreeSet<String>,
    topics: &BTreeMap<String, u32>,
    order: Order,
) -> Vec<BTreeSet<TopicPartition>> {
    let num_members = ids.len();
    let targets: Vec<TopicPartition> = subscribed
        .iter()
        .filter_map(|t| topics.get(t).map(|n| (t, *n)))
        .flat_map(|(t, n)| (0..n).map(move |p| (t.clone(), p)))
        .collect();
    let mut by_member: Vec<BTreeSet<TopicPartition>> = vec![BTreeSet::new(); num_members];
    if num_members == 0 || targets.is_empty() {
        return by_member;
    }
    let target_set: BTreeSet<&TopicPartition> = targets.iter().collect_set();
    let num_partitions = targets.len();
    // Members per partition, rounded up; assignments per member spread as evenly as possible.
    let desired_sharing = num_members.div_ceil(num_partitions);
    let total = desired_sharing * num_partitions;
    let desired: Vec<usize> = (0..num_members)
        .map(|i| (total * (i + 1)).div_ceil(num_members) - (total * i).div_ceil(num_members))
        .collect();

    let mut by_partition: BTreeMap<TopicPartition, BTreeSet<usize>> = BTreeMap::new();
    // 1. Keep the current assignment of partitions still subscribed to.
    for (i, id) in ids.iter().enumerate() {
        for tp in members.get(*id).map(|m| &m.current).into_iter().flatten() {
            if target_set.contains(tp) {
                by_member[i].insert(tp.clone());
                by_partition.entry(tp.clone()).or_default().insert(i);
            }
        }
    }
    let overfilled: BTreeSet<usize> =
        (0..num_members).filter(|&i| by_member[i].len() > desired[i]).collect_set();
    // 2 and 3, in the builder's order.
    for step in match order {
        Order::OversharedFirst => [Step::Overshared, Step::Overfilled],
        Order::OverfilledFirst => [Step::Overfilled, Step::Overshared],
    } {
        match step {
            Step::Overshared => {
                revoke_overshared(&mut by_partition, &mut by_member, &overfilled, desired_sharing)
            }
            Step::Overfilled => revoke_overfilled(&mut by_partition, &mut by_member, &overfilled, &desired),
        }
    }
    for tp in &targets {
        by_partition.entry(tp.clone()).or_default();
    }
    // 4. Give partitions with too few members to members with too few partitions.
    let mut unfilled: Vec<usize> = (0..num_members).filter(|&i| by_member[i].len() < desired[i]).collect();
    let mut cursor = 0;
    let mut assigned_this_pass = false;
    for (tp, assigned) in by_partition.iter_mut() {
        if unfilled.is_empty() {
            break;
        }
        let mut to_make = desired_sharing.saturating_sub(assigned.len());
        while to_make > 0 && !unfilled.is_empty() {
            if cursor >= unfilled.len() {
                if !assigned_this_pass {
                    break;
                }
                cursor = 0;
                assigned_this_pass = false;
            }
            let i = unfilled[cursor];
            if assigned.contains(&i) {
                cursor += 1;
                continue;
            }
            assigned.insert(i);
            by_member[i].insert(tp.clone());
            to_make -= 1;
            assigned_this_pass = true;
            if by_member[i].len() >= desired[i] {
                unfilled.remove(cursor);
            } else {
                cursor += 1;
            }
        }
    }
    by_member
}

enum Step {
    Overshared,
    Overfilled,
}

/// Revokes from partitions shared by more than `desired_sharing` members, overfilled ones first.
fn revoke_overshared(
    by_partition: &mut BTreeMap<TopicPartition, BTreeSet<usize>>,
    by_member: &mut [BTreeSet<TopicPartition>],
    overfilled: &BTreeSet<usize>,
    desired_sharing: usize,
) {
    for (tp, assigned) in by_partition.iter_mut() {
        for prefer_overfilled in [true, false] {
            let candidates: Vec<usize> =
                assigned.iter().copied().filter(|i| overfilled.contains(i) == prefer_overfilled).collect();
            for i in candidates {
                if assigned.len() <= desired_sharing {
                    break;
                }
                assigned.remove(&i);
                by_member[i].remove(tp);
            }
        }
    }
}

/// Revokes from members holding more than their desired count.
fn revoke_overfilled(
    by_partition: &mut BTreeMap<TopicPartition, BTreeSet<usize>>,
    by_member: &mut [BTreeSet<TopicPartition>],
    overfilled: &BTreeSet<usize>,
    desired: &[usize],
) {
    for &i in overfilled {
        while by_member[i].len() > desired[i] {
            let Some(tp) = by_member[i].pop_first() else { break };
            if let Some(assigned) = by_partition.get_mut(&tp) {
                assigned.remove(&i);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tp(t: &str, p: u32) -> TopicPartition {
        (t.to_string(), p)
    }

    fn spec(topics: &[&str], current: &[(&str, u32)]) -> MemberSpec {
        MemberSpec {
            subscribed_topics: topics.iter().map(|t| t.to_string()).collect(),
            current: current.iter().map(|(t, p)| tp(t, *p)).collect(),
        }
    }

    #[test]
    fn simple_assignor_desired_counts_spread_the_remainder() {
        // 3 members, 2 partitions: sharing 2, 4 assignments, counts 2/1/1.
        let members: BTreeMap<String, MemberSpec> =
            ["A", "B", "C"].iter().map(|m| (m.to_string(), spec(&["t"], &[]))).collect();
        let topics = BTreeMap::from([("t".to_string(), 2)]);
        let result = assign(&members, &topics).unwrap();
        let counts: Vec<usize> = result.values().map(|s| s.len()).collect();
        assert_eq!(counts, vec![2, 1, 1]);
    }
}
