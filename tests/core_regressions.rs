//! Focused regression tests for core bugs the invariant driver (tests/core_properties.rs)
//! found. Each names the invariant that broke.

use broker_playground::core::command::SeekTo;
use broker_playground::core::config::{ClusterConfig, ConsumerConfig};
use broker_playground::core::consumer::ConsumerSpec;
use broker_playground::core::group::assignor::TopicPartition;
use broker_playground::core::{Cluster, Command, ErrorCode};

fn cluster_with_topic() -> Cluster {
    let mut c = Cluster::new(ClusterConfig::teaching(), 7);
    c.apply(0, Command::create_topic("orders", 2)).unwrap();
    c
}

/// Invariant "committed ≤ log end": seeking past the log end and committing the position put
/// a committed offset of 1 on an empty partition. A seek past the end is now refused.
#[test]
fn seek_past_the_log_end_is_refused_so_commits_stay_within_the_log() {
    let mut c = cluster_with_topic();
    let cfg = ConsumerConfig { group_id: Some("g".into()), ..ConsumerConfig::teaching() };
    let spec = ConsumerSpec::standalone("c1", vec![TopicPartition::new("orders", 0)], cfg);
    c.apply(1, Command::AddConsumer { consumer: spec }).unwrap();
    let seek = |to| Command::Seek { consumer: "c1".into(), topic: "orders".into(), partition: 0, to };
    let err = c.apply(1, seek(SeekTo::Offset(1))).unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::OffsetOutOfRange), "{err}");
    c.apply(1, seek(SeekTo::Offset(0))).unwrap();
    c.apply(1, Command::CommitSync { consumer: "c1".into() }).unwrap();
    let rows = c.describe_group("g");
    assert_eq!(rows[0].current_offset, Some(0));
    assert!(rows.iter().all(|r| r.current_offset.is_none_or(|o| o <= r.log_end_offset)));
}

/// "No input makes the core panic": broker settings in a scenario were not range-checked.
/// `num.partitions: 1000000000` with auto-created topics allocated 48 GB (an abort, which
/// kills the page), and timeouts near u64::MAX overflowed `now + timeout`.
#[test]
fn broker_settings_in_a_scenario_are_range_checked() {
    use broker_playground::core::scenario::Scenario;
    let cases = [
        (r#"{"num.partitions": 1000000000, "auto.create.topics.enable": true}"#, "cluster.num.partitions"),
        (r#"{"num.partitions": 0}"#, "cluster.num.partitions"),
        (
            r#"{"group.consumer.heartbeat.interval.ms": 18446744073709551615}"#,
            "cluster.group.consumer.heartbeat.interval.ms",
        ),
        (r#"{"group.consumer.session.timeout.ms": 0}"#, "cluster.group.consumer.session.timeout.ms"),
        (
            r#"{"group.initial.rebalance.delay.ms": 18446744073709551615}"#,
            "cluster.group.initial.rebalance.delay.ms",
        ),
        (
            r#"{"playground.network.latency.ms": 18446744073709551615}"#,
            "cluster.playground.network.latency.ms",
        ),
        (r#"{"retention": {"retention.ms": 0, "retention.bytes": null}}"#, "cluster.retention"),
    ];
    for (cluster, path) in cases {
        let text = format!(
            r#"{{"version": 1, "cluster": {cluster}, "producers": [{{"name": "p", "topic": "auto"}}]}}"#
        );
        let e = Scenario::from_json(&text).expect_err(cluster);
        assert_eq!(e.path, path, "{cluster}: {e}");
    }
    let ok = r#"{"version": 1, "cluster": {"num.partitions": 1024, "auto.create.topics.enable": true},
        "producers": [{"name": "p", "topic": "auto"}]}"#;
    let mut run = broker_playground::core::scenario::Run::new(Scenario::from_json(ok).unwrap()).unwrap();
    run.advance(2_000);
    assert_eq!(run.cluster.topics()["auto"].partition_count(), 1024);
}

/// Invariant "committed ≤ log end" (and "a deleted topic's offsets are gone"): a manual
/// commit waiting for processing to end kept the deleted topic's positions and wrote them
/// back into the group after the deletion; a re-created topic then started with a committed
/// offset past its end.
#[test]
fn a_pending_commit_does_not_resurrect_a_deleted_topics_offsets() {
    use broker_playground::core::producer::ProducerSpec;
    let mut c = cluster_with_topic();
    let mut p = ProducerSpec::new("p", "orders");
    p.rate = 50.0;
    c.apply(0, Command::AddProducer { producer: p }).unwrap();
    let mut cfg = ConsumerConfig::teaching();
    cfg.enable_auto_commit = false;
    cfg.processing_ms_per_record = 100.0;
    let spec = ConsumerSpec::group("c1", "g", &["orders"], cfg);
    c.apply(0, Command::AddConsumer { consumer: spec }).unwrap();
    // Joined, fetching, and busy processing a batch whose commit is pending.
    let mut t = 2_000;
    while c.consumers()["c1"].pending_commit.is_none() {
        t += 10;
        c.advance(t);
        assert!(t < 60_000, "the consumer never had a commit pending");
    }
    c.apply(t, Command::DeleteTopic { name: "orders".into() }).unwrap();
    c.advance(t + 30_000);
    assert!(c.groups()["g"].offsets.is_empty(), "{:?}", c.groups()["g"].offsets);
    c.apply(t + 30_000, Command::create_topic("orders", 2)).unwrap();
    assert!(c.describe_group("g").iter().all(|r| r.current_offset.is_none_or(|o| o <= r.log_end_offset)));
}

/// Invariant "redelivery accounting is honest": deliveries to a consumer with a group.id
/// counted in its group's history only once the group existed (a member joined or someone
/// committed). Before that they went to the consumer's own history, so another consumer of the
/// same group reading the same records later was not told they were redelivered.
#[test]
fn deliveries_count_for_the_group_before_it_has_members_or_commits() {
    use broker_playground::core::event::EventKind;
    use broker_playground::core::producer::ProducerSpec;
    let mut c = cluster_with_topic();
    let mut p = ProducerSpec::new("p", "orders");
    p.keys = broker_playground::core::producer::KeyMode::Partition { partition: 0 };
    p.rate = 20.0;
    c.apply(0, Command::AddProducer { producer: p }).unwrap();
    c.advance(2_000);
    // Manual commit after a long processing: nothing is committed for a while.
    let mut cfg = ConsumerConfig { group_id: Some("g".into()), ..ConsumerConfig::teaching() };
    cfg.enable_auto_commit = false;
    cfg.processing_ms_per_record = 1_000.0;
    cfg.max_poll_records = 5;
    let orders0 = vec![TopicPartition::new("orders", 0)];
    let first = ConsumerSpec::standalone("first", orders0.clone(), cfg.clone());
    c.apply(2_000, Command::AddConsumer { consumer: first }).unwrap();
    let second = ConsumerSpec::standalone("second", orders0, cfg);
    let events = c.apply(2_100, Command::AddConsumer { consumer: second }).unwrap();
    assert!(events
        .iter()
        .any(|e| matches!(&e.kind, EventKind::Fetched { consumer, .. } if consumer == "first")));
    let events = c.advance(2_300);
    let redelivered: u64 = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Fetched { consumer, redelivered, .. } if consumer == "second" => Some(*redelivered),
            _ => None,
        })
        .sum();
    assert_eq!(redelivered, 5, "{events:?}");
}

/// "Group states move only along Kafka's transitions": a crashed classic member whose settings
/// were switched to `group.protocol=consumer`, then removed, left through the KIP-848 path and
/// put its classic group into Reconciling (PreparingRebalance -> Reconciling). Leaving follows
/// the protocol of the group the member is in, not its current settings.
#[test]
fn leaving_follows_the_groups_protocol_not_edited_settings() {
    use broker_playground::core::group::GroupProtocol;
    use broker_playground::core::group::GroupState;
    let mut c = cluster_with_topic();
    for name in ["c1", "c2"] {
        let spec = ConsumerSpec::group(name, "g", &["orders"], ConsumerConfig::teaching());
        c.apply(0, Command::AddConsumer { consumer: spec }).unwrap();
    }
    c.advance(2_000);
    c.apply(2_000, Command::CrashConsumer { name: "c2".into() }).unwrap();
    let mut spec = c.consumers()["c2"].spec.clone();
    spec.config.group_protocol = GroupProtocol::Consumer;
    c.apply(2_000, Command::UpdateConsumer { consumer: spec }).unwrap();
    let events = c.apply(2_000, Command::RemoveConsumer { name: "c2".into() }).unwrap();
    assert!(events
        .iter()
        .all(|e| !matches!(e.kind, broker_playground::core::EventKind::GroupEpochBumped { .. })));
    assert_eq!(c.groups()["g"].state, GroupState::PreparingRebalance);
    c.advance(4_000);
    assert_eq!(c.groups()["g"].state, GroupState::Stable);
    assert_eq!(c.consumers()["c1"].assignment.len(), 2);
}
