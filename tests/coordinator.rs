//! The group coordinator as a user meets it: where it lives, what it refuses, and (with
//! several brokers) how it moves.

use broker_playground::core::command::Command;
use broker_playground::core::config::ConsumerConfig;
use broker_playground::core::consumer::ConsumerSpec;
use broker_playground::core::event::EventKind;
use broker_playground::core::ids::TopicPartition;
use broker_playground::core::scenario::{built_in, Run};
use broker_playground::core::tools::{self, Context};

/// Runs one tool line as `user`; returns stdout, then stderr after `--- stderr`.
fn sh(run: &mut Run, line: &str, user: Option<&str>) -> String {
    let ctx = Context { user: user.map(str::to_string), stdin: String::new(), follow: false };
    let o = tools::run(&line.replace("$BS", "--bootstrap-server localhost:9092"), run, &ctx);
    format!("{}--- stderr\n{}--- exit {}\n", o.stdout, o.stderr, o.status)
}

#[test]
fn a_commit_refused_for_lack_of_read_on_the_group_leaves_no_group_behind() {
    let mut run = Run::new(built_in("roles").unwrap()).unwrap();
    run.advance(2_000);
    // bob may read the topic, not the group "audit".
    let granted =
        sh(&mut run, "kafka-acls $BS --add --allow-principal User:bob --operation Read --topic orders", None);
    assert!(granted.ends_with("exit 0\n"), "{granted}");
    let before = sh(&mut run, "kafka-consumer-groups $BS --list", None);
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
    run.apply(run.now(), Command::AddConsumer { consumer: spec }).unwrap();
    let events = run.advance(run.now() + 5_000);
    let refused = events.iter().any(|e| {
        matches!(&e.kind, EventKind::CommitFailed { consumer, error, .. }
            if consumer == "auditor" && error.name() == "GROUP_AUTHORIZATION_FAILED")
    });
    assert!(refused, "the broker refused bob's commit");
    let after = sh(&mut run, "kafka-consumer-groups $BS --list", None);
    assert_eq!(before, after, "the refused commit created no group");
}
