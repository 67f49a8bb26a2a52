//! The terminal panel: the scroll-back, the prompt and "Run as"; the model (the commands, the
//! console clients, the scroll-back's lines) is [`crate::ui::state::terminal`].

use super::state::terminal::*;
use super::state::{use_handle, use_sim, Action};
use super::text::use_text;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// The terminal panel (on the ticking context only to build its small view).
#[function_component(Terminal)]
pub fn terminal() -> Html {
    let ctx = use_sim();
    let sim = ctx.sim.borrow();
    let view = View {
        version: sim.terminal.version,
        users: sim.run.cluster.authorizer().users().map(|u| u.as_str().to_string()).collect(),
        user: sim.terminal.user.clone(),
        producing: sim.terminal.producing.is_some(),
        running: sim.terminal.running.len(),
    };
    html! { <Panel {view} /> }
}

#[derive(Debug, Clone, PartialEq)]
struct View {
    version: u64,
    users: Rc<[String]>,
    user: Option<String>,
    producing: bool,
    running: usize,
}

#[derive(Properties, PartialEq)]
struct PanelProps {
    view: View,
}

#[function_component(Panel)]
fn panel(props: &PanelProps) -> Html {
    let h = use_handle();
    let t = use_text();
    let input = use_node_ref();
    let out_ref = use_node_ref();
    // Position in the history while ↑/↓ browse it (None: the line being typed).
    let cursor = use_mut_ref(|| None::<usize>);
    let candidates = use_state(Vec::<String>::new);
    let v = &props.view;
    // Keep the newest line in view.
    {
        let out_ref = out_ref.clone();
        use_effect_with(v.version, move |_| {
            if let Some(el) = out_ref.cast::<web_sys::HtmlElement>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    let onkeydown = {
        let (d, sim, input, cursor, candidates) =
            (h.dispatch.clone(), h.sim.clone(), input.clone(), cursor.clone(), candidates.clone());
        Callback::from(move |e: KeyboardEvent| {
            let Some(el) = input.cast::<HtmlInputElement>() else { return };
            let key = e.key();
            if e.ctrl_key() {
                match key.as_str() {
                    "c" | "C" => {
                        e.prevent_default();
                        el.set_value("");
                        d.emit(Action::Terminal(TermAction::Interrupt));
                    }
                    "d" | "D" => {
                        e.prevent_default();
                        d.emit(Action::Terminal(TermAction::EndOfInput));
                    }
                    "l" | "L" => {
                        e.prevent_default();
                        d.emit(Action::Terminal(TermAction::Clear));
                    }
                    _ => {}
                }
                return;
            }
            match key.as_str() {
                "Enter" => {
                    e.prevent_default();
                    let line = el.value();
                    el.set_value("");
                    *cursor.borrow_mut() = None;
                    candidates.set(Vec::new());
                    d.emit(Action::Terminal(TermAction::Run(line)));
                }
                "ArrowUp" | "ArrowDown" => {
                    e.prevent_default();
                    let history = sim.borrow().terminal.history.clone();
                    if history.is_empty() {
                        return;
                    }
                    let mut c = cursor.borrow_mut();
                    let next = match (key.as_str(), *c) {
                        ("ArrowUp", None) => Some(history.len() - 1),
                        ("ArrowUp", Some(i)) => Some(i.saturating_sub(1)),
                        ("ArrowDown", Some(i)) if i + 1 < history.len() => Some(i + 1),
                        _ => None,
                    };
                    *c = next;
                    el.set_value(next.map_or("", |i| history[i].as_str()));
                }
                "Tab" => {
                    e.prevent_default();
                    let (line, list) = complete(&sim.borrow(), &el.value());
                    el.set_value(&line);
                    candidates.set(list);
                }
                _ => {}
            }
        })
    };
    let on_user = {
        let d = h.dispatch.clone();
        Callback::from(move |e: web_sys::Event| {
            let v = e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok()).map(|s| s.value());
            let user = v.filter(|v| !v.is_empty());
            d.emit(Action::Terminal(TermAction::RunAs(user)));
        })
    };
    let on_stop = h.dispatch.reform(|_: MouseEvent| Action::Terminal(TermAction::Interrupt));
    let on_clear = h.dispatch.reform(|_: MouseEvent| Action::Terminal(TermAction::Clear));
    let copy = |text: String| {
        Callback::from(move |_: MouseEvent| {
            let text = text.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let _ = super::session::copy_to_clipboard(text).await;
            });
        })
    };
    let sim = h.sim.borrow();
    let lines = &sim.terminal.lines;
    let all_text: String = lines.iter().map(|l| format!("{}\n", l.text)).collect();
    let prompt = if v.producing { ">" } else { "$" };
    html! {
        <section class="panel terminal" role="region" aria-label={t.terminal}>
            <div class="terminal-head">
                <h2>{ t.terminal }</h2>
                <label class="inline">{ t.run_as }
                    <select onchange={on_user} aria-label={t.run_as}>
                        <option value="" selected={v.user.is_none()}>{ t.run_as_none }</option>
                        { for v.users.iter().map(|u| html! { <option value={u.clone()} selected={v.user.as_deref() == Some(u.as_str())}>{ format!("User:{u}") }</option> }) }
                    </select>
                </label>
                if v.running > 0 || v.producing {
                    <button type="button" onclick={on_stop}>{ t.stop_console }</button>
                }
                <button type="button" onclick={copy(all_text)}>{ t.copy_output }</button>
                <button type="button" onclick={on_clear}>{ t.clear_terminal }</button>
            </div>
            <p class="help">{ t.terminal_help }</p>
            <div class="terminal-out" ref={out_ref} role="log" aria-live="polite" tabindex="0">
                { for lines.iter().map(|l| {
                    let class = match l.kind {
                        LineKind::Prompt => "t-prompt",
                        LineKind::Out => "t-out",
                        LineKind::Err => "t-err",
                        LineKind::Echo => "t-echo",
                    };
                    if l.kind == LineKind::Echo {
                        html! {
                            <div class={class}>
                                <span class="t-echo-label">{ t.you_would_type }</span>{ " " }
                                <code>{ l.text.clone() }</code>{ " " }
                                <button type="button" class="t-copy" onclick={copy(l.text.clone())}>{ t.copy }</button>
                            </div>
                        }
                    } else {
                        html! { <pre class={class}>{ l.text.clone() }</pre> }
                    }
                }) }
            </div>
            if !candidates.is_empty() {
                <pre class="t-candidates">{ candidates.join("  ") }</pre>
            }
            <div class="terminal-input">
                <span class="t-ps1" aria-hidden="true">{ prompt }</span>
                <input ref={input} type="text" aria-label={t.command} autocomplete="off" autocapitalize="off"
                    spellcheck="false" placeholder="kafka-topics.sh --bootstrap-server localhost:9092 --list" {onkeydown} />
            </div>
        </section>
    }
}
