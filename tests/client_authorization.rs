//! Producers' and consumers' reads authorized by the broker as `KafkaApis` does: Metadata and
//! ListOffsets need DESCRIBE on the topic, OffsetFetch DESCRIBE on the group and the topic. A
//! client without them hears Kafka's error for it, before anything else it would send.

use broker_playground::core::acl::Role;
use broker_playground::core::command::{Command, SeekTo};
use broker_playground::core::config::ConsumerConfig;
use broker_playground::core::consumer::ConsumerSpec;
use broker_playground::core::event::{Event, EventKind};
use broker_playground::core::ids::TopicPartition;
use broker_playground::core::producer::ProducerSpec;
use broker_playground::core::scenario::{built_in, Run};
use common::sh_as;

mod common;

/// The roles lesson (authorization on, `orders`, alice may produce) two seconds in, with
/// `acl` granted to its user by the operator.
fn roles_with(acl: &str) -> Run {
    let mut run = Run::new(built_in("roles").unwrap()).unwrap();
    run.advance(2_000);
    if !acl.is_empty() {
        grant(&mut run, acl);
    }
    run
}

/// `kafka-acls --add <acl>` as the operator.
fn grant(run: &mut Run, acl: &str) {
    let out = sh_as(run, &format!("kafka-acls $BS --add {acl}"), "", None);
    assert!(out.ends_with("exit 0\n"), "{out}");
}

fn consumer_errors(events: &[Event], consumer: &str) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ConsumerError { consumer: c, error, detail } if c == consumer => {
                Some(format!("{} ({detail})", error.name()))
            }
            _ => None,
        })
        .collect()
}

fn produce_errors(events: &[Event], producer: &str) -> Vec<&'static str> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ProduceFailed { producer: p, error, .. } if p == producer => Some(error.name()),
            _ => None,
        })
        .collect()
}

/// An idempotent producer (the default) asks Metadata before InitProducerId, as Kafka's Java
/// producer does: without DESCRIBE on its topic it hears TOPIC_AUTHORIZATION_FAILED, never
/// the CLUSTER_AUTHORIZATION_FAILED InitProducerId would answer, and its records fail at
/// once. Granted WRITE (which implies DESCRIBE), it writes.
#[test]
fn a_producer_without_describe_on_its_topic_hears_topic_authorization_failed() {
    let mut run = roles_with("");
    let mut spec = ProducerSpec::new("p2", "orders");
    spec.user = Some("bob".into());
    let mut events = run.apply(run.now(), Command::AddProducer { producer: spec }).unwrap();
    events.extend(run.advance(run.now() + 5_000));
    assert_eq!(produce_errors(&events, "p2"), ["TOPIC_AUTHORIZATION_FAILED"]);
    let p2 = &run.cluster.producers()["p2"];
    assert_eq!(p2.sent, 0);
    assert!(p2.client.pending_records() == 0, "its records failed, none wait");

    grant(&mut run, "--allow-principal User:bob --operation Write --topic orders");
    let events = run.advance(run.now() + 5_000);
    assert!(produce_errors(&events, "p2").is_empty(), "{:?}", produce_errors(&events, "p2"));
    let p2 = &run.cluster.producers()["p2"];
    assert!(p2.sent > 0 && p2.error.is_none());
}

/// `KafkaApis.handleTopicMetadataRequest`: a subscribed topic the principal may not DESCRIBE
/// comes back TOPIC_AUTHORIZATION_FAILED, and the Java consumer's `poll()` throws it, even
/// with READ on its group.
#[test]
fn a_group_member_without_describe_on_its_topic_hears_topic_authorization_failed() {
    let mut run = roles_with("--allow-principal User:carol --operation Read --group audit");
    let mut spec = ConsumerSpec::group("c9", "audit", &["orders"], ConsumerConfig::default());
    spec.user = Some("carol".into());
    let mut events = run.apply(run.now(), Command::AddConsumer { consumer: spec }).unwrap();
    events.extend(run.advance(run.now() + 5_000));
    assert_eq!(
        consumer_errors(&events, "c9").first().map(String::as_str),
        Some("TOPIC_AUTHORIZATION_FAILED (Not authorized to access topics: [orders])")
    );
    assert_eq!(run.cluster.consumers()["c9"].fetched, 0);
}

/// ListOffsets needs DESCRIBE on the topic: a standalone consumer without it gets no position
/// (the refusal is its error), and `seekToEnd` is refused with Kafka's words.
#[test]
fn list_offsets_without_describe_is_refused_and_so_is_a_seek() {
    let mut run = roles_with("");
    let mut spec =
        ConsumerSpec::standalone("solo", vec![TopicPartition::new("orders", 0)], ConsumerConfig::default());
    spec.user = Some("carol".into());
    let events = run.apply(run.now(), Command::AddConsumer { consumer: spec }).unwrap();
    assert_eq!(consumer_errors(&events, "solo"), ["TOPIC_AUTHORIZATION_FAILED (orders-0)"]);
    assert!(run.cluster.consumers()["solo"].positions.is_empty());
    let seek =
        Command::Seek { consumer: "solo".into(), topic: "orders".into(), partition: 0, to: SeekTo::End };
    let e = run.apply(run.now(), seek).unwrap_err();
    assert_eq!(e.to_string(), "TOPIC_AUTHORIZATION_FAILED: Not authorized to access topics: [orders]");
}

/// A producer already writing when its rights go: its Produce is refused with
/// TOPIC_AUTHORIZATION_FAILED; the batch it gives up makes an idempotent producer bump its epoch,
/// and that InitProducerId is refused with CLUSTER_AUTHORIZATION_FAILED (Kafka's
/// `TransactionManager.handleFailedBatch` asks for the bump; KIP-679's check refuses it).
#[test]
fn a_running_producer_losing_its_rights_hears_the_topic_then_the_cluster_refusal() {
    let mut run = roles_with("");
    let events = run.advance(run.now() + 3_000);
    assert!(produce_errors(&events, "p1").is_empty(), "alice writes");
    let revoke = Command::RevokeRole { user: "alice".into(), role: Role::Producer, pattern: "orders".into() };
    let mut events = run.apply(run.now(), revoke).unwrap();
    events.extend(run.advance(run.now() + 5_000));
    assert_eq!(produce_errors(&events, "p1"), ["TOPIC_AUTHORIZATION_FAILED", "CLUSTER_AUTHORIZATION_FAILED"]);
}

/// `KafkaApis.handleOffsetFetchRequest` wants DESCRIBE on the group before anything, so a
/// consumer with `group.id` and READ on the topic alone is refused before it reads (its
/// position comes from the group's committed offset). With DESCRIBE on the group it reads;
/// its commit needs READ on the group and is refused — and creates no group.
#[test]
fn a_consumer_needs_describe_on_its_group_to_start_and_read_on_it_to_commit() {
    let mut run = Run::new(built_in("roles").unwrap()).unwrap();
    run.advance(2_000);
    grant(&mut run, "--allow-principal User:bob --operation Read --topic orders");
    let before = sh_as(&mut run, "kafka-consumer-groups $BS --list", "", None);
    // A standalone consumer (assign()) as bob with group.id=audit commits what it reads.
    let config = ConsumerConfig {
        group_id: Some("audit".into()),
        enable_auto_commit: false,
        ..ConsumerConfig::default()
    };
    let mut spec = ConsumerSpec::standalone(
        "auditor",
        (0..3).map(|p| TopicPartition::new("orders", p)).collect(),
        config,
    );
    spec.user = Some("bob".into());
    let mut events = run.apply(run.now(), Command::AddConsumer { consumer: spec }).unwrap();
    events.extend(run.advance(run.now() + 5_000));
    assert_eq!(
        consumer_errors(&events, "auditor"),
        ["GROUP_AUTHORIZATION_FAILED (group audit)"],
        "OffsetFetch"
    );
    assert_eq!(run.cluster.consumers()["auditor"].fetched, 0, "no position, nothing read");

    grant(&mut run, "--allow-principal User:bob --operation Describe --group audit");
    let events = run.advance(run.now() + 5_000);
    assert!(run.cluster.consumers()["auditor"].fetched > 0, "it reads once it may describe the group");
    let refused = events.iter().any(|e| {
        matches!(&e.kind, EventKind::CommitFailed { consumer, error, .. }
            if consumer == "auditor" && error.name() == "GROUP_AUTHORIZATION_FAILED")
    });
    assert!(refused, "the broker refused bob's commit");
    let after = sh_as(&mut run, "kafka-consumer-groups $BS --list", "", None);
    assert_eq!(before, after, "the refused commit created no group");
}
