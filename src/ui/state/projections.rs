//! Projections: what the page shows that is derived from the core's events — the timeline
//! (narrated and high-volume entries), lag samples per group, each group's latest rebalance as
//! the group panel draws it, the records leader elections cut off per partition, and the
//! consumer added last. Nothing here decides what Kafka would do: a rebalance is eager or
//! cooperative because the core's event says so.

use crate::core::cluster::Cluster;
use crate::core::event::{Event, EventKind, Move, RebalanceReason};
use crate::core::group::assignor::RebalanceProtocol;
use crate::core::time::Millis;
use crate::ui::text::{Lang, Text};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Timeline entries kept (narrated ones and high-volume ones, each).
pub const TIMELINE_CAP: usize = 500;
/// Lag samples kept per group, one every [`LAG_SAMPLE_MS`] of simulated time.
pub const LAG_CAP: usize = 120;
pub const LAG_SAMPLE_MS: Millis = 500;

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

impl Phase {
    /// The phase's name in the group panel, in `t`'s language.
    pub fn label(self, t: &'static Text) -> &'static str {
        match self {
            Phase::RevokeAll => t.phase_revoke_all,
            Phase::Join => t.phase_join,
            Phase::Sync => t.phase_sync,
            Phase::RevokeMoving => t.phase_revoke_moving,
            Phase::FollowUp => t.phase_follow_up,
            Phase::EpochBump => t.phase_epoch,
            Phase::Reconcile => t.phase_reconcile,
            Phase::Stable => t.phase_stable,
        }
    }
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

/// What the page derives from the core's events (see the module's text).
#[derive(Default)]
pub struct Projections {
    /// Narrated events, newest last.
    pub timeline: VecDeque<Entry>,
    /// High-volume events (produced, fetched, auto-commits), newest last.
    pub noisy: VecDeque<Entry>,
    /// The last entry's sequence number.
    pub seq: u64,
    pub lag: BTreeMap<String, VecDeque<u64>>,
    pub next_lag_sample: Millis,
    pub rebalances: BTreeMap<String, RebalanceView>,
    /// Per partition, the records a leader election cut off since the run began (the core's
    /// `RecordsLost` events): the stage marks them where the partition is.
    pub lost: BTreeMap<(String, u32), u64>,
    /// The consumer added last and its group then: a new consumer joins that consumer's
    /// group as it is now (or, if it is gone or standalone, the group it had).
    pub last_added: Option<(String, String)>,
}

impl Projections {
    /// Takes in what the core reported: timeline, rebalance views, lag samples.
    pub fn absorb(&mut self, cluster: &Cluster, events: Vec<Event>) {
        for event in events {
            self.observe(cluster, &event);
            self.seq += 1;
            let noisy = is_high_volume(&event.kind);
            let list = if noisy { &mut self.noisy } else { &mut self.timeline };
            list.push_back(Entry::new(self.seq, event));
            if list.len() > TIMELINE_CAP {
                list.pop_front();
            }
        }
        self.sample_lag(cluster);
    }

    /// Forgets everything but the sequence numbers (the run was replaced: the replay tells it
    /// all again).
    pub fn clear(&mut self) {
        let seq = self.seq;
        *self = Projections { seq, ..Projections::default() };
    }

    /// The timeline is told again (in the language the page is in now) when next shown.
    pub fn renarrate(&mut self) {
        for e in self.timeline.iter_mut().chain(self.noisy.iter_mut()) {
            e.line = std::cell::OnceCell::new();
        }
    }

    fn sample_lag(&mut self, cluster: &Cluster) {
        let now = cluster.now();
        if now < self.next_lag_sample {
            return;
        }
        self.next_lag_sample = now + LAG_SAMPLE_MS;
        let ids: Vec<String> = cluster.groups().keys().cloned().collect();
        self.lag.retain(|g, _| ids.contains(g));
        for id in ids {
            let lag = cluster.group_lag(&id);
            let h = self.lag.entry(id).or_default();
            h.push_back(lag);
            if h.len() > LAG_CAP {
                h.pop_front();
            }
        }
    }

    /// What the rebalance views show: a step that changes it reached a rebalance phase.
    pub fn phase_signature(&self) -> Vec<(String, Phase, bool, Millis)> {
        self.rebalances
            .iter()
            .map(|(g, v)| (g.clone(), v.phase, v.finished_at.is_some(), v.started_at))
            .collect()
    }

    /// Updates the rebalance view of the event's group.
    fn observe(&mut self, cluster: &Cluster, e: &Event) {
        use EventKind::*;
        let at = e.at;
        match &e.kind {
            RecordsLost { topic, partition, from, to, .. } => {
                *self.lost.entry((topic.clone(), *partition)).or_default() += to.saturating_sub(*from);
            }
            // A topic made again under the same name starts with nothing lost.
            TopicDeleted { topic } => self.lost.retain(|(t, _), _| t != topic),
            ConsumerAdded { consumer } => {
                let group = cluster.consumers().get(consumer).and_then(|c| c.group_id());
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
