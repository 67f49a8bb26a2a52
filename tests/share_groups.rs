//! Share groups (KIP-932) wired end to end: share consumers join with ShareGroupHeartbeat, read
//! with ShareFetch, acknowledge, and the broker's share-partitions keep each record's state.
//! The stories below are asserted in words; `share_timelines/*.txt` hold their timelines.
//! Regenerate after an intended change with `UPDATE_EXPECT=1 cargo test --test share_groups`.

use broker_playground::core::command::Command;
use broker_playground::core::error::ErrorCode;
use broker_playground::core::event::{Event, EventKind};
use broker_playground::core::scenario::{event_stream_hash, Run, Scenario};
use broker_playground::core::share_group::share_partition::{ArchiveReason, RecordState, ReturnCause};
use broker_playground::i18n::Narrate;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// One partition, three share consumers (c3 rejects the poison key `user-3`), a classic group
/// beside them on the same topic; c1 crashes at 10 s.
const WORKERS: &str = r#"{
  "version": 1,
  "id": "share-workers",
  "seed": 7,
  "topics": [{"name": "orders", "partitions": 1}],
  "producers": [{"name": "p1", "topic": "orders", "keys": {"mode": "set", "prefix": "user-", "count": 6}, "rate": 8}],
  "groups": [{"id": "workers", "type": "share",
              "config": {"share.auto.offset.reset": "earliest", "share.record.lock.duration.ms": 15000}}],
  "consumers": [
    {"name": "c1", "mode": {"share": {"topics": ["orders"]}},
     "config": {"group.id": "workers", "max.poll.records": 2, "playground.processing.ms.per.record": 400}},
    {"name": "c2", "mode": {"share": {"topics": ["orders"]}},
     "config": {"group.id": "workers", "max.poll.records": 2, "playground.processing.ms.per.record": 400}},
    {"name": "c3", "mode": {"share": {"topics": ["orders"]}},
     "config": {"group.id": "workers", "max.poll.records": 2, "playground.processing.ms.per.record": 400,
                "share.acknowledgement.mode": "explicit", "playground.share.reject.keys": "user-3"}},
    {"name": "g1", "mode": {"group": {"topics": ["orders"]}}, "config": {"group.id": "classic"}}
  ],
  "script": [{"at": "10s", "do": {"type": "crash_consumer", "name": "c1"}}],
  "duration": "40s"
}"#;

fn run(text: &str, until: u64) -> (Run, Vec<Event>) {
    let scenario = Scenario::from_json(text).expect("loads");
    let mut run = Run::new(scenario).expect("runs");
    let events = run.advance(until);
    (run, events)
}

fn is_traffic(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Produced { .. }
            | EventKind::Fetched { redelivered: 0, .. }
            | EventKind::Committed { .. }
            | EventKind::OffsetReset { .. }
            | EventKind::PositionRestored { .. }
            | EventKind::ShareAcquired { delivery_count: 1, .. }
            | EventKind::ShareAcknowledged { .. }
    )
}

fn timeline(text: &str, until: u64) -> String {
    let (run, events) = run(text, until);
    let mut out = String::new();
    for e in events.iter().filter(|e| !is_traffic(&e.kind)) {
        writeln!(out, "{}", e.line()).unwrap();
    }
    for (g, group) in run.cluster.brokers()[0].share().groups() {
        writeln!(out, "\n# share group {g}: {} members, epoch {}", group.members.len(), group.group_epoch)
            .unwrap();
        for (tp, sp) in run.cluster.brokers()[0].share().partitions_of(g) {
            writeln!(
                out,
                "{}-{} SPSO {} SPEO {} in flight {}",
                tp.topic,
                tp.partition,
                sp.start_offset(),
                sp.end_offset(),
                sp.in_flight_count()
            )
            .unwrap();
        }
    }
    writeln!(out, "\n# {} events in all; stream hash {:016x}", events.len(), event_stream_hash(&events))
        .unwrap();
    out
}

#[test]
fn share_workers_timeline() {
    expect_test::expect_file!["share_timelines/workers.txt"].assert_eq(&timeline(WORKERS, 40_000));
}

#[test]
fn more_workers_than_partitions_all_get_records_of_the_one_partition() {
    let (_, events) = run(WORKERS, 9_000);
    let readers: BTreeSet<&str> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ShareAcquired { consumer, .. } => Some(consumer.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(readers, BTreeSet::from(["c1", "c2", "c3"]), "three workers on one partition");
}

#[test]
fn a_record_is_acquired_by_one_member_at_a_time_and_acknowledged_once() {
    let (run, events) = run(WORKERS, 40_000);
    // offset -> (holder, delivery count); terminal offsets never come back.
    let mut held: BTreeMap<u64, (String, u16)> = BTreeMap::new();
    let mut done: BTreeSet<u64> = BTreeSet::new();
    for e in &events {
        match &e.kind {
            EventKind::ShareAcquired { consumer, first_offset, last_offset, delivery_count, .. } => {
                for o in *first_offset..=*last_offset {
                    assert!(!done.contains(&o), "offset {o} delivered again after it was done");
                    assert!(!held.contains_key(&o), "offset {o} acquired while {:?} holds it", held[&o]);
                    assert!(*delivery_count <= 5, "delivery count past the limit");
                    held.insert(o, (consumer.clone(), *delivery_count));
                }
            }
            EventKind::ShareAcknowledged { first_offset, last_offset, .. }
            | EventKind::ShareArchived { first_offset, last_offset, .. } => {
                for o in *first_offset..=*last_offset {
                    held.remove(&o);
                    assert!(done.insert(o), "offset {o} finished twice");
                }
            }
            EventKind::ShareReleased { first_offset, last_offset, .. } => {
                for o in *first_offset..=*last_offset {
                    held.remove(&o);
                }
            }
            _ => {}
        }
    }
    // Every offset below the SPSO was acknowledged or archived: none silently skipped.
    let share = run.cluster.brokers()[0].share();
    let (_, sp) = share.partitions_of("workers").next().expect("a share-partition");
    for o in 0..sp.start_offset() {
        assert!(done.contains(&o), "offset {o} is below the SPSO but was never finished");
    }
    for (o, r) in sp.records() {
        assert_eq!(r.state == RecordState::Acquired, held.contains_key(&o), "offset {o}");
    }
}

#[test]
fn a_crashed_workers_records_come_back_when_their_locks_expire_and_go_to_others() {
    let (_, events) = run(WORKERS, 40_000);
    let expired: Vec<(u64, u64, u64)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ShareReleased {
                consumer,
                first_offset,
                last_offset,
                cause: ReturnCause::LockExpired,
                ..
            } if consumer == "c1" => Some((e.at, *first_offset, *last_offset)),
            _ => None,
        })
        .collect();
    assert!(!expired.is_empty(), "c1 crashed holding records; their locks expire");
    let (at, first, _) = expired[0];
    assert!((15_000..=25_000).contains(&at), "15 s after an acquisition before the crash, at {at}");
    let again = events.iter().find_map(|e| match &e.kind {
        EventKind::ShareAcquired { consumer, first_offset, last_offset, delivery_count, .. }
            if e.at >= at && (*first_offset..=*last_offset).contains(&first) =>
        {
            Some((consumer.clone(), *delivery_count))
        }
        _ => None,
    });
    let (who, count) = again.expect("redelivered");
    assert_ne!(who, "c1");
    assert_eq!(count, 2);
    // Its session ends 45 s after its last heartbeat; the run ends before.
    assert!(!events
        .iter()
        .any(|e| matches!(&e.kind, EventKind::ShareMemberLeft { consumer, .. } if consumer == "c1")));
}

#[test]
fn the_poison_key_is_rejected_and_archived_by_the_worker_whose_rule_says_so() {
    let (_, events) = run(WORKERS, 40_000);
    let rejected = events.iter().any(|e| {
        matches!(&e.kind, EventKind::ShareArchived { consumer: Some(c), reason: ArchiveReason::Rejected, .. } if c == "c3")
    });
    assert!(rejected, "c3 rejects user-3 keys");
}

#[test]
fn a_classic_group_beside_the_share_group_reads_every_record_itself() {
    let (run, _) = run(WORKERS, 40_000);
    let rows = run.cluster.describe_group("classic");
    assert_eq!(rows.len(), 1);
    assert!(rows[0].current_offset.is_some());
    assert!(run.cluster.groups().get("workers").is_none(), "the share group is not a consumer group");
}

#[test]
fn a_slow_worker_loses_its_lock_and_its_acknowledgement_is_refused() {
    let slow = r#"{
      "version": 1, "seed": 3,
      "topics": [{"name": "orders", "partitions": 1}],
      "producers": [{"name": "p1", "topic": "orders", "rate": 1}],
      "groups": [{"id": "workers", "type": "share", "config": {"share.auto.offset.reset": "earliest", "share.record.lock.duration.ms": 15000}}],
      "consumers": [
        {"name": "slow", "mode": {"share": {"topics": ["orders"]}},
         "config": {"group.id": "workers", "max.poll.records": 1, "playground.processing.ms.per.record": 20000}}
      ],
      "script": [{"at": "5s", "do": {"type": "add_consumer", "consumer": {"name": "fast", "mode": {"share": {"topics": ["orders"]}}, "config": {"group.id": "workers", "max.poll.records": 1, "playground.processing.ms.per.record": 8000}}}}],
      "duration": "30s"
    }"#;
    let (_, events) = run(slow, 30_000);
    let failed = events.iter().find(|e| {
        matches!(&e.kind, EventKind::ShareAcknowledgeFailed { consumer, error: ErrorCode::InvalidRecordState, .. } if consumer == "slow")
    });
    assert!(failed.is_some(), "slow's ACCEPT arrives after its lock ran out");
    // The record went back to AVAILABLE at 15 s and is delivered again, a second time.
    assert!(events.iter().any(|e| matches!(&e.kind,
        EventKind::ShareAcquired { first_offset: 0, delivery_count: 2, .. } if e.at >= 15_000)));
}

#[test]
fn a_leaving_worker_releases_what_it_holds_at_once() {
    let mut scenario = Scenario::from_json(WORKERS).expect("loads");
    scenario.script.clear();
    let mut run = Run::new(scenario).expect("runs");
    run.advance(5_050);
    let member = run.cluster.consumers()["c2"].share.as_ref().expect("a share consumer").member_id.clone();
    let events = run.apply(run.cluster.now(), Command::LeaveGroup { name: "c2".into() }).expect("close()");
    assert!(events
        .iter()
        .any(|e| matches!(&e.kind, EventKind::ShareMemberLeft { consumer, .. } if consumer == "c2")));
    let share = run.cluster.brokers()[0].share();
    assert!(share.groups()["workers"].members.values().all(|m| m.client_id != "c2"));
    let (_, sp) = share.partitions_of("workers").next().unwrap();
    assert!(
        sp.records().all(|(_, r)| r.member.as_deref() != Some(member.as_str())),
        "nothing still held by c2"
    );
}

#[test]
fn bad_share_input_is_refused_whole_with_kafkas_words() {
    let bad_limit =
        WORKERS.replace(r#""share.record.lock.duration.ms": 15000"#, r#""share.delivery.count.limit": 0"#);
    let e = Scenario::from_json(&bad_limit).unwrap_err().to_string();
    assert!(e.starts_with("groups"), "{e}");
    assert!(e.contains("share.delivery.count.limit must be greater than or equal to group.share.min.delivery.count.limit"), "{e}");
    let short_lock = WORKERS.replace("15000", "500");
    let e = Scenario::from_json(&short_lock).unwrap_err().to_string();
    assert!(e.contains("share.record.lock.duration.ms must be greater than or equal to group.share.min.record.lock.duration.ms"), "{e}");
    let implicit_rule = WORKERS.replace(r#""share.acknowledgement.mode": "explicit", "#, "");
    let e = Scenario::from_json(&implicit_rule).unwrap_err().to_string();
    assert!(e.contains("set share.acknowledgement.mode=explicit"), "{e}");
    // A share consumer on a consumer group's id: GROUP_ID_NOT_FOUND, as Kafka answers.
    let mut scenario = Scenario::from_json(WORKERS).expect("loads");
    scenario.script.clear();
    let mut run = Run::new(scenario).expect("runs");
    run.advance(2_000);
    let mut c = run.cluster.consumers()["c1"].spec.clone();
    c.name = "intruder".into();
    c.config.group_id = Some("classic".into());
    run.apply(run.cluster.now(), Command::AddConsumer { consumer: c }).expect("added");
    let events = run.advance(3_000);
    assert!(events.iter().any(|e| matches!(&e.kind,
        EventKind::ConsumerError { consumer, error: ErrorCode::GroupIdNotFound, detail } if consumer == "intruder" && detail == "Group classic is not a share group.")));
    // Seeking a share consumer is refused and changes nothing.
    let before = run.cluster.consumers()["c2"].assignment.clone();
    let seek = Command::Seek {
        consumer: "c2".into(),
        topic: "orders".into(),
        partition: 0,
        to: broker_playground::core::command::SeekTo::Beginning,
    };
    assert!(run.apply(run.cluster.now(), seek).is_err());
    assert_eq!(run.cluster.consumers()["c2"].assignment, before);
}

#[test]
fn offsets_are_reset_by_command_only_while_the_group_is_empty() {
    let mut scenario = Scenario::from_json(WORKERS).expect("loads");
    scenario.script.clear();
    let mut run = Run::new(scenario).expect("runs");
    run.advance(3_000);
    let reset = |to| Command::ResetShareGroupOffsets {
        group: "workers".into(),
        topic: Some("orders".into()),
        partitions: vec![],
        to,
    };
    use broker_playground::core::share_group::share_partition::ResetTarget;
    let e = run.apply(run.cluster.now(), reset(ResetTarget::Latest)).unwrap_err();
    assert_eq!(e.code(), Some(ErrorCode::NonEmptyGroup));
    for c in ["c1", "c2", "c3"] {
        run.apply(run.cluster.now(), Command::LeaveGroup { name: c.into() }).expect("close");
    }
    run.apply(run.cluster.now(), reset(ResetTarget::Latest)).expect("empty now");
    let share = run.cluster.brokers()[0].share();
    let (_, sp) = share.partitions_of("workers").next().unwrap();
    let end = run.cluster.topics()["orders"].partition(0).unwrap().log_end();
    assert_eq!(sp.start_offset(), end);
}
