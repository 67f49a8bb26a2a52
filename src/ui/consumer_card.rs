//! Consumer cards: Standalone (pick partitions: `assign()`) or Group (`subscribe()`), the
//! group knobs with their Kafka config names, actions (hold, crash, leave, restart, remove),
//! owned partitions (links to lanes), what it is doing, and its error.

use super::dom::{event_checked, event_value, use_skipped};
use super::field::CommitInput;
use super::held::{large, same_rc, use_report_skipped, Held};
use super::lanes::lane_id;
use super::problem::{ErrorNote, Problem};
use super::state::{use_handle, use_sim, Action, ErrorAt, Handle};
use super::text::{fill, use_text, Text};
use crate::core::config::{ManualCommit, OffsetReset};
use crate::core::consumer::{Activity, Consumer, ConsumerMode, ConsumerSpec};
use crate::core::error::ErrorCode;
use crate::core::group::assignor::{Side, Strategy, TopicPartition};
use crate::core::group::GroupProtocol;
use crate::core::Cluster;
use crate::core::Command;
use std::rc::Rc;
use yew::prelude::*;

#[function_component(Consumers)]
pub fn consumers() -> Html {
    let ctx = use_sim();
    let sim = ctx.sim.borrow();
    let t = use_text();
    // Shared by every card's view model (compared by value, built once per frame).
    // (The same `Rc` while they stay equal, so each card compares them by pointer.)
    let topics = use_mut_ref(|| Rc::new(Vec::new()));
    let users = use_mut_ref(|| Rc::new(Vec::new()));
    let topics: Rc<Vec<(String, u32)>> = same_rc(
        &topics,
        sim.run.cluster.topics().iter().map(|(n, tp)| (n.clone(), tp.partition_count())).collect(),
    );
    let users = same_rc(&users, sim.user_names());
    // A large cluster's cards off screen wait while the clock runs (see [`Held`]).
    let active = large(&sim);
    html! {
        <section class="panel" aria-labelledby="h-consumers">
            <div class="panel-head">
                <h2 id="h-consumers">{ t.consumers }</h2>
            </div>
            <div class="cards">
                { for sim.run.cluster.consumers().keys().enumerate().map(|(turn, n)| html! {
                    <Held key={n.clone()} {active} {turn}>
                        <ConsumerSlot name={AttrValue::from(n.clone())} topics={topics.clone()} users={users.clone()} />
                    </Held>
                }) }
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct SlotProps {
    name: AttrValue,
    topics: Rc<Vec<(String, u32)>>,
    users: Rc<Vec<String>>,
}

/// Builds one card's view model each frame (under its [`Held`], so in a large cluster only while
/// it is seen); the card re-renders when that changes.
#[function_component(ConsumerSlot)]
fn consumer_slot(props: &SlotProps) -> Html {
    let ctx = use_sim();
    let t = use_text();
    let sim = ctx.sim.borrow();
    let Some(c) = sim.run.cluster.consumers().get(props.name.as_str()) else {
        return html! {};
    };
    let view = Rc::new(ConsumerView::of(&sim, c, t, &props.topics, &props.users));
    html! { <ConsumerCard name={props.name.clone()} {view} /> }
}

/// A callback that edits the consumer's current spec and sends `UpdateConsumer`.
fn edit<E: 'static>(ctx: &Handle, name: &str, f: impl Fn(&mut ConsumerSpec, E) + 'static) -> Callback<E> {
    let sim = ctx.sim.clone();
    let d = ctx.dispatch.clone();
    let name = name.to_string();
    Callback::from(move |e: E| {
        let spec = sim.borrow().run.cluster.consumers().get(&name).map(|c| c.spec.clone());
        if let Some(mut spec) = spec {
            f(&mut spec, e);
            d.emit(Action::cmd(ErrorAt::Consumer(name.clone()), Command::UpdateConsumer { consumer: spec }));
        }
    })
}

/// A callback that sends a mode change computed from the current spec.
fn set_mode<E: 'static>(
    ctx: &Handle,
    name: &str,
    f: impl Fn(&Cluster, &ConsumerSpec, E) -> Option<ConsumerMode> + 'static,
) -> Callback<E> {
    let sim = ctx.sim.clone();
    let d = ctx.dispatch.clone();
    let name = name.to_string();
    Callback::from(move |e: E| {
        let mode = {
            let s = sim.borrow();
            s.run.cluster.consumers().get(&name).and_then(|c| f(&s.run.cluster, &c.spec, e))
        };
        if let Some(mode) = mode {
            d.emit(Action::cmd(
                ErrorAt::Consumer(name.clone()),
                Command::SetConsumerMode { name: name.clone(), mode },
            ));
        }
    })
}

/// Group or Share group mode: the subscribed topic carries over, and a group id that names a
/// group of the other kind is replaced by a free one (`group-N` / `share-group-N`), since Kafka
/// refuses a consumer joining a share group's id and a share consumer joining a consumer group's.
fn switch_kind(ctx: &Handle, name: &str, share: bool) -> Callback<Event> {
    let sim = ctx.sim.clone();
    let d = ctx.dispatch.clone();
    let name = name.to_string();
    Callback::from(move |_: Event| {
        let spec = {
            let s = sim.borrow();
            let cl = &s.run.cluster;
            cl.consumers().get(&name).and_then(|c| {
                let mut spec = c.spec.clone();
                if (share && spec.is_share()) || (!share && spec.is_group()) {
                    return None;
                }
                let topic = match &spec.mode {
                    ConsumerMode::Standalone { partitions } => {
                        partitions.first().map(|tp| tp.topic.to_string())
                    }
                    ConsumerMode::Group { topics } | ConsumerMode::Share { topics } => {
                        topics.first().cloned()
                    }
                }
                .or_else(|| cl.topics().keys().next().cloned())?;
                let other_kind = |id: &str| {
                    if share {
                        cl.groups().contains_key(id)
                    } else {
                        cl.brokers()[0].share().groups().contains_key(id)
                    }
                };
                if spec.config.group_id.as_deref().is_none_or(other_kind) {
                    let prefix = if share { "share-group-" } else { "group-" };
                    spec.config.group_id = (1..).map(|n| format!("{prefix}{n}")).find(|id| !other_kind(id));
                }
                spec.mode = if share {
                    ConsumerMode::Share { topics: vec![topic] }
                } else {
                    ConsumerMode::Group { topics: vec![topic] }
                };
                Some(spec)
            })
        };
        if let Some(spec) = spec {
            d.emit(Action::cmd(ErrorAt::Consumer(name.clone()), Command::UpdateConsumer { consumer: spec }));
        }
    })
}

/// The strategy select's value for a strategy list.
fn strategy_value(list: &[Strategy]) -> String {
    list.iter().map(|s| s.name()).collect::<Vec<_>>().join(",")
}

/// The old member a running consumer left behind: a crashed and restarted process, or one
/// the coordinator refused (the core's `lost_by`), told as what happened to it.
pub fn old_member_note(t: &'static Text, m: &crate::core::group::MemberView) -> String {
    let owns = if m.owns.is_empty() {
        t.owns_nothing.to_string()
    } else {
        m.owns.iter().map(|tp| format!("{}-{}", tp.topic, tp.partition)).collect::<Vec<_>>().join(", ")
    };
    let removed = m.removed_at.map_or_else(|| "-".to_string(), crate::core::time::format_clock);
    match m.lost_by {
        Some(e) => fill(t.lost_member_note, &[&m.consumer, &e.name(), &m.member_id, &owns, &removed]),
        None => fill(t.old_member_note, &[&m.member_id, &owns, &removed]),
    }
}

/// What the state line says.
pub fn activity_text(t: &'static Text, cluster: &Cluster, c: &Consumer) -> &'static str {
    match c.activity(cluster.now()) {
        Activity::Consuming => t.act_consuming,
        Activity::Processing => t.act_processing,
        Activity::Idle => {
            if cluster.old_member_of(&c.spec.name).is_some_and(|m| !m.owns.is_empty()) {
                // Restarted before its session timeout: what it is to get, its old (crashed)
                // member still holds.
                t.act_waiting_old
            } else if more_members_than_partitions(cluster, c) {
                t.act_idle_extra
            } else {
                t.act_idle
            }
        }
        Activity::Joining => t.act_joining,
        Activity::Revoking => t.act_revoking,
        Activity::Paused => t.act_paused,
        Activity::Crashed => t.act_crashed,
        Activity::Closed => t.act_closed,
        Activity::Error => t.act_error,
    }
}

/// In a group with more members than partitions of the topics it subscribes to.
fn more_members_than_partitions(cluster: &Cluster, c: &Consumer) -> bool {
    let (Some(gid), ConsumerMode::Group { topics }) = (c.group_id(), &c.spec.mode) else {
        return false;
    };
    let Some(g) = cluster.groups().get(gid) else {
        return false;
    };
    // Stops counting once the partitions are as many as the members (the stage asks for every
    // member every frame, and a consumer may subscribe to 256 topics).
    let members = g.members.len() as u32;
    let mut partitions = 0u32;
    for t in topics.iter().filter_map(|t| cluster.topics().get(t)) {
        partitions = partitions.saturating_add(t.partition_count());
        if partitions >= members {
            return false;
        }
    }
    members > partitions
}

/// Everything a consumer card shows, computed by [`Consumers`] each frame. The card and its
/// parts read the model through the non-ticking [`Handle`], so they re-render only when this
/// changes (not on every tick).
#[derive(Debug, Clone, PartialEq)]
pub struct ConsumerView {
    pub spec: ConsumerSpec,
    pub assignment: Vec<TopicPartition>,
    pub activity: &'static str,
    pub state_class: Option<&'static str>,
    pub alive: bool,
    pub stopped: bool,
    /// The command error shown on the card.
    pub error: Option<Problem>,
    /// The client's own error (code and detail).
    pub client_error: Option<(ErrorCode, String)>,
    /// Crashed, but its group still counts it (and its partitions) until session.timeout.ms.
    pub held_while_crashed: bool,
    /// Restarted before its session timeout: its old member (member.id, what it owns, when
    /// session.timeout.ms removes it), still in the group.
    /// The old member its group still lists, told with why it is old (see [`old_member_note`]).
    pub old_member: Option<String>,
    /// Topics and their partition counts (selects, the standalone picker).
    pub topics: Rc<Vec<(String, u32)>>,
    pub users: Rc<Vec<String>>,
    /// A share consumer: the records it holds (partition, offset, delivery count; the first
    /// few) and how many it accepted, released and rejected.
    pub share: Option<ShareCardView>,
}

/// A share consumer's records on its card: the first few it holds (partition, offset,
/// delivery count), how many it holds, and its accepted, released and rejected counts.
pub type ShareCardView = (Vec<(String, u64, u16)>, usize, [u64; 3]);

impl ConsumerView {
    pub fn of(
        sim: &super::state::Sim,
        c: &Consumer,
        t: &'static Text,
        topics: &Rc<Vec<(String, u32)>>,
        users: &Rc<Vec<String>>,
    ) -> Self {
        let cluster = &sim.run.cluster;
        ConsumerView {
            spec: c.spec.clone(),
            assignment: c.assignment.clone(),
            activity: activity_text(t, cluster, c),
            state_class: state_class(cluster, c),
            alive: c.is_alive(),
            stopped: c.is_alive()
                && c.assignment.is_empty()
                && c.membership.as_ref().is_some_and(|m| m.stopped_since.is_some()),
            error: sim.errors.get(&ErrorAt::Consumer(c.spec.name.clone())).cloned(),
            client_error: c.error.clone(),
            held_while_crashed: cluster.crashed_but_still_member(&c.spec.name),
            old_member: cluster.old_member_of(&c.spec.name).map(|m| old_member_note(t, &m)),
            topics: topics.clone(),
            users: users.clone(),
            share: c.share.as_ref().map(|s| {
                let holding = s.holding();
                let shown = holding
                    .iter()
                    .take(12)
                    .map(|r| {
                        (
                            format!("{}-{}", r.partition.topic, r.partition.partition),
                            r.offset,
                            r.delivery_count,
                        )
                    })
                    .collect();
                (shown, holding.len(), [s.accepted, s.released, s.rejected])
            }),
        }
    }
}

fn state_class(cluster: &Cluster, c: &Consumer) -> Option<&'static str> {
    match c.activity(cluster.now()) {
        Activity::Crashed | Activity::Closed => Some("dead"),
        Activity::Error => Some("failing"),
        _ => None,
    }
}

#[derive(Properties, PartialEq)]
pub struct CardProps {
    pub name: AttrValue,
    pub view: Rc<ConsumerView>,
}

#[function_component(ConsumerCard)]
pub fn consumer_card(props: &CardProps) -> Html {
    let t = use_text();
    let node = use_node_ref();
    let skipped = use_skipped(node.clone());
    use_report_skipped(skipped);
    let v = &*props.view;
    let name = props.name.to_string();
    let id = |what: &str| format!("{name}-{what}");
    let cfg = &v.spec.config;
    let is_group = v.spec.is_group();
    let stopped = v.stopped;
    let session_help = fill(t.session_timeout_help, &[&cfg.session_timeout_ms]);
    let state_class = v.state_class;
    html! {
        <article class={classes!("card", "consumer", stopped.then_some("stopped"), state_class)} aria-labelledby={id("h")} ref={node}>
            <header class="card-head">
                <h3 id={id("h")}>{ fill(t.consumer_heading, &[&name]) }</h3>
                if let Some(g) = cfg.group_id.as_ref().filter(|_| is_group || v.spec.is_share()) {
                    <span class="badge">{ g.clone() }</span>
                }
                if stopped { <span class="badge warn">{ t.stopped_badge }</span> }
            </header>
            <p class="state-line" title={session_help}>
                <span class={classes!("dot", state_class)} aria-hidden="true"></span>
                { v.activity }
            </p>
            <p class="owns">
                { if v.held_while_crashed && !v.assignment.is_empty() { t.held_while_crashed } else { t.owns } }{ ": " }
                if v.assignment.is_empty() || !(v.alive || v.held_while_crashed) {
                    <span class="muted">{ t.owns_nothing }</span>
                }
                { for v.assignment.iter().filter(|_| v.alive || v.held_while_crashed).map(|tp| html! {
                    <a class="tp" href={format!("#{}", lane_id(&tp.topic, tp.partition))}>{ format!("{}-{}", tp.topic, tp.partition) }</a>
                }) }
            </p>
            if let Some(note) = v.old_member.as_ref().filter(|_| v.alive) {
                <p class="owns old-member">{ note.clone() }</p>
            }
            <ModeSwitch name={props.name.clone()} view={props.view.clone()} />
            if v.spec.is_share() {
                <ShareSettings name={props.name.clone()} view={props.view.clone()} />
            } else if is_group {
                <GroupSettings name={props.name.clone()} view={props.view.clone()} />
            } else {
                <StandalonePicker name={props.name.clone()} view={props.view.clone()} />
            }
            <ClientSettings name={props.name.clone()} view={props.view.clone()} />
            if let Some((code, detail)) = &v.client_error {
                // A consumer that never joined gets UNKNOWN_MEMBER_ID for committing into a
                // group with members; "it must join again" would not fit it.
                <ErrorNote problem={Problem::kafka(*code, detail)}
                    meaning={(*code == ErrorCode::UnknownMemberId && !is_group).then_some(t.standalone_commit_refused)} />
            }
            if let Some(e) = &v.error {
                <ErrorNote problem={e.clone()} />
            }
            <ConsumerActions name={props.name.clone()} view={props.view.clone()} />
        </article>
    }
}

/// The "Mode" radio group: Standalone (`assign()`) or Group (`subscribe()`).
#[function_component(ModeSwitch)]
fn mode_switch(props: &CardProps) -> Html {
    let ctx = use_handle();
    let t = use_text();
    let c = &*props.view;
    let name = props.name.to_string();
    let is_group = c.spec.is_group();
    let is_share = c.spec.is_share();
    let to_standalone = set_mode(&ctx, &name, |_, s, _: Event| {
        (s.is_group() || s.is_share()).then(|| ConsumerMode::Standalone { partitions: Vec::new() })
    });
    let to_share = switch_kind(&ctx, &name, true);
    let to_group = switch_kind(&ctx, &name, false);
    let radio_name = format!("{name}-mode");
    let label_id = format!("{name}-mode-label");
    html! {
        <div class="mode" role="radiogroup" aria-labelledby={label_id.clone()}>
            <span id={label_id} class="label">{ t.mode }</span>
            <label><input type="radio" name={radio_name.clone()} value="standalone" checked={!is_group && !is_share} onchange={to_standalone} />{ t.standalone }</label>
            <label><input type="radio" name={radio_name.clone()} value="group" checked={is_group} onchange={to_group} />{ t.group }</label>
            <label><input type="radio" name={radio_name} value="share" checked={is_share} onchange={to_share} />{ t.share_mode }</label>
        </div>
    }
}

/// The group id and the subscribed topic, as a group or a share consumer edits them.
fn group_and_topic(ctx: &Handle, t: &'static Text, props: &CardProps, share: bool) -> Html {
    let c = &*props.view;
    let name = props.name.to_string();
    let id = |what: &str| format!("{name}-{what}");
    let cfg = &c.spec.config;
    let topics = c.spec.subscription();
    let on_group = edit(ctx, &name, |s, v: String| {
        let v = v.trim().to_string();
        s.config.group_id = (!v.is_empty()).then_some(v);
    });
    let on_topic = edit(ctx, &name, move |s, e: Event| {
        let topics = vec![event_value(&e)];
        s.mode = if share { ConsumerMode::Share { topics } } else { ConsumerMode::Group { topics } };
    });
    html! {
        <>
                <div class="field">
                    <label for={id("group")}>{ t.group_id }</label>
                    <CommitInput id={id("group")} value={cfg.group_id.clone().unwrap_or_default()}
                        on_commit={on_group} title={t.group_id_help} />
                </div>
                <label class="field">{ t.subscribed_topic }
                    <select onchange={on_topic}>
                        { for c.topics.iter().map(|(tn, _)| html! {
                                <option value={tn.clone()} selected={topics.first() == Some(tn)}>{ tn.clone() }</option>
                        }) }
                    </select>
                </label>
        </>
    }
}

/// Group mode: group id, subscription, assignment strategy, protocol, static membership.
#[function_component(GroupSettings)]
fn group_settings(props: &CardProps) -> Html {
    let ctx = use_handle();
    let t = use_text();
    let c = &*props.view;
    let name = props.name.to_string();
    let id = |what: &str| format!("{name}-{what}");
    let cfg = &c.spec.config;
    let share = false;
    let kip848 = cfg.group_protocol == GroupProtocol::Consumer;
    let on_strategy = edit(&ctx, &name, move |s, e: Event| {
        let v = event_value(&e);
        if kip848 {
            if let Some(st) = Strategy::from_name(&v) {
                s.config.remote_assignor = st;
            }
        } else {
            let list: Vec<Strategy> = v.split(',').filter_map(Strategy::from_name).collect();
            if !list.is_empty() {
                s.config.assignment_strategy = list;
            }
        }
    });
    let on_protocol = edit(&ctx, &name, |s, e: Event| {
        s.config.group_protocol =
            if event_value(&e) == "consumer" { GroupProtocol::Consumer } else { GroupProtocol::Classic };
    });
    let on_instance = edit(&ctx, &name, |s, v: String| {
        let v = v.trim().to_string();
        s.config.group_instance_id = (!v.is_empty()).then_some(v);
    });
    let current = if kip848 {
        cfg.remote_assignor.name().to_string()
    } else {
        strategy_value(&cfg.assignment_strategy)
    };
    let options: Vec<(String, String)> = if kip848 {
        Strategy::on_side(Side::Server).map(|s| (s.name().into(), s.kafka_name().into())).collect()
    } else {
        let mut o: Vec<(String, String)> =
            Strategy::on_side(Side::Client).map(|s| (s.name().to_string(), s.name().to_string())).collect();
        o.push(("range,cooperative-sticky".into(), t.default_strategies.into()));
        o
    };
    html! {
        <div class="grid">
            { group_and_topic(&ctx, t, props, share) }
            <div class="field wide">
                <label for={id("strategy")}>{ t.assignment_strategy }</label>
                <select id={id("strategy")} onchange={on_strategy}
                    title={if kip848 { t.server_assignor_help } else { t.strategy_help }}>
                    { for options.into_iter().map(|(v, l)| html! {
                        <option selected={v == current} value={v.clone()}>{ l }</option>
                    }) }
                </select>
            </div>
            <label class="field" title={t.protocol_help}>{ t.protocol }
                <select onchange={on_protocol}>
                    <option value="classic" selected={!kip848}>{ "classic" }</option>
                    <option value="consumer" selected={kip848}>{ "consumer (KIP-848)" }</option>
                </select>
            </label>
            <label class="field" title={t.instance_id_help}>{ t.instance_id }
                <CommitInput value={cfg.group_instance_id.clone().unwrap_or_default()}
                    on_commit={on_instance} placeholder={t.none_placeholder} />
            </label>
        </div>
    }
}

/// Share group mode (`KafkaShareConsumer`): group id, subscription, the acknowledgement mode
/// and the application's rule, and the records it holds now.
#[function_component(ShareSettings)]
fn share_settings(props: &CardProps) -> Html {
    use crate::core::config::ShareOnFailure;
    use crate::core::share_group::ShareAcknowledgementMode;
    let ctx = use_handle();
    let t = use_text();
    let c = &*props.view;
    let name = props.name.to_string();
    let cfg = &c.spec.config;
    let share = true;
    let on_mode = edit(&ctx, &name, |s, e: Event| {
        s.config.share_acknowledgement_mode = if event_value(&e) == "explicit" {
            ShareAcknowledgementMode::Explicit
        } else {
            s.config.share_reject_keys = None;
            s.config.share_fail_keys = None;
            s.config.share_failure_rate = 0.0;
            ShareAcknowledgementMode::Implicit
        };
    });
    let on_reject = edit(&ctx, &name, |s, v: String| {
        let v = v.trim().to_string();
        s.config.share_reject_keys = (!v.is_empty()).then_some(v);
    });
    let on_fail_keys = edit(&ctx, &name, |s, v: String| {
        let v = v.trim().to_string();
        s.config.share_fail_keys = (!v.is_empty()).then_some(v);
    });
    let on_rate = edit(&ctx, &name, |s, v: String| {
        s.config.share_failure_rate = v.trim().parse().unwrap_or(s.config.share_failure_rate);
    });
    let on_failure = edit(&ctx, &name, |s, e: Event| {
        s.config.share_on_failure = match event_value(&e).as_str() {
            "reject" => ShareOnFailure::Reject,
            "none" => ShareOnFailure::None,
            _ => ShareOnFailure::Release,
        };
    });
    let explicit = cfg.share_acknowledgement_mode == ShareAcknowledgementMode::Explicit;
    let (holds, held, counts) = c.share.clone().unwrap_or_default();
    let holds_text = holds.iter().map(|(tp, o, d)| format!("{tp}@{o}×{d}")).collect::<Vec<_>>().join(", ");
    html! {
        <div class="grid">
            { group_and_topic(&ctx, t, props, share) }
            <label class="field wide">{ t.share_ack_mode }
                <select onchange={on_mode}>
                    <option value="implicit" selected={!explicit}>{ fill(t.share_ack_implicit, &[&"implicit"]) }</option>
                    <option value="explicit" selected={explicit}>{ fill(t.share_ack_explicit, &[&"explicit"]) }</option>
                </select>
            </label>
            if explicit {
                <label class="field">{ t.share_reject_keys }
                    <CommitInput value={cfg.share_reject_keys.clone().unwrap_or_default()}
                        on_commit={on_reject} placeholder={t.none_placeholder} />
                </label>
                <label class="field">{ t.share_fail_keys }
                    <CommitInput value={cfg.share_fail_keys.clone().unwrap_or_default()}
                        on_commit={on_fail_keys} placeholder={t.none_placeholder} />
                </label>
                <label class="field">{ t.share_failure_rate }
                    <CommitInput value={cfg.share_failure_rate.to_string()} on_commit={on_rate} />
                </label>
                <label class="field">{ t.share_on_failure }
                    <select onchange={on_failure}>
                        <option value="release" selected={cfg.share_on_failure == ShareOnFailure::Release}>{ t.share_on_failure_release }</option>
                        <option value="reject" selected={cfg.share_on_failure == ShareOnFailure::Reject}>{ t.share_on_failure_reject }</option>
                        <option value="none" selected={cfg.share_on_failure == ShareOnFailure::None}>{ t.share_on_failure_none }</option>
                    </select>
                </label>
            }
            <p class="field wide share-holds">
                { if held == 0 { t.share_holds_nothing.to_string() } else { fill(t.share_holds, &[&held, &holds_text]) } }
                { " · " }{ fill(t.share_counts, &[&counts[0], &counts[1], &counts[2]]) }
            </p>
        </div>
    }
}

/// Standalone mode: the partitions to `assign()`, as checkboxes.
#[function_component(StandalonePicker)]
fn standalone_picker(props: &CardProps) -> Html {
    let ctx = use_handle();
    let t = use_text();
    let c = &*props.view;
    let name = props.name.to_string();
    let chosen: Vec<TopicPartition> = match &c.spec.mode {
        ConsumerMode::Standalone { partitions } => partitions.clone(),
        ConsumerMode::Group { .. } | ConsumerMode::Share { .. } => Vec::new(),
    };
    // assign() joins no group, but group.id still names where its offsets are committed
    // (and a commit into a group with members is refused): shown so it can be changed.
    let on_group = edit(&ctx, &name, |s, v: String| {
        let v = v.trim().to_string();
        s.config.group_id = (!v.is_empty()).then_some(v);
    });
    let group_field = format!("{name}-group");
    html! {
        <>
        <div class="field">
            <label for={group_field.clone()}>{ t.group_id }</label>
            <CommitInput id={group_field} value={c.spec.config.group_id.clone().unwrap_or_default()}
                on_commit={on_group} title={t.standalone_group_id_hint} placeholder={t.none_placeholder} />
            <span class="help">{ t.standalone_group_id_hint }</span>
        </div>
        <fieldset class="pick">
            <legend>{ t.pick_partitions }</legend>
            { for c.topics.iter().flat_map(|(tn, count)| {
                (0..*count).map(move |p| (tn.clone(), p))
            }).map(|(tn, p)| {
                let tp = TopicPartition::new(tn.clone(), p);
                let checked = chosen.contains(&tp);
                let onchange = set_mode(&ctx, &name, move |_, s, e: Event| {
                    let mut parts = match &s.mode {
                        ConsumerMode::Standalone { partitions } => partitions.clone(),
                        ConsumerMode::Group { .. } | ConsumerMode::Share { .. } => Vec::new(),
                    };
                    parts.retain(|x| *x != tp);
                    if event_checked(&e) {
                        parts.push(tp.clone());
                        crate::core::sort::ascending(&mut parts);
                    }
                    Some(ConsumerMode::Standalone { partitions: parts })
                });
                html! {
                    <label class="chip"><input type="checkbox" {checked} {onchange} />{ format!("{tn}-{p}") }</label>
                }
            }) }
        </fieldset>
        </>
    }
}

/// Processing time, commit mode, `auto.offset.reset`, user: knobs of both modes.
#[function_component(ClientSettings)]
fn client_settings(props: &CardProps) -> Html {
    let ctx = use_handle();
    let t = use_text();
    let c = &*props.view;
    let name = props.name.to_string();
    let spec = &c.spec;
    let cfg = &spec.config;
    let on_processing = edit(&ctx, &name, |s, v: String| {
        s.config.processing_ms_per_record = v.trim().parse().unwrap_or(-1.0)
    });
    let on_commit = edit(&ctx, &name, |s, e: Event| match event_value(&e).as_str() {
        "after" => {
            s.config.enable_auto_commit = false;
            s.config.manual_commit = ManualCommit::AfterProcessing;
        }
        "before" => {
            s.config.enable_auto_commit = false;
            s.config.manual_commit = ManualCommit::BeforeProcessing;
        }
        _ => s.config.enable_auto_commit = true,
    });
    let on_reset = edit(&ctx, &name, |s, e: Event| {
        s.config.auto_offset_reset = match event_value(&e).as_str() {
            "earliest" => OffsetReset::Earliest,
            "none" => OffsetReset::None,
            _ => OffsetReset::Latest,
        }
    });
    let on_user = edit(&ctx, &name, |s, e: Event| {
        let v = event_value(&e);
        s.user = (!v.is_empty()).then_some(v);
    });
    let commit_value = match (cfg.enable_auto_commit, cfg.manual_commit) {
        (true, _) => "auto",
        (false, ManualCommit::AfterProcessing) => "after",
        (false, ManualCommit::BeforeProcessing) => "before",
    };
    let users = &c.users;
    html! {
        <div class="grid">
            <label class="field" title={t.processing_help}>{ t.processing }
                <CommitInput kind="number" min="0" max="60000" step="10" value={cfg.processing_ms_per_record.to_string()} on_commit={on_processing} />
            </label>
            <label class="field wide" title={t.commit_help}>{ t.commit_mode }
                <select onchange={on_commit}>
                    { for [("auto", t.commit_auto), ("after", t.commit_after), ("before", t.commit_before)].into_iter().map(|(v, l)| html! {
                        <option value={v} selected={v == commit_value}>{ l }</option>
                    }) }
                </select>
            </label>
            <label class="field" title={t.offset_reset_help}>{ t.offset_reset }
                <select onchange={on_reset}>
                    { for ["earliest", "latest", "none"].into_iter().map(|v| html! {
                        <option value={v} selected={cfg.auto_offset_reset.name() == v}>{ v }</option>
                    }) }
                </select>
            </label>
            <label class="field wide">{ t.user }
                <select onchange={on_user}>
                    <option value="" selected={spec.user.is_none()}>{ t.anonymous }</option>
                    { for users.iter().map(|u| html! {
                        <option value={u.clone()} selected={spec.user.as_deref() == Some(u.as_str())}>{ u.clone() }</option>
                    }) }
                </select>
            </label>
        </div>
    }
}

/// Hold/Resume, Crash, Leave group, Restart, Remove.
#[function_component(ConsumerActions)]
fn consumer_actions(props: &CardProps) -> Html {
    let ctx = use_handle();
    let t = use_text();
    let c = &*props.view;
    let name = props.name.to_string();
    let spec = &c.spec;
    let d = ctx.dispatch.clone();
    let at = ErrorAt::Consumer(name.clone());
    let alive = c.alive;
    let is_group = spec.is_group();
    let session_help = fill(t.session_timeout_help, &[&spec.config.session_timeout_ms]);
    let cmd = |f: fn(String) -> Command| {
        let (n, at) = (name.clone(), at.clone());
        d.reform(move |_: MouseEvent| Action::cmd(at.clone(), f(n.clone())))
    };
    let hold = if spec.paused {
        cmd(|name| Command::ResumeConsumer { name })
    } else {
        cmd(|name| Command::PauseConsumer { name })
    };
    let crash = cmd(|name| Command::CrashConsumer { name });
    let leave = cmd(|name| Command::LeaveGroup { name });
    let restart = cmd(|name| Command::RestartConsumer { name });
    let remove = {
        let n = name.clone();
        d.reform(move |_: MouseEvent| {
            Action::cmd(ErrorAt::Global, Command::RemoveConsumer { name: n.clone() })
        })
    };
    html! {
        <div class="actions">
            if alive {
                <button type="button" onclick={hold} title={t.hold_help}
                    aria-label={fill(if spec.paused { t.resume_named } else { t.hold_named }, &[&name])}>
                    { if spec.paused { t.resume } else { t.hold } }
                </button>
                <button type="button" onclick={crash} title={session_help}
                    aria-label={fill(t.crash_named, &[&name])}>{ t.crash }</button>
                if is_group {
                    <button type="button" onclick={leave} aria-label={fill(t.leave_group_named, &[&name])}>{ t.leave_group }</button>
                }
            } else {
                <button type="button" onclick={restart} aria-label={fill(t.restart_named, &[&name])}>{ t.restart }</button>
            }
            <button type="button" class="danger" onclick={remove}
                aria-label={fill(t.remove_consumer, &[&name])}>{ t.remove }</button>
        </div>
    }
}
