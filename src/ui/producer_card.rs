//! Producer cards: topic, key mode, rate, hold/resume, "Send one", user, errors, remove.

use super::dom::{event_checked, event_value, use_skipped};
use super::field::CommitInput;
use super::held::{large, same_rc, use_report_skipped, Held};
use super::problem::{ErrorNote, Problem};
use super::state::{use_handle, use_sim, Action, ErrorAt, Handle, Sim};
use super::text::{fill, use_text};
use crate::core::error::ErrorCode;
use crate::core::producer::{KeyMode, ProducerSpec};
use crate::core::replication::config::Acks;
use crate::core::Command;
use std::rc::Rc;
use yew::prelude::*;

#[function_component(Producers)]
pub fn producers() -> Html {
    let ctx = use_sim();
    let sim = ctx.sim.borrow();
    let t = use_text();
    // Shared by every card's view model: the same `Rc` while they stay equal, so each card
    // compares them by pointer.
    let topics = use_mut_ref(|| Rc::new(Vec::new()));
    let users = use_mut_ref(|| Rc::new(Vec::new()));
    let topics = same_rc(&topics, sim.run.cluster.topics().keys().cloned().collect());
    let users = same_rc(&users, sim.user_names());
    let producers = sim.run.cluster.producers();
    // A large cluster's cards off screen wait while the clock runs (see [`Held`]).
    let active = large(&sim);
    html! {
        <section class="panel" aria-labelledby="h-producers">
            <div class="panel-head">
                <h2 id="h-producers">{ t.producers }</h2>
            </div>
            <div class="cards">
                { for producers.keys().enumerate().map(|(turn, n)| html! {
                    <Held key={n.clone()} {active} {turn}>
                        <ProducerSlot name={AttrValue::from(n.clone())} topics={topics.clone()} users={users.clone()} />
                    </Held>
                }) }
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct SlotProps {
    name: AttrValue,
    topics: Rc<Vec<String>>,
    users: Rc<Vec<String>>,
}

/// Builds one card's view model each frame (under its [`Held`], so in a large cluster only while
/// it is seen); the card re-renders when that changes.
#[function_component(ProducerSlot)]
fn producer_slot(props: &SlotProps) -> Html {
    let ctx = use_sim();
    let view = ProducerView::of(&ctx.sim.borrow(), &props.name, &props.topics, &props.users);
    html! { <ProducerCard name={props.name.clone()} view={Rc::new(view)} /> }
}

/// Everything a producer card shows but its running count, computed by [`Producers`] each
/// frame: the card re-renders only when this changes; the count is [`SentBadge`]'s.
#[derive(Debug, Clone, PartialEq)]
pub struct ProducerView {
    pub spec: ProducerSpec,
    /// The client's own error (e.g. an authorization failure).
    pub client_error: Option<ErrorCode>,
    /// The command error shown on the card.
    pub error: Option<Problem>,
    pub topics: Rc<Vec<String>>,
    pub users: Rc<Vec<String>>,
    /// Its `acks`, shown (and chosen) when the cluster has more than one broker.
    pub acks: Option<Acks>,
    /// Whether it is idempotent, and its producer id and epoch once InitProducerId answered.
    pub idempotent: bool,
    pub producer_id: Option<(i64, i16)>,
}

impl ProducerView {
    pub fn of(sim: &Sim, name: &str, topics: &Rc<Vec<String>>, users: &Rc<Vec<String>>) -> Option<Self> {
        let p = sim.run.cluster.producers().get(name)?;
        Some(ProducerView {
            spec: p.spec.clone(),
            client_error: p.error,
            error: sim.errors.get(&ErrorAt::Producer(name.to_string())).cloned(),
            topics: topics.clone(),
            users: users.clone(),
            acks: (sim.run.cluster.replication().nodes.len() > 1).then_some(p.acks),
            idempotent: p.client.idempotent,
            producer_id: (p.client.producer_id >= 0)
                .then_some((p.client.producer_id, p.client.producer_epoch)),
        })
    }
}

/// "N sent": the one part of a producer card that changes every frame.
#[function_component(SentBadge)]
fn sent_badge(props: &CardName) -> Html {
    let ctx = use_sim();
    let t = use_text();
    let sent = ctx.sim.borrow().run.cluster.producers().get(props.name.as_str()).map_or(0, |p| p.sent);
    html! { <span class="badge">{ format!("{sent} {}", t.sent) }</span> }
}

/// What became of its records: acknowledged, given up, extra copies written (a batch in the
/// log three times counts twice) (changes with each answer, so a component of its own like
/// the badge).
#[function_component(OutcomeLine)]
fn outcome_line(props: &CardName) -> Html {
    let ctx = use_sim();
    let t = use_text();
    let sim = ctx.sim.borrow();
    let Some(p) = sim.run.cluster.producers().get(props.name.as_str()) else { return html! {} };
    let c = &p.client;
    html! { <span>{ fill(t.producer_outcome, &[&c.acknowledged, &c.failed, &c.duplicates]) }</span> }
}

#[derive(Properties, PartialEq)]
struct CardName {
    name: AttrValue,
}

/// A callback that edits the producer's current spec and sends `UpdateProducer`.
fn edit<E: 'static>(ctx: &Handle, name: &str, f: impl Fn(&mut ProducerSpec, E) + 'static) -> Callback<E> {
    let sim = ctx.sim.clone();
    let d = ctx.dispatch.clone();
    let name = name.to_string();
    Callback::from(move |e: E| {
        let spec = sim.borrow().run.cluster.producers().get(&name).map(|p| p.spec.clone());
        if let Some(mut spec) = spec {
            f(&mut spec, e);
            d.emit(Action::cmd(ErrorAt::Producer(name.clone()), Command::UpdateProducer { producer: spec }));
        }
    })
}

fn key_mode_value(k: &KeyMode) -> &'static str {
    match k {
        KeyMode::Fixed { .. } => "fixed",
        KeyMode::Set { .. } => "set",
        KeyMode::None => "none",
        KeyMode::Partition { .. } => "partition",
        KeyMode::Random => "random",
    }
}

#[derive(Properties, PartialEq)]
pub struct CardProps {
    pub name: AttrValue,
    /// `None` once the producer is gone (the card renders nothing).
    pub view: Rc<Option<ProducerView>>,
}

/// One producer's card (reads the model through the non-ticking handle).
#[function_component(ProducerCard)]
pub fn producer_card(props: &CardProps) -> Html {
    let ctx = use_handle();
    let t = use_text();
    let node = use_node_ref();
    let skipped = use_skipped(node.clone());
    use_report_skipped(skipped);
    let Some(v) = props.view.as_ref() else {
        return html! {};
    };
    let name = props.name.to_string();
    let id = |what: &str| format!("{name}-{what}");
    let spec = &v.spec;
    let d = ctx.dispatch.clone();
    let at = ErrorAt::Producer(name.clone());

    let on_topic = edit(&ctx, &name, |s, e: Event| s.topic = event_value(&e));
    let on_acks = edit(&ctx, &name, |s, e: Event| {
        s.config.insert("acks".into(), serde_json::Value::String(event_value(&e)));
        if event_value(&e) != "all" {
            // Idempotence needs acks=all (Kafka refuses the pair when set explicitly).
            s.config.insert("enable.idempotence".into(), serde_json::Value::Bool(false));
        } else {
            s.config.remove("enable.idempotence");
        }
    });
    let on_idempotence = edit(&ctx, &name, |s, e: Event| {
        let on = event_checked(&e);
        s.config.insert("enable.idempotence".into(), serde_json::Value::Bool(on));
        if on {
            // Kafka refuses idempotence without acks=all when it is set explicitly.
            s.config.insert("acks".into(), serde_json::Value::String("all".into()));
        }
    });
    let on_mode = edit(&ctx, &name, |s, e: Event| {
        s.keys = match event_value(&e).as_str() {
            "fixed" => KeyMode::Fixed { key: "user-1".into() },
            "set" => KeyMode::Set { prefix: "user-".into(), count: 6 },
            "partition" => KeyMode::Partition { partition: 0 },
            "random" => KeyMode::Random,
            _ => KeyMode::None,
        }
    });
    let on_key = edit(&ctx, &name, |s, v: String| s.keys = KeyMode::Fixed { key: v });
    let on_count = edit(&ctx, &name, |s, v: String| {
        if let KeyMode::Set { count, .. } = &mut s.keys {
            *count = v.trim().parse().unwrap_or(0);
        }
    });
    let on_partition = edit(&ctx, &name, |s, v: String| {
        s.keys = KeyMode::Partition { partition: v.trim().parse().unwrap_or(u32::MAX) }
    });
    let on_rate = edit(&ctx, &name, |s, v: String| s.rate = v.trim().parse().unwrap_or(-1.0));
    let on_user = edit(&ctx, &name, |s, e: Event| {
        let v = event_value(&e);
        s.user = (!v.is_empty()).then_some(v);
    });
    let hold = {
        let (n, paused, at) = (name.clone(), spec.paused, at.clone());
        d.reform(move |_: MouseEvent| {
            let cmd = if paused {
                Command::ResumeProducer { name: n.clone() }
            } else {
                Command::PauseProducer { name: n.clone() }
            };
            Action::cmd(at.clone(), cmd)
        })
    };
    let send_one = {
        let (n, keys, at, sim) = (name.clone(), spec.keys.clone(), at.clone(), ctx.sim.clone());
        d.reform(move |_: MouseEvent| {
            // The producer's sequence number now (it moves every frame; the card does not).
            let seq = sim.borrow().run.cluster.producers().get(&n).map_or(0, |p| p.seq);
            let (key, partition) = match &keys {
                KeyMode::Fixed { key } => (Some(key.clone()), None),
                KeyMode::Set { prefix, count } => {
                    (Some(format!("{prefix}{}", seq % u64::from((*count).max(1)) + 1)), None)
                }
                KeyMode::Random => (Some(format!("key-{}", seq.wrapping_mul(2_654_435_761) % 100_000)), None),
                KeyMode::Partition { partition } => (None, Some(*partition)),
                KeyMode::None => (None, None),
            };
            Action::cmd(
                at.clone(),
                Command::SendOne { producer: n.clone(), key, value: None, partition, headers: Vec::new() },
            )
        })
    };
    let remove = {
        let n = name.clone();
        d.reform(move |_: MouseEvent| {
            Action::cmd(ErrorAt::Global, Command::RemoveProducer { name: n.clone() })
        })
    };
    html! {
        <article class={classes!("card", "producer", spec.paused.then_some("held"))} aria-labelledby={id("h")} ref={node}>
            <header class="card-head">
                <h3 id={id("h")}>{ fill(t.producer_heading, &[&name]) }</h3>
                <SentBadge name={props.name.clone()} />
                if spec.paused { <span class="badge muted">{ t.paused }</span> }
            </header>
            <div class="grid">
                <label class="field">{ t.topic }
                    <select onchange={on_topic}>
                        { for v.topics.iter().map(|tn| html! {
                            <option value={tn.clone()} selected={*tn == spec.topic}>{ tn.clone() }</option>
                        }) }
                    </select>
                </label>
                <label class="field wide">{ t.key_mode }
                    <select onchange={on_mode}>
                        { for [("set", t.key_set), ("fixed", t.key_fixed), ("none", t.key_none), ("partition", t.key_partition), ("random", t.key_random)]
                            .into_iter().map(|(v, l)| html! {
                                <option value={v} selected={key_mode_value(&spec.keys) == v}>{ l }</option>
                            }) }
                    </select>
                </label>
                { match &spec.keys {
                    KeyMode::Fixed { key } => html! {
                        <label class="field">{ t.key }<CommitInput value={key.clone()} on_commit={on_key} /></label>
                    },
                    KeyMode::Set { prefix, count } => html! {
                        <label class="field" title={fill(t.key_count_title, &[prefix, prefix, count])}>{ t.key_count }
                            <CommitInput kind="number" min="1" max="10000" value={count.to_string()} on_commit={on_count} /></label>
                    },
                    KeyMode::Partition { partition } => html! {
                        <label class="field">{ t.partition }
                            <CommitInput kind="number" min="0" value={partition.to_string()} on_commit={on_partition} /></label>
                    },
                    _ => html! {},
                } }
                <label class="field" title={t.rate_help}>{ t.rate }
                    <CommitInput kind="number" min="0" max="1000" step="0.5" value={spec.rate.to_string()} on_commit={on_rate} />
                </label>
                if let Some(acks) = v.acks {
                    <label class="field" title={t.acks_help}>{ t.acks_label }
                        <select onchange={on_acks}>
                            { for [Acks::Zero, Acks::One, Acks::All].into_iter().map(|a| html! {
                                <option value={a.name()} selected={a == acks}>{ a.name() }</option>
                            }) }
                        </select>
                    </label>
                    <label class="field" title={t.idempotence_help}>
                        <input type="checkbox" checked={v.idempotent} onchange={on_idempotence} />
                        { "enable.idempotence" }
                    </label>
                }
                <label class="field">{ t.user }
                    <select onchange={on_user}>
                        <option value="" selected={spec.user.is_none()}>{ t.anonymous }</option>
                        { for v.users.iter().map(|u| html! {
                            <option value={u.clone()} selected={spec.user.as_deref() == Some(u.as_str())}>{ u.clone() }</option>
                        }) }
                    </select>
                </label>
            </div>
            if v.acks.is_some() {
                <p class="hint">
                    <OutcomeLine name={name.clone()} />
                    if let Some((id, epoch)) = v.producer_id {
                        { " · " }{ fill(t.producer_idempotent, &[&id, &epoch]) }
                    }
                </p>
            }
            if let Some(code) = v.client_error {
                <ErrorNote problem={Problem::kafka(code, "")} />
            }
            if let Some(e) = &v.error {
                <ErrorNote problem={e.clone()} />
            }
            <div class="actions">
                <button type="button" onclick={send_one} aria-label={fill(t.send_one_named, &[&name])}>{ t.send_one }</button>
                <button type="button" onclick={hold} title={t.hold_help}
                    aria-label={fill(if spec.paused { t.resume_named } else { t.hold_named }, &[&name])}>
                    { if spec.paused { t.resume } else { t.hold } }
                </button>
                <button type="button" class="danger" onclick={remove}
                    aria-label={fill(t.remove_producer, &[&name])}>{ t.remove }</button>
            </div>
        </article>
    }
}
