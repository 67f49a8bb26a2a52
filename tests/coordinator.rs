//! The group coordinator as a user meets it: where it lives and (with
//! several brokers) how it moves.

use broker_playground::core::command::Command;
use broker_playground::core::event::EventKind;
use broker_playground::core::ids::TopicPartition;
use broker_playground::core::scenario::{built_in, Run};
use std::collections::BTreeMap;

/// Three brokers; `orders` (RF 3); group-1 (classic: c1, c2) and group-2 (KIP-848: c3, c4).
fn three_brokers() -> Run {
    let json = r#"{"version": 1, "id": "t", "seed": 5,
      "brokers": [{"id": 1, "rack": "zone-a"}, {"id": 2, "rack": "zone-b"}, {"id": 3, "rack": "zone-c"}],
      "topics": [{"name": "orders", "partitions": 4, "replication_factor": 3}],
      "producers": [{"name": "p1", "topic": "orders", "keys": {"mode": "set", "prefix": "user-", "count": 12}, "rate": 20}],
      "consumers": [
        {"name": "c1", "mode": {"group": {"topics": ["orders"]}}, "config": {"group.id": "group-1", "auto.offset.reset": "earliest"}},
        {"name": "c2", "mode": {"group": {"topics": ["orders"]}}, "config": {"group.id": "group-1", "auto.offset.reset": "earliest"}},
        {"name": "c3", "mode": {"group": {"topics": ["orders"]}}, "config": {"group.id": "group-2", "auto.offset.reset": "earliest", "group.protocol": "consumer"}},
        {"name": "c4", "mode": {"group": {"topics": ["orders"]}}, "config": {"group.id": "group-2", "auto.offset.reset": "earliest", "group.protocol": "consumer"}}
      ]}"#;
    Run::new(broker_playground::core::scenario::Scenario::from_json(json).unwrap()).unwrap()
}

#[test]
fn the_coordinator_moves_when_its_broker_goes_and_the_group_carries_on() {
    for group in ["group-1", "group-2"] {
        for crash in [false, true] {
            let mut run = three_brokers();
            run.advance(10_000);
            let home = run.cluster.coordinator(group).0;
            let cmd = if crash {
                Command::CrashBroker { broker: home }
            } else {
                Command::StopBroker { broker: home }
            };
            let mut events = run.apply(run.now(), cmd).unwrap();
            let mut committed: BTreeMap<TopicPartition, u64> = run.cluster.groups()[group].offsets.clone();
            for t in (10_500..=40_000).step_by(500) {
                events.extend(run.advance(t));
                for (tp, &o) in &run.cluster.groups()[group].offsets {
                    let before = committed.insert(tp.clone(), o).unwrap_or(0);
                    assert!(o >= before, "{group}: {tp:?} committed {o} after {before}");
                }
            }
            let how = if crash { "crash" } else { "stop" };
            let moved = events.iter().find_map(|e| match &e.kind {
                EventKind::CoordinatorMoved { group: g, from, to, .. } if g == group => Some((*from, *to)),
                _ => None,
            });
            let (from, to) = moved.unwrap_or_else(|| panic!("{group} ({how}): no CoordinatorMoved"));
            assert_eq!(from, Some(home));
            assert!(to.is_some_and(|b| b != home), "{group} ({how}): moved to {to:?}");
            assert_eq!(Some(run.cluster.coordinator(group).0), to, "the lookup follows");
            let members: Vec<&str> = if group == "group-1" { vec!["c1", "c2"] } else { vec!["c3", "c4"] };
            for m in &members {
                let found = events.iter().any(|e| {
                    matches!(&e.kind, EventKind::CoordinatorFound { client, group: g, .. } if client == m && g == group)
                });
                assert!(found, "{group} ({how}): {m} found the new coordinator");
                let last = events
                    .iter()
                    .rev()
                    .find(|e| matches!(&e.kind, EventKind::Fetched { consumer, .. } if consumer == m));
                assert!(last.is_some_and(|e| e.at > 30_000), "{group} ({how}): {m} still reads");
            }
            let g = &run.cluster.groups()[group];
            assert_eq!(g.members.len(), 2, "{group} ({how}): nobody was dropped");
        }
    }
}

/// The lesson "the coordinator moves and the group carries on", asserted in words.
#[test]
fn lesson_the_coordinator_moves_and_the_group_carries_on() {
    let mut run = Run::new(built_in("coordinator-failover").unwrap()).unwrap();
    let mut events = run.advance(9_000);
    assert_eq!(run.cluster.coordinator("group-1").0 .0, 2, "the script crashes group-1's coordinator");
    let generation = run.cluster.groups()["group-1"].generation;
    let mut committed: BTreeMap<TopicPartition, u64> = BTreeMap::new();
    for t in (9_500..=45_000).step_by(500) {
        events.extend(run.advance(t));
        for (tp, &o) in &run.cluster.groups()["group-1"].offsets {
            let before = committed.insert(tp.clone(), o).unwrap_or(0);
            assert!(o >= before, "{tp:?}: committed {o} after {before}");
        }
    }
    let moved: Vec<_> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::CoordinatorMoved { from, to, .. } => Some((e.at, from.map(|b| b.0), to.map(|b| b.0))),
            _ => None,
        })
        .collect();
    assert_eq!(moved.len(), 1, "{moved:?}: once, and not back when broker 2 returns");
    let (at, from, to) = moved[0];
    assert!(at > 10_000, "after the controller fenced broker 2");
    assert_eq!(from, Some(2));
    assert!(to.is_some_and(|b| b != 2));
    let refused = events.iter().any(|e| {
        matches!(&e.kind, EventKind::CommitFailed { error, .. } if error.name() == "COORDINATOR_NOT_AVAILABLE")
    });
    assert!(refused, "a commit before the move fails with COORDINATOR_NOT_AVAILABLE");
    let g = &run.cluster.groups()["group-1"];
    assert_eq!(g.generation, generation, "no rebalance: the group carries on");
    assert_eq!(g.members.len(), 2);
    for m in ["c1", "c2"] {
        assert!(events.iter().any(
            |e| e.at > 35_000 && matches!(&e.kind, EventKind::Fetched { consumer, .. } if consumer == m)
        ));
    }
}
