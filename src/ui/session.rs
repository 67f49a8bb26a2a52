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
use crate::core::scenario::{Scenario, MAX_SCENARIO_BYTES};
use crate::core::share::{self, Shared};
use crate::core::time::format_clock;
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

// ---- one saved session per tab ----
//
// Each tab saves under its own key (`broker-playground.session.<tab>`; the tab's id lives in
// `sessionStorage`, which a reload keeps and a new tab does not), so no tab overwrites another's
// work. `broker-playground.sessions` lists the tabs' sessions, most recently saved last, kept
// while together they fit in [`SESSIONS_BYTES`] (an older one pushed out is set aside, not
// dropped: see [`touch_session`]). A reload reopens its own tab's session; a new tab opens the
// most recent one (a copy: from then on it saves under its own key), offers the one before it
// as "previous session", and lists every other tab's work under it, each with Open.

/// Where this tab's id is kept (`sessionStorage`).
const TAB_KEY: &str = "broker-playground.tab";
/// The tabs whose sessions are saved, most recent last (a JSON array of tab ids).
pub const SESSIONS_KEY: &str = "broker-playground.sessions";
/// The tabs' sessions are kept while together they take at most this many bytes (each is at
/// most 1 MiB; browsers allow about 5 MB a site, and the set-aside saves need room too).
pub const SESSIONS_BYTES: usize = 5 * 512 * 1024;
/// And at most this many of them (a long workshop day opens many tabs, most of them small).
pub const MAX_SESSIONS: usize = 64;
/// Unreadable saves set aside, newest kept (`broker-playground.autosave.rejected.<n>`).
pub const MAX_SET_ASIDE: u64 = 3;

thread_local! {
    static TAB: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// This tab's id: from `sessionStorage`, or a new one.
fn tab_id() -> String {
    TAB.with(|t| {
        let mut t = t.borrow_mut();
        if t.is_empty() {
            let tabs = window().and_then(|w| w.session_storage().ok().flatten());
            *t = tabs.as_ref().and_then(|s| s.get_item(TAB_KEY).ok().flatten()).unwrap_or_else(|| {
                // Natively (the posters) there is no browser: any id does.
                let random = if cfg!(target_arch = "wasm32") { js_sys::Math::random() } else { 0.0 };
                let id = format!("{:012x}", (random * 2f64.powi(48)) as u64);
                if let Some(s) = &tabs {
                    let _ = s.set_item(TAB_KEY, &id);
                }
                id
            });
        }
        t.clone()
    })
}

/// The key a tab's session is saved under.
pub fn session_key(tab: &str) -> String {
    format!("broker-playground.session.{tab}")
}

/// The saved sessions' tab ids, most recently saved last.
fn sessions() -> Vec<String> {
    stored(SESSIONS_KEY).and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
}

/// Puts `tab` last in the list. While the sessions take more than [`SESSIONS_BYTES`] (or number
/// more than [`MAX_SESSIONS`]), the oldest other tab's session leaves the list; if it held
/// work it is set aside (downloadable), never silently dropped.
fn touch_session(tab: &str) {
    let mut list = sessions();
    let was_last = list.last().map(String::as_str) == Some(tab);
    list.retain(|t| t != tab);
    list.push(tab.to_string());
    let sizes: Vec<usize> = list.iter().map(|t| stored(&session_key(t)).map_or(0, |s| s.len())).collect();
    let mut total: usize = sizes.iter().sum();
    let mut evicted = 0;
    while list.len() - evicted > 1 && (total > SESSIONS_BYTES || list.len() - evicted > MAX_SESSIONS) {
        let key = session_key(&list[evicted]);
        if let Some(text) = stored(&key) {
            if share::open_saved(&text).is_ok_and(|s| start::worth_keeping(&s)) {
                set_aside(&text);
            }
        }
        unstore(&key);
        total -= sizes[evicted];
        evicted += 1;
    }
    if was_last && evicted == 0 {
        return;
    }
    list.drain(..evicted);
    store(SESSIONS_KEY, &serde_json::to_string(&list).unwrap_or_default());
}

thread_local! {
    /// Other tabs' work found when this tab opened (beyond the one offered as "previous"),
    /// most recent first: the notices list each with Open. Empty natively and when embedded.
    static OTHERS: std::cell::RefCell<Vec<Shared>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Keeps an unreadable save aside under a key of its own (the newest [`MAX_SET_ASIDE`] are
/// kept), and returns that key: the notice offers it as a download.
fn set_aside(text: &str) -> String {
    let next_key = format!("{REJECTED_KEY}.next");
    let n = stored(&next_key).and_then(|x| x.parse::<u64>().ok()).unwrap_or(1);
    if n > MAX_SET_ASIDE {
        unstore(&format!("{REJECTED_KEY}.{}", n - MAX_SET_ASIDE));
    }
    let key = format!("{REJECTED_KEY}.{n}");
    store(&key, text);
    store(&next_key, &(n + 1).to_string());
    key
}

/// `window.confirm`; `true` when the browser cannot ask.
pub fn confirm(message: &str) -> bool {
    window().is_none_or(|w| w.confirm_with_message(message).unwrap_or(true))
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

/// The first file picked in `input`: its name and text, or its name and size when it is too
/// large to be a scenario (checked before reading it: a 600 MB file is never copied in).
async fn read_file(input: &HtmlInputElement) -> Option<Result<(String, String), (String, u64)>> {
    let file = input.files()?.get(0)?;
    let name = file.name();
    let size = file.size();
    if size > MAX_SCENARIO_BYTES as f64 {
        return Some(Err((name, size as u64)));
    }
    let text = JsFuture::from(file.text()).await.ok()?.as_string()?;
    Some(Ok((name, text)))
}

/// Saves the session under this tab's key (not when embedded); `false` if the browser refused.
pub fn autosave(sim: &Sim) -> bool {
    let tab = tab_id();
    let ok = store(&session_key(&tab), &share::envelope(&sim.export(), sim.at()));
    if ok {
        touch_session(&tab);
    }
    ok
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
    let (hash, query_scenario, query_lang, stored_lang) = if embedded {
        (None, None, None, None)
    } else {
        (hash(), query("scenario"), query("lang"), stored(LANG_KEY))
    };
    // This tab's own session (a reload); else the most recently saved one (a new tab); else what
    // earlier versions saved under one key for all tabs.
    let own = if embedded { None } else { Some(session_key(&tab_id())) };
    let own_saved = own.as_deref().and_then(stored);
    let (saved, saved_key) = match (&own, own_saved) {
        (_, Some(text)) => (Some(text), own.clone()),
        (None, None) => (None, None),
        (Some(_), None) => sessions()
            .iter()
            .rev()
            .find_map(|t| stored(&session_key(t)).map(|text| (Some(text), Some(session_key(t)))))
            .or_else(|| stored(AUTOSAVE_KEY).map(|text| (Some(text), Some(AUTOSAVE_KEY.to_string()))))
            .unwrap_or((None, None)),
    };
    let reopened_own = saved_key.is_some() && saved_key == own;
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
    let mut start = start::choose(hash.as_deref(), scenario.as_deref(), saved.as_deref());
    if !embedded {
        if start.reject_autosave {
            if let (Some(old), Some(key)) = (&saved, &saved_key) {
                let aside = set_aside(old);
                if let Some(Notice::AutosaveRejected(_, k)) = &mut start.load.notice {
                    *k = aside;
                }
                unstore(key);
            }
        }
        if !reopened_own {
            // A new tab: every other tab's work is offered back, the most recent first (the
            // first as "previous session" unless the start already keeps one).
            let opened = saved.as_deref().and_then(|t| share::open_saved(t).ok());
            let mut others: Vec<Shared> = Vec::new();
            for text in sessions()
                .iter()
                .rev()
                .map(|t| session_key(t))
                .filter(|k| Some(k) != saved_key.as_ref())
                .filter_map(|k| stored(&k))
            {
                if let Ok(s) = share::open_saved(&text) {
                    if start::worth_keeping(&s) && Some(&s) != opened.as_ref() && !others.contains(&s) {
                        others.push(s);
                    }
                }
            }
            if start.previous.is_none() && !others.is_empty() {
                start.previous = Some(others.remove(0));
            }
            OTHERS.with(|o| *o.borrow_mut() = others);
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
    // A lesson's questions (predict, then reveal) on the page, unless the person turned them
    // off; an embed plays its lesson straight through.
    sim.predict.on = !embedded && stored(super::state::predict::PREDICT_KEY).as_deref() != Some("off");
    let notice = start.load.notice.clone();
    if sim.load(start.load).is_err() {
        // Cannot happen for what `choose` returns (each is validated); say so rather than panic.
        if let Some(n) = notice {
            sim.handle(Action::Notify(n));
        }
    }
    sim.session.previous = start.previous;
    sim.session.save_due = false;
    sim
}

// ---- the panels ----

/// Notices above the playground, each dismissible; and "Restore previous session".
#[function_component(Notices)]
pub fn notices() -> Html {
    let ctx = use_sim();
    let t = use_text();
    let others = use_state(|| OTHERS.with(|o| o.borrow().clone()));
    let sim = ctx.sim.borrow();
    if sim.notices.is_empty() && sim.session.previous.is_none() && others.is_empty() {
        return html! {};
    }
    let restore = ctx.dispatch.reform(|_: MouseEvent| Action::RestorePrevious);
    let lang = ctx.lang;
    html! {
        <section class="notices" aria-label={t.messages}>
            { for sim.notices.iter().enumerate().map(|(i, n)| {
                let dismiss = ctx.dispatch.reform(move |_: MouseEvent| Action::Dismiss(i));
                let set_aside = match n {
                    Notice::AutosaveRejected(_, key) => Some(key.clone()),
                    _ => None,
                };
                let error = n.is_error();
                let undo = matches!(n, Notice::FutureCut(..)) && sim.session.uncut.is_some();
                html! {
                    <div class={classes!("notice", error.then_some("bad"))} role={if error { "alert" } else { "status" }}>
                        <p>{ n.text(ctx.lang) }</p>
                        if undo {
                            <button type="button" onclick={ctx.dispatch.reform(|_: MouseEvent| Action::UndoCut)}>{ t.undo_cut }</button>
                        }
                        if let Some(key) = set_aside {
                            <button type="button" onclick={Callback::from(move |_: MouseEvent| {
                                download("set-aside-session.json", &stored(&key).unwrap_or_default());
                            })}>{ t.download_set_aside }</button>
                        }
                        <button type="button" class="dismiss" onclick={dismiss}>{ t.dismiss }</button>
                    </div>
                }
            }) }
            if sim.session.previous.is_some() {
                <div class="notice" role="status">
                    <p>{ t.previous_kept }</p>
                    <button type="button" onclick={restore}>{ t.restore_previous }</button>
                </div>
            }
            if !others.is_empty() {
                <div class="notice" role="status">
                    <p>{ t.other_tabs_work }</p>
                    <ul class="other-sessions">
                        { for others.iter().enumerate().map(|(i, s)| {
                            let title = s.scenario.title.get(lang.code()).to_string();
                            let label = fill(t.other_tab_session, &[&title, &format_clock(s.at)]);
                            let open = {
                                let (others, dispatch, s) = (others.clone(), ctx.dispatch.clone(), s.clone());
                                Callback::from(move |_: MouseEvent| {
                                    let mut rest = (*others).clone();
                                    rest.remove(i);
                                    others.set(rest);
                                    let notice = Some(Notice::Loaded(s.scenario.title.clone()));
                                    dispatch.emit(Action::Load(Box::new(Load { scenario: s.scenario.clone(), at: s.at, playing: false, notice })));
                                })
                            };
                            html! {
                                <li>
                                    <span>{ label.clone() }</span>
                                    <button type="button" aria-label={fill(t.open_other_session, &[&label])} onclick={open}>{ t.open_session }</button>
                                </li>
                            }
                        }) }
                    </ul>
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
                let (name, text) = match picked {
                    Some(Ok(file)) => file,
                    Some(Err((name, size))) => {
                        d.emit(Action::Notify(Notice::ImportTooLarge(name, size)));
                        return;
                    }
                    None => return,
                };
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
            if sim.session.share.as_ref().is_some_and(|(link, _)| link.is_empty()) {
                <p class="muted share-out" role="status">{ t.share_unsupported }</p>
            } else if let Some((link, copied)) = &sim.session.share {
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
