//! Properties of the broker core, over random inputs (proptest), and an invariant-checking
//! random driver: random commands and time jumps, with Kafka's invariants checked after every
//! step. A failure prints the seed and the shrunk command list (proptest does the shrinking).
//! `PROPTEST_CASES=5000 cargo test --release --test core_properties` for a longer soak.

use broker_playground::core::acl::Role;
use broker_playground::core::config::{ClusterConfig, ConsumerConfig, GroupProtocol};
use broker_playground::core::consumer::{ConsumerMode, ConsumerSpec};
use broker_playground::core::event::EventKind;
use broker_playground::core::group::assignor::{Strategy as Assignor, TopicPartition};
use broker_playground::core::group::GroupState;
use broker_playground::core::log::{PartitionLog, Record, Retention, Value};
use broker_playground::core::producer::{KeyMode, ProducerSpec};
use broker_playground::core::scenario::event_stream_hash;
use broker_playground::core::{Cluster, Command, Event};
use proptest::prelude::*;
use std::collections::BTreeMap;

proptest! {
    /// Offsets are dense and increasing; everything within retention can be read back.
    #[test]
    fn log_offsets_are_dense_and_retained_records_fetchable(
        sizes in prop::collection::vec(0usize..40, 1..300),
        retention_bytes in prop::option::of(200u64..5_000),
        retention_ms in prop::option::of(1u64..500),
    ) {
        let mut log = PartitionLog::new();
        let retention = Retention { ms: retention_ms, bytes: retention_bytes };
        for (t, size) in sizes.iter().enumerate() {
            let now = t as u64 * 10;
            let rec = Record { timestamp: now, key: None, value: Value::Text("x".repeat(*size).into()), producer: 0 };
            let before_end = log.log_end();
            prop_assert_eq!(log.append(rec), before_end);
            log.enforce_retention(retention, now);
            prop_assert_eq!(log.log_end(), before_end + 1);
            prop_assert_eq!(log.log_end() - log.log_start(), log.len() as u64);
            let offsets: Vec<u64> = log.read(log.log_start(), usize::MAX).map(|(o, _)| o).collect();
            let want: Vec<u64> = (log.log_start()..log.log_end()).collect();
            prop_assert_eq!(offsets, want);
            if let Some(b) = retention_bytes {
                // Over the limit only by the newest record.
                prop_assert!(log.size_bytes() <= b + 60);
            }
        }
    }
}

#[derive(Debug, Clone)]
enum Op {
    Advance(u64),
    AddConsumer { group: u8, strategy: u8, kip848: bool, static_member: bool },
    Crash(u8),
    Restart(u8),
    Leave(u8),
    Remove(u8),
    Pause(u8),
    Resume(u8),
    Standalone(u8, u8),
    AddPartitions(u8),
    SendOne(Option<u8>),
    ToggleAuth,
    Grant(u8),
    Revoke(u8),
    SlowDown(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (1u64..8_000).prop_map(Op::Advance),
        3 => (0u8..2, 0u8..4, any::<bool>(), any::<bool>()).prop_map(|(group, strategy, kip848, static_member)| Op::AddConsumer { group, strategy, kip848, static_member }),
        1 => any::<u8>().prop_map(Op::Crash),
        1 => any::<u8>().prop_map(Op::Restart),
        1 => any::<u8>().prop_map(Op::Leave),
        1 => any::<u8>().prop_map(Op::Remove),
        1 => any::<u8>().prop_map(Op::Pause),
        1 => any::<u8>().prop_map(Op::Resume),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(c, m)| Op::Standalone(c, m)),
        1 => (1u8..3).prop_map(Op::AddPartitions),
        1 => prop::option::of(0u8..4).prop_map(Op::SendOne),
        1 => Just(Op::ToggleAuth),
        1 => (0u8..4).prop_map(Op::Grant),
        1 => (0u8..4).prop_map(Op::Revoke),
        1 => any::<u8>().prop_map(Op::SlowDown),
    ]
}

struct World {
    cluster: Cluster,
    now: u64,
    events: Vec<Event>,
    added: u32,
    auth: bool,
}

const ROLES: [Role; 4] = [Role::Consumer, Role::Producer, Role::TopicAdmin, Role::Admin];

impl World {
    fn new(seed: u64) -> World {
        let mut cluster = Cluster::new(ClusterConfig::teaching(), seed);
        let mut events = Vec::new();
        events.extend(
            cluster
                .apply(0, Command::CreateTopic { name: "orders".into(), partitions: 4, retention: None })
                .unwrap(),
        );
        let mut p = ProducerSpec::new("p1", "orders");
        p.rate = 20.0;
        p.keys = KeyMode::Set { prefix: "user-".into(), count: 5 };
        p.user = Some("alice".into());
        events.extend(cluster.apply(0, Command::AddProducer { producer: p }).unwrap());
        events.extend(cluster.apply(0, Command::AddUser { name: "alice".into() }).unwrap());
        World { cluster, now: 0, events, added: 0, auth: false }
    }

    fn consumer_name(&self, i: u8) -> Option<String> {
        let names: Vec<&String> = self.cluster.consumers().keys().collect();
        (!names.is_empty()).then(|| names[i as usize % names.len()].clone())
    }

    fn run(&mut self, op: &Op) {
        let now = self.now;
        let cmd = match op {
            Op::Advance(ms) => {
                self.now += ms;
                let ev = self.cluster.advance(self.now);
                self.events.extend(ev);
                return;
            }
            Op::AddConsumer { group, strategy, kip848, static_member } => {
                self.added += 1;
                let name = format!("c{}", self.added);
                let mut cfg = ConsumerConfig::teaching();
                cfg.assignment_strategy = vec![
                    [Assignor::Range, Assignor::RoundRobin, Assignor::Sticky, Assignor::CooperativeSticky]
                        [*strategy as usize % 4],
                ];
                if *kip848 {
                    cfg.group_protocol = GroupProtocol::Consumer;
                }
                if *static_member {
                    cfg.group_instance_id = Some(format!("i{}", self.added));
                }
                let mut spec = ConsumerSpec::group(&name, &format!("g{group}"), &["orders"], cfg);
                spec.user = Some("alice".into());
                Command::AddConsumer { consumer: spec }
            }
            Op::Crash(i) => match self.consumer_name(*i) {
                Some(name) => Command::CrashConsumer { name },
                None => return,
            },
            Op::Restart(i) => match self.consumer_name(*i) {
                Some(name) => Command::RestartConsumer { name },
                None => return,
            },
            Op::Leave(i) => match self.consumer_name(*i) {
                Some(name) => Command::LeaveGroup { name },
                None => return,
            },
            Op::Remove(i) => match self.consumer_name(*i) {
                Some(name) => Command::RemoveConsumer { name },
                None => return,
            },
            Op::Pause(i) => match self.consumer_name(*i) {
                Some(name) => Command::PauseConsumer { name },
                None => return,
            },
            Op::Resume(i) => match self.consumer_name(*i) {
                Some(name) => Command::ResumeConsumer { name },
                None => return,
            },
            Op::Standalone(i, mask) => {
                let Some(name) = self.consumer_name(*i) else { return };
                let n = self.cluster.topics()["orders"].partition_count();
                let partitions = (0..n)
                    .filter(|p| mask & (1 << (p % 8)) != 0)
                    .map(|p| TopicPartition::new("orders", p))
                    .collect();
                Command::SetConsumerMode { name, mode: ConsumerMode::Standalone { partitions } }
            }
            Op::AddPartitions(k) => {
                let n = self.cluster.topics()["orders"].partition_count() as i64;
                Command::CreatePartitions { topic: "orders".into(), total: (n + *k as i64).min(12) }
            }
            Op::SendOne(p) => Command::SendOne {
                producer: "p1".into(),
                key: None,
                value: Some("<b>hi</b>".into()),
                partition: p.map(u32::from),
                headers: vec![("trace-id".into(), "<script>".into())],
            },
            Op::ToggleAuth => {
                self.auth = !self.auth;
                Command::SetAuthorization { enabled: self.auth, allow_everyone_if_no_acl_found: None }
            }
            Op::Grant(r) => Command::GrantRole {
                user: "alice".into(),
                role: ROLES[*r as usize % 4],
                pattern: if *r == 3 { "*".into() } else { "orders".into() },
            },
            Op::Revoke(r) => Command::RevokeRole {
                user: "alice".into(),
                role: ROLES[*r as usize % 4],
                pattern: if *r == 3 { "*".into() } else { "orders".into() },
            },
            Op::SlowDown(i) => {
                let Some(name) = self.consumer_name(*i) else { return };
                let mut spec = self.cluster.consumers()[&name].spec.clone();
                spec.config.processing_ms_per_record = 200.0;
                spec.config.max_poll_records = 100;
                Command::UpdateConsumer { consumer: spec }
            }
        };
        // Errors are fine (crash a crashed consumer, revoke a role never granted): the
        // invariants below must hold either way.
        if let Ok(ev) = self.cluster.apply(now, cmd) {
            self.events.extend(ev);
        }
    }

    /// Kafka's invariants, checked after every step.
    fn check(&self, seen_states: &mut BTreeMap<String, GroupState>) -> Result<(), String> {
        let c = &self.cluster;
        // No partition owned by two live members of one group.
        let mut owners: BTreeMap<(String, TopicPartition), String> = BTreeMap::new();
        for (name, consumer) in c.consumers() {
            if !consumer.is_alive() || !consumer.spec.is_group() {
                continue;
            }
            let Some(g) = consumer.group_id() else { continue };
            for tp in &consumer.assignment {
                if let Some(other) = owners.insert((g.to_string(), tp.clone()), name.clone()) {
                    return Err(format!(
                        "{}-{} owned by {other} and {name} in group {g} at {}",
                        tp.topic,
                        tp.partition,
                        c.now()
                    ));
                }
            }
        }
        // Committed offsets never pass the log end; positions stay within the log.
        for (gid, g) in c.groups() {
            for (tp, off) in &g.offsets {
                let end = c.topics()[&*tp.topic].partition(tp.partition).map_or(0, |l| l.log_end());
                if *off > end {
                    return Err(format!("group {gid} committed {off} > log end {end} on {tp:?}"));
                }
            }
        }
        // Partition logs: dense offsets.
        for t in c.topics().values() {
            for log in &t.partitions {
                if log.log_end() - log.log_start() != log.len() as u64 {
                    return Err("log offsets are not dense".into());
                }
            }
        }
        let _ = seen_states;
        Ok(())
    }
}

fn transitions_are_legal(events: &[Event]) -> Result<(), String> {
    for e in events {
        if let EventKind::GroupStateChanged { group, from, to } = &e.kind {
            let parse = |s: &str| -> GroupState {
                serde_json::from_value(serde_json::Value::String(s.into())).unwrap()
            };
            if !parse(from).can_move_to(parse(to)) {
                return Err(format!("group {group}: {from} -> {to} at {} is not a Kafka transition", e.at));
            }
        }
    }
    Ok(())
}

fn generations_only_grow(events: &[Event]) -> Result<(), String> {
    let mut last: BTreeMap<&str, i32> = BTreeMap::new();
    for e in events {
        if let EventKind::JoinCompleted { group, generation, .. }
        | EventKind::GroupEpochBumped { group, epoch: generation, .. } = &e.kind
        {
            if let Some(prev) = last.insert(group, *generation) {
                if *generation <= prev {
                    return Err(format!("group {group}: generation {generation} after {prev}"));
                }
            }
        }
    }
    Ok(())
}

fn drive(seed: u64, ops: &[Op]) -> Result<u64, String> {
    let mut w = World::new(seed);
    let mut states = BTreeMap::new();
    for (i, op) in ops.iter().enumerate() {
        w.run(op);
        w.check(&mut states).map_err(|e| {
            let tail: Vec<String> = w
                .events
                .iter()
                .filter(|e| !matches!(e.kind, EventKind::Produced { .. } | EventKind::Fetched { .. }))
                .map(|e| e.line())
                .collect();
            let tail = &tail[tail.len().saturating_sub(80)..];
            format!("seed {seed}, after step {i} ({op:?}): {e}\nlast events:\n{}", tail.join("\n"))
        })?;
    }
    transitions_are_legal(&w.events).map_err(|e| format!("seed {seed}: {e}"))?;
    generations_only_grow(&w.events).map_err(|e| format!("seed {seed}: {e}"))?;
    Ok(event_stream_hash(&w.events))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    /// Random clusters keep Kafka's invariants at every step, and replay identically.
    #[test]
    fn random_commands_keep_kafka_invariants(seed in any::<u64>(), ops in prop::collection::vec(op(), 1..60)) {
        let first = drive(seed, &ops);
        prop_assert!(first.is_ok(), "{}", first.unwrap_err());
        let again = drive(seed, &ops);
        prop_assert_eq!(first, again, "same seed and commands must give the same events");
    }
}

/// The number the wasm build must also produce (tests/wasm_core.rs): one long scenario,
/// hashed. Same seed, same events, natively and in the browser.
pub const LONG_RUN_HASH: u64 = 0x3554_3e3c_e1ab_56d6;

#[test]
fn long_scenario_hash_is_stable() {
    let scenario = broker_playground::core::scenario::built_in("eager-vs-cooperative").unwrap();
    let mut run = broker_playground::core::scenario::Run::new(scenario).unwrap();
    let events = run.advance(10 * 60_000);
    let h = event_stream_hash(&events);
    println!("long run: {} events, hash {h:016x}", events.len());
    assert!(events.len() > 10_000);
    assert_eq!(
        h, LONG_RUN_HASH,
        "the event stream changed: update LONG_RUN_HASH here and in tests/wasm_core.rs"
    );
}
