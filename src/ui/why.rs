//! "Why?": for what the stage shows — a consumer, a producer, a partition (its owner in each
//! group, its offset markers: log start and end, each group's committed offset, each owner's
//! position; and each group's LAG on it) — the chain of the core's events and figures that
//! explains it, and for a client that fails, its error. Nothing is inferred: each line is an
//! event the core emitted, told in the UI's language, or a figure the core reports (the
//! group's strategy, generation and members; the log's offsets; the describe row).
//!
//! Opened by the "?" buttons and the partition names on the stage, or by the `W` key on
//! anything that carries a `data-why` (see [`WhyTarget::attr`]); `Esc` closes it.

use super::state::{use_handle, use_sim, Action, Entry, Sim};
use super::text::{error_meaning, fill, use_text, Lang, Text};
use crate::core::config::GroupProtocol;
use crate::core::event::{Event, EventKind};
use crate::core::time::format_clock;
use yew::prelude::*;

/// What the "Why?" panel explains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WhyTarget {
    Consumer(String),
    Producer(String),
    /// A partition: its owners, offset markers and lag.
    Partition {
        topic: String,
        partition: u32,
    },
}

impl WhyTarget {
    /// The `data-why` attribute of an element that stands for it (read back by [`Self::parse`]).
    pub fn attr(&self) -> String {
        match self {
            WhyTarget::Consumer(c) => format!("consumer:{c}"),
            WhyTarget::Producer(p) => format!("producer:{p}"),
            WhyTarget::Partition { topic, partition } => format!("partition:{topic}:{partition}"),
        }
    }

    pub fn parse(s: &str) -> Option<WhyTarget> {
        let (kind, rest) = s.split_once(':')?;
        match kind {
            "consumer" => Some(WhyTarget::Consumer(rest.to_string())),
            "producer" => Some(WhyTarget::Producer(rest.to_string())),
            "partition" => {
                let (topic, p) = rest.rsplit_once(':')?;
                Some(WhyTarget::Partition { topic: topic.to_string(), partition: p.parse().ok()? })
            }
            _ => None,
        }
    }

    /// How the heading names it.
    pub fn name(&self) -> String {
        match self {
            WhyTarget::Consumer(n) | WhyTarget::Producer(n) => n.clone(),
            WhyTarget::Partition { topic, partition } => format!("{topic}-{partition}"),
        }
    }
}

/// Lines of events kept per chain.
const MAX: usize = 12;

/// An event as a line of the chain: its narration (which starts with its time).
fn told(e: &Event, lang: Lang) -> String {
    crate::i18n::line(e, lang)
}

fn entry_line(e: &Entry, lang: Lang) -> String {
    e.line(lang).to_string()
}

/// Whether an event is part of `consumer`'s story (in `group`).
fn concerns(kind: &EventKind, consumer: &str, group: Option<&str>) -> bool {
    use EventKind::*;
    let in_group = |g: &str| group == Some(g);
    match kind {
        ConsumerAdded { consumer: c }
        | ConsumerCrashed { consumer: c, .. }
        | ConsumerRestarted { consumer: c }
        | ConsumerPaused { consumer: c }
        | ConsumerResumed { consumer: c }
        | ConsumerChanged { consumer: c }
        | ConsumerError { consumer: c, .. }
        | CommitFailed { consumer: c, .. }
        | PartitionsAssignedManually { consumer: c, .. } => c == consumer,
        PartitionsAssigned { consumer: c, group: g, .. }
        | PartitionsRevoked { consumer: c, group: g, .. }
        | MemberRemoved { consumer: c, group: g, .. }
        | StaticMemberRejoined { consumer: c, group: g, .. } => c == consumer && in_group(g),
        RebalanceStarted { group: g, .. }
        | JoinCompleted { group: g, .. }
        | AssignmentComputed { group: g, .. }
        | RebalanceCompleted { group: g, .. }
        | GroupEpochBumped { group: g, .. } => in_group(g),
        AuthorizationChanged { .. } => true,
        _ => false,
    }
}

/// The chain for what the person asked about, oldest first.
pub fn chain(sim: &Sim, target: &WhyTarget, t: &Text, lang: Lang) -> Vec<String> {
    let mut out = match target {
        WhyTarget::Consumer(c) => consumer_chain(sim, c, t, lang),
        WhyTarget::Producer(p) => producer_chain(sim, p, t, lang),
        WhyTarget::Partition { topic, partition } => partition_chain(sim, topic, *partition, t, lang),
    };
    if out.is_empty() {
        out.push(t.why_nothing_yet.to_string());
    }
    out
}

/// A consumer: its error first (if it fails), then the events since the start of the latest
/// rebalance of its group (or its latest events, without one), then when the coordinator
/// removes it if it crashed.
fn consumer_chain(sim: &Sim, consumer: &str, t: &Text, lang: Lang) -> Vec<String> {
    let cluster = &sim.run.cluster;
    let Some(c) = cluster.consumers().get(consumer) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some((code, detail)) = &c.error {
        out.push(fill(t.why_error, &[&consumer, &code.name(), &error_meaning(lang, *code), detail]));
    }
    let group = c.group_id().filter(|_| c.spec.is_group());
    let mine: Vec<&Entry> =
        sim.timeline.iter().filter(|e| concerns(&e.event.kind, consumer, group)).collect();
    // From the latest rebalance that handed out an assignment (its start), or the last MAX.
    let start = mine
        .iter()
        .rposition(|e| {
            matches!(e.event.kind, EventKind::RebalanceStarted { .. } | EventKind::GroupEpochBumped { .. })
        })
        .unwrap_or(0);
    let from = start.max(mine.len().saturating_sub(MAX));
    out.extend(mine[from..].iter().map(|e| entry_line(e, lang)));
    // Now, from the core's views.
    if let Some(m) = group.and_then(|g| cluster.group_members(g).into_iter().find(|m| m.consumer == consumer))
    {
        if let (true, Some(at)) = (m.crashed, m.removed_at) {
            out.push(fill(
                t.why_removed_at,
                &[&m.member_id, &format_clock(at), &c.spec.config.session_timeout_ms],
            ));
        }
    }
    out
}

/// A producer: its error first (if it fails), then its latest events and the authorization
/// changes among them.
fn producer_chain(sim: &Sim, producer: &str, t: &Text, lang: Lang) -> Vec<String> {
    let Some(p) = sim.run.cluster.producers().get(producer) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(code) = p.error {
        out.push(fill(t.why_error, &[&producer, &code.name(), &error_meaning(lang, code), &p.spec.topic]));
    }
    let mine: Vec<&Entry> = sim
        .timeline
        .iter()
        .filter(|e| {
            matches!(e.event.kind, EventKind::AuthorizationChanged { .. }) || {
                use EventKind::*;
                matches!(&e.event.kind,
                    ProducerAdded { producer: x, .. } | ProducerPaused { producer: x } | ProducerResumed { producer: x }
                    | ProducerChanged { producer: x } | ProduceFailed { producer: x, .. } if x == producer)
            }
        })
        .collect();
    let from = mine.len().saturating_sub(MAX);
    out.extend(mine[from..].iter().map(|e| entry_line(e, lang)));
    out
}

/// A group's assignment as the core has it: "Group g: range assignor, generation 4, members
/// c1 c2 c3 (in member.id order)." `None` without such a group.
pub fn assignment_line(sim: &Sim, group: &str, t: &Text) -> Option<String> {
    let cluster = &sim.run.cluster;
    let g = cluster.groups().get(group)?;
    let members: Vec<String> = cluster.group_members(group).into_iter().map(|m| m.consumer).collect();
    let strategy = g.strategy.map_or("-", |s| s.name());
    let gen = if g.protocol == Some(GroupProtocol::Consumer) { t.epoch } else { t.generation };
    let members = if members.is_empty() { "-".to_string() } else { members.join(" ") };
    Some(fill(t.why_assignment, &[&group, &strategy, &gen, &g.generation, &members]))
}

/// The newest entry (merging the timeline and the high-volume events) that `keep` accepts.
fn newest(sim: &Sim, keep: impl Fn(&EventKind) -> bool) -> Option<&Entry> {
    let a = sim.timeline.iter().rev().find(|e| keep(&e.event.kind));
    let b = sim.noisy.iter().rev().find(|e| keep(&e.event.kind));
    match (a, b) {
        (Some(a), Some(b)) => Some(if a.seq > b.seq { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// A partition: for each group, who owns it and why (the group's assignment; a crashed
/// owner's removal time), its committed offset and the commit that set it, and the LAG; each
/// owner's position and the fetch that moved it; then the log's start and end and the append
/// that set the end.
fn partition_chain(sim: &Sim, topic: &str, partition: u32, t: &Text, lang: Lang) -> Vec<String> {
    let cluster = &sim.run.cluster;
    let Some(log) = cluster.topics().get(topic).and_then(|x| x.partition(partition)) else {
        return Vec::new();
    };
    let name = format!("{topic}-{partition}");
    let is_tp =
        |tp: &crate::core::group::assignor::TopicPartition| &*tp.topic == topic && tp.partition == partition;
    let mut out = Vec::new();
    for g in cluster.groups().values() {
        let members = cluster.group_members(&g.id);
        let rows = cluster.describe_group(&g.id);
        let row = rows.iter().find(|r| r.topic == topic && r.partition == partition);
        if row.is_none() && !members.iter().any(|m| m.owns.iter().any(is_tp)) {
            continue;
        }
        // The owner, and why it is the owner.
        match members.iter().find(|m| m.owns.iter().any(is_tp)) {
            Some(m) => {
                out.push(fill(t.why_owner, &[&m.consumer, &name, &g.id]));
                if let Some(line) = assignment_line(sim, &g.id, t) {
                    out.push(line);
                }
                let assigned = newest(sim, |k| {
                    matches!(k, EventKind::PartitionsAssigned { consumer, group, partitions, .. }
                        if consumer == &m.consumer && group == &g.id && partitions.iter().any(is_tp))
                });
                if let Some(e) = assigned {
                    out.push(entry_line(e, lang));
                }
                if let (true, Some(at)) = (m.crashed, m.removed_at) {
                    let member = g.members.get(&m.member_id);
                    let heartbeat = member.map_or(0, |x| x.last_heartbeat);
                    let session = at.saturating_sub(heartbeat);
                    out.push(fill(
                        t.why_held,
                        &[&m.consumer, &format_clock(at), &format_clock(heartbeat), &session, &name],
                    ));
                }
            }
            None => out.push(fill(t.why_no_owner, &[&g.id, &name])),
        }
        // The committed offset (the group's marker) and the commit that set it; the LAG.
        match row.and_then(|r| r.current_offset) {
            Some(offset) => {
                out.push(fill(t.why_committed, &[&g.id, &offset, &name]));
                let set_by = newest(sim, |k| match k {
                    EventKind::Committed { group, offsets, .. } => {
                        group == &g.id && offsets.iter().any(|(tp, o)| is_tp(tp) && *o == offset)
                    }
                    EventKind::GroupOffsetsAltered { group, .. } => group == &g.id,
                    _ => false,
                });
                match set_by {
                    Some(e) => out.push(entry_line(e, lang)),
                    None => out.push(t.why_older.to_string()),
                }
            }
            None => out.push(fill(t.why_no_commit, &[&g.id, &name])),
        }
        if let Some(r) = row {
            match (r.lag, r.current_offset) {
                (Some(lag), Some(current)) => {
                    out.push(fill(t.why_lag, &[&g.id, &lag, &r.log_end_offset, &current]))
                }
                _ => out.push(fill(t.why_lag_none, &[&g.id, &name])),
            }
        }
    }
    // Each consumer's position (its marker on the lane) and what moved it last.
    for c in cluster.consumers().values() {
        let Some((_, position)) = c.positions.iter().find(|(tp, _)| is_tp(tp)) else { continue };
        if !c.is_alive() {
            continue;
        }
        out.push(fill(t.why_position, &[&c.spec.name, &name, position]));
        let moved = newest(sim, |k| match k {
            EventKind::Fetched { consumer, topic: tt, partition: p, .. }
            | EventKind::OffsetReset { consumer, topic: tt, partition: p, .. }
            | EventKind::PositionRestored { consumer, topic: tt, partition: p, .. }
            | EventKind::Seeked { consumer, topic: tt, partition: p, .. } => {
                consumer == &c.spec.name && tt == topic && *p == partition
            }
            _ => false,
        });
        if let Some(e) = moved {
            out.push(entry_line(e, lang));
        }
    }
    // The log's own markers.
    if log.log_start() > 0 {
        out.push(fill(t.why_log_start, &[&log.log_start()]));
        if let Some(e) = newest(
            sim,
            |k| matches!(k, EventKind::RetentionDeleted { topic: tt, partition: p, .. } if tt == topic && *p == partition),
        ) {
            out.push(entry_line(e, lang));
        }
    }
    out.push(fill(t.why_log_end, &[&log.log_end(), &name]));
    let appended = newest(
        sim,
        |k| matches!(k, EventKind::Produced { topic: tt, partition: p, .. } if tt == topic && *p == partition),
    );
    match appended {
        Some(e) => out.push(entry_line(e, lang)),
        None if log.log_end() > 0 => out.push(t.why_older.to_string()),
        None => {}
    }
    out.extend(high_watermark_line(sim, topic, partition, log.log_end(), t));
    out
}

/// A replicated partition's high watermark, and what lies past it (written, not yet readable).
fn high_watermark_line(sim: &Sim, topic: &str, partition: u32, log_end: u64, t: &Text) -> Option<String> {
    let p = sim.run.cluster.replication().partition(topic, partition)?;
    if p.registration.replicas.len() < 2 {
        return None;
    }
    let hw = p.high_watermark()?;
    let isr: Vec<String> = p.registration.isr.iter().map(i32::to_string).collect();
    Some(fill(t.why_high_watermark, &[&hw, &isr.join(","), &log_end.saturating_sub(hw)]))
}

/// The events of a reveal or a chain, told (for `predict`).
pub fn tell(events: &[Event], lang: Lang) -> Vec<String> {
    events.iter().map(|e| told(e, lang)).collect()
}

/// The "Why?" panel: the chain for what the person asked about (beside the stage). On the
/// ticking context only to know when to redraw: its figures (offsets, lag) change with every
/// record, so while the clock runs they are redrawn at the `Slow` rate, and exact when paused.
#[function_component(WhyPanel)]
pub fn why_panel() -> Html {
    let ctx = use_sim();
    let target = ctx.sim.borrow().why.clone();
    match target {
        Some(target) => html! { <WhyBody {target} slow={ctx.slow()} /> },
        None => html! {},
    }
}

#[derive(Properties, PartialEq)]
struct BodyProps {
    target: WhyTarget,
    slow: super::state::Slow,
}

#[function_component(WhyBody)]
fn why_body(props: &BodyProps) -> Html {
    let handle = use_handle();
    let t = use_text();
    let lines = chain(&handle.sim.borrow(), &props.target, t, handle.lang);
    let close = handle.dispatch.reform(|_: MouseEvent| Action::Why(None));
    html! {
        <section class="panel why" aria-labelledby="h-why">
            <div class="panel-head">
                <h2 id="h-why">{ fill(t.why_heading, &[&props.target.name()]) }</h2>
                <button type="button" onclick={close} aria-label={t.why_close}>{ "×" }</button>
            </div>
            <ol class="why-chain">
                { for lines.into_iter().map(|l| html! { <li>{ l }</li> }) }
            </ol>
        </section>
    }
}
