//! "Why?": for a consumer on the stage, the chain of the core's events that explains what it
//! owns and what it is doing — the rebalance that gave it its partitions (its reason, the
//! members and strategy of that generation), the assignment, an error, a crash and when the
//! coordinator removes it (its last heartbeat + session.timeout.ms). Nothing is inferred: each
//! line is an event the core emitted, told in the UI's language, or a figure the core reports.

use super::state::{use_handle, use_sim, Action, Entry, Sim};
use super::text::{fill, use_text, Lang, Text};
use crate::core::event::EventKind;
use crate::core::time::format_clock;
use yew::prelude::*;

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

/// The chain for `consumer`: the events since the start of the latest rebalance of its group
/// (or its latest events, without one), oldest first, at most `MAX` lines, then what the core
/// says about it now.
pub fn chain(sim: &Sim, consumer: &str, t: &'static Text, lang: Lang) -> Vec<String> {
    const MAX: usize = 12;
    let cluster = &sim.run.cluster;
    let Some(c) = cluster.consumers().get(consumer) else {
        return Vec::new();
    };
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
    let mut out: Vec<String> = mine[from..].iter().map(|e| e.line(lang).to_string()).collect();
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
    if out.is_empty() {
        out.push(t.why_nothing_yet.to_string());
    }
    out
}

/// The "Why?" panel: the chain for the consumer the person asked about (beside the stage).
#[function_component(WhyPanel)]
pub fn why_panel() -> Html {
    let ctx = use_sim();
    let handle = use_handle();
    let t = use_text();
    let sim = ctx.sim.borrow();
    let Some(who) = sim.why.clone() else {
        return html! {};
    };
    let lines = chain(&sim, &who, t, ctx.lang);
    let close = handle.dispatch.reform(|_: MouseEvent| Action::Why(None));
    html! {
        <section class="panel why" aria-labelledby="h-why" aria-live="polite">
            <div class="panel-head">
                <h2 id="h-why">{ fill(t.why_heading, &[&who]) }</h2>
                <button type="button" onclick={close} aria-label={t.why_close}>{ "×" }</button>
            </div>
            <ol class="why-chain">
                { for lines.into_iter().map(|l| html! { <li>{ l }</li> }) }
            </ol>
        </section>
    }
}
