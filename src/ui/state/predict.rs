//! "Predict, then reveal" (issue 17): before a scripted moment a lesson's question
//! (`predict` in its scenario file, [`crate::core::scenario::prediction`]) stops the clock and asks what
//! the simulation will do; the learner picks (partitions, a member, members, when, yes or no)
//! or skips; the clock runs on, and once the run has shown it the answer is revealed and
//! marked right or wrong. The true answer is never written in the file nor decided here: it is
//! read from the run — the consumer's assignment once its group's rebalance has finished (the
//! rebalance view, built from the core's events), the members the core reports stopped, the
//! first `RebalanceStarted` / `GroupEpochBumped` or redelivering `Fetched` event after the
//! question. The reveal tells the events that led there.
//!
//! This is the model (the panel is `ui::predict`). [`Predict`] lives in [`Sim`]; [`Sim`] calls [`Predict::gate`] before it advances the clock
//! and [`check`] after. Asking is off unless the page turns it on (`Sim` natively, the CLI and
//! the tests run lessons straight through); a person turns it off with the panel's checkbox
//! (remembered under [`PREDICT_KEY`]).

use super::Sim;
use crate::core::cluster::Cluster;
use crate::core::event::{Event, EventKind};
use crate::core::group::GroupProtocol;
use crate::core::scenario::prediction::{Ask, Prediction};
use crate::core::time::Millis;
use crate::ui::text::{fill, Lang, Text};
use std::collections::BTreeSet;

/// Where the page remembers that the person turned questions off (`"off"`).
pub const PREDICT_KEY: &str = "broker-playground.predict";

/// A rebalance that starts within this long of the question started "at once".
pub const AT_ONCE_MS: Millis = 1_000;

/// Events told with a reveal, at most.
const STORY_MAX: usize = 10;

/// Where one question stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    /// Not asked yet.
    Ahead,
    /// On screen, the clock stopped: what the learner has picked so far.
    Asking(BTreeSet<String>),
    /// Answered; the clock runs until the run shows the answer. `seq`: the timeline's
    /// sequence number when it was answered (later events count); `among`: the choices then
    /// (a member that joins later is not an answer the learner could pick).
    Checking {
        guess: BTreeSet<String>,
        among: BTreeSet<String>,
        asked_at: Millis,
        seq: u64,
    },
    Revealed(Box<Reveal>),
    Skipped,
}

/// What the run did, beside what the learner said.
#[derive(Debug, Clone, PartialEq)]
pub struct Reveal {
    pub guess: BTreeSet<String>,
    pub truth: BTreeSet<String>,
    pub asked_at: Millis,
    /// When the answer was read from the run.
    pub at: Millis,
    /// The core's events that led there, oldest first.
    pub story: Vec<Event>,
    /// The group's assignment when it was read (owner questions): its strategy, generation and
    /// members (see [`assignment_line`]), in English and Russian.
    pub assignment: Option<[String; 2]>,
}

impl Reveal {
    pub fn correct(&self) -> bool {
        self.guess == self.truth
    }
}

/// The questions of the scenario running and where each stands.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Predict {
    /// Ask at all (the page: unless the person turned it off).
    pub on: bool,
    pub stages: Vec<Stage>,
    /// The question on screen (asking, checking or revealed), by index.
    pub shown: Option<usize>,
}

/// What a person does with a question.
#[derive(Debug, Clone, PartialEq)]
pub enum PredictAction {
    /// Ticks or unticks a choice; single-choice questions keep one.
    Pick(String, bool),
    /// Answer with what is picked, and play.
    Check,
    /// No answer: play on.
    Skip,
    /// Close the reveal and play on.
    Continue,
    /// The "Ask me to predict" checkbox.
    SetOn(bool),
}

impl Predict {
    /// Fresh for a scenario's questions.
    pub fn new(questions: &[Prediction], on: bool) -> Self {
        Predict { on, stages: vec![Stage::Ahead; questions.len()], shown: None }
    }

    /// After the run was replaced (a load, a scrub back to `now`): a new scenario starts its
    /// questions afresh; the same one keeps what was answered before `now` and asks again what
    /// comes later (a replay loses what was being checked).
    pub fn replayed(&mut self, questions: &[Prediction], same_scenario: bool, now: Millis) {
        if !same_scenario || self.stages.len() != questions.len() {
            *self = Predict::new(questions, self.on);
            return;
        }
        for (s, q) in self.stages.iter_mut().zip(questions) {
            let redo = match s {
                Stage::Asking(_) => true,
                Stage::Checking { .. } => true,
                Stage::Revealed(r) => r.asked_at >= now,
                Stage::Ahead | Stage::Skipped => q.at.0 > now,
            };
            if redo {
                *s = Stage::Ahead;
            }
        }
        self.shown = None;
    }

    /// Where the clock must stop on its way from `now` to `target`: just before the first
    /// question not asked yet (which is then asked). `None`: it may go on.
    pub fn gate(&mut self, questions: &[Prediction], now: Millis, target: Millis) -> Option<Millis> {
        if let Some(Stage::Asking(_)) = self.shown.and_then(|i| self.stages.get(i)) {
            return Some(now);
        }
        if !self.on {
            return None;
        }
        let i = questions
            .iter()
            .zip(&self.stages)
            .position(|(q, s)| *s == Stage::Ahead && now < q.at.0 && q.at.0 <= target)?;
        self.stages[i] = Stage::Asking(BTreeSet::new());
        self.shown = Some(i);
        Some((questions[i].at.0 - 1).max(now))
    }

    /// The question on screen is being asked: playing on skips it.
    pub fn asking(&self) -> bool {
        matches!(self.shown.and_then(|i| self.stages.get(i)), Some(Stage::Asking(_)))
    }
}

/// The choices a question offers (key, what the person reads), and whether several may be
/// picked. Read from the run as it is when the question is asked.
pub fn choices(sim: &Sim, ask: &Ask, t: &Text, within: Millis) -> (bool, Vec<(String, String)>) {
    let cluster = &sim.run.cluster;
    let members = |group: &str| -> Vec<String> {
        cluster
            .consumers()
            .values()
            .filter(|c| c.spec.is_group() && c.group_id() == Some(group))
            .map(|c| c.spec.name.clone())
            .collect()
    };
    let same = |v: Vec<String>| v.into_iter().map(|n| (n.clone(), n)).collect::<Vec<_>>();
    match ask {
        Ask::Owns { consumer } => {
            let topics: Vec<String> = match cluster.consumers().get(consumer).map(|c| &c.spec.mode) {
                Some(crate::core::consumer::ConsumerMode::Group { topics }) => topics.clone(),
                _ => cluster.topics().keys().cloned().collect(),
            };
            let parts = topics
                .iter()
                .filter_map(|name| cluster.topics().get(name).map(|t| (name, t.partition_count())))
                .flat_map(|(name, n)| (0..n).map(move |p| format!("{name}-{p}")))
                .collect();
            (true, same(parts))
        }
        Ask::Owner { group, .. } => {
            let mut c = same(members(group));
            c.push(("-".into(), t.predict_nobody.into()));
            (false, c)
        }
        Ask::Stops { group } => (true, same(members(group))),
        Ask::Rebalance { .. } => (
            false,
            vec![
                ("now".into(), t.predict_at_once.into()),
                ("later".into(), t.predict_later.into()),
                ("none".into(), fill(t.predict_not_within, &[&(within / 1000)])),
            ],
        ),
        Ask::Redelivers | Ask::Lost { .. } => {
            (false, vec![("yes".into(), t.predict_yes.into()), ("no".into(), t.predict_no.into())])
        }
    }
}

/// The group a question is about.
fn group_of(sim: &Sim, ask: &Ask) -> Option<String> {
    match ask {
        Ask::Owns { consumer } => {
            sim.run.cluster.consumers().get(consumer).and_then(|c| c.group_id()).map(str::to_string)
        }
        Ask::Owner { group, .. } | Ask::Stops { group } | Ask::Rebalance { group } => Some(group.clone()),
        Ask::Redelivers | Ask::Lost { .. } => None,
    }
}

/// The answer, once the run has shown it (else `None`: keep playing). For owner questions the
/// group's next rebalance must have finished (cooperative: its follow-up round too), or
/// `within` passed; for when-questions the first rebalance event after the question decides.
pub fn truth(
    sim: &Sim,
    q: &Prediction,
    asked_at: Millis,
    seq: u64,
    among: &BTreeSet<String>,
) -> Option<(BTreeSet<String>, Vec<Event>)> {
    let now = sim.now();
    let cluster = &sim.run.cluster;
    let late = now >= asked_at + q.within_ms();
    let after: Vec<&Event> =
        sim.projections.timeline.iter().filter(|e| e.seq > seq).map(|e| &e.event).collect();
    let group = group_of(sim, &q.ask);
    let about_group = |e: &&Event| group.as_deref().is_some_and(|g| e.subjects().contains(&g));
    let rebalanced =
        group.as_deref().and_then(|g| sim.projections.rebalances.get(g)).filter(|v| v.started_at >= asked_at);
    let settled = rebalanced.is_some_and(|v| v.finished_at.is_some());
    let story = |keep: &dyn Fn(&Event) -> bool| -> Vec<Event> {
        let all: Vec<Event> = after.iter().filter(|e| keep(e)).map(|e| (*e).clone()).collect();
        let from = all.len().saturating_sub(STORY_MAX);
        all[from..].to_vec()
    };
    let rebalance_story = |who: Option<&str>| {
        story(&|e: &Event| {
            use EventKind::*;
            about_group(&e)
                && match &e.kind {
                    RebalanceStarted { .. }
                    | GroupEpochBumped { .. }
                    | MemberRemoved { .. }
                    | AssignmentComputed { .. }
                    | RebalanceCompleted { .. } => true,
                    PartitionsAssigned { consumer, .. } | PartitionsRevoked { consumer, .. } => {
                        who.is_none_or(|w| w == consumer)
                    }
                    _ => false,
                }
        })
    };
    match &q.ask {
        Ask::Owns { consumer } => {
            if !(settled || late) {
                return None;
            }
            let owns = cluster
                .consumers()
                .get(consumer)
                .filter(|c| c.is_alive())
                .map(|c| c.assignment.iter().map(|tp| format!("{}-{}", tp.topic, tp.partition)).collect())
                .unwrap_or_default();
            Some((owns, rebalance_story(Some(consumer))))
        }
        Ask::Owner { group, topic, partition } => {
            if !(settled || late) {
                return None;
            }
            let owner = cluster
                .group_members(group)
                .into_iter()
                .filter(|m| !m.crashed)
                .find(|m| m.owns.iter().any(|tp| &*tp.topic == topic && tp.partition == *partition))
                .map_or_else(|| "-".to_string(), |m| m.consumer);
            Some((BTreeSet::from([owner.clone()]), rebalance_story((owner != "-").then_some(owner.as_str()))))
        }
        Ask::Stops { .. } => {
            if !(settled || late) {
                return None;
            }
            let stopped = rebalanced
                .map(|v| v.stopped.iter().filter(|m| among.contains(*m)).cloned().collect())
                .unwrap_or_default();
            Some((stopped, rebalance_story(None)))
        }
        Ask::Rebalance { .. } => {
            let started = after.iter().copied().find(|e| {
                about_group(e)
                    && matches!(
                        e.kind,
                        EventKind::RebalanceStarted { .. } | EventKind::GroupEpochBumped { .. }
                    )
            });
            let key = match started {
                Some(e) if e.at <= asked_at + AT_ONCE_MS => "now",
                Some(_) => "later",
                None if late => "none",
                None => return None,
            };
            let until = started.map(|e| e.at);
            let s = story(&|e: &Event| {
                about_group(&e)
                    && until.is_some_and(|u| e.at <= u)
                    && matches!(
                        e.kind,
                        EventKind::RebalanceStarted { .. }
                            | EventKind::GroupEpochBumped { .. }
                            | EventKind::MemberRemoved { .. }
                            | EventKind::StaticMemberRejoined { .. }
                    )
            });
            Some((BTreeSet::from([key.to_string()]), s))
        }
        Ask::Redelivers => {
            let first = after.iter().find(|e| matches!(e.kind, EventKind::Fetched { redelivered: 1.., .. }));
            yes_or_no(first.copied(), late)
        }
        Ask::Lost { topic } => {
            let first = after
                .iter()
                .find(|e| matches!(&e.kind, EventKind::RecordsLost { topic: t, .. } if t == topic));
            yes_or_no(first.copied(), late)
        }
    }
}

/// A yes/no question's answer: yes at the first event that shows it, no once `within` passed.
fn yes_or_no(first: Option<&Event>, late: bool) -> Option<(BTreeSet<String>, Vec<Event>)> {
    match first {
        Some(e) => Some((BTreeSet::from(["yes".to_string()]), vec![e.clone()])),
        None if late => Some((BTreeSet::from(["no".to_string()]), Vec::new())),
        None => None,
    }
}

/// After the clock moved: reveals the question being checked once the run shows its answer
/// (and stops the clock there, so what the stage shows is what was read). `true` if it did.
pub fn check(sim: &mut Sim) -> bool {
    let Some(i) = sim.predict.shown else { return false };
    let Some(Stage::Checking { guess, among, asked_at, seq }) = sim.predict.stages.get(i).cloned() else {
        return false;
    };
    let Some(q) = sim.run.scenario.predict.get(i) else { return false };
    let Some((truth, story)) = truth(sim, q, asked_at, seq, &among) else { return false };
    let assignment = match &q.ask {
        Ask::Owns { .. } | Ask::Owner { .. } | Ask::Stops { .. } => group_of(sim, &q.ask).and_then(|g| {
            let en = assignment_line(&sim.run.cluster, &g, crate::ui::text::text_for(Lang::En))?;
            let ru = assignment_line(&sim.run.cluster, &g, crate::ui::text::text_for(Lang::Ru))?;
            Some([en, ru])
        }),
        _ => None,
    };
    let at = sim.now();
    sim.predict.stages[i] =
        Stage::Revealed(Box::new(Reveal { guess, truth, asked_at, at, story, assignment }));
    true
}

/// Applies a person's action on the question shown.
pub fn handle(sim: &mut Sim, action: PredictAction) {
    let shown = sim.predict.shown;
    match action {
        PredictAction::SetOn(on) => {
            sim.predict.on = on;
            if !on {
                skip(sim);
            }
        }
        PredictAction::Pick(key, on) => {
            let Some(i) = shown else { return };
            let multi = sim
                .run
                .scenario
                .predict
                .get(i)
                .is_some_and(|q| matches!(q.ask, Ask::Owns { .. } | Ask::Stops { .. }));
            if let Some(Stage::Asking(picked)) = sim.predict.stages.get_mut(i) {
                if !multi {
                    picked.clear();
                }
                if on {
                    picked.insert(key);
                } else {
                    picked.remove(&key);
                }
            }
        }
        PredictAction::Check => {
            let Some(i) = shown else { return };
            let Some(q) = sim.run.scenario.predict.get(i) else { return };
            let (_, offered) = choices(sim, &q.ask, crate::ui::text::text_for(Lang::En), q.within_ms());
            let among = offered.into_iter().map(|(k, _)| k).collect();
            if let Some(Stage::Asking(picked)) = sim.predict.stages.get(i).cloned() {
                let stage = Stage::Checking {
                    guess: picked,
                    among,
                    asked_at: sim.run.now(),
                    seq: sim.projections.seq,
                };
                sim.predict.stages[i] = stage;
                play(sim);
            }
        }
        PredictAction::Skip => {
            skip(sim);
            play(sim);
        }
        PredictAction::Continue => {
            sim.predict.shown = None;
            play(sim);
        }
    }
}

/// The question being asked is skipped (the clock is not started here).
pub fn skip(sim: &mut Sim) {
    let p = &mut sim.predict;
    if let Some(i) = p.shown {
        if matches!(p.stages.get(i), Some(Stage::Asking(_))) {
            p.stages[i] = Stage::Skipped;
            p.shown = None;
        }
    }
}

fn play(sim: &mut Sim) {
    sim.playback.play();
}

/// A group's assignment as the core has it: "Group g: range assignor, generation 4, members
/// c1 c2 c3 (in member.id order)." `None` without such a group.
pub fn assignment_line(cluster: &Cluster, group: &str, t: &Text) -> Option<String> {
    let g = cluster.groups().get(group)?;
    let members: Vec<String> = cluster.group_members(group).into_iter().map(|m| m.consumer).collect();
    let strategy = g.strategy.map_or("-", |s| s.name());
    let gen = if g.protocol == Some(GroupProtocol::Consumer) { t.epoch } else { t.generation };
    let members = if members.is_empty() { "-".to_string() } else { members.join(" ") };
    Some(fill(t.why_assignment, &[&group, &strategy, &gen, &g.generation, &members]))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::core::scenario::built_in;
    use crate::ui::predict::PanelView;
    use crate::ui::state::Action;
    use crate::ui::text::text_for;

    /// Plays lesson `id` at 10× with questions on, answering each with what `answer` picks
    /// from the choices offered; returns each question's reveal (or `None` when skipped).
    pub(crate) fn walk(
        id: &str,
        answer: impl Fn(usize, &[(String, String)]) -> Option<Vec<String>>,
    ) -> (Sim, Vec<Option<Reveal>>) {
        let mut sim = Sim::with_scenario(built_in(id).unwrap()).unwrap();
        sim.predict.on = true;
        sim.handle(Action::SetSpeed(10.0));
        let end = sim.run.scenario.duration.map_or(60_000, |d| d.0);
        let mut real = 0.0;
        let mut out = vec![None; sim.run.scenario.predict.len()];
        for _ in 0..200_000 {
            real += 16.0;
            sim.handle(Action::Tick(real));
            if let Some(i) = sim.predict.shown {
                match sim.predict.stages[i].clone() {
                    Stage::Asking(_) => {
                        let view = PanelView::of(&sim, text_for(Lang::En), Lang::En).unwrap();
                        match answer(i, &view.choices) {
                            Some(keys) => {
                                for k in keys {
                                    sim.handle(Action::Predict(PredictAction::Pick(k, true)));
                                }
                                sim.handle(Action::Predict(PredictAction::Check));
                            }
                            None => {
                                sim.handle(Action::Predict(PredictAction::Skip));
                            }
                        }
                    }
                    Stage::Revealed(r) => {
                        assert!(!sim.playback.playing, "{id}: the reveal stops the clock");
                        out[i] = Some(*r);
                        sim.handle(Action::Predict(PredictAction::Continue));
                    }
                    _ => {}
                }
            }
            if sim.now() >= end || (!sim.playback.playing && sim.predict.shown.is_none()) {
                break;
            }
        }
        (sim, out)
    }
}
