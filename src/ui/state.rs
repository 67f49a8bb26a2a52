//! The UI's model: a scenario [`Run`] (the core's cluster plus the scenario's script and a
//! journal of what the person did) and what only the screen needs (play/pause, speed, the
//! timeline, lag history, the rebalance being shown, errors per card, notices, language).
//!
//! Every user command goes through [`Run::apply`], so it is journalled: Share, Export and
//! autosave carry it, and scrubbing back in time replays the run from its seed (no snapshots
//! are kept: memory stays bounded by the journal, which holds commands only).
//!
//! Shape (yew's `function_todomvc`): [`Sim`] is the state, [`Action`] what can happen to it,
//! [`SimState`] the `Reducible` wrapper. The cluster is never cloned per frame: it lives in an
//! `Rc<RefCell<Sim>>` and each change bumps a version counter, which is what components compare.
//! Nothing here decides what Kafka would do; that is the core's job.

use super::problem::Problem;
use super::text::{fill, text_for, Lang};
use crate::core::acl::Role;
use crate::core::config::ConsumerConfig;
use crate::core::consumer::{ConsumerMode, ConsumerSpec};
use crate::core::event::{Event, EventKind, Move, RebalanceProtocol, RebalanceReason};
use crate::core::producer::{KeyMode, ProducerSpec};
use crate::core::scenario::{self, At, Run, Scenario, ScenarioError, ScriptStep};
use crate::core::share::{ShareError, Shared, SHARE_VERSION};
use crate::core::time::{format_clock, Millis};
use crate::core::Command;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::rc::Rc;
use yew::prelude::*;

/// Timeline entries kept (narrated ones and high-volume ones, each).
pub const TIMELINE_CAP: usize = 500;
/// Lag samples kept per group, one every [`LAG_SAMPLE_MS`] of simulated time.
pub const LAG_CAP: usize = 120;
pub const LAG_SAMPLE_MS: Millis = 500;

/// Events a replay absorbs before the page gets a turn: at the largest scenario (48
/// partitions, 24 consumers, 2000 records/s) about 5 s of simulated time, ~15 ms of a tick
/// in headless Chromium here (a replay to 10:00 takes ~3 s; no task is longer than a redraw, ~30 ms).
pub const REPLAY_EVENTS_PER_TICK: usize = 12_000;

/// Events a replay absorbs at once when it starts: short replays (most scrubs, a link a minute
/// in) finish before the next render; long ones go on per tick with a progress line.
pub const REPLAY_EVENTS_AT_ONCE: usize = 40_000;

/// While a replay catches up, the page is redrawn every this many ticks (about 4 times a second).
pub const REPLAY_RENDER_EVERY: u32 = 15;
/// Longest real-time gap one frame may advance (a hidden tab does not jump minutes ahead).
pub const MAX_FRAME_MS: f64 = 250.0;
/// Longest the core may run in one tick before the page gets its turn, in real milliseconds:
/// a scenario that costs more than that per frame (every cap at its maximum) advances in
/// slices, and the clock says it is behind ([`Sim::behind`]) instead of freezing the page.
pub const FRAME_WORK_MS: f64 = 12.0;
/// The largest slice of simulated time one step of a tick takes (see [`Sim::slice_ms`]).
const MAX_SLICE_MS: Millis = 64;
/// How long (real ms) the clock keeps saying it is behind after the last tick that was.
const BEHIND_SHOWN_MS: f64 = 1_000.0;
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
    /// The raw ACL form (`kafka-acls --add`) and its list.
    Acls,
    Global,
    /// The terminal: its commands print their own errors, as Kafka's tools do.
    Terminal,
}

/// Everything that can happen to the model.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A frame: `performance.now()` in ms.
    Tick(f64),
    TogglePlay,
    /// To the next thing a person would name (see [`Sim::step_to_moment`]).
    Step,
    /// To the next instant the simulation wakes up at (one event, or a few at one instant).
    StepEvent,
    SetSpeed(f64),
    SetProjector(bool),
    /// Run a core command; its error (if any) is shown at the given place. Boxed: commands
    /// are large and ticks are many.
    Cmd(ErrorAt, Box<Command>),
    AddProducer,
    AddConsumer,
    /// Show the UI in another language.
    SetLang(Lang),
    /// A language's data arrived (see `crate::i18n::ru`): the timeline is told again in it.
    LanguageLoaded,
    /// Start a scenario from scratch (`playing`) or replayed to a moment (paused), with a
    /// notice to show. The session it replaces is kept as "previous" when it holds work.
    Load(Box<Load>),
    /// The built-in scenario with this id, from the start.
    LoadBuiltIn(String),
    /// The default scenario, fresh.
    Reset,
    /// Back to the session a load replaced.
    RestorePrevious,
    /// Undo the cut the last action made after a scrub back (see [`Sim::uncut`]).
    UndoCut,
    /// Replay from the seed to this moment and pause.
    Rewind(Millis),
    Notify(Notice),
    /// Dismiss the notice at this index.
    Dismiss(usize),
    /// Shows (or, with `None`, closes) the "Why?" chain of a consumer, producer or partition.
    Why(Option<super::why::WhyTarget>),
    /// A lesson's question: a pick, an answer, a skip (see `ui::predict`).
    Predict(super::predict::PredictAction),
    /// The Share field: the link, and whether the clipboard took it (`None`: still trying).
    ShareLink(String, Option<bool>),
    /// Autosave happened (or failed: `false`).
    Saved(bool),
    /// The terminal: a command line, Ctrl-C, the Run as select (see `ui::terminal`).
    Terminal(super::terminal::TermAction),
}

/// What to load: a scenario, the moment to replay to, and what to tell the person.
#[derive(Debug, Clone, PartialEq)]
pub struct Load {
    pub scenario: Scenario,
    pub at: Millis,
    pub playing: bool,
    pub notice: Option<Notice>,
}

/// A message above the playground; rendered in the current language, dismissible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A `#s=` link did not decode, and why.
    LinkFailed(ShareError),
    LinkOpened(Millis),
    UnknownScenario(String),
    /// The autosave was unreadable: why, and the key it was moved to.
    AutosaveRejected(ShareError, String),
    DurationReached(Millis),
    /// A scenario loaded (its title in both languages).
    Loaded(scenario::Text),
    Imported(String),
    /// File name, then the error naming the field.
    ImportFailed(String, String),
    /// File name and size: refused by its size, before reading it.
    ImportTooLarge(String, u64),
    /// The clock reached the format's limit (24 h) and stopped there.
    ClockLimit(Millis),
    StorageFailed,
    Rewound(Millis),
    /// Acting after a scrub back dropped what the person had done later: the moment, how many
    /// actions, and when the last of them was. The whole session is kept as "previous".
    FutureCut(Millis, usize, Millis),
}

/// Why a link or a save could not be read, in `lang` (a scenario's own error, naming the field,
/// stays as the core words it).
pub fn share_error(e: &ShareError, lang: Lang) -> String {
    let t = text_for(lang);
    match e {
        ShareError::TooLong => t.share_too_long.to_string(),
        ShareError::NotBase64 => t.share_not_base64.to_string(),
        ShareError::NotCompressed => t.share_not_compressed.to_string(),
        ShareError::NotJson(e) => fill(t.share_not_json, &[&crate::core::error::one_line(e)]),
        ShareError::Version(v) => fill(t.share_newer, &[&v.to_string(), &SHARE_VERSION.to_string()]),
        ShareError::Scenario(e) => fill(t.share_invalid, &[&e.to_string()]),
    }
}

impl Notice {
    pub fn is_error(&self) -> bool {
        matches!(
            self,
            Notice::LinkFailed(_)
                | Notice::UnknownScenario(_)
                | Notice::AutosaveRejected(..)
                | Notice::ImportFailed(..)
                | Notice::ImportTooLarge(..)
                | Notice::StorageFailed
        )
    }

    /// The notice in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let t = text_for(lang);
        match self {
            Notice::LinkFailed(e) => fill(t.link_failed, &[&share_error(e, lang)]),
            Notice::LinkOpened(at) => fill(t.link_opened, &[&format_clock(*at)]),
            Notice::UnknownScenario(id) => fill(t.unknown_scenario, &[&format!("{id:?}")]),
            Notice::AutosaveRejected(e, key) => fill(t.autosave_rejected, &[&share_error(e, lang), key]),
            Notice::DurationReached(at) => fill(t.duration_reached, &[&format_clock(*at)]),
            Notice::Loaded(title) => fill(t.loaded, &[&title.get(lang.code())]),
            Notice::Imported(name) => fill(t.imported, &[name]),
            Notice::ImportFailed(name, e) => fill(t.import_failed, &[name, e]),
            Notice::ImportTooLarge(name, size) => fill(
                t.import_too_large,
                &[name, &size.to_string(), &scenario::MAX_SCENARIO_BYTES.to_string()],
            ),
            Notice::ClockLimit(at) => fill(t.clock_limit, &[&format_clock(*at)]),
            Notice::StorageFailed => t.storage_failed.to_string(),
            Notice::Rewound(at) => fill(t.rewound, &[&format_clock(*at)]),
            Notice::FutureCut(at, n, last) => {
                fill(t.future_cut, &[&format_clock(*at), &n.to_string(), &format_clock(*last)])
            }
        }
    }
}

/// What [`Action::UndoCut`] restores.
#[derive(Debug, Clone, PartialEq)]
pub struct Uncut {
    pub scenario: Scenario,
    pub steps: Vec<ScriptStep>,
    pub at: Millis,
    pub furthest: Millis,
}

/// Notices shown at most (older ones drop off).
pub const NOTICES_CAP: usize = 3;

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
    /// The narration in the current language, computed when first shown (most high-volume
    /// entries never are: formatting thousands a second at 10× was a frame's cost), once,
    /// and again after the language changes.
    line: std::cell::OnceCell<String>,
}

impl Entry {
    pub fn new(seq: u64, event: Event) -> Self {
        Entry { seq, event, line: std::cell::OnceCell::new() }
    }

    /// The narration in `lang` (the language the model is in).
    pub fn line(&self, lang: Lang) -> &str {
        self.line.get_or_init(|| crate::i18n::line(&self.event, lang))
    }
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
    pub reason: RebalanceReason,
    pub started_at: Millis,
    pub finished_at: Option<Millis>,
    pub moves: Vec<ShownMove>,
    pub revoked_by: BTreeSet<String>,
    pub stopped: Vec<String>,
    pub reconciled: BTreeSet<String>,
}

impl RebalanceView {
    fn new(kind: RebalanceKind, phase: Phase, generation: i32, reason: RebalanceReason, at: Millis) -> Self {
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
        crate::core::sort::by_key(&mut self.moves, |m| natural_key(&m.partition));
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
    /// The scenario running: `run.cluster` is the broker.
    pub run: Run,
    pub lang: Lang,
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
    /// Per partition, the records a leader election cut off since the run began (the core's
    /// `RecordsLost` events): the stage marks them where the partition is.
    pub lost: BTreeMap<(String, u32), u64>,
    pub errors: BTreeMap<ErrorAt, Problem>,
    pub consumers_added: u32,
    pub producers_added: u32,
    /// The consumer added last and its group then: a new consumer joins that consumer's
    /// group as it is now (or, if it is gone or standalone, the group it had).
    pub last_added: Option<(String, String)>,
    /// What the person did after the moment shown, when they scrubbed back: replayed as the
    /// clock reaches it, dropped when they do something new (a cut, as in a video).
    pub future: VecDeque<ScriptStep>,
    /// The furthest simulated time reached (the end of the Time range).
    pub furthest: Millis,
    /// The scenario's `duration` pause already happened (Play goes on past it).
    pub duration_done: bool,
    pub notices: Vec<Notice>,
    /// What the "Why?" panel explains.
    pub why: Option<super::why::WhyTarget>,
    /// The lesson's questions (predict, then reveal) and where each stands.
    pub predict: super::predict::Predict,
    /// The session a load replaced, if it held work: "Restore previous session".
    pub previous: Option<Shared>,
    /// The session just before an action cut what came later (after a scrub back): the run's
    /// scenario, what the person did (done and to come), the moment and the Time range's end.
    /// "Undo" puts it back exactly; the next action or load forgets it.
    pub uncut: Option<Uncut>,
    /// The Share field: link and whether the clipboard took it.
    pub share: Option<(String, Option<bool>)>,
    /// A user command happened since the last autosave.
    pub save_due: bool,
    /// Bumped each time the run is replaced (load, rewind): view models that identify records
    /// by offset include it, since the same offset may hold another record after a replay.
    pub epoch: u64,
    /// A replay still on its way to this moment (scrubbing back, opening a link far into a
    /// run): it goes on a slice per tick, so a long replay never freezes the page.
    pub catching_up: Option<Millis>,
    /// Ticks spent catching up (the page redraws on every [`REPLAY_RENDER_EVERY`]th).
    pub catch_up_ticks: u32,
    /// The terminal's scroll-back, history and running console clients.
    pub terminal: super::terminal::TermState,
    /// The page's clock in real milliseconds (`performance.now()`; a constant natively, where
    /// ticks are given their time): what bounds a tick's work to [`FRAME_WORK_MS`].
    pub wall: fn() -> f64,
    /// Simulated milliseconds one slice of a tick advances, adapted to what a slice cost.
    pub slice_ms: Millis,
    /// The real time until which the clock says the run cannot keep up with the speed (the
    /// core needed more than a frame's work for a frame): the clock runs slower then.
    pub behind_until: Option<f64>,
}

/// The page's clock (see [`Sim::wall`]).
#[cfg(target_arch = "wasm32")]
fn wall_clock() -> f64 {
    super::dom::now_ms()
}
#[cfg(not(target_arch = "wasm32"))]
fn wall_clock() -> f64 {
    0.0
}

impl Default for Sim {
    fn default() -> Self {
        Sim::new()
    }
}

impl Sim {
    /// The default scenario ([`scenario::default_scenario`], `playground`): topic `orders`
    /// (6 partitions), producer `p1` (keys user-1..6, 4 records/s), no consumers, the clock
    /// running.
    pub fn new() -> Self {
        Sim::with_scenario(scenario::default_scenario()).unwrap_or_else(|_| {
            // The default always builds; an empty scenario is the last resort, never a panic.
            let empty = Scenario::from_json(r#"{"version": 1}"#).expect("an empty scenario is valid");
            Sim::with_scenario(empty).expect("an empty scenario builds")
        })
    }

    /// A scenario from its start, the clock running.
    pub fn with_scenario(scenario: Scenario) -> Result<Self, ScenarioError> {
        let run = Run::new(scenario)?;
        let mut sim = Sim {
            run,
            lang: Lang::En,
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
            lost: BTreeMap::new(),
            errors: BTreeMap::new(),
            consumers_added: 0,
            producers_added: 0,
            last_added: None,
            future: VecDeque::new(),
            furthest: 0,
            duration_done: false,
            notices: Vec::new(),
            why: None,
            predict: Default::default(),
            previous: None,
            uncut: None,
            share: None,
            save_due: false,
            epoch: 0,
            catching_up: None,
            catch_up_ticks: 0,
            terminal: Default::default(),
            wall: wall_clock,
            slice_ms: 1,
            behind_until: None,
        };
        sim.predict = super::predict::Predict::new(&sim.run.scenario.predict, false);
        let events = sim.run.advance(0);
        sim.absorb(events);
        Ok(sim)
    }

    pub fn now(&self) -> Millis {
        self.run.now()
    }

    pub fn scenario(&self) -> &Scenario {
        &self.run.scenario
    }

    /// The scenario as it stands: its script, what the person did, and what they did after
    /// the moment shown (if they scrubbed back). Share, Export and autosave write this.
    pub fn export(&self) -> Scenario {
        let mut s = self.run.export();
        if !self.future.is_empty() {
            s.script.extend(self.future.iter().cloned());
            // Stable: at equal times the steps already there (the script's) stay first.
            crate::core::sort::by_key(&mut s.script, |st| st.at.0);
            if let Some(d) = s.duration {
                let last = s.script.last().map_or(0, |st| st.at.0);
                s.duration = Some(At(d.0.max(last)));
            }
        }
        s
    }

    /// Whether the session holds anything a load would lose: what the person did, or a
    /// scenario that is not a built-in as shipped (imported, opened from a link).
    pub fn has_work(&self) -> bool {
        !self.run.journal().is_empty()
            || !self.future.is_empty()
            || super::library::built_in(&self.run.scenario.id).as_ref() != Some(&self.run.scenario)
    }

    /// The session as a share link carries it.
    pub fn shared(&self) -> Shared {
        Shared { scenario: self.export(), at: self.at() }
    }

    fn notify(&mut self, n: Notice) {
        self.notices.retain(|o| o != &n);
        self.notices.push(n);
        if self.notices.len() > NOTICES_CAP {
            self.notices.remove(0);
        }
    }

    /// Replaces the run: `scenario` replayed from its seed with `steps` (what the person did)
    /// up to `at`. The screen state (timeline, lag, rebalances) is rebuilt from the replay.
    /// On error nothing changes.
    fn replay(
        &mut self,
        scenario: Scenario,
        steps: Vec<ScriptStep>,
        at: Millis,
    ) -> Result<(), ScenarioError> {
        let run = Run::new(scenario)?;
        let same =
            run.scenario.predict == self.run.scenario.predict && run.scenario.id == self.run.scenario.id;
        self.run = run;
        self.predict.replayed(&self.run.scenario.predict, same, at);
        self.epoch += 1;
        // Found again in the replayed events (a scenario's consumers count too).
        self.last_added = None;
        self.uncut = None;
        self.timeline.clear();
        self.noisy.clear();
        self.lag.clear();
        self.next_lag_sample = 0;
        self.rebalances.clear();
        self.lost.clear();
        self.errors.clear();
        self.share = None;
        // Everything the person did is in `future` until it comes due, so an export during
        // the catch-up is whole; the catch-up replays it in slices of LAG_SAMPLE_MS (so the
        // lag sparkline is rebuilt too).
        self.future = steps.into();
        self.catching_up = Some(at);
        self.catch_up(REPLAY_EVENTS_AT_ONCE);
        Ok(())
    }

    /// Goes on with a replay ([`Sim::catching_up`]) until `budget` events have been absorbed
    /// or it is there. Counting events, not reading a clock, keeps this deterministic.
    /// A tick's catch-up also stops at `deadline` on the page's clock ([`Sim::wall`]), so a
    /// scenario whose events are costly never holds the page for long.
    pub fn catch_up(&mut self, budget: usize) {
        self.catch_up_until(budget, f64::INFINITY);
    }

    fn catch_up_until(&mut self, budget: usize, deadline: f64) {
        let Some(at) = self.catching_up else { return };
        let mut absorbed = 0;
        // At least one slice, so that steps at the very moment (`at` = now) are applied too.
        loop {
            let next = ((self.now() / LAG_SAMPLE_MS + 1) * LAG_SAMPLE_MS).min(at);
            while self.future.front().is_some_and(|s| s.at.0 <= next) {
                let Some(step) = self.future.pop_front() else { break };
                // These succeeded before and the replay is the same run, so they succeed again;
                // if one does not (a hand-edited file), the timeline already tells why.
                if let Ok(events) = self.run.apply(step.at.0, step.action) {
                    absorbed += events.len();
                    self.absorb(events);
                }
            }
            let events = self.run.advance(next);
            absorbed += events.len() + 1;
            self.absorb(events);
            if self.now() >= at || absorbed >= budget || (self.wall)() >= deadline {
                break;
            }
        }
        if self.now() >= at {
            self.catching_up = None;
            self.sim_time = self.now() as f64;
            self.last_real = None;
            self.furthest = self.furthest.max(self.now());
            self.duration_done = self.scenario().duration.is_some_and(|d| self.now() >= d.0);
        }
    }

    /// Finishes a replay at once (before anything that changes the run).
    fn caught_up(&mut self) {
        self.catch_up(usize::MAX);
    }

    /// The moment shown, or being replayed to: what Share, Export and autosave record.
    pub fn at(&self) -> Millis {
        self.catching_up.unwrap_or_else(|| self.now())
    }

    /// Loads a scenario (see [`Action::Load`]); the replaced session is kept if it held work.
    pub fn load(&mut self, load: Load) -> Result<(), ScenarioError> {
        let previous = self.has_work().then(|| self.shared());
        let (notices, furthest) = (std::mem::take(&mut self.notices), self.furthest);
        self.furthest = 0;
        if let Err(e) = self.replay(load.scenario, Vec::new(), load.at) {
            (self.notices, self.furthest) = (notices, furthest);
            return Err(e);
        }
        self.playing = load.playing;
        self.consumers_added = 0;
        self.producers_added = 0;
        self.save_due = true;
        if previous.is_some() {
            self.previous = previous;
        }
        if let Some(n) = load.notice {
            self.notify(n);
        }
        Ok(())
    }

    /// Replay from the seed to `at` (keeping what the person did later for the way forward).
    pub fn rewind(&mut self, at: Millis) {
        let mut steps: Vec<ScriptStep> = self.run.journal().to_vec();
        steps.extend(self.future.iter().cloned());
        let scenario = self.run.scenario.clone();
        let furthest = self.furthest;
        if self.replay(scenario, steps, at).is_ok() {
            self.furthest = furthest.max(self.now());
            self.playing = false;
        }
    }

    /// Re-narrates the timeline in `lang`.
    fn set_lang(&mut self, lang: Lang) {
        self.lang = lang;
        for e in self.timeline.iter_mut().chain(self.noisy.iter_mut()) {
            e.line = std::cell::OnceCell::new();
        }
    }

    /// Advances to `target`, replaying what the person did after a scrub back as it comes due,
    /// and pausing once at the scenario's duration.
    fn advance_to(&mut self, mut target: Millis) {
        // The clock stops where the scenario format does, so every save reads back.
        if target >= scenario::MAX_DURATION_MS {
            target = scenario::MAX_DURATION_MS;
            if self.playing {
                self.playing = false;
                self.last_real = None;
                self.notify(Notice::ClockLimit(target));
            }
        }
        if let (Some(d), false) = (self.scenario().duration, self.duration_done) {
            if target >= d.0 {
                target = d.0;
                self.duration_done = true;
                self.playing = false;
                self.last_real = None;
                self.notify(Notice::DurationReached(d.0));
            }
        }
        // A lesson's question stops the clock just before its moment (`ui::predict`).
        if let Some(stop) = self.predict.gate(&self.run.scenario.predict, self.now(), target) {
            target = stop;
            self.playing = false;
            self.last_real = None;
        }
        while self.future.front().is_some_and(|s| s.at.0 <= target) {
            let Some(step) = self.future.pop_front() else { break };
            if let Ok(events) = self.run.apply(step.at.0, step.action) {
                self.absorb(events);
            }
        }
        let events = self.run.advance(target);
        self.sim_time = self.sim_time.max(target as f64);
        self.absorb(events);
        self.furthest = self.furthest.max(self.now());
        if super::predict::check(self) {
            // The reveal: the stage shows what the answer was read from.
            self.playing = false;
            self.last_real = None;
        }
    }

    /// A tick's advance to `target`: in slices of simulated time, until it is there or the
    /// tick has used [`FRAME_WORK_MS`] of real time since `started` (on [`Sim::wall`]). A
    /// slice doubles while it costs little and halves when it costs much, so a cheap scenario
    /// takes a few slices a frame and a costly one (every cap at its maximum) one instant at a
    /// time. Short of `target`, the clock drops what it could not do (it runs slower than the
    /// speed) and says so for a while ([`Sim::is_behind`]). The core gives the same run however
    /// time is sliced, so this changes when things are shown, never what happens.
    fn advance_sliced(&mut self, target: Millis, started: f64) {
        let deadline = started + FRAME_WORK_MS;
        loop {
            let before = (self.wall)();
            let next = (self.now() + self.slice_ms.max(1)).min(target);
            self.advance_to(next);
            let spent = (self.wall)() - before;
            if spent < FRAME_WORK_MS / 8.0 {
                self.slice_ms = (self.slice_ms * 2).clamp(1, MAX_SLICE_MS);
            } else if spent > FRAME_WORK_MS / 3.0 {
                self.slice_ms = (self.slice_ms / 2).max(1);
            }
            if self.now() >= target || !self.playing || self.catching_up.is_some() {
                return;
            }
            let now = (self.wall)();
            if now >= deadline {
                self.sim_time = self.now() as f64;
                self.behind_until = Some(now + BEHIND_SHOWN_MS);
                return;
            }
        }
    }

    /// Whether the clock is running slower than the speed chosen, because the core cannot do a
    /// frame's work within a frame (see [`Sim::advance_sliced`]).
    pub fn is_behind(&self) -> bool {
        self.playing && self.last_real.zip(self.behind_until).is_some_and(|(real, until)| real < until)
    }

    /// One fine step: to the instant the run next wakes up at (or a replayed action).
    fn fine_step(&mut self) {
        let now = self.now();
        let mut target = self.run.next_wakeup().map_or(now + 100, |w| w.max(now + 1));
        if let Some(f) = self.future.front() {
            target = target.min(f.at.0.max(now + 1));
        }
        self.advance_to(target);
        self.sim_time = self.now() as f64;
    }

    /// What the rebalance views show: a step that changes it reached a rebalance phase.
    fn phase_signature(&self) -> Vec<(String, Phase, bool, Millis)> {
        self.rebalances
            .iter()
            .map(|(g, v)| (g.clone(), v.phase, v.finished_at.is_some(), v.started_at))
            .collect()
    }

    /// `Step`: fine steps until something a person would name happened — a member joins or
    /// leaves, a rebalance reaches its next phase, an assignment arrives, a commit, an error, a
    /// scripted action or note — or [`STEP_MAX_MS`] of simulated time passed with none (records
    /// flowing is not a moment). Scrolling through a rebalance takes a handful of presses.
    pub fn step_to_moment(&mut self) {
        let start = self.now();
        let phases = self.phase_signature();
        for _ in 0..STEP_MAX_FINE {
            let seq = self.seq;
            let before = self.now();
            self.fine_step();
            let named =
                self.timeline.iter().rev().take_while(|e| e.seq > seq).any(|e| is_moment(&e.event.kind));
            if named
                || self.phase_signature() != phases
                || self.now() >= start + STEP_MAX_MS
                || self.now() == before
                || self.duration_done
            {
                break;
            }
        }
    }

    /// Applies an action; `false` when nothing visible changed (no re-render).
    pub fn handle(&mut self, action: Action) -> bool {
        let replaces_the_run = matches!(
            action,
            Action::Load(_)
                | Action::LoadBuiltIn(_)
                | Action::Reset
                | Action::RestorePrevious
                | Action::UndoCut
                | Action::Rewind(_)
        );
        let leaves_the_run = matches!(
            action,
            Action::Tick(_)
                | Action::SetSpeed(_)
                | Action::SetProjector(_)
                | Action::SetLang(_)
                | Action::LanguageLoaded
                | Action::Notify(_)
                | Action::Dismiss(_)
                | Action::Why(_)
                | Action::ShareLink(..)
                | Action::Saved(_)
        );
        if replaces_the_run {
            self.terminal.time_moved();
        }
        if self.catching_up.is_some() && !replaces_the_run && !leaves_the_run {
            // Play, Step, a command…: they act on the moment being replayed to.
            self.caught_up();
        }
        match action {
            Action::Tick(_) if self.catching_up.is_some() => {
                // Rendering every intermediate moment would cost more than the replay itself:
                // the progress line (and the run) are redrawn a few times a second, on a tick of
                // their own (so no task holds both a replay slice and a redraw), and at the end.
                self.catch_up_ticks += 1;
                if self.catch_up_ticks.is_multiple_of(REPLAY_RENDER_EVERY) {
                    return true;
                }
                let deadline = (self.wall)() + FRAME_WORK_MS;
                self.catch_up_until(REPLAY_EVENTS_PER_TICK, deadline);
                return self.catching_up.is_none();
            }
            Action::Tick(real) => {
                let last = self.last_real.replace(real);
                if !self.playing {
                    return false;
                }
                let Some(last) = last else { return false };
                let dt = (real - last).clamp(0.0, MAX_FRAME_MS);
                self.sim_time += dt * self.speed;
                let target = self.sim_time as Millis;
                if target <= self.now() {
                    return false;
                }
                self.advance_sliced(target, real);
            }
            Action::TogglePlay => {
                // Playing on past a question skips it.
                super::predict::skip(self);
                self.playing = !self.playing;
                self.last_real = None;
            }
            Action::Step => {
                super::predict::skip(self);
                let playing = self.playing;
                self.step_to_moment();
                // Stepping is not playing: the duration pause does not start the clock.
                self.playing = playing && self.playing;
            }
            Action::StepEvent => {
                super::predict::skip(self);
                let playing = self.playing;
                self.fine_step();
                self.playing = playing && self.playing;
            }
            Action::SetSpeed(s) => {
                if s.is_finite() && s > 0.0 {
                    self.speed = s.clamp(0.25, 10.0);
                }
            }
            Action::SetProjector(on) => self.projector = on,
            Action::Cmd(at, cmd) => self.command(at, *cmd),
            Action::Terminal(a) => super::terminal::handle(self, a),
            Action::AddProducer => self.add_producer(),
            Action::AddConsumer => self.add_consumer(),
            Action::LanguageLoaded => self.set_lang(self.lang),
            Action::SetLang(lang) => {
                if lang == self.lang {
                    return false;
                }
                self.set_lang(lang);
            }
            Action::Load(load) => {
                let title = load.scenario.title.clone();
                if let Err(e) = self.load(*load) {
                    self.notify(Notice::ImportFailed(title.en, e.to_string()));
                }
            }
            Action::LoadBuiltIn(id) => match super::library::built_in(&id) {
                Some(s) => {
                    let notice = Some(Notice::Loaded(s.title.clone()));
                    let _ = self.load(Load { scenario: s, at: 0, playing: true, notice });
                }
                None => self.notify(Notice::UnknownScenario(id)),
            },
            Action::Reset => {
                let s = scenario::default_scenario();
                let notice = Some(Notice::Loaded(s.title.clone()));
                let _ = self.load(Load { scenario: s, at: 0, playing: true, notice });
            }
            Action::UndoCut => {
                if let Some(u) = self.uncut.take() {
                    if self.replay(u.scenario, u.steps, u.at).is_ok() {
                        self.furthest = u.furthest;
                        self.playing = false;
                        self.notices.retain(|n| !matches!(n, Notice::FutureCut(..)));
                    }
                }
            }
            Action::RestorePrevious => {
                if let Some(p) = self.previous.take() {
                    let notice = Some(Notice::Loaded(p.scenario.title.clone()));
                    let _ = self.load(Load { scenario: p.scenario, at: p.at, playing: false, notice });
                }
            }
            Action::Rewind(at) => {
                self.rewind(at);
                self.notices.retain(|n| !matches!(n, Notice::Rewound(_) | Notice::DurationReached(_)));
            }
            Action::Notify(n) => self.notify(n),
            Action::Dismiss(i) => {
                if i < self.notices.len() {
                    self.notices.remove(i);
                }
            }
            Action::Why(who) => self.why = who,
            Action::Predict(a) => super::predict::handle(self, a),
            Action::ShareLink(link, copied) => self.share = Some((link, copied)),
            Action::Saved(ok) => {
                self.save_due = false;
                if !ok && !self.notices.contains(&Notice::StorageFailed) {
                    self.notify(Notice::StorageFailed);
                } else {
                    return false;
                }
            }
        }
        super::terminal::after_tick(self);
        true
    }

    /// Runs a command now; shows its error where it belongs, or clears the old one.
    pub fn command(&mut self, at: ErrorAt, cmd: Command) {
        // "What would I type?": the terminal echoes the command line of a page action.
        let echo = if at == ErrorAt::Terminal {
            Vec::new()
        } else {
            crate::core::tools::echo::command_line(&cmd, &self.run.cluster)
        };
        if let Err(e) = self.try_command(at.clone(), cmd) {
            self.errors.insert(at, Problem::Core(e));
        } else if !echo.is_empty() {
            self.terminal.echo(echo);
        }
    }

    /// [`Sim::command`] without showing its error: the terminal prints it as Kafka's tools do.
    pub fn try_command(&mut self, at: ErrorAt, cmd: Command) -> Result<(), crate::core::CoreError> {
        self.try_command_as(at, None, cmd)
    }

    /// [`Sim::try_command`] on behalf of a user (the terminal's "Run as"): the broker
    /// authorizes the admin client's requests as that user.
    pub fn try_command_as(
        &mut self,
        at: ErrorAt,
        user: Option<&str>,
        cmd: Command,
    ) -> Result<(), crate::core::CoreError> {
        let now = self.now();
        // A new action after scrubbing back cuts what the person did later (as in a video
        // edit). The session is kept first, so "Undo" can put it back exactly.
        let uncut = (!self.future.is_empty()).then(|| {
            let mut steps = self.run.journal().to_vec();
            steps.extend(self.future.iter().cloned());
            Uncut { scenario: self.run.scenario.clone(), steps, at: now, furthest: self.furthest }
        });
        match self.run.apply_as(now, user, cmd) {
            Ok(events) => {
                self.errors.remove(&at);
                self.absorb(events);
                self.save_due = true;
                self.uncut = None;
                if let Some(uncut) = uncut {
                    let last = self.future.back().map_or(now, |s| s.at.0);
                    self.notify(Notice::FutureCut(now, self.future.len(), last));
                    self.uncut = Some(uncut);
                    self.future.clear();
                    self.furthest = self.now();
                }
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    fn first_topic(&self) -> Option<String> {
        self.run.cluster.topics().keys().next().cloned()
    }

    fn add_producer(&mut self) {
        let Some(topic) = self.first_topic() else {
            self.errors.insert(ErrorAt::Global, Problem::NoTopic);
            return;
        };
        let name = loop {
            self.producers_added += 1;
            let n = format!("p{}", self.producers_added);
            if !self.run.cluster.producers().contains_key(&n) {
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
            self.errors.insert(ErrorAt::Global, Problem::NoTopic);
            return;
        };
        let name = loop {
            self.consumers_added += 1;
            let n = format!("c{}", self.consumers_added);
            if !self.run.cluster.consumers().contains_key(&n) {
                break n;
            }
        };
        // A new consumer is one more member like the one added before it (the person's or the
        // scenario's): its group, topics, settings and user as they are now — not its
        // group.instance.id, which names one member. Else the group it had, or `group-1`.
        let before = self.last_added.as_ref().and_then(|(prev, _)| self.run.cluster.consumers().get(prev));
        let spec = match before.map(|c| (&c.spec, &c.spec.mode)) {
            Some((like, ConsumerMode::Group { topics })) if like.config.group_id.is_some() => {
                let mut config = like.config.clone();
                config.group_instance_id = None;
                ConsumerSpec {
                    name,
                    user: like.user.clone(),
                    mode: ConsumerMode::Group { topics: topics.clone() },
                    config,
                    paused: false,
                }
            }
            _ => {
                let group = self.last_added.as_ref().map_or("group-1", |(_, g)| g.as_str()).to_string();
                ConsumerSpec::group(&name, &group, &[&topic], ConsumerConfig::teaching())
            }
        };
        // `last_added` follows from the ConsumerAdded event (see `observe`), as for a scenario's.
        self.command(ErrorAt::Global, Command::AddConsumer { consumer: spec });
    }

    /// Takes in what the core reported: timeline, rebalance views, lag samples.
    fn absorb(&mut self, events: Vec<Event>) {
        self.terminal.on_events(&self.run.cluster, &events);
        for event in events {
            self.observe(&event);
            self.seq += 1;
            let noisy = is_high_volume(&event.kind);
            let list = if noisy { &mut self.noisy } else { &mut self.timeline };
            list.push_back(Entry::new(self.seq, event));
            if list.len() > TIMELINE_CAP {
                list.pop_front();
            }
        }
        self.sample_lag();
    }

    fn sample_lag(&mut self) {
        let now = self.run.cluster.now();
        if now < self.next_lag_sample {
            return;
        }
        self.next_lag_sample = now + LAG_SAMPLE_MS;
        let ids: Vec<String> = self.run.cluster.groups().keys().cloned().collect();
        self.lag.retain(|g, _| ids.contains(g));
        for id in ids {
            let lag = self.run.cluster.group_lag(&id);
            let h = self.lag.entry(id).or_default();
            h.push_back(lag);
            if h.len() > LAG_CAP {
                h.pop_front();
            }
        }
    }

    /// Updates the rebalance view of the event's group.
    fn observe(&mut self, e: &Event) {
        use EventKind::*;
        let at = e.at;
        match &e.kind {
            RecordsLost { topic, partition, from, to, .. } => {
                *self.lost.entry((topic.clone(), *partition)).or_default() += to.saturating_sub(*from);
            }
            // A topic made again under the same name starts with nothing lost.
            TopicDeleted { topic } => self.lost.retain(|(t, _), _| t != topic),
            ConsumerAdded { consumer } => {
                let group = self.run.cluster.consumers().get(consumer).and_then(|c| c.group_id());
                if let Some(g) = group {
                    self.last_added = Some((consumer.clone(), g.to_string()));
                }
            }
            RebalanceStarted { group, generation, reason, rebalance_protocol } => {
                if let (RebalanceReason::CooperativeFollowUp { .. }, Some(v)) =
                    (reason, self.rebalances.get_mut(group))
                {
                    if v.kind == RebalanceKind::Cooperative {
                        v.finished_at = None;
                        v.advance_to(Phase::FollowUp);
                        return;
                    }
                }
                // The core decides eager or cooperative (from the members' assignors).
                let kind = match rebalance_protocol {
                    RebalanceProtocol::Eager => RebalanceKind::Eager,
                    RebalanceProtocol::Cooperative => RebalanceKind::Cooperative,
                };
                let first = kind.phases()[0];
                self.rebalances
                    .insert(group.clone(), RebalanceView::new(kind, first, *generation, reason.clone(), at));
            }
            GroupEpochBumped { group, epoch, reason } => {
                let view =
                    RebalanceView::new(RebalanceKind::Kip848, Phase::EpochBump, *epoch, reason.clone(), at);
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
            crate::core::sort::by_key(&mut out, |e| e.seq);
        }
        out.reverse();
        out
    }

    /// Users known to the authorizer, for the user selects.
    pub fn user_names(&self) -> Vec<String> {
        self.run.cluster.authorizer().users().map(|u| u.as_str().to_string()).collect()
    }
}

/// `Step` goes at most this far in simulated time when nothing nameable happens.
pub const STEP_MAX_MS: Millis = 10_000;
/// … and at most this many fine steps.
const STEP_MAX_FINE: usize = 20_000;

/// Whether an event is a moment `Step` stops at by itself. Parts of a rebalance (each
/// member's JoinGroup, revocation, share) are not: `Step` stops when the rebalance reaches its
/// next phase instead, so a rebalance is a few presses however many members it has.
pub fn is_moment(kind: &EventKind) -> bool {
    use EventKind::*;
    !matches!(
        kind,
        Produced { .. }
            | ProduceAcknowledged { .. }
            | Fetched { redelivered: 0, .. }
            | Committed { auto: true, .. }
            | GroupStateChanged { .. }
            | MemberJoining { .. }
            | PartitionsRevoked { .. }
            | PartitionsAssigned { .. }
            | JoinCompleted { .. }
            | MemberReconciled { .. }
            | PositionRestored { .. }
            | OffsetReset { .. }
            | RetentionDeleted { .. }
            | ShareAcquired { delivery_count: 1, .. }
            | ShareAcknowledged { .. }
    )
}

/// Events that come with every record or every poll, kept under "Show high-volume events". A
/// fetch that redelivers records (at-least-once duplicates) is not routine: it stays in the
/// default timeline, where the at-least-once lesson says to look for it.
pub fn is_high_volume(kind: &EventKind) -> bool {
    match kind {
        EventKind::Fetched { redelivered, .. } => *redelivered == 0,
        EventKind::Produced { .. }
        | EventKind::ProduceAcknowledged { .. }
        | EventKind::Committed { auto: true, .. }
        | EventKind::ShareAcquired { delivery_count: 1, .. }
        | EventKind::ShareAcknowledged { .. } => true,
        _ => false,
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
    /// Changes when something other than the clock moving changes the model: any action but a
    /// frame, and a frame that stops the clock (the scenario's end, with its notice). The
    /// session bar, notices and "what to watch for" show nothing else (see [`App`](super::App)).
    pub edits: u64,
}

impl Default for SimState {
    fn default() -> Self {
        SimState::new(Sim::new())
    }
}

impl SimState {
    pub fn new(sim: Sim) -> Self {
        SimState { sim: Rc::new(RefCell::new(sim)), version: 0, edits: 0 }
    }
}

impl Reducible for SimState {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut sim = self.sim.borrow_mut();
        let frame = matches!(action, Action::Tick(_));
        let before = (sim.playing, sim.notices.len());
        let changed = sim.handle(action);
        let edited = !frame || before != (sim.playing, sim.notices.len());
        drop(sim);
        if changed {
            let edits = self.edits + u64::from(edited);
            Rc::new(SimState { sim: self.sim.clone(), version: self.version + 1, edits })
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
    /// The language shown (the same as `sim.lang`, without a borrow).
    pub lang: Lang,
    /// Embedded in a host page (no address, no autosave).
    pub embedded: bool,
    pub dispatch: Callback<Action>,
}

impl PartialEq for Ctx {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version && Rc::ptr_eq(&self.sim, &other.sim)
    }
}

/// Real milliseconds between two redraws, while the clock runs, of the numbers that change with
/// every record (a lane's log start and end, the describe table, the lag line): a person cannot
/// read them faster, and redrawing them on every frame was a good part of the frame's work.
pub const SLOW_MS: f64 = 250.0;

/// When those numbers are redrawn (a component keeps them while this stays the same): while
/// the clock runs, each [`SLOW_MS`] of real time; paused, on every change of the model, so after
/// a pause, Step, command or scrub they are exact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Slow {
    pub at: u64,
    pub playing: bool,
    pub epoch: u64,
}

impl Ctx {
    pub fn slow(&self) -> Slow {
        let sim = self.sim.borrow();
        let at = if sim.playing { sim.last_real.map_or(0, |r| (r / SLOW_MS) as u64) } else { self.version };
        Slow { at, playing: sim.playing, epoch: sim.epoch }
    }
}

/// The context, from inside any component under `App`.
#[hook]
pub fn use_sim() -> Ctx {
    use_context::<Ctx>().expect("components are rendered inside App's context provider")
}

/// The same model without the ticking version: subscribing to it re-renders a component only
/// when the language (or the instance) changes, not on every frame. Components that read the
/// model through it get what they show as `PartialEq` props from a parent on [`Ctx`], so Yew
/// skips them while those props stay equal.
#[derive(Clone)]
pub struct Handle {
    pub sim: Rc<RefCell<Sim>>,
    pub lang: Lang,
    pub embedded: bool,
    /// Always the same reducer's dispatcher (so it takes no part in equality).
    pub dispatch: Callback<Action>,
}

impl PartialEq for Handle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.sim, &other.sim) && self.lang == other.lang && self.embedded == other.embedded
    }
}

impl From<&Ctx> for Handle {
    fn from(c: &Ctx) -> Self {
        Handle { sim: c.sim.clone(), lang: c.lang, embedded: c.embedded, dispatch: c.dispatch.clone() }
    }
}

/// The non-ticking context (see [`Handle`]).
#[hook]
pub fn use_handle() -> Handle {
    use_context::<Handle>().expect("components are rendered inside App's context provider")
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
        let topics = sim.run.cluster.topics();
        assert_eq!(topics.keys().collect::<Vec<_>>(), ["orders"]);
        assert_eq!(topics["orders"].partition_count(), 6);
        let p1 = &sim.run.cluster.producers()["p1"].spec;
        assert_eq!(p1.keys, KeyMode::Set { prefix: "user-".into(), count: 6 });
        assert_eq!(p1.rate, 4.0);
        assert!(sim.run.cluster.consumers().is_empty());
        assert!(sim.playing);
    }

    #[test]
    fn new_consumers_join_the_group_of_the_consumer_added_before_them() {
        let mut sim = Sim::new();
        sim.handle(Action::AddConsumer);
        assert_eq!(sim.run.cluster.consumers()["c1"].group_id(), Some("group-1"));
        let mut spec = sim.run.cluster.consumers()["c1"].spec.clone();
        spec.config.group_id = Some("billing".into());
        sim.handle(Action::cmd(ErrorAt::Consumer("c1".into()), Command::UpdateConsumer { consumer: spec }));
        sim.handle(Action::AddConsumer);
        let c2 = &sim.run.cluster.consumers()["c2"];
        assert_eq!(c2.group_id(), Some("billing"));
        assert_eq!(c2.spec.mode, ConsumerMode::Group { topics: vec!["orders".into()] });
    }

    #[test]
    fn paused_ticks_change_nothing_and_step_one_event_moves_to_the_next_wakeup() {
        let mut sim = Sim::new();
        sim.handle(Action::TogglePlay);
        assert!(!sim.handle(Action::Tick(0.0)));
        assert!(!sim.handle(Action::Tick(1000.0)));
        assert_eq!(sim.now(), 0);
        let next = sim.run.cluster.next_wakeup().expect("p1 produces");
        sim.handle(Action::StepEvent);
        assert_eq!(sim.now(), next.max(1));
    }

    thread_local! {
        /// A page clock for the tests: each reading is 5 ms after the one before.
        static FAKE_WALL: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
    }
    fn slow_wall() -> f64 {
        FAKE_WALL.with(|w| {
            w.set(w.get() + 5.0);
            w.get()
        })
    }

    #[test]
    fn a_tick_that_runs_out_of_time_stops_short_and_the_clock_says_it_is_behind() {
        // The core "costs" 5 ms of the page's clock per reading: a tick gets a few slices in
        // before FRAME_WORK_MS is used up, never the whole frame.
        let mut slow = Sim::new();
        slow.wall = slow_wall;
        slow.handle(Action::SetSpeed(10.0));
        slow.handle(Action::Tick(FAKE_WALL.with(|w| w.get())));
        let real = FAKE_WALL.with(|w| w.get()) + MAX_FRAME_MS;
        slow.handle(Action::Tick(real));
        assert!(slow.now() > 0, "at least one slice");
        assert!(slow.now() < 2_500, "short of the frame's 2.5 s: {}", slow.now());
        assert!(slow.is_behind());
        // What is left of the frame is dropped, not owed: the next tick does not jump ahead.
        assert_eq!(slow.sim_time, slow.now() as f64);
        // The next tick goes on from there.
        let at = slow.now();
        slow.handle(Action::Tick(FAKE_WALL.with(|w| w.get()) + 16.0));
        assert!(slow.now() > at);
        // A tick that keeps up is not behind.
        let mut fast = Sim::new();
        run_for(&mut fast, 1_000.0);
        assert!(fast.now() >= 1_000);
        assert!(!fast.is_behind());
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
        assert!(
            matches!(&sim.errors[&at], Problem::Core(e) if e.code() == Some(crate::core::ErrorCode::InvalidPartitions)),
            "{:?}",
            sim.errors
        );
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
        let mut spec = sim.run.cluster.consumers()["c1"].spec.clone();
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

    #[test]
    fn commands_are_journalled_and_export_replays_to_the_same_groups() {
        let mut sim = Sim::new();
        sim.handle(Action::SetSpeed(10.0));
        sim.handle(Action::AddConsumer);
        run_for(&mut sim, 500.0);
        sim.handle(Action::AddConsumer);
        run_for(&mut sim, 1000.0);
        assert_eq!(sim.run.journal().len(), 2);
        let shared = sim.shared();
        let mut other = Sim::new();
        other.load(Load { scenario: shared.scenario, at: shared.at, playing: false, notice: None }).unwrap();
        assert_eq!(other.now(), sim.now());
        assert_eq!(other.run.cluster.describe_group("group-1"), sim.run.cluster.describe_group("group-1"));
    }

    #[test]
    fn scrubbing_back_replays_and_the_later_actions_come_back_until_a_new_one_cuts_them() {
        let mut sim = Sim::new();
        sim.handle(Action::SetSpeed(10.0));
        run_for(&mut sim, 200.0);
        sim.handle(Action::AddConsumer);
        let added_at = sim.now();
        run_for(&mut sim, 500.0);
        let end = sim.now();
        sim.handle(Action::Rewind(added_at - 500));
        assert_eq!(sim.now(), added_at - 500);
        assert!(!sim.playing, "a scrub pauses");
        assert!(sim.run.cluster.consumers().is_empty());
        assert_eq!(sim.furthest, end);
        // Forward again: c1 is added again at its moment.
        sim.handle(Action::Rewind(end));
        assert!(sim.run.cluster.consumers().contains_key("c1"));
        sim.handle(Action::Rewind(added_at - 500));
        sim.handle(Action::TogglePlay);
        run_for(&mut sim, 100.0);
        assert!(sim.run.cluster.consumers().contains_key("c1"), "replayed as the clock passed it");
        // A new action after scrubbing back cuts what came later.
        sim.handle(Action::Rewind(added_at - 500));
        sim.handle(Action::AddProducer);
        assert!(sim.future.is_empty());
        assert_eq!(sim.furthest, sim.now());
        run_for(&mut sim, 600.0);
        assert!(!sim.run.cluster.consumers().contains_key("c1"));
    }

    /// The bench's largest scenario: 48 partitions, 24 consumers in one group, 2000 records/s.
    fn big() -> Scenario {
        let producers: Vec<String> = (1..=4)
            .map(|i| format!(r#"{{"name": "p{i}", "topic": "orders", "rate": 500, "keys": {{"mode": "set", "prefix": "user-", "count": 200}}}}"#))
            .collect();
        let consumers: Vec<String> = (1..=24)
            .map(|i| format!(r#"{{"name": "c{i}", "mode": {{"group": {{"topics": ["orders"]}}}}, "config": {{"group.id": "group-1"}}}}"#))
            .collect();
        let text = format!(
            r#"{{"version": 1, "seed": 1, "topics": [{{"name": "orders", "partitions": 48}}], "producers": [{}], "consumers": [{}]}}"#,
            producers.join(","),
            consumers.join(",")
        );
        Scenario::from_json(&text).unwrap()
    }

    #[test]
    fn a_long_replay_goes_on_tick_by_tick_and_ends_where_one_go_would() {
        let mut sim = Sim::with_scenario(big()).unwrap();
        sim.handle(Action::SetSpeed(10.0));
        run_for(&mut sim, 1_000.0);
        sim.handle(Action::AddConsumer); // c25, a user action the replay must bring back
        run_for(&mut sim, 6_000.0);
        let end = sim.now();
        assert!(end > 60_000, "{end}");
        let exported = sim.export();

        // Scrub back to near the end: a replay of a minute of the largest scenario.
        let target = end - 1_000;
        sim.handle(Action::Rewind(target));
        assert_eq!(sim.catching_up, Some(target), "too long to replay before the next frame");
        assert!(sim.now() < target);
        assert_eq!(sim.export(), exported, "an export meanwhile is the whole session");
        assert_eq!(sim.shared().at, target, "Share and autosave record where it is going");
        let mut ticks = 0;
        while sim.catching_up.is_some() {
            let before = sim.now();
            let redraw = sim.handle(Action::Tick(0.0));
            ticks += 1;
            // Each tick replays further, except the few that only redraw the progress.
            assert!(sim.now() > before || (redraw && sim.catch_up_ticks.is_multiple_of(REPLAY_RENDER_EVERY)));
            assert!(ticks < 1_000, "it gets there");
        }
        assert!(ticks > 1, "{ticks}");
        assert_eq!(sim.now(), target);
        assert!(!sim.playing, "a scrub pauses");

        let mut one_go = Sim::with_scenario(big()).unwrap();
        one_go.handle(Action::SetSpeed(10.0));
        one_go.future = exported.script.iter().cloned().collect();
        one_go.catching_up = Some(target);
        one_go.caught_up();
        assert_eq!(sim.run.cluster.describe_group("group-1"), one_go.run.cluster.describe_group("group-1"));
        assert!(sim.run.cluster.consumers().contains_key("c25"));
    }

    #[test]
    fn acting_during_a_replay_acts_at_the_moment_being_replayed_to() {
        let mut sim = Sim::with_scenario(big()).unwrap();
        sim.handle(Action::SetSpeed(10.0));
        run_for(&mut sim, 6_000.0);
        let target = sim.now() - 1_000;
        sim.handle(Action::Rewind(target));
        assert!(sim.catching_up.is_some());
        sim.handle(Action::Cmd(ErrorAt::Global, Box::new(Command::PauseProducer { name: "p1".into() })));
        assert_eq!(sim.catching_up, None);
        assert_eq!(sim.now(), target);
        assert!(sim.run.cluster.producers()["p1"].spec.paused);
        assert!(sim.future.is_empty(), "a new action cuts what came later");
    }

    #[test]
    fn acting_after_a_scrub_back_says_what_it_dropped_and_can_be_undone() {
        let mut sim = Sim::new();
        sim.handle(Action::SetSpeed(10.0));
        run_for(&mut sim, 200.0);
        sim.handle(Action::AddConsumer);
        run_for(&mut sim, 300.0);
        let later = sim.now();
        sim.handle(Action::cmd(ErrorAt::Global, Command::PauseProducer { name: "p1".into() }));
        run_for(&mut sim, 300.0);
        let furthest = sim.now();

        let back = later - 1_000;
        sim.handle(Action::Rewind(back));
        sim.caught_up();
        assert_eq!(sim.future.len(), 1, "the pause is still to come");
        sim.handle(Action::AddConsumer);
        assert!(sim.future.is_empty(), "a new action cuts what came later");
        assert!(sim.notices.contains(&Notice::FutureCut(back, 1, later)), "{:?}", sim.notices);
        let said = Notice::FutureCut(back, 1, later).text(Lang::En);
        assert!(said.contains("1") && said.contains(&format_clock(later)), "{said}");

        sim.handle(Action::UndoCut);
        sim.caught_up();
        assert_eq!(sim.now(), back, "back at the moment of the cut");
        assert_eq!(sim.run.cluster.consumers().len(), 1, "the cutting action is undone");
        assert_eq!(sim.furthest, furthest, "the Time range ends where it did");
        assert_eq!(sim.future.len(), 1, "the pause is the person's again, still to come");
        assert!(!sim.notices.iter().any(|n| matches!(n, Notice::FutureCut(..))));
        assert_eq!(sim.uncut, None);
        sim.handle(Action::TogglePlay);
        run_for(&mut sim, (furthest - back) as f64 / 10.0 + 100.0);
        assert!(sim.run.cluster.producers()["p1"].spec.paused, "the dropped pause happens again");
    }

    #[test]
    fn add_consumer_joins_the_group_of_the_consumer_added_before_it_even_a_scenarios() {
        let group_of = |sim: &Sim, name: &str| sim.run.cluster.consumers()[name].spec.config.clone();
        let mut sim = Sim::new();
        sim.handle(Action::LoadBuiltIn("queue-vs-pubsub".into()));
        sim.handle(Action::AddConsumer);
        let added =
            sim.run.cluster.consumers().keys().find(|n| !["c1", "c2", "c3"].contains(&n.as_str())).cloned();
        let added = added.expect("a consumer was added");
        assert_eq!(group_of(&sim, &added).group_id.as_deref(), Some("audit"), "c3 (audit) was added last");

        sim.handle(Action::LoadBuiltIn("kip-848".into()));
        sim.handle(Action::SetSpeed(10.0));
        run_for(&mut sim, 1_700.0);
        assert!(sim.run.cluster.consumers().contains_key("c4"));
        sim.handle(Action::AddConsumer);
        let added = sim
            .run
            .cluster
            .consumers()
            .keys()
            .find(|n| !["c1", "c2", "c3", "c4"].contains(&n.as_str()))
            .cloned();
        let config = group_of(&sim, &added.expect("a consumer was added"));
        assert_eq!(config.group_id.as_deref(), Some("group-1"));
        assert_eq!(
            config.group_protocol,
            group_of(&sim, "c4").group_protocol,
            "same protocol as its group-mates"
        );
        assert_eq!(config.group_instance_id, None);
    }

    #[test]
    fn a_scenario_with_a_duration_pauses_there_once() {
        let mut sim = Sim::new();
        sim.handle(Action::LoadBuiltIn("rebalance-basics".into()));
        let d = sim.scenario().duration.expect("rebalance-basics has a duration").0;
        sim.handle(Action::SetSpeed(10.0));
        run_for(&mut sim, d as f64 / 10.0 + 500.0);
        assert_eq!(sim.now(), d);
        assert!(!sim.playing);
        assert!(sim.notices.contains(&Notice::DurationReached(d)));
        sim.handle(Action::TogglePlay);
        run_for(&mut sim, 200.0);
        assert!(sim.now() > d, "Play goes on past the end");
    }

    #[test]
    fn a_bad_link_or_save_is_told_in_the_pages_language() {
        let link = Notice::LinkFailed(ShareError::NotBase64);
        assert_eq!(
            link.text(Lang::En),
            "This link could not be opened: it is damaged (not base64url). The default scenario is shown instead."
        );
        assert!(link.text(Lang::Ru).starts_with("Не удалось открыть ссылку: она повреждена (не base64url)."));
        let save = Notice::AutosaveRejected(ShareError::Version(7), "k".into());
        assert!(save.text(Lang::En).starts_with(
            "Your saved session could not be restored: it is from a newer playground (format 7; this one reads 1)."
        ));
        assert!(save
            .text(Lang::Ru)
            .contains("она из более новой версии песочницы (формат 7; эта версия читает 1)"));
    }

    #[test]
    fn loading_over_work_keeps_it_as_previous_and_restores_it() {
        let mut sim = Sim::new();
        sim.handle(Action::AddConsumer);
        sim.handle(Action::LoadBuiltIn("lag".into()));
        assert_eq!(sim.scenario().id, "lag");
        assert!(sim.previous.is_some());
        sim.handle(Action::RestorePrevious);
        assert_eq!(sim.scenario().id, "playground");
        assert!(sim.run.cluster.consumers().contains_key("c1"));
        // Loading a fresh built-in over a fresh built-in keeps nothing.
        let mut sim = Sim::new();
        sim.handle(Action::LoadBuiltIn("lag".into()));
        assert!(sim.previous.is_none());
        sim.handle(Action::LoadBuiltIn("no-such".into()));
        assert_eq!(sim.scenario().id, "lag");
        assert!(sim.notices.contains(&Notice::UnknownScenario("no-such".into())));
    }

    #[test]
    fn switching_language_renarrates_the_timeline() {
        let mut sim = Sim::new();
        sim.handle(Action::AddConsumer);
        sim.handle(Action::SetLang(Lang::Ru));
        assert!(
            sim.timeline.iter().any(|e| e.line(Lang::Ru).contains("добавлен потребитель c1")),
            "{:?}",
            sim.timeline
        );
        sim.handle(Action::SetLang(Lang::En));
        assert!(sim.timeline.iter().any(|e| e.line(Lang::En).contains("consumer c1 added")));
    }

    #[test]
    fn the_clock_stops_at_the_formats_limit_and_what_it_saves_reads_back() {
        let quiet =
            Scenario::from_json(r#"{"version": 1, "topics": [{"name": "t", "partitions": 1}]}"#).unwrap();
        let mut sim = Sim::new();
        let near = scenario::MAX_DURATION_MS - 1_000;
        sim.handle(Action::Load(Box::new(Load { scenario: quiet, at: near, playing: true, notice: None })));
        sim.handle(Action::SetSpeed(10.0));
        run_for(&mut sim, 2_000.0);
        assert_eq!(sim.now(), scenario::MAX_DURATION_MS);
        assert!(!sim.playing);
        assert!(sim.notices.contains(&Notice::ClockLimit(scenario::MAX_DURATION_MS)));
        let saved = crate::core::share::envelope(&sim.export(), sim.at());
        let back = crate::core::share::open_saved(&saved).expect("the autosave reads back");
        assert_eq!(back.at, scenario::MAX_DURATION_MS);
        sim.handle(Action::TogglePlay);
        run_for(&mut sim, 500.0);
        assert_eq!(sim.now(), scenario::MAX_DURATION_MS, "Play does not go past it");
    }
}
