//! The wasm entry point: Trunk builds this binary (see index.html) and it mounts the UI.
//! On a native target it only says what it is; the native face is `playground-cli`.
//!
//! wasm-bindgen makes a binary's `main` the module's start function: it runs on every `init()`,
//! including when `embed.js` loads this same wasm into a documentation page. So `main` renders
//! the page app only into index.html's own root (`#broker-playground-app`); anywhere else it does
//! nothing and the host calls `mount` (src/ui/embed.rs) for each instance.

/// The element index.html renders the full playground into.
#[cfg(target_arch = "wasm32")]
const PAGE_ROOT_ID: &str = "broker-playground-app";

#[cfg(target_arch = "wasm32")]
fn main() {
    let document = gloo::utils::document();
    // Not index.html (e.g. embed.js on a host page): leave the page alone.
    let Some(root) = document.get_element_by_id(PAGE_ROOT_ID) else {
        return;
    };
    let query = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    let props = broker_playground::ui::AppProps {
        scenario: query_param(&query, "scenario").map(Into::into),
        lang: query_param(&query, "lang").map(Into::into),
        ..Default::default()
    };
    // Rendering replaces the root's children: the poster (the default lesson's first frame,
    // rendered at build time) or the "Loading…" line index.html shows until now. A lesson named
    // by `?scenario=` renders once its file (scenarios/<id>.json) is here.
    let scenario = props.scenario.clone();
    let render = move || {
        yew::Renderer::<broker_playground::ui::App>::with_root_and_props(root.clone(), props).render();
        let _ = root.remove_attribute("data-poster");
    };
    match scenario {
        Some(id) => broker_playground::ui::library::when_here(&id, render),
        None => render(),
    }
}

/// The first non-empty value of `name` in a query string (`?a=1&b=2`), percent-decoded.
#[cfg(target_arch = "wasm32")]
fn query_param(query: &str, name: &str) -> Option<String> {
    query.trim_start_matches('?').split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        let decode =
            |s: &str| js_sys::decode_uri_component(&s.replace('+', " ")).ok().and_then(|s| s.as_string());
        (decode(k)? == name).then(|| decode(v)).flatten().filter(|v| !v.is_empty())
    })
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!(
        "broker-playground is the wasm entry of the web UI; build it with `trunk build` \
         (or run scripts/run.sh). The native tool is `playground-cli`."
    );
}
