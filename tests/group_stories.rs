//! The consumer-group stories issue #4 names, each asserted in words (the full timelines are
//! snapshots in tests/timelines/; these say what must be true, so a reader need not diff).

use broker_playground::core::event::{Event, EventKind, LeaveReason, RebalanceReason};
use broker_playground::core::scenario::{built_in, Run};
use broker_playground::i18n::Narrate;
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
    use broker_playground::core::consumer::{Activity, ConsumerMode};
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
    // The UI explains the refusal in its own words; the core's detail only names the group,
    // so the explanation is not said twice.
    assert_eq!(detail, "commit to group group-1");
    // Its commits are refused, but it reads its partition: it consumes, with the error shown.
    let c2 = &r.cluster.consumers()["c2"];
    assert_ne!(c2.activity(17_000), Activity::Error, "a refused commit does not stop it reading");
    assert_eq!(c2.assignment, vec![TopicPartition::new("orders", 0)]);
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

/// Restarting a crashed consumer before its session timeout: the process is new, so it joins
/// as a NEW member (new member.id); the old member keeps its partitions in the coordinator's
/// view until session.timeout.ms removes it. `--describe` names it (as c2's old member), the
/// eager JoinGroup round waits for it, and only then are its partitions handed out.
#[test]
fn a_consumer_restarted_before_its_session_timeout_leaves_its_old_member_owning_until_then() {
    use broker_playground::core::Command;
    // rebalance-basics: c1, c2, c3 (classic, eager range) on six partitions; c2 crashes at 20 s.
    let (mut r, _) = run("rebalance-basics", 21_000);
    let old_id = r.cluster.groups()["group-1"].member_by_consumer("c2").unwrap().member_id.clone();
    r.apply(21_000, Command::RestartConsumer { name: "c2".into() }).unwrap();
    r.advance(22_500);
    let members = r.cluster.group_members("group-1");
    assert_eq!(members.len(), 4, "c1, c3, c2's old member and the restarted c2: {members:#?}");
    let old = members.iter().find(|m| m.old_member).expect("c2's old member is still listed");
    assert_eq!((old.consumer.as_str(), old.member_id.as_str()), ("c2", old_id.as_str()));
    assert!(old.crashed && old.holds_up, "the JoinGroup round waits for it: {old:?}");
    assert_eq!(old.owns.len(), 2);
    let new = members.iter().find(|m| m.consumer == "c2" && !m.old_member).expect("the new c2 joined");
    assert_ne!(new.member_id, old_id, "the restarted process is a new member");
    assert!(!new.crashed && !new.holds_up);
    let removed_at = old.removed_at.expect("removed at its session timeout");
    assert!((25_000..=27_100).contains(&removed_at), "removed at {removed_at}");
    assert_eq!(r.cluster.old_member_of("c2").map(|m| m.member_id), Some(old_id.clone()));
    // --describe: its two partitions are the old member's, not "-".
    let rows = r.cluster.describe_group("group-1");
    let olds: Vec<_> = rows.iter().filter(|row| row.old_member).collect();
    assert_eq!(olds.len(), 2, "{rows:#?}");
    assert!(olds.iter().all(|row| row.consumer.as_deref() == Some("c2")));
    // After the session timeout: the old member is gone and the round completes with the new
    // c2 owning partitions again.
    let events = r.advance(40_000);
    assert!(events.iter().any(|e| matches!(&e.kind,
        EventKind::MemberRemoved { consumer, member_id, reason: LeaveReason::SessionTimeout, .. }
            if consumer == "c2" && *member_id == old_id)));
    assert!(r.cluster.old_member_of("c2").is_none());
    assert!(r.cluster.group_members("group-1").iter().all(|m| !m.old_member && !m.crashed));
    assert_eq!(owned(&r, "group-1"), counts(&[("c1", 2), ("c2", 2), ("c3", 2)]));
    assert!(r.cluster.describe_group("group-1").iter().all(|row| !row.old_member && row.consumer.is_some()));
}

/// The same with KIP-848: the old member holds its partitions (the restarted c2's target
/// includes some of them, which it gets only once the old member is removed).
#[test]
fn kip_848_a_restarted_consumer_waits_for_its_old_member_to_be_removed() {
    use broker_playground::core::Command;
    // kip-848: c2 crashes at 30 s; group.consumer.session.timeout.ms is 6 s when teaching.
    let (mut r, _) = run("kip-848", 31_000);
    r.apply(31_000, Command::RestartConsumer { name: "c2".into() }).unwrap();
    r.advance(32_500);
    let old = r.cluster.old_member_of("c2").expect("the old member is kept");
    assert!(old.crashed && old.holds_up && !old.owns.is_empty(), "{old:?}");
    let rows = r.cluster.describe_group("group-1");
    assert_eq!(rows.iter().filter(|row| row.old_member).count(), old.owns.len(), "{rows:#?}");
    assert!(rows.iter().all(|row| row.consumer.is_some()), "no partition reads '-': {rows:#?}");
    r.advance(45_000);
    assert!(r.cluster.old_member_of("c2").is_none());
    assert!(!r.cluster.consumers()["c2"].assignment.is_empty(), "the new c2 got partitions");
}

/// With group.instance.id the restarted process takes the old member's place at once
/// (static membership, KIP-345): no old member is left behind.
#[test]
fn a_static_member_restarted_replaces_its_old_member_at_once() {
    // c2 crashes at 15 s and restarts at 18 s (group.instance.id instance-2).
    for at in [18_500, 29_000] {
        let (r, _) = run("static-membership", at);
        for c in ["c1", "c2", "c3"] {
            assert!(r.cluster.old_member_of(c).is_none(), "{c} at {at}");
        }
        let members = r.cluster.group_members("group-1");
        assert_eq!(members.len(), 3, "{members:#?}");
        assert!(members.iter().all(|m| !m.old_member && !m.crashed), "{members:#?}");
        let c2 = members.iter().find(|m| m.consumer == "c2").expect("c2");
        assert!(!c2.owns.is_empty(), "c2 has its partitions back at once");
    }
}

/// Two processes with one `group.instance.id`: the second takes the static member's place; the
/// first learns it from its next Heartbeat (FENCED_INSTANCE_ID), loses its partitions and closes
/// — as the Java client does. It is never told by the coordinator writing its state.
#[test]
fn a_second_instance_with_the_same_group_instance_id_fences_the_first_at_its_next_heartbeat() {
    use broker_playground::core::config::{ClusterConfig, ConsumerConfig};
    use broker_playground::core::consumer::{ConsumerSpec, ConsumerStatus};
    use broker_playground::core::{Cluster, Command, ErrorCode};
    let mut c = Cluster::new(ClusterConfig::teaching(), 7);
    c.apply(0, Command::create_topic("orders", 2)).unwrap();
    let spec = |name: &str| {
        let config = ConsumerConfig { group_instance_id: Some("app-1".into()), ..ConsumerConfig::default() };
        ConsumerSpec::group(name, "g", &["orders"], config)
    };
    c.apply(0, Command::AddConsumer { consumer: spec("first") }).unwrap();
    c.advance(5_000);
    assert_eq!(c.consumers()["first"].assignment.len(), 2);
    let mut events = c.apply(5_000, Command::AddConsumer { consumer: spec("second") }).unwrap();
    events.extend(c.advance(5_000));
    // Taken over at its first poll: the coordinator says so, but the first process still runs.
    assert!(events.iter().any(|e| matches!(&e.kind,
        EventKind::MemberRemoved { consumer, reason: LeaveReason::Fenced, .. } if consumer == "first")));
    assert_eq!(c.consumers()["first"].status, ConsumerStatus::Running);
    events.extend(c.advance(5_000 + 3_001)); // heartbeat.interval.ms: 3 s
    let fenced = events
        .iter()
        .find(|e| matches!(&e.kind, EventKind::ConsumerError { consumer, error: ErrorCode::FencedInstanceId, .. } if consumer == "first"))
        .expect("the first instance learns it is fenced");
    assert!(fenced.at > 5_000, "from its next heartbeat, not at the takeover");
    assert_eq!(c.consumers()["first"].status, ConsumerStatus::Closed);
    assert!(c.consumers()["first"].assignment.is_empty());
    assert_eq!(c.consumers()["second"].assignment.len(), 2, "the static member's partitions, no rebalance");
}
