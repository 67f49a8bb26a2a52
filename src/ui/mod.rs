//! The Yew UI: a thin layer over the core. It decides when to tick and how to draw; the core
//! decides what Kafka would do.
//!
//! # Layout
//! - [`state`] — the model ([`state::Sim`]: the `Cluster` plus screen-only state), actions,
//!   the reducer and the context every component reads.
//! - [`text`] — every UI string (one typed catalogue per language: English compiled in,
//!   Russian from `crate::i18n`'s data, fetched when first shown).
//! - [`controls`] — the header: clock, Play/Pause, Step, speed, projector mode, shortcuts.
//! - [`stage`] — the first screen: producers → partitions → consumers grouped by group, with
//!   shared colours, each group's state, generation and rebalance phase; Add producer/consumer.
//! - [`lanes`] — topics and their partitions as log lanes; "Add topic"; the Partitions field.
//! - [`producer_card`], [`consumer_card`] — one card per producer / consumer.
//! - [`groups`] — per group: state, members, the rebalance as it happens, the describe
//!   table and a lag sparkline.
//! - [`timeline`] — narrated events, filterable.
//! - [`users`] — authorization: users, roles on patterns, the ACLs they mean.
//! - [`glossary`] — a short glossary.
//! - [`predict`] — a lesson's questions: predict, then reveal (checked against the run).
//! - [`why`] — "Why?": the chain of the core's events behind a consumer, producer, partition.
//! - [`session`] — Scenario and Language selects, Share, Export/Import, Reset, autosave,
//!   notices, "What to watch for"; [`start`] decides what an instance starts with.
//! - [`dom`] — small helpers (values from events, the page clock).
//! - [`held`] — long lists: items off screen wait while the clock runs, and catch up a few a frame.
//! - [`embed`] — the wasm-bindgen `mount` API behind `static/embed.js`.
//!
//! Invariants: the cluster lives in one `Rc<RefCell<..>>` and is never cloned per frame;
//! text from the model (record keys, names) is rendered as text nodes, never as HTML.

pub mod brokers;
pub mod consumer_card;
pub mod controls;
pub mod dom;
pub mod embed;
pub mod field;
pub mod glossary;
pub mod groups;
pub mod held;
pub mod lanes;
pub mod library;
pub mod predict;
pub mod problem;
pub mod producer_card;
pub mod session;
pub mod share_panel;
pub mod stage;
pub mod start;
pub mod state;
pub mod terminal;
pub mod text;
pub mod timeline;

#[cfg(test)]
mod truth_tests;
pub mod users;
pub mod why;

use state::{Action, Ctx, SimState};
use yew::prelude::*;

/// How often the tick loop runs, in real milliseconds (about one frame).
pub const TICK_MS: u32 = 16;
/// How often the session is saved while the clock runs, in real milliseconds.
pub const AUTOSAVE_MS: u32 = 3_000;

/// Which controls an instance shows (the embed's `controls` attribute).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Controls {
    /// Everything: the full playground page.
    #[default]
    Full,
    /// A docs-page instance: time controls, the lanes, cards and groups; no editing panels.
    Minimal,
    /// A scenario player: time controls only.
    Player,
}

impl Controls {
    pub fn parse(s: &str) -> Option<Controls> {
        match s {
            "full" => Some(Controls::Full),
            "minimal" => Some(Controls::Minimal),
            "player" => Some(Controls::Player),
            _ => None,
        }
    }
}

/// What an instance starts with. The page (`index.html`) passes what the URL says; an embed
/// passes its element's attributes.
#[derive(Properties, Clone, Debug, Default, PartialEq)]
pub struct AppProps {
    /// A built-in scenario id (`?scenario=ID`, or the embed's `scenario` attribute).
    #[prop_or_default]
    pub scenario: Option<AttrValue>,
    #[prop_or_default]
    pub controls: Controls,
    /// UI language, `en` or `ru`; `None` follows the page, then the browser.
    #[prop_or_default]
    pub lang: Option<AttrValue>,
    /// Embedded in a host page: no autosave, no reading or writing the address, no
    /// page-wide keyboard shortcuts (several instances share one page).
    #[prop_or_default]
    pub embedded: bool,
}

/// The whole page (or one embedded instance).
#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let state = {
        let (scenario, lang, embedded) = (props.scenario.clone(), props.lang.clone(), props.embedded);
        use_reducer(move || SimState::new(session::initial(scenario.as_deref(), lang.as_deref(), embedded)))
    };
    // Autosave (not when embedded): on each user command, every few seconds while the clock
    // moves, and when the page is left.
    {
        let sim = state.sim.clone();
        let dispatcher = state.dispatcher();
        let embedded = props.embedded;
        use_effect_with(state.version, move |_| {
            if !embedded && sim.borrow().session.save_due {
                let ok = session::autosave(&sim.borrow());
                dispatcher.dispatch(Action::Saved(ok));
            }
        });
    }
    // A share link pasted into the address of a page already open: opened (after asking, when
    // it would replace work; the replaced session is kept as "previous session").
    {
        let sim = state.sim.clone();
        let dispatcher = state.dispatcher();
        let embedded = props.embedded;
        use_effect_with((), move |_| {
            let listener = (!embedded).then(|| {
                gloo::events::EventListener::new(&gloo::utils::window(), "hashchange", move |_| {
                    let Some(hash) = session::hash().filter(|h| h.starts_with("#s=")) else { return };
                    session::clear_hash();
                    let (work, lang) = {
                        let s = sim.borrow();
                        (s.has_work(), s.lang)
                    };
                    match crate::core::share::decode(&hash) {
                        Ok(shared) => {
                            if work && !session::confirm(text::text_for(lang).open_link_confirm) {
                                return;
                            }
                            dispatcher.dispatch(Action::Load(Box::new(state::Load {
                                at: shared.at,
                                playing: false,
                                notice: Some(state::Notice::LinkOpened(shared.at)),
                                scenario: shared.scenario,
                            })));
                        }
                        Err(e) => dispatcher.dispatch(Action::Notify(state::Notice::LinkFailed(e))),
                    }
                })
            });
            move || drop(listener)
        });
    }
    {
        let sim = state.sim.clone();
        let embedded = props.embedded;
        use_effect_with((), move |_| {
            let mut handles = None;
            if !embedded {
                let last = std::cell::Cell::new(None);
                let every = {
                    let sim = sim.clone();
                    gloo::timers::callback::Interval::new(AUTOSAVE_MS, move || {
                        let s = sim.borrow();
                        if last.get() != Some(s.now()) {
                            last.set(Some(s.now()));
                            session::autosave(&s);
                        }
                    })
                };
                let on_leave =
                    gloo::events::EventListener::new(&gloo::utils::window(), "pagehide", move |_| {
                        session::autosave(&sim.borrow());
                    });
                handles = Some((every, on_leave));
            }
            move || drop(handles)
        });
    }

    // The tick loop: each frame advances the core by real elapsed time × speed.
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            let interval = gloo::timers::callback::Interval::new(TICK_MS, move || {
                dispatcher.dispatch(Action::Tick(dom::now_ms()))
            });
            move || drop(interval)
        });
    }
    // Keyboard shortcuts: Space play/pause, → and PageDown step, PageUp play/pause.
    // Page-wide on the page; an embedded instance takes them only with focus inside it
    // (`onkeydown` on its `<main>` below), so several instances on one page never compete.
    {
        let dispatcher = state.dispatcher();
        use_effect_with(props.embedded, move |embedded| {
            // Not passive: a handled key must not also scroll the page.
            let listener = (!*embedded).then(|| {
                gloo::events::EventListener::new_with_options(
                    &gloo::utils::window(),
                    "keydown",
                    gloo::events::EventListenerOptions::enable_prevent_default(),
                    move |e| {
                        if let Some(action) = shortcut(e) {
                            dispatcher.dispatch(action);
                        }
                    },
                )
            });
            move || drop(listener)
        });
    }
    let onkeydown = props.embedded.then(|| {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: KeyboardEvent| {
            if let Some(action) = shortcut(&e) {
                dispatcher.dispatch(action);
            }
        })
    });

    let dispatch = {
        let dispatcher = state.dispatcher();
        Callback::from(move |a: Action| dispatcher.dispatch(a))
    };
    // The language asked for is shown once its words are here: Russian is data, fetched the
    // first time it is needed (`dist/ru.json`); until then the page stays in English.
    let wanted = state.sim.borrow().lang;
    {
        let dispatcher = state.dispatcher();
        use_effect_with(wanted, move |wanted| {
            if !wanted.is_loaded() {
                text::load(*wanted, Callback::from(move |()| dispatcher.dispatch(Action::LanguageLoaded)));
            }
        });
    }
    let lang = if wanted.is_loaded() { wanted } else { text::Lang::En };
    let ctx =
        Ctx { sim: state.sim.clone(), version: state.version, lang, embedded: props.embedded, dispatch };
    let handle = state::Handle::from(&ctx);
    // The session bar, the notices and "what to watch for" show only what edits change (a
    // load, the language, a share link, a notice), never the clock moving: under a context whose
    // version is `edits`, they do not re-render on every frame.
    let edits = Ctx { version: state.edits, ..ctx.clone() };
    let projector = state.sim.borrow().projector;
    let timeline_head = timeline::Head::of(&state.sim.borrow());
    let t = text::text_for(lang);
    // Minimal and Player drop panels here; what they hide inside shared panels (the add-topic
    // form, the Partitions field) is hidden by `mode-*` rules in static/embed.css.
    let full = props.controls == Controls::Full;
    let mode_class = match props.controls {
        Controls::Full => None,
        Controls::Minimal => Some("mode-minimal"),
        Controls::Player => Some("mode-player"),
    };
    html! {
        <ContextProvider<text::LangContext> context={text::LangContext(lang)}>
        <ContextProvider<state::Handle> context={handle}>
        <ContextProvider<Ctx> context={ctx}>
            <main class={classes!("app", projector.then_some("projector"), props.embedded.then_some("embedded"), mode_class)}
                tabindex={props.embedded.then_some("-1")} {onkeydown}>
                <header class="top">
                    <div class="brand">
                        <h1>{ t.app_name }</h1>
                        <p class="tagline">{ t.tagline }</p>
                    </div>
                    <controls::Controls />
                    <controls::ReplayProgress />
                </header>
                <ContextProvider<Ctx> context={edits.clone()}>
                    if full { <session::SessionBar /> }
                </ContextProvider<Ctx>>
                <GlobalError />
                // The stage (producers → partitions → groups) with what to watch for beside
                // it: one screen. Everything else is in the panels under it, so nothing
                // there pushes the stage away. Every mode says what the scenario shows
                // (folded when embedded): a player is still a lesson.
                <div class="stage-row">
                    <stage::Stage can_edit={props.controls != Controls::Player} />
                    <aside class="stage-aside">
                        <ContextProvider<Ctx> context={edits.clone()}>
                            <session::Notices />
                            <predict::PredictPanel />
                        </ContextProvider<Ctx>>
                        <why::WhyPanel />
                        <ContextProvider<Ctx> context={edits}>
                            <session::WatchFor />
                        </ContextProvider<Ctx>>
                    </aside>
                </div>
                <lanes::ClusterView />
                <brokers::Brokers />
                if props.controls != Controls::Player {
                    <div class="columns">
                        <producer_card::Producers />
                        <consumer_card::Consumers />
                    </div>
                }
                <groups::Groups />
                <share_panel::ShareGroups />
                if full {
                    <div class="columns">
                        <timeline::Timeline head={timeline_head} />
                        <users::Users />
                    </div>
                    <terminal::Terminal />
                    <glossary::Glossary />
                }
            </main>
        </ContextProvider<Ctx>>
        </ContextProvider<state::Handle>>
        </ContextProvider<text::LangContext>>
    }
}

/// Errors that belong to no card (e.g. "Add consumer" with no topic).
#[function_component(GlobalError)]
fn global_error() -> Html {
    let ctx = state::use_sim();
    let sim = ctx.sim.borrow();
    match sim.errors.get(&state::ErrorAt::Global) {
        Some(e) => html! { <problem::ErrorNote problem={e.clone()} /> },
        None => html! {},
    }
}

/// The action a key press stands for, if any. Keys typed into a field (or Space on a focused
/// button or link) keep their usual meaning.
pub fn shortcut(e: &web_sys::Event) -> Option<Action> {
    use wasm_bindgen::JsCast;
    let k = e.dyn_ref::<web_sys::KeyboardEvent>()?;
    if k.ctrl_key() || k.alt_key() || k.meta_key() || k.default_prevented() {
        return None;
    }
    let tag = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
        .map(|el| (el.tag_name().to_ascii_lowercase(), el.is_content_editable()));
    let in_field = matches!(&tag, Some((t, editable)) if *editable || matches!(t.as_str(), "input" | "select" | "textarea"));
    let on_control = matches!(&tag, Some((t, _)) if matches!(t.as_str(), "button" | "a" | "summary"));
    if in_field {
        return None;
    }
    // W (by its place on the keyboard, so in any layout): "Why?" for the item in focus.
    if k.code() == "KeyW" && !k.shift_key() {
        let target = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("[data-why]").ok().flatten())
            .and_then(|el| el.get_attribute("data-why"))
            .and_then(|a| state::why_target::WhyTarget::parse(&a))?;
        e.prevent_default();
        return Some(Action::Why(Some(target)));
    }
    let action = match k.key().as_str() {
        "Escape" => return Some(Action::Why(None)),
        " " | "Spacebar" if !on_control => Action::TogglePlay,
        "PageUp" => Action::TogglePlay,
        "ArrowRight" if k.shift_key() => Action::StepEvent,
        "ArrowRight" | "PageDown" => Action::Step,
        _ => return None,
    };
    e.prevent_default();
    Some(action)
}
