//! Properties of the broker core, over random inputs (proptest), and an invariant-checking
//! random driver in the style of TigerBeetle's VOPR: random commands and time jumps, with
//! Kafka's invariants checked after every step.
//!
//! Two ways to run the driver:
//! - `random_commands_keep_kafka_invariants` (proptest, CI-sized, part of `cargo test`): a
//!   failure prints the seed and the shrunk command list (proptest shrinks it), and proptest
//!   saves it in `core_properties.proptest-regressions` so it is re-run first next time.
//! - `soak` (ignored unless asked for; `scripts/soak.sh`): a seeded random driver for a million
//!   steps or more (`SOAK_STEPS`, `SOAK_SEED`). A failure prints the episode's seed, the step
//!   index, a minimised command list and the command that replays exactly that episode
//!   (`SOAK_REPLAY=<seed>`).
//!
//! The invariants (see [`Checker`]):
//! 1. no partition is owned by two live members of one group (after every step), and no member
//!    fetches a partition another member of its group fetched and has not given up since
//!    (after every event);
//! 2. delivery accounting is honest: a `Fetched` event's `redelivered` counts at least every
//!    record of it that was delivered to the same group (or group-less consumer) before;
//! 3. committed offsets never pass the log end;
//! 4. logs are dense: `[log_start, log_end)` is readable record by record, appends land at the
//!    log end, and a record leaves the log only when retention allowed it (by time or bytes);
//! 5. group states move only along Kafka's transitions, continuously (each change starts
//!    where the last one ended, and the group is in the state last reported);
//! 6. generations / group epochs only grow;
//! 7. a refused command changes nothing (state and future behaviour);
//! 8. the same seed and commands give the same event hash;
//! 9. the network delivers in `(time, seq)` order and every request is answered;
//! 10. nothing is learned except through a message: every consumer position is at most the
//!     highest offset of its partition that an answer over the network named to that consumer
//!     (`core::learned`), and every request of the admin client got its answer over the network;
//! 11. no producer batch stays queued past its `delivery.timeout.ms`.

use broker_playground::core::acl::Role;
use broker_playground::core::command::SeekTo;
use broker_playground::core::config::{ClusterConfig, ConsumerConfig, ManualCommit, OffsetReset};
use broker_playground::core::consumer::{ConsumerMode, ConsumerSpec};
use broker_playground::core::event::{EventKind, LeaveReason};
use broker_playground::core::group::assignor::{Strategy as Assignor, TopicPartition};
use broker_playground::core::group::{GroupProtocol, GroupState};
use broker_playground::core::ids::NodeId;
use broker_playground::core::log::{PartitionLog, Record, Retention, Value, ValueRef};
use broker_playground::core::producer::{KeyMode, PartitionerKind, ProducerSpec};
use broker_playground::core::scenario::event_stream_hash;
use broker_playground::core::{Cluster, Command, ErrorCode, Event};
use broker_playground::i18n::Narrate;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

proptest! {
    /// A producer's batch trims retention every few thousand appends, not after each one. That
    /// is only right if both remove the same records: same log start, same count removed, same
    /// size, whatever the earlier records' ages and the batch's record sizes.
    #[test]
    fn trimming_once_per_batch_equals_trimming_after_every_append(
        earlier in prop::collection::vec((0u64..50, 0usize..40), 0..60),
        batch in prop::collection::vec(0usize..40, 1..200),
        every in 1usize..50,
        retention_bytes in prop::option::of(100u64..3_000),
        retention_ms in prop::option::of(1u64..60),
    ) {
        let retention = Retention { ms: retention_ms, bytes: retention_bytes };
        let rec = |ts: u64, size: usize| Record { timestamp: ts, key: None, value: Value::Text("x".repeat(size).into()), producer: 0 };
        let mut each = PartitionLog::new();
        for &(ts, size) in &earlier {
            each.append(rec(ts, size));
        }
        let mut batched = each.clone();
        let now = 60;
        let mut removed_each = 0;
        let mut removed_batched = 0;
        for (i, &size) in batch.iter().enumerate() {
            each.append(rec(now, size));
            removed_each += each.enforce_retention(retention, now);
            batched.append(rec(now, size));
            if (i + 1) % every == 0 {
                removed_batched += batched.enforce_retention(retention, now);
            }
        }
        removed_batched += batched.enforce_retention(retention, now);
        prop_assert_eq!(removed_each, removed_batched);
        prop_assert_eq!(each.log_start(), batched.log_start());
        prop_assert_eq!(each.size_bytes(), batched.size_bytes());
    }

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

// ------------------------------------------------------------------------------------ commands

/// One random step. Indexes (`u8`) pick among what exists when the step runs, so a shrunk
/// list stays meaningful.
#[derive(Debug, Clone)]
enum Op {
    Advance(u64),
    AddConsumer {
        group: u8,
        strategy: u8,
        kip848: bool,
        static_member: bool,
        topics: u8,
    },
    Crash(u8),
    Restart(u8),
    Leave(u8),
    Remove(u8),
    Pause(u8),
    Resume(u8),
    Standalone(u8, u8),
    /// Back to Group mode with a subscription (0: orders, 1: payments, 2: both).
    Subscribe(u8, u8),
    AddPartitions(u8, u8),
    CreateTopic(u8, u8),
    DeleteTopic(u8),
    SetRetention {
        topic: u8,
        ms: Option<u16>,
        bytes: Option<u16>,
    },
    AddProducer {
        topic: u8,
        keys: u8,
        round_robin: bool,
    },
    RemoveProducer(u8),
    PauseProducer(u8),
    ResumeProducer(u8),
    /// New rate (records/s) and key mode for a producer.
    UpdateProducer {
        producer: u8,
        rate: u8,
        keys: u8,
    },
    SendOne {
        producer: u8,
        partition: Option<u8>,
        keyed: bool,
    },
    Seek {
        consumer: u8,
        partition: u8,
        to: u8,
        offset: u16,
    },
    CommitSync(u8),
    /// A consumer-config change: which knob (`knob`) and a value (`v`).
    Configure {
        consumer: u8,
        knob: u8,
        v: u8,
    },
    ToggleAuth,
    Grant(u8),
    Revoke(u8),
    SlowDown(u8),
    /// `kafka-consumer-groups --delete-offsets`: group `g{group % 3}`, `orders`, the partitions
    /// in the bit mask (0–7: some past the topic's end, which the broker refuses one by one).
    DeleteOffsets {
        group: u8,
        partitions: u8,
    },
    /// Save the session as the page does (Export's file, the autosave envelope), read it back,
    /// replay it from the seed to now, and compare with the live cluster.
    SaveReload,
}

const TOPICS: [&str; 2] = ["orders", "payments"];
const ROLES: [Role; 4] = [Role::Consumer, Role::Producer, Role::TopicAdmin, Role::Admin];
const STRATEGIES: [Assignor; 4] =
    [Assignor::Range, Assignor::RoundRobin, Assignor::Sticky, Assignor::CooperativeSticky];

fn op() -> impl Strategy<Value = Op> {
    let idx = any::<u8>;
    prop_oneof![
        12 => (1u64..8_000).prop_map(Op::Advance),
        5 => (0u8..2, 0u8..4, any::<bool>(), any::<bool>(), 0u8..3).prop_map(
            |(group, strategy, kip848, static_member, topics)| Op::AddConsumer { group, strategy, kip848, static_member, topics }),
        1 => idx().prop_map(Op::Crash),
        1 => idx().prop_map(Op::Restart),
        1 => idx().prop_map(Op::Leave),
        1 => idx().prop_map(Op::Remove),
        1 => idx().prop_map(Op::Pause),
        1 => idx().prop_map(Op::Resume),
        1 => (idx(), idx()).prop_map(|(c, m)| Op::Standalone(c, m)),
        1 => (idx(), 0u8..3).prop_map(|(c, t)| Op::Subscribe(c, t)),
        1 => (0u8..2, 1u8..3).prop_map(|(t, k)| Op::AddPartitions(t, k)),
        1 => (0u8..2, 1u8..6).prop_map(|(t, n)| Op::CreateTopic(t, n)),
        1 => (0u8..8).prop_map(Op::DeleteTopic),
        1 => (0u8..2, prop::option::of(300u16..20_000), prop::option::of(200u16..8_000))
            .prop_map(|(topic, ms, bytes)| Op::SetRetention { topic, ms, bytes }),
        1 => (0u8..2, 0u8..5, any::<bool>()).prop_map(|(topic, keys, round_robin)| Op::AddProducer { topic, keys, round_robin }),
        1 => (0u8..8).prop_map(Op::RemoveProducer),
        1 => idx().prop_map(Op::PauseProducer),
        1 => idx().prop_map(Op::ResumeProducer),
        1 => (idx(), 0u8..60, idx()).prop_map(|(producer, rate, keys)| Op::UpdateProducer { producer, rate, keys }),
        2 => (idx(), prop::option::of(0u8..14), any::<bool>()).prop_map(|(producer, partition, keyed)| Op::SendOne { producer, partition, keyed }),
        2 => (idx(), idx(), 0u8..4, any::<u16>()).prop_map(|(consumer, partition, to, offset)| Op::Seek { consumer, partition, to, offset }),
        1 => idx().prop_map(Op::CommitSync),
        3 => (idx(), 0u8..9, idx()).prop_map(|(consumer, knob, v)| Op::Configure { consumer, knob, v }),
        1 => Just(Op::ToggleAuth),
        1 => (0u8..4).prop_map(Op::Grant),
        1 => (0u8..4).prop_map(Op::Revoke),
        1 => idx().prop_map(Op::SlowDown),
        1 => (idx(), idx()).prop_map(|(group, partitions)| Op::DeleteOffsets { group, partitions }),
        1 => Just(Op::SaveReload),
    ]
}

/// The same distribution as [`op`], from a seeded generator (for the soak).
fn random_op(r: &mut oorandom::Rand64) -> Op {
    let mut u8_ = || r.rand_u64() as u8;
    let a = u8_();
    let b = u8_();
    let c = u8_();
    let d = u8_();
    let wide = r.rand_u64();
    let bit = |n: u32| wide >> n & 1 == 1;
    const WEIGHTS: [u32; 29] =
        [12, 5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 1, 3, 1, 1, 1, 1, 1, 1];
    let total: u32 = WEIGHTS.iter().sum();
    let mut pick = (r.rand_u64() % total as u64) as u32;
    let mut kind = 0;
    while pick >= WEIGHTS[kind] {
        pick -= WEIGHTS[kind];
        kind += 1;
    }
    match kind {
        0 => Op::Advance(1 + wide % 7_999),
        1 => Op::AddConsumer {
            group: a % 2,
            strategy: b % 4,
            kip848: bit(0),
            static_member: bit(1),
            topics: c % 3,
        },
        2 => Op::Crash(a),
        3 => Op::Restart(a),
        4 => Op::Leave(a),
        5 => Op::Remove(a),
        6 => Op::Pause(a),
        7 => Op::Resume(a),
        8 => Op::Standalone(a, b),
        9 => Op::Subscribe(a, b % 3),
        10 => Op::AddPartitions(a % 2, 1 + b % 2),
        11 => Op::CreateTopic(a % 2, 1 + b % 5),
        12 => Op::DeleteTopic(a % 8),
        13 => Op::SetRetention {
            topic: a % 2,
            ms: bit(2).then_some(300 + (wide >> 8) as u16 % 19_700),
            bytes: bit(3).then_some(200 + (wide >> 24) as u16 % 7_800),
        },
        14 => Op::AddProducer { topic: a % 2, keys: b % 5, round_robin: bit(4) },
        15 => Op::RemoveProducer(a % 8),
        16 => Op::PauseProducer(a),
        17 => Op::ResumeProducer(a),
        18 => Op::UpdateProducer { producer: a, rate: b % 60, keys: c },
        19 => Op::SendOne { producer: a, partition: bit(5).then_some(b % 14), keyed: bit(6) },
        20 => Op::Seek { consumer: a, partition: b, to: c % 4, offset: (wide >> 16) as u16 },
        21 => Op::CommitSync(a),
        22 => Op::Configure { consumer: a, knob: b % 9, v: c },
        23 => Op::ToggleAuth,
        24 => Op::Grant(a % 4),
        25 => Op::Revoke(d % 4),
        26 => Op::SlowDown(a),
        27 => Op::DeleteOffsets { group: a, partitions: b },
        _ => Op::SaveReload,
    }
}

// ------------------------------------------------------------------------------------ the world

/// How far into a session [`Op::SaveReload`] checks (each check replays from the seed).
static SAVE_RELOAD_UP_TO_MS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(20_000);

struct World {
    cluster: Cluster,
    now: u64,
    /// Event hash so far (replay check) and the recent non-traffic events (failure reports).
    hash_events: Vec<Event>,
    added: u32,
    producers_added: u32,
    auth: bool,
    checker: Checker,
    step: usize,
    /// The network's last delivery and count after the previous step (invariant 9).
    net_last: Option<(u64, u64)>,
    net_delivered: u64,
    seed: u64,
    /// The commands that built the start, then every command that succeeded, with its time:
    /// what the page's journal holds, so what Export and the autosave write.
    journal: Vec<(u64, Command)>,
}

fn pick<T: Clone>(items: &[T], i: u8) -> Option<T> {
    (!items.is_empty()).then(|| items[i as usize % items.len()].clone())
}

impl World {
    fn new(seed: u64) -> World {
        let mut cluster = Cluster::new(ClusterConfig::teaching(), seed);
        cluster.record_learned(true);
        let mut events = Vec::new();
        let mut p = ProducerSpec::new("p1", "orders");
        p.rate = 20.0;
        p.keys = KeyMode::Set { prefix: "user-".into(), count: 5 };
        p.user = Some("alice".into());
        let setup = vec![
            Command::create_topic("orders", 4),
            Command::AddProducer { producer: p },
            Command::AddUser { name: "alice".into() },
        ];
        for cmd in &setup {
            events.extend(cluster.apply(0, cmd.clone()).unwrap());
        }
        let mut checker = Checker::default();
        checker.observe(&cluster, &events, &BTreeMap::new(), &BTreeMap::new()).unwrap();
        World {
            cluster,
            now: 0,
            hash_events: events,
            added: 0,
            producers_added: 1,
            auth: false,
            checker,
            step: 0,
            net_last: None,
            net_delivered: 0,
            seed,
            journal: setup.into_iter().map(|c| (0, c)).collect(),
        }
    }

    /// [`Op::SaveReload`]: the session as a scenario file (its start and every command, at
    /// their times), through Export's text and the autosave's envelope, replayed from the
    /// seed to now, must be the live cluster.
    fn save_reload(&self) -> Result<(), String> {
        use broker_playground::core::scenario::{At, Run, Scenario, ScriptStep, MAX_DURATION_MS};
        if self.now > MAX_DURATION_MS.min(SAVE_RELOAD_UP_TO_MS.load(std::sync::atomic::Ordering::Relaxed)) {
            // The page's clock stops at 24 h; this driver's does not. (And in `cargo test`, a
            // replay from the seed per save is kept to the first 20 s; the soak goes on.)
            return Ok(());
        }
        let mut s = Scenario::from_json(r#"{"version": 1}"#).map_err(|e| e.to_string())?;
        s.seed = self.seed;
        s.script = self
            .journal
            .iter()
            .map(|(at, c)| ScriptStep { at: At(*at), action: c.clone(), note: None })
            .collect();
        let exported =
            Scenario::from_json(&s.to_json()).map_err(|e| format!("save: Export unreadable: {e}"))?;
        let saved = broker_playground::core::share::envelope(&exported, self.now);
        let opened = broker_playground::core::share::open_saved(&saved)
            .map_err(|e| format!("save: autosave unreadable: {e}"))?;
        if opened.scenario != s || opened.at != self.now {
            return Err("save, reload: the scenario read back is not the one saved".into());
        }
        let mut run = Run::new(opened.scenario).map_err(|e| format!("reload: {e}"))?;
        run.advance(self.now);
        // Both with the work due at this instant done (a command leaves it for the next call).
        let mut live = self.cluster.clone();
        live.advance(self.now);
        let (restored, live) = (fingerprint(&run.cluster), fingerprint(&live));
        if restored != live {
            return Err(format!("save, reload, compare: the restored session differs\n restored: {restored}\n live:     {live}"));
        }
        Ok(())
    }

    fn consumer_name(&self, i: u8) -> Option<String> {
        let names: Vec<String> = self.cluster.consumers().keys().cloned().collect();
        pick(&names, i)
    }

    fn producer_name(&self, i: u8) -> Option<String> {
        let names: Vec<String> = self.cluster.producers().keys().cloned().collect();
        pick(&names, i)
    }

    fn topic_name(&self, i: u8) -> Option<String> {
        let names: Vec<String> = self.cluster.topics().keys().cloned().collect();
        pick(&names, i)
    }

    fn subscription(t: u8) -> Vec<String> {
        match t % 3 {
            0 => vec!["orders".into()],
            1 => vec!["payments".into()],
            _ => vec!["orders".into(), "payments".into()],
        }
    }

    /// The command an op stands for here and now (`None`: nothing to do it to).
    fn command(&mut self, op: &Op) -> Option<Command> {
        Some(match op {
            Op::Advance(_) | Op::SaveReload => return None,
            Op::AddConsumer { group, strategy, kip848, static_member, topics } => {
                self.added += 1;
                let name = format!("c{}", self.added);
                let mut cfg = ConsumerConfig::teaching();
                cfg.assignment_strategy = vec![STRATEGIES[*strategy as usize % 4]];
                if *kip848 {
                    cfg.group_protocol = GroupProtocol::Consumer;
                }
                if *static_member {
                    cfg.group_instance_id = Some(format!("i{}", self.added % 5));
                }
                let subs = Self::subscription(*topics);
                let subs: Vec<&str> = subs.iter().map(String::as_str).collect();
                let mut spec = ConsumerSpec::group(&name, &format!("g{group}"), &subs, cfg);
                spec.user = Some("alice".into());
                Command::AddConsumer { consumer: spec }
            }
            Op::Crash(i) => Command::CrashConsumer { name: self.consumer_name(*i)? },
            Op::Restart(i) => Command::RestartConsumer { name: self.consumer_name(*i)? },
            Op::Leave(i) => Command::LeaveGroup { name: self.consumer_name(*i)? },
            Op::Remove(i) => Command::RemoveConsumer { name: self.consumer_name(*i)? },
            Op::Pause(i) => Command::PauseConsumer { name: self.consumer_name(*i)? },
            Op::Resume(i) => Command::ResumeConsumer { name: self.consumer_name(*i)? },
            Op::Standalone(i, mask) => {
                let name = self.consumer_name(*i)?;
                let mut partitions = Vec::new();
                for (k, t) in self.cluster.topics().values().enumerate() {
                    for p in 0..t.partition_count() {
                        if mask & (1 << ((p as usize + 3 * k) % 8)) != 0 {
                            partitions.push(TopicPartition::new(&*t.name, p));
                        }
                    }
                }
                Command::SetConsumerMode { name, mode: ConsumerMode::Standalone { partitions } }
            }
            Op::Subscribe(i, t) => Command::SetConsumerMode {
                name: self.consumer_name(*i)?,
                mode: ConsumerMode::Group { topics: Self::subscription(*t) },
            },
            Op::AddPartitions(t, k) => {
                let topic = TOPICS[*t as usize % 2].to_string();
                let n = self.cluster.topics().get(&topic).map_or(1, |t| t.partition_count()) as i64;
                Command::CreatePartitions { topic, total: (n + *k as i64).min(12) }
            }
            Op::CreateTopic(t, n) => Command::create_topic(TOPICS[*t as usize % 2], *n as i64),
            // Mostly payments; orders now and then (it takes the default producer's topic away).
            Op::DeleteTopic(t) => Command::DeleteTopic { name: TOPICS[usize::from(*t != 0)].into() },
            Op::SetRetention { topic, ms, bytes } => Command::SetRetention {
                topic: self.topic_name(*topic)?,
                retention: Retention { ms: ms.map(u64::from), bytes: bytes.map(u64::from) },
            },
            Op::AddProducer { topic, keys, round_robin } => {
                self.producers_added += 1;
                let mut p =
                    ProducerSpec::new(&format!("p{}", self.producers_added), TOPICS[*topic as usize % 2]);
                p.rate = 10.0;
                p.keys = key_mode(*keys);
                if *round_robin {
                    p.partitioner = PartitionerKind::RoundRobin;
                }
                if self.producers_added.is_multiple_of(2) {
                    p.user = Some("alice".into());
                }
                Command::AddProducer { producer: p }
            }
            Op::RemoveProducer(i) => Command::RemoveProducer { name: self.producer_name(*i)? },
            Op::PauseProducer(i) => Command::PauseProducer { name: self.producer_name(*i)? },
            Op::ResumeProducer(i) => Command::ResumeProducer { name: self.producer_name(*i)? },
            Op::UpdateProducer { producer, rate, keys } => {
                let name = self.producer_name(*producer)?;
                let mut spec = self.cluster.producers()[&name].spec.clone();
                spec.rate = f64::from(*rate);
                spec.keys = key_mode(*keys);
                Command::UpdateProducer { producer: spec }
            }
            Op::SendOne { producer, partition, keyed } => Command::SendOne {
                producer: self.producer_name(*producer)?,
                key: keyed.then(|| "user-1".into()),
                value: Some("<b>hi</b>".into()),
                partition: partition.map(u32::from),
                headers: if *keyed { vec![("trace-id".into(), "<script>".into())] } else { Vec::new() },
            },
            Op::Seek { consumer, partition, to, offset } => {
                let name = self.consumer_name(*consumer)?;
                let c = &self.cluster.consumers()[&name];
                // Mostly an owned partition; sometimes one it does not own (an error).
                let tp = match pick(&c.assignment, *partition) {
                    Some(tp) if partition % 8 != 7 => tp,
                    _ => TopicPartition::new("orders", u32::from(*partition % 6)),
                };
                let to = match to {
                    0 => SeekTo::Beginning,
                    1 => SeekTo::End,
                    _ => SeekTo::Offset(u64::from(*offset % 400)),
                };
                Command::Seek { consumer: name, topic: tp.topic.to_string(), partition: tp.partition, to }
            }
            Op::CommitSync(i) => Command::CommitSync { consumer: self.consumer_name(*i)? },
            Op::DeleteOffsets { group, partitions } => Command::DeleteGroupOffsets {
                group: format!("g{}", group % 3),
                topic: "orders".into(),
                partitions: (0..8).filter(|p| partitions >> p & 1 == 1).collect(),
            },
            Op::Configure { consumer, knob, v } => {
                let name = self.consumer_name(*consumer)?;
                let mut spec = self.cluster.consumers()[&name].spec.clone();
                let cfg = &mut spec.config;
                match knob {
                    0 => cfg.enable_auto_commit = !cfg.enable_auto_commit,
                    1 => {
                        cfg.manual_commit = if v % 2 == 0 {
                            ManualCommit::AfterProcessing
                        } else {
                            ManualCommit::BeforeProcessing
                        }
                    }
                    2 => {
                        cfg.auto_offset_reset =
                            [OffsetReset::Earliest, OffsetReset::Latest, OffsetReset::None][*v as usize % 3]
                    }
                    3 => {
                        cfg.assignment_strategy = match v % 5 {
                            4 => vec![Assignor::Range, Assignor::CooperativeSticky],
                            k => vec![STRATEGIES[k as usize]],
                        }
                    }
                    4 => {
                        cfg.group_protocol =
                            if v % 2 == 0 { GroupProtocol::Classic } else { GroupProtocol::Consumer }
                    }
                    5 => cfg.group_id = (v % 3 != 2).then(|| format!("g{}", v % 3)),
                    6 => cfg.group_instance_id = (v % 2 == 0).then(|| format!("i{}", v % 5)),
                    7 => {
                        cfg.max_poll_records = 1 + u32::from(*v % 50);
                        cfg.processing_ms_per_record = f64::from(*v % 4) * 5.0;
                    }
                    _ => {
                        cfg.remote_assignor =
                            if v % 2 == 0 { Assignor::Uniform } else { Assignor::ServerRange }
                    }
                }
                Command::UpdateConsumer { consumer: spec }
            }
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
                let name = self.consumer_name(*i)?;
                let mut spec = self.cluster.consumers()[&name].spec.clone();
                spec.config.processing_ms_per_record = 200.0;
                spec.config.max_poll_records = 100;
                Command::UpdateConsumer { consumer: spec }
            }
        })
    }

    /// Runs one op and checks every invariant. `Err` says what broke.
    fn run(&mut self, op: &Op) -> Result<(), String> {
        self.step += 1;
        let before = Snapshot::of(&self.cluster);
        let retention_before = retentions(&self.cluster);
        let events = match op {
            Op::Advance(ms) => {
                self.now += ms;
                self.cluster.advance(self.now)
            }
            Op::SaveReload => {
                self.save_reload()?;
                Vec::new()
            }
            _ => match self.command(op) {
                None => Vec::new(),
                Some(cmd) => {
                    // The reference for "a refused command changes nothing": the cluster
                    // caught up to `now`, without the command.
                    let mut reference = self.cluster.clone();
                    match self.cluster.apply(self.now, cmd.clone()) {
                        Ok(ev) => {
                            self.journal.push((self.now, cmd.clone()));
                            ev
                        }
                        Err(e) => {
                            // Events of the catch-up stay queued: the next call returns them.
                            let caught_up = reference.advance(self.now);
                            let queued = self.cluster.advance(self.now);
                            if queued != caught_up {
                                return Err(format!("refused {cmd:?} ({e}) changed the events"));
                            }
                            self.refused_changes_nothing(&mut reference, &cmd, &e.to_string())?;
                            queued
                        }
                    }
                }
            },
        };
        let from = self.hash_events.len();
        self.hash_events.extend(events);
        self.checker.observe(
            &self.cluster,
            &self.hash_events[from..],
            &before.groups_of,
            &retention_before,
        )?;
        if self.step.is_multiple_of(16) {
            self.checker.logs_fully_readable(&self.cluster)?;
        }
        self.check_network()?;
        self.check_learned()?;
        Ok(())
    }

    /// 10. Nothing learned except through a message (see `core::learned`): a consumer's
    ///     position is an offset an answer named to it, or one its fetches counted up to an
    ///     answer's high watermark, so never past the highest offset answers named to it for
    ///     that partition; and the admin client heard an answer to every request it sent.
    fn check_learned(&self) -> Result<(), String> {
        let learned = self.cluster.learned().ok_or("the cluster stopped recording what clients learn")?;
        for (name, c) in self.cluster.consumers() {
            let node = NodeId::consumer(name);
            for (tp, &pos) in &c.positions {
                match learned.horizon(&node, tp) {
                    Some(h) if pos <= h => {}
                    h => {
                        return Err(format!(
                            "{name} holds position {pos} on {}-{}, past every offset an answer named to it ({h:?})",
                            tp.topic, tp.partition
                        ))
                    }
                }
            }
        }
        // A group member owns only partitions an answer gave it; a KIP-848 member's epoch is
        // the one its last ConsumerGroupHeartbeat answer named.
        for (name, c) in self.cluster.consumers() {
            let node = NodeId::consumer(name);
            let Some(m) = c.membership.as_ref().filter(|_| c.spec.is_group() && c.is_alive()) else {
                continue;
            };
            if let Some(tp) = c.assignment.iter().find(|tp| !learned.was_assigned(&node, tp)) {
                return Err(format!("{name} owns {}-{} but no answer assigned it", tp.topic, tp.partition));
            }
            if m.protocol == GroupProtocol::Consumer
                && m.member_id.is_some()
                && learned.member_epoch(&node) != Some(m.generation)
            {
                return Err(format!(
                    "{name} holds member epoch {} but its last ConsumerGroupHeartbeat answer named {:?}",
                    m.generation,
                    learned.member_epoch(&node)
                ));
            }
        }
        let sent = self.cluster.admin().requests_sent();
        let answered = learned.answers(&NodeId::Admin);
        if answered != sent {
            return Err(format!("the admin client sent {sent} requests but heard {answered} answers"));
        }
        Ok(())
    }

    /// 9. The network: envelopes are delivered in `(time, seq)` order, nothing due is left
    ///    undelivered after a step, and every request a client sent was answered, except the
    ///    JoinGroup and SyncGroup requests a coordinator holds until its round completes (the
    ///    data path has zero latency and nothing fails yet).
    fn check_network(&mut self) -> Result<(), String> {
        let net = self.cluster.network();
        let last = net.last_delivered();
        if last < self.net_last || net.delivered() < self.net_delivered {
            return Err(format!("network delivered {last:?} after {:?}", self.net_last));
        }
        let held: usize = self.cluster.brokers().iter().map(|b| b.parked_requests()).sum();
        if net.outstanding() > held || net.next_delivery_at().is_some_and(|t| t <= self.cluster.now()) {
            return Err(format!(
                "{} request(s) left unanswered after a step ({held} held by a coordinator)",
                net.outstanding()
            ));
        }
        self.net_last = last;
        self.net_delivered = net.delivered();
        Ok(())
    }

    /// After a refused command the cluster must equal `reference` (the same cluster, caught up
    /// to the same time): its visible state now, and, now and then, what it does next.
    fn refused_changes_nothing(&self, reference: &mut Cluster, cmd: &Command, e: &str) -> Result<(), String> {
        if fingerprint(&self.cluster) != fingerprint(reference) {
            return Err(format!("refused {cmd:?} ({e}) changed the cluster's state"));
        }
        if self.step.is_multiple_of(8) {
            let mut real = self.cluster.clone();
            let later = self.now + 3_000;
            let (a, b) = (real.advance(later), reference.advance(later));
            if event_stream_hash(&a) != event_stream_hash(&b) {
                return Err(format!("refused {cmd:?} ({e}) changed what the cluster does next"));
            }
        }
        Ok(())
    }

    fn story(&self) -> String {
        let tail: Vec<String> = self
            .hash_events
            .iter()
            .filter(|e| !matches!(e.kind, EventKind::Produced { .. } | EventKind::Fetched { .. }))
            .map(|e| e.line())
            .collect();
        // STORY_LINES=100000 for the whole story.
        let n = std::env::var("STORY_LINES").ok().and_then(|v| v.parse().ok()).unwrap_or(60);
        tail[tail.len().saturating_sub(n)..].join("\n")
    }
}

fn key_mode(k: u8) -> KeyMode {
    match k % 5 {
        0 => KeyMode::None,
        1 => KeyMode::Fixed { key: "k".into() },
        2 => KeyMode::Set { prefix: "user-".into(), count: 5 },
        3 => KeyMode::Random,
        _ => KeyMode::Partition { partition: u32::from(k / 5 % 8) },
    }
}

/// A topic by its name, partition count, retention and logs' (start, end, bytes).
type TopicMeta<'a> = (&'a String, u32, Retention, Vec<(u64, u64, u64)>);

/// Everything observable about a cluster except its log contents, as text.
fn fingerprint(c: &Cluster) -> String {
    let topics: Vec<TopicMeta> = c
        .topics()
        .iter()
        .map(|(n, t)| {
            let logs = t.partitions.iter().map(|l| (l.log_start(), l.log_end(), l.size_bytes())).collect();
            (n, t.partition_count(), t.retention, logs)
        })
        .collect();
    format!(
        "{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
        c.now(),
        c.next_wakeup(),
        topics,
        c.producers(),
        c.consumers(),
        c.groups(),
        c.authorizer()
    )
}

fn retentions(c: &Cluster) -> BTreeMap<String, Retention> {
    c.topics().iter().map(|(n, t)| (n.clone(), t.retention)).collect()
}

/// Who was in which group before a step: `Fetched` events of the step were produced under it
/// (commands that change a consumer's group run after the catch-up that fetches).
struct Snapshot {
    /// consumer → (group.id, group mode)
    groups_of: BTreeMap<String, (Option<String>, bool)>,
}

impl Snapshot {
    fn of(c: &Cluster) -> Snapshot {
        let groups_of = c
            .consumers()
            .iter()
            .map(|(n, c)| (n.clone(), (c.group_id().map(str::to_string), c.spec.is_group())))
            .collect();
        Snapshot { groups_of }
    }
}

// ------------------------------------------------------------------------------------ invariants

/// A set of offsets as disjoint half-open ranges `start → end`.
#[derive(Default, Debug)]
struct Ranges(BTreeMap<u64, u64>);

impl Ranges {
    fn overlap(&self, from: u64, to: u64) -> u64 {
        let mut n = 0;
        let first = self.0.range(..=from).next_back().map_or(from, |(s, _)| *s);
        for (s, e) in self.0.range(first..to) {
            let (a, b) = ((*s).max(from), (*e).min(to));
            if b > a {
                n += b - a;
            }
        }
        n
    }

    fn insert(&mut self, from: u64, to: u64) {
        let (mut from, mut to) = (from, to);
        let touching: Vec<(u64, u64)> = {
            let first = self.0.range(..=from).next_back().map_or(from, |(s, _)| *s);
            self.0.range(first..=to).filter(|(_, e)| **e >= from).map(|(s, e)| (*s, *e)).collect()
        };
        for (s, e) in touching {
            self.0.remove(&s);
            from = from.min(s);
            to = to.max(e);
        }
        self.0.insert(from, to);
    }
}

/// What the checker knows of one partition's log from the events and earlier looks.
#[derive(Default, Debug)]
struct LogModel {
    /// Log end as the `Produced` events tell it.
    end: u64,
    /// Offset of the first record in `seen`.
    seen_start: u64,
    /// (timestamp, size) of records seen in the log, from `seen_start`.
    seen: VecDeque<(u64, u64)>,
}

/// The invariant checker: follows events and compares with the cluster after every step.
#[derive(Default)]
struct Checker {
    /// Offsets delivered per delivery domain (`g:<group>` or `c:<consumer>`) and partition.
    delivered: BTreeMap<(String, TopicPartition), Ranges>,
    /// Last group member to fetch a partition, and whether it has given it up since.
    holder: BTreeMap<(String, TopicPartition), (String, bool)>,
    logs: BTreeMap<(String, u32), LogModel>,
    states: BTreeMap<String, GroupState>,
    generations: BTreeMap<String, i32>,
    /// Consumers that own partitions but are no current member of their group, since when.
    zombies: BTreeMap<String, u64>,
    /// Static members another instance took over, until they learn it (FENCED_INSTANCE_ID
    /// from their next request). Kafka does not stop their fetches meanwhile: zombie reads.
    fenced: BTreeSet<String>,
}

impl Checker {
    fn release(&mut self, consumer: &str, keep: impl Fn(&TopicPartition) -> bool) {
        for ((_, tp), (holder, released)) in self.holder.iter_mut() {
            if holder == consumer && !keep(tp) {
                *released = true;
            }
        }
    }

    /// Follows one step's events, then compares with the cluster.
    fn observe(
        &mut self,
        c: &Cluster,
        events: &[Event],
        groups_of: &BTreeMap<String, (Option<String>, bool)>,
        retention_before: &BTreeMap<String, Retention>,
    ) -> Result<(), String> {
        for e in events {
            self.event(e, groups_of)?;
        }
        self.state(c, retention_before)
    }

    fn event(
        &mut self,
        e: &Event,
        groups_of: &BTreeMap<String, (Option<String>, bool)>,
    ) -> Result<(), String> {
        use EventKind::*;
        match &e.kind {
            TopicCreated { topic, partitions } => {
                for p in 0..*partitions {
                    self.logs.insert((topic.clone(), p), LogModel::default());
                }
            }
            TopicDeleted { topic } => {
                self.logs.retain(|(t, _), _| t != topic);
                self.delivered.retain(|(_, tp), _| &*tp.topic != topic);
                self.holder.retain(|(_, tp), _| &*tp.topic != topic);
            }
            PartitionsAdded { topic, from, to } => {
                for p in *from..*to {
                    self.logs.insert((topic.clone(), p), LogModel::default());
                }
            }
            Produced { topic, partition, base_offset, count, .. } => {
                let Some(m) = self.logs.get_mut(&(topic.clone(), *partition)) else {
                    return Err(format!("produced to {topic}-{partition}, which does not exist"));
                };
                if *base_offset != m.end || *count == 0 {
                    return Err(format!(
                        "{topic}-{partition}: {count} records appended at {base_offset}, but the log ended at {}",
                        m.end
                    ));
                }
                m.end += count;
            }
            Fetched { consumer, topic, partition, from, count, redelivered } => {
                let tp = TopicPartition::new(topic.as_str(), *partition);
                let (group, is_group) = groups_of
                    .get(consumer)
                    .cloned()
                    .ok_or_else(|| format!("{consumer} fetched but did not exist"))?;
                if *count == 0 || redelivered > count {
                    return Err(format!("{consumer}: fetched {count} records, {redelivered} redelivered"));
                }
                let domain = match &group {
                    Some(g) => format!("g:{g}"),
                    None => format!("c:{consumer}"),
                };
                let seen = self.delivered.entry((domain, tp.clone())).or_default();
                let overlap = seen.overlap(*from, from + count);
                if overlap > *redelivered {
                    return Err(format!(
                        "{consumer} got {topic}-{partition} [{from}, {}): {overlap} of them were delivered \
                         before (to {}), but the event counts {redelivered} redelivered",
                        from + count,
                        group.as_deref().unwrap_or("it")
                    ));
                }
                seen.insert(*from, from + count);
                if self.fenced.contains(consumer) {
                    return Ok(());
                }
                if let (Some(g), true) = (group, is_group) {
                    let key = (g.clone(), tp);
                    if let Some((other, false)) = self.holder.get(&key) {
                        if other != consumer {
                            return Err(format!(
                                "{consumer} fetched {topic}-{partition} in group {g} while {other} still \
                                 held it (fetched it and never gave it up)"
                            ));
                        }
                    }
                    self.holder.insert(key, (consumer.clone(), false));
                }
            }
            PartitionsRevoked { consumer, partitions, .. } => {
                let gone: BTreeSet<&TopicPartition> = partitions.iter().collect();
                self.release(consumer, |tp| !gone.contains(tp));
            }
            PartitionsAssigned { consumer, partitions, .. } => {
                let keep: BTreeSet<&TopicPartition> = partitions.iter().collect();
                self.release(consumer, |tp| keep.contains(tp));
            }
            ConsumerCrashed { consumer, .. }
            | ConsumerRemoved { consumer }
            | ConsumerRestarted { consumer }
            | ConsumerChanged { consumer }
            | PartitionsAssignedManually { consumer, .. }
            | MemberRemoved { consumer, .. } => {
                self.release(consumer, |_| false);
                if matches!(e.kind, MemberRemoved { reason: LeaveReason::Fenced, .. }) {
                    self.fenced.insert(consumer.clone());
                } else if !matches!(e.kind, MemberRemoved { .. } | ConsumerChanged { .. }) {
                    // A fenced instance stays a zombie through a settings change: only
                    // FENCED_INSTANCE_ID, a restart or its removal tells it (Kafka's Fetch does
                    // not check group membership, so it may read until then).
                    self.fenced.remove(consumer);
                }
                if matches!(e.kind, ConsumerRestarted { .. } | ConsumerRemoved { .. }) {
                    // A group-less consumer's delivery history is that process's.
                    let domain = format!("c:{consumer}");
                    self.delivered.retain(|(d, _), _| *d != domain);
                }
            }
            ConsumerError { consumer, error: ErrorCode::FencedInstanceId, .. } => {
                self.fenced.remove(consumer);
            }
            GroupStateChanged { group, from, to } => {
                let (from, to) = (*from, *to);
                let last = self.states.get(group).copied().unwrap_or(GroupState::Empty);
                if last != from {
                    return Err(format!("group {group}: {from:?} -> {to:?}, but it was {last:?}"));
                }
                if !from.can_move_to(to) {
                    return Err(format!("group {group}: {from:?} -> {to:?} is not a Kafka transition"));
                }
                self.states.insert(group.clone(), to);
            }
            JoinCompleted { group, generation, .. } | GroupEpochBumped { group, epoch: generation, .. } => {
                if let Some(prev) = self.generations.insert(group.clone(), *generation) {
                    if *generation <= prev {
                        return Err(format!("group {group}: generation {generation} after {prev}"));
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Invariants of the state after a step.
    fn state(&mut self, c: &Cluster, retention_before: &BTreeMap<String, Retention>) -> Result<(), String> {
        let now = c.now();
        // No partition owned by two live members of one group. A member the coordinator has
        // already removed (session or rebalance timeout) while it was busy still believes it
        // owns its partitions until its next heartbeat says UNKNOWN_MEMBER_ID: Kafka's
        // "zombie", a documented at-least-once case. It is left out here, but it must learn
        // within a heartbeat interval or two.
        let mut owners: BTreeMap<(&str, &TopicPartition), &str> = BTreeMap::new();
        let mut zombies = BTreeMap::new();
        for (name, consumer) in c.consumers() {
            if !consumer.is_alive() || !consumer.spec.is_group() {
                continue;
            }
            let Some(g) = consumer.group_id() else { continue };
            let member = consumer.membership.as_ref().and_then(|m| m.member_id.as_ref());
            let current =
                member.is_some_and(|id| c.groups().get(g).is_some_and(|g| g.members.contains_key(id)));
            if !current {
                if !consumer.assignment.is_empty() {
                    let since = *self.zombies.get(name).unwrap_or(&now);
                    let bound = 2 * consumer
                        .spec
                        .config
                        .heartbeat_interval_ms
                        .max(c.config().consumer_heartbeat_interval_ms)
                        + 1;
                    if now - since > bound {
                        return Err(format!(
                            "{name} is no member of group {g} since {since} ms but still owns {:?}",
                            consumer.assignment
                        ));
                    }
                    zombies.insert(name.clone(), since);
                }
                continue;
            }
            for tp in &consumer.assignment {
                if let Some(other) = owners.insert((g, tp), name) {
                    return Err(format!(
                        "{}-{} owned by {other} and {name} in group {g}",
                        tp.topic, tp.partition
                    ));
                }
            }
        }
        self.zombies = zombies;
        // Groups are in the state last reported; committed offsets never pass the log end.
        for (gid, g) in c.groups() {
            let reported = self.states.get(gid).copied().unwrap_or(GroupState::Empty);
            if g.state != reported {
                return Err(format!(
                    "group {gid} is {} but the last change reported {}",
                    g.state.name(),
                    reported.name()
                ));
            }
            for (tp, off) in &g.offsets {
                let Some(log) = c.topics().get(&*tp.topic).and_then(|t| t.partition(tp.partition)) else {
                    return Err(format!("group {gid} keeps an offset for {tp:?}, which does not exist"));
                };
                if *off > log.log_end() {
                    return Err(format!("group {gid} committed {off} > log end {} on {tp:?}", log.log_end()));
                }
            }
        }
        // Logs: the end is where the appends put it; records leave only through retention.
        let mut partitions = 0;
        for (name, t) in c.topics() {
            for (p, log) in t.partitions.iter().enumerate() {
                partitions += 1;
                let Some(m) = self.logs.get_mut(&(name.clone(), p as u32)) else {
                    return Err(format!("{name}-{p} exists without a TopicCreated/PartitionsAdded event"));
                };
                check_log(name, p, log, m, now, [retention_before.get(name).copied(), Some(t.retention)])?;
            }
        }
        if partitions != self.logs.len() {
            return Err(format!("{} partitions, but the events told of {}", partitions, self.logs.len()));
        }
        // An idempotent producer (the default) never has a record written twice, whatever
        // its retries: the leader recognises a batch it already has.
        let idempotent: BTreeSet<u32> =
            c.producers().values().filter(|p| p.client.idempotent).map(|p| p.index).collect();
        for (name, t) in c.topics() {
            for (p, log) in t.partitions.iter().enumerate() {
                let mut seen = BTreeSet::new();
                for (o, r) in log.read(log.log_start(), usize::MAX) {
                    if let ValueRef::Seq(s) = r.value {
                        if idempotent.contains(&r.producer) && !seen.insert((r.producer, s)) {
                            return Err(format!(
                                "{name}-{p}: record {s} of producer #{} written twice (again at {o})",
                                r.producer
                            ));
                        }
                    }
                }
            }
        }
        // 11. No producer batch stays queued past its `delivery.timeout.ms`: each expires then
        // (`expire_batches` looks only at a queue's front, right only while the queue is in
        // creation order; its `debug_assert!` is compiled out of the release soak).
        let overdue = c.produce_batches_overdue(now);
        if overdue > 0 {
            return Err(format!("{overdue} producer batch(es) still queued past delivery.timeout.ms"));
        }
        Ok(())
    }

    /// Every offset in `[log_start, log_end)` can be read, in order, and nothing else.
    fn logs_fully_readable(&self, c: &Cluster) -> Result<(), String> {
        for (name, t) in c.topics() {
            for (p, log) in t.partitions.iter().enumerate() {
                let mut want = log.log_start();
                for (o, _) in log.read(log.log_start(), usize::MAX) {
                    if o != want || log.get(o).is_none() {
                        return Err(format!("{name}-{p}: read gave offset {o} where {want} was due"));
                    }
                    want += 1;
                }
                if want != log.log_end() {
                    return Err(format!("{name}-{p}: read stopped at {want}, log end is {}", log.log_end()));
                }
            }
        }
        Ok(())
    }
}

fn check_log(
    name: &str,
    p: usize,
    log: &PartitionLog,
    m: &mut LogModel,
    now: u64,
    retention: [Option<Retention>; 2],
) -> Result<(), String> {
    let (start, end) = (log.log_start(), log.log_end());
    if end != m.end {
        return Err(format!("{name}-{p}: log end {end}, but the Produced events add up to {}", m.end));
    }
    if end - start != log.len() as u64 || start > end {
        return Err(format!("{name}-{p}: offsets not dense ({start}..{end}, {} records)", log.len()));
    }
    let edge = |o: u64| log.get(o).is_some();
    if start < end && (!edge(start) || !edge(end - 1) || edge(end) || (start > 0 && edge(start - 1))) {
        return Err(format!("{name}-{p}: records readable outside [{start}, {end}) or missing at its edges"));
    }
    // Records that left since the last look: the newest of them must have been due for
    // deletion by time, or keeping it would have passed retention.bytes.
    if start < m.seen_start {
        return Err(format!("{name}-{p}: log start went back from {} to {start}", m.seen_start));
    }
    let seen_end = m.seen_start + m.seen.len() as u64;
    if start > m.seen_start && start <= seen_end {
        let (ts, size) = m.seen[(start - 1 - m.seen_start) as usize];
        let after: u64 = log.read(start, usize::MAX).map(|(_, r)| r.size_bytes()).sum();
        let allowed = retention.iter().flatten().any(|r| {
            r.ms.is_some_and(|ms| now.saturating_sub(ts) > ms) || r.bytes.is_some_and(|b| size + after > b)
        });
        if !allowed {
            return Err(format!(
                "{name}-{p}: record {} (at {ts} ms, {size} bytes) was deleted at {now} ms, inside \
                 retention {retention:?} ({after} bytes after it)",
                start - 1
            ));
        }
    }
    // Forget what left; remember what arrived.
    if start >= seen_end {
        m.seen.clear();
        m.seen_start = start;
    } else {
        m.seen.drain(..(start - m.seen_start) as usize);
        m.seen_start = start;
    }
    let from = m.seen_start + m.seen.len() as u64;
    for (_, r) in log.read(from, usize::MAX) {
        m.seen.push_back((r.timestamp, r.size_bytes()));
    }
    Ok(())
}

// ------------------------------------------------------------------------------------ drivers

fn drive(seed: u64, ops: &[Op]) -> Result<u64, String> {
    let mut w = World::new(seed);
    for (i, op) in ops.iter().enumerate() {
        w.run(op).map_err(|e| {
            format!("seed {seed}, step {i} ({op:?}) at {} ms: {e}\nlast events:\n{}", w.now, w.story())
        })?;
    }
    w.checker.logs_fully_readable(&w.cluster).map_err(|e| format!("seed {seed}, at the end: {e}"))?;
    Ok(event_stream_hash(&w.hash_events))
}

proptest! {
    // About 30 s in a debug build on a 2-core machine (cargo test runs it).
    #![proptest_config(ProptestConfig { cases: 1200, .. ProptestConfig::default() })]

    /// Random clusters keep Kafka's invariants at every step, and replay identically.
    #[test]
    fn random_commands_keep_kafka_invariants(seed in any::<u64>(), ops in prop::collection::vec(op(), 1..80)) {
        let first = drive(seed, &ops);
        prop_assert!(first.is_ok(), "{}", first.unwrap_err());
        let again = drive(seed, &ops);
        prop_assert_eq!(first, again, "same seed and commands must give the same events");
    }
}

/// Steps per soak episode: long enough for retention, rebalances and restarts to pile up.
const EPISODE_STEPS: usize = 400;

fn episode_ops(seed: u64) -> Vec<Op> {
    let mut r = oorandom::Rand64::new(u128::from(seed) ^ 0x5e_ed0f_50a4);
    (0..EPISODE_STEPS).map(|_| random_op(&mut r)).collect()
}

/// Greedy minimisation (delta debugging, simplified): drop chunks of ops while it still fails.
fn minimise(seed: u64, ops: Vec<Op>) -> Vec<Op> {
    let mut ops = ops;
    let mut chunk = ops.len() / 2;
    while chunk >= 1 {
        let mut i = 0;
        while i < ops.len() {
            let mut shorter = ops.clone();
            shorter.drain(i..(i + chunk).min(ops.len()));
            if drive(seed, &shorter).is_err() {
                ops = shorter;
            } else {
                i += chunk;
            }
        }
        chunk /= 2;
    }
    ops
}

/// The seeded soak: `SOAK_STEPS` steps (default 1 000 000) in episodes of [`EPISODE_STEPS`],
/// episode seeds `SOAK_SEED`, `SOAK_SEED+1`, …; `SOAK_REPLAY=<seed>` replays one episode.
/// Run by `scripts/soak.sh` (release build).
#[test]
#[ignore = "long: scripts/soak.sh"]
fn soak() {
    SAVE_RELOAD_UP_TO_MS.store(u64::MAX, std::sync::atomic::Ordering::Relaxed);
    let var = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok());
    let (first, episodes) = match var("SOAK_REPLAY") {
        Some(seed) => (seed, 1),
        None => {
            let steps = var("SOAK_STEPS").unwrap_or(1_000_000);
            (var("SOAK_SEED").unwrap_or(1), steps.div_ceil(EPISODE_STEPS as u64))
        }
    };
    let mut steps = 0u64;
    for seed in first..first + episodes {
        let ops = episode_ops(seed);
        let mut w = World::new(seed);
        for (i, op) in ops.iter().enumerate() {
            if let Err(e) = w.run(op) {
                let story = w.story();
                let small = minimise(seed, ops[..=i].to_vec());
                panic!(
                    "soak: invariant broken after {steps} steps in all\n\
                     episode seed {seed}, step {i} ({op:?}) at {} ms: {e}\n\
                     last events:\n{story}\n\n\
                     replay exactly this episode:\n  SOAK_REPLAY={seed} scripts/soak.sh\n\
                     minimal replay ({} ops; `drive({seed}, &ops)`):\n  {small:?}",
                    w.now,
                    small.len()
                );
            }
            steps += 1;
        }
        let again = drive(seed, &ops);
        assert_eq!(
            again.ok(),
            Some(event_stream_hash(&w.hash_events)),
            "episode seed {seed}: a replay gave other events (SOAK_REPLAY={seed} scripts/soak.sh)"
        );
        if (seed - first + 1) % 250 == 0 {
            eprintln!("soak: {steps} steps, {} episodes, no invariant broken", seed - first + 1);
        }
    }
    eprintln!("soak: {steps} steps in {episodes} episodes from seed {first}: no invariant broken");
}

/// The number the wasm build must also produce (tests/wasm_core.rs): one long scenario,
/// hashed. Same seed, same events, natively and in the browser.
pub const LONG_RUN_HASH: u64 = 0xed0e_af77_e904_021f;

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
