//! The replication lessons (issue #14) say what happens in their "What to watch for": these
//! tests run each built-in lesson and check every fact its text states — which offsets are
//! lost and that they had been acknowledged, when writes are refused and with which error,
//! when the ISR shrinks and grows — so a change that makes a lesson's text untrue fails here.

use broker_playground::core::error::ErrorCode;
use broker_playground::core::event::{Event, EventKind, IsrReason};
use broker_playground::core::ids::BrokerId;
use broker_playground::core::replication::config::Acks;
use broker_playground::core::scenario::{built_in, Run};

fn lesson(id: &str) -> (Run, Vec<Event>, String) {
    let s = built_in(id).expect("built-in");
    let until = s.duration.map_or(60_000, |d| d.0);
    let text = format!("{} {}", s.watch_for.en, s.summary.en);
    let mut run = Run::new(s).expect("loads");
    let events = run.advance(until);
    (run, events, text)
}

/// `(at, topic, partition, from, to)` of every `RecordsLost`.
fn lost(events: &[Event]) -> Vec<(u64, String, u32, u64, u64)> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::RecordsLost { topic, partition, from, to, .. } => {
                Some((e.at, topic.clone(), *partition, *from, *to))
            }
            _ => None,
        })
        .collect()
}

/// The offsets of `topic-partition` acknowledged before `before`, with which `acks`.
fn acknowledged(events: &[Event], topic: &str, partition: u32, before: u64) -> Vec<(u64, Acks)> {
    events
        .iter()
        .filter(|e| e.at < before)
        .filter_map(|e| match &e.kind {
            EventKind::ProduceAcknowledged { topic: t, partition: p, base_offset, count, acks, .. }
                if t == topic && *p == partition =>
            {
                Some((*base_offset..base_offset + count).map(move |o| (o, *acks)))
            }
            _ => None,
        })
        .flatten()
        .collect()
}

fn fetched_offsets(events: &[Event], topic: &str, before: u64) -> Vec<u64> {
    events
        .iter()
        .filter(|e| e.at < before)
        .filter_map(|e| match &e.kind {
            EventKind::Fetched { topic: t, from, count, .. } if t == topic => Some(*from..from + count),
            _ => None,
        })
        .flatten()
        .collect()
}

fn produce_failures(events: &[Event], from: u64, to: u64) -> Vec<(u64, ErrorCode)> {
    events
        .iter()
        .filter(|e| (from..to).contains(&e.at))
        .filter_map(|e| match &e.kind {
            EventKind::ProduceFailed { error, .. } => Some((e.at, *error)),
            _ => None,
        })
        .collect()
}

/// Records acknowledged in `from..to`.
fn acked_records(events: &[Event], from: u64, to: u64) -> u64 {
    events
        .iter()
        .filter(|e| (from..to).contains(&e.at))
        .filter_map(|e| match e.kind {
            EventKind::ProduceAcknowledged { count, .. } => Some(count),
            _ => None,
        })
        .sum()
}

/// `(at, partition, error)` of every `ProduceFailed` in `from..to`.
fn failures_by_partition(events: &[Event], from: u64, to: u64) -> Vec<(u64, Option<u32>, ErrorCode)> {
    events
        .iter()
        .filter(|e| (from..to).contains(&e.at))
        .filter_map(|e| match &e.kind {
            EventKind::ProduceFailed { error, partition, .. } => Some((e.at, *partition, *error)),
            _ => None,
        })
        .collect()
}

fn acks_between(events: &[Event], from: u64, to: u64) -> usize {
    events
        .iter()
        .filter(|e| (from..to).contains(&e.at) && matches!(e.kind, EventKind::ProduceAcknowledged { .. }))
        .count()
}

#[test]
fn acks_1_lesson_loses_exactly_the_acknowledged_offsets_it_names_and_nobody_read_them() {
    let (_, events, text) = lesson("acks-1-loses-records");
    let lost = lost(&events);
    assert_eq!(lost, vec![(13_150, "clicks".into(), 0, 201, 204)], "the lesson names 201..203");
    assert!(text.contains("201..203") && text.contains("00:13.150") && text.contains("00:10.150"), "{text}");
    let acked = acknowledged(&events, "clicks", 0, 10_150);
    for o in 201..204 {
        assert!(acked.contains(&(o, Acks::One)), "offset {o} was acknowledged with acks=1 before the crash");
    }
    let read_before = fetched_offsets(&events, "clicks", 13_150);
    assert!(read_before.iter().all(|&o| o < 201), "c1 never read the lost records: {:?}", read_before.last());
    // The new leader wrote other records at those offsets, and c1 read those.
    assert!(fetched_offsets(&events, "clicks", 35_000).contains(&201));
    let truncated = events.iter().any(|e| {
        e.at == 25_000
            && matches!(&e.kind, EventKind::ReplicaTruncated { broker: BrokerId(3), from: 201, to: 204, .. })
    });
    assert!(truncated, "broker 3 truncates 201..203 when it comes back");
}

#[test]
fn min_insync_lesson_loses_nothing_with_one_broker_down_and_refuses_writes_with_two() {
    let (_, events, text) = lesson("min-insync-replicas");
    assert!(lost(&events).is_empty(), "acks=all, min.insync.replicas 2: nothing is lost");
    assert!(text.contains("NOT_ENOUGH_REPLICAS"));
    assert!(text.contains("request.timeout.ms (3.5 s here)"), "{text}");
    // One broker down (fenced at 00:13 until broker 2 crashes at 00:20): writes go on. Only
    // requests bank sent to the crashed leader of payments-1 fail, when they time out: the
    // last one request.timeout.ms (3.5 s) after the fencing at the latest.
    assert!(acks_between(&events, 13_100, 20_000) > 0);
    let failed = failures_by_partition(&events, 13_100, 20_000);
    assert!(failed.iter().all(|&(at, p, _)| p == Some(1) && at <= 16_500), "{failed:?}");
    // Two down: refused with NOT_ENOUGH_REPLICAS from the fencing until broker 2 is back; the
    // batches written before the fencing time out waiting for broker 2.
    let refused = produce_failures(&events, 23_001, 30_000);
    assert!(refused.iter().any(|(_, e)| *e == ErrorCode::NotEnoughReplicas), "{refused:?}");
    assert!(
        refused
            .iter()
            .all(|&(at, e)| e == ErrorCode::NotEnoughReplicas
                || (e == ErrorCode::RequestTimedOut && at <= 26_500)),
        "{refused:?}"
    );
    assert_eq!(acks_between(&events, 23_000, 30_000), 0, "nothing is acknowledged with one in-sync replica");
    assert!(!events.iter().any(|e| e.at > 1_000 && matches!(e.kind, EventKind::RebalanceStarted { .. })));
    // ledger read everything acknowledged before the writes were refused.
    let acked: Vec<u64> = (0..3).map(|p| acknowledged(&events, "payments", p, 30_000).len() as u64).collect();
    let read = fetched_offsets(&events, "payments", 30_000).len() as u64;
    assert!(read >= acked.iter().sum::<u64>(), "read {read}, acknowledged {acked:?}");
    // Broker 2 back: two in-sync replicas, writes taken again.
    assert!(acks_between(&events, 30_000, 35_000) > 0);
    assert!(produce_failures(&events, 30_100, 45_000).is_empty());
}

#[test]
fn unclean_lesson_loses_acknowledged_records_on_fast_only_and_safe_waits_for_its_leader() {
    let (_, events, text) = lesson("unclean-leader-election");
    let lost = lost(&events);
    assert_eq!(lost, vec![(20_000, "fast".into(), 0, 25, 76)]);
    assert!(text.contains("25..75"), "{text}");
    let acked = acknowledged(&events, "fast", 0, 15_000);
    for o in 25..76 {
        assert!(acked.contains(&(o, Acks::All)), "offset {o} was acknowledged with acks=all");
    }
    let leader_at = |topic: &str| -> Vec<(u64, Option<i32>, bool)> {
        events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::LeaderChanged { topic: t, leader, unclean, .. } if t == topic => {
                    Some((e.at, leader.map(|b| b.0), *unclean))
                }
                _ => None,
            })
            .collect()
    };
    assert_eq!(leader_at("safe"), vec![(18_000, None, false), (30_000, Some(1), false)]);
    assert_eq!(leader_at("fast"), vec![(18_000, None, false), (20_000, Some(2), true)]);
    let failed = produce_failures(&events, 18_000, 30_000);
    assert!(failed.iter().any(|(_, e)| *e == ErrorCode::LeaderNotAvailable));
    assert!(acks_between(&events, 20_100, 30_000) > 0, "fast takes writes again at once");
}

#[test]
fn isr_lesson_stalls_acks_all_until_the_follower_leaves_the_isr_then_it_rejoins() {
    let (_, events, text) = lesson("isr-shrink-and-expand");
    assert!(text.contains("00:09.801") && text.contains("00:10.200") && text.contains("00:15.400"), "{text}");
    let isr: Vec<(u64, Vec<i32>, IsrReason)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::IsrChanged { removed, added, reason, .. } => {
                Some((e.at, BrokerId::numbers(if removed.is_empty() { added } else { removed }), *reason))
            }
            _ => None,
        })
        .collect();
    assert_eq!(isr, vec![(9_801, vec![2], IsrReason::Lagged), (15_400, vec![2], IsrReason::CaughtUp)]);
    assert_eq!(acks_between(&events, 5_001, 9_801), 0, "acks=all waits for the ISR member that is cut off");
    // The five requests in flight (max.in.flight.requests.per.connection) are answered at
    // once; the batch shop held back meanwhile is sent then and acknowledged once broker 1
    // has fetched it.
    assert_eq!(acks_between(&events, 9_801, 9_802), 5, "the waiting batches are acknowledged at once");
    let held: u64 = acked_records(&events, 10_200, 10_201);
    assert!(held > 10, "the records shop held back are acknowledged at 00:10.200: {held}");
    assert_eq!(acks_between(&events, 9_802, 10_200), 0);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e.kind, EventKind::BrokerChanged { .. } if e.at > 5_000 && e.at < 15_000)),
        "the controller does not fence broker 2 (its session timeout is longer)"
    );
    assert!(lost(&events).is_empty());
}

#[test]
fn zone_outage_lesson_keeps_writing_and_reading_with_nothing_lost_and_no_rebalance() {
    let (run, events, text) = lesson("zone-outage");
    assert!(text.contains("00:25.400"), "{text}");
    assert!(lost(&events).is_empty());
    // One replica of every partition in each zone.
    let rep = run.cluster.replication();
    for p in 0..6 {
        let mut racks: Vec<String> = rep
            .partition("orders", p)
            .unwrap()
            .registration
            .replicas
            .iter()
            .map(|b| rep.node(*b).unwrap().rack.clone().unwrap())
            .collect();
        racks.sort();
        assert_eq!(racks, ["zone-a", "zone-b", "zone-c"]);
    }
    // Requests to broker 2 time out after request.timeout.ms (3.5 s): the last ones sent
    // before the fencing at 00:13 by 00:16.500.
    assert!(text.contains("request.timeout.ms (3.5 s here)"), "{text}");
    let failed = produce_failures(&events, 0, 35_000);
    assert!(failed.iter().all(|(at, _)| (10_000..=16_500).contains(at)), "{failed:?}");
    for p in 0..6 {
        assert!(
            events.iter().any(|e| e.at > 13_000
                && e.at < 25_000
                && matches!(&e.kind,
                EventKind::ProduceAcknowledged { partition, .. } if *partition == p)),
            "orders-{p} takes acks=all writes during the outage"
        );
    }
    assert!(!events.iter().any(|e| e.at > 1_000 && matches!(e.kind, EventKind::RebalanceStarted { .. })));
    let read_late: Vec<u32> = events
        .iter()
        .filter(|e| e.at > 13_000 && e.at < 25_000)
        .filter_map(|e| match &e.kind {
            EventKind::Fetched { partition, .. } => Some(*partition),
            _ => None,
        })
        .collect();
    assert!(
        read_late.contains(&2) && read_late.contains(&3),
        "orders-2 and orders-3 are read from their new leader"
    );
}

/// `kafka-topics --create --replication-factor N` creates N replicas (the CreateTopics request
/// carries N; before, the topic got `default.replication.factor`), `--describe` shows them,
/// and a factor above the broker count is Kafka's error with nothing created.
#[test]
fn kafka_topics_create_honours_the_replication_factor() {
    use broker_playground::core::tools::{self, Context};
    let mut r = Run::new(built_in("zone-outage").expect("built-in")).expect("loads");
    r.advance(1_000);
    let ctx = Context { user: None, stdin: String::new(), follow: false };
    let bs = "--bootstrap-server localhost:9092";
    for (topic, rf) in [("two", 2), ("three", 3), ("one", 1)] {
        let o = tools::run(
            &format!(
                "kafka-topics.sh {bs} --create --topic {topic} --partitions 2 --replication-factor {rf}"
            ),
            &mut r,
            &ctx,
        );
        assert_eq!(o.stdout, format!("Created topic {topic}.\n"), "{}", o.stderr);
        let o = tools::run(&format!("kafka-topics.sh {bs} --describe --topic {topic}"), &mut r, &ctx);
        assert!(o.stdout.contains(&format!("PartitionCount: 2\tReplicationFactor: {rf}\t")), "{}", o.stdout);
        let rows: Vec<&str> = o.stdout.lines().filter(|l| l.starts_with("\tTopic:")).collect();
        assert_eq!(rows.len(), 2, "{}", o.stdout);
        for row in rows {
            let replicas = row.split('\t').find_map(|f| f.strip_prefix("Replicas: ")).unwrap();
            assert_eq!(replicas.split(',').count(), rf, "{row}");
            let isr = row.split('\t').find_map(|f| f.strip_prefix("Isr: ")).unwrap();
            assert_eq!(isr.split(',').count(), rf, "{row}");
        }
    }
    let o = tools::run(
        &format!("kafka-topics.sh {bs} --create --topic four --replication-factor 4"),
        &mut r,
        &ctx,
    );
    assert!(
        format!("{}{}", o.stdout, o.stderr).contains(
            "The target replication factor of 4 cannot be reached because only 3 broker(s) are registered."
        ),
        "{}",
        o.stderr
    );
    assert!(!r.cluster.topics().contains_key("four"));
    // The page's command line for the same action names the factor too.
    let line = broker_playground::core::tools::echo::command_line(
        &broker_playground::core::command::Command::CreateTopic {
            name: "five".into(),
            partitions: 1,
            retention: None,
            replication_factor: Some(3),
        },
        &r.cluster,
    );
    assert!(line[0].ends_with("--create --topic five --partitions 1 --replication-factor 3"), "{line:?}");
}

/// Followers fetch over the network (issue #13/#14): cut only the link between a follower's
/// broker and its leader's — both keep running and keep their controller sessions — and the
/// follower's fetches stop arriving: it leaves the ISR after `replica.lag.time.max.ms`
/// ("not caught up"), is never fenced, and rejoins once the link is mended.
#[test]
fn a_follower_cut_off_from_its_leader_alone_leaves_the_isr_because_its_fetches_are_lost() {
    use broker_playground::core::scenario::Scenario;
    let text = r#"{"version": 1, "seed": 7,
      "brokers": [{"id": 1, "rack": "a"}, {"id": 2, "rack": "b"}, {"id": 3, "rack": "c"}],
      "topics": [{"name": "orders", "partitions": 1, "replication_factor": 3}],
      "producers": [{"name": "p1", "topic": "orders", "rate": 10, "config": {"acks": "1"}}]}"#;
    let mut r = Run::new(Scenario::from_json(text).unwrap()).unwrap();
    let mut events = r.advance(2_000);
    let p = r.cluster.replication().partition("orders", 0).unwrap().clone();
    let leader = p.registration.leader;
    let follower = *p.registration.replicas.iter().find(|&&b| b != leader).unwrap();
    let delivered = r.cluster.replication().fetch_network().delivered();
    events.extend(r.cluster.set_broker_link(2_000, leader, follower, false));
    events.extend(r.advance(14_000));
    let net = r.cluster.replication().fetch_network();
    assert!(net.delivered() > delivered, "the other follower's fetches still cross");
    assert!(net.outstanding() > 0, "the cut-off follower's fetches are lost and wait for their timeout");
    let isr: Vec<(u64, Vec<i32>, IsrReason)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::IsrChanged { removed, reason, .. } if !removed.is_empty() => {
                Some((e.at, BrokerId::numbers(removed), *reason))
            }
            _ => None,
        })
        .collect();
    assert_eq!(isr.len(), 1, "{isr:?}");
    assert_eq!((isr[0].1.clone(), isr[0].2), (vec![follower.0], IsrReason::Lagged));
    assert!((11_000..=12_200).contains(&isr[0].0), "after replica.lag.time.max.ms (10 s): {isr:?}");
    assert!(!events.iter().any(|e| matches!(e.kind, EventKind::BrokerChanged { .. })), "nobody is fenced");
    let behind = r.cluster.replication().partition("orders", 0).unwrap().replicas[&follower].log_end;
    let mut more = r.cluster.set_broker_link(14_000, leader, follower, true);
    more.extend(r.advance(16_000));
    assert!(
        more.iter()
            .any(|e| matches!(&e.kind, EventKind::IsrChanged { added, .. } if added == &vec![follower])),
        "it rejoins once its fetches arrive again"
    );
    assert!(
        r.cluster.replication().partition("orders", 0).unwrap().replicas[&follower].log_end > behind + 50
    );
}
