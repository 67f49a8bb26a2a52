//! The lesson's question panel ("Predict, then reveal"): the model — the questions, where each
//! stands, how the answer is read from the run — is [`crate::ui::state::predict`].

use super::state::predict::*;
use super::state::{use_handle, use_sim, Action, Sim};
use super::text::{fill, use_text, Lang, Text};
use crate::core::scenario::prediction::Ask;
use crate::core::time::format_clock;
use std::collections::BTreeSet;
use yew::prelude::*;

/// What the panel shows (compared, so the panel re-renders only when it changes).
#[derive(Debug, Clone, PartialEq)]
pub struct PanelView {
    pub index: usize,
    pub question: String,
    pub stage: Stage,
    pub multi: bool,
    pub choices: Vec<(String, String)>,
    /// The reveal: what the learner said and what the run did.
    pub answer: Vec<String>,
    /// The events that led there (narrated), then the group's assignment.
    pub lines: Vec<String>,
    pub explain: Option<String>,
    pub legend: String,
}

impl PanelView {
    pub fn of(sim: &Sim, t: &Text, lang: Lang) -> Option<Self> {
        let index = sim.predict.shown?;
        let q = sim.run.scenario.predict.get(index)?;
        let stage = sim.predict.stages.get(index)?.clone();
        let (multi, choices) = choices(sim, &q.ask, t, q.within_ms());
        let label = |k: &String| {
            choices.iter().find(|(key, _)| key == k).map_or_else(|| k.clone(), |(_, l)| l.clone())
        };
        let list = |set: &BTreeSet<String>| {
            if set.is_empty() {
                t.predict_nothing.to_string()
            } else {
                set.iter().map(label).collect::<Vec<_>>().join(", ")
            }
        };
        let (mut answer, mut lines) = (Vec::new(), Vec::new());
        if let Stage::Revealed(r) = &stage {
            answer.push(fill(t.predict_you_said, &[&list(&r.guess)]));
            answer.push(fill(t.predict_it_did, &[&format_clock(r.at), &list(&r.truth)]));
            lines.extend(super::why::tell(&r.story, lang));
            if let Some(a) = &r.assignment {
                lines.push(a[usize::from(lang == Lang::Ru)].clone());
            }
        }
        let legend = match &q.ask {
            Ask::Owns { consumer } => fill(t.predict_pick_partitions, &[consumer]),
            Ask::Owner { topic, partition, .. } => {
                fill(t.predict_pick_owner, &[&format!("{topic}-{partition}")])
            }
            Ask::Stops { group } => fill(t.predict_pick_stopped, &[group]),
            Ask::Rebalance { group } => fill(t.predict_pick_when, &[group]),
            Ask::Redelivers => t.predict_pick_redelivered.to_string(),
            Ask::Lost { topic } => fill(t.predict_pick_lost, &[topic]),
        };
        Some(PanelView {
            index,
            question: q.question.get(lang.code()).to_string(),
            stage,
            multi,
            choices,
            answer,
            lines,
            explain: q.explain.as_ref().map(|e| e.get(lang.code()).to_string()),
            legend,
        })
    }
}

/// The question panel beside the stage: the question and its choices, then the reveal; or,
/// when the lesson has questions and none is on screen, the "Ask me to predict" checkbox.
#[function_component(PredictPanel)]
pub fn predict_panel() -> Html {
    let ctx = use_sim();
    let t = use_text();
    let sim = ctx.sim.borrow();
    let count = sim.run.scenario.predict.len();
    let view = PanelView::of(&sim, t, ctx.lang);
    let on = sim.predict.on;
    drop(sim);
    // An embed plays its lesson straight through and keeps its aside small: no switch.
    if count == 0 || (ctx.embedded && view.is_none()) {
        return html! {};
    }
    html! { <PanelBody {view} {count} {on} /> }
}

#[derive(Properties, PartialEq)]
struct BodyProps {
    view: Option<PanelView>,
    count: usize,
    on: bool,
}

#[function_component(PanelBody)]
fn panel_body(props: &BodyProps) -> Html {
    let handle = use_handle();
    let t = use_text();
    let act = |a: PredictAction| handle.dispatch.reform(move |_: MouseEvent| Action::Predict(a.clone()));
    let toggle = {
        let dispatch = handle.dispatch.clone();
        Callback::from(move |e: yew::Event| {
            let on = super::dom::event_checked(&e);
            super::session::store(PREDICT_KEY, if on { "on" } else { "off" });
            dispatch.emit(Action::Predict(PredictAction::SetOn(on)));
        })
    };
    let switch = html! {
        <label class="predict-on">
            <input type="checkbox" checked={props.on} onchange={toggle} />
            { fill(t.predict_on, &[&props.count]) }
        </label>
    };
    let Some(v) = &props.view else {
        return html! { <section class="panel predict quiet" aria-label={t.predict_heading}>{ switch }</section> };
    };
    let body = match &v.stage {
        Stage::Asking(picked) => {
            let kind = if v.multi { "checkbox" } else { "radio" };
            let name = format!("predict-{}", v.index);
            html! {
                <>
                    <fieldset class="predict-choices">
                        <legend>{ v.legend.clone() }</legend>
                        { for v.choices.iter().map(|(key, label)| {
                            let k = key.clone();
                            let dispatch = handle.dispatch.clone();
                            let onchange = Callback::from(move |e: yew::Event| {
                                let on = super::dom::event_checked(&e);
                                dispatch.emit(Action::Predict(PredictAction::Pick(k.clone(), on)));
                            });
                            html! {
                                <label class="choice">
                                    <input type={kind} name={name.clone()} value={key.clone()}
                                        checked={picked.contains(key)} {onchange} />
                                    { label.clone() }
                                </label>
                            }
                        }) }
                    </fieldset>
                    <div class="predict-actions">
                        <button type="button" class="primary" onclick={act(PredictAction::Check)}
                            disabled={picked.is_empty() && !v.multi}>{ t.predict_check }</button>
                        <button type="button" onclick={act(PredictAction::Skip)}>{ t.predict_skip }</button>
                    </div>
                </>
            }
        }
        Stage::Checking { .. } => html! { <p class="muted">{ t.predict_waiting }</p> },
        Stage::Revealed(r) => {
            let (class, verdict) =
                if r.correct() { ("right", t.predict_right) } else { ("wrong", t.predict_wrong) };
            html! {
                <>
                    <p class={classes!("verdict", class)} role="status">{ verdict }</p>
                    { for v.answer.iter().map(|l| html! { <p class="answer">{ l.clone() }</p> }) }
                    if let Some(e) = &v.explain { <p class="explain">{ e.clone() }</p> }
                    <div class="predict-actions">
                        <button type="button" class="primary" onclick={act(PredictAction::Continue)}>{ t.predict_continue }</button>
                    </div>
                    if !v.lines.is_empty() {
                        <details class="predict-how" open=true>
                            <summary>{ t.predict_how }</summary>
                            <ol class="predict-story">
                                { for v.lines.iter().map(|l| html! { <li>{ l.clone() }</li> }) }
                            </ol>
                        </details>
                    }
                </>
            }
        }
        Stage::Ahead | Stage::Skipped => html! {},
    };
    html! {
        <section class="panel predict" aria-labelledby="h-predict">
            <h2 id="h-predict">{ t.predict_heading }</h2>
            <p class="question">{ v.question.clone() }</p>
            { body }
            { switch }
        </section>
    }
}
