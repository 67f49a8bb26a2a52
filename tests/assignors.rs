//! The assignors against Kafka's own tests, ported case by case (each test names the Java
//! test it mirrors), plus properties over random groups and random change sequences.
//!
//! Java sources of the cases:
//! - `clients/src/test/java/org/apache/kafka/clients/consumer/RangeAssignorTest.java`
//! - `clients/src/test/java/org/apache/kafka/clients/consumer/RoundRobinAssignorTest.java`
//! - `clients/src/test/java/org/apache/kafka/clients/consumer/internals/AbstractStickyAssignorTest.java`
//! - `clients/src/test/java/org/apache/kafka/clients/consumer/CooperativeStickyAssignorTest.java`
//! - `group-coordinator/src/test/java/org/apache/kafka/coordinator/group/assignor/UniformHomogeneousAssignmentBuilderTest.java`
//!   and `UniformHeterogeneousAssignmentBuilderTest.java`
//!
//! Where Java's exact result depends on `HashMap` order, we assert Kafka's properties
//! (`verifyValidityAndBalance`, `isFullyBalanced`, stickiness) instead of one output.

use broker_playground::core::group::assignor::{
    assign, large_uniform_group, with_owned, GroupAssignment, MemberSubscription, Strategy, TopicPartition,
};
use proptest::prelude::*;
use proptest::strategy::Strategy as _;
use std::collections::{BTreeMap, BTreeSet, HashMap};

// ---------------------------------------------------------------------------------------------
// helpers

fn topics(pairs: &[(&str, u32)]) -> BTreeMap<String, u32> {
    pairs.iter().map(|(t, n)| (t.to_string(), *n)).collect()
}

fn member(id: &str, subs: &[&str]) -> MemberSubscription {
    MemberSubscription {
        member_id: id.into(),
        topics: subs.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

fn static_member(id: &str, instance: &str, subs: &[&str]) -> MemberSubscription {
    MemberSubscription { group_instance_id: Some(instance.into()), ..member(id, subs) }
}

fn owning(m: MemberSubscription, owned: &[(&str, u32)], generation: Option<i32>) -> MemberSubscription {
    MemberSubscription { owned: tps(owned), generation, ..m }
}

fn tps(list: &[(&str, u32)]) -> Vec<TopicPartition> {
    list.iter().map(|(t, p)| TopicPartition::new(*t, *p)).collect()
}

fn tp_range(t: &str, r: std::ops::Range<u32>) -> Vec<TopicPartition> {
    r.map(|p| TopicPartition::new(t, p)).collect()
}

/// Runs a strategy and checks the output contract: every member present, lists sorted.
fn run(s: Strategy, topics: &BTreeMap<String, u32>, members: &[MemberSubscription]) -> GroupAssignment {
    let a = assign(s, topics, members);
    assert_eq!(a.len(), members.len(), "every member must appear");
    for m in members {
        let list = &a[&m.member_id];
        assert!(list.windows(2).all(|w| w[0] < w[1]), "{} not sorted/unique: {list:?}", m.member_id);
    }
    a
}

fn get<'a>(a: &'a GroupAssignment, m: &str) -> &'a [TopicPartition] {
    &a[m]
}

/// Kafka's `verifyValidityAndBalance`: every partition of a subscribed topic is assigned once,
/// to a subscriber; two members whose counts differ by more than one share no topic.
fn verify_validity_and_balance(
    topics: &BTreeMap<String, u32>,
    members: &[MemberSubscription],
    a: &GroupAssignment,
) {
    verify_validity(topics, members, a, true);
    let counts: Vec<(&String, usize, BTreeSet<&str>)> =
        a.iter().map(|(m, l)| (m, l.len(), l.iter().map(|tp| &*tp.topic).collect())).collect();
    for i in 0..counts.len() {
        for j in i + 1..counts.len() {
            if counts[i].1.abs_diff(counts[j].1) > 1 {
                assert!(
                    counts[i].2.is_disjoint(&counts[j].2),
                    "partitions can be moved between {} and {} for a better balance: {a:?}",
                    counts[i].0,
                    counts[j].0
                );
            }
        }
    }
}

/// Each partition at most once (exactly once when `complete`), only to a subscriber.
fn verify_validity(
    topics: &BTreeMap<String, u32>,
    members: &[MemberSubscription],
    a: &GroupAssignment,
    complete: bool,
) {
    let subs: HashMap<&str, BTreeSet<&str>> = members
        .iter()
        .map(|m| (m.member_id.as_str(), m.topics.iter().map(String::as_str).collect()))
        .collect();
    let mut seen = BTreeSet::new();
    for (m, list) in a {
        for tp in list {
            assert!(subs[m.as_str()].contains(&*tp.topic), "{m} got {tp:?} without subscribing");
            assert!(tp.partition < topics[&*tp.topic], "{tp:?} does not exist");
            assert!(seen.insert(tp.clone()), "{tp:?} assigned twice");
        }
    }
    if complete {
        let subscribed: BTreeSet<&str> = subs.values().flatten().copied().collect();
        for (t, n) in topics {
            if subscribed.contains(t.as_str()) {
                for p in 0..*n {
                    assert!(seen.contains(&TopicPartition::new(t.as_str(), p)), "{t}-{p} unassigned: {a:?}");
                }
            }
        }
    }
}

fn is_fully_balanced(a: &GroupAssignment) -> bool {
    let min = a.values().map(Vec::len).min().unwrap_or(0);
    let max = a.values().map(Vec::len).max().unwrap_or(0);
    max - min <= 1
}

/// The next round: everyone reports what it got, one generation later.
fn next_round(
    members: &[MemberSubscription],
    a: &GroupAssignment,
    generation: i32,
) -> Vec<MemberSubscription> {
    with_owned(members, a, Some(generation))
}

/// Kafka's bound on follow-up rebalances (`CooperativeStickyAssignorTest.verifyValidityAndBalance`
/// asserts `rebalances <= 4`).
const MAX_FOLLOW_UPS: usize = 4;

/// One cooperative-sticky round, checked against Kafka's semantics: valid (each partition at most
/// once, to a subscriber), no partition handed over while another member still owns it, and
/// exactly the sticky result minus the partitions that change owner from one member to another.
/// In particular a partition nobody owns is given out at once.
fn cooperative_round(topics: &BTreeMap<String, u32>, members: &[MemberSubscription]) -> GroupAssignment {
    let a = run(Strategy::CooperativeSticky, topics, members);
    verify_validity(topics, members, &a, false);
    verify_no_same_round_handover(members, &a);
    let sticky = run(Strategy::Sticky, topics, members);
    for m in members {
        let expected: Vec<TopicPartition> = sticky[&m.member_id]
            .iter()
            .filter(|&tp| {
                m.owned.contains(tp)
                    || !members.iter().any(|o| o.member_id != m.member_id && o.owned.contains(tp))
            })
            .cloned()
            .collect();
        assert_eq!(
            a[&m.member_id], expected,
            "{}: cooperative must be sticky {sticky:?} minus the partitions changing owner",
            m.member_id
        );
    }
    a
}

/// Whether some member loses a partition it owns: then it revokes it and rejoins, and the group
/// rebalances again (Kafka's `verifyCooperativeValidity` returning true).
fn revokes_any(members: &[MemberSubscription], a: &GroupAssignment) -> bool {
    members.iter().any(|m| m.owned.iter().any(|tp| !a[&m.member_id].contains(tp)))
}

/// Cooperative as Kafka's `CooperativeStickyAssignorTest.verifyValidityAndBalance` runs it: this
/// round, then follow-up rounds (members report what they were given, one generation later) for
/// as long as a round revokes something, at most [`MAX_FOLLOW_UPS`]. A follow-up may itself
/// revoke: the freed partitions are unowned there and placed afresh, which can make the sticky
/// result move another owned partition (see
/// `cooperative_follow_up_may_revoke_again_when_freed_partitions_are_placed_afresh`).
/// Returns the members as they report in the last round, the final assignment and the number of
/// follow-ups; the final assignment is valid and balanced.
fn cooperative_until_stable(
    topics: &BTreeMap<String, u32>,
    members: &[MemberSubscription],
    mut generation: i32,
) -> (Vec<MemberSubscription>, GroupAssignment, usize) {
    let mut ms = members.to_vec();
    let mut a = cooperative_round(topics, &ms);
    let mut follow_ups = 0;
    while revokes_any(&ms, &a) {
        follow_ups += 1;
        assert!(
            follow_ups <= MAX_FOLLOW_UPS,
            "still revoking after {MAX_FOLLOW_UPS} follow-up rebalances: {a:?}"
        );
        ms = next_round(&ms, &a, generation);
        generation += 1;
        a = cooperative_round(topics, &ms);
    }
    verify_validity_and_balance(topics, &ms, &a);
    (ms, a, follow_ups)
}

/// [`cooperative_until_stable`] for a group whose next generation follows its members' newest.
fn cooperative_final(topics: &BTreeMap<String, u32>, members: &[MemberSubscription]) -> GroupAssignment {
    let gen = members.iter().filter_map(|m| m.generation).max().unwrap_or(0) + 1;
    cooperative_until_stable(topics, members, gen).1
}

/// Cooperative's rule: no partition goes to a member while another member still owns it.
fn verify_no_same_round_handover(members: &[MemberSubscription], a: &GroupAssignment) {
    let mut owners: HashMap<&TopicPartition, Vec<&str>> = HashMap::new();
    for m in members {
        for tp in &m.owned {
            owners.entry(tp).or_default().push(&m.member_id);
        }
    }
    for (m, list) in a {
        for tp in list {
            if let Some(os) = owners.get(tp) {
                assert!(os.iter().all(|o| o == m), "{tp:?} handed to {m} while {os:?} own it");
            }
        }
    }
}

const ALL_CLASSIC: [Strategy; 4] =
    [Strategy::Range, Strategy::RoundRobin, Strategy::Sticky, Strategy::CooperativeSticky];

// ---------------------------------------------------------------------------------------------
// Cases every Java assignor test shares (testOneConsumerNoTopic, ... in each of the test files)

#[test]
fn test_one_consumer_no_topic() {
    for s in Strategy::ALL {
        let a = run(s, &topics(&[]), &[member("consumer", &[])]);
        assert!(get(&a, "consumer").is_empty(), "{s:?}");
    }
}

#[test]
fn test_one_consumer_nonexistent_topic() {
    for s in Strategy::ALL {
        let a = run(s, &topics(&[]), &[member("consumer", &["topic"])]);
        assert!(get(&a, "consumer").is_empty(), "{s:?}");
    }
}

#[test]
fn test_one_consumer_one_topic() {
    for s in Strategy::ALL {
        let a = run(s, &topics(&[("topic", 3)]), &[member("consumer", &["topic"])]);
        assert_eq!(get(&a, "consumer"), tp_range("topic", 0..3), "{s:?}");
    }
}

#[test]
fn test_only_assigns_partitions_from_subscribed_topics() {
    for s in Strategy::ALL {
        let a = run(s, &topics(&[("topic", 3), ("otherTopic", 3)]), &[member("consumer", &["topic"])]);
        assert_eq!(get(&a, "consumer"), tp_range("topic", 0..3), "{s:?}");
    }
}

#[test]
fn test_one_consumer_multiple_topics() {
    for s in Strategy::ALL {
        let a =
            run(s, &topics(&[("topic1", 1), ("topic2", 2)]), &[member("consumer", &["topic1", "topic2"])]);
        assert_eq!(get(&a, "consumer"), tps(&[("topic1", 0), ("topic2", 0), ("topic2", 1)]), "{s:?}");
    }
}

#[test]
fn test_two_consumers_one_topic_one_partition() {
    for s in Strategy::ALL {
        let ms = [member("consumer1", &["topic"]), member("consumer2", &["topic"])];
        let a = run(s, &topics(&[("topic", 1)]), &ms);
        assert_eq!(get(&a, "consumer1"), tps(&[("topic", 0)]), "{s:?}");
        assert!(get(&a, "consumer2").is_empty(), "{s:?}");
    }
}

#[test]
fn test_two_consumers_one_topic_two_partitions() {
    for s in Strategy::ALL {
        let ms = [member("consumer1", &["topic"]), member("consumer2", &["topic"])];
        let a = run(s, &topics(&[("topic", 2)]), &ms);
        assert_eq!(get(&a, "consumer1"), tps(&[("topic", 0)]), "{s:?}");
        assert_eq!(get(&a, "consumer2"), tps(&[("topic", 1)]), "{s:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// RangeAssignorTest

#[test]
fn range_test_multiple_consumers_mixed_topics() {
    let t = topics(&[("topic1", 3), ("topic2", 2)]);
    let ms = [
        member("consumer1", &["topic1"]),
        member("consumer2", &["topic1", "topic2"]),
        member("consumer3", &["topic1"]),
    ];
    let a = run(Strategy::Range, &t, &ms);
    assert_eq!(get(&a, "consumer1"), tps(&[("topic1", 0)]));
    assert_eq!(get(&a, "consumer2"), tps(&[("topic1", 1), ("topic2", 0), ("topic2", 1)]));
    assert_eq!(get(&a, "consumer3"), tps(&[("topic1", 2)]));
}

#[test]
fn range_test_two_consumers_two_topics_six_partitions() {
    let t = topics(&[("topic1", 3), ("topic2", 3)]);
    let ms = [member("consumer1", &["topic1", "topic2"]), member("consumer2", &["topic1", "topic2"])];
    let a = run(Strategy::Range, &t, &ms);
    assert_eq!(get(&a, "consumer1"), tps(&[("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)]));
    assert_eq!(get(&a, "consumer2"), tps(&[("topic1", 2), ("topic2", 2)]));
}

/// RangeAssignorTest.testTwoStaticConsumersTwoTopicsSixPartitions: order by instance id, not member id.
#[test]
fn range_test_two_static_consumers_two_topics_six_partitions() {
    let t = topics(&[("topic1", 3), ("topic2", 3)]);
    let ms = [
        static_member("consumer-b", "instance-1", &["topic1", "topic2"]),
        static_member("consumer-a", "instance-2", &["topic1", "topic2"]),
    ];
    let a = run(Strategy::Range, &t, &ms);
    assert_eq!(get(&a, "consumer-b"), tps(&[("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)]));
    assert_eq!(get(&a, "consumer-a"), tps(&[("topic1", 2), ("topic2", 2)]));
}

/// RangeAssignorTest.testOneStaticConsumerAndOneDynamicConsumerTwoTopicsSixPartitions.
#[test]
fn range_test_one_static_one_dynamic_two_topics_six_partitions() {
    let t = topics(&[("topic1", 3), ("topic2", 3)]);
    let ms = [
        member("consumer-a", &["topic1", "topic2"]),
        static_member("consumer-b", "instance-1", &["topic1", "topic2"]),
    ];
    let a = run(Strategy::Range, &t, &ms);
    assert_eq!(get(&a, "consumer-b"), tps(&[("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)]));
    assert_eq!(get(&a, "consumer-a"), tps(&[("topic1", 2), ("topic2", 2)]));
}

/// RangeAssignorTest.testStaticMemberRangeAssignmentPersistent: a new dynamic member does not
/// disturb the static members' order.
#[test]
fn range_test_static_member_range_assignment_persistent() {
    let t = topics(&[("topic1", 5), ("topic2", 4)]);
    let subs = ["topic1", "topic2"];
    let mut ms: Vec<MemberSubscription> =
        (1..=4).map(|i| static_member(&format!("consumer{i}"), &format!("instance{i}"), &subs)).collect();
    ms.push(member("consumer5", &subs));
    let before = run(Strategy::Range, &t, &ms);
    ms.push(member("consumer6", &subs));
    let after = run(Strategy::Range, &t, &ms);
    // static members come first, in instance order, before and after: their ranges start at 0.
    assert_eq!(get(&before, "consumer1")[0], TopicPartition::new("topic1", 0));
    assert_eq!(get(&after, "consumer1")[0], TopicPartition::new("topic1", 0));
    assert_eq!(get(&after, "consumer2")[0], TopicPartition::new("topic1", 1));
}

/// RangeAssignorTest.testStaticMemberRangeAssignmentPersistentAfterMemberIdChanges.
#[test]
fn range_test_static_member_assignment_persistent_after_member_id_changes() {
    let t = topics(&[("topic1", 5), ("topic2", 5)]);
    let subs = ["topic1", "topic2"];
    let ms: Vec<MemberSubscription> =
        (0..3).map(|i| static_member(&format!("member{i}"), &format!("instance{i}"), &subs)).collect();
    let before = run(Strategy::Range, &t, &ms);
    let renamed: Vec<MemberSubscription> = (0..3)
        .map(|i| static_member(&format!("zz-member{}", 2 - i), &format!("instance{i}"), &subs))
        .collect();
    let after = run(Strategy::Range, &t, &renamed);
    for i in 0..3 {
        assert_eq!(get(&before, &format!("member{i}")), get(&after, &format!("zz-member{}", 2 - i)));
    }
}

// ---------------------------------------------------------------------------------------------
// RoundRobinAssignorTest

#[test]
fn roundrobin_test_multiple_consumers_mixed_topics() {
    let t = topics(&[("topic1", 3), ("topic2", 2)]);
    let ms = [
        member("consumer1", &["topic1"]),
        member("consumer2", &["topic1", "topic2"]),
        member("consumer3", &["topic1"]),
    ];
    let a = run(Strategy::RoundRobin, &t, &ms);
    assert_eq!(get(&a, "consumer1"), tps(&[("topic1", 0)]));
    assert_eq!(get(&a, "consumer2"), tps(&[("topic1", 1), ("topic2", 0), ("topic2", 1)]));
    assert_eq!(get(&a, "consumer3"), tps(&[("topic1", 2)]));
}

#[test]
fn roundrobin_test_two_dynamic_consumers_two_topics_six_partitions() {
    let t = topics(&[("topic1", 3), ("topic2", 3)]);
    let ms = [member("consumer1", &["topic1", "topic2"]), member("consumer2", &["topic1", "topic2"])];
    let a = run(Strategy::RoundRobin, &t, &ms);
    assert_eq!(get(&a, "consumer1"), tps(&[("topic1", 0), ("topic1", 2), ("topic2", 1)]));
    assert_eq!(get(&a, "consumer2"), tps(&[("topic1", 1), ("topic2", 0), ("topic2", 2)]));
}

#[test]
fn roundrobin_test_two_static_consumers_two_topics_six_partitions() {
    let t = topics(&[("topic1", 3), ("topic2", 3)]);
    let ms = [
        static_member("consumer1", "instance1", &["topic1", "topic2"]),
        static_member("consumer2", "instance2", &["topic1", "topic2"]),
    ];
    let a = run(Strategy::RoundRobin, &t, &ms);
    assert_eq!(get(&a, "consumer1"), tps(&[("topic1", 0), ("topic1", 2), ("topic2", 1)]));
    assert_eq!(get(&a, "consumer2"), tps(&[("topic1", 1), ("topic2", 0), ("topic2", 2)]));
}

#[test]
fn roundrobin_test_one_static_consumer_and_one_dynamic_consumer_two_topics_six_partitions() {
    let t = topics(&[("topic1", 3), ("topic2", 3)]);
    let ms = [
        member("consumer-a", &["topic1", "topic2"]),
        static_member("consumer-b", "instance1", &["topic1", "topic2"]),
    ];
    let a = run(Strategy::RoundRobin, &t, &ms);
    assert_eq!(get(&a, "consumer-b"), tps(&[("topic1", 0), ("topic1", 2), ("topic2", 1)]));
    assert_eq!(get(&a, "consumer-a"), tps(&[("topic1", 1), ("topic2", 0), ("topic2", 2)]));
}

/// RoundRobinAssignorTest.testStaticMemberRoundRobinAssignmentPersistentAfterMemberIdChanges.
#[test]
fn roundrobin_test_static_member_assignment_persistent_after_member_id_changes() {
    let t = topics(&[("topic1", 5), ("topic2", 5)]);
    let subs = ["topic1", "topic2"];
    let ms: Vec<MemberSubscription> =
        (0..3).map(|i| static_member(&format!("member{i}"), &format!("instance{i}"), &subs)).collect();
    let before = run(Strategy::RoundRobin, &t, &ms);
    let renamed: Vec<MemberSubscription> =
        (0..3).map(|i| static_member(&format!("zz{}", 2 - i), &format!("instance{i}"), &subs)).collect();
    let after = run(Strategy::RoundRobin, &t, &renamed);
    for i in 0..3 {
        assert_eq!(get(&before, &format!("member{i}")), get(&after, &format!("zz{}", 2 - i)));
    }
}

/// The iterator does not restart per topic (KAFKA.md): one partition per topic spreads out.
#[test]
fn roundrobin_iterator_carries_over_topics() {
    let t = topics(&[("a", 1), ("b", 1), ("c", 1)]);
    let ms = [member("m1", &["a", "b", "c"]), member("m2", &["a", "b", "c"]), member("m3", &["a", "b", "c"])];
    let a = run(Strategy::RoundRobin, &t, &ms);
    assert_eq!(get(&a, "m1"), tps(&[("a", 0)]));
    assert_eq!(get(&a, "m2"), tps(&[("b", 0)]));
    assert_eq!(get(&a, "m3"), tps(&[("c", 0)]));
}

// ---------------------------------------------------------------------------------------------
// AbstractStickyAssignorTest (run for sticky; cooperative checks its own contract below)

#[test]
fn sticky_test_multiple_consumers_mixed_topic_subscriptions() {
    let t = topics(&[("topic1", 3), ("topic2", 2)]);
    let ms = [
        member("consumer1", &["topic1"]),
        member("consumer2", &["topic1", "topic2"]),
        member("consumer3", &["topic1"]),
    ];
    let a = run(Strategy::Sticky, &t, &ms);
    assert_eq!(get(&a, "consumer1"), tps(&[("topic1", 0), ("topic1", 2)]));
    assert_eq!(get(&a, "consumer2"), tps(&[("topic2", 0), ("topic2", 1)]));
    assert_eq!(get(&a, "consumer3"), tps(&[("topic1", 1)]));
    verify_validity_and_balance(&t, &ms, &a);
}

#[test]
fn sticky_test_two_consumers_two_topics_six_partitions() {
    let t = topics(&[("topic1", 3), ("topic2", 3)]);
    let ms = [member("consumer1", &["topic1", "topic2"]), member("consumer2", &["topic1", "topic2"])];
    let a = run(Strategy::Sticky, &t, &ms);
    assert_eq!(get(&a, "consumer1"), tps(&[("topic1", 0), ("topic1", 2), ("topic2", 1)]));
    assert_eq!(get(&a, "consumer2"), tps(&[("topic1", 1), ("topic2", 0), ("topic2", 2)]));
    verify_validity_and_balance(&t, &ms, &a);
}

#[test]
fn sticky_test_add_remove_consumer_one_topic() {
    let t = topics(&[("topic", 3)]);
    let a = run(Strategy::Sticky, &t, &[member("consumer1", &["topic"])]);
    assert_eq!(get(&a, "consumer1"), tp_range("topic", 0..3));

    let ms = [
        owning(member("consumer1", &["topic"]), &[("topic", 0), ("topic", 1), ("topic", 2)], Some(1)),
        member("consumer2", &["topic"]),
    ];
    let a = run(Strategy::Sticky, &t, &ms);
    assert_eq!(get(&a, "consumer1"), tps(&[("topic", 0), ("topic", 1)]));
    assert_eq!(get(&a, "consumer2"), tps(&[("topic", 2)]));
    verify_validity_and_balance(&t, &ms, &a);

    let ms = [owning(member("consumer2", &["topic"]), &[("topic", 2)], Some(2))];
    let a = run(Strategy::Sticky, &t, &ms);
    assert_eq!(get(&a, "consumer2"), tp_range("topic", 0..3));
}

#[test]
fn sticky_test_add_remove_two_consumers_two_topics() {
    let t = topics(&[("topic1", 3), ("topic2", 4)]);
    let subs = ["topic1", "topic2"];
    let ms = [member("consumer1", &subs), member("consumer2", &subs)];
    let a = run(Strategy::Sticky, &t, &ms);
    verify_validity_and_balance(&t, &ms, &a);
    // add two consumers
    let mut ms = next_round(&ms, &a, 1);
    ms.push(member("consumer3", &subs));
    ms.push(member("consumer4", &subs));
    let b = run(Strategy::Sticky, &t, &ms);
    verify_validity_and_balance(&t, &ms, &b);
    assert!(is_fully_balanced(&b));
    for c in ["consumer1", "consumer2"] {
        assert!(get(&b, c).iter().all(|tp| get(&a, c).contains(tp)), "{c} kept only its own");
    }
    // remove two consumers
    let ms: Vec<_> = next_round(&ms, &b, 2)
        .into_iter()
        .filter(|m| m.member_id == "consumer2" || m.member_id == "consumer3")
        .collect();
    let c = run(Strategy::Sticky, &t, &ms);
    verify_validity_and_balance(&t, &ms, &c);
    for m in ["consumer2", "consumer3"] {
        assert!(get(&b, m).iter().all(|tp| get(&c, m).contains(tp)), "{m} keeps everything it had");
    }
}

/// AbstractStickyAssignorTest.testPoorRoundRobinAssignmentScenario: general path stays balanced.
#[test]
fn sticky_test_poor_round_robin_assignment_scenario() {
    let t = topics(&[("topic1", 2), ("topic2", 1), ("topic3", 2), ("topic4", 1), ("topic5", 2)]);
    let ms = [
        member("consumer1", &["topic1", "topic2", "topic3", "topic4", "topic5"]),
        member("consumer2", &["topic1", "topic3", "topic5"]),
        member("consumer3", &["topic1", "topic3", "topic5"]),
        member("consumer4", &["topic1", "topic2", "topic3", "topic4", "topic5"]),
    ];
    let a = run(Strategy::Sticky, &t, &ms);
    verify_validity_and_balance(&t, &ms, &a);
}

#[test]
fn sticky_test_add_remove_topic_two_consumers() {
    let t = topics(&[("topic", 3)]);
    let ms = [member("consumer1", &["topic"]), member("consumer2", &["topic"])];
    let a = run(Strategy::Sticky, &t, &ms);
    verify_validity_and_balance(&t, &ms, &a);
    // add topic2
    let t2 = topics(&[("topic", 3), ("topic2", 3)]);
    let ms2: Vec<_> = next_round(&ms, &a, 1)
        .into_iter()
        .map(|m| MemberSubscription { topics: vec!["topic".into(), "topic2".into()], ..m })
        .collect();
    let b = run(Strategy::Sticky, &t2, &ms2);
    verify_validity_and_balance(&t2, &ms2, &b);
    assert!(is_fully_balanced(&b));
    for c in ["consumer1", "consumer2"] {
        assert!(get(&a, c).iter().all(|tp| get(&b, c).contains(tp)), "{c} keeps topic partitions");
    }
    // remove topic
    let t3 = topics(&[("topic2", 3)]);
    let ms3: Vec<_> = next_round(&ms2, &b, 2)
        .into_iter()
        .map(|m| MemberSubscription { topics: vec!["topic2".into()], ..m })
        .collect();
    let c = run(Strategy::Sticky, &t3, &ms3);
    verify_validity_and_balance(&t3, &ms3, &c);
    for m in ["consumer1", "consumer2"] {
        let kept: Vec<_> = get(&b, m).iter().filter(|tp| &*tp.topic == "topic2").collect();
        assert!(kept.iter().all(|tp| get(&c, m).contains(tp)), "{m} keeps its topic2 partitions");
    }
}

#[test]
fn sticky_test_reassignment_after_one_consumer_leaves() {
    let names: Vec<String> = (1..20).map(|i| format!("topic{i:02}")).collect();
    let t: BTreeMap<String, u32> = names.iter().enumerate().map(|(i, n)| (n.clone(), i as u32 + 1)).collect();
    let ms: Vec<MemberSubscription> = (1..20)
        .map(|i| MemberSubscription {
            member_id: format!("consumer{i:02}"),
            topics: names[..i].to_vec(),
            ..Default::default()
        })
        .collect();
    let a = run(Strategy::Sticky, &t, &ms);
    verify_validity_and_balance(&t, &ms, &a);
    let ms2: Vec<_> = next_round(&ms, &a, 1).into_iter().filter(|m| m.member_id != "consumer10").collect();
    let b = run(Strategy::Sticky, &t, &ms2);
    verify_validity_and_balance(&t, &ms2, &b);
    assert_sticky_general(&ms2, &b);
}

#[test]
fn sticky_test_reassignment_after_one_consumer_added() {
    let t = topics(&[("topic", 20)]);
    let ms: Vec<_> = (1..10).map(|i| member(&format!("consumer{i}"), &["topic"])).collect();
    let a = run(Strategy::Sticky, &t, &ms);
    verify_validity_and_balance(&t, &ms, &a);
    let mut ms2 = next_round(&ms, &a, 1);
    ms2.push(member("consumer10", &["topic"]));
    let b = run(Strategy::Sticky, &t, &ms2);
    verify_validity_and_balance(&t, &ms2, &b);
    assert!(is_fully_balanced(&b));
    assert_sticky_uniform(&t, &ms2, &b);
}

#[test]
fn sticky_test_same_subscriptions() {
    let names: Vec<String> = (1..15).map(|i| format!("topic{i:02}")).collect();
    let t: BTreeMap<String, u32> = names.iter().enumerate().map(|(i, n)| (n.clone(), i as u32 + 1)).collect();
    let ms: Vec<_> = (1..9)
        .map(|i| MemberSubscription {
            member_id: format!("consumer{i}"),
            topics: names.clone(),
            ..Default::default()
        })
        .collect();
    let a = run(Strategy::Sticky, &t, &ms);
    verify_validity_and_balance(&t, &ms, &a);
    let ms2: Vec<_> = next_round(&ms, &a, 1).into_iter().filter(|m| m.member_id != "consumer5").collect();
    let b = run(Strategy::Sticky, &t, &ms2);
    verify_validity_and_balance(&t, &ms2, &b);
    assert_sticky_uniform(&t, &ms2, &b);
}

/// AbstractStickyAssignorTest.testLargeAssignmentAndGroupWithNonEqualSubscription (scaled to a
/// debug-build test: 20 topics × 20 partitions, 40 consumers).
#[test]
fn sticky_test_large_assignment_and_group_with_non_equal_subscription() {
    let names: Vec<String> = (0..20).map(|i| format!("t{i}")).collect();
    let t: BTreeMap<String, u32> = names.iter().map(|n| (n.clone(), 20)).collect();
    let ms: Vec<_> = (0..40)
        .map(|i| {
            let subs = if i == 39 { names[..1].to_vec() } else { names.clone() };
            MemberSubscription { member_id: format!("consumer{i}"), topics: subs, ..Default::default() }
        })
        .collect();
    let a = run(Strategy::Sticky, &t, &ms);
    verify_validity_and_balance(&t, &ms, &a);
    let ms2: Vec<_> = next_round(&ms, &a, 1).into_iter().skip(1).collect();
    let b = run(Strategy::Sticky, &t, &ms2);
    verify_validity_and_balance(&t, &ms2, &b);
}

#[test]
fn sticky_test_new_subscription() {
    let names: Vec<String> = (1..5).map(|i| format!("topic{i}")).collect();
    let t: BTreeMap<String, u32> = names.iter().map(|n| (n.clone(), 1)).collect();
    let ms: Vec<_> = (0..3)
        .map(|i| MemberSubscription {
            member_id: format!("consumer{i}"),
            topics: names[i..].to_vec(),
            ..Default::default()
        })
        .collect();
    let a = run(Strategy::Sticky, &t, &ms);
    verify_validity_and_balance(&t, &ms, &a);
    let mut ms2 = next_round(&ms, &a, 1);
    ms2[0].topics.push("topic1".into());
    let b = run(Strategy::Sticky, &t, &ms2);
    verify_validity_and_balance(&t, &ms2, &b);
}

#[test]
fn sticky_test_move_existing_assignments() {
    let t = topics(&[
        ("topic01", 1),
        ("topic02", 1),
        ("topic03", 1),
        ("topic04", 1),
        ("topic05", 1),
        ("topic06", 1),
    ]);
    let ms = [
        owning(member("consumer01", &["topic01", "topic02"]), &[("topic01", 0)], Some(1)),
        owning(
            member("consumer02", &["topic01", "topic02", "topic03", "topic04"]),
            &[("topic02", 0), ("topic03", 0)],
            Some(1),
        ),
        owning(
            member("consumer03", &["topic02", "topic03", "topic04", "topic05", "topic06"]),
            &[("topic04", 0), ("topic05", 0), ("topic06", 0)],
            Some(1),
        ),
    ];
    let a = run(Strategy::Sticky, &t, &ms);
    // Java asserts validity and Kafka's pairwise balance only (1/2/3 is accepted: consumer01
    // and consumer03 share no topic).
    verify_validity_and_balance(&t, &ms, &a);
}

#[test]
fn sticky_test_stickiness() {
    let t = topics(&[("topic01", 3)]);
    let ms: Vec<_> = (1..5).map(|i| member(&format!("consumer{i:02}"), &["topic01"])).collect();
    let a = run(Strategy::Sticky, &t, &ms);
    verify_validity_and_balance(&t, &ms, &a);
    // consumer01 leaves; whoever had a partition keeps it.
    let ms2: Vec<_> = next_round(&ms, &a, 1).into_iter().filter(|m| m.member_id != "consumer01").collect();
    let b = run(Strategy::Sticky, &t, &ms2);
    verify_validity_and_balance(&t, &ms2, &b);
    for m in &ms2 {
        assert!(
            m.owned.iter().all(|tp| get(&b, &m.member_id).contains(tp)),
            "{} lost a partition",
            m.member_id
        );
    }
}

#[test]
fn sticky_test_assignment_updated_for_deleted_topic() {
    let t = topics(&[("topic01", 1), ("topic03", 100)]);
    let ms = [member("consumer", &["topic01", "topic02", "topic03"])];
    let a = run(Strategy::Sticky, &t, &ms);
    assert_eq!(get(&a, "consumer").len(), 101);
}

#[test]
fn sticky_test_no_exception_thrown_when_only_subscribed_topic_deleted() {
    let t = topics(&[("topic", 3)]);
    let ms = [member("consumer", &["topic"])];
    let a = run(Strategy::Sticky, &t, &ms);
    let ms2 = next_round(&ms, &a, 1);
    let b = run(Strategy::Sticky, &topics(&[]), &ms2);
    assert!(get(&b, "consumer").is_empty());
}

/// testAllConsumersReachExpectedQuotaAndAreConsideredFilled.
#[test]
fn sticky_test_all_consumers_reach_expected_quota_and_are_considered_filled() {
    let t = topics(&[("topic", 4)]);
    let ms = [
        owning(member("consumer1", &["topic"]), &[("topic", 0), ("topic", 1)], Some(1)),
        owning(member("consumer2", &["topic"]), &[("topic", 2)], Some(1)),
        owning(member("consumer3", &["topic"]), &[], Some(1)),
    ];
    let a = run(Strategy::Sticky, &t, &ms);
    assert_eq!(get(&a, "consumer1"), tps(&[("topic", 0), ("topic", 1)]));
    assert_eq!(get(&a, "consumer2"), tps(&[("topic", 2)]));
    assert_eq!(get(&a, "consumer3"), tps(&[("topic", 3)]));
}

#[test]
fn sticky_test_owned_partitions_are_invalidated_for_consumer_with_stale_generation() {
    let t = topics(&[("topic", 3), ("topic2", 3)]);
    let subs = ["topic", "topic2"];
    let ms = [
        owning(member("consumer1", &subs), &[("topic", 0), ("topic", 2), ("topic2", 1)], Some(2)),
        owning(member("consumer2", &subs), &[("topic", 0), ("topic", 2), ("topic2", 1)], Some(1)),
    ];
    let a = run(Strategy::Sticky, &t, &ms);
    assert_eq!(get(&a, "consumer1"), tps(&[("topic", 0), ("topic", 2), ("topic2", 1)]));
    assert_eq!(get(&a, "consumer2"), tps(&[("topic", 1), ("topic2", 0), ("topic2", 2)]));
}

#[test]
fn sticky_test_owned_partitions_are_invalidated_for_consumer_with_no_generation() {
    let t = topics(&[("topic", 3), ("topic2", 3)]);
    let subs = ["topic", "topic2"];
    let ms = [
        owning(member("consumer1", &subs), &[("topic", 0), ("topic", 2), ("topic2", 1)], Some(2)),
        owning(member("consumer2", &subs), &[("topic", 0), ("topic", 2), ("topic2", 1)], None),
    ];
    let a = run(Strategy::Sticky, &t, &ms);
    assert_eq!(get(&a, "consumer1"), tps(&[("topic", 0), ("topic", 2), ("topic2", 1)]));
    assert_eq!(get(&a, "consumer2"), tps(&[("topic", 1), ("topic2", 0), ("topic2", 2)]));
}

/// testPartitionsTransferringOwnershipIncludeThePartitionClaimedByMultipleConsumersInSameGeneration.
#[test]
fn sticky_test_partition_claimed_by_multiple_consumers_in_same_generation() {
    let t = topics(&[("topic", 3)]);
    let ms = [
        owning(member("consumer1", &["topic"]), &[("topic", 0), ("topic", 1)], Some(1)),
        owning(member("consumer2", &["topic"]), &[("topic", 0), ("topic", 2)], Some(1)),
        owning(member("consumer3", &["topic"]), &[], Some(1)),
    ];
    let a = run(Strategy::Sticky, &t, &ms);
    assert_eq!(get(&a, "consumer1"), tps(&[("topic", 1)]));
    assert_eq!(get(&a, "consumer2"), tps(&[("topic", 2)]));
    assert_eq!(get(&a, "consumer3"), tps(&[("topic", 0)]));
}

#[test]
fn sticky_test_ensure_partitions_assigned_to_highest_generation() {
    let t = topics(&[("topic", 3), ("topic2", 3), ("topic3", 3)]);
    let subs = ["topic", "topic2", "topic3"];
    let ms = [
        owning(member("consumer1", &subs), &[("topic", 0), ("topic2", 0), ("topic3", 0)], Some(3)),
        owning(member("consumer2", &subs), &[("topic", 1), ("topic2", 1), ("topic3", 1)], Some(2)),
        owning(member("consumer3", &subs), &[("topic2", 1), ("topic3", 0), ("topic3", 2)], Some(1)),
    ];
    let a = run(Strategy::Sticky, &t, &ms);
    assert!(get(&a, "consumer1").starts_with(&tps(&[("topic", 0)])));
    for tp in tps(&[("topic", 0), ("topic2", 0), ("topic3", 0)]) {
        assert!(get(&a, "consumer1").contains(&tp));
    }
    verify_validity_and_balance(&t, &ms, &a);
}

#[test]
fn sticky_test_no_reassignment_on_current_members() {
    let t = topics(&[("topic", 3), ("topic1", 3), ("topic2", 3), ("topic3", 3)]);
    let subs = ["topic", "topic1", "topic2", "topic3"];
    let ms = [
        owning(member("consumer1", &subs), &[], None),
        owning(member("consumer2", &subs), &[("topic", 0), ("topic2", 0), ("topic1", 0)], Some(10)),
        owning(member("consumer3", &subs), &[("topic", 2), ("topic2", 2), ("topic1", 1)], Some(10)),
        owning(member("consumer4", &subs), &[("topic3", 0), ("topic3", 1), ("topic3", 2)], Some(10)),
    ];
    let a = run(Strategy::Sticky, &t, &ms);
    for m in &ms[1..] {
        for tp in &m.owned {
            assert!(get(&a, &m.member_id).contains(tp), "{} lost {tp:?}", m.member_id);
        }
    }
    assert_eq!(get(&a, "consumer1"), tps(&[("topic", 1), ("topic1", 2), ("topic2", 1)]));
    verify_validity_and_balance(&t, &ms, &a);
}

#[test]
fn sticky_test_owned_partitions_are_stable_for_consumer_with_multiple_generation() {
    let t = topics(&[("topic", 3), ("topic2", 3), ("topic3", 3)]);
    let subs = ["topic", "topic2", "topic3"];
    let ms = [
        owning(member("consumer1", &subs), &[("topic", 0), ("topic2", 0), ("topic3", 0)], Some(3)),
        owning(member("consumer2", &subs), &[("topic", 1), ("topic2", 1), ("topic3", 1)], Some(3)),
        owning(member("consumer3", &subs), &[("topic", 2), ("topic2", 2), ("topic3", 2)], Some(3)),
    ];
    let a = run(Strategy::Sticky, &t, &ms);
    for m in &ms {
        assert_eq!(get(&a, &m.member_id), m.owned.as_slice());
    }
}

/// testConflictingPreviousAssignments: both claim everything at one generation; nobody keeps it.
#[test]
fn sticky_test_conflicting_previous_assignments() {
    let t = topics(&[("topic", 2)]);
    let ms = [
        owning(member("consumer1", &["topic"]), &[("topic", 0), ("topic", 1)], Some(1)),
        owning(member("consumer2", &["topic"]), &[("topic", 0), ("topic", 1)], Some(1)),
    ];
    let a = run(Strategy::Sticky, &t, &ms);
    verify_validity_and_balance(&t, &ms, &a);
    assert!(is_fully_balanced(&a));
    // general path with the same conflict
    let ms2 = [
        owning(member("consumer1", &["topic"]), &[("topic", 0), ("topic", 1)], Some(1)),
        owning(member("consumer2", &["topic", "other"]), &[("topic", 0), ("topic", 1)], Some(1)),
    ];
    let b = run(Strategy::Sticky, &topics(&[("topic", 2), ("other", 0)]), &ms2);
    assert_eq!(get(&b, "consumer1").len(), 1);
    assert_eq!(get(&b, "consumer2").len(), 1);
}

#[test]
fn sticky_test_assignment_with_conflicting_previous_generations() {
    let t = topics(&[("topic", 4)]);
    let ms = [
        owning(member("consumer1", &["topic"]), &[("topic", 0), ("topic", 1), ("topic", 4)], Some(1)),
        owning(member("consumer2", &["topic"]), &[("topic", 0), ("topic", 2), ("topic", 3)], Some(2)),
        owning(member("consumer3", &["topic"]), &[("topic", 3), ("topic", 4), ("topic", 5)], Some(3)),
    ];
    let a = run(Strategy::Sticky, &t, &ms);
    verify_validity_and_balance(&t, &ms, &a);
    assert!(get(&a, "consumer3").contains(&TopicPartition::new("topic", 3)));
}

/// Stickiness under uniform subscription: a staying member keeps min(owned, floor quota).
fn assert_sticky_uniform(
    topics: &BTreeMap<String, u32>,
    members: &[MemberSubscription],
    a: &GroupAssignment,
) {
    let subscribed: BTreeSet<&String> = members.iter().flat_map(|m| &m.topics).collect();
    let total: u32 = topics.iter().filter(|(t, _)| subscribed.contains(t)).map(|(_, n)| n).sum();
    let floor = (total as usize).checked_div(members.len()).unwrap_or(0);
    for m in members {
        let valid_owned = m
            .owned
            .iter()
            .filter(|tp| subscribed.contains(&tp.topic.to_string()) && tp.partition < topics[&*tp.topic])
            .count();
        let kept = m.owned.iter().filter(|tp| get(a, &m.member_id).contains(tp)).count();
        assert!(
            kept >= valid_owned.min(floor),
            "{} kept {kept} of {valid_owned} (floor {floor})",
            m.member_id
        );
    }
}

/// Java's `PartitionMovements.isSticky` in spirit: no member both loses and gains partitions of
/// one topic in one round (that would be a pointless exchange).
fn assert_sticky_general(members: &[MemberSubscription], a: &GroupAssignment) {
    for m in members {
        let new = get(a, &m.member_id);
        let lost: BTreeSet<&str> =
            m.owned.iter().filter(|tp| !new.contains(tp)).map(|tp| &*tp.topic).collect();
        let gained: BTreeSet<&str> =
            new.iter().filter(|tp| !m.owned.contains(tp)).map(|tp| &*tp.topic).collect();
        assert!(
            lost.is_disjoint(&gained),
            "{} both lost and gained in {:?}",
            m.member_id,
            lost.intersection(&gained).collect::<Vec<_>>()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// CooperativeStickyAssignorTest

/// testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGenerationWithEqualPartitionsPerConsumer
#[test]
fn cooperative_test_partition_claimed_twice_equal_partitions_per_consumer() {
    let t = topics(&[("topic", 3)]);
    let ms = [
        owning(member("consumer1", &["topic"]), &[("topic", 0), ("topic", 1)], Some(1)),
        owning(member("consumer2", &["topic"]), &[("topic", 0), ("topic", 2)], Some(1)),
        owning(member("consumer3", &["topic"]), &[], Some(1)),
    ];
    let a = run(Strategy::CooperativeSticky, &t, &ms);
    assert_eq!(get(&a, "consumer1"), tps(&[("topic", 1)]));
    assert_eq!(get(&a, "consumer2"), tps(&[("topic", 2)]));
    assert!(get(&a, "consumer3").is_empty());
    let b = cooperative_final(&t, &ms);
    verify_validity_and_balance(&t, &ms, &b);
}

/// testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGenerationWithUnequalPartitionsPerConsumer
#[test]
fn cooperative_test_partition_claimed_twice_unequal_partitions_per_consumer() {
    let t = topics(&[("topic", 4)]);
    let ms = [
        owning(member("consumer1", &["topic"]), &[("topic", 0), ("topic", 1)], Some(1)),
        owning(member("consumer2", &["topic"]), &[("topic", 0), ("topic", 2)], Some(1)),
        owning(member("consumer3", &["topic"]), &[], Some(1)),
    ];
    let a = run(Strategy::CooperativeSticky, &t, &ms);
    assert_eq!(get(&a, "consumer1"), tps(&[("topic", 1), ("topic", 3)]));
    assert_eq!(get(&a, "consumer2"), tps(&[("topic", 2)]));
    assert!(get(&a, "consumer3").is_empty());
}

/// AbstractStickyAssignorTest.testAddRemoveConsumerOneTopic as CooperativeStickyAssignorTest
/// runs it: the moving partition waits for the follow-up rebalance.
#[test]
fn cooperative_test_add_remove_consumer_one_topic() {
    let t = topics(&[("topic", 3)]);
    let ms = [
        owning(member("consumer1", &["topic"]), &[("topic", 0), ("topic", 1), ("topic", 2)], Some(1)),
        member("consumer2", &["topic"]),
    ];
    let a = run(Strategy::CooperativeSticky, &t, &ms);
    assert_eq!(get(&a, "consumer1"), tps(&[("topic", 0), ("topic", 1)]));
    assert!(get(&a, "consumer2").is_empty(), "topic-2 is revoked first");
    let b = cooperative_final(&t, &ms);
    assert_eq!(get(&b, "consumer2"), tps(&[("topic", 2)]));
}

#[test]
fn cooperative_runs_the_shared_sticky_cases() {
    let t = topics(&[("topic1", 3), ("topic2", 2)]);
    let ms = [
        member("consumer1", &["topic1"]),
        member("consumer2", &["topic1", "topic2"]),
        member("consumer3", &["topic1"]),
    ];
    let a = cooperative_final(&t, &ms);
    verify_validity_and_balance(&t, &ms, &a);
    let ms2: Vec<_> = next_round(&ms, &a, 1).into_iter().filter(|m| m.member_id != "consumer1").collect();
    let b = cooperative_final(&t, &ms2);
    verify_validity_and_balance(&t, &ms2, &b);
}

/// Regression (proptest seed `d6d207f0…`): in a cooperative follow-up round the partitions freed
/// by the previous round are unowned, and placing them afresh can make the sticky result move a
/// partition that is still owned. Kafka's cooperative-sticky then withholds that one (it changes
/// owner), hands the unowned ones out at once, and another follow-up rebalance completes the
/// hand-over; Kafka's own test allows up to four such rounds.
///
/// Before: m0 {t0, t2, t3} owned t2-0, t2-1, t3-*; m1 {t0} owned t0-*; m2 {t0, t2} joins. The
/// join round's sticky target is m0 {t2-1, t3-*}, m1 {t0-2, t0-3}, m2 {t0-0, t0-1, t2-0}; it moves
/// t0-0, t0-1 (m1 -> m2) and t2-0 (m0 -> m2), which are therefore unowned here. Nothing remembers
/// that target (Kafka's cooperative subscriptions carry only owned partitions and generation).
#[test]
fn cooperative_follow_up_may_revoke_again_when_freed_partitions_are_placed_afresh() {
    let t = topics(&[("t0", 4), ("t2", 2), ("t3", 3)]);
    let ms = [
        owning(member("m0", &["t0", "t2", "t3"]), &[("t2", 1), ("t3", 0), ("t3", 1), ("t3", 2)], Some(3)),
        owning(member("m1", &["t0"]), &[("t0", 2), ("t0", 3)], Some(3)),
        owning(member("m2", &["t0", "t2"]), &[], Some(3)),
    ];
    // Sticky places the unowned ones first, fewest candidates first and to the least loaded:
    // t2-0 -> m2, t0-0 -> m2, t0-1 -> m1 (tie, member id). That leaves m0 with 4 and m2 with 2,
    // both on t2, so balancing moves t2-1 from m0 to m2: 3/3/3, as Kafka's generalAssign would.
    let sticky = run(Strategy::Sticky, &t, &ms);
    verify_validity_and_balance(&t, &ms, &sticky);
    assert_eq!(get(&sticky, "m0"), tp_range("t3", 0..3));
    assert!(get(&sticky, "m2").contains(&TopicPartition::new("t2", 1)));

    // Cooperative: the unowned t0-0, t0-1, t2-0 are given out now; t2-1 is only revoked.
    let a = cooperative_round(&t, &ms);
    let given: BTreeSet<TopicPartition> = a.values().flatten().cloned().collect();
    for tp in tps(&[("t0", 0), ("t0", 1), ("t2", 0)]) {
        assert!(given.contains(&tp), "{tp:?} is nobody's: it must be assigned now");
    }
    assert!(!given.contains(&TopicPartition::new("t2", 1)), "{a:?}");
    assert_eq!(get(&a, "m0"), tp_range("t3", 0..3));

    // One more follow-up hands t2-1 to m2: valid, balanced, nothing revoked.
    let (_, b, follow_ups) = cooperative_until_stable(&t, &ms, 4);
    assert_eq!(follow_ups, 1);
    assert!(is_fully_balanced(&b), "{b:?}");
    assert!(get(&b, "m2").contains(&TopicPartition::new("t2", 1)));
}

// ---------------------------------------------------------------------------------------------
// KIP-848 UniformHomogeneousAssignmentBuilderTest / UniformHeterogeneousAssignmentBuilderTest

#[test]
fn uniform_test_first_assignment_two_members_two_topics() {
    let t = topics(&[("topic1", 3), ("topic3", 2)]);
    let ms = [member("A", &["topic1", "topic3"]), member("B", &["topic1", "topic3"])];
    let a = run(Strategy::Uniform, &t, &ms);
    verify_validity_and_balance(&t, &ms, &a);
    assert_eq!(get(&a, "A").len(), 3);
    assert_eq!(get(&a, "B").len(), 2);
}

#[test]
fn uniform_test_first_assignment_num_members_greater_than_total_partitions() {
    let t = topics(&[("topic3", 2)]);
    let ms = [member("A", &["topic3"]), member("B", &["topic3"]), member("C", &["topic3"])];
    let a = run(Strategy::Uniform, &t, &ms);
    assert_eq!(get(&a, "A"), tps(&[("topic3", 0)]));
    assert_eq!(get(&a, "B"), tps(&[("topic3", 1)]));
    assert!(get(&a, "C").is_empty());
}

#[test]
fn uniform_test_reassignment_for_two_members_two_topics_given_unbalanced_prev_assignment() {
    let t = topics(&[("topic1", 3), ("topic2", 3)]);
    let subs = ["topic1", "topic2"];
    let ms = [
        owning(member("A", &subs), &[("topic1", 0), ("topic1", 1)], None),
        owning(member("B", &subs), &[("topic1", 2), ("topic2", 0), ("topic2", 1), ("topic2", 2)], None),
    ];
    let a = run(Strategy::Uniform, &t, &ms);
    verify_validity_and_balance(&t, &ms, &a);
    assert!(is_fully_balanced(&a));
    assert_sticky_uniform(&t, &ms, &a);
}

#[test]
fn uniform_test_reassignment_when_one_member_removed_and_one_added() {
    let t = topics(&[("topic1", 3), ("topic2", 3)]);
    let subs = ["topic1", "topic2"];
    let ms = [
        owning(member("A", &subs), &[("topic1", 0), ("topic1", 2)], None),
        owning(member("B", &subs), &[("topic1", 1), ("topic2", 0)], None),
        member("D", &subs),
    ];
    let a = run(Strategy::Uniform, &t, &ms);
    verify_validity_and_balance(&t, &ms, &a);
    assert!(is_fully_balanced(&a));
    assert_sticky_uniform(&t, &ms, &a);
}

#[test]
fn uniform_heterogeneous_test_two_members_two_topics_different_subscriptions() {
    let t = topics(&[("topic1", 3), ("topic2", 3), ("topic3", 2)]);
    let ms = [
        member("A", &["topic1", "topic2"]),
        member("B", &["topic2", "topic3"]),
        member("C", &["topic1", "topic3"]),
    ];
    let a = run(Strategy::Uniform, &t, &ms);
    verify_validity_and_balance(&t, &ms, &a);
    assert!(is_fully_balanced(&a));
}

#[test]
fn server_range_is_range_by_member_id() {
    let t = topics(&[("topic1", 3), ("topic2", 3)]);
    let ms = [member("B", &["topic1", "topic2"]), static_member("A", "z", &["topic1", "topic2"])];
    let a = run(Strategy::ServerRange, &t, &ms);
    assert_eq!(get(&a, "A"), tps(&[("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)]));
}

#[test]
fn strategy_names_round_trip() {
    for s in Strategy::ALL {
        assert_eq!(Strategy::from_name(s.name()), Some(s));
    }
    assert_eq!(Strategy::from_name("nope"), None);
}

// ---------------------------------------------------------------------------------------------
// Properties over random groups and random change sequences

#[derive(Debug, Clone)]
enum Change {
    Join(Vec<bool>),
    Leave(usize),
    Resubscribe(usize, Vec<bool>),
    Grow(usize, u32),
}

fn subs_of(mask: &[bool], names: &[String]) -> Vec<String> {
    names.iter().zip(mask).filter(|(_, &b)| b).map(|(n, _)| n.clone()).collect()
}

fn change_strategy() -> impl proptest::strategy::Strategy<Value = Change> {
    prop_oneof![
        proptest::collection::vec(any::<bool>(), 4).prop_map(Change::Join),
        (0usize..8).prop_map(Change::Leave),
        ((0usize..8), proptest::collection::vec(any::<bool>(), 4))
            .prop_map(|(i, m)| Change::Resubscribe(i, m)),
        ((0usize..4), (1u32..4)).prop_map(|(t, n)| Change::Grow(t, n)),
    ]
}

/// Runs `strategy` through a sequence of changes, feeding each round's result back as owned.
fn check_sequence(
    strategy: Strategy,
    uniform_subs: bool,
    counts: Vec<u32>,
    initial: Vec<Vec<bool>>,
    changes: Vec<Change>,
) {
    let names: Vec<String> = (0..4).map(|i| format!("t{i}")).collect();
    let mut t: BTreeMap<String, u32> = names.iter().cloned().zip(counts).collect();
    let everything = vec![true; 4];
    let mask = |m: &Vec<bool>| {
        if uniform_subs {
            everything.clone()
        } else {
            m.clone()
        }
    };
    let mut next_id = 0;
    let mut ms: Vec<MemberSubscription> = Vec::new();
    for m in &initial {
        ms.push(member(&format!("m{next_id}"), &[]));
        ms.last_mut().unwrap().topics = subs_of(&mask(m), &names);
        next_id += 1;
    }
    let mut generation = 1;
    for change in std::iter::once(None).chain(changes.into_iter().map(Some)) {
        match change {
            None => {}
            Some(Change::Join(m)) => {
                ms.push(MemberSubscription {
                    member_id: format!("m{next_id}"),
                    topics: subs_of(&mask(&m), &names),
                    ..Default::default()
                });
                next_id += 1;
            }
            Some(Change::Leave(i)) if !ms.is_empty() => {
                ms.remove(i % ms.len());
            }
            Some(Change::Resubscribe(i, m)) if !ms.is_empty() && !uniform_subs => {
                let n = ms.len();
                ms[i % n].topics = subs_of(&m, &names);
            }
            Some(Change::Grow(topic, n)) => *t.get_mut(&names[topic]).unwrap() += n,
            Some(_) => {}
        }
        if strategy == Strategy::CooperativeSticky {
            // follow-up rebalances until nothing is revoked: then it is valid and balanced
            let (settled, b, follow_ups) = cooperative_until_stable(&t, &ms, generation);
            generation += follow_ups as i32;
            if uniform_subs {
                assert!(is_fully_balanced(&b), "{b:?}");
                // equal subscriptions: the first follow-up always completes the hand-over
                assert!(follow_ups <= 1, "{follow_ups} follow-ups: {b:?}");
            }
            ms = next_round(&settled, &b, generation);
        } else {
            let a = run(strategy, &t, &ms);
            verify_validity_and_balance(&t, &ms, &a);
            if uniform_subs {
                assert!(is_fully_balanced(&a), "{a:?}");
                assert_sticky_uniform(&t, &ms, &a);
            }
            ms = next_round(&ms, &a, generation);
        }
        generation += 1;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn prop_sticky_uniform_sequences(counts in proptest::collection::vec(0u32..7, 4), initial in proptest::collection::vec(proptest::collection::vec(any::<bool>(), 4), 1..6), changes in proptest::collection::vec(change_strategy(), 0..8)) {
        check_sequence(Strategy::Sticky, true, counts, initial, changes);
    }

    #[test]
    fn prop_sticky_mixed_sequences(counts in proptest::collection::vec(0u32..7, 4), initial in proptest::collection::vec(proptest::collection::vec(any::<bool>(), 4), 1..6), changes in proptest::collection::vec(change_strategy(), 0..8)) {
        check_sequence(Strategy::Sticky, false, counts, initial, changes);
    }

    #[test]
    fn prop_cooperative_sequences(uniform in any::<bool>(), counts in proptest::collection::vec(0u32..7, 4), initial in proptest::collection::vec(proptest::collection::vec(any::<bool>(), 4), 1..6), changes in proptest::collection::vec(change_strategy(), 0..8)) {
        check_sequence(Strategy::CooperativeSticky, uniform, counts, initial, changes);
    }

    #[test]
    fn prop_uniform_sequences(uniform in any::<bool>(), counts in proptest::collection::vec(0u32..7, 4), initial in proptest::collection::vec(proptest::collection::vec(any::<bool>(), 4), 1..6), changes in proptest::collection::vec(change_strategy(), 0..8)) {
        check_sequence(Strategy::Uniform, uniform, counts, initial, changes);
    }

    /// range and roundrobin: valid for any group; every strategy survives arbitrary owned data.
    #[test]
    fn prop_any_group_any_owned(counts in proptest::collection::vec(0u32..6, 3), subs in proptest::collection::vec((proptest::collection::vec(any::<bool>(), 3), proptest::option::of(-2i32..3), proptest::collection::vec((0usize..4, 0u32..8), 0..6)), 0..6)) {
        let names = ["a", "b", "c", "ghost"];
        let t: BTreeMap<String, u32> = names[..3].iter().map(|s| s.to_string()).zip(counts).collect();
        let ms: Vec<MemberSubscription> = subs.iter().enumerate().map(|(i, (mask, gen, owned))| MemberSubscription {
            member_id: format!("m{i}"),
            group_instance_id: if i % 2 == 0 { Some(format!("s{}", 9 - i)) } else { None },
            topics: names.iter().zip(mask.iter().chain(std::iter::once(&true))).filter(|(_, &b)| b).map(|(n, _)| n.to_string()).collect(),
            owned: owned.iter().map(|(t, p)| TopicPartition::new(names[*t], *p)).collect(),
            generation: *gen,
        }).collect();
        for s in ALL_CLASSIC.into_iter().chain([Strategy::Uniform, Strategy::ServerRange]) {
            let a = run(s, &t, &ms);
            verify_validity(&t, &ms, &a, s != Strategy::CooperativeSticky);
            if matches!(s, Strategy::Sticky | Strategy::Uniform) {
                verify_validity_and_balance(&t, &ms, &a);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Scale: AbstractStickyAssignorTest.testLargeAssignmentAndGroupWithUniformSubscription
// Run: cargo test --release --no-default-features --test assignors -- --ignored --nocapture

#[test]
#[ignore = "scale measurement; run in release with --ignored --nocapture"]
fn large_assignment_and_group_with_uniform_subscription() {
    use std::time::Instant;
    let (t, ms) = large_uniform_group(500, 2000, 2000);
    for s in [
        Strategy::Sticky,
        Strategy::CooperativeSticky,
        Strategy::Uniform,
        Strategy::Range,
        Strategy::RoundRobin,
    ] {
        let start = Instant::now();
        let a = assign(s, &t, &ms);
        let fresh = start.elapsed();
        assert!(is_fully_balanced(&a));
        let mut again = with_owned(&ms, &a, Some(1));
        again.remove(0);
        let start = Instant::now();
        let b = assign(s, &t, &again);
        let after_leave = start.elapsed();
        if matches!(s, Strategy::Sticky | Strategy::Uniform) {
            assert!(is_fully_balanced(&b));
        }
        println!(
            "{:<20} 1M partitions x 2000 members: fresh {:>8.1?}  after one leaves {:>8.1?}",
            s.name(),
            fresh,
            after_leave
        );
    }
    // the CLI path: JSON in, assign, JSON out
    let mut json = String::from("{\"topics\": {");
    for (i, (name, n)) in t.iter().enumerate() {
        json.push_str(&format!("{}\"{name}\": {n}", if i > 0 { ", " } else { "" }));
    }
    json.push_str("}, \"members\": [");
    let b = assign(Strategy::Sticky, &t, &ms);
    for (i, m) in with_owned(&ms, &b, Some(1)).iter().skip(1).enumerate() {
        let topics: Vec<String> = m.topics.iter().map(|t| format!("\"{t}\"")).collect();
        let owned: Vec<String> =
            m.owned.iter().map(|tp| format!("[\"{}\", {}]", tp.topic, tp.partition)).collect();
        json.push_str(&format!(
            "{}{{\"member_id\": \"{}\", \"topics\": [{}], \"owned\": [{}], \"generation\": 1}}",
            if i > 0 { ", " } else { "" },
            m.member_id,
            topics.join(", "),
            owned.join(", ")
        ));
    }
    json.push_str("]}");
    let start = Instant::now();
    let out = broker_playground::cli::assign::assign_json(Strategy::Sticky, &json).unwrap();
    println!(
        "cli assign --strategy sticky, after one leaves ({} MB in, {} MB out): {:.1?}",
        json.len() >> 20,
        out.len() >> 20,
        start.elapsed()
    );
}
