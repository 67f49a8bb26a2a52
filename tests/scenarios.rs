//! Every built-in scenario is also a test: its timeline (without per-record traffic), the
//! final `kafka-consumer-groups --describe` tables and a hash of the whole event stream are
//! checked in under tests/timelines/. Regenerate after an intended change with
//! `UPDATE_EXPECT=1 cargo test --test scenarios` and read the diff.

use broker_playground::core::event::EventKind;
use broker_playground::core::scenario::{built_in, event_stream_hash, Run, BUILT_IN};
use broker_playground::i18n::Narrate;
use std::fmt::Write;

fn is_traffic(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Produced { .. }
            | EventKind::ProduceAcknowledged { .. }
            | EventKind::Fetched { redelivered: 0, .. }
            | EventKind::Committed { .. }
            | EventKind::OffsetReset { .. }
            | EventKind::PositionRestored { .. }
            | EventKind::RetentionDeleted { .. }
            | EventKind::ShareAcquired { delivery_count: 1, .. }
            | EventKind::ShareAcknowledged { .. }
    )
}

fn timeline(id: &str) -> String {
    let scenario = built_in(id).expect("built-in");
    let until = scenario.duration.map_or(60_000, |d| d.0);
    let mut run = Run::new(scenario).expect("loads");
    let events = run.advance(until);
    let mut out = String::new();
    writeln!(out, "# {id}: events without per-record traffic").unwrap();
    for e in events.iter().filter(|e| !is_traffic(&e.kind)) {
        writeln!(out, "{}", e.line()).unwrap();
    }
    for g in run.cluster.groups().keys() {
        writeln!(out, "\n# kafka-consumer-groups --describe --group {g}").unwrap();
        writeln!(out, "TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID").unwrap();
        for r in run.cluster.describe_group(g) {
            let opt = |o: Option<u64>| o.map_or("-".to_string(), |v| v.to_string());
            writeln!(
                out,
                "{} {} {} {} {} {}",
                r.topic,
                r.partition,
                opt(r.current_offset),
                r.log_end_offset,
                opt(r.lag),
                r.consumer.as_deref().unwrap_or("-")
            )
            .unwrap();
        }
    }
    writeln!(out, "\n# {} events in all; stream hash {:016x}", events.len(), event_stream_hash(&events))
        .unwrap();
    out
}

#[test]
fn built_in_scenario_timelines() {
    for (id, _) in BUILT_IN {
        let path = format!("timelines/{id}.txt");
        expect_test::expect_file![path].assert_eq(&timeline(id));
    }
}

#[test]
fn a_scenario_replays_identically_from_its_seed() {
    for (id, _) in BUILT_IN {
        assert_eq!(timeline(id), timeline(id), "{id}");
    }
}
