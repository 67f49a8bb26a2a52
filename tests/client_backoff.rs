//! A client with nothing it can do sleeps until its next real timer. While no broker can be
//! reached (every broker crashed, stopped or cut off) or a partition has no leader, a client
//! is woken only by its own schedule — a producer's rate, its reconnect backoff
//! (`reconnect.backoff.ms` 50 doubling to `reconnect.backoff.max.ms` 1000, as Kafka's
//! `NetworkClient`), `retry.backoff.ms`, `request.timeout.ms`, `delivery.timeout.ms`; a
//! consumer's poll — never each simulated millisecond. Counted as the cluster's wake-ups
//! (`next_wakeup` then `advance` to it), not wall time. The producer still finds a broker
//! that comes back and delivers every record (`acks=all`, none lost), and
//! `delivery.timeout.ms` still gives batches up on time.

use broker_playground::core::command::Command;
use broker_playground::core::event::{Event, EventKind};
use broker_playground::core::ids::BrokerId;
use broker_playground::core::log::ValueRef;
use broker_playground::core::scenario::{Run, Scenario};

/// Three brokers; `orders` with 3 partitions of `rf` replicas; a share group `workers`; the
/// given clients (a `"producers": […]` or `"consumers": […]` member).
fn build(rf: u32, clients: &str) -> Run {
    let text = format!(
        r#"{{"version": 1, "seed": 7,
  "brokers": [{{"id": 1, "rack": "a"}}, {{"id": 2, "rack": "b"}}, {{"id": 3, "rack": "c"}}],
  "topics": [{{"name": "orders", "partitions": 3, "replication_factor": {rf}}}],
  "groups": [{{"id": "workers", "type": "share"}}],
  {clients}}}"#
    );
    Run::new(Scenario::from_json(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))).expect("builds")
}

/// Runs the cluster from `from` to `to` one wake-up at a time; returns the times it woke.
fn wakeups(r: &mut Run, from: u64, to: u64) -> (Vec<u64>, Vec<Event>) {
    let mut events = r.cluster.advance(from);
    let mut times = Vec::new();
    while let Some(t) = r.cluster.next_wakeup().filter(|&t| t <= to) {
        events.extend(r.cluster.advance(t));
        times.push(t);
        assert!(times.len() < 1_000_000, "woken at {t} again and again");
        if t == to {
            break;
        }
    }
    events.extend(r.cluster.advance(to));
    (times, events)
}

fn fault(kind: &str, broker: u32) -> Command {
    let broker = BrokerId(broker as i32);
    match kind {
        "crash" => Command::CrashBroker { broker },
        "stop" => Command::StopBroker { broker },
        _ => Command::IsolateBroker { broker },
    }
}

const CLIENTS: [(&str, &str); 5] = [
    ("producer", r#""producers": [{"name": "p1", "topic": "orders", "rate": 2}]"#),
    (
        "standalone consumer",
        r#""consumers": [{"name": "c1", "mode": {"standalone": {"partitions": [["orders", 0]]}}}]"#,
    ),
    (
        "classic group member",
        r#""consumers": [{"name": "c1", "mode": {"group": {"topics": ["orders"]}}, "config": {"group.id": "g"}}]"#,
    ),
    (
        "KIP-848 group member",
        r#""consumers": [{"name": "c1", "mode": {"group": {"topics": ["orders"]}},
                          "config": {"group.id": "g", "group.protocol": "consumer"}}]"#,
    ),
    (
        "share consumer",
        r#""consumers": [{"name": "c1", "mode": {"share": {"topics": ["orders"]}}, "config": {"group.id": "workers"}}]"#,
    ),
];

/// Every broker crashed, stopped or cut off at 10 s, for a minute: each kind of client alone
/// wakes the cluster at most 20 times a simulated second (was: the producer about 1 000, once
/// a millisecond). The admin client keeps no timer: its call fails at once
/// (`TimeoutException`, no node to send to) and adds no wake-up.
#[test]
fn no_client_is_woken_each_millisecond_while_every_broker_is_down() {
    for kind in ["crash", "stop", "isolate"] {
        let mut quiet = build(3, r#""producers": []"#);
        wakeups(&mut quiet, 0, 10_000);
        for b in 1..=3 {
            quiet.apply(10_000, fault(kind, b)).expect("applies");
        }
        let admin = quiet.apply(
            10_000,
            Command::CreateTopic {
                name: "audit".into(),
                partitions: 1,
                retention: None,
                replication_factor: None,
            },
        );
        assert!(admin.is_err(), "{kind}: no broker to send CreateTopics to");
        let (baseline, _) = wakeups(&mut quiet, 10_000, 70_000);
        assert!(baseline.len() <= 60, "{kind}, no clients: {} wake-ups in 60 s", baseline.len());

        for (name, clients) in CLIENTS {
            let mut r = build(3, clients);
            wakeups(&mut r, 0, 10_000);
            for b in 1..=3 {
                r.apply(10_000, fault(kind, b)).expect("applies");
            }
            let (times, _) = wakeups(&mut r, 10_000, 70_000);
            let per_second = times.len() as f64 / 60.0;
            assert!(per_second <= 20.0, "{kind}, {name}: {per_second:.1} wake-ups a simulated second");
        }
    }
}

/// A producer sending nothing of its own (rate 0, `retry.backoff.ms` 5 000): one record at 5 s
/// (acknowledged), then every broker crashes at 10 s and a second record is sent at once, to
/// the leader its metadata still names. Its request is lost; at `request.timeout.ms` the
/// producer wants fresh metadata and finds no broker to connect to: while its batch waits out
/// the retry backoff it tries again after 50, 100, 200, 400, 800 ms, then every second
/// (`reconnect.backoff.ms` doubling up to `reconnect.backoff.max.ms`; Kafka adds ±20% jitter,
/// left out here), and is woken for nothing in between (the cluster's own once-a-second
/// retention check aside).
#[test]
fn a_producer_with_no_broker_to_reach_backs_off_its_reconnects() {
    let mut r = build(
        3,
        r#""producers": [{"name": "p1", "topic": "orders", "rate": 0, "config": {"retry.backoff.ms": 5000}}]"#,
    );
    let one = || Command::SendOne {
        producer: "p1".into(),
        key: None,
        value: None,
        partition: None,
        headers: vec![],
    };
    wakeups(&mut r, 0, 5_000);
    r.apply(5_000, one()).expect("sends");
    wakeups(&mut r, 5_000, 10_000);
    assert_eq!(r.cluster.producers()["p1"].client.acknowledged, 1);
    for b in 1..=3 {
        r.apply(10_000, fault("crash", b)).expect("applies");
    }
    r.apply(10_000, one()).expect("send() takes the record");
    let timed_out = 10_000 + r.cluster.producers()["p1"].client.config.request_timeout_ms;
    let (times, _) = wakeups(&mut r, 10_000, timed_out + 4_999);
    let tries: Vec<u64> =
        times.iter().filter(|&&t| t >= timed_out && t % 1000 != 0).map(|t| t - timed_out).collect();
    assert_eq!(tries, [50, 150, 350, 750, 1550, 2550, 3550, 4550], "{times:?}");
    assert!(times.len() <= 25, "{times:?}");
    assert_eq!(r.cluster.producers()["p1"].client.pending_records(), 1, "the record still waits");
}

/// `orders` with one replica per partition; broker 1 crashes: its partition is offline once
/// the controller fences it (Leader: none) while brokers 2 and 3 answer Metadata. The
/// producer refreshes its metadata every `retry.backoff.ms` and sends to the other two
/// partitions; it is not woken each millisecond for the batch that has no leader.
#[test]
fn a_partition_without_a_leader_does_not_spin_its_producer() {
    for (rf, crashed) in [(1, vec![1]), (3, vec![1, 2])] {
        let mut r = build(
            rf,
            r#""producers": [{"name": "p1", "topic": "orders", "rate": 2, "keys": {"mode": "random"}}]"#,
        );
        wakeups(&mut r, 0, 10_000);
        for b in crashed {
            r.apply(10_000, fault("crash", b)).expect("applies");
        }
        let (times, _) = wakeups(&mut r, 10_000, 70_000);
        let per_second = times.len() as f64 / 60.0;
        assert!(per_second <= 20.0, "rf {rf}: {per_second:.1} wake-ups a simulated second");
    }
}

/// `acks=all` on 3 replicas, 10 records a second; every broker crashes at 10 s and
/// starts again at 25 s. The producer reconnects within `reconnect.backoff.max.ms` of the
/// first broker being back and, paused at 55 s, by 65 s every record it made is acknowledged and in the log
/// exactly once (idempotence): none lost, none given up (`delivery.timeout.ms` 120 s).
#[test]
fn the_producer_delivers_everything_once_the_brokers_are_back() {
    let mut r = build(
        3,
        r#""producers": [{"name": "p1", "topic": "orders", "rate": 10, "config": {"acks": "all"}}]"#,
    );
    wakeups(&mut r, 0, 10_000);
    for b in 1..=3 {
        r.apply(10_000, fault("crash", b)).expect("applies");
    }
    let (down, _) = wakeups(&mut r, 10_000, 25_000);
    assert!(down.len() as f64 / 15.0 <= 20.0, "{} wake-ups in 15 s", down.len());
    for b in 1..=3 {
        r.apply(25_000, Command::StartBroker { broker: BrokerId(b) }).expect("starts");
    }
    let (_, mut events) = wakeups(&mut r, 25_000, 55_000);
    events.extend(r.apply(55_000, Command::PauseProducer { name: "p1".into() }).expect("pauses"));
    events.extend(wakeups(&mut r, 55_000, 65_000).1);
    let first_ack = events
        .iter()
        .find(|e| matches!(e.kind, EventKind::ProduceAcknowledged { .. }))
        .map(|e| e.at)
        .expect("acknowledged again");
    // Requests sent to the crashed leaders before the restart are lost: they end at
    // `request.timeout.ms`, and the retry follows within `retry.backoff.ms`.
    let timeout = r.cluster.producers()["p1"].client.config.request_timeout_ms;
    assert!(first_ack <= 25_000 + timeout + 1_000, "first acknowledgement after the restart at {first_ack}");
    assert!(!events.iter().any(|e| matches!(e.kind, EventKind::BatchExpired { .. })));

    let p = &r.cluster.producers()["p1"];
    assert_eq!(p.client.failed, 0);
    assert_eq!(p.client.pending_records(), 0, "nothing left to send");
    assert_eq!(p.client.acknowledged, p.seq, "every record made is acknowledged");
    let mut seen: Vec<u64> = r.cluster.topics()["orders"]
        .partitions
        .iter()
        .flat_map(|log| log.read(log.log_start(), usize::MAX).map(|(_, rec)| rec.value))
        .map(|v| match v {
            ValueRef::Seq(s) => s,
            ValueRef::Text(t) => panic!("unexpected value {t}"),
        })
        .collect();
    seen.sort_unstable();
    assert_eq!(seen, (1..=p.seq).collect::<Vec<_>>(), "each record in the log exactly once");
}

/// `delivery.timeout.ms` 5 000 (`request.timeout.ms` 2 000), 4 records a second, every broker
/// down from 10 s: the producer sleeps between its timers, yet each batch is given up exactly
/// 5 000 ms after it was made (`BatchExpired`), none later.
#[test]
fn delivery_timeout_expires_batches_on_time_with_no_broker() {
    let mut r = build(
        3,
        r#""producers": [{"name": "p1", "topic": "orders", "rate": 4,
                          "config": {"request.timeout.ms": 2000, "delivery.timeout.ms": 5000}}]"#,
    );
    wakeups(&mut r, 0, 10_000);
    for b in 1..=3 {
        r.apply(10_000, fault("isolate", b)).expect("applies");
    }
    let (times, events) = wakeups(&mut r, 10_000, 40_000);
    assert!(times.len() as f64 / 30.0 <= 20.0, "{} wake-ups in 30 s", times.len());
    let expired: Vec<u64> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::BatchExpired { elapsed_ms, .. } => Some(elapsed_ms),
            _ => None,
        })
        .collect();
    assert!(expired.len() >= 5, "batches given up: {}", expired.len());
    assert!(expired.iter().all(|&ms| ms == 5_000), "given up late: {expired:?}");
}
