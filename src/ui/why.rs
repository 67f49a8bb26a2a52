//! "Why?": for what the stage shows — a consumer (an idle one: why it owns nothing; a stopped
//! or crashed one: since when, and when the coordinator removes it), a producer, a partition
//! (its owner in each group, its offset markers, each group's LAG on it), one marker on a lane
//! (a group's committed offset, a consumer's position, the log's start and end, the high
//! watermark), a LAG cell of the describe table, a group's generation or epoch — the chain of
//! the core's events and figures that explains it, and for a client that fails, its error.
//! Nothing is inferred: each line is an event the core emitted, told in the UI's language, or
//! a figure the core reports (the group's strategy, generation and members; an assignment
//! event's partitions; the log's offsets; the describe row; a member's last heartbeat).
//!
//! Opened by the "?" buttons, the partition names, the lanes' markers and figures, the LAG
//! cells and the generation on the stage — a click, or the `W` key on anything that carries a
//! `data-why` (see [`WhyTarget::attr`]); `Esc` closes it. A container of many such elements
//! (a lane) takes their clicks with one handler ([`on_click`]).

use super::state::projections::Entry;
use super::state::why_target::{Mark, WhyTarget};
use super::state::{use_handle, use_sim, Action, Sim};
use super::text::{error_meaning, fill, use_text, Lang, Text};
use crate::core::event::{Event, EventKind};
use crate::core::group::GroupProtocol;
use crate::core::time::{format_clock, Millis};
use yew::prelude::*;

/// One click handler for a container of elements that carry a `data-why` (a lane's markers
/// and figures): opens "Why?" for the one clicked. (Keys reach them as they reach any
/// `data-why`: W on the focused element, or Enter on a button, which clicks it.)
pub fn on_click(dispatch: Callback<Action>) -> Callback<MouseEvent> {
    Callback::from(move |e: MouseEvent| {
        use wasm_bindgen::JsCast;
        let target = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("[data-why]").ok().flatten())
            .and_then(|el| el.get_attribute("data-why"))
            .and_then(|a| WhyTarget::parse(&a));
        if let Some(target) = target {
            dispatch.emit(Action::Why(Some(target)));
        }
    })
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
        WhyTarget::Mark { topic, partition, mark } => mark_chain(sim, topic, *partition, mark, t, lang),
        WhyTarget::Lag { group, topic, partition } => lag_chain(sim, group, topic, *partition, t, lang),
        WhyTarget::Generation(g) => generation_chain(sim, g, t, lang),
    };
    if out.is_empty() {
        out.push(t.why_nothing_yet.to_string());
    }
    out
}

/// When the coordinator removes a crashed member, and why then: `(at, Some((last heartbeat,
/// session.timeout.ms)))` when it is its session timeout, `(at, None)` when the rebalance's
/// deadline (rebalance.timeout.ms: it did not rejoin in time) comes first. Figures the core
/// keeps: the member's last heartbeat and session timeout, the group's deadline.
fn removal(
    sim: &Sim,
    group: &str,
    m: &crate::core::group::MemberView,
) -> Option<(Millis, Option<(Millis, u64)>)> {
    let at = m.removed_at.filter(|_| m.crashed)?;
    let cluster = &sim.run.cluster;
    let g = cluster.groups().get(group)?;
    let member = g.members.get(&m.member_id)?;
    let session = if g.protocol == Some(GroupProtocol::Consumer) {
        cluster.config().consumer_session_timeout_ms
    } else {
        member.session_timeout_ms
    };
    let by_session = member.last_heartbeat + session == at;
    Some((at, by_session.then_some((member.last_heartbeat, session))))
}

/// A consumer: its error first (if it fails), then the events since the start of the latest
/// rebalance of its group (or its latest events, without one), then — from the core's state —
/// why it owns nothing (idle), since when it is stopped (an eager rebalance), or when the
/// coordinator removes it (crashed).
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
    // Why it reads nothing, first: stopped by an eager rebalance since when, or idle.
    if let (Some(group), true) = (group, c.is_alive() && c.assignment.is_empty()) {
        match c.membership.as_ref().and_then(|m| m.stopped_since) {
            Some(since) => {
                let phase = sim
                    .projections
                    .rebalances
                    .get(group)
                    .filter(|v| v.finished_at.is_none())
                    .map_or("-", |v| v.phase.label(super::text::text_for(lang)));
                out.push(fill(t.why_stopped, &[&consumer, &format_clock(since), &phase]));
            }
            None => out.extend(idle_lines(sim, consumer, group, t)),
        }
    }
    let mine: Vec<&Entry> =
        sim.projections.timeline.iter().filter(|e| concerns(&e.event.kind, consumer, group)).collect();
    // From the latest rebalance that handed out an assignment (its start), or the last MAX.
    let start = mine
        .iter()
        .rposition(|e| {
            matches!(e.event.kind, EventKind::RebalanceStarted { .. } | EventKind::GroupEpochBumped { .. })
        })
        .unwrap_or(0);
    let from = start.max(mine.len().saturating_sub(MAX));
    out.extend(mine[from..].iter().map(|e| entry_line(e, lang)));
    let Some(group) = group else { return out };
    // Now, from the core's views.
    if let Some(m) = cluster.group_members(group).into_iter().find(|m| m.consumer == consumer) {
        match removal(sim, group, &m) {
            Some((at, Some((heartbeat, session)))) => out.push(fill(
                t.why_removed_at,
                &[&m.member_id, &format_clock(at), &format_clock(heartbeat), &session],
            )),
            Some((at, None)) => out.push(fill(t.why_removed_deadline, &[&m.member_id, &format_clock(at)])),
            None => {}
        }
    }
    out
}

/// Why a member owns nothing: the group's latest assignment (the event the core emitted) gave
/// it no partition; with more members than partitions, that is all there is to it.
fn idle_lines(sim: &Sim, consumer: &str, group: &str, t: &Text) -> Vec<String> {
    let assigned = newest(sim, |k| matches!(k, EventKind::AssignmentComputed { group: g, .. } if g == group));
    let Some(EventKind::AssignmentComputed { generation, strategy, assignment, protocol, .. }) =
        assigned.map(|e| &e.event.kind)
    else {
        return Vec::new();
    };
    let Some((_, mine)) = assignment.iter().find(|(c, _)| c == consumer) else {
        return Vec::new();
    };
    if !mine.is_empty() {
        return Vec::new();
    }
    let members = assignment.len();
    let partitions: usize = assignment.iter().map(|(_, ps)| ps.len()).sum();
    let owners = assignment.iter().filter(|(_, ps)| !ps.is_empty()).count();
    let gen = if *protocol == GroupProtocol::Consumer { t.epoch } else { t.generation };
    let mut out = vec![fill(
        t.why_idle,
        &[&consumer, &strategy.name(), &gen, generation, &partitions, &owners, &members],
    )];
    if members > partitions {
        out.push(fill(t.why_idle_extra, &[&group, &members, &partitions, &(members - partitions)]));
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
        .projections.timeline
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

/// The newest entry (merging the timeline and the high-volume events) that `keep` accepts.
fn newest(sim: &Sim, keep: impl Fn(&EventKind) -> bool) -> Option<&Entry> {
    let a = sim.projections.timeline.iter().rev().find(|e| keep(&e.event.kind));
    let b = sim.projections.noisy.iter().rev().find(|e| keep(&e.event.kind));
    match (a, b) {
        (Some(a), Some(b)) => Some(if a.seq > b.seq { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// A partition of a topic, with the chains' shared reads of it.
struct Part<'a, 'b> {
    sim: &'a Sim,
    topic: &'a str,
    partition: u32,
    name: String,
    t: &'a Text<'b>,
    lang: Lang,
}

impl Part<'_, '_> {
    fn is(&self, tp: &crate::core::group::assignor::TopicPartition) -> bool {
        &*tp.topic == self.topic && tp.partition == self.partition
    }

    fn row(&self, group: &str) -> Option<crate::core::group::DescribeRow> {
        self.sim
            .run
            .cluster
            .describe_group(group)
            .into_iter()
            .find(|r| r.topic == self.topic && r.partition == self.partition)
    }

    /// Who owns it in `group`, and why (the group's assignment; a crashed owner's removal time).
    fn owner(&self, out: &mut Vec<String>, group: &str) {
        let (sim, t, name) = (self.sim, self.t, &self.name);
        let members = sim.run.cluster.group_members(group);
        match members.iter().find(|m| m.owns.iter().any(|tp| self.is(tp))) {
            Some(m) => {
                out.push(fill(t.why_owner, &[&m.consumer, name, &group]));
                out.extend(super::state::predict::assignment_line(&sim.run.cluster, group, t));
                let assigned = newest(sim, |k| {
                    matches!(k, EventKind::PartitionsAssigned { consumer, group: g, partitions, .. }
                        if consumer == &m.consumer && g == group && partitions.iter().any(|tp| self.is(tp)))
                });
                out.extend(assigned.map(|e| entry_line(e, self.lang)));
                match removal(sim, group, m) {
                    Some((at, Some((heartbeat, session)))) => out.push(fill(
                        t.why_held,
                        &[&m.consumer, &format_clock(at), &format_clock(heartbeat), &session, name],
                    )),
                    Some((at, None)) => {
                        out.push(fill(t.why_removed_deadline, &[&m.member_id, &format_clock(at)]))
                    }
                    None => {}
                }
            }
            None => out.push(fill(t.why_no_owner, &[&group, name])),
        }
    }

    /// The group's committed offset (its marker) and the commit that set it.
    fn committed(&self, out: &mut Vec<String>, group: &str, row: Option<&crate::core::group::DescribeRow>) {
        let (t, name) = (self.t, &self.name);
        match row.and_then(|r| r.current_offset) {
            Some(offset) => {
                out.push(fill(t.why_committed, &[&group, &offset, name]));
                let set_by = newest(self.sim, |k| match k {
                    EventKind::Committed { group: g, offsets, .. } => {
                        g == group && offsets.iter().any(|(tp, o)| self.is(tp) && *o == offset)
                    }
                    EventKind::GroupOffsetsAltered { group: g, .. } => g == group,
                    _ => false,
                });
                match set_by {
                    Some(e) => out.push(entry_line(e, self.lang)),
                    None => out.push(t.why_older.to_string()),
                }
            }
            None => out.push(fill(t.why_no_commit, &[&group, name])),
        }
    }

    /// The group's LAG on it, as the describe row has it.
    fn lag(&self, out: &mut Vec<String>, group: &str, row: Option<&crate::core::group::DescribeRow>) {
        if let Some(r) = row {
            match (r.lag, r.current_offset) {
                (Some(lag), Some(current)) => {
                    out.push(fill(self.t.why_lag, &[&group, &lag, &r.log_end_offset, &current]))
                }
                _ => out.push(fill(self.t.why_lag_none, &[&group, &self.name])),
            }
        }
    }

    /// A live consumer's position on it (its marker), what moved it last, and how far it is
    /// past its group's committed offset.
    fn position(&self, out: &mut Vec<String>, c: &crate::core::consumer::Consumer) {
        let Some((_, position)) = c.positions.iter().find(|(tp, _)| self.is(tp)) else { return };
        if !c.is_alive() {
            return;
        }
        let (t, name) = (self.t, &self.name);
        out.push(fill(t.why_position, &[&c.spec.name, name, position]));
        let moved = newest(self.sim, |k| match k {
            EventKind::Fetched { consumer, topic, partition, .. }
            | EventKind::OffsetReset { consumer, topic, partition, .. }
            | EventKind::PositionRestored { consumer, topic, partition, .. }
            | EventKind::Seeked { consumer, topic, partition, .. } => {
                consumer == &c.spec.name && topic == self.topic && *partition == self.partition
            }
            _ => false,
        });
        out.extend(moved.map(|e| entry_line(e, self.lang)));
        if let Some(group) = c.group_id().filter(|_| c.spec.is_group()) {
            if let Some(committed) = self.row(group).and_then(|r| r.current_offset) {
                if *position > committed {
                    out.push(fill(
                        t.why_position_ahead,
                        &[&c.spec.name, &(position - committed), &group, &committed],
                    ));
                }
            }
        }
    }

    /// The log's start offset and the retention that moved it.
    fn log_start(&self, out: &mut Vec<String>, always: bool) {
        let Some(log) = self.log() else { return };
        if log.log_start() == 0 {
            if always {
                out.push(fill(self.t.why_log_start_zero, &[&self.name]));
            }
            return;
        }
        out.push(fill(self.t.why_log_start, &[&log.log_start()]));
        let deleted = newest(
            self.sim,
            |k| matches!(k, EventKind::RetentionDeleted { topic, partition, .. } if topic == self.topic && *partition == self.partition),
        );
        out.extend(deleted.map(|e| entry_line(e, self.lang)));
    }

    /// The log's end offset and the append that set it.
    fn log_end(&self, out: &mut Vec<String>) {
        let Some(log) = self.log() else { return };
        out.push(fill(self.t.why_log_end, &[&log.log_end(), &self.name]));
        let appended = newest(
            self.sim,
            |k| matches!(k, EventKind::Produced { topic, partition, .. } if topic == self.topic && *partition == self.partition),
        );
        match appended {
            Some(e) => out.push(entry_line(e, self.lang)),
            None if log.log_end() > 0 => out.push(self.t.why_older.to_string()),
            None => {}
        }
    }

    /// The leader's high watermark: up to where every in-sync replica has the records, and
    /// what consumers may read; the records above it wait for the followers; the latest ISR
    /// change.
    fn high_watermark(&self, out: &mut Vec<String>, always: bool) {
        let cluster = &self.sim.run.cluster;
        let Some(topic) = cluster.replication().topics.get(self.topic) else { return };
        let Some(p) = topic.partitions.get(self.partition as usize) else { return };
        // One replica: the high watermark is the log end; said only when asked about it.
        if p.registration.replicas.len() < 2 && !always {
            return;
        }
        let Some(hw) = p.high_watermark() else { return };
        let isr: Vec<String> = p.registration.isr.iter().map(ToString::to_string).collect();
        out.push(fill(self.t.why_hw, &[&hw, &isr.join(" "), &self.name]));
        let end = self.log().map_or(0, |l| l.log_end());
        let min_isr = topic.config.min_insync_replicas.max(1);
        if end > hw && (p.registration.isr.len() as u32) < min_isr {
            out.push(fill(self.t.why_hw_under_min_isr, &[&(end - hw), &end, &hw, &isr.len(), &min_isr]));
        } else if end > hw {
            out.push(fill(self.t.why_hw_behind, &[&(end - hw), &end, &hw]));
        }
        let isr_changed = newest(
            self.sim,
            |k| matches!(k, EventKind::IsrChanged { topic, partition, .. } if topic == self.topic && *partition == self.partition),
        );
        out.extend(isr_changed.map(|e| entry_line(e, self.lang)));
    }

    fn log(&self) -> Option<&crate::core::log::PartitionLog> {
        self.sim.run.cluster.topics().get(self.topic).and_then(|x| x.partition(self.partition))
    }
}

/// A partition: for each group, who owns it and why (the group's assignment; a crashed
/// owner's removal time), its committed offset and the commit that set it, and the LAG; each
/// owner's position and the fetch that moved it; then the log's start and end and the append
/// that set the end.
fn partition_chain(sim: &Sim, topic: &str, partition: u32, t: &Text, lang: Lang) -> Vec<String> {
    let cluster = &sim.run.cluster;
    let part = Part { sim, topic, partition, name: format!("{topic}-{partition}"), t, lang };
    if part.log().is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for g in cluster.groups().values() {
        let row = part.row(&g.id);
        let owned = cluster.group_members(&g.id).iter().any(|m| m.owns.iter().any(|tp| part.is(tp)));
        if row.is_none() && !owned {
            continue;
        }
        part.owner(&mut out, &g.id);
        part.committed(&mut out, &g.id, row.as_ref());
        part.lag(&mut out, &g.id, row.as_ref());
    }
    for c in cluster.consumers().values() {
        part.position(&mut out, c);
    }
    part.log_start(&mut out, false);
    part.log_end(&mut out);
    part.high_watermark(&mut out, false);
    out
}

/// One marker on a lane: the figure it marks, the event that set it, and what it means.
fn mark_chain(sim: &Sim, topic: &str, partition: u32, mark: &Mark, t: &Text, lang: Lang) -> Vec<String> {
    let part = Part { sim, topic, partition, name: format!("{topic}-{partition}"), t, lang };
    if part.log().is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    match mark {
        Mark::Committed(group) => {
            let row = part.row(group);
            part.committed(&mut out, group, row.as_ref());
            part.lag(&mut out, group, row.as_ref());
            part.owner(&mut out, group);
        }
        Mark::Position(consumer) => {
            if let Some(c) = sim.run.cluster.consumers().get(consumer) {
                part.position(&mut out, c);
                if let Some(group) = c.group_id().filter(|_| c.spec.is_group()) {
                    part.owner(&mut out, group);
                }
            }
        }
        Mark::LogStart => part.log_start(&mut out, true),
        Mark::LogEnd => {
            part.log_end(&mut out);
            part.high_watermark(&mut out, false);
        }
        Mark::HighWatermark => part.high_watermark(&mut out, true),
    }
    out
}

/// A LAG cell: LOG-END-OFFSET − CURRENT-OFFSET, each with the event that set it.
fn lag_chain(sim: &Sim, group: &str, topic: &str, partition: u32, t: &Text, lang: Lang) -> Vec<String> {
    let part = Part { sim, topic, partition, name: format!("{topic}-{partition}"), t, lang };
    let Some(row) = part.row(group) else { return Vec::new() };
    let mut out = Vec::new();
    part.lag(&mut out, group, Some(&row));
    part.committed(&mut out, group, Some(&row));
    part.log_end(&mut out);
    if row.unsubscribed {
        out.push(fill(t.unsubscribed_rows, &[&topic]));
    }
    out
}

/// A group's generation (classic) or epoch (KIP-848): what bumps it, the rebalances that did,
/// and each member's own generation or member epoch.
fn generation_chain(sim: &Sim, group: &str, t: &Text, lang: Lang) -> Vec<String> {
    let cluster = &sim.run.cluster;
    let Some(g) = cluster.groups().get(group) else { return Vec::new() };
    let kip848 = g.protocol == Some(GroupProtocol::Consumer);
    let mut out = vec![fill(if kip848 { t.why_epoch } else { t.why_generation }, &[&group, &g.generation])];
    let bumps: Vec<&Entry> = sim
        .projections
        .timeline
        .iter()
        .filter(|e| {
            matches!(&e.event.kind,
                EventKind::RebalanceStarted { group: x, .. } | EventKind::GroupEpochBumped { group: x, .. }
                | EventKind::JoinCompleted { group: x, .. } if x == group)
        })
        .collect();
    let from = bumps.len().saturating_sub(MAX / 2);
    out.extend(bumps[from..].iter().map(|e| entry_line(e, lang)));
    let word = if kip848 { t.why_member_epoch } else { t.why_member_generation };
    for m in cluster.group_members(group) {
        let member = cluster.consumers().get(&m.consumer).filter(|_| !m.old_member);
        let theirs = member.and_then(|c| c.membership.as_ref()).filter(|x| x.group == group);
        if let Some(x) = theirs {
            out.push(fill(word, &[&m.consumer, &x.generation, &g.generation]));
        }
    }
    out
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
                <h2 id="h-why">{ fill(t.why_heading, &[&props.target.name(t)]) }</h2>
                <button type="button" onclick={close} aria-label={t.why_close}>{ "×" }</button>
            </div>
            <ol class="why-chain">
                { for lines.into_iter().map(|l| html! { <li>{ l }</li> }) }
            </ol>
        </section>
    }
}
