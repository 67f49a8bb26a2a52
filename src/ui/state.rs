//! The UI's model: the core's [`Cluster`] plus what only the screen needs (play/pause, speed,
//! the timeline, lag history, the rebalance being shown, errors per card).
//!
//! Shape (yew's `function_todomvc`): [`Sim`] is the state, [`Action`] what can happen to it,
//! [`SimState`] the `Reducible` wrapper. The cluster is never cloned per frame: it lives in an
//! `Rc<RefCell<Sim>>` and each change bumps a version counter, which is what components compare.
//! Nothing here decides what Kafka would do; that is the core's job.

use crate::core::acl::Role;
use crate::core::config::{ClusterConfig, ConsumerConfig};
use crate::core::consumer::ConsumerSpec;
use crate::core::event::{Event, EventKind, Move, RebalanceReason};
use crate::core::producer::{KeyMode, ProducerSpec};
use crate::core::time::Millis;
use crate::core::{Cluster, Command};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::rc::Rc;
use yew::prelude::*;

/// The seed of the default scenario: same seed, same run.
pub const SEED: u64 = 42;
/// Timeline entries kept (narrated ones and high-volume ones, each).
pub const TIMELINE_CAP: usize = 500;
/// Lag samples kept per group, one every [`LAG_SAMPLE_MS`] of simulated time.
pub const LAG_CAP: usize = 120;
pub const LAG_SAMPLE_MS: Millis = 500;
/// Longest real-time gap one frame may advance (a hidden tab does not jump minutes ahead).
pub const MAX_FRAME_MS: f64 = 250.0;
/// The speeds offered.
pub const SPEEDS: [f64; 7] = [0.25, 0.5, 1.0, 2.0, 4.0, 5.0, 10.0];

/// Where a command's error is shown.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ErrorAt {
    NewTopic,
    Topic(String),
    Producer(String),
    Consumer(String),
    Users,
    Global,
}

/// Everything that can happen to the model.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A frame: `performance.now()` in ms.
    Tick(f64),
    TogglePlay,
    Step,
    SetSpeed(f64),
    SetProjector(bool),
    /// Run a core command; its error (if any) is shown at the given place. Boxed: commands
    /// are large and ticks are many.
    Cmd(ErrorAt, Box<Command>),
    AddProducer,
    AddConsumer,
}

impl Action {
    /// A core command whose error is shown at `at`.
    pub fn cmd(at: ErrorAt, command: Command) -> Action {
        Action::Cmd(at, Box::new(command))
    }
}

/// A timeline entry: the event and a sequence number (its identity for the list).
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub seq: u64,
    pub event: Event,
    /// `Event::line()`, computed once.
    pub line: String,
}

/// Which rebalance protocol a group is going through: they look different.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RebalanceKind {
    Eager,
    Cooperative,
    Kip848,
}

/// The phases of a rebalance, in the order they happen for its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    RevokeAll,
    Join,
    Sync,
    RevokeMoving,
    FollowUp,
    EpochBump,
    Reconcile,
    Stable,
}

impl RebalanceKind {
    pub fn phases(self) -> &'static [Phase] {
        match self {
            RebalanceKind::Eager => &[Phase::RevokeAll, Phase::Join, Phase::Sync, Phase::Stable],
            RebalanceKind::Cooperative => {
                &[Phase::Join, Phase::Sync, Phase::RevokeMoving, Phase::FollowUp, Phase::Stable]
            }
            RebalanceKind::Kip848 => &[Phase::EpochBump, Phase::Reconcile, Phase::Stable],
        }
    }
}

/// One partition changing hands, as shown: "orders-2: c1 → c3".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownMove {
    pub partition: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The latest rebalance of a group, as the group panel shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct RebalanceView {
    pub kind: RebalanceKind,
    pub phase: Phase,
    pub generation: i32,
    pub reason: String,
    pub started_at: Millis,
    pub finished_at: Option<Millis>,
    pub moves: Vec<ShownMove>,
    pub revoked_by: BTreeSet<String>,
    pub stopped: Vec<String>,
    pub reconciled: BTreeSet<String>,
}

impl RebalanceView {
    fn new(kind: RebalanceKind, phase: Phase, generation: i32, reason: String, at: Millis) -> Self {
        RebalanceView {
            kind,
            phase,
            generation,
            reason,
            started_at: at,
            finished_at: None,
            moves: Vec::new(),
            revoked_by: BTreeSet::new(),
            stopped: Vec::new(),
            reconciled: BTreeSet::new(),
        }
    }

    fn index(&self, p: Phase) -> usize {
        self.kind.phases().iter().position(|x| *x == p).unwrap_or(0)
    }

    /// Moves forward only: a late event of an earlier phase does not move the highlight back.
    fn advance_to(&mut self, p: Phase) {
        if self.kind.phases().contains(&p) && self.index(p) >= self.index(self.phase) {
            self.phase = p;
        }
    }

    fn merge_moves(&mut self, moves: &[Move]) {
        for m in moves {
            let name = format!("{}-{}", m.partition.topic, m.partition.partition);
            // Cooperative follow-up: "orders-2: c1 → nobody" then "nobody → c3" is one move.
            if let Some(old) =
                self.moves.iter_mut().find(|o| o.partition == name && o.to.is_none() && m.from.is_none())
            {
                old.to = m.to.clone();
                continue;
            }
            self.moves.retain(|o| o.partition != name);
            self.moves.push(ShownMove { partition: name, from: m.from.clone(), to: m.to.clone() });
        }
        self.moves.sort_by_key(|m| natural_key(&m.partition));
    }
}

/// "orders-10" sorts after "orders-9".
fn natural_key(s: &str) -> (String, u64) {
    match s.rsplit_once('-') {
        Some((t, p)) => (t.to_string(), p.parse().unwrap_or(0)),
        None => (s.to_string(), 0),
    }
}

/// The model behind the page.
pub struct Sim {
    pub cluster: Cluster,
    pub playing: bool,
    pub speed: f64,
    /// Simulated time with the fraction of a millisecond the core does not keep.
    pub sim_time: f64,
    pub last_real: Option<f64>,
    pub projector: bool,
    /// Narrated events, newest last.
    pub timeline: VecDeque<Entry>,
    /// High-volume events (produced, fetched, auto-commits), newest last.
    pub noisy: VecDeque<Entry>,
    pub seq: u64,
    pub lag: BTreeMap<String, VecDeque<u64>>,
    pub next_lag_sample: Millis,
    pub rebalances: BTreeMap<String, RebalanceView>,
    pub errors: BTreeMap<ErrorAt, String>,
    pub consumers_added: u32,
    pub producers_added: u32,
    /// The consumer added last and its group then: a new consumer joins that consumer's
    /// group as it is now (or, if it is gone or standalone, the group it had).
    pub last_added: Option<(String, String)>,
}

impl Default for Sim {
    fn default() -> Self {
        Sim::new()
    }
}

impl Sim {
    /// The default scenario: topic `orders` (6 partitions), producer `p1` (keys user-1..6,
    /// 4 records/s), no consumers, the clock running.
    pub fn new() -> Self {
        let mut sim = Sim {
            cluster: Cluster::new(ClusterConfig::teaching(), SEED),
            playing: true,
            speed: 1.0,
            sim_time: 0.0,
            last_real: None,
            projector: false,
            timeline: VecDeque::new(),
            noisy: VecDeque::new(),
            seq: 0,
            lag: BTreeMap::new(),
            next_lag_sample: 0,
            rebalances: BTreeMap::new(),
            errors: BTreeMap::new(),
            consumers_added: 0,
            producers_added: 0,
            last_added: None,
        };
        sim.command(
            ErrorAt::Global,
            Command::CreateTopic { name: "orders".into(), partitions: 6, retention: None },
        );
        sim.add_producer();
        sim
    }

    pub fn now(&self) -> Millis {
        self.cluster.now()
    }

    /// Applies an action; `false` when nothing visible changed (no re-render).
    pub fn handle(&mut self, action: Action) -> bool {
        match action {
            Action::Tick(real) => {
                let last = self.last_real.replace(real);
                if !self.playing {
                    return false;
                }
                let Some(last) = last else { return false };
                let dt = (real - last).clamp(0.0, MAX_FRAME_MS);
                self.sim_time += dt * self.speed;
                let target = self.sim_time as Millis;
                if target <= self.cluster.now() {
                    return false;
                }
                let events = self.cluster.advance(target);
                self.absorb(events);
            }
            Action::TogglePlay => {
                self.playing = !self.playing;
                self.last_real = None;
            }
            Action::Step => {
                let now = self.cluster.now();
                let target = self.cluster.next_wakeup().map_or(now + 100, |w| w.max(now + 1));
                let events = self.cluster.advance(target);
                self.sim_time = target as f64;
                self.absorb(events);
            }
            Action::SetSpeed(s) => {
                if s.is_finite() && s > 0.0 {
                    self.speed = s.clamp(0.25, 10.0);
                }
            }
            Action::SetProjector(on) => self.projector = on,
            Action::Cmd(at, cmd) => self.command(at, *cmd),
            Action::AddProducer => self.add_producer(),
            Action::AddConsumer => self.add_consumer(),
        }
        true
    }

    /// Runs a command now; shows its error where it belongs, or clears the old one.
    pub fn command(&mut self, at: ErrorAt, cmd: Command) {
        let now = self.cluster.now();
        match self.cluster.apply(now, cmd) {
            Ok(events) => {
                self.errors.remove(&at);
                self.absorb(events);
            }
            Err(e) => {
                self.errors.insert(at, e.to_string());
            }
        }
    }

    fn first_topic(&self) -> Option<String> {
        self.cluster.topics().keys().next().cloned()
    }

    fn add_producer(&mut self) {
        let Some(topic) = self.first_topic() else {
            self.errors.insert(ErrorAt::Global, super::text::text().no_topic.into());
            return;
        };
        let name = loop {
            self.producers_added += 1;
            let n = format!("p{}", self.producers_added);
            if !self.cluster.producers().contains_key(&n) {
                break n;
            }
        };
        let mut spec = ProducerSpec::new(&name, &topic);
        spec.keys = KeyMode::Set { prefix: "user-".into(), count: 6 };
        spec.rate = 4.0;
        self.command(ErrorAt::Global, Command::AddProducer { producer: spec });
    }

    fn add_consumer(&mut self) {
        let Some(topic) = self.first_topic() else {
            self.errors.insert(ErrorAt::Global, super::text::text().no_topic.into());
            return;
        };
        let name = loop {
            self.consumers_added += 1;
            let n = format!("c{}", self.consumers_added);
            if !self.cluster.consumers().contains_key(&n) {
                break n;
            }
        };
        let group = match &self.last_added {
            Some((prev, group_then)) => self
                .cluster
                .consumers()
                .get(prev)
                .and_then(|c| c.group_id())
                .unwrap_or(group_then)
                .to_string(),
            None => "group-1".to_string(),
        };
        let spec = ConsumerSpec::group(&name, &group, &[&topic], ConsumerConfig::teaching());
        self.last_added = Some((name, group));
        self.command(ErrorAt::Global, Command::AddConsumer { consumer: spec });
    }

    /// Takes in what the core reported: timeline, rebalance views, lag samples.
    fn absorb(&mut self, events: Vec<Event>) {
        for event in events {
            self.observe(&event);
            self.seq += 1;
            let noisy = matches!(
                event.kind,
                EventKind::Produced { .. }
                    | EventKind::Fetched { .. }
                    | EventKind::Committed { auto: true, .. }
            );
            let list = if noisy { &mut self.noisy } else { &mut self.timeline };
            let line = event.line();
            list.push_back(Entry { seq: self.seq, event, line });
            if list.len() > TIMELINE_CAP {
                list.pop_front();
            }
        }
        self.sample_lag();
    }

    fn sample_lag(&mut self) {
        let now = self.cluster.now();
        if now < self.next_lag_sample {
            return;
        }
        self.next_lag_sample = now + LAG_SAMPLE_MS;
        let ids: Vec<String> = self.cluster.groups().keys().cloned().collect();
        self.lag.retain(|g, _| ids.contains(g));
        for id in ids {
            let lag = self.cluster.group_lag(&id);
            let h = self.lag.entry(id).or_default();
            h.push_back(lag);
            if h.len() > LAG_CAP {
                h.pop_front();
            }
        }
    }

    /// Cooperative when every live member that owns partitions (or, if none owns any, every
    /// live member) speaks only cooperative-sticky: those are the ones that would have to revoke.
    fn group_kind(&self, group: &str) -> RebalanceKind {
        let members: Vec<_> = self
            .cluster
            .consumers()
            .values()
            .filter(|c| c.is_alive() && c.spec.is_group() && c.group_id() == Some(group))
            .collect();
        let owners: Vec<_> = members.iter().filter(|c| !c.assignment.is_empty()).collect();
        let cooperative = if owners.is_empty() {
            !members.is_empty() && members.iter().all(|c| c.spec.config.is_cooperative())
        } else {
            owners.iter().all(|c| c.spec.config.is_cooperative())
        };
        if cooperative {
            RebalanceKind::Cooperative
        } else {
            RebalanceKind::Eager
        }
    }

    /// Updates the rebalance view of the event's group.
    fn observe(&mut self, e: &Event) {
        use EventKind::*;
        let at = e.at;
        match &e.kind {
            RebalanceStarted { group, generation, reason } => {
                let text = reason_text(reason);
                if let (RebalanceReason::CooperativeFollowUp { .. }, Some(v)) =
                    (reason, self.rebalances.get_mut(group))
                {
                    if v.kind == RebalanceKind::Cooperative {
                        v.finished_at = None;
                        v.advance_to(Phase::FollowUp);
                        return;
                    }
                }
                let kind = self.group_kind(group);
                let first = kind.phases()[0];
                self.rebalances.insert(group.clone(), RebalanceView::new(kind, first, *generation, text, at));
            }
            GroupEpochBumped { group, epoch, reason } => {
                let view = RebalanceView::new(
                    RebalanceKind::Kip848,
                    Phase::EpochBump,
                    *epoch,
                    reason_text(reason),
                    at,
                );
                self.rebalances.insert(group.clone(), view);
            }
            PartitionsRevoked { group, consumer, .. } => {
                if let Some(v) = self.rebalances.get_mut(group) {
                    v.revoked_by.insert(consumer.clone());
                    match v.kind {
                        RebalanceKind::Eager => v.advance_to(Phase::RevokeAll),
                        RebalanceKind::Cooperative => {
                            if v.phase != Phase::FollowUp {
                                v.advance_to(Phase::RevokeMoving)
                            }
                        }
                        RebalanceKind::Kip848 => v.advance_to(Phase::Reconcile),
                    }
                }
            }
            MemberJoining { group, .. } => {
                if let Some(v) = self.rebalances.get_mut(group) {
                    if v.phase != Phase::FollowUp {
                        v.advance_to(Phase::Join);
                    }
                }
            }
            JoinCompleted { group, generation, .. } => {
                if let Some(v) = self.rebalances.get_mut(group) {
                    v.generation = *generation;
                    if v.phase != Phase::FollowUp {
                        v.advance_to(Phase::Sync);
                    }
                }
            }
            AssignmentComputed { group, moves, .. } => {
                if let Some(v) = self.rebalances.get_mut(group) {
                    v.merge_moves(moves);
                }
            }
            MemberReconciled { group, consumer, .. } => {
                if let Some(v) = self.rebalances.get_mut(group) {
                    v.reconciled.insert(consumer.clone());
                    v.advance_to(Phase::Reconcile);
                }
            }
            RebalanceCompleted { group, generation, stopped, .. } => {
                if let Some(v) = self.rebalances.get_mut(group) {
                    v.generation = *generation;
                    for s in stopped {
                        if !v.stopped.contains(s) {
                            v.stopped.push(s.clone());
                        }
                    }
                    let handover_pending = v.kind == RebalanceKind::Cooperative
                        && v.phase != Phase::FollowUp
                        && v.moves.iter().any(|m| m.from.is_some() && m.to.is_none());
                    if handover_pending {
                        // The owners revoke now and rejoin: the follow-up round is next.
                        v.advance_to(Phase::RevokeMoving);
                    } else {
                        v.advance_to(Phase::Stable);
                        v.finished_at = Some(at);
                    }
                }
            }
            _ => {}
        }
    }

    /// Timeline entries newest first, merged with the high-volume ones when asked.
    pub fn entries(&self, with_noisy: bool) -> Vec<&Entry> {
        let mut out: Vec<&Entry> = self.timeline.iter().collect();
        if with_noisy {
            out.extend(self.noisy.iter());
            out.sort_by_key(|e| e.seq);
        }
        out.reverse();
        out
    }

    /// Users known to the authorizer, for the user selects.
    pub fn user_names(&self) -> Vec<String> {
        self.cluster.authorizer().users().map(|u| u.as_str().to_string()).collect()
    }
}

/// The rebalance reason in a few words.
pub fn reason_text(r: &RebalanceReason) -> String {
    match r {
        RebalanceReason::MemberJoined { member } => format!("{member} joined"),
        RebalanceReason::MemberLeft { member } => format!("{member} left"),
        RebalanceReason::SessionTimeout { member } => format!("{member} timed out"),
        RebalanceReason::MaxPollIntervalExceeded { member } => {
            format!("{member} exceeded max.poll.interval.ms")
        }
        RebalanceReason::SubscriptionChanged { member } => {
            format!("{member} changed its subscription")
        }
        RebalanceReason::PartitionsAdded { topic } => format!("partitions added to {topic}"),
        RebalanceReason::CooperativeFollowUp { member } => {
            format!("{member} hands over revoked partitions")
        }
        RebalanceReason::MemberRejoined { member } => format!("{member} rejoined"),
    }
}

/// The roles a person can grant, in the order the select lists them.
pub fn roles() -> &'static [Role] {
    Role::ALL
}

/// The reducer's state: a shared [`Sim`] and a version that changes when it does.
pub struct SimState {
    pub sim: Rc<RefCell<Sim>>,
    pub version: u64,
}

impl Default for SimState {
    fn default() -> Self {
        SimState { sim: Rc::new(RefCell::new(Sim::new())), version: 0 }
    }
}

impl Reducible for SimState {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let changed = self.sim.borrow_mut().handle(action);
        if changed {
            Rc::new(SimState { sim: self.sim.clone(), version: self.version + 1 })
        } else {
            self
        }
    }
}

/// What every component gets from the context: the model and a way to change it.
#[derive(Clone)]
pub struct Ctx {
    pub sim: Rc<RefCell<Sim>>,
    pub version: u64,
    pub dispatch: Callback<Action>,
}

impl PartialEq for Ctx {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version && Rc::ptr_eq(&self.sim, &other.sim)
    }
}

/// The context, from inside any component under `App`.
#[hook]
pub fn use_sim() -> Ctx {
    use_context::<Ctx>().expect("components are rendered inside App's context provider")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::consumer::ConsumerMode;

    fn run_for(sim: &mut Sim, ms: f64) {
        // Frames of 16 ms of real time at the current speed.
        let mut real = sim.last_real.unwrap_or(0.0);
        sim.handle(Action::Tick(real));
        let end = real + ms;
        while real < end {
            real += 16.0;
            sim.handle(Action::Tick(real));
        }
    }

    #[test]
    fn the_default_scenario_is_orders_with_six_partitions_and_producer_p1() {
        let sim = Sim::new();
        let topics = sim.cluster.topics();
        assert_eq!(topics.keys().collect::<Vec<_>>(), ["orders"]);
        assert_eq!(topics["orders"].partition_count(), 6);
        let p1 = &sim.cluster.producers()["p1"].spec;
        assert_eq!(p1.keys, KeyMode::Set { prefix: "user-".into(), count: 6 });
        assert_eq!(p1.rate, 4.0);
        assert!(sim.cluster.consumers().is_empty());
        assert!(sim.playing);
    }

    #[test]
    fn new_consumers_join_the_group_of_the_consumer_added_before_them() {
        let mut sim = Sim::new();
        sim.handle(Action::AddConsumer);
        assert_eq!(sim.cluster.consumers()["c1"].group_id(), Some("group-1"));
        let mut spec = sim.cluster.consumers()["c1"].spec.clone();
        spec.config.group_id = Some("billing".into());
        sim.handle(Action::cmd(ErrorAt::Consumer("c1".into()), Command::UpdateConsumer { consumer: spec }));
        sim.handle(Action::AddConsumer);
        let c2 = &sim.cluster.consumers()["c2"];
        assert_eq!(c2.group_id(), Some("billing"));
        assert_eq!(c2.spec.mode, ConsumerMode::Group { topics: vec!["orders".into()] });
    }

    #[test]
    fn paused_ticks_change_nothing_and_step_moves_to_the_next_wakeup() {
        let mut sim = Sim::new();
        sim.handle(Action::TogglePlay);
        assert!(!sim.handle(Action::Tick(0.0)));
        assert!(!sim.handle(Action::Tick(1000.0)));
        assert_eq!(sim.now(), 0);
        let next = sim.cluster.next_wakeup().expect("p1 produces");
        sim.handle(Action::Step);
        assert_eq!(sim.now(), next.max(1));
    }

    #[test]
    fn speed_scales_real_time_and_frames_are_capped() {
        let mut sim = Sim::new();
        sim.handle(Action::SetSpeed(10.0));
        run_for(&mut sim, 160.0);
        assert_eq!(sim.now(), 1600);
        // A hidden tab comes back after a minute: one frame advances at most MAX_FRAME_MS × speed.
        let real = sim.last_real.unwrap();
        sim.handle(Action::Tick(real + 60_000.0));
        assert_eq!(sim.now(), 1600 + (MAX_FRAME_MS * 10.0) as Millis);
    }

    #[test]
    fn command_errors_are_kept_where_they_belong_and_cleared_by_success() {
        let mut sim = Sim::new();
        let at = ErrorAt::Topic("orders".into());
        sim.handle(Action::cmd(at.clone(), Command::CreatePartitions { topic: "orders".into(), total: 4 }));
        assert!(sim.errors[&at].starts_with("INVALID_PARTITIONS"), "{:?}", sim.errors);
        sim.handle(Action::cmd(at.clone(), Command::CreatePartitions { topic: "orders".into(), total: 8 }));
        assert!(!sim.errors.contains_key(&at));
    }

    #[test]
    fn an_eager_rebalance_goes_revoke_join_sync_and_names_who_stopped() {
        let mut sim = Sim::new();
        sim.handle(Action::SetSpeed(10.0));
        sim.handle(Action::AddConsumer);
        run_for(&mut sim, 1000.0);
        sim.handle(Action::AddConsumer);
        run_for(&mut sim, 1000.0);
        let v = &sim.rebalances["group-1"];
        assert_eq!(v.kind, RebalanceKind::Eager);
        assert_eq!(v.phase, Phase::Stable);
        assert!(v.finished_at.is_some());
        assert_eq!(v.moves.len(), 3, "{:?}", v.moves);
        assert!(v.moves.iter().all(|m| m.from.as_deref() == Some("c1") && m.to.as_deref() == Some("c2")));
        assert_eq!(v.stopped, ["c1"]);
    }

    #[test]
    fn a_cooperative_move_shows_as_one_move_across_the_follow_up_round() {
        let mut sim = Sim::new();
        sim.handle(Action::SetSpeed(10.0));
        sim.handle(Action::AddConsumer);
        let mut spec = sim.cluster.consumers()["c1"].spec.clone();
        spec.config.assignment_strategy = vec![crate::core::group::assignor::Strategy::CooperativeSticky];
        sim.handle(Action::cmd(ErrorAt::Global, Command::UpdateConsumer { consumer: spec.clone() }));
        run_for(&mut sim, 1000.0);
        spec.name = "c2".into();
        sim.handle(Action::cmd(ErrorAt::Global, Command::AddConsumer { consumer: spec }));
        run_for(&mut sim, 1500.0);
        let v = &sim.rebalances["group-1"];
        assert_eq!(v.kind, RebalanceKind::Cooperative);
        assert_eq!(v.phase, Phase::Stable);
        assert_eq!(v.moves.len(), 3, "{:?}", v.moves);
        assert!(v.moves.iter().all(|m| m.from.as_deref() == Some("c1") && m.to.as_deref() == Some("c2")));
        assert!(v.stopped.is_empty(), "nobody stops in a cooperative rebalance: {:?}", v.stopped);
    }

    #[test]
    fn the_timeline_keeps_high_volume_events_apart_and_both_lists_are_capped() {
        let mut sim = Sim::new();
        sim.handle(Action::SetSpeed(10.0));
        sim.handle(Action::AddConsumer);
        run_for(&mut sim, 30_000.0);
        assert!(sim.noisy.len() <= TIMELINE_CAP && sim.timeline.len() <= TIMELINE_CAP);
        assert!(sim
            .timeline
            .iter()
            .all(|e| !matches!(e.event.kind, EventKind::Produced { .. } | EventKind::Fetched { .. })));
        let all = sim.entries(true);
        assert!(all.windows(2).all(|w| w[0].seq > w[1].seq), "newest first");
        assert!(sim.lag["group-1"].len() <= LAG_CAP);
    }
}
