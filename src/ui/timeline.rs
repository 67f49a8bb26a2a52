//! The timeline: narrated events in the current language, newest first, capped; filter by
//! words or subject; high-volume kinds (produced, fetched) hidden unless asked for; clicking an
//! entry shows when it happened, what it is about, and a link that goes back to that moment.

use super::dom::{event_checked, event_value};
use super::state::{use_handle, Action};
use super::text::{fill, use_text};
use crate::core::time::format_clock;
use yew::prelude::*;

/// Entries drawn at most (the model keeps more).
pub const SHOWN: usize = 150;

/// What tells whether the timeline has new entries: the run, and the newest narrated and
/// high-volume sequence numbers. [`App`](super::App) computes it each frame; the timeline
/// re-renders only when it changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Head {
    pub epoch: u64,
    pub narrated: u64,
    pub noisy: u64,
}

impl Head {
    pub fn of(sim: &super::state::Sim) -> Head {
        Head {
            epoch: sim.session.epoch,
            narrated: sim.projections.timeline.back().map_or(0, |e| e.seq),
            noisy: sim.projections.noisy.back().map_or(0, |e| e.seq),
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub head: Head,
}

#[function_component(Timeline)]
pub fn timeline(props: &TimelineProps) -> Html {
    let filter = use_state(String::new);
    let noisy = use_state(|| false);
    let selected = use_state(|| None::<u64>);
    let t = use_text();
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            let e: Event = e.into();
            filter.set(event_value(&e));
        })
    };
    let on_noisy = {
        let noisy = noisy.clone();
        Callback::from(move |e: Event| noisy.set(event_checked(&e)))
    };
    // High-volume entries arriving while they are hidden change nothing shown.
    let head = Head { noisy: if *noisy { props.head.noisy } else { 0 }, ..props.head };
    html! {
        <section class="panel timeline" aria-labelledby="h-timeline">
            <h2 id="h-timeline">{ t.timeline }</h2>
            <div class="timeline-tools">
                <label class="field">{ t.filter }
                    <input type="search" value={(*filter).clone()} oninput={on_filter} placeholder={t.filter_placeholder} />
                </label>
                <label class="inline"><input type="checkbox" checked={*noisy} onchange={on_noisy} />{ t.show_noisy }</label>
            </div>
            <Events {head} filter={(*filter).clone()} noisy={*noisy} selected={*selected}
                select={selected.setter()} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct EventsProps {
    head: Head,
    filter: String,
    noisy: bool,
    selected: Option<u64>,
    select: UseStateSetter<Option<u64>>,
}

/// The entries (read through the non-ticking handle: re-rendered when `head` or the filter
/// changes).
#[function_component(Events)]
fn events(props: &EventsProps) -> Html {
    let ctx = use_handle();
    let sim = ctx.sim.borrow();
    let t = use_text();
    // "Go to this moment": a link (the entry is one), handled here: replay to it and pause.
    let jump = |at: u64| {
        ctx.dispatch.reform(move |e: MouseEvent| {
            e.prevent_default();
            Action::Rewind(at)
        })
    };
    let needle = fold_case(props.filter.trim());
    let entries: Vec<_> = sim
        .entries(props.noisy)
        .into_iter()
        .filter(|e| {
            needle.is_empty()
                || fold_case(e.line(ctx.lang)).contains(&needle)
                || e.event.subjects().iter().any(|s| s.eq_ignore_ascii_case(&needle))
        })
        .take(SHOWN)
        .collect();
    html! {
        <>
            if entries.is_empty() { <p class="muted">{ t.no_events }</p> }
            <ol class="events" reversed=true>
                { for entries.into_iter().map(|e| {
                    let seq = e.seq;
                    let is_sel = props.selected == Some(seq);
                    let onclick = {
                        let select = props.select.clone();
                        Callback::from(move |_: MouseEvent| select.set(if is_sel { None } else { Some(seq) }))
                    };
                    html! {
                        <li key={seq} class={classes!(is_sel.then_some("selected"))}>
                            <button type="button" class="entry" aria-expanded={is_sel.to_string()} {onclick}>{ e.line(ctx.lang).to_string() }</button>
                            if is_sel {
                                <p class="entry-detail">
                                    { fill(t.happened_at, &[&format_clock(e.event.at)]) }
                                    { format!(" · {}: {}", t.about, e.event.subjects().join(", ")) }
                                    { " · " }
                                    <a href={format!("#t={}", e.event.at)} class="jump" onclick={jump(e.event.at)}>{ t.go_to_moment }</a>
                                </p>
                            }
                        </li>
                    }
                }) }
            </ol>
        </>
    }
}

/// Lower case for the filter, character by character: ASCII and Russian letters (the languages
/// the timeline speaks; Kafka's names are ASCII). Not `str::to_lowercase`: its Unicode tables
/// were ~12 kB of the wasm for this one search box (issue 18).
fn fold_case(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'А'..='Я' => char::from_u32(c as u32 + 0x20).unwrap_or(c),
            'Ё' => 'ё',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::fold_case;

    /// The filter folds English and Russian exactly as `to_lowercase` does.
    #[test]
    fn fold_case_is_to_lowercase_for_english_and_russian() {
        let letters: String = ('\u{20}'..='\u{7e}').chain('А'..='я').chain(['Ё', 'ё']).collect();
        assert_eq!(fold_case(&letters), letters.to_lowercase());
        assert_eq!(fold_case("Ёлка ОРДЕРС orders-3"), "ёлка ордерс orders-3");
    }
}
