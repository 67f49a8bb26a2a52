//! Share groups (KIP-932) wired end to end: share consumers join with ShareGroupHeartbeat, read
//! with ShareFetch, acknowledge, and the broker's share-partitions keep each record's state.
//! The stories below are asserted in words; `share_timelines/*.txt` hold their timelines.
//! Regenerate after an intended change with `UPDATE_EXPECT=1 cargo test --test share_groups`.

use broker_playground::core::command::Command;
use broker_playground::core::error::ErrorCode;
use broker_playground::core::event::{Event, EventKind};
use broker_playground::core::ids::BrokerId;
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

/// What the events say about each record, checked as they come: the issue's invariants.
#[derive(Default)]
struct Ledger {
    /// (group, topic, partition, offset) → (holder, delivery count) while acquired.
    held: BTreeMap<(String, String, u32, u64), (String, u16)>,
    /// Acknowledged or archived: never delivered again.
    done: BTreeSet<(String, String, u32, u64)>,
    /// Highest SPSO seen per share-partition.
    spso: BTreeMap<(String, String, u32), u64>,
}

impl Ledger {
    fn see(&mut self, e: &Event, limit: u16) -> Result<(), String> {
        match &e.kind {
            EventKind::ShareAcquired {
                group,
                consumer,
                topic,
                partition,
                first_offset,
                last_offset,
                delivery_count,
                ..
            } => {
                for o in *first_offset..=*last_offset {
                    let k = (group.clone(), topic.clone(), *partition, o);
                    if self.done.contains(&k) {
                        return Err(format!("{k:?} delivered again after it was done"));
                    }
                    if let Some(h) = self.held.get(&k) {
                        return Err(format!("{k:?} acquired by {consumer} while {h:?} holds it"));
                    }
                    if *delivery_count > limit {
                        return Err(format!("{k:?} delivery {delivery_count} past the limit {limit}"));
                    }
                    self.held.insert(k, (consumer.clone(), *delivery_count));
                }
            }
            EventKind::ShareAcknowledged { group, topic, partition, first_offset, last_offset, .. }
            | EventKind::ShareArchived { group, topic, partition, first_offset, last_offset, .. } => {
                for o in *first_offset..=*last_offset {
                    let k = (group.clone(), topic.clone(), *partition, o);
                    self.held.remove(&k);
                    if !self.done.insert(k.clone()) {
                        return Err(format!("{k:?} finished twice"));
                    }
                }
            }
            EventKind::ShareReleased { group, topic, partition, first_offset, last_offset, .. } => {
                for o in *first_offset..=*last_offset {
                    self.held.remove(&(group.clone(), topic.clone(), *partition, o));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The share-partitions' state agrees with the events; the SPSO never moves back; every
    /// record below it was finished or is behind the log start.
    fn check_state(&mut self, run: &Run) -> Result<(), String> {
        let share = run.cluster.brokers()[0].share();
        for g in share.groups().keys() {
            for (tp, sp) in share.partitions_of(g) {
                let key = (g.clone(), tp.topic.to_string(), tp.partition);
                let start = sp.start_offset();
                let last = self.spso.insert(key.clone(), start).unwrap_or(0);
                if start < last {
                    return Err(format!("{key:?}: SPSO went back from {last} to {start}"));
                }
                let log_start =
                    run.cluster.topics()[&*tp.topic].partition(tp.partition).map_or(0, |l| l.log_start());
                for o in log_start.min(start)..start {
                    let k = (key.0.clone(), key.1.clone(), key.2, o);
                    if o >= log_start && !self.done.contains(&k) {
                        return Err(format!("{k:?} is below the SPSO {start} but was never finished"));
                    }
                }
                for (o, r) in sp.records() {
                    let k = (key.0.clone(), key.1.clone(), key.2, o);
                    if (r.state == RecordState::Acquired) != self.held.contains_key(&k) {
                        return Err(format!(
                            "{k:?}: state {:?} but the events say {:?}",
                            r.state,
                            self.held.get(&k)
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

mod random_driver {
    use super::*;
    use broker_playground::core::consumer::ConsumerSpec;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Op {
        Wait(u16),
        Add {
            worker: u8,
            explicit: bool,
            reject: bool,
            rate_pct: u8,
            ms: u16,
            max: u8,
        },
        Crash(u8),
        Restart(u8),
        Leave(u8),
        Remove(u8),
        Commit(u8),
        Rate(u8),
        /// Stop (controlled shutdown), crash or start broker 1..=3: leadership moves, and the
        /// share-partitions with it.
        Broker(u8, u8),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (1u16..8000).prop_map(Op::Wait),
            2 => (0u8..5, any::<bool>(), any::<bool>(), 0u8..60, 0u16..3000, 1u8..6)
                .prop_map(|(worker, explicit, reject, rate_pct, ms, max)| Op::Add { worker, explicit, reject, rate_pct, ms, max }),
            1 => (0u8..5).prop_map(Op::Crash),
            1 => (0u8..5).prop_map(Op::Restart),
            1 => (0u8..5).prop_map(Op::Leave),
            1 => (0u8..5).prop_map(Op::Remove),
            1 => (0u8..5).prop_map(Op::Commit),
            1 => (0u8..20).prop_map(Op::Rate),
            1 => (1u8..4, 0u8..3).prop_map(|(b, what)| Op::Broker(b, what)),
        ]
    }

    fn scenario(limit: u16, partitions: u8, brokers: u8) -> String {
        let ids: Vec<String> = (1..=brokers).map(|b| format!(r#"{{"id": {b}}}"#)).collect();
        let rf = brokers.min(2);
        format!(
            r#"{{"version": 1, "seed": 5, "brokers": [{}],
              "topics": [{{"name": "orders", "partitions": {partitions}, "replication_factor": {rf}, "retention": {{"ms": 20000, "bytes": null}}}}],
              "producers": [{{"name": "p1", "topic": "orders", "keys": {{"mode": "set", "prefix": "k", "count": 5}}, "rate": 5}}],
              "groups": [{{"id": "workers", "type": "share", "config": {{"share.auto.offset.reset": "earliest",
                 "share.record.lock.duration.ms": 15000, "share.delivery.count.limit": {limit}}}}}]}}"#,
            ids.join(", ")
        )
    }

    fn apply(run: &mut Run, op: &Op) -> Vec<Event> {
        let now = run.cluster.now();
        let name = |w: &u8| format!("w{w}");
        let cmd = match op {
            Op::Wait(ms) => return run.advance(now + u64::from(*ms)),
            Op::Add { worker, explicit, reject, rate_pct, ms, max } => {
                let mut spec: ConsumerSpec = serde_json::from_value(serde_json::json!({
                    "name": name(worker), "mode": {"share": {"topics": ["orders"]}},
                    "config": {"group.id": "workers"}
                }))
                .unwrap();
                spec.config.max_poll_records = u32::from(*max);
                spec.config.processing_ms_per_record = f64::from(*ms);
                if *explicit {
                    spec.config.share_acknowledgement_mode =
                        broker_playground::core::share_group::ShareAcknowledgementMode::Explicit;
                    spec.config.share_reject_keys = reject.then(|| "k3".to_string());
                    spec.config.share_failure_rate = f64::from(*rate_pct) / 100.0;
                }
                Command::AddConsumer { consumer: spec }
            }
            Op::Crash(w) => Command::CrashConsumer { name: name(w) },
            Op::Restart(w) => Command::RestartConsumer { name: name(w) },
            Op::Leave(w) => Command::LeaveGroup { name: name(w) },
            Op::Remove(w) => Command::RemoveConsumer { name: name(w) },
            Op::Commit(w) => Command::CommitSync { consumer: name(w) },
            Op::Broker(b, what) => {
                let broker = BrokerId(i32::from(*b));
                match what {
                    0 => Command::StopBroker { broker },
                    1 => Command::CrashBroker { broker },
                    _ => Command::StartBroker { broker },
                }
            }
            Op::Rate(r) => {
                let mut p = run.cluster.producers()["p1"].spec.clone();
                p.rate = f64::from(*r);
                Command::UpdateProducer { producer: p }
            }
        };
        // A refused command leaves the events of catching up queued: take them.
        run.apply(now, cmd).unwrap_or_else(|_| run.advance(now))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// The issue's invariants over random share workers: a record is acquired by at most
        /// one member at a time; its delivery count never passes the limit; an acknowledged or
        /// archived record is never delivered again; the SPSO never moves back; every record
        /// below it was acknowledged or archived (or retention removed it).
        #[test]
        fn share_group_invariants_hold_under_random_workers(
            limit in 2u16..6,
            partitions in 1u8..4,
            brokers in 1u8..4,
            ops in prop::collection::vec(op(), 1..60),
        ) {
            let mut run = Run::new(Scenario::from_json(&scenario(limit, partitions, brokers)).unwrap()).unwrap();
            let mut ledger = Ledger::default();
            for op in &ops {
                for e in apply(&mut run, op) {
                    ledger.see(&e, limit).map_err(|m| TestCaseError::fail(format!("after {op:?}: {m}")))?;
                }
                ledger.check_state(&run).map_err(|m| TestCaseError::fail(format!("after {op:?}: {m}")))?;
            }
        }
    }
}

/// KafkaApis' checks: ShareGroupHeartbeat and ShareFetch need READ on the group; ShareFetch needs
/// READ on each topic. A worker without rights acquires nothing; granted the consumer role, it
/// joins and reads at its next heartbeat.
#[test]
fn share_requests_need_read_on_the_group_and_the_topic() {
    let text = r#"{
      "version": 1, "seed": 4,
      "authorization": {"config": {"enabled": true}, "users": ["alice", "bob"],
                        "roles": [{"user": "alice", "role": "producer", "pattern": "orders"}]},
      "topics": [{"name": "orders", "partitions": 1}],
      "producers": [{"name": "p1", "user": "alice", "topic": "orders", "rate": 2}],
      "consumers": [{"name": "w", "user": "bob", "mode": {"share": {"topics": ["orders"]}}, "config": {"group.id": "workers"}}],
      "script": [{"at": "10s", "do": {"type": "grant_role", "user": "bob", "role": "consumer", "pattern": "*"}}]
    }"#;
    let (_, events) = run(text, 20_000);
    let first_error = events.iter().find_map(|e| match &e.kind {
        EventKind::ConsumerError { consumer, error, .. } if consumer == "w" => Some(*error),
        _ => None,
    });
    assert_eq!(first_error, Some(ErrorCode::GroupAuthorizationFailed));
    let acquired_at: Vec<u64> = events
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::ShareAcquired { consumer, .. } if consumer == "w"))
        .map(|e| e.at)
        .collect();
    assert!(!acquired_at.is_empty(), "granted, w reads");
    assert!(acquired_at.iter().all(|&t| t >= 10_000), "nothing before the grant");
}

/// The built-in share lessons do what their "What to watch for" says.
mod lessons {
    use super::*;
    use broker_playground::core::scenario::built_in;

    fn lesson(id: &str) -> (Run, Vec<Event>) {
        let scenario = built_in(id).expect("built-in");
        let until = scenario.duration.map_or(60_000, |d| d.0);
        let mut run = Run::new(scenario).expect("runs");
        let events = run.advance(until);
        (run, events)
    }

    fn acquired_by(events: &[Event], after: u64) -> BTreeMap<String, u64> {
        let mut n = BTreeMap::new();
        for e in events.iter().filter(|e| e.at >= after) {
            if let EventKind::ShareAcquired { consumer, first_offset, last_offset, .. } = &e.kind {
                *n.entry(consumer.clone()).or_default() += last_offset - first_offset + 1;
            }
        }
        n
    }

    /// `SimpleAssignor` (group-coordinator `modern/share/`): more members than partitions, each
    /// partition goes to several members, and every one of them acquires records.
    #[test]
    fn five_workers_on_two_partitions_all_get_work_and_a_sixth_joins_without_a_stop() {
        let (_, events) = lesson("share-more-workers");
        let all = acquired_by(&events, 0);
        let names: Vec<&str> = all.keys().map(String::as_str).collect();
        assert_eq!(names, ["w1", "w2", "w3", "w4", "w5", "w6"]);
        assert!(acquired_by(&events, 15_000).len() == 6, "after w6 joins, all six still get records");
        assert!(
            !events.iter().any(|e| matches!(e.kind, EventKind::ShareReleased { .. })),
            "nobody gives back"
        );
    }

    /// `SharePartition.acquisitionLockTimeoutTask`: the lock runs out, the record is available to
    /// any member; the late acknowledgement is INVALID_RECORD_STATE (`SharePartition.acknowledge`).
    #[test]
    fn a_slow_workers_lock_expires_w2_gets_the_record_and_w1s_ack_is_refused() {
        let (_, events) = lesson("share-slow-worker");
        let expired = events.iter().find(|e| {
            matches!(&e.kind, EventKind::ShareReleased { consumer, cause: ReturnCause::LockExpired, .. } if consumer == "w1")
        });
        let expired = expired.expect("w1's lock runs out");
        assert_eq!(expired.at, 15_000);
        assert!(events.iter().any(|e| matches!(&e.kind,
            EventKind::ShareAcquired { consumer, first_offset: 0, delivery_count: 2, .. } if consumer == "w2")));
        assert!(events.iter().any(|e| e.at == 20_000 && matches!(&e.kind,
            EventKind::ShareAcknowledgeFailed { consumer, error: ErrorCode::InvalidRecordState, .. } if consumer == "w1")));
    }

    /// `SharePartition`: REJECT archives at once; a RELEASE at the last allowed delivery
    /// (`group.share.delivery.count.limit`) archives too.
    #[test]
    fn the_poison_record_is_rejected_in_strict_and_archived_after_three_deliveries_in_retry() {
        let (run, events) = lesson("share-poison");
        let archived: Vec<(&str, &ArchiveReason)> = events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::ShareArchived { group, reason, .. } => Some((group.as_str(), reason)),
                _ => None,
            })
            .collect();
        assert_eq!(
            archived,
            [
                ("strict", &ArchiveReason::Rejected),
                ("retry", &ArchiveReason::DeliveryCountLimit(ReturnCause::Released))
            ]
        );
        let retry_deliveries = events
            .iter()
            .filter(|e| matches!(&e.kind, EventKind::ShareAcquired { group, first_offset, last_offset, .. } if group == "retry" && (*first_offset..=*last_offset).contains(&20)))
            .count();
        assert_eq!(retry_deliveries, 3);
        let share = run.cluster.brokers()[0].share();
        for g in ["strict", "retry"] {
            let (_, sp) = share.partitions_of(g).next().expect("read");
            assert!(sp.start_offset() > 20, "{g}: the SPSO moved past the poison record");
        }
    }

    /// A crashed member sends nothing: its acquired records come back at lock expiry
    /// (`SharePartition`), before its session times out (`GroupMetadataManager`).
    #[test]
    fn a_crashed_workers_records_return_at_lock_expiry_and_it_leaves_at_session_timeout() {
        let (_, events) = lesson("share-crash");
        let crash = events
            .iter()
            .find_map(|e| match &e.kind {
                EventKind::ShareConsumerCrashed { consumer, holding, .. } if consumer == "w1" => {
                    Some(*holding)
                }
                _ => None,
            })
            .expect("crash event");
        let redelivered: u64 = events
            .iter()
            .filter(|e| e.at > 10_000)
            .filter_map(|e| match &e.kind {
                EventKind::ShareAcquired {
                    consumer, first_offset, last_offset, delivery_count: 2, ..
                } => {
                    assert_ne!(consumer, "w1");
                    Some(last_offset - first_offset + 1)
                }
                _ => None,
            })
            .sum();
        assert_eq!(redelivered, crash, "each record w1 held comes back once, to another worker");
        let left = events
            .iter()
            .find(|e| matches!(&e.kind, EventKind::ShareMemberLeft { consumer, .. } if consumer == "w1"));
        assert_eq!(left.map(|e| e.at), Some(55_000));
    }

    /// The classic group keeps each partition with one owner, in offset order; the share group
    /// hands one partition's records to several workers.
    #[test]
    fn the_classic_group_keeps_partition_order_and_the_share_group_spreads_it() {
        let (_, events) = lesson("share-groups");
        let mut classic_readers: BTreeMap<u32, BTreeSet<String>> = BTreeMap::new();
        let mut next: BTreeMap<u32, u64> = BTreeMap::new();
        let mut share_readers: BTreeMap<u32, BTreeSet<String>> = BTreeMap::new();
        for e in &events {
            match &e.kind {
                EventKind::Fetched { consumer, partition, from, count, .. } if consumer.starts_with('c') => {
                    classic_readers.entry(*partition).or_default().insert(consumer.clone());
                    let n = next.entry(*partition).or_insert(*from);
                    assert_eq!(*from, *n, "classic reads partition {partition} in order");
                    *n = from + count;
                }
                EventKind::ShareAcquired { consumer, partition, .. } => {
                    share_readers.entry(*partition).or_default().insert(consumer.clone());
                }
                _ => {}
            }
        }
        assert!(classic_readers.values().all(|r| r.len() == 1), "{classic_readers:?}");
        assert!(share_readers.values().all(|r| r.len() >= 2), "{share_readers:?}");
    }
}

/// `GroupMetadataManager.classicGroupJoin`: a JoinGroup for a share group's id is answered
/// INCONSISTENT_GROUP_PROTOCOL with an empty member id; no classic group is made and the share
/// group carries on.
#[test]
fn a_classic_consumer_joining_a_share_group_id_is_refused_and_creates_nothing() {
    let mut scenario = Scenario::from_json(WORKERS).expect("loads");
    scenario.script.clear();
    let mut run = Run::new(scenario).expect("runs");
    run.advance(2_000);
    let mut c = run.cluster.consumers()["g1"].spec.clone();
    c.name = "intruder".into();
    c.config.group_id = Some("workers".into());
    run.apply(run.cluster.now(), Command::AddConsumer { consumer: c }).expect("added");
    let events = run.advance(6_000);
    assert!(events.iter().any(|e| matches!(&e.kind,
        EventKind::ConsumerError { consumer, error: ErrorCode::InconsistentGroupProtocol, .. } if consumer == "intruder")));
    assert!(!run.cluster.groups().contains_key("workers"), "no classic group of that id");
    assert!(run.cluster.consumers()["intruder"].assignment.is_empty());
    assert_eq!(run.cluster.brokers()[0].share().groups()["workers"].members.len(), 3);
    assert!(events.iter().any(|e| e.at > 2_000 && matches!(&e.kind, EventKind::ShareAcquired { .. })));
}

/// A share consumer has no `assign()` (`KafkaShareConsumer` offers only `subscribe`): a share mode
/// naming partitions is refused with the field's path, and nothing loads.
#[test]
fn a_share_consumer_given_partitions_is_refused_naming_the_field() {
    let bad = WORKERS.replacen(
        r#""mode": {"share": {"topics": ["orders"]}}"#,
        r#""mode": {"share": {"topics": ["orders"], "partitions": [{"topic": "orders", "partition": 0}]}}"#,
        1,
    );
    let e = Scenario::from_json(&bad).unwrap_err().to_string();
    assert!(e.starts_with("consumers[0].mode"), "{e}");
    assert!(e.contains("partitions"), "{e}");
}

/// `GroupConfig.validateValues` with `ShareGroupConfig`'s bounds (Kafka 4.2): a group's
/// `share.delivery.count.limit` within group.share.min/max.delivery.count.limit (2..=10), its
/// `share.record.lock.duration.ms` within group.share.min/max.record.lock.duration.ms
/// (15000..=60000). Out of bounds is INVALID_CONFIG with Kafka's words, and the group's settings
/// and its share-partitions stay as they were.
#[test]
fn group_share_configs_out_of_kafkas_bounds_change_nothing() {
    use broker_playground::core::share_group::ShareGroupSettings;
    let mut scenario = Scenario::from_json(WORKERS).expect("loads");
    scenario.script.clear();
    let mut run = Run::new(scenario).expect("runs");
    run.advance(2_000);
    let before = run.cluster.brokers()[0].share().groups()["workers"].settings;
    let cases = [
        (ShareGroupSettings { delivery_count_limit: Some(0), ..before }, "share.delivery.count.limit must be greater than or equal to group.share.min.delivery.count.limit"),
        (ShareGroupSettings { delivery_count_limit: Some(1), ..before }, "greater than or equal to group.share.min.delivery.count.limit"),
        (ShareGroupSettings { delivery_count_limit: Some(11), ..before }, "share.delivery.count.limit must be less than or equal to group.share.max.delivery.count.limit"),
        (ShareGroupSettings { record_lock_duration_ms: Some(14_999), ..before }, "share.record.lock.duration.ms must be greater than or equal to group.share.min.record.lock.duration.ms"),
        (ShareGroupSettings { record_lock_duration_ms: Some(60_001), ..before }, "share.record.lock.duration.ms must be less than or equal to group.share.max.record.lock.duration.ms"),
    ];
    for (config, words) in cases {
        let e = run
            .apply(run.cluster.now(), Command::SetShareGroupConfig { group: "workers".into(), config })
            .unwrap_err();
        assert_eq!(e.code(), Some(ErrorCode::InvalidConfig), "{e}");
        assert!(e.to_string().contains(words), "{e}");
        assert_eq!(run.cluster.brokers()[0].share().groups()["workers"].settings, before);
    }
    for ok in [
        ShareGroupSettings { delivery_count_limit: Some(2), ..before },
        ShareGroupSettings {
            delivery_count_limit: Some(10),
            record_lock_duration_ms: Some(60_000),
            ..before
        },
    ] {
        run.apply(run.cluster.now(), Command::SetShareGroupConfig { group: "workers".into(), config: ok })
            .expect("within bounds");
    }
}

/// Share-partitions live on their partition's leader (`SharePartitionManager` on the leader,
/// `SharePartition.maybeInitialize` on a new one); the share coordinator is FindCoordinator's
/// answer for the group, as for consumer groups.
mod on_the_leader {
    use super::*;

    const THREE_BROKERS: &str = r#"{
      "version": 1, "seed": 9,
      "brokers": [{"id": 1}, {"id": 2}, {"id": 3}],
      "topics": [{"name": "orders", "partitions": 3, "replication_factor": 2}],
      "producers": [{"name": "p1", "topic": "orders", "keys": {"mode": "set", "prefix": "k", "count": 9}, "rate": 9, "config": {"acks": "all"}}],
      "groups": [{"id": "workers", "type": "share",
                  "config": {"share.auto.offset.reset": "earliest", "share.record.lock.duration.ms": 15000}}],
      "consumers": [
        {"name": "w1", "mode": {"share": {"topics": ["orders"]}},
         "config": {"group.id": "workers", "max.poll.records": 3, "playground.processing.ms.per.record": 2000}},
        {"name": "w2", "mode": {"share": {"topics": ["orders"]}},
         "config": {"group.id": "workers", "max.poll.records": 3, "playground.processing.ms.per.record": 2000}}
      ]
    }"#;

    fn leader(run: &Run, p: u32) -> i32 {
        run.cluster.replication().partition("orders", p).and_then(|r| r.leader()).expect("leader").0
    }

    #[test]
    fn each_share_partition_is_on_its_leader_and_moves_with_leadership() {
        let mut run = Run::new(Scenario::from_json(THREE_BROKERS).unwrap()).unwrap();
        run.advance(5_000);
        let broker = &run.cluster.brokers()[0];
        let hosts: Vec<i32> = (0..3)
            .map(|p| {
                let tp = broker_playground::core::ids::TopicPartition::new("orders", p);
                broker.share_partition_host("workers", &tp).expect("read").0
            })
            .collect();
        assert_eq!(hosts, (0..3).map(|p| leader(&run, p)).collect::<Vec<_>>());
        assert!(hosts.iter().collect::<BTreeSet<_>>().len() > 1, "not all on one broker: {hosts:?}");
        assert_eq!(broker.share_coordinator("workers"), run.cluster.coordinator("workers").0);

        // The leader of orders-0 stops (controlled shutdown: leadership moves at once).
        let old = leader(&run, 0);
        let held_before: u64 = {
            let (_, sp) = run.cluster.brokers()[0].share().partitions_of("workers").next().unwrap();
            sp.records().filter(|(_, r)| r.state == RecordState::Acquired).count() as u64
        };
        assert!(held_before > 0, "someone holds records of orders-0");
        let mut events =
            run.apply(run.cluster.now(), Command::StopBroker { broker: BrokerId(old) }).expect("stops");
        events.extend(run.advance(run.cluster.now() + 2_000));
        let new = leader(&run, 0);
        assert_ne!(new, old);
        let moved = events.iter().find_map(|e| match &e.kind {
            EventKind::SharePartitionMoved { partition: 0, from, to, .. } => Some((*from, *to)),
            _ => None,
        });
        assert_eq!(moved, Some((old, new)));
        let returned: u64 = events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::ShareReleased {
                    partition: 0,
                    first_offset,
                    last_offset,
                    cause: ReturnCause::LeaderChanged,
                    ..
                } => Some(last_offset - first_offset + 1),
                _ => None,
            })
            .sum();
        assert_eq!(returned, held_before, "what was acquired on the old leader is available on the new one");
        let tp = broker_playground::core::ids::TopicPartition::new("orders", 0);
        assert_eq!(run.cluster.brokers()[0].share_partition_host("workers", &tp).map(|b| b.0), Some(new));
        // The workers go on reading orders-0 from its new leader.
        let later = run.advance(run.cluster.now() + 10_000);
        assert!(later.iter().any(|e| matches!(&e.kind, EventKind::ShareAcquired { partition: 0, .. })));
    }

    /// While the share coordinator's broker is down, ShareGroupHeartbeat gets
    /// COORDINATOR_NOT_AVAILABLE; acquisitions from partitions led elsewhere go on.
    #[test]
    fn the_share_coordinator_is_find_coordinators_broker() {
        let mut run = Run::new(Scenario::from_json(THREE_BROKERS).unwrap()).unwrap();
        run.advance(3_000);
        let coordinator = run.cluster.coordinator("workers").0;
        let out = broker_playground::core::tools::run(
            "kafka-share-groups.sh --bootstrap-server localhost:9092 --describe --group workers --state",
            &mut run,
            &Default::default(),
        );
        assert!(out.stdout.contains(&format!("localhost:9092  ({coordinator})")), "{}", out.stdout);
        run.apply(run.cluster.now(), Command::CrashBroker { broker: coordinator }).expect("crash");
        let crashed_at = run.cluster.now();
        let events = run.advance(crashed_at + 8_000);
        // The coordinator fails over (the next leader of the group's `__consumer_offsets`
        // partition, once the controller fences the crashed broker), and the share group
        // carries on there: its members acquire records again after the move.
        let moved = run.cluster.coordinator("workers").0;
        assert_ne!(moved, coordinator, "the share group's coordinator moved off the crashed broker");
        // The move is said, as for a consumer group, in the share group's own words.
        let said = events.iter().find(|e| {
            matches!(&e.kind, EventKind::ShareCoordinatorMoved { group, from: Some(f), to: Some(t), .. }
                if group == "workers" && *f == coordinator && *t == moved)
        });
        let said = said.expect("ShareCoordinatorMoved workers");
        let en = broker_playground::i18n::narrate(said, broker_playground::i18n::Lang::En);
        assert_eq!(
            en,
            format!(
                "share group workers: coordinator moved from broker {} to broker {}, the new leader of __consumer_offsets-{}: broker {} crashed; it loads the group's members and assignment (its start offsets stay with the share-partitions)",
                coordinator.0,
                moved.0,
                run.cluster.coordinator("workers").1,
                coordinator.0
            )
        );
        let ru = broker_playground::i18n::narrate(said, broker_playground::i18n::Lang::Ru);
        assert!(ru.starts_with("группа совместного чтения workers: координатор перешёл"), "{ru}");
        // Fenced after broker.session.timeout.ms (3 s at teaching pace).
        let moved_at = crashed_at + 3_000;
        assert!(
            events.iter().any(|e| e.at > moved_at && matches!(&e.kind, EventKind::ShareAcquired { .. })),
            "share consumers acquire records after the coordinator moved"
        );
    }
}
