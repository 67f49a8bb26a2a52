//! The producer's send path (`core/cluster/producers.rs`, Kafka's `Sender` and
//! `RecordAccumulator`) where a rule holds only indirectly:
//! - after an epoch bump, a partition's new batches wait while a batch of that partition sent
//!   under the old epoch is queued or in flight (`RecordAccumulator.shouldStopDrainBatchesForPartition`);
//!   other partitions are not held, and the hold lifts once the old batch is answered, after
//!   every bump;
//! - no batch stays queued past `delivery.timeout.ms` (`expire_batches` looks at the queue's
//!   front only: right only while the queue is in creation order), whatever the faults.

use broker_playground::core::command::Command;
use broker_playground::core::error::ErrorCode;
use broker_playground::core::event::{Event, EventKind};
use broker_playground::core::ids::BrokerId;
use broker_playground::core::log::ValueRef;
use broker_playground::core::scenario::{Run, Scenario};
use proptest::prelude::*;

// ------------------------------------------------------------------ the old epoch's retry first

/// Three brokers (`broker.session.timeout.ms` 4 s); `orders` with 2 partitions of 3 replicas
/// (orders-0 led by broker 3, orders-1 by broker 1, broker 2 follows both); `p1` idempotent
/// (the default) with `acks=all`, sending only what the test sends, `request.timeout.ms` 500,
/// `retry.backoff.ms` 100, `delivery.timeout.ms` 2500.
fn two_partitions() -> Run {
    let text = r#"{"version": 1, "seed": 7,
  "cluster": {"broker.session.timeout.ms": 4000},
  "brokers": [{"id": 1, "rack": "a"}, {"id": 2, "rack": "b"}, {"id": 3, "rack": "c"}],
  "topics": [{"name": "orders", "partitions": 2, "replication_factor": 3}],
  "producers": [{"name": "p1", "topic": "orders", "rate": 0,
                 "config": {"acks": "all", "request.timeout.ms": 500, "retry.backoff.ms": 100,
                            "delivery.timeout.ms": 2500}}]}"#;
    let r = Run::new(Scenario::from_json(text).expect("parses")).expect("builds");
    let leader = |p| r.cluster.replication().partition("orders", p).expect("exists").registration.leader;
    assert_eq!((leader(0), leader(1)), (BrokerId(3), BrokerId(1)), "the placement the story needs");
    r
}

/// "Send one": `value` to `orders-partition` at `at`.
fn send(r: &mut Run, at: u64, partition: u32, value: &str) -> Vec<Event> {
    let mut events = r.advance(at);
    let cmd = Command::SendOne {
        producer: "p1".into(),
        key: None,
        value: Some(value.into()),
        partition: Some(partition),
        headers: Vec::new(),
    };
    events.extend(r.apply(at, cmd).expect("sends"));
    events
}

/// One epoch bump with an old-epoch batch still to be answered, from `t0` (values end in
/// `round`):
/// - `t0`: broker 2 crashes, so `acks=all` answers wait until the controller fences it
///   (`t0` + 4 s). `b` goes to orders-0; each attempt times out (500 ms) and is retried.
/// - `t0` + 2.4 s: `a` goes to orders-1, in the same instant as `b`'s fourth attempt.
/// - `t0` + 2.9 s: both time out. `b` is older than `delivery.timeout.ms`: given up, a gap in
///   orders-0's sequence, so the producer bumps its epoch. `a` is retried under the old epoch
///   (its first attempt is in the log; only the same numbers make the retry a duplicate).
/// - `t0` + 3.05 s: `n` to orders-1 (new: must wait for `a`); `t0` + 3.06 s: `c` to orders-0
///   (nothing of the old epoch there: goes at once).
/// - `t0` + 4 s: broker 2 fenced, the held answers go out. `t0` + 5 s: broker 2 starts again,
///   back in both ISRs well before `t0` + 10 s.
fn bump_with_a_retry_outstanding(r: &mut Run, t0: u64, round: &str) -> Vec<Event> {
    let mut events = r.advance(t0);
    events.extend(r.apply(t0, Command::CrashBroker { broker: BrokerId(2) }).expect("crashes"));
    events.extend(send(r, t0, 0, &format!("b{round}")));
    events.extend(send(r, t0 + 2_400, 1, &format!("a{round}")));
    events.extend(send(r, t0 + 3_050, 1, &format!("n{round}")));
    events.extend(send(r, t0 + 3_060, 0, &format!("c{round}")));
    events.extend(r.advance(t0 + 5_000));
    events.extend(r.apply(t0 + 5_000, Command::StartBroker { broker: BrokerId(2) }).expect("starts"));
    events.extend(r.advance(t0 + 10_000));
    events
}

/// The text values of `orders-partition`'s log, in offset order.
fn log_values(r: &Run, partition: u32) -> Vec<String> {
    let log = &r.cluster.topics()["orders"].partitions[partition as usize];
    log.read(log.log_start(), usize::MAX)
        .map(|(_, rec)| match &rec.value {
            ValueRef::Text(t) => t.to_string(),
            ValueRef::Seq(s) => s.to_string(),
        })
        .collect()
}

/// When the leader wrote (`Produced`) and when the producer heard it acknowledged
/// (`ProduceAcknowledged`) the record `value` of `orders-partition` (the first time each).
fn written_and_acknowledged(
    r: &Run,
    events: &[Event],
    partition: u32,
    value: &str,
) -> (Option<u64>, Option<u64>) {
    let log = &r.cluster.topics()["orders"].partitions[partition as usize];
    let holds = |base: u64, count: u64| {
        (base..base + count)
            .any(|o| log.get(o).is_some_and(|rec| matches!(&rec.value, ValueRef::Text(t) if &***t == value)))
    };
    let written = events.iter().find_map(|e| match &e.kind {
        EventKind::Produced { partition: p, base_offset, count, .. }
            if *p == partition && holds(*base_offset, *count) =>
        {
            Some(e.at)
        }
        _ => None,
    });
    let acknowledged = events.iter().find_map(|e| match &e.kind {
        EventKind::ProduceAcknowledged { partition: p, base_offset, count, .. }
            if *p == partition && holds(*base_offset, *count) =>
        {
            Some(e.at)
        }
        _ => None,
    });
    (written, acknowledged)
}

/// The errors of the producer's refused writes, with when and where.
fn produce_errors(events: &[Event]) -> Vec<(u64, Option<u32>, ErrorCode)> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ProduceFailed { partition, error, .. } => Some((e.at, *partition, *error)),
            _ => None,
        })
        .collect()
}

/// Kafka's `shouldStopDrainBatchesForPartition` after an epoch bump: orders-1's new record `n`
/// is not sent while `a`, sent under the old epoch, waits for its answer. Sent at once, `n`
/// (new epoch, sequence 0) would reach the leader first; the leader then refuses `a`'s retry
/// with INVALID_PRODUCER_EPOCH although `a` is in its log — the producer fails a written
/// record and bumps its epoch a second time. Other partitions are not held: `c` on orders-0
/// goes at once. The leader takes a new epoch only at sequence 0 (else
/// OUT_OF_ORDER_SEQUENCE_NUMBER), so `n` acknowledged without that error was numbered from 0.
#[test]
fn new_batches_wait_for_their_partitions_old_epoch_retry_and_other_partitions_do_not() {
    let mut r = two_partitions();
    let events = bump_with_a_retry_outstanding(&mut r, 1_000, "");
    let p = &r.cluster.producers()["p1"];
    assert_eq!(
        p.client.producer_epoch,
        1,
        "one bump (for b), not a second one: {:?}",
        produce_errors(&events)
    );
    let refused: Vec<_> = produce_errors(&events)
        .into_iter()
        .filter(|(_, _, e)| {
            matches!(e, ErrorCode::InvalidProducerEpoch | ErrorCode::OutOfOrderSequenceNumber)
        })
        .collect();
    assert_eq!(refused, Vec::new(), "no write refused for its epoch or sequence");

    let (a_written, a_acked) = written_and_acknowledged(&r, &events, 1, "a");
    let (n_written, n_acked) = written_and_acknowledged(&r, &events, 1, "n");
    let (c_written, c_acked) = written_and_acknowledged(&r, &events, 0, "c");
    assert_eq!(a_written, Some(3_400), "a's first attempt is written at once");
    let a_acked = a_acked.expect("a's old-epoch retry is answered (as a duplicate), not refused");
    let n_written = n_written.expect("n is written in the end");
    assert!(
        n_written >= a_acked,
        "the leader got n (new epoch) at {n_written}, before a's old-epoch retry was answered at {a_acked}"
    );
    assert!(n_acked.is_some(), "n is acknowledged");
    assert_eq!(c_written, Some(4_060), "orders-0 has nothing of the old epoch outstanding: c is not held");
    assert!(c_acked.is_some());

    assert_eq!(log_values(&r, 1), ["a", "n"], "orders-1: each record once, a before n");
    assert_eq!(log_values(&r, 0), ["b", "c"], "orders-0: b (given up, but written) and c, once each");
    assert_eq!((p.client.acknowledged, p.client.failed), (3, 1), "a, n, c acknowledged; only b failed");
    assert_eq!(p.client.pending_records(), 0);
}

/// The hold is looked for only while batches of an older epoch may remain (`epoch_changed`,
/// set by each InitProducerId answer, cleared once none is left): it must neither hold a
/// partition's new batches once the old one is answered, nor be forgotten at the next bump.
/// Two bumps, each with an old-epoch retry outstanding: each time the new record waits for the
/// retry's answer, then goes; the epoch rises by exactly one per bump; afterwards nothing is
/// held, and new records on both partitions go at once.
#[test]
fn the_hold_lifts_once_the_old_batch_is_answered_and_returns_at_the_next_bump() {
    let mut r = two_partitions();
    let mut all = Vec::new();
    for (round, t0) in [("1", 1_000), ("2", 11_000)] {
        let events = bump_with_a_retry_outstanding(&mut r, t0, round);
        let epoch = r.cluster.producers()["p1"].client.producer_epoch;
        assert_eq!(
            i32::from(epoch),
            round.parse::<i32>().unwrap(),
            "one bump per round: {:?}",
            produce_errors(&events)
        );
        let (_, a_acked) = written_and_acknowledged(&r, &events, 1, &format!("a{round}"));
        let (n_written, n_acked) = written_and_acknowledged(&r, &events, 1, &format!("n{round}"));
        let a_acked = a_acked.unwrap_or_else(|| panic!("round {round}: a answered, not refused"));
        let n_written = n_written.unwrap_or_else(|| panic!("round {round}: n held for good"));
        assert!(n_written >= a_acked, "round {round}: n at {n_written}, a answered at {a_acked}");
        assert!(
            n_acked.is_some_and(|t| t <= t0 + 5_000),
            "round {round}: n goes as soon as a is answered (t0 + 4 s), not later: {n_acked:?}"
        );
        all.extend(events);
    }
    let refused: Vec<_> = produce_errors(&all)
        .into_iter()
        .filter(|(_, _, e)| {
            matches!(e, ErrorCode::InvalidProducerEpoch | ErrorCode::OutOfOrderSequenceNumber)
        })
        .collect();
    assert_eq!(refused, Vec::new());
    assert_eq!(r.cluster.producers()["p1"].client.pending_records(), 0, "nothing held back");
    // Later records go at once on both partitions (the leaders answer once the ISR has them).
    let mut later = send(&mut r, 21_000, 0, "z0");
    later.extend(send(&mut r, 21_000, 1, "z1"));
    later.extend(r.advance(22_000));
    for (partition, value) in [(0, "z0"), (1, "z1")] {
        let (written, acked) = written_and_acknowledged(&r, &later, partition, value);
        assert_eq!(written, Some(21_000), "{value} is not held");
        assert!(acked.is_some(), "{value} is acknowledged");
    }
    assert_eq!(log_values(&r, 1), ["a1", "n1", "a2", "n2", "z1"]);
    assert_eq!(log_values(&r, 0), ["b1", "c1", "b2", "c2", "z0"]);
}

// ------------------------------------------------------------------ no batch queued past its time

/// A producer's settings for one case: `request.timeout.ms`, `delivery.timeout.ms` above it,
/// `retries`, `retry.backoff.ms`, `max.in.flight.requests.per.connection`, idempotence.
#[derive(Debug, Clone)]
struct Settings {
    rate: u32,
    request_timeout: u64,
    delivery_extra: u64,
    retries: u32,
    backoff: u64,
    max_in_flight: u32,
    idempotent: bool,
}

fn settings() -> impl Strategy<Value = Settings> {
    (
        0u32..40,
        prop::sample::select(vec![200u64, 500, 1_500]),
        50u64..3_000,
        prop::sample::select(vec![0u32, 1, 3, 2_147_483_647]),
        prop::sample::select(vec![0u64, 100, 700]),
        1u32..=5,
        any::<bool>(),
    )
        .prop_map(
            |(rate, request_timeout, delivery_extra, retries, backoff, max_in_flight, idempotent)| Settings {
                rate,
                request_timeout,
                delivery_extra,
                retries,
                backoff,
                max_in_flight,
                // enable.idempotence needs retries > 0.
                idempotent: idempotent && retries > 0,
            },
        )
}

#[derive(Debug, Clone, Copy)]
enum Op {
    /// Time goes on (ms).
    Wait(u64),
    Crash(i32),
    Stop(i32),
    Start(i32),
    Isolate(i32),
    Heal(i32),
    Pause(u8),
    Resume(u8),
    /// "Send one" from producer `.0` to partition `.1`.
    SendOne(u8, u32),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (1u64..2_500).prop_map(Op::Wait),
        1 => (1..=3i32).prop_map(Op::Crash),
        1 => (1..=3i32).prop_map(Op::Stop),
        2 => (1..=3i32).prop_map(Op::Start),
        1 => (1..=3i32).prop_map(Op::Isolate),
        2 => (1..=3i32).prop_map(Op::Heal),
        1 => (0u8..2).prop_map(Op::Pause),
        1 => (0u8..2).prop_map(Op::Resume),
        3 => (0u8..2, 0u32..3).prop_map(|(p, part)| Op::SendOne(p, part)),
    ]
}

/// Three brokers, `orders` with 3 partitions of 3 replicas (`min.insync.replicas` 2, so a
/// second broker down refuses writes), and two producers with `settings`.
fn faulty_cluster(producers: &[Settings; 2]) -> Run {
    let spec = |i: usize, s: &Settings| {
        format!(
            r#"{{"name": "p{i}", "topic": "orders", "rate": {}, "batch.size": 200,
                "config": {{"acks": "all", "enable.idempotence": {}, "request.timeout.ms": {},
                           "delivery.timeout.ms": {}, "retries": {}, "retry.backoff.ms": {},
                           "max.in.flight.requests.per.connection": {}}}}}"#,
            s.rate,
            s.idempotent,
            s.request_timeout,
            s.request_timeout + s.delivery_extra,
            s.retries,
            s.backoff,
            s.max_in_flight
        )
    };
    let text = format!(
        r#"{{"version": 1, "seed": 3,
  "brokers": [{{"id": 1, "rack": "a"}}, {{"id": 2, "rack": "b"}}, {{"id": 3, "rack": "c"}}],
  "topics": [{{"name": "orders", "partitions": 3, "replication_factor": 3,
              "config": {{"min.insync.replicas": 2}}}}],
  "producers": [{}, {}]}}"#,
        spec(0, &producers[0]),
        spec(1, &producers[1])
    );
    Run::new(Scenario::from_json(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))).expect("builds")
}

/// Runs `ops` on [`faulty_cluster`] in slices of at most 100 ms, checking after every slice
/// and command that no batch is queued past its producer's `delivery.timeout.ms`
/// (`produce_batches_overdue`) and that every `BatchExpired` came exactly at that time (not
/// later, behind a younger batch); then 20 s more.
/// Returns how many batches expired.
fn drive(producers: &[Settings; 2], ops: &[Op]) -> Result<usize, TestCaseError> {
    let mut r = faulty_cluster(producers);
    let timeout =
        |r: &Run, name: &str| r.cluster.producers()[name].client.config.effective_delivery_timeout_ms();
    let mut expired = 0;
    let mut now = 0;
    let mut check = |r: &Run, now: u64, events: &[Event]| -> Result<(), TestCaseError> {
        for e in events {
            if let EventKind::BatchExpired { producer, elapsed_ms, partition, .. } = &e.kind {
                expired += 1;
                prop_assert_eq!(
                    *elapsed_ms,
                    timeout(r, producer),
                    "{}'s batch for orders-{} expired {} ms after it was made, at {}",
                    producer,
                    partition,
                    elapsed_ms,
                    e.at
                );
            }
        }
        prop_assert_eq!(
            r.cluster.produce_batches_overdue(now),
            0,
            "a batch queued past its delivery timeout at {}",
            now
        );
        prop_assert_eq!(
            r.cluster.produce_requests_overdue(now),
            0,
            "a request neither answered nor timed out at {}",
            now
        );
        Ok(())
    };
    for op in ops.iter().copied().chain([Op::Wait(20_000)]) {
        let cmd = match op {
            Op::Wait(ms) => {
                let end = now + ms;
                while now < end {
                    now = (now + 100).min(end);
                    let events = r.advance(now);
                    check(&r, now, &events)?;
                }
                continue;
            }
            Op::Crash(b) => Command::CrashBroker { broker: BrokerId(b) },
            Op::Stop(b) => Command::StopBroker { broker: BrokerId(b) },
            Op::Start(b) => Command::StartBroker { broker: BrokerId(b) },
            Op::Isolate(b) => Command::IsolateBroker { broker: BrokerId(b) },
            Op::Heal(b) => Command::HealBroker { broker: BrokerId(b) },
            Op::Pause(p) => Command::PauseProducer { name: format!("p{p}") },
            Op::Resume(p) => Command::ResumeProducer { name: format!("p{p}") },
            Op::SendOne(p, partition) => Command::SendOne {
                producer: format!("p{p}"),
                key: None,
                value: None,
                partition: Some(partition),
                headers: Vec::new(),
            },
        };
        // A refused command (starting a running broker, …) changes nothing.
        let events = r.apply(now, cmd).unwrap_or_default();
        check(&r, now, &events)?;
    }
    Ok(expired)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Whatever the brokers do (crash, stop, start, cut off, heal) and however the producers
    /// are set (timeouts, retries, backoff, in-flight limit, idempotence) or driven (rate,
    /// pauses, single sends), no batch stays queued past its `delivery.timeout.ms`: each one
    /// expires exactly then, never later because a younger batch sits before it in the queue
    /// (`expire_batches` looks only at the queue's front).
    #[test]
    fn no_batch_stays_queued_past_its_delivery_timeout(
        producers in [settings(), settings()],
        ops in prop::collection::vec(op(), 1..40),
    ) {
        drive(&producers, &ops)?;
    }
}

/// The case the property guards, by hand: every leader is cut off (broker 3, orders-2's, at
/// 1 s; brokers 1 and 2 at 1.3 s) with batches of every partition on their way. Their
/// requests time out and the batches are retried, put back among newer ones that wait with
/// them while nobody can answer. Each must expire exactly when its `delivery.timeout.ms` is
/// over, the batches behind the queue's front as much as the front one (a retry put back at
/// the end of the queue, behind newer batches, would wait there past its time).
#[test]
fn a_retried_batch_behind_younger_ones_expires_on_time() {
    let s = Settings {
        rate: 0,
        request_timeout: 500,
        delivery_extra: 1_500,
        retries: 2_147_483_647,
        backoff: 100,
        max_in_flight: 5,
        idempotent: true,
    };
    let ops = [
        Op::Wait(1_000),
        Op::Isolate(3),
        Op::SendOne(0, 0),
        Op::SendOne(0, 1),
        Op::SendOne(0, 2),
        Op::Wait(300),
        Op::Isolate(1),
        Op::Isolate(2),
        Op::SendOne(0, 0),
        Op::SendOne(0, 1),
        Op::SendOne(0, 2),
        Op::Wait(1_000),
        Op::SendOne(0, 1),
        Op::Wait(3_000),
        Op::Heal(1),
        Op::Heal(2),
        Op::Heal(3),
    ];
    let expired = drive(&[s.clone(), s], &ops).unwrap_or_else(|e| panic!("{e}"));
    assert!(expired >= 2, "the story expires batches: {expired}");
}
