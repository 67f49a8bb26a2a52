//! The stage: the first screen's story — producers → the topics' partitions → consumers grouped
//! by group — with what flows visible. A member and the partitions it owns share a colour (a
//! swatch beside the partition and the member, and the member's name on the partition); each
//! group's frame carries its state as Kafka spells it, its generation or epoch and the current
//! rebalance phase; stopped and crashed members look it. Settings, the describe table, the
//! timeline, users & roles live in the panels under it.
//!
//! Frame cost: [`Stage`] (on the ticking context) computes a [`StageView`] — names, owners,
//! states, phases; nothing that changes with every record — and [`StageBody`] re-renders only
//! when it changes. Render functions read no browser API (the page's first frame is rendered
//! on the server from the same components).

use super::consumer_card::activity_text;
use super::state::why_target::WhyTarget;
use super::state::{use_handle, use_sim, Action, Sim};
use super::text::{fill, use_text, Text};
use crate::core::broker::replicas::BrokerState;
use crate::core::consumer::{Activity, ConsumerMode};
use crate::core::group::GroupProtocol;
use crate::core::ids::BrokerId;
use crate::core::sort::CollectTree;
use std::collections::{BTreeMap, BTreeSet};
use yew::prelude::*;

/// A consumer's colour: hues spread by the golden angle in name order, so neighbours differ
/// and a consumer keeps its colour while others come and go after it.
pub fn member_hue(index: usize) -> u32 {
    ((index as f64 * 137.508 + 200.0) % 360.0) as u32
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProducerChip {
    pub name: String,
    pub topic: String,
    pub rate: String,
    pub paused: bool,
    pub failing: bool,
}

/// An owner of a partition: (consumer, hue, an old member or a crashed one still held).
pub type Owner = (String, u32, bool);

#[derive(Debug, Clone, PartialEq)]
pub struct PartitionRow {
    pub partition: u32,
    pub owners: Vec<Owner>,
    /// With more than one broker: who leads (`None`: offline), the ISR when it is smaller than
    /// the replica set, and the records a leader election cut off since the run began.
    pub replicas: Option<ReplicaMarks>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReplicaMarks {
    pub leader: Option<BrokerId>,
    /// The ISR, when some replica is out of it.
    pub short_isr: Option<Vec<BrokerId>>,
    pub lost: u64,
}

/// A broker on the stage (shown with more than one broker): a failure is seen where the story is.
#[derive(Debug, Clone, PartialEq)]
pub struct BrokerChip {
    pub id: BrokerId,
    pub rack: Option<String>,
    pub state: BrokerState,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TopicBlock {
    pub name: String,
    pub partitions: Vec<PartitionRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MemberChip {
    pub name: String,
    pub hue: u32,
    pub owns: Vec<String>,
    pub activity: &'static str,
    /// `stopped` (an eager rebalance), `dead` (crashed, closed), `failing` (an error), `idle`.
    pub look: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GroupFrame {
    pub id: String,
    pub state: &'static str,
    pub kip848: bool,
    pub generation: i32,
    /// A share group (KIP-932): its epoch; no rebalance phases, no "Why?" on its epoch.
    pub share: bool,
    /// The current rebalance's phase, while one runs.
    pub phase: Option<&'static str>,
    pub members: Vec<MemberChip>,
    /// With more than one broker: the broker coordinating the group, as FindCoordinator answers.
    pub coordinator: Option<BrokerId>,
}

/// What the stage shows (compared each frame; see the module's frame-cost note).
#[derive(Debug, Clone, PartialEq)]
pub struct StageView {
    pub producers: Vec<ProducerChip>,
    /// Empty with one broker (the stage then looks as it always did).
    pub brokers: Vec<BrokerChip>,
    pub topics: Vec<TopicBlock>,
    pub groups: Vec<GroupFrame>,
    /// Consumers with `assign()` (no group).
    pub standalone: Vec<MemberChip>,
    pub can_edit: bool,
    /// A lesson asks which partitions a consumer will own: the partitions' names pick them
    /// (the consumer, and what is picked so far) instead of asking "Why?".
    pub picking: Option<(String, BTreeSet<String>)>,
}

impl StageView {
    pub fn of(sim: &Sim, t: &'static Text, can_edit: bool) -> Self {
        let cluster = &sim.run.cluster;
        let now = cluster.now();
        let hues: BTreeMap<&str, u32> =
            cluster.consumers().keys().enumerate().map(|(i, n)| (n.as_str(), member_hue(i))).collect_map();
        let hue = |n: &str| hues.get(n).copied().unwrap_or(0);
        let producers = cluster
            .producers()
            .values()
            .map(|p| ProducerChip {
                name: p.spec.name.clone(),
                topic: p.spec.topic.clone(),
                rate: fill(t.stage_per_second, &[&p.spec.rate]),
                paused: p.spec.paused,
                failing: sim.errors.contains_key(&super::state::ErrorAt::Producer(p.spec.name.clone())),
            })
            .collect();
        // Owners as the group counts them: a crashed member keeps its partitions until
        // session.timeout.ms; a restarted consumer's old member too.
        let mut owners: BTreeMap<(String, u32), Vec<Owner>> = BTreeMap::new();
        for c in cluster.consumers().values() {
            let held = !c.is_alive() && cluster.crashed_but_still_member(&c.spec.name);
            if c.is_alive() || held {
                for tp in &c.assignment {
                    owners.entry((tp.topic.to_string(), tp.partition)).or_default().push((
                        c.spec.name.clone(),
                        hue(&c.spec.name),
                        held,
                    ));
                }
            }
        }
        let rep = cluster.replication();
        let many = rep.nodes.len() > 1;
        let coordinator = |group: &str| many.then(|| cluster.coordinator(group).0);
        let mut groups = Vec::new();
        for g in cluster.groups().values() {
            let members_now = cluster.group_members(&g.id);
            for m in members_now.iter().filter(|m| m.old_member) {
                for tp in &m.owns {
                    owners.entry((tp.topic.to_string(), tp.partition)).or_default().push((
                        m.consumer.clone(),
                        hue(&m.consumer),
                        true,
                    ));
                }
            }
            let mut members: Vec<MemberChip> = cluster
                .consumers()
                .values()
                .filter(|c| c.spec.is_group() && c.group_id() == Some(g.id.as_str()))
                .map(|c| member_chip(sim, t, c, hue(&c.spec.name), now))
                .collect();
            crate::core::sort::by(&mut members, |a, b| a.name.cmp(&b.name));
            if members.is_empty() && g.members.is_empty() && g.offsets.is_empty() {
                continue;
            }
            let phase = sim
                .projections
                .rebalances
                .get(&g.id)
                .filter(|v| v.finished_at.is_none())
                .map(|v| v.phase.label(t));
            groups.push(GroupFrame {
                id: g.id.clone(),
                state: g.state.name(),
                kip848: g.protocol == Some(GroupProtocol::Consumer),
                generation: g.generation,
                share: false,
                phase,
                members,
                coordinator: coordinator(&g.id),
            });
        }
        // A group consumer whose group the coordinator does not know yet: its frame anyway.
        for c in cluster.consumers().values() {
            if let (true, Some(gid)) = (c.spec.is_group(), c.group_id()) {
                if !groups.iter().any(|g| g.id == gid) {
                    groups.push(GroupFrame {
                        id: gid.to_string(),
                        state: "Empty",
                        kip848: c.spec.config.group_protocol == GroupProtocol::Consumer,
                        generation: 0,
                        share: false,
                        phase: None,
                        members: Vec::new(),
                        coordinator: coordinator(gid),
                    });
                }
                if let Some(f) = groups.iter_mut().find(|g| g.id == gid) {
                    if !f.members.iter().any(|m| m.name == c.spec.name) {
                        f.members.push(member_chip(sim, t, c, hue(&c.spec.name), now));
                    }
                }
            }
        }
        // Share groups (KIP-932): their members, each in its group's frame, with the group's
        // state and epoch as the share coordinator has them.
        let share = cluster.brokers().first().map(|b| b.share().groups());
        for c in cluster.consumers().values().filter(|c| c.spec.is_share()) {
            let Some(gid) = c.group_id() else { continue };
            if !groups.iter().any(|g| g.share && g.id == gid) {
                let g = share.and_then(|s| s.get(gid));
                groups.push(GroupFrame {
                    id: gid.to_string(),
                    state: g.map_or("Empty", |g| g.state().name()),
                    kip848: true,
                    generation: g.map_or(0, |g| g.group_epoch),
                    share: true,
                    phase: None,
                    members: Vec::new(),
                    coordinator: coordinator(gid),
                });
            }
            if let Some(f) = groups.iter_mut().find(|g| g.share && g.id == gid) {
                f.members.push(member_chip(sim, t, c, hue(&c.spec.name), now));
            }
        }
        let standalone = cluster
            .consumers()
            .values()
            .filter(|c| matches!(c.spec.mode, ConsumerMode::Standalone { .. }))
            .map(|c| member_chip(sim, t, c, hue(&c.spec.name), now))
            .collect();
        let topics = cluster
            .topics()
            .iter()
            .map(|(name, topic)| TopicBlock {
                name: name.clone(),
                partitions: (0..topic.partition_count())
                    .map(|p| PartitionRow {
                        partition: p,
                        owners: owners.remove(&(name.clone(), p)).unwrap_or_default(),
                        replicas: many.then(|| {
                            let state = rep.topics.get(name).and_then(|t| t.partitions.get(p as usize));
                            let isr = state.map(|s| s.registration.isr.clone()).unwrap_or_default();
                            let all = state.map_or(0, |s| s.registration.replicas.len());
                            ReplicaMarks {
                                leader: state.and_then(|s| s.leader()),
                                short_isr: (isr.len() < all).then_some(isr),
                                lost: sim.projections.lost.get(&(name.clone(), p)).copied().unwrap_or(0),
                            }
                        }),
                    })
                    .collect(),
            })
            .collect();
        let picking = sim.predict.shown.and_then(|i| {
            let Some(super::state::predict::Stage::Asking(picked)) = sim.predict.stages.get(i) else {
                return None;
            };
            match &sim.run.scenario.predict.get(i)?.ask {
                crate::core::scenario::prediction::Ask::Owns { consumer } => {
                    Some((consumer.clone(), picked.clone()))
                }
                _ => None,
            }
        });
        let brokers = if many {
            rep.nodes.iter().map(|n| BrokerChip { id: n.id, rack: n.rack.clone(), state: n.state }).collect()
        } else {
            Vec::new()
        };
        StageView { producers, brokers, topics, groups, standalone, can_edit, picking }
    }
}

fn member_chip(
    sim: &Sim,
    t: &'static Text,
    c: &crate::core::consumer::Consumer,
    hue: u32,
    now: crate::core::time::Millis,
) -> MemberChip {
    let cluster = &sim.run.cluster;
    let activity = c.activity(now);
    let stopped = c.is_alive()
        && c.assignment.is_empty()
        && c.membership.as_ref().is_some_and(|m| m.stopped_since.is_some());
    let look = match activity {
        Activity::Crashed | Activity::Closed => Some("dead"),
        Activity::Error => Some("failing"),
        _ if c.error.is_some() => Some("failing"),
        Activity::Revoking => Some("stopped"),
        _ if stopped => Some("stopped"),
        Activity::Paused => Some("paused"),
        Activity::Idle => Some("idle"),
        _ => None,
    };
    let held = !c.is_alive() && cluster.crashed_but_still_member(&c.spec.name);
    // Per topic, its partition numbers ("orders 0 1 2"): short enough that a member's line
    // keeps its height as partitions move (no layout shift while a lesson runs).
    let mut by_topic: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    if c.is_alive() || held {
        for tp in &c.assignment {
            by_topic.entry(&tp.topic).or_default().push(tp.partition);
        }
    }
    let owns = by_topic
        .into_iter()
        .map(|(topic, mut ps)| {
            ps.sort_unstable();
            format!("{topic} {}", ps.iter().map(u32::to_string).collect::<Vec<_>>().join(" "))
        })
        .collect();
    // Consuming and processing alternate with every poll: one word for both on the stage, so
    // it is not redrawn every frame (the card says which).
    let activity = match activity {
        Activity::Processing => t.act_consuming,
        _ => activity_text(t, cluster, c),
    };
    MemberChip { name: c.spec.name.clone(), hue, owns, activity, look }
}

/// The stage, on the ticking context only to build its view.
#[function_component(Stage)]
pub fn stage(props: &StageProps) -> Html {
    let ctx = use_sim();
    let t = use_text();
    let view = StageView::of(&ctx.sim.borrow(), t, props.can_edit);
    html! { <StageBody {view} /> }
}

#[derive(Properties, PartialEq)]
pub struct StageProps {
    /// The Add producer / Add consumer buttons (not in player mode).
    pub can_edit: bool,
}

#[derive(Properties, PartialEq)]
struct BodyProps {
    view: StageView,
}

fn swatch(hue: u32) -> Html {
    html! { <span class="swatch" style={format!("--h: {hue}")} aria-hidden="true"></span> }
}

/// A replicated partition's leader (or "offline"), its ISR when a replica is out of it, and the
/// records a leader election cut off.
fn replica_marks(t: &'static Text<'static>, r: &ReplicaMarks) -> Html {
    let ids = |ids: &[BrokerId]| ids.iter().map(BrokerId::to_string).collect::<Vec<_>>().join(",");
    html! {
        <span class="replica-marks">
            { match r.leader {
                Some(l) => html! {
                    <span class="leader" title={fill(t.stage_leader_help, &[&l])}>{ fill(t.stage_leader, &[&l]) }</span>
                },
                None => html! {
                    <span class="leader offline" title={t.stage_offline_help}>{ t.stage_offline }</span>
                },
            } }
            if let Some(isr) = &r.short_isr {
                <span class="isr" title={t.stage_isr_help}>{ fill(t.stage_isr, &[&ids(isr)]) }</span>
            }
            if r.lost > 0 {
                <span class="lost" title={t.stage_lost_help}>{ fill(t.stage_lost, &[&r.lost]) }</span>
            }
        </span>
    }
}

#[function_component(StageBody)]
fn stage_body(props: &BodyProps) -> Html {
    let ctx = use_handle();
    let t = use_text();
    let v = &props.view;
    let add_producer = ctx.dispatch.reform(|_: MouseEvent| Action::AddProducer);
    let add_consumer = ctx.dispatch.reform(|_: MouseEvent| Action::AddConsumer);
    let why = ctx.dispatch.clone();
    // "Why?" for what an element stands for: its button, and `data-why` for the W key.
    let ask_why = |target: WhyTarget| why.reform(move |_: MouseEvent| Action::Why(Some(target.clone())));
    let member = |m: &MemberChip| {
        let target = WhyTarget::Consumer(m.name.clone());
        html! {
            <li class={classes!("member-chip", m.look)} style={format!("--h: {}", m.hue)} data-why={target.attr()}>
                <span class="who">
                    { swatch(m.hue) }<a href={format!("#{}-h", m.name)}>{ m.name.clone() }</a>
                    <button type="button" class="why-btn" aria-label={fill(t.why_button, &[&m.name])}
                        onclick={ask_why(target)}>{ "?" }</button>
                </span>
                <span class="what">{ m.activity }</span>
                <span class="owns-list" title={m.owns.join(", ")}>
                    if m.owns.is_empty() { <span class="muted">{ t.owns_nothing }</span> }
                    { for m.owns.iter().map(|p| html! { <span class="tp">{ p.clone() }</span> }) }
                </span>
            </li>
        }
    };
    // The generation (epoch) asks "Why?": what bumps it, and the members' own (a share
    // group's epoch is told in its panel).
    let generation = |g: &GroupFrame| {
        let text = format!("{} {}", if g.kip848 { t.epoch } else { t.generation }, g.generation);
        if g.share {
            return html! { <span class="gen">{ text }</span> };
        }
        let target = WhyTarget::Generation(g.id.clone());
        html! {
            <button type="button" class="gen ask" data-why={target.attr()}
                title={fill(t.why_button, &[&t.generation])} onclick={ask_why(target)}>{ text }</button>
        }
    };
    html! {
        <section class="stage" aria-labelledby="h-stage">
            <h2 id="h-stage" class="visually-hidden">{ t.stage }</h2>
            <div class="stage-col stage-producers">
                <div class="stage-head">
                    <h3>{ t.producers }</h3>
                    if v.can_edit { <button type="button" onclick={add_producer}>{ t.add_producer }</button> }
                </div>
                <ul class="chips">
                    { for v.producers.iter().map(|p| {
                        let target = WhyTarget::Producer(p.name.clone());
                        html! {
                            <li class={classes!("producer-chip", p.paused.then_some("paused"), p.failing.then_some("failing"))}
                                data-why={target.attr()}>
                                <span class="who">{ p.name.clone() }</span>
                                <span class="flow" aria-hidden="true">{ "→" }</span>
                                <span class="to">{ p.topic.clone() }</span>
                                <button type="button" class="why-btn" aria-label={fill(t.why_button, &[&p.name])}
                                    onclick={ask_why(target)}>{ "?" }</button>
                                <span class="rate">{ if p.paused { t.paused.to_string() } else { p.rate.clone() } }</span>
                            </li>
                        }
                    }) }
                </ul>
            </div>
            <div class="stage-col stage-topics">
                if !v.brokers.is_empty() {
                    <ul class="stage-brokers" aria-label={t.brokers_title}>
                        <li class="stage-brokers-label" aria-hidden="true">{ t.stage_brokers }</li>
                        { for v.brokers.iter().map(|b| {
                            let down = b.state != BrokerState::Running;
                            let state = super::brokers::state_text(t, b.state);
                            // Its id and, when it is not running, its state: three brokers fit one
                            // line of the stage's middle column. The rack is in its name (hover,
                            // screen readers) and in the Brokers panel.
                            let named = match &b.rack {
                                Some(r) => format!("{} · {}", fill(t.broker_named, &[&b.id]), fill(t.broker_rack, &[r])),
                                None => fill(t.broker_named, &[&b.id]),
                            };
                            html! {
                                <li class={classes!("broker-chip", down.then_some("down"))} title={named.clone()}>
                                    <span class="visually-hidden">{ named }</span>
                                    <span class="bid" aria-hidden="true">{ b.id.to_string() }</span>
                                    <span class={classes!("bstate", (!down).then_some("visually-hidden"))}>{ state }</span>
                                </li>
                            }
                        }) }
                    </ul>
                }
                { for v.topics.iter().map(|topic| html! {
                    <div class="stage-topic">
                        <p class="stage-topic-name">{ topic.name.clone() }</p>
                        <ol class="parts">
                            { for topic.partitions.iter().map(|p| {
                                let target = WhyTarget::Partition { topic: topic.name.clone(), partition: p.partition };
                                let name = format!("{}-{}", topic.name, p.partition);
                                let picked = v.picking.as_ref().map(|(_, set)| set.contains(&name));
                                // The partition's name asks "Why?" about it (its owners, offsets and
                                // lag); while a lesson asks which partitions a consumer will own, it
                                // picks the partition instead.
                                let button = match &v.picking {
                                    Some((consumer, set)) => {
                                        let on = !set.contains(&name);
                                        let key = name.clone();
                                        let pick = why.reform(move |_: MouseEvent| {
                                            Action::Predict(super::state::predict::PredictAction::Pick(key.clone(), on))
                                        });
                                        html! {
                                            <button type="button" class="pnum pick" aria-pressed={(!on).to_string()}
                                                title={fill(t.predict_pick_partition, &[&name, consumer])}
                                                onclick={pick}>{ name.clone() }</button>
                                        }
                                    }
                                    None => html! {
                                        <button type="button" class="pnum" aria-label={fill(t.why_button, &[&name])}
                                            onclick={ask_why(target.clone())}>{ name.clone() }</button>
                                    },
                                };
                                html! {
                                <li class={classes!("part", p.owners.is_empty().then_some("unowned"), (picked == Some(true)).then_some("picked"), p.replicas.is_some().then_some("replicated"))}
                                    data-why={target.attr()}>
                                    { button }
                                    if let Some(r) = &p.replicas { { replica_marks(t, r) } }
                                    <span class="part-owners">
                                        if p.owners.is_empty() { <span class="muted">{ "—" }</span> }
                                        { for p.owners.iter().map(|(c, hue, held)| html! {
                                            <span class={classes!("owner", held.then_some("held"))} style={format!("--h: {hue}")}>
                                                { swatch(*hue) }{ c.clone() }
                                            </span>
                                        }) }
                                    </span>
                                </li>
                            }}) }
                        </ol>
                    </div>
                }) }
            </div>
            <div class="stage-col stage-groups">
                <div class="stage-head">
                    <h3>{ t.consumers }</h3>
                    if v.can_edit { <button type="button" onclick={add_consumer}>{ t.add_consumer }</button> }
                </div>
                if v.groups.is_empty() && v.standalone.is_empty() {
                    <p class="muted">{ t.stage_no_consumers }</p>
                }
                { for v.groups.iter().map(|g| html! {
                    <section class={classes!("group-frame", g.phase.is_some().then_some("rebalancing"))} aria-label={g.id.clone()}>
                        <header class="frame-head">
                            <span class="gid">{ g.id.clone() }</span>
                            <span class={classes!("state", g.state)}>{ g.state }</span>
                            { generation(g) }
                            if let Some(c) = g.coordinator {
                                <span class="coord" title={fill(t.stage_coordinator_help, &[&c])}>
                                    { fill(t.stage_coordinator, &[&c]) }
                                </span>
                            }
                            // Always there (hidden when Stable): the frame keeps its height.
                            <span class={classes!("phase", g.phase.is_none().then_some("none"))}
                                title={g.phase.map(|p| fill(t.stage_rebalancing, &[&p]))}>
                                { g.phase.unwrap_or("\u{a0}") }
                            </span>
                        </header>
                        <ul class="members">
                            { for g.members.iter().map(member) }
                            // Room for one more member: a consumer joining (a lesson's script
                            // adds one mid-run) fills it instead of moving what is below.
                            <li class="member-chip slot" aria-hidden="true"></li>
                        </ul>
                    </section>
                }) }
                if !v.standalone.is_empty() {
                    <section class="group-frame standalone" aria-label={t.standalone}>
                        <header class="frame-head"><span class="gid">{ t.standalone }</span></header>
                        <ul class="members">{ for v.standalone.iter().map(member) }</ul>
                    </section>
                }
            </div>
        </section>
    }
}
