//! Replication's rules, driven as a small cluster of their own: one partition on three brokers,
//! a controller, a producer, followers fetching — built from `core::replication`'s pieces the
//! way the broker and controller nodes will host them (issue #14), with no network in between.
//!
//! - Stories (each named after the Kafka source its rule comes from): `acks=1` loses
//!   acknowledged records on failover and says which; `acks=all` with `min.insync.replicas=2`
//!   loses nothing when one broker dies and refuses writes when two do; unclean election
//!   trades data for availability; a follower leaves the ISR and comes back; a controlled
//!   shutdown moves leadership first; retries without idempotence write duplicates; the
//!   3-zone layout spreads every partition over the zones.
//! - A proptest driver over random appends, follower fetches, time, crashes, fencing,
//!   controlled shutdowns, restarts and preferred elections, checking after every step:
//!   1. with `acks=all`, `min.insync.replicas` ≥ 2 and unclean election off, no acknowledged
//!      record is ever lost (every ISR member holds it at the offset it was acknowledged at);
//!   2. the high watermark never passes any ISR member's log end offset, and never goes back
//!      while one broker leads one epoch;
//!   3. leader epochs only grow (the controller's, and every replica's epoch cache);
//!   4. with idempotence on, no record is written twice;
//!   5. a truncation's `lost` range is exactly the records that left the follower's log;
//!   6. a consumer reads only below the high watermark, and with unclean election off nothing
//!      it read is ever lost, whatever `acks` was.
//! - `soak` (ignored unless asked for): the same driver, seeded, for a million steps
//!   (`SOAK_STEPS`, `SOAK_SEED`); a failure prints the seed, episode and step to replay.

use broker_playground::core::ids::BrokerId as Broker;
use broker_playground::core::replication::config::{Acks, TopicReplicationConfig};
use broker_playground::core::replication::election::{
    self, ElectionType, PartitionChange, PartitionRegistration,
};
use broker_playground::core::replication::leader_epoch::{truncate_follower, LeaderEpochCache};
use broker_playground::core::replication::partition_state::{AckAfterAppend, PartitionState};
use broker_playground::core::replication::placement::{self, MockRandom, UsableBroker};
use broker_playground::core::replication::producer_state::{
    BatchCheck, ProducerBatch, ProducerStateTable, NO_PRODUCER_ID,
};
use broker_playground::core::replication::{ReplicationErrorCode, NO_LEADER};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// The model's broker numbers; [`Broker`] where the library takes one.
type BrokerId = i32;

const LAG_MS: u64 = 10_000;
const BROKERS: [BrokerId; 3] = [1, 2, 3];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rec {
    epoch: i32,
    id: u64,
    /// On a batch's first record: the batch (for the producer state) and its length.
    batch: Option<(ProducerBatch, u64)>,
}

#[derive(Debug, Default)]
struct Replica {
    up: bool,
    fenced: bool,
    log: Vec<Rec>,
    cache: LeaderEpochCache,
    hw: u64,
    producers: ProducerStateTable,
    leading: Option<PartitionState>,
}

#[derive(Debug, Clone)]
struct Pending {
    ids: Vec<u64>,
    seq: i32,
    lose_response: bool,
    /// Appended on this leader in this epoch, waiting for the ISR (`acks=all`).
    awaiting: Option<(BrokerId, i32, u64, u64)>,
    attempts: u32,
}

#[derive(Debug, Clone, Copy)]
struct Setup {
    acks: Acks,
    min_isr: u32,
    unclean: bool,
    idempotent: bool,
}

impl Setup {
    fn safe(&self) -> bool {
        self.acks == Acks::All && self.min_isr >= 2 && !self.unclean
    }
}

/// One partition, replicas 1, 2, 3, and everything around it.
struct Sim {
    setup: Setup,
    now: u64,
    replicas: BTreeMap<BrokerId, Replica>,
    reg: PartitionRegistration,
    producer_id: i64,
    producer_epoch: i16,
    next_seq: i32,
    next_id: u64,
    pending: Option<Pending>,
    /// Acknowledged record id → the offset it was acknowledged at.
    acked: BTreeMap<u64, u64>,
    /// A consumer (`read_uncommitted`): its position and what it read, offset → record id.
    consumer_position: u64,
    consumed: BTreeMap<u64, u64>,
    /// What each truncation cut off, in order: (broker, offset, record id).
    lost: Vec<(BrokerId, u64, u64)>,
    last_errors: Vec<ReplicationErrorCode>,
    // For the invariants across steps.
    last_leader_epoch: i32,
    last_partition_epoch: i32,
    last_hw: Option<(BrokerId, i32, u64)>,
}

impl Sim {
    fn new(setup: Setup) -> Sim {
        let mut replicas = BTreeMap::new();
        for b in BROKERS {
            replicas.insert(b, Replica { up: true, ..Replica::default() });
        }
        let reg = PartitionRegistration::new(Broker::list(&BROKERS), |_| true);
        let mut sim = Sim {
            setup,
            now: 0,
            replicas,
            reg,
            producer_id: if setup.idempotent { 1000 } else { NO_PRODUCER_ID },
            producer_epoch: 0,
            next_seq: 0,
            next_id: 0,
            pending: None,
            acked: BTreeMap::new(),
            consumer_position: 0,
            consumed: BTreeMap::new(),
            lost: Vec::new(),
            last_errors: Vec::new(),
            last_leader_epoch: 0,
            last_partition_epoch: 0,
            last_hw: None,
        };
        sim.sync_leaders();
        sim
    }

    fn is_active(&self, b: BrokerId) -> bool {
        self.replicas.get(&b).is_some_and(|r| r.up && !r.fenced)
    }

    fn active_set(&self) -> BTreeSet<BrokerId> {
        BROKERS.iter().copied().filter(|&b| self.is_active(b)).collect()
    }

    /// After the controller changed the registration: the leader hosts the partition state,
    /// nobody else does (`makeLeader` / `makeFollower`).
    fn sync_leaders(&mut self) {
        let reg = self.reg.clone();
        let fenced: Vec<BrokerId> = BROKERS.iter().copied().filter(|b| self.replicas[b].fenced).collect();
        let now = self.now;
        let min_isr = self.setup.min_isr;
        for (&b, r) in self.replicas.iter_mut() {
            if reg.leader != b || !r.up {
                r.leading = None;
                continue;
            }
            let log_end = r.log.len() as u64;
            match r.leading.as_mut() {
                Some(state) => {
                    state.update_from_controller(
                        now,
                        &reg.replicas,
                        &reg.isr,
                        reg.leader_epoch,
                        &mut r.cache,
                    );
                }
                None => {
                    r.leading = Some(PartitionState::make_leader(
                        now,
                        "orders",
                        0,
                        Broker(b),
                        &reg.replicas,
                        &reg.isr,
                        reg.leader_epoch,
                        log_end,
                        r.hw,
                        &mut r.cache,
                        min_isr,
                        LAG_MS,
                    ));
                }
            }
            let state = r.leading.as_mut().unwrap();
            for &f in &BROKERS {
                state.set_isr_eligible(Broker(f), !fenced.contains(&f));
            }
            r.hw = state.high_watermark();
        }
    }

    fn apply(&mut self, change: Option<PartitionChange>) {
        if let Some(c) = change {
            self.reg = c.after;
            self.sync_leaders();
        }
    }

    /// The leader's ISR change goes to the controller (`AlterPartition`).
    fn alter_partition(&mut self, isr: Vec<Broker>) {
        let active = self.active_set();
        let leader = self.reg.leader;
        let result = election::alter_partition(&self.reg, leader, self.reg.leader_epoch, &isr, &|b| {
            active.contains(&b.0)
        });
        if let Ok(change) = result {
            self.apply(change);
        }
    }

    fn leader_up(&self) -> Option<BrokerId> {
        let l = self.reg.leader.0;
        (l != NO_LEADER.0 && self.replicas[&l].up && self.replicas[&l].leading.is_some()).then_some(l)
    }

    // ---- the producer ----

    fn produce(&mut self, count: u64, lose_response: bool) {
        if self.pending.is_none() {
            let ids: Vec<u64> = (self.next_id..self.next_id + count).collect();
            self.next_id += count;
            let seq = self.next_seq;
            self.next_seq += count as i32;
            self.pending = Some(Pending { ids, seq, lose_response, awaiting: None, attempts: 0 });
        }
        self.send();
    }

    /// The producer gives up on its batch (`delivery.timeout.ms`): an idempotent producer
    /// bumps its epoch and starts its sequences again (KIP-360).
    fn abandon(&mut self) {
        self.pending = None;
        if self.setup.idempotent {
            self.producer_epoch += 1;
            self.next_seq = 0;
        }
    }

    fn send(&mut self) {
        let Some(mut p) = self.pending.clone() else { return };
        if let Some((leader, epoch, _, _)) = p.awaiting {
            if Some(leader) == self.leader_up() && epoch == self.reg.leader_epoch {
                return; // still waiting for the ISR; the request has not timed out
            }
        }
        p.attempts += 1;
        if p.attempts > 20 {
            self.abandon();
            return;
        }
        let Some(leader) = self.leader_up() else {
            self.last_errors.push(ReplicationErrorCode::LeaderNotAvailable);
            self.pending = Some(Pending { awaiting: None, ..p });
            return;
        };
        let batch = ProducerBatch {
            producer_id: self.producer_id,
            producer_epoch: self.producer_epoch,
            base_sequence: p.seq,
            record_count: p.ids.len() as u32,
        };
        let now = self.now;
        let acks = self.setup.acks;
        let r = self.replicas.get_mut(&leader).unwrap();
        let count = p.ids.len() as u64;
        let (base, ack) = match r.producers.check(&batch) {
            Err(e) => {
                self.last_errors.push(e.code);
                self.abandon();
                return;
            }
            Ok(BatchCheck::Duplicate { base_offset }) => {
                let ack = match acks {
                    Acks::Zero => AckAfterAppend::Never,
                    Acks::One => AckAfterAppend::Now,
                    Acks::All => AckAfterAppend::WhenReplicated(base_offset + count),
                };
                (base_offset, ack)
            }
            Ok(BatchCheck::Append) => {
                let state = r.leading.as_mut().unwrap();
                match state.append_records_to_leader(now, acks, count) {
                    Err(e) => {
                        self.last_errors.push(e.code);
                        self.pending = Some(Pending { awaiting: None, ..p });
                        return;
                    }
                    Ok(info) => {
                        assert_eq!(info.base_offset, r.log.len() as u64, "appends land at the log end");
                        let epoch = state.leader_epoch();
                        for (i, &id) in p.ids.iter().enumerate() {
                            let batch_info = (i == 0).then_some((batch, count));
                            r.log.push(Rec { epoch, id, batch: batch_info });
                        }
                        r.producers.record_append(&batch, info.base_offset);
                        r.hw = state.high_watermark();
                        (info.base_offset, info.ack)
                    }
                }
            }
        };
        match ack {
            AckAfterAppend::Never => self.pending = None,
            AckAfterAppend::Now => {
                self.pending = Some(p);
                self.deliver(base);
            }
            AckAfterAppend::WhenReplicated(required) => {
                p.awaiting = Some((leader, self.reg.leader_epoch, required, base));
                self.pending = Some(p);
                self.check_pending();
            }
        }
    }

    fn deliver(&mut self, base: u64) {
        let Some(mut p) = self.pending.take() else { return };
        if p.lose_response {
            p.lose_response = false;
            p.awaiting = None;
            self.pending = Some(p);
            return;
        }
        for (i, id) in p.ids.iter().enumerate() {
            self.acked.insert(*id, base + i as u64);
        }
    }

    /// The leader's purgatory: an `acks=all` batch is answered once the ISR has it.
    fn check_pending(&mut self) {
        let Some(p) = self.pending.clone() else { return };
        let Some((leader, epoch, required, base)) = p.awaiting else { return };
        let state = (Some(leader) == self.leader_up())
            .then(|| self.replicas[&leader].leading.as_ref())
            .flatten()
            .filter(|s| s.leader_epoch() == epoch);
        let Some(state) = state else {
            // Leadership moved: NOT_LEADER_OR_FOLLOWER, retried later.
            self.last_errors.push(ReplicationErrorCode::NotLeaderOrFollower);
            self.pending = Some(Pending { awaiting: None, ..p });
            return;
        };
        match state.check_enough_replicas_reach_offset(required) {
            Ok(true) => self.deliver(base),
            Ok(false) => {}
            Err(e) => {
                self.last_errors.push(e.code);
                self.pending = Some(Pending { awaiting: None, ..p });
            }
        }
    }

    // ---- followers ----

    fn fetch(&mut self, follower: BrokerId, max_batches: usize) {
        let Some(leader) = self.leader_up() else { return };
        if follower == leader || !self.replicas[&follower].up || self.replicas[&follower].fenced {
            return;
        }
        let now = self.now;
        let (leader_cache, leader_log) = {
            let l = &self.replicas[&leader];
            (l.cache.clone(), l.log.clone())
        };
        // Truncate to where the logs agree (the diverging-epoch exchange).
        {
            let f = self.replicas.get_mut(&follower).unwrap();
            let before = f.log.clone();
            let t = truncate_follower(
                &mut f.cache,
                f.log.len() as u64,
                f.hw,
                &leader_cache,
                leader_log.len() as u64,
            );
            assert_eq!(t.lost.start, t.truncate_to);
            assert_eq!(t.lost.end, before.len() as u64);
            f.log.truncate(t.truncate_to as usize);
            f.producers.truncate_to(t.truncate_to);
            f.hw = f.hw.min(t.truncate_to);
            for o in t.lost.clone() {
                self.lost.push((follower, o, before[o as usize].id));
            }
            // After truncation the follower's log is a prefix of the leader's.
            assert!(
                f.log.len() <= leader_log.len(),
                "follower {follower} is longer than its leader after truncation"
            );
            for (o, rec) in f.log.iter().enumerate() {
                assert_eq!(
                    (rec.epoch, rec.id),
                    (leader_log[o].epoch, leader_log[o].id),
                    "follower {follower} diverges at {o} after truncation"
                );
            }
        }
        let fetch_offset = self.replicas[&follower].log.len() as u64;
        let result = {
            let l = self.replicas.get_mut(&leader).unwrap();
            let state = l.leading.as_mut().unwrap();
            let result = state.update_follower_fetch_state(now, Broker(follower), fetch_offset);
            l.hw = state.high_watermark();
            result
        };
        let (change, _) = result.expect("a replica fetching at or below the leader's log end");
        let leader_hw = self.replicas[&leader].hw;
        // Whole batches from the fetch offset.
        let f = self.replicas.get_mut(&follower).unwrap();
        let mut o = fetch_offset as usize;
        let mut batches = 0;
        while o < leader_log.len() && batches < max_batches {
            let rec = leader_log[o];
            let len = rec.batch.map_or(1, |(_, n)| n as usize);
            f.cache.assign(rec.epoch, o as u64);
            if let Some((b, _)) = rec.batch {
                f.producers.record_replicated(&b, o as u64);
            }
            f.log.extend_from_slice(&leader_log[o..(o + len).min(leader_log.len())]);
            o += len;
            batches += 1;
        }
        f.hw = leader_hw.min(f.log.len() as u64);
        if let Some(change) = change {
            self.alter_partition(change.isr);
        }
        self.check_pending();
    }

    fn tick(&mut self, ms: u64) {
        self.now += ms;
        if let Some(leader) = self.leader_up() {
            let now = self.now;
            let l = self.replicas.get_mut(&leader).unwrap();
            let state = l.leading.as_mut().unwrap();
            let shrink = state.maybe_shrink_isr(now);
            l.hw = state.high_watermark();
            if let Some((change, _)) = shrink {
                self.alter_partition(change.isr);
            }
        }
        self.check_pending();
    }

    /// A consumer fetches from the leader: only below the high watermark.
    fn consume(&mut self, max: u64) {
        let Some(leader) = self.leader_up() else { return };
        let r = &self.replicas[&leader];
        let hw = r.leading.as_ref().unwrap().high_watermark();
        assert!(hw <= r.log.len() as u64);
        let end = hw.min(self.consumer_position + max);
        for o in self.consumer_position..end {
            self.consumed.insert(o, r.log[o as usize].id);
        }
        self.consumer_position = self.consumer_position.max(end);
    }

    // ---- brokers and the controller ----

    fn crash(&mut self, b: BrokerId) {
        let r = self.replicas.get_mut(&b).unwrap();
        r.up = false;
        r.leading = None;
        self.check_pending();
    }

    /// The controller fences a broker whose heartbeats stopped (`broker.session.timeout.ms`).
    fn fence(&mut self, b: BrokerId) {
        if self.replicas[&b].up || self.replicas[&b].fenced {
            return;
        }
        self.replicas.get_mut(&b).unwrap().fenced = true;
        let active = self.active_set();
        let change =
            election::remove_broker(&self.reg, Broker(b), &|r| active.contains(&r.0), self.setup.unclean);
        self.apply(change);
        self.check_pending();
    }

    /// Controlled shutdown: leadership moves away first, then the broker stops.
    fn shutdown(&mut self, b: BrokerId) {
        if !self.is_active(b) {
            return;
        }
        self.replicas.get_mut(&b).unwrap().fenced = true;
        let active = self.active_set();
        let change =
            election::remove_broker(&self.reg, Broker(b), &|r| active.contains(&r.0), self.setup.unclean);
        self.apply(change);
        self.crash(b);
    }

    fn restart(&mut self, b: BrokerId) {
        if self.replicas[&b].up {
            return;
        }
        // A broker that comes back before its session expired must wait for it to expire.
        self.fence(b);
        let r = self.replicas.get_mut(&b).unwrap();
        r.up = true;
        r.fenced = false;
        let active = self.active_set();
        let change =
            election::broker_unfenced(&self.reg, Broker(b), &|r| active.contains(&r.0), self.setup.unclean);
        self.apply(change);
        self.sync_leaders();
    }

    fn preferred_election(&mut self) {
        let active = self.active_set();
        if let Ok(change) =
            election::elect_leader(&self.reg, ElectionType::Preferred, &|r| active.contains(&r.0))
        {
            self.apply(Some(change));
        }
    }

    // ---- invariants ----

    fn check(&mut self) -> Result<(), String> {
        // 3. Leader epochs only grow.
        if self.reg.leader_epoch < self.last_leader_epoch
            || self.reg.partition_epoch < self.last_partition_epoch
        {
            return Err(format!("epochs went back: {:?}", self.reg));
        }
        self.last_leader_epoch = self.reg.leader_epoch;
        self.last_partition_epoch = self.reg.partition_epoch;
        for (b, r) in &self.replicas {
            let entries = r.cache.entries();
            for w in entries.windows(2) {
                if w[0].epoch >= w[1].epoch || w[0].start_offset >= w[1].start_offset {
                    return Err(format!("broker {b}'s epoch cache is not increasing: {entries:?}"));
                }
            }
            for w in r.log.windows(2) {
                if w[0].epoch > w[1].epoch {
                    return Err(format!("broker {b}'s log has epochs going back"));
                }
            }
            if r.hw > r.log.len() as u64 {
                return Err(format!(
                    "broker {b}'s high watermark {} is past its log end {}",
                    r.hw,
                    r.log.len()
                ));
            }
            // 4. Idempotence: no record twice.
            if self.setup.idempotent {
                let mut seen = BTreeSet::new();
                for rec in &r.log {
                    if !seen.insert(rec.id) {
                        return Err(format!("broker {b} has record {} twice", rec.id));
                    }
                }
            }
        }
        // The ISR is a subset of the replicas and holds the leader.
        if self.reg.isr.iter().any(|b| !self.reg.replicas.contains(b)) || self.reg.isr.is_empty() {
            return Err(format!("bad ISR {:?}", self.reg));
        }
        if self.reg.leader != NO_LEADER && !self.reg.isr.contains(&self.reg.leader) {
            return Err(format!("leader outside the ISR {:?}", self.reg));
        }
        // 2. The high watermark never passes an ISR member's log end, never goes back on a leader.
        if let Some(leader) = self.leader_up() {
            let state = self.replicas[&leader].leading.as_ref().unwrap();
            let hw = state.high_watermark();
            if state.isr() != self.reg.isr.as_slice() {
                return Err(format!(
                    "leader's ISR {:?} differs from the controller's {:?}",
                    state.isr(),
                    self.reg.isr
                ));
            }
            if state.log_end_offset() != self.replicas[&leader].log.len() as u64 {
                return Err("leader's log end differs from its log".into());
            }
            for b in &self.reg.isr {
                let end = self.replicas[&b.0].log.len() as u64;
                if hw > end {
                    return Err(format!("high watermark {hw} passes ISR member {b}'s log end {end}"));
                }
            }
            if let Some((l, e, last)) = self.last_hw {
                if l == leader && e == state.leader_epoch() && hw < last {
                    return Err(format!("high watermark went back from {last} to {hw} on leader {l}"));
                }
            }
            self.last_hw = Some((leader, state.leader_epoch(), hw));
        }
        // 1b. Without unclean election, nothing a consumer read (below a high watermark) is
        //     ever lost, whatever `acks` was.
        if !self.setup.unclean {
            for (&offset, &id) in &self.consumed {
                for b in &self.reg.isr {
                    let log = &self.replicas[&b.0].log;
                    if log.get(offset as usize).map(|r| r.id) != Some(id) {
                        return Err(format!(
                            "record {id} a consumer read at offset {offset} is not on ISR member {b}"
                        ));
                    }
                }
            }
        }
        // 1. No acknowledged record is lost.
        if self.setup.safe() {
            for (&id, &offset) in &self.acked {
                for b in &self.reg.isr {
                    let log = &self.replicas[&b.0].log;
                    if log.get(offset as usize).map(|r| r.id) != Some(id) {
                        return Err(format!(
                            "acknowledged record {id} at offset {offset} is not on ISR member {b} ({:?})",
                            self.reg
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
enum Op {
    Produce { count: u64, lose_response: bool },
    Fetch { follower: BrokerId, batches: usize },
    Tick { ms: u64 },
    Crash(BrokerId),
    Fence(BrokerId),
    Shutdown(BrokerId),
    Restart(BrokerId),
    Preferred,
    Consume { max: u64 },
}

fn run(sim: &mut Sim, op: &Op) {
    match *op {
        Op::Produce { count, lose_response } => sim.produce(count, lose_response),
        Op::Fetch { follower, batches } => sim.fetch(follower, batches),
        Op::Tick { ms } => sim.tick(ms),
        Op::Crash(b) => sim.crash(b),
        Op::Fence(b) => sim.fence(b),
        Op::Shutdown(b) => sim.shutdown(b),
        Op::Restart(b) => sim.restart(b),
        Op::Preferred => sim.preferred_election(),
        Op::Consume { max } => sim.consume(max),
    }
}

fn op_strategy() -> impl Strategy<Value = Op> {
    let broker = prop_oneof![Just(1), Just(2), Just(3)];
    prop_oneof![
        5 => (1u64..4, prop::bool::weighted(0.2)).prop_map(|(count, lose_response)| Op::Produce { count, lose_response }),
        8 => (prop_oneof![Just(1), Just(2), Just(3)], 1usize..4).prop_map(|(follower, batches)| Op::Fetch { follower, batches }),
        2 => (1u64..15_000).prop_map(|ms| Op::Tick { ms }),
        1 => broker.clone().prop_map(Op::Crash),
        1 => broker.clone().prop_map(Op::Fence),
        1 => broker.clone().prop_map(Op::Shutdown),
        2 => broker.prop_map(Op::Restart),
        1 => Just(Op::Preferred),
        2 => (1u64..6).prop_map(|max| Op::Consume { max }),
    ]
}

fn setup_strategy() -> impl Strategy<Value = Setup> {
    (prop_oneof![Just(Acks::All), Just(Acks::One), Just(Acks::Zero)], 1u32..4, any::<bool>(), any::<bool>())
        .prop_map(|(acks, min_isr, unclean, idempotent)| Setup {
            acks,
            min_isr,
            unclean,
            // enable.idempotence requires acks=all.
            idempotent: idempotent && acks == Acks::All,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    /// Random appends, fetches, ISR changes, failures and elections keep replication's
    /// invariants at every step.
    #[test]
    fn random_replication_keeps_kafkas_guarantees(
        setup in setup_strategy(),
        ops in prop::collection::vec(op_strategy(), 1..250),
    ) {
        let mut sim = Sim::new(setup);
        for (i, op) in ops.iter().enumerate() {
            run(&mut sim, op);
            if let Err(e) = sim.check() {
                prop_assert!(false, "step {i} ({op:?}): {e}");
            }
        }
        // Heal: everyone up, fetch until quiet; the invariants still hold and the safe setup
        // still has every acknowledged record.
        for b in BROKERS {
            sim.restart(b);
        }
        for _ in 0..10 {
            for f in BROKERS {
                sim.fetch(f, 1000);
            }
            sim.tick(1);
            if let Err(e) = sim.check() {
                prop_assert!(false, "healing: {e}");
            }
        }
    }

    /// StripedReplicaPlacer's properties for any cluster: distinct brokers, an unfenced
    /// preferred leader, every rack used before one is used twice, and (racks unset, nobody
    /// fenced) leaders spread within one of each other.
    #[test]
    fn placement_spreads_replicas_and_leaders(
        racks in prop::collection::vec(prop::option::of(0u8..3), 1..10),
        fenced in prop::collection::vec(any::<bool>(), 10),
        partitions in 1u32..60,
        rf in 1i32..10,
        seed in any::<u64>(),
    ) {
        let brokers: Vec<UsableBroker> = racks
            .iter()
            .enumerate()
            .map(|(i, r)| UsableBroker {
                id: Broker(i as BrokerId + 1),
                rack: r.map(|r| format!("zone-{r}")),
                fenced: fenced[i],
            })
            .collect();
        let mut random = oorandom::Rand64::new(seed as u128);
        let result = placement::place(&mut random, partitions, rf, &brokers);
        let unfenced = brokers.iter().filter(|b| !b.fenced).count();
        if rf as usize > brokers.len() || unfenced == 0 {
            prop_assert_eq!(result.unwrap_err().code, ReplicationErrorCode::InvalidReplicationFactor);
            return Ok(());
        }
        let placed = result.unwrap();
        prop_assert_eq!(placed.len(), partitions as usize);
        let rack_of = |id: BrokerId| brokers[(id - 1) as usize].rack.clone();
        let rack_count = brokers.iter().map(|b| b.rack.clone()).collect::<BTreeSet<_>>().len();
        for replicas in &placed {
            prop_assert_eq!(replicas.len(), rf as usize);
            prop_assert_eq!(replicas.iter().collect::<BTreeSet<_>>().len(), rf as usize, "distinct brokers");
            prop_assert!(!brokers[(replicas[0].0 - 1) as usize].fenced, "leader unfenced");
            let used: BTreeSet<_> = replicas.iter().map(|&r| rack_of(r.0)).collect();
            prop_assert_eq!(used.len(), (rf as usize).min(rack_count), "racks spread: {:?}", replicas);
        }
        if rack_count == 1 && unfenced == brokers.len() {
            let mut leads = BTreeMap::new();
            for replicas in &placed {
                *leads.entry(replicas[0]).or_insert(0) += 1;
            }
            let most = leads.values().max().copied().unwrap_or(0);
            let least = if leads.len() < brokers.len() { 0 } else { leads.values().min().copied().unwrap_or(0) };
            prop_assert!(most - least <= 1, "leaders balanced: {leads:?}");
        }
    }
}

fn sim(acks: Acks, min_isr: u32, unclean: bool, idempotent: bool) -> Sim {
    Sim::new(Setup { acks, min_isr, unclean, idempotent })
}

fn ids(log: &[Rec]) -> Vec<u64> {
    log.iter().map(|r| r.id).collect()
}

/// KIP-101 (`LeaderEpochFileCache`, `AbstractFetcherThread`): with `acks=1` the leader
/// acknowledges before the followers have the records; it dies, a follower leads, and when the
/// old leader returns it truncates — the acknowledged records are gone, and which ones is known.
#[test]
fn acks_1_loses_acknowledged_records_on_failover() {
    let mut s = sim(Acks::One, 1, false, false);
    s.produce(3, false); // ids 0..3 at offsets 0..3
    s.fetch(2, 10);
    s.fetch(3, 10);
    s.fetch(2, 10); // followers have 0..3, the leader knows it
    s.fetch(3, 10);
    s.produce(2, false); // ids 3, 4 at offsets 3, 4: acknowledged by the leader alone
    assert_eq!(s.acked.len(), 5, "acks=1: answered at once");
    s.crash(1);
    s.fence(1);
    assert_eq!(s.reg.leader, 2, "the next ISR replica leads");
    s.produce(1, false); // id 5 at offset 3 on the new leader
    s.restart(1);
    s.fetch(1, 10);
    assert_eq!(s.lost, vec![(1, 3, 3), (1, 4, 4)], "broker 1 cut offsets 3 and 4 (records 3, 4)");
    assert_eq!(ids(&s.replicas[&1].log), vec![0, 1, 2, 5]);
    assert_eq!(s.acked.get(&3), Some(&3), "record 3 was acknowledged at offset 3 — and is gone");
}

/// Partition.appendRecordsToLeader / checkEnoughReplicasReachOffset: with `acks=all` and
/// `min.insync.replicas=2`, one broker down loses nothing; two down refuses writes.
#[test]
fn acks_all_with_min_isr_2_survives_one_failure_and_refuses_at_two() {
    let mut s = sim(Acks::All, 2, false, true);
    s.produce(3, false);
    assert!(s.acked.is_empty(), "acks=all waits for the ISR");
    s.fetch(2, 10);
    s.fetch(3, 10);
    s.fetch(2, 10);
    s.fetch(3, 10);
    assert_eq!(s.acked.len(), 3);
    s.crash(1);
    s.fence(1);
    assert_eq!((s.reg.leader, s.reg.isr.clone()), (Broker(2), Broker::list(&[2, 3])));
    assert_eq!(ids(&s.replicas[&2].log), vec![0, 1, 2], "nothing acknowledged is lost");
    s.crash(3);
    s.fence(3);
    assert_eq!(s.reg.isr, vec![2]);
    s.last_errors.clear();
    s.produce(1, false);
    assert_eq!(s.last_errors, vec![ReplicationErrorCode::NotEnoughReplicas]);
    assert_eq!(s.replicas[&2].log.len(), 3, "refused before anything was written");
    s.check().unwrap();
}

/// PartitionChangeBuilder (Election.UNCLEAN): the only ISR member is down; with unclean
/// election an out-of-sync replica leads and what it lacked is gone; without, the partition
/// stays offline until the ISR member returns.
#[test]
fn unclean_election_trades_data_for_availability() {
    for unclean in [false, true] {
        let mut s = sim(Acks::One, 1, unclean, false);
        s.produce(2, false);
        s.fetch(2, 10);
        s.fetch(3, 10);
        s.crash(2);
        s.crash(3);
        s.fence(2);
        s.fence(3);
        assert_eq!(s.reg.isr, vec![1]);
        s.produce(2, false); // offsets 2, 3 only on broker 1
        s.crash(1);
        s.fence(1);
        assert_eq!(s.reg.leader, NO_LEADER, "offline: Leader: none");
        assert_eq!(s.reg.leader_text(), "none");
        s.restart(2);
        if unclean {
            assert_eq!(
                (s.reg.leader, s.reg.isr.clone()),
                (Broker(2), Broker::list(&[2])),
                "broker 2 elected uncleanly"
            );
            s.restart(1);
            s.fetch(1, 10);
            assert_eq!(s.lost, vec![(1, 2, 2), (1, 3, 3)], "records 2 and 3 are lost");
        } else {
            assert_eq!(s.reg.leader, NO_LEADER, "broker 2 is out of sync: still offline");
            s.restart(1);
            assert_eq!(s.reg.leader, 1, "back with its last ISR member, nothing lost");
            s.fetch(2, 10);
            assert!(s.lost.is_empty());
        }
    }
}

/// Partition.maybeShrinkIsr / maybeExpandIsr: a follower that does not fetch for
/// `replica.lag.time.max.ms` leaves the ISR; it rejoins once it has caught up.
#[test]
fn follower_falls_out_of_the_isr_and_back() {
    let mut s = sim(Acks::All, 1, false, true);
    s.produce(2, false);
    s.fetch(2, 10);
    s.tick(LAG_MS / 2);
    s.fetch(2, 10);
    s.tick(LAG_MS / 2 + 1);
    assert_eq!(s.reg.isr, vec![1, 2], "3 did not fetch for replica.lag.time.max.ms");
    assert_eq!(s.acked.len(), 2, "the high watermark no longer waits for 3");
    s.fetch(3, 10);
    s.fetch(3, 10);
    assert_eq!(s.reg.isr, vec![1, 2, 3], "caught up: back in the ISR");
}

/// ReplicationControlManager.handleBrokerInControlledShutdown: leadership moves before the
/// broker stops; with `acks=all` nothing acknowledged is lost; preferred election brings it
/// back when it returns and has caught up.
#[test]
fn controlled_shutdown_moves_leadership_first_and_preferred_election_returns_it() {
    let mut s = sim(Acks::All, 2, false, true);
    s.produce(2, false);
    for f in [2, 3, 2, 3] {
        s.fetch(f, 10);
    }
    assert_eq!(s.acked.len(), 2);
    s.shutdown(1);
    assert_eq!((s.reg.leader, s.reg.isr.clone()), (Broker(2), Broker::list(&[2, 3])));
    let epoch = s.reg.leader_epoch;
    s.produce(1, false);
    s.fetch(3, 10);
    s.fetch(3, 10);
    assert_eq!(s.acked.len(), 3);
    s.restart(1);
    s.fetch(1, 10);
    s.fetch(1, 10);
    assert_eq!(s.reg.isr, vec![2, 3, 1]);
    s.preferred_election();
    assert_eq!(s.reg.leader, 1);
    assert!(s.reg.leader_epoch > epoch);
    assert!(s.lost.is_empty());
    s.check().unwrap();
}

/// ProducerStateManager: a batch whose response was lost is retried; with idempotence the
/// leader recognises it and acknowledges the first copy; without, it is written twice.
#[test]
fn retries_without_idempotence_write_duplicates() {
    for idempotent in [true, false] {
        let mut s = sim(Acks::All, 1, false, idempotent);
        s.produce(2, true); // response lost
        s.fetch(2, 10);
        s.fetch(3, 10);
        s.fetch(2, 10);
        s.fetch(3, 10);
        assert!(s.acked.is_empty(), "the producer never heard back");
        s.produce(0, false); // the retry (the pending batch is resent)
        for f in [2, 3, 2, 3] {
            s.fetch(f, 10);
        }
        let log = ids(&s.replicas[&1].log);
        if idempotent {
            assert_eq!(log, vec![0, 1], "the retry was a duplicate: acknowledged, not written");
            assert_eq!(s.acked.get(&0), Some(&0));
        } else {
            assert_eq!(log, vec![0, 1, 0, 1], "written twice");
            assert_eq!(s.acked.get(&0), Some(&2), "acknowledged at the second copy");
        }
    }
}

/// The managed service's layout: 3 brokers in 3 zones, replication factor 3 — every partition
/// has a replica in every zone, so a zone outage leaves two in-sync copies.
#[test]
fn three_zone_layout_puts_a_replica_in_every_zone() {
    let brokers = [
        UsableBroker::new(Broker(1), Some("zone-a"), false),
        UsableBroker::new(Broker(2), Some("zone-b"), false),
        UsableBroker::new(Broker(3), Some("zone-c"), false),
    ];
    let placed = placement::place(&mut MockRandom::new(), 6, 3, &brokers).unwrap();
    for replicas in &placed {
        let mut sorted = replicas.clone();
        sorted.sort();
        assert_eq!(sorted, vec![1, 2, 3]);
    }
    let leaders: BTreeSet<_> = placed.iter().map(|r| r[0]).collect();
    assert_eq!(leaders.len(), 3, "leaders spread over the zones: {placed:?}");
    let err = placement::place(&mut MockRandom::new(), 1, 4, &brokers).unwrap_err();
    assert_eq!(
        err.to_string(),
        "INVALID_REPLICATION_FACTOR: The target replication factor of 4 cannot be reached because only 3 broker(s) are registered."
    );
    // A zone outage with min.insync.replicas=2: still writable.
    let topic = TopicReplicationConfig { min_insync_replicas: 2, unclean_leader_election_enable: false };
    let mut s = sim(Acks::All, topic.min_insync_replicas, topic.unclean_leader_election_enable, true);
    s.crash(2);
    s.fence(2);
    s.produce(1, false);
    s.fetch(3, 10);
    s.fetch(3, 10);
    assert_eq!(s.acked.len(), 1);
}

/// Partition.maybeExpandIsr: a follower joins the ISR only once it has reached the start of
/// the current leader epoch, not merely the new leader's (lagging) high watermark — otherwise
/// it could be elected without records the old leader had acknowledged.
#[test]
fn follower_joins_the_isr_only_past_the_new_epochs_start() {
    let mut s = sim(Acks::All, 2, false, true);
    s.produce(2, false);
    s.fetch(2, 10);
    s.tick(LAG_MS / 2);
    s.fetch(2, 10);
    s.tick(LAG_MS / 2 + 1);
    assert_eq!(s.reg.isr, vec![1, 2]);
    assert_eq!(s.acked.len(), 2, "acknowledged by 1 and 2");
    assert_eq!(s.replicas[&2].hw, 0, "2 learns the high watermark one fetch late");
    s.crash(1);
    s.fence(1);
    assert_eq!((s.reg.leader, s.reg.isr.clone()), (Broker(2), Broker::list(&[2])));
    s.fetch(3, 0); // 3 (log end 0) fetches: at the new leader's high watermark, before the epoch
    assert_eq!(s.reg.isr, vec![2], "3 is not in sync with epoch {}", s.reg.leader_epoch);
    s.crash(2);
    s.fence(2);
    assert_eq!(s.reg.leader, NO_LEADER, "offline rather than led by 3, which lacks records 0 and 1");
    s.check().unwrap();
}

/// The driver's op mix for the soak, from a seeded PRNG (same weights as `op_strategy`).
fn random_op(rng: &mut oorandom::Rand64) -> Op {
    let broker = |rng: &mut oorandom::Rand64| 1 + rng.rand_range(0..3) as BrokerId;
    match rng.rand_range(0..23) {
        0..=4 => Op::Produce { count: 1 + rng.rand_range(0..3), lose_response: rng.rand_range(0..5) == 0 },
        5..=12 => Op::Fetch { follower: broker(rng), batches: 1 + rng.rand_range(0..3) as usize },
        13..=14 => Op::Tick { ms: 1 + rng.rand_range(0..15_000) },
        15 => Op::Crash(broker(rng)),
        16 => Op::Fence(broker(rng)),
        17 => Op::Shutdown(broker(rng)),
        18..=19 => Op::Restart(broker(rng)),
        20 => Op::Preferred,
        _ => Op::Consume { max: 1 + rng.rand_range(0..5) },
    }
}

/// A million steps (`SOAK_STEPS`) of the random driver in episodes of 300, each with its own
/// setup, from `SOAK_SEED`. `cargo test --release --test replication soak -- --ignored`.
#[test]
#[ignore]
fn soak() {
    let steps: u64 = std::env::var("SOAK_STEPS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let seed: u64 = std::env::var("SOAK_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(14);
    let mut rng = oorandom::Rand64::new(seed as u128);
    let mut done = 0;
    let mut episode = 0;
    while done < steps {
        let acks = [Acks::All, Acks::One, Acks::Zero][rng.rand_range(0..3) as usize];
        let setup = Setup {
            acks,
            min_isr: 1 + rng.rand_range(0..3) as u32,
            unclean: rng.rand_range(0..2) == 1,
            idempotent: acks == Acks::All && rng.rand_range(0..2) == 1,
        };
        let mut sim = Sim::new(setup);
        for step in 0..300 {
            let op = random_op(&mut rng);
            run(&mut sim, &op);
            if let Err(e) = sim.check() {
                panic!("soak seed {seed}, episode {episode}, step {step} ({op:?}, {setup:?}): {e}");
            }
        }
        done += 300;
        episode += 1;
    }
}
