//! The consumer-group stories issue #4 names, each asserted in words (the full timelines are
//! snapshots in tests/timelines/; these say what must be true, so a reader need not diff).

use broker_playground::core::event::{Event, EventKind, LeaveReason, RebalanceReason};
use broker_playground::core::scenario::{built_in, Run};
use std::collections::BTreeMap;

fn run(id: &str, until: u64) -> (Run, Vec<Event>) {
    let mut run = Run::new(built_in(id).expect("built-in")).expect("loads");
    let events = run.advance(until);
    (run, events)
}

/// consumer name -> number of partitions it owns now (live, group-mode consumers of `group`).
fn owned(run: &Run, group: &str) -> BTreeMap<String, usize> {
    run.cluster
        .consumers()
        .iter()
        .filter(|(_, c)| c.is_alive() && c.group_id() == Some(group) && c.spec.is_group())
        .map(|(n, c)| (n.clone(), c.assignment.len()))
        .collect()
}

fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(n, k)| (n.to_string(), *k)).collect()
}

#[test]
fn three_members_on_six_partitions_then_one_crashes() {
    let (r, _) = run("rebalance-basics", 19_000);
    assert_eq!(owned(&r, "group-1"), counts(&[("c1", 2), ("c2", 2), ("c3", 2)]));
    let (r, events) = run("rebalance-basics", 40_000);
    // Nothing happens until session.timeout.ms (6 s at teaching speed) after the crash at 20 s.
    let removed = events
        .iter()
        .find(|e| matches!(&e.kind, EventKind::MemberRemoved { consumer, reason: LeaveReason::SessionTimeout, .. } if consumer == "c2"))
        .expect("c2 removed by session timeout");
    // Its last heartbeat was at most heartbeat.interval.ms (1 s) before the crash.
    assert!(removed.at >= 25_000 && removed.at <= 26_100, "removed at {}", removed.at);
    assert_eq!(owned(&r, "group-1"), counts(&[("c1", 3), ("c3", 3)]));
    let rows = r.cluster.describe_group("group-1");
    assert_eq!(rows.len(), 6);
    assert!(rows.iter().all(|row| matches!(row.consumer.as_deref(), Some("c1") | Some("c3"))));
}

#[test]
fn eager_stops_everyone_cooperative_keeps_unaffected_partitions_consuming() {
    let (r, events) = run("eager-vs-cooperative", 35_000);
    let after_join = |e: &&Event| e.at >= 15_000;
    // Eager: the members that owned partitions revoke all of them and are reported stopped.
    let eager_done = events
        .iter()
        .filter(after_join)
        .find_map(|e| match &e.kind {
            EventKind::RebalanceCompleted { group, stopped, .. } if group == "eager" => Some(stopped.clone()),
            _ => None,
        })
        .expect("eager rebalance completes");
    assert_eq!(eager_done, vec!["e1".to_string(), "e2".to_string()]);
    // Cooperative: nobody stops, only moving partitions are revoked, and a follow-up round
    // (started by a member that revoked) hands them to k3.
    let coop: Vec<&Event> = events.iter().filter(after_join).collect();
    assert!(coop.iter().all(|e| !matches!(&e.kind, EventKind::RebalanceCompleted { group, stopped, .. } if group == "coop" && !stopped.is_empty())));
    for e in &coop {
        if let EventKind::PartitionsRevoked { group, partitions, .. } = &e.kind {
            if group == "coop" {
                assert_eq!(partitions.len(), 1, "cooperative revokes only what moves: {partitions:?}");
            }
        }
    }
    assert!(coop.iter().any(|e| matches!(&e.kind, EventKind::RebalanceStarted { group, reason: RebalanceReason::CooperativeFollowUp { .. }, .. } if group == "coop")));
    assert_eq!(owned(&r, "coop"), counts(&[("k1", 2), ("k2", 2), ("k3", 2)]));
    assert_eq!(owned(&r, "eager"), counts(&[("e1", 2), ("e2", 2), ("e3", 2)]));
}

#[test]
fn adding_partitions_under_a_running_group_rebalances_it() {
    let (r, events) = run("add-partitions", 40_000);
    let added = events
        .iter()
        .find(|e| matches!(e.kind, EventKind::PartitionsAdded { from: 3, to: 6, .. }))
        .expect("added");
    let rebalance = events
        .iter()
        .find(|e| {
            e.at >= added.at
                && matches!(
                    &e.kind,
                    EventKind::RebalanceStarted { reason: RebalanceReason::PartitionsAdded { .. }, .. }
                )
        })
        .expect("the leader notices and rebalances");
    // The leader notices at its next metadata refresh (metadata.max.age.ms = 5 s here).
    assert!(rebalance.at - added.at <= 5_100, "noticed after {} ms", rebalance.at - added.at);
    assert_eq!(owned(&r, "group-1"), counts(&[("c1", 3), ("c2", 3)]));
}

#[test]
fn a_static_member_restarting_within_the_session_timeout_causes_no_rebalance() {
    let (_, events) = run("static-membership", 29_000);
    let between = |e: &&Event| e.at >= 15_000 && e.at < 29_000;
    assert!(events.iter().filter(between).all(|e| !matches!(e.kind, EventKind::RebalanceStarted { .. })));
    assert!(events
        .iter()
        .any(|e| matches!(&e.kind, EventKind::StaticMemberRejoined { consumer, .. } if consumer == "c2")));
    // c3 stays down: after its session timeout the group does rebalance.
    let (_, events) = run("static-membership", 45_000);
    assert!(events.iter().any(|e| e.at > 30_000 && matches!(e.kind, EventKind::RebalanceStarted { .. })));
}

#[test]
fn a_slow_consumer_is_kicked_by_max_poll_interval() {
    let (r, events) = run("slow-consumer", 75_000);
    assert!(events.iter().any(|e| matches!(&e.kind, EventKind::MemberRemoved { consumer, reason: LeaveReason::MaxPollIntervalExceeded, .. } if consumer == "c1")));
    // Its late commit fails, and records it was processing are read again.
    assert!(events
        .iter()
        .any(|e| matches!(&e.kind, EventKind::CommitFailed { consumer, .. } if consumer == "c1")));
    assert!(events
        .iter()
        .any(|e| matches!(&e.kind, EventKind::Fetched { redelivered, .. } if *redelivered > 0)));
    assert!(owned(&r, "group-1").values().sum::<usize>() == 3);
}

#[test]
fn a_crash_before_commit_redelivers_records() {
    let (_, events) = run("at-least-once", 35_000);
    let redelivered: u64 = events
        .iter()
        .filter(|e| e.at > 13_000)
        .map(|e| match &e.kind {
            EventKind::Fetched { consumer, redelivered, .. } if consumer == "c2" => *redelivered,
            _ => 0,
        })
        .sum();
    assert!(redelivered > 0, "c2 reads some of c1's uncommitted records again");
    // Commit-before-processing loses the rest of the batch instead.
    assert!(events.iter().any(|e| matches!(&e.kind, EventKind::ConsumerCrashed { consumer, unprocessed, committed_ahead: true } if consumer == "c3" && *unprocessed > 0)));
}

#[test]
fn more_members_than_partitions_leaves_one_idle_never_refused() {
    let (r, _) = run("more-consumers-than-partitions", 15_000);
    let o = owned(&r, "group-1");
    assert_eq!(o.len(), 4, "all four are members");
    assert_eq!(o.values().filter(|k| **k == 0).count(), 1, "exactly one idle: {o:?}");
    let (r, _) = run("more-consumers-than-partitions", 40_000);
    assert!(owned(&r, "group-1").values().all(|k| *k == 1), "after c1's crash the idle one works");
}

#[test]
fn kip_848_reconciles_without_a_global_barrier() {
    let (r, events) = run("kip-848", 45_000);
    assert!(events.iter().any(|e| matches!(e.kind, EventKind::GroupEpochBumped { .. })));
    assert!(
        events.iter().all(|e| !matches!(e.kind, EventKind::JoinCompleted { .. })),
        "no JoinGroup/SyncGroup rounds"
    );
    assert!(events
        .iter()
        .all(|e| !matches!(&e.kind, EventKind::RebalanceCompleted { stopped, .. } if !stopped.is_empty())));
    let o = owned(&r, "group-1");
    assert_eq!(o.values().sum::<usize>(), 6);
    assert!(o.values().all(|k| *k == 2), "{o:?}");
}

/// A crashed member (no LeaveGroup) still owns its partitions in the group's eyes until
/// session.timeout.ms removes it: `--describe` names it as CONSUMER-ID, nobody reads them and
/// their lag grows. Once removed it owns nothing (its card must not keep listing them).
#[test]
fn a_crashed_member_owns_its_partitions_until_the_session_timeout_removes_it() {
    // rebalance-basics crashes c2 at 20 s; the teaching session timeout is 6 s.
    let (r, _) = run("rebalance-basics", 21_000);
    assert!(r.cluster.crashed_but_still_member("c2"));
    let c2_rows: Vec<_> = r
        .cluster
        .describe_group("group-1")
        .into_iter()
        .filter(|row| row.consumer.as_deref() == Some("c2"))
        .collect();
    assert_eq!(c2_rows.len(), 2, "c2 still owns its two partitions in --describe right after the crash");
    let lag_at = |r: &Run| -> u64 {
        r.cluster
            .describe_group("group-1")
            .iter()
            .filter(|row| row.consumer.as_deref() == Some("c2"))
            .map(|row| row.lag.unwrap_or(0))
            .sum()
    };
    let (r2, _) = run("rebalance-basics", 24_500);
    assert!(r2.cluster.crashed_but_still_member("c2"));
    assert!(lag_at(&r2) > lag_at(&r), "nobody reads c2's partitions: their lag grows");
    let (r3, _) = run("rebalance-basics", 40_000);
    assert!(!r3.cluster.crashed_but_still_member("c2"));
    assert!(r3.cluster.consumers()["c2"].assignment.is_empty(), "removed: c2 owns nothing any more");
    assert!(r3.cluster.describe_group("group-1").iter().all(|row| row.consumer.as_deref() != Some("c2")));
}

/// KIP-848 groups are told in the consumer protocol's words: heartbeats and epochs, never
/// JoinGroup or generations.
#[test]
fn kip_848_is_narrated_with_heartbeats_and_epochs() {
    let (_, events) = run("kip-848", 45_000);
    let group_lines: Vec<String> =
        events.iter().filter(|e| e.subjects().contains(&"group-1")).map(|e| e.narrate()).collect();
    assert!(
        group_lines.iter().any(|l| l.contains("c4 joined with a ConsumerGroupHeartbeat")),
        "{group_lines:#?}"
    );
    assert!(group_lines.iter().any(|l| l.contains("target assignment for group epoch 4")));
    assert!(group_lines.iter().any(|l| l.contains("Stable at group epoch 4")));
    for l in &group_lines {
        assert!(!l.contains("JoinGroup") && !l.contains("SyncGroup") && !l.contains("generation"), "{l}");
    }
    // The classic protocol keeps its own words.
    let (_, classic) = run("rebalance-basics", 19_000);
    assert!(classic.iter().any(|e| e.narrate().contains("sent JoinGroup")));
    assert!(classic.iter().any(|e| e.narrate().contains("Stable at generation")));
}

/// A standalone consumer (assign()) committing under the group.id of a group with members is
/// refused with UNKNOWN_MEMBER_ID (generation -1 is accepted only while the group is Empty:
/// `ClassicGroup.validateOffsetCommit`); the detail says so. Switching it to Group mode ends
/// the situation, and the error with it.
#[test]
fn a_standalone_commit_into_a_live_group_is_refused_and_the_error_clears_in_group_mode() {
    use broker_playground::core::consumer::ConsumerMode;
    use broker_playground::core::group::assignor::TopicPartition;
    use broker_playground::core::{Command, ErrorCode};
    let (mut r, _) = run("rebalance-basics", 10_000);
    let tp = TopicPartition::new("orders", 0);
    r.apply(
        10_000,
        Command::SetConsumerMode {
            name: "c2".into(),
            mode: ConsumerMode::Standalone { partitions: vec![tp] },
        },
    )
    .unwrap();
    r.advance(17_000);
    let (code, detail) = r.cluster.consumers()["c2"].error.clone().expect("the auto-commit was refused");
    assert_eq!(code, ErrorCode::UnknownMemberId);
    assert!(detail.contains("generation -1") && detail.contains("no members"), "{detail}");
    r.apply(
        17_000,
        Command::SetConsumerMode {
            name: "c2".into(),
            mode: ConsumerMode::Group { topics: vec!["orders".into()] },
        },
    )
    .unwrap();
    assert_eq!(r.cluster.consumers()["c2"].error, None, "the mode switch ends the refusal");
    r.advance(19_900);
    assert_eq!(r.cluster.consumers()["c2"].error, None, "back in the group, its commits go through");
    assert!(!r.cluster.consumers()["c2"].assignment.is_empty());
}
