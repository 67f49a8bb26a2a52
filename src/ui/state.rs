//! The UI's model: a scenario [`Run`] (the core's cluster plus the scenario's script and a
//! journal of what the person did), the clock ([`playback`]), the person's work around the run
//! ([`session`]), what is derived from the core's events ([`projections`]), and what only the
//! screen needs (errors per card, notices, language). The lesson's questions ([`predict`]), the
//! terminal ([`terminal`]) and the "Why?" target ([`why_target`]) are model too: this module
//! and its submodules name no view (`tests/module_graph.rs`).
//!
//! Every user command goes through [`Run::apply`], so it is journalled: Share, Export and
//! autosave carry it, and scrubbing back in time replays the run from its seed (no snapshots
//! are kept: memory stays bounded by the journal, which holds commands only).
//!
//! Shape (yew's `function_todomvc`): [`Sim`] is the state, [`Action`] what can happen to it,
//! [`SimState`] the `Reducible` wrapper. The cluster is never cloned per frame: it lives in an
//! `Rc<RefCell<Sim>>` and each change bumps a version counter, which is what components compare.
//! Nothing here decides what Kafka would do; that is the core's job.

pub mod playback;
pub mod predict;
pub mod projections;
pub mod session;
pub mod terminal;
pub mod why_target;

use super::problem::Problem;
use super::text::{fill, text_for, Lang};
use crate::core::acl::Role;
use crate::core::config::ConsumerConfig;
use crate::core::consumer::{ConsumerMode, ConsumerSpec};
use crate::core::event::{Event, EventKind};
use crate::core::producer::{KeyMode, ProducerSpec};
use crate::core::scenario::{self, Run, Scenario, ScenarioError, ScriptStep};
use crate::core::share::{ShareError, Shared, SHARE_VERSION};
use crate::core::time::{format_clock, Millis};
use crate::core::Command;
use playback::{Playback, FRAME_WORK_MS};
use projections::{Entry, Projections, LAG_SAMPLE_MS};
use session::{Session, Uncut};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::prelude::*;

/// Events a replay absorbs before the page gets a turn: at the largest scenario (48
/// partitions, 24 consumers, 2000 records/s) about 5 s of simulated time, ~15 ms of a tick
/// in headless Chromium here (a replay to 10:00 takes ~3 s; no task is longer than a redraw, ~30 ms).
pub const REPLAY_EVENTS_PER_TICK: usize = 12_000;

/// Events a replay absorbs at once when it starts: short replays (most scrubs, a link a minute
/// in) finish before the next render; long ones go on per tick with a progress line.
pub const REPLAY_EVENTS_AT_ONCE: usize = 40_000;

/// While a replay catches up, the page is redrawn every this many ticks (about 4 times a second).
pub const REPLAY_RENDER_EVERY: u32 = 15;
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
    /// Undo the cut the last action made after a scrub back (see [`Session::uncut`]).
    UndoCut,
    /// Replay from the seed to this moment and pause.
    Rewind(Millis),
    Notify(Notice),
    /// Dismiss the notice at this index.
    Dismiss(usize),
    /// Shows (or, with `None`, closes) the "Why?" chain of a consumer, producer or partition.
    Why(Option<why_target::WhyTarget>),
    /// A lesson's question: a pick, an answer, a skip (see `ui::predict`).
    Predict(predict::PredictAction),
    /// The Share field: the link, and whether the clipboard took it (`None`: still trying).
    ShareLink(String, Option<bool>),
    /// Autosave happened (or failed: `false`).
    Saved(bool),
    /// The terminal: a command line, Ctrl-C, the Run as select (see `ui::terminal`).
    Terminal(terminal::TermAction),
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

/// Notices shown at most (older ones drop off).
pub const NOTICES_CAP: usize = 3;

impl Action {
    /// A core command whose error is shown at `at`.
    pub fn cmd(at: ErrorAt, command: Command) -> Action {
        Action::Cmd(at, Box::new(command))
    }
}

/// The model behind the page: the run (the core's cluster, the scenario and the journal) and
/// three parts around it, each with its own methods — [`Playback`] (the clock), [`Session`]
/// (the person's work: Share, Export, autosave, undo) and [`Projections`] (what the page
/// derives from the core's events) — plus what only the screen needs (language, errors per
/// card, notices, the "Why?" panel, the lesson's questions, the terminal).
pub struct Sim {
    /// The scenario running: `run.cluster` is the broker.
    pub run: Run,
    pub playback: Playback,
    pub session: Session,
    pub projections: Projections,
    pub lang: Lang,
    pub projector: bool,
    pub errors: BTreeMap<ErrorAt, Problem>,
    pub notices: Vec<Notice>,
    /// What the "Why?" panel explains.
    pub why: Option<why_target::WhyTarget>,
    /// The lesson's questions (predict, then reveal) and where each stands.
    pub predict: predict::Predict,
    /// The terminal's scroll-back, history and running console clients.
    pub terminal: terminal::TermState,
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
            playback: Playback::default(),
            session: Session::default(),
            projections: Projections::default(),
            lang: Lang::En,
            projector: false,
            errors: BTreeMap::new(),
            notices: Vec::new(),
            why: None,
            predict: Default::default(),
            terminal: Default::default(),
        };
        sim.predict = predict::Predict::new(&sim.run.scenario.predict, false);
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

    /// The scenario as it stands (see [`Session::export`]): Share, Export and autosave write this.
    pub fn export(&self) -> Scenario {
        self.session.export(&self.run)
    }

    /// Whether the session holds anything a load would lose (see [`Session::has_work`]).
    pub fn has_work(&self) -> bool {
        self.session.has_work(&self.run)
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
        // The projections (the consumer added last too) are found again in the replayed events.
        self.projections.clear();
        self.errors.clear();
        // Everything the person did is in `future` until it comes due, so an export during
        // the catch-up is whole; the catch-up replays it in slices of LAG_SAMPLE_MS (so the
        // lag sparkline is rebuilt too).
        self.session.replaced(steps);
        self.playback.catching_up = Some(at);
        self.catch_up(REPLAY_EVENTS_AT_ONCE);
        Ok(())
    }

    /// Goes on with a replay ([`Playback::catching_up`]) until `budget` events have been absorbed
    /// or it is there. Counting events, not reading a clock, keeps this deterministic.
    /// A tick's catch-up also stops at `deadline` on the page's clock ([`Playback::wall`]), so a
    /// scenario whose events are costly never holds the page for long.
    pub fn catch_up(&mut self, budget: usize) {
        self.catch_up_until(budget, f64::INFINITY);
    }

    fn catch_up_until(&mut self, budget: usize, deadline: f64) {
        let Some(at) = self.playback.catching_up else { return };
        let mut absorbed = 0;
        // At least one slice, so that steps at the very moment (`at` = now) are applied too.
        loop {
            let next = ((self.now() / LAG_SAMPLE_MS + 1) * LAG_SAMPLE_MS).min(at);
            while self.session.future.front().is_some_and(|s| s.at.0 <= next) {
                let Some(step) = self.session.future.pop_front() else { break };
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
            if self.now() >= at || absorbed >= budget || (self.playback.wall)() >= deadline {
                break;
            }
        }
        if self.now() >= at {
            let ended = self.scenario().duration.is_some_and(|d| self.now() >= d.0);
            self.playback.arrived(self.now(), ended);
        }
    }

    /// Finishes a replay at once (before anything that changes the run).
    fn caught_up(&mut self) {
        self.catch_up(usize::MAX);
    }

    /// The moment shown, or being replayed to: what Share, Export and autosave record.
    pub fn at(&self) -> Millis {
        self.playback.catching_up.unwrap_or_else(|| self.now())
    }

    /// Loads a scenario (see [`Action::Load`]); the replaced session is kept if it held work.
    pub fn load(&mut self, load: Load) -> Result<(), ScenarioError> {
        let previous = self.has_work().then(|| self.shared());
        let (notices, furthest) = (std::mem::take(&mut self.notices), self.playback.furthest);
        self.playback.furthest = 0;
        if let Err(e) = self.replay(load.scenario, Vec::new(), load.at) {
            (self.notices, self.playback.furthest) = (notices, furthest);
            return Err(e);
        }
        self.playback.playing = load.playing;
        self.session.consumers_added = 0;
        self.session.producers_added = 0;
        self.session.save_due = true;
        if previous.is_some() {
            self.session.previous = previous;
        }
        if let Some(n) = load.notice {
            self.notify(n);
        }
        Ok(())
    }

    /// Replay from the seed to `at` (keeping what the person did later for the way forward).
    pub fn rewind(&mut self, at: Millis) {
        let steps = self.session.all_steps(&self.run);
        let scenario = self.run.scenario.clone();
        let furthest = self.playback.furthest;
        if self.replay(scenario, steps, at).is_ok() {
            self.playback.furthest = furthest.max(self.now());
            self.playback.pause();
        }
    }

    /// Re-narrates the timeline in `lang`.
    fn set_lang(&mut self, lang: Lang) {
        self.lang = lang;
        self.projections.renarrate();
    }

    /// Advances to `target`, replaying what the person did after a scrub back as it comes due,
    /// and pausing once at the scenario's duration.
    fn advance_to(&mut self, mut target: Millis) {
        // The clock stops where the scenario format does, so every save reads back.
        if target >= scenario::MAX_DURATION_MS {
            target = scenario::MAX_DURATION_MS;
            if self.playback.playing {
                self.playback.pause();
                self.notify(Notice::ClockLimit(target));
            }
        }
        if let (Some(d), false) = (self.scenario().duration, self.playback.duration_done) {
            if target >= d.0 {
                target = d.0;
                self.playback.duration_done = true;
                self.playback.pause();
                self.notify(Notice::DurationReached(d.0));
            }
        }
        // A lesson's question stops the clock just before its moment (`ui::predict`).
        if let Some(stop) = self.predict.gate(&self.run.scenario.predict, self.now(), target) {
            target = stop;
            self.playback.pause();
        }
        while self.session.future.front().is_some_and(|s| s.at.0 <= target) {
            let Some(step) = self.session.future.pop_front() else { break };
            if let Ok(events) = self.run.apply(step.at.0, step.action) {
                self.absorb(events);
            }
        }
        let events = self.run.advance(target);
        self.playback.sim_time = self.playback.sim_time.max(target as f64);
        self.absorb(events);
        self.playback.furthest = self.playback.furthest.max(self.now());
        if predict::check(self) {
            // The reveal: the stage shows what the answer was read from.
            self.playback.pause();
        }
    }

    /// A tick's advance to `target`: in slices of simulated time, until it is there or the
    /// tick has used [`FRAME_WORK_MS`] of real time since `started` (on [`Playback::wall`]). A
    /// slice doubles while it costs little and halves when it costs much, so a cheap scenario
    /// takes a few slices a frame and a costly one (every cap at its maximum) one instant at a
    /// time. Short of `target`, the clock drops what it could not do (it runs slower than the
    /// speed) and says so for a while ([`Sim::is_behind`]). The core gives the same run however
    /// time is sliced, so this changes when things are shown, never what happens.
    fn advance_sliced(&mut self, target: Millis, started: f64) {
        let deadline = started + FRAME_WORK_MS;
        loop {
            let before = (self.playback.wall)();
            let next = (self.now() + self.playback.slice_ms.max(1)).min(target);
            self.advance_to(next);
            self.playback.slice_took((self.playback.wall)() - before);
            if self.now() >= target || !self.playback.playing || self.playback.catching_up.is_some() {
                return;
            }
            let now = (self.playback.wall)();
            if now >= deadline {
                self.playback.fell_behind(self.now(), now);
                return;
            }
        }
    }

    /// Whether the clock is running slower than the speed chosen (see [`Playback::is_behind`]).
    pub fn is_behind(&self) -> bool {
        self.playback.is_behind()
    }

    /// One fine step: to the instant the run next wakes up at (or a replayed action).
    fn fine_step(&mut self) {
        let now = self.now();
        let mut target = self.run.next_wakeup().map_or(now + 100, |w| w.max(now + 1));
        if let Some(f) = self.session.future.front() {
            target = target.min(f.at.0.max(now + 1));
        }
        self.advance_to(target);
        self.playback.sim_time = self.now() as f64;
    }

    /// `Step`: fine steps until something a person would name happened — a member joins or
    /// leaves, a rebalance reaches its next phase, an assignment arrives, a commit, an error, a
    /// scripted action or note — or [`STEP_MAX_MS`] of simulated time passed with none (records
    /// flowing is not a moment). Scrolling through a rebalance takes a handful of presses.
    pub fn step_to_moment(&mut self) {
        let start = self.now();
        let phases = self.projections.phase_signature();
        for _ in 0..STEP_MAX_FINE {
            let seq = self.projections.seq;
            let before = self.now();
            self.fine_step();
            let named = self
                .projections
                .timeline
                .iter()
                .rev()
                .take_while(|e| e.seq > seq)
                .any(|e| is_moment(&e.event.kind));
            if named
                || self.projections.phase_signature() != phases
                || self.now() >= start + STEP_MAX_MS
                || self.now() == before
                || self.playback.duration_done
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
        if self.playback.catching_up.is_some() && !replaces_the_run && !leaves_the_run {
            // Play, Step, a command…: they act on the moment being replayed to.
            self.caught_up();
        }
        match action {
            Action::Tick(_) if self.playback.catching_up.is_some() => {
                // Rendering every intermediate moment would cost more than the replay itself:
                // the progress line (and the run) are redrawn a few times a second, on a tick of
                // their own (so no task holds both a replay slice and a redraw), and at the end.
                self.playback.catch_up_ticks += 1;
                if self.playback.catch_up_ticks.is_multiple_of(REPLAY_RENDER_EVERY) {
                    return true;
                }
                let deadline = (self.playback.wall)() + FRAME_WORK_MS;
                self.catch_up_until(REPLAY_EVENTS_PER_TICK, deadline);
                return self.playback.catching_up.is_none();
            }
            Action::Tick(real) => {
                let Some(target) = self.playback.frame(real) else { return false };
                if target <= self.now() {
                    return false;
                }
                self.advance_sliced(target, real);
            }
            Action::TogglePlay => {
                // Playing on past a question skips it.
                predict::skip(self);
                self.playback.toggle();
            }
            Action::Step => {
                predict::skip(self);
                let playing = self.playback.playing;
                self.step_to_moment();
                // Stepping is not playing: the duration pause does not start the clock.
                self.playback.playing = playing && self.playback.playing;
            }
            Action::StepEvent => {
                predict::skip(self);
                let playing = self.playback.playing;
                self.fine_step();
                self.playback.playing = playing && self.playback.playing;
            }
            Action::SetSpeed(s) => self.playback.set_speed(s),
            Action::SetProjector(on) => self.projector = on,
            Action::Cmd(at, cmd) => self.command(at, *cmd),
            Action::Terminal(a) => terminal::handle(self, a),
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
                if let Some(u) = self.session.uncut.take() {
                    if self.replay(u.scenario, u.steps, u.at).is_ok() {
                        self.playback.furthest = u.furthest;
                        self.playback.pause();
                        self.notices.retain(|n| !matches!(n, Notice::FutureCut(..)));
                    }
                }
            }
            Action::RestorePrevious => {
                if let Some(p) = self.session.previous.take() {
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
            Action::Predict(a) => predict::handle(self, a),
            Action::ShareLink(link, copied) => self.session.share = Some((link, copied)),
            Action::Saved(ok) => {
                self.session.save_due = false;
                if !ok && !self.notices.contains(&Notice::StorageFailed) {
                    self.notify(Notice::StorageFailed);
                } else {
                    return false;
                }
            }
        }
        terminal::after_tick(self);
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
        let uncut = (!self.session.future.is_empty()).then(|| {
            let steps = self.session.all_steps(&self.run);
            Uncut { scenario: self.run.scenario.clone(), steps, at: now, furthest: self.playback.furthest }
        });
        match self.run.apply_as(now, user, cmd) {
            Ok(events) => {
                self.errors.remove(&at);
                self.absorb(events);
                self.session.save_due = true;
                self.session.uncut = None;
                if let Some(uncut) = uncut {
                    let last = self.session.future.back().map_or(now, |s| s.at.0);
                    self.notify(Notice::FutureCut(now, self.session.future.len(), last));
                    self.session.uncut = Some(uncut);
                    self.session.future.clear();
                    self.playback.furthest = self.now();
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
        let producers = self.run.cluster.producers();
        let name = self.session.next_name(false, |n| producers.contains_key(n));
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
        let consumers = self.run.cluster.consumers();
        let name = self.session.next_name(true, |n| consumers.contains_key(n));
        // A new consumer is one more member like the one added before it (the person's or the
        // scenario's): its group, topics, settings and user as they are now — not its
        // group.instance.id, which names one member. Else the group it had, or `group-1`.
        let before =
            self.projections.last_added.as_ref().and_then(|(prev, _)| self.run.cluster.consumers().get(prev));
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
                let group =
                    self.projections.last_added.as_ref().map_or("group-1", |(_, g)| g.as_str()).to_string();
                ConsumerSpec::group(&name, &group, &[&topic], ConsumerConfig::teaching())
            }
        };
        // `last_added` follows from the ConsumerAdded event (see `observe`), as for a scenario's.
        self.command(ErrorAt::Global, Command::AddConsumer { consumer: spec });
    }

    /// Takes in what the core reported: the terminal's console clients, then the projections.
    fn absorb(&mut self, events: Vec<Event>) {
        self.terminal.on_events(&self.run.cluster, &events);
        self.projections.absorb(&self.run.cluster, events);
    }

    /// Timeline entries newest first, merged with the high-volume ones when asked.
    pub fn entries(&self, with_noisy: bool) -> Vec<&Entry> {
        self.projections.entries(with_noisy)
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
        let before = (sim.playback.playing, sim.notices.len());
        let changed = sim.handle(action);
        let edited = !frame || before != (sim.playback.playing, sim.notices.len());
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
        let at = if sim.playback.playing {
            sim.playback.last_real.map_or(0, |r| (r / SLOW_MS) as u64)
        } else {
            self.version
        };
        Slow { at, playing: sim.playback.playing, epoch: sim.session.epoch }
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
    use super::playback::MAX_FRAME_MS;
    use super::projections::{Phase, RebalanceKind, LAG_CAP, TIMELINE_CAP};
    use super::*;
    use crate::core::consumer::ConsumerMode;

    fn run_for(sim: &mut Sim, ms: f64) {
        // Frames of 16 ms of real time at the current speed.
        let mut real = sim.playback.last_real.unwrap_or(0.0);
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
        assert!(sim.playback.playing);
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
        slow.playback.wall = slow_wall;
        slow.handle(Action::SetSpeed(10.0));
        slow.handle(Action::Tick(FAKE_WALL.with(|w| w.get())));
        let real = FAKE_WALL.with(|w| w.get()) + MAX_FRAME_MS;
        slow.handle(Action::Tick(real));
        assert!(slow.now() > 0, "at least one slice");
        assert!(slow.now() < 2_500, "short of the frame's 2.5 s: {}", slow.now());
        assert!(slow.is_behind());
        // What is left of the frame is dropped, not owed: the next tick does not jump ahead.
        assert_eq!(slow.playback.sim_time, slow.now() as f64);
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
        let real = sim.playback.last_real.unwrap();
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
        let v = &sim.projections.rebalances["group-1"];
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
        let v = &sim.projections.rebalances["group-1"];
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
        assert!(
            sim.projections.noisy.len() <= TIMELINE_CAP && sim.projections.timeline.len() <= TIMELINE_CAP
        );
        assert!(sim
            .projections
            .timeline
            .iter()
            .all(|e| !matches!(e.event.kind, EventKind::Produced { .. } | EventKind::Fetched { .. })));
        let all = sim.entries(true);
        assert!(all.windows(2).all(|w| w[0].seq > w[1].seq), "newest first");
        assert!(sim.projections.lag["group-1"].len() <= LAG_CAP);
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
        assert!(!sim.playback.playing, "a scrub pauses");
        assert!(sim.run.cluster.consumers().is_empty());
        assert_eq!(sim.playback.furthest, end);
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
        assert!(sim.session.future.is_empty());
        assert_eq!(sim.playback.furthest, sim.now());
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
        assert_eq!(sim.playback.catching_up, Some(target), "too long to replay before the next frame");
        assert!(sim.now() < target);
        assert_eq!(sim.export(), exported, "an export meanwhile is the whole session");
        assert_eq!(sim.shared().at, target, "Share and autosave record where it is going");
        let mut ticks = 0;
        while sim.playback.catching_up.is_some() {
            let before = sim.now();
            let redraw = sim.handle(Action::Tick(0.0));
            ticks += 1;
            // Each tick replays further, except the few that only redraw the progress.
            assert!(
                sim.now() > before
                    || (redraw && sim.playback.catch_up_ticks.is_multiple_of(REPLAY_RENDER_EVERY))
            );
            assert!(ticks < 1_000, "it gets there");
        }
        assert!(ticks > 1, "{ticks}");
        assert_eq!(sim.now(), target);
        assert!(!sim.playback.playing, "a scrub pauses");

        let mut one_go = Sim::with_scenario(big()).unwrap();
        one_go.handle(Action::SetSpeed(10.0));
        one_go.session.future = exported.script.iter().cloned().collect();
        one_go.playback.catching_up = Some(target);
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
        assert!(sim.playback.catching_up.is_some());
        sim.handle(Action::Cmd(ErrorAt::Global, Box::new(Command::PauseProducer { name: "p1".into() })));
        assert_eq!(sim.playback.catching_up, None);
        assert_eq!(sim.now(), target);
        assert!(sim.run.cluster.producers()["p1"].spec.paused);
        assert!(sim.session.future.is_empty(), "a new action cuts what came later");
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
        assert_eq!(sim.session.future.len(), 1, "the pause is still to come");
        sim.handle(Action::AddConsumer);
        assert!(sim.session.future.is_empty(), "a new action cuts what came later");
        assert!(sim.notices.contains(&Notice::FutureCut(back, 1, later)), "{:?}", sim.notices);
        let said = Notice::FutureCut(back, 1, later).text(Lang::En);
        assert!(said.contains("1") && said.contains(&format_clock(later)), "{said}");

        sim.handle(Action::UndoCut);
        sim.caught_up();
        assert_eq!(sim.now(), back, "back at the moment of the cut");
        assert_eq!(sim.run.cluster.consumers().len(), 1, "the cutting action is undone");
        assert_eq!(sim.playback.furthest, furthest, "the Time range ends where it did");
        assert_eq!(sim.session.future.len(), 1, "the pause is the person's again, still to come");
        assert!(!sim.notices.iter().any(|n| matches!(n, Notice::FutureCut(..))));
        assert_eq!(sim.session.uncut, None);
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
        assert!(!sim.playback.playing);
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
        assert!(sim.session.previous.is_some());
        sim.handle(Action::RestorePrevious);
        assert_eq!(sim.scenario().id, "playground");
        assert!(sim.run.cluster.consumers().contains_key("c1"));
        // Loading a fresh built-in over a fresh built-in keeps nothing.
        let mut sim = Sim::new();
        sim.handle(Action::LoadBuiltIn("lag".into()));
        assert!(sim.session.previous.is_none());
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
            sim.projections.timeline.iter().any(|e| e.line(Lang::Ru).contains("добавлен потребитель c1")),
            "{:?}",
            sim.projections.timeline
        );
        sim.handle(Action::SetLang(Lang::En));
        assert!(sim.projections.timeline.iter().any(|e| e.line(Lang::En).contains("consumer c1 added")));
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
        assert!(!sim.playback.playing);
        assert!(sim.notices.contains(&Notice::ClockLimit(scenario::MAX_DURATION_MS)));
        let saved = crate::core::share::envelope(&sim.export(), sim.at());
        let back = crate::core::share::open_saved(&saved).expect("the autosave reads back");
        assert_eq!(back.at, scenario::MAX_DURATION_MS);
        sim.handle(Action::TogglePlay);
        run_for(&mut sim, 500.0);
        assert_eq!(sim.now(), scenario::MAX_DURATION_MS, "Play does not go past it");
    }
}
