//! Consumer groups: state, generation/epoch, protocol and strategy, members; the rebalance as
//! it happens (phases in order, moves, who stopped); the `kafka-consumer-groups --describe`
//! table; a lag sparkline.

use super::held::{large, use_report_skipped, Held};
use super::state::projections::{RebalanceKind, RebalanceView};
use super::state::{use_handle, use_sim, Slow};
use super::text::{fill, reason_text, use_text, Text};
use crate::core::group::{DescribeRow, GroupProtocol, GroupState};
use crate::core::time::format_clock;
use yew::prelude::*;

/// The describe table's header cells, exactly as `kafka-consumer-groups --describe` prints them.
pub const DESCRIBE_HEADERS: [&str; 6] =
    ["TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID"];

#[function_component(Groups)]
pub fn groups() -> Html {
    let ctx = use_sim();
    let sim = ctx.sim.borrow();
    let t = use_text();
    // A large cluster's groups off screen wait while the clock runs (see [`Held`]).
    let active = large(&sim);
    html! {
        <section class="panel" aria-labelledby="h-groups">
            <h2 id="h-groups">{ t.groups }</h2>
            if sim.run.cluster.groups().is_empty() {
                <p class="muted">{ no_groups_text(t, &sim.run.cluster) }</p>
            }
            <div class="group-list">
                { for sim.run.cluster.groups().keys().enumerate().map(|(turn, g)| html! {
                    <Held key={g.clone()} {active} {turn}>
                        <GroupPanel id={AttrValue::from(g.clone())} />
                    </Held>
                }) }
            </div>
        </section>
    }
}

/// Why there is no group yet, true to what is on the page: no consumer at all; consumers, but
/// all Standalone (`assign()` forms no group); or a Group-mode consumer whose group forms when
/// the coordinator accepts its first JoinGroup / ConsumerGroupHeartbeat.
pub fn no_groups_text(t: &'static Text, cluster: &crate::core::Cluster) -> &'static str {
    let consumers = cluster.consumers();
    if consumers.is_empty() {
        t.no_groups
    } else if consumers.values().all(|c| !c.spec.is_group()) {
        t.no_groups_standalone
    } else {
        t.no_groups_forming
    }
}

#[derive(Properties, PartialEq)]
pub struct GroupProps {
    pub id: AttrValue,
}

#[function_component(GroupPanel)]
pub fn group_panel(props: &GroupProps) -> Html {
    let ctx = use_sim();
    let sim = ctx.sim.borrow();
    let t = use_text();
    let node = use_node_ref();
    let skipped = super::dom::use_skipped(node.clone());
    use_report_skipped(skipped);
    let Some(g) = sim.run.cluster.groups().get(props.id.as_str()) else {
        return html! {};
    };
    let kip848 = g.protocol == Some(GroupProtocol::Consumer);
    let protocol = match g.protocol {
        Some(GroupProtocol::Consumer) => "consumer (KIP-848)",
        Some(GroupProtocol::Classic) => "classic",
        None => "-",
    };
    let strategy = g.strategy.map_or("-", |s| s.name());
    let leader = g.leader.as_deref();
    let members = sim.run.cluster.group_members(&g.id);
    // FindCoordinator's answer: the broker leading the group's `__consumer_offsets` partition.
    let (coordinator, offsets_partition) = sim.run.cluster.coordinator(&g.id);
    // The crashed members the rebalance waits for (classic: the JoinGroup round; KIP-848:
    // the partitions they hold), with when session.timeout.ms removes them.
    let waiting: Vec<String> = members
        .iter()
        .filter(|m| m.holds_up)
        .map(|m| {
            let at = m.removed_at.map_or_else(|| "-".to_string(), format_clock);
            fill(t.waiting_for_crashed, &[&m.consumer, &m.member_id, &at])
        })
        .collect();
    // Classic: until SyncGroup hands out the leader's assignment, nobody knows what moves.
    // (KIP-848 computes the target assignment with the epoch bump, at once.)
    let assignment_pending =
        !kip848 && matches!(g.state, GroupState::PreparingRebalance | GroupState::CompletingRebalance);
    // The describe table and the lag line change with every record: redrawn at the `Slow`
    // rate (sooner when the group's state or generation changes).
    let stamp = Stamp { slow: ctx.slow(), generation: g.generation, state: g.state.name() };
    html! {
        <article class="group" aria-labelledby={format!("group-{}", g.id)} ref={node}>
            <h3 id={format!("group-{}", g.id)}>{ fill(t.group_heading, &[&g.id]) }</h3>
            <dl class="facts">
                <div><dt>{ t.state }</dt><dd class={classes!("state", g.state.name())}>{ g.state.name() }</dd></div>
                <div><dt>{ if kip848 { t.epoch } else { t.generation } }</dt><dd>{ g.generation }</dd></div>
                <div><dt>{ t.protocol }</dt><dd>{ protocol }</dd></div>
                <div><dt>{ t.strategy }</dt><dd>{ strategy }</dd></div>
                <div><dt>{ t.coordinator }</dt><dd>{
                    fill(t.coordinator_value, &[&coordinator.to_string(), &offsets_partition.to_string()])
                }</dd></div>
                <div><dt>{ t.members }</dt><dd>
                    if members.is_empty() { { "-" } }
                    { for members.iter().map(|m| html! {
                        <span class={classes!("member", m.crashed.then_some("crashed"))} title={m.member_id.clone()}>
                            // A crashed member stays until session.timeout.ms; if its consumer was
                            // restarted meanwhile, the new process is another member of that name.
                            { member_label(t, &m.consumer, m.crashed) }
                            if leader == Some(m.member_id.as_str()) { <small>{ format!(" ({})", t.leader) }</small> }
                        </span>
                    }) }
                </dd></div>
            </dl>
            if let Some(view) = sim.projections.rebalances.get(&g.id) {
                <Rebalance view={view.clone()} {assignment_pending} {waiting} />
            }
            <DescribeTable group={props.id.clone()} {stamp} />
            <Sparkline group={props.id.clone()} {stamp} />
        </article>
    }
}

/// A member's name on the page: its consumer's, marked when its process crashed (it stays a
/// member until session.timeout.ms, next to the restarted process if there is one).
pub fn member_label(t: &'static Text, consumer: &str, crashed: bool) -> String {
    if crashed {
        fill(t.old_member, &[&consumer])
    } else {
        consumer.to_string()
    }
}

/// When the describe table and the lag line are redrawn (see [`GroupPanel`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub slow: Slow,
    pub generation: i32,
    pub state: &'static str,
}

#[derive(Properties, PartialEq)]
pub struct DescribeProps {
    pub group: AttrValue,
    pub stamp: Stamp,
}

/// The `--describe` table (`-` for a missing value, as the tool prints it). Reads the rows
/// through the non-ticking handle when its [`Stamp`] changes.
#[function_component(DescribeTable)]
pub fn describe_table(props: &DescribeProps) -> Html {
    let t = use_text();
    let rows: Vec<DescribeRow> = use_handle().sim.borrow().run.cluster.describe_group(&props.group);
    let dash = |v: Option<u64>| v.map_or("-".to_string(), |v| v.to_string());
    let notes = unsubscribed_notes(t, &rows);
    // A LAG figure asks "Why?" (one handler for the table's buttons).
    let why = super::why::on_click(use_handle().dispatch.clone());
    html! {
        <div class="table-wrap">
            <p class="what-to-type"><span>{ t.you_would_type }</span>{ " " }<code>{ crate::core::tools::echo::describe_group(&props.group) }</code></p>
            <table class="describe">
                <caption>{ fill(t.describe_caption, &[&props.group]) }</caption>
                <thead><tr>{ for DESCRIBE_HEADERS.iter().map(|h| html! { <th scope="col">{ *h }</th> }) }</tr></thead>
                <tbody onclick={why}>
                    { for rows.iter().map(|r| html! {
                        <tr>
                            <td>{ r.topic.clone() }</td>
                            <td class="num">{ r.partition }</td>
                            <td class="num">{ dash(r.current_offset) }</td>
                            <td class="num">{ r.log_end_offset }</td>
                            <td class="num">
                                <button type="button" class="ask" title={t.why_lag_title}
                                    data-why={super::state::why_target::WhyTarget::Lag { group: props.group.to_string(), topic: r.topic.clone(), partition: r.partition }.attr()}>
                                    { dash(r.lag) }
                                </button>
                            </td>
                            <td>{ r.consumer.as_deref().map_or_else(|| "-".into(), |c| member_label(t, c, r.old_member)) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            { for notes.into_iter().map(|n| html! { <p class="help unsubscribed">{ n }</p> }) }
        </div>
    }
}

/// Why rows of a topic nobody in the group subscribes to stay in the table (true Kafka
/// behaviour, which surprises after a subscription change): one sentence per such topic.
pub fn unsubscribed_notes(t: &'static Text, rows: &[DescribeRow]) -> Vec<String> {
    let mut topics: Vec<&str> = rows.iter().filter(|r| r.unsubscribed).map(|r| r.topic.as_str()).collect();
    topics.dedup();
    topics.into_iter().map(|topic| fill(t.unsubscribed_rows, &[&topic])).collect()
}

#[derive(Properties, PartialEq)]
pub struct SparkProps {
    pub group: AttrValue,
    pub stamp: Stamp,
}

/// Lag over time as a tiny SVG line (read through the non-ticking handle when its [`Stamp`]
/// changes).
#[function_component(Sparkline)]
pub fn sparkline(props: &SparkProps) -> Html {
    let t = use_text();
    let values: Vec<u64> = use_handle()
        .sim
        .borrow()
        .projections
        .lag
        .get(props.group.as_str())
        .map_or_else(Vec::new, |l| l.iter().copied().collect());
    let (w, h) = (240.0_f64, 40.0_f64);
    let max = values.iter().copied().max().unwrap_or(0).max(1) as f64;
    let n = values.len().max(2) as f64 - 1.0;
    let points: String = values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{:.1},{:.1} ", i as f64 / n * w, h - 2.0 - (*v as f64 / max) * (h - 4.0)))
        .collect();
    let now = values.last().copied().unwrap_or(0);
    let label = fill(t.lag_over_time, &[&props.group, &now]);
    html! {
        <figure class="spark">
            <svg viewBox={format!("0 0 {w} {h}")} width="240" height="40" role="img" aria-label={label.clone()}>
                <polyline points={points} fill="none" stroke="currentColor" stroke-width="1.5" />
            </svg>
            <figcaption>{ label }</figcaption>
        </figure>
    }
}

#[derive(Properties, PartialEq)]
pub struct RebalanceProps {
    pub view: RebalanceView,
    /// The round's assignment has not arrived yet (classic, before SyncGroup).
    #[prop_or_default]
    pub assignment_pending: bool,
    /// What the round waits for: crashed members, until session.timeout.ms removes them.
    #[prop_or_default]
    pub waiting: Vec<String>,
}

/// The latest rebalance: its phases in order (the current one highlighted), moves, stops.
#[function_component(Rebalance)]
pub fn rebalance(props: &RebalanceProps) -> Html {
    let t = use_text();
    let lang = super::text::use_lang();
    let v = &props.view;
    let (title, help, class) = match v.kind {
        RebalanceKind::Eager => (t.rebalance_eager, t.rebalance_eager_help, "eager"),
        RebalanceKind::Cooperative => (t.rebalance_coop, t.rebalance_coop_help, "cooperative"),
        RebalanceKind::Kip848 => (t.rebalance_kip848, t.rebalance_kip848_help, "kip848"),
    };
    let phases = v.kind.phases();
    let current = phases.iter().position(|p| *p == v.phase).unwrap_or(0);
    let status = match v.finished_at {
        Some(end) => fill(t.finished_in, &[&end.saturating_sub(v.started_at)]),
        None => t.in_progress.to_string(),
    };
    html! {
        <section class={classes!("rebalance", class, v.finished_at.is_none().then_some("active"))}
            aria-label={format!("{} {title}", t.rebalance)}>
            <h4>{ title }{ " · " }<span class="muted">{ format!("{} · {} · {status}", format_clock(v.started_at), reason_text(&v.reason, lang)) }</span></h4>
            <p class="help">{ help }</p>
            <ol class="phases">
                { for phases.iter().enumerate().map(|(i, p)| {
                    let state = if i < current {
                        "done"
                    } else if i == current && v.finished_at.is_some() {
                        "reached"
                    } else if i == current {
                        "current"
                    } else {
                        "todo"
                    };
                    html! {
                        <li class={state} aria-current={(state == "current").then_some("step")}>{ p.label(t) }</li>
                    }
                }) }
            </ol>
            if v.finished_at.is_none() {
                { for props.waiting.iter().map(|w| html! { <p class="warn waiting">{ w.clone() }</p> }) }
            }
            <div class="moves">
                <strong>{ t.moves }{ ": " }</strong>
                if v.moves.is_empty() {
                    <span class="muted">{ if props.assignment_pending { t.moves_pending } else { t.nothing_moves } }</span>
                }
                <ul>
                    { for v.moves.iter().map(|m| html! {
                        <li>{ format!("{}: {} → {}", m.partition, m.from.as_deref().unwrap_or(t.nobody), m.to.as_deref().unwrap_or(t.nobody)) }</li>
                    }) }
                </ul>
            </div>
            if !v.revoked_by.is_empty() {
                <p>{ fill(t.revoked_by, &[&v.revoked_by.iter().cloned().collect::<Vec<_>>().join(", ")]) }</p>
            }
            if v.kind == RebalanceKind::Kip848 {
                if !v.reconciled.is_empty() {
                    <p>{ fill(t.reconciled, &[&v.reconciled.iter().cloned().collect::<Vec<_>>().join(", ")]) }</p>
                }
            } else if v.finished_at.is_some() || !v.stopped.is_empty() {
                <p class={classes!(if v.stopped.is_empty() { "ok" } else { "warn" })}>
                    { if v.stopped.is_empty() { t.nobody_stopped.to_string() } else { fill(t.stopped_meanwhile, &[&v.stopped.join(", ")]) } }
                </p>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::command::Command;
    use crate::core::config::{ClusterConfig, ConsumerConfig};
    use crate::core::consumer::ConsumerSpec;
    use crate::core::group::assignor::TopicPartition;
    use crate::core::Cluster;
    use crate::ui::text::{text_for, Lang};

    /// "No groups yet: add a consumer." was said while consumers were on the page.
    #[test]
    fn the_no_groups_text_is_true_to_the_consumers_on_the_page() {
        for lang in Lang::ALL {
            let t = text_for(lang);
            let mut c = Cluster::new(ClusterConfig::teaching(), 7);
            c.apply(0, Command::create_topic("orders", 2)).unwrap();
            assert_eq!(no_groups_text(t, &c), t.no_groups);
            let tp = TopicPartition::new("orders", 0);
            let spec = ConsumerSpec::standalone("c1", vec![tp], ConsumerConfig::teaching());
            c.apply(0, Command::AddConsumer { consumer: spec }).unwrap();
            assert_eq!(no_groups_text(t, &c), t.no_groups_standalone);
            let spec = ConsumerSpec::group("c2", "g", &["orders"], ConsumerConfig::teaching());
            c.apply(0, Command::AddConsumer { consumer: spec }).unwrap();
            assert_eq!(no_groups_text(t, &c), t.no_groups_forming);
        }
    }
}
