//! The session: which scenario runs and how it leaves the page — the Scenario and Language
//! selects, Share (a link to this moment), Export / Import (a scenario file), Reset, the
//! autosave in `localStorage`, notices, and the "What to watch for" panel.
//!
//! The decisions are pure ([`super::start`], [`super::state`]); this module does the browser's
//! part (address, storage, clipboard, downloads, files). Nothing here logs to the console:
//! bad links, files and saves are told to the person as notices.

use super::library;
use super::start::{self, AUTOSAVE_KEY, LANG_KEY, REJECTED_KEY};
use super::state::{use_sim, Action, Load, Notice, Sim};
use super::text::{fill, use_text, Lang};
use crate::core::scenario::Scenario;
use crate::core::share;
use crate::core::time::Millis;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::prelude::*;

// ---- the browser's part ----

/// The browser's window; `None` natively, where the same components render the posters
/// (src/bin/playground-poster.rs) and there is no browser to ask or change.
fn window() -> Option<web_sys::Window> {
    if cfg!(target_arch = "wasm32") {
        web_sys::window()
    } else {
        None
    }
}

fn storage() -> Option<web_sys::Storage> {
    window()?.local_storage().ok().flatten()
}

pub fn stored(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// `false` when the browser refuses (private mode, quota, sandbox).
pub fn store(key: &str, value: &str) -> bool {
    storage().is_some_and(|s| s.set_item(key, value).is_ok())
}

pub fn unstore(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

fn location() -> Option<web_sys::Location> {
    window().map(|w| w.location())
}

/// `location.hash` (with its `#`), if any.
pub fn hash() -> Option<String> {
    location()?.hash().ok().filter(|h| !h.is_empty())
}

/// A parameter of the address's query (`?scenario=…`, `?lang=…`).
pub fn query(name: &str) -> Option<String> {
    let search = location()?.search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
}

/// The address without its `#…`: what a share link is built on.
pub fn address_without_hash() -> String {
    let href = location().and_then(|l| l.href().ok()).unwrap_or_default();
    match href.split_once('#') {
        Some((base, _)) => base.to_string(),
        None => href,
    }
}

/// What a share link is built on: the page's address without its query (`?scenario=`,
/// `?lang=`: the link carries the scenario, and the receiver's language is theirs) or hash.
pub fn share_base() -> String {
    let Some(l) = location() else { return String::new() };
    format!("{}{}", l.origin().unwrap_or_default(), l.pathname().unwrap_or_default())
}

/// Removes `?name=…` from the address (keeping the rest) without reloading or adding a
/// history entry.
pub fn drop_query(name: &str) {
    let Some(w) = window() else { return };
    let l = w.location();
    let (Ok(search), Ok(path), Ok(hash)) = (l.search(), l.pathname(), l.hash()) else { return };
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else { return };
    params.delete(name);
    let rest = String::from(params.to_string());
    let address = if rest.is_empty() { format!("{path}{hash}") } else { format!("{path}?{rest}{hash}") };
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&address));
    }
}

/// Removes `#…` from the address without reloading or adding a history entry.
pub fn clear_hash() {
    let Some(w) = window() else { return };
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&address_without_hash()));
    }
}

fn html_element() -> Option<web_sys::Element> {
    window()?.document()?.document_element()
}

pub fn html_lang() -> Option<String> {
    html_element()?.get_attribute("lang")
}

pub fn set_html_lang(lang: Lang) {
    if let Some(e) = html_element() {
        let _ = e.set_attribute("lang", lang.code());
    }
}

pub fn navigator_language() -> Option<String> {
    window()?.navigator().language()
}

/// Writes `text` to the clipboard; `false` if the browser has no clipboard or refuses.
pub async fn copy_to_clipboard(text: String) -> bool {
    let Some(w) = window() else { return false };
    let navigator = w.navigator();
    let Ok(clipboard) = js_sys::Reflect::get(&navigator, &"clipboard".into()) else { return false };
    if clipboard.is_undefined() || clipboard.is_null() {
        return false;
    }
    let clipboard: web_sys::Clipboard = clipboard.unchecked_into();
    JsFuture::from(clipboard.write_text(&text)).await.is_ok()
}

#[wasm_bindgen::prelude::wasm_bindgen(inline_js = r#"
export async function deflateRaw(text) {
  const packed = new Blob([text]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(packed).arrayBuffer());
}"#)]
extern "C" {
    #[wasm_bindgen(catch, js_name = deflateRaw)]
    async fn deflate_raw(text: &str) -> Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>;
}

/// A share link to this moment. Compressed by the browser (`CompressionStream`), which keeps
/// a DEFLATE encoder out of the wasm; `None` if the browser cannot.
async fn share_link(envelope: String) -> Option<String> {
    let packed = deflate_raw(&envelope).await.ok()?;
    let bytes = js_sys::Uint8Array::new(&packed).to_vec();
    Some(format!("{}#s={}", share_base(), share::fragment(&bytes)))
}

/// Offers `text` as a download named `name` (Blob + object URL + a temporary `<a download>`).
pub fn download(name: &str, text: &str) -> bool {
    let run = || -> Option<()> {
        let document = window()?.document()?;
        let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("application/json");
        let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
        let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
        let a: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
        a.set_href(&url);
        a.set_download(name);
        a.click();
        // Revoked a little later: some browsers read the URL after click() returns.
        gloo::timers::callback::Timeout::new(10_000, move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        })
        .forget();
        Some(())
    };
    run().is_some()
}

/// The first file picked in `input`: its name and text.
async fn read_file(input: &HtmlInputElement) -> Option<(String, String)> {
    let file = input.files()?.get(0)?;
    let name = file.name();
    let text = JsFuture::from(file.text()).await.ok()?.as_string()?;
    Some((name, text))
}

/// Saves the session (not when embedded); `false` if the browser refused.
pub fn autosave(sim: &Sim) -> bool {
    store(AUTOSAVE_KEY, &share::envelope(&sim.export(), sim.at()))
}

/// `orders-01-05.json`: the scenario id and the simulated time.
pub fn export_name(scenario: &Scenario, at: Millis) -> String {
    let id = if scenario.id.trim().is_empty() { "playground" } else { scenario.id.as_str() };
    let safe: String =
        id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    format!("{safe}-{:02}-{:02}.json", at / 60_000, (at / 1000) % 60)
}

/// The model an instance starts with: what the address, the props and the storage say
/// (see [`start::choose`]). Also does the browser's part of that decision: sets an
/// unreadable autosave aside, removes a link from the address, sets `<html lang>`.
pub fn initial(scenario_prop: Option<&str>, lang_prop: Option<&str>, embedded: bool) -> Sim {
    let (hash, query_scenario, query_lang, saved, stored_lang) = if embedded {
        (None, None, None, None, None)
    } else {
        (hash(), query("scenario"), query("lang"), stored(AUTOSAVE_KEY), stored(LANG_KEY))
    };
    let from_address = query_scenario.is_some();
    let scenario = scenario_prop.map(str::to_string).or(query_scenario);
    let lang_wish = lang_prop.map(str::to_string).or(query_lang);
    let lang = start::choose_lang(
        lang_wish.as_deref(),
        stored_lang.as_deref(),
        html_lang().as_deref(),
        navigator_language().as_deref(),
        embedded,
    );
    let start = start::choose(hash.as_deref(), scenario.as_deref(), saved.as_deref());
    if !embedded {
        if start.reject_autosave {
            if let Some(old) = &saved {
                store(REJECTED_KEY, old);
            }
            unstore(AUTOSAVE_KEY);
        }
        if start.clear_hash {
            clear_hash();
        }
        if from_address {
            // Like a link, `?scenario=` is read once: a reload then reopens the session as the
            // person left it (the autosave), not a fresh copy of the lesson.
            drop_query("scenario");
        }
        set_html_lang(lang);
    }
    let mut sim = Sim::new();
    sim.handle(Action::SetLang(lang));
    let notice = start.load.notice.clone();
    if sim.load(start.load).is_err() {
        // Cannot happen for what `choose` returns (each is validated); say so rather than panic.
        if let Some(n) = notice {
            sim.handle(Action::Notify(n));
        }
    }
    sim.previous = start.previous;
    sim.save_due = false;
    sim
}

// ---- the panels ----

/// Notices above the playground, each dismissible; and "Restore previous session".
#[function_component(Notices)]
pub fn notices() -> Html {
    let ctx = use_sim();
    let t = use_text();
    let sim = ctx.sim.borrow();
    if sim.notices.is_empty() && sim.previous.is_none() {
        return html! {};
    }
    let restore = ctx.dispatch.reform(|_: MouseEvent| Action::RestorePrevious);
    html! {
        <section class="notices" aria-label={t.messages}>
            { for sim.notices.iter().enumerate().map(|(i, n)| {
                let dismiss = ctx.dispatch.reform(move |_: MouseEvent| Action::Dismiss(i));
                let error = n.is_error();
                let undo = matches!(n, Notice::FutureCut(..)) && sim.uncut.is_some();
                html! {
                    <div class={classes!("notice", error.then_some("bad"))} role={if error { "alert" } else { "status" }}>
                        <p>{ n.text(ctx.lang) }</p>
                        if undo {
                            <button type="button" onclick={ctx.dispatch.reform(|_: MouseEvent| Action::UndoCut)}>{ t.undo_cut }</button>
                        }
                        <button type="button" class="dismiss" onclick={dismiss}>{ t.dismiss }</button>
                    </div>
                }
            }) }
            if sim.previous.is_some() {
                <div class="notice" role="status">
                    <p>{ t.previous_kept }</p>
                    <button type="button" onclick={restore}>{ t.restore_previous }</button>
                </div>
            }
        </section>
    }
}

/// Scenario and Language selects, Share, Export, Import, Reset, and the share link.
#[function_component(SessionBar)]
pub fn session_bar() -> Html {
    let ctx = use_sim();
    let t = use_text();
    let file_input = use_node_ref();
    let sim = ctx.sim.borrow();
    let d = ctx.dispatch.clone();
    let lang = ctx.lang;
    let embedded = ctx.embedded;

    // The built-ins' ids and titles (their scenario files are fetched when chosen).
    let built_ins = use_memo((), |_| {
        library::CATALOGUE.iter().map(|e| (e.id.to_string(), e.title())).collect::<Vec<_>>()
    });
    let current_id = sim.scenario().id.clone();
    let is_built_in = library::is_built_in(&current_id);
    let on_scenario = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            let id = super::dom::event_value(&e);
            let d = d.clone();
            library::when_here(&id.clone(), move || d.emit(Action::LoadBuiltIn(id)));
        })
    };
    // The select shows the scenario loaded, however it was loaded (Restore, Reset, Import, a
    // link): an option's `selected` attribute alone does not move a select the person changed.
    let scenario_select = use_node_ref();
    {
        let node = scenario_select.clone();
        let shown = if is_built_in { current_id.clone() } else { String::new() };
        use_effect_with(shown, move |shown| {
            if let Some(sel) = node.cast::<web_sys::HtmlSelectElement>() {
                if sel.value() != *shown {
                    sel.set_value(shown);
                }
            }
        });
    }
    let on_lang = d.reform(move |e: Event| {
        let lang = Lang::parse(&super::dom::event_value(&e)).unwrap_or_default();
        if !embedded {
            store(LANG_KEY, lang.code());
            set_html_lang(lang);
        }
        Action::SetLang(lang)
    });
    let on_share = {
        let sim = ctx.sim.clone();
        let d = d.clone();
        Callback::from(move |_: MouseEvent| {
            let envelope = {
                let s = sim.borrow();
                share::envelope(&s.export(), s.at())
            };
            let d = d.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let Some(link) = share_link(envelope).await else {
                    d.emit(Action::ShareLink(String::new(), Some(false)));
                    return;
                };
                d.emit(Action::ShareLink(link.clone(), None));
                let ok = copy_to_clipboard(link.clone()).await;
                d.emit(Action::ShareLink(link, Some(ok)));
            });
        })
    };
    let on_export = {
        let sim = ctx.sim.clone();
        Callback::from(move |_: MouseEvent| {
            let s = sim.borrow();
            let scenario = s.export();
            download(&export_name(&scenario, s.at()), &scenario.to_json());
        })
    };
    let on_import_click = {
        let input = file_input.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(i) = input.cast::<HtmlInputElement>() {
                i.click();
            }
        })
    };
    let on_file = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
            let d = d.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let picked = read_file(&input).await;
                // The same file can be picked again.
                input.set_value("");
                let Some((name, text)) = picked else { return };
                match Scenario::from_json(&text) {
                    Ok(scenario) => d.emit(Action::Load(Box::new(Load {
                        scenario,
                        at: 0,
                        playing: true,
                        notice: Some(Notice::Imported(name)),
                    }))),
                    Err(err) => d.emit(Action::Notify(Notice::ImportFailed(name, err.to_string()))),
                }
            });
        })
    };
    let on_reset = d.reform(|_: MouseEvent| Action::Reset);
    let custom_title = {
        let title = sim.scenario().title.get(lang.code());
        fill(t.custom_scenario, &[&if title.is_empty() { current_id.as_str() } else { title }])
    };
    html! {
        <section class="session" aria-label={t.session}>
            <label class="field scenario-pick">{ t.scenario }
                <select ref={scenario_select} onchange={on_scenario} title={t.scenario_help} aria-label={t.scenario}>
                    if !is_built_in {
                        <option value="" selected=true disabled=true>{ custom_title }</option>
                    }
                    { for built_ins.iter().map(|(id, title)| html! {
                        <option value={id.clone()} selected={*id == current_id}>{ title.get(lang.code()).to_string() }</option>
                    }) }
                </select>
            </label>
            <div class="session-actions">
                // A share link opens the playground page; an embedded instance lives on a host
                // page that does not read `#s=`, so it offers Export instead.
                if !embedded {
                    <button type="button" onclick={on_share}>{ t.share }</button>
                }
                <button type="button" onclick={on_export}>{ t.export }</button>
                <button type="button" onclick={on_import_click}>{ t.import }</button>
                // Not rendered (`hidden`): out of the tab order and the accessibility tree, so
                // the one Import control is the button above, which opens it.
                <input ref={file_input} type="file" accept=".json,application/json" hidden=true
                    aria-label={t.import_file} onchange={on_file} />
                <button type="button" onclick={on_reset}>{ t.reset }</button>
            </div>
            <label class="field lang-pick">{ t.language }
                <select onchange={on_lang} aria-label={t.language}>
                    { for Lang::ALL.iter().map(|l| html! {
                        <option value={l.code()} lang={l.code()} selected={*l == lang}>{ l.name() }</option>
                    }) }
                </select>
            </label>
            if sim.share.as_ref().is_some_and(|(link, _)| link.is_empty()) {
                <p class="muted share-out" role="status">{ t.share_unsupported }</p>
            } else if let Some((link, copied)) = &sim.share {
                <div class="share-out">
                    <label class="field">{ t.share_link }
                        <input type="text" readonly=true value={link.clone()} class="share-link" />
                    </label>
                    { match copied {
                        Some(true) => html! { <p class="ok" role="status">{ t.copied }</p> },
                        Some(false) => html! { <p class="muted" role="status">{ t.copy_refused }</p> },
                        None => html! {},
                    } }
                </div>
            }
        </section>
    }
}

/// The scenario's title, summary and what to watch for, in the current language.
#[function_component(WatchFor)]
pub fn watch_for() -> Html {
    let ctx = use_sim();
    let t = use_text();
    let sim = ctx.sim.borrow();
    let s = sim.scenario();
    let code = ctx.lang.code();
    if s.watch_for.en.is_empty() && s.summary.en.is_empty() {
        return html! {};
    }
    let body = html! {
        <>
            <p class="scenario-title"><strong>{ s.title.get(code).to_string() }</strong></p>
            if !s.summary.en.is_empty() { <p class="summary">{ s.summary.get(code).to_string() }</p> }
            if !s.watch_for.en.is_empty() { <p class="watch-text">{ s.watch_for.get(code).to_string() }</p> }
        </>
    };
    if ctx.embedded {
        // A small box in a docs page: folded, so the lanes are what shows first.
        return html! {
            <details class="panel watch">
                <summary>{ t.watch_for }</summary>
                { body }
            </details>
        };
    }
    html! {
        <section class="panel watch" aria-labelledby="h-watch">
            <h2 id="h-watch">{ t.watch_for }</h2>
            { body }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::scenario::built_in;

    #[test]
    fn export_names_carry_the_id_and_the_clock() {
        assert_eq!(export_name(&built_in("lag").unwrap(), 65_432), "lag-01-05.json");
        let mut s = built_in("lag").unwrap();
        s.id = String::new();
        assert_eq!(export_name(&s, 0), "playground-00-00.json");
        s.id = "a/b c".into();
        assert_eq!(export_name(&s, 0), "a-b-c-00-00.json");
    }
}
