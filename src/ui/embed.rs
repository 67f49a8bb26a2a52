//! Embedding: the wasm-bindgen `mount` API that `embed.js` (and any host page) calls.
//!
//! ```js
//! import init, { mount } from "./broker-playground.js";
//! await init({ module_or_path: new URL("broker-playground_bg.wasm", import.meta.url) });
//! const handle = mount(container, { scenario: "rebalance-basics", controls: "minimal" });
//! handle.unmount();
//! ```
//!
//! Each call renders an independent [`App`] (its own cluster, clock and timeline) into the given
//! element, with `embedded: true` (no page-wide shortcuts, no storage, no address bar).
//! Options are checked here: an unknown option or value is a JS `Error` naming it, never a panic.
//! The custom element, shadow root, CSS and lazy start live in `static/embed.js`.

use super::library;
use super::{App, AppProps, Controls};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::{AppHandle, AttrValue};

/// The languages the UI speaks (`lang` option).
pub const LANGS: [&str; 2] = ["en", "ru"];

/// What `mount` accepts: an object (or its JSON text) with these fields, all optional.
/// Read straight from the JS object (no serde: it would cost ~20 kB of wasm).
#[derive(Debug, Default, PartialEq)]
pub struct MountOptions {
    /// A built-in scenario id (see `library::CATALOGUE`); none: the default scenario.
    pub scenario: Option<String>,
    /// `full`, `minimal` or `player`; none: `full`.
    pub controls: Option<String>,
    /// `en` or `ru`; none: the page's language, then the browser's.
    pub lang: Option<String>,
    /// The element's height: a number of CSS pixels or a CSS length (`"30rem"`); none: left as is.
    pub height: Option<Height>,
}

/// The option names `mount` knows.
pub const OPTION_NAMES: [&str; 4] = ["scenario", "controls", "lang", "height"];

/// `height`: `420` or `"420px"`, `"30rem"`, `"60vh"`, `"auto"`.
#[derive(Debug, PartialEq)]
pub enum Height {
    Px(f64),
    Css(String),
}

impl Height {
    /// The CSS value, or why it is not one.
    pub fn css(&self) -> Result<String, String> {
        match self {
            Height::Px(px) if px.is_finite() && *px > 0.0 && *px <= 10_000.0 => Ok(format!("{px}px")),
            Height::Px(px) => Err(format!("height {px} is not a number of pixels between 1 and 10000")),
            Height::Css(s) => {
                let s = s.trim();
                if let Ok(px) = s.parse::<f64>() {
                    return Height::Px(px).css();
                }
                let unit_ok = ["px", "rem", "em", "vh", "svh", "dvh", "%"].iter().any(|u| {
                    s.strip_suffix(u)
                        .and_then(|n| n.trim().parse::<f64>().ok())
                        .is_some_and(|n| n.is_finite() && n > 0.0)
                });
                if unit_ok || s == "auto" {
                    Ok(s.to_string())
                } else {
                    Err(format!(
                        "height {s:?} is not a CSS length (use a number of pixels, e.g. 420, or \"30rem\", \"60vh\", \"auto\")"
                    ))
                }
            }
        }
    }
}

impl MountOptions {
    /// Checks option names: an unknown one is an error naming it.
    pub fn check_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<(), String> {
        for name in names {
            if !OPTION_NAMES.contains(&name) {
                return Err(format!(
                    "broker-playground: unknown option `{name}` (known: {})",
                    OPTION_NAMES.join(", ")
                ));
            }
        }
        Ok(())
    }

    /// The App's props (always `embedded`), or a message naming the bad value.
    pub fn props(&self) -> Result<AppProps, String> {
        let controls = match self.controls.as_deref().map(str::trim) {
            None | Some("") => Controls::Full,
            Some(c) => Controls::parse(c).ok_or_else(|| {
                format!("broker-playground: unknown controls {c:?} (use \"full\", \"minimal\" or \"player\")")
            })?,
        };
        let lang = match self.lang.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(l) => {
                let l = l.to_ascii_lowercase();
                // "ru-RU" → "ru": a page's lang attribute often carries a region.
                let base = l.split(['-', '_']).next().unwrap_or_default().to_string();
                if !LANGS.contains(&base.as_str()) {
                    return Err(format!("broker-playground: unknown lang {l:?} (use \"en\" or \"ru\")"));
                }
                Some(AttrValue::from(base))
            }
        };
        let scenario = match self.scenario.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => {
                if !library::is_built_in(s) {
                    let ids: Vec<&str> = library::ids().collect();
                    return Err(format!(
                        "broker-playground: unknown scenario {s:?} (built-in: {})",
                        ids.join(", ")
                    ));
                }
                Some(AttrValue::from(s.to_string()))
            }
        };
        if let Some(h) = &self.height {
            h.css().map_err(|e| format!("broker-playground: {e}"))?;
        }
        Ok(AppProps { scenario, controls, lang, embedded: true })
    }
}

/// A mounted instance; `unmount()` removes it (idempotent). It renders once its lesson's
/// scenario file is here (at once when `embed.js` provided it: [`provide_scenario`]).
#[wasm_bindgen]
pub struct MountHandle {
    app: Rc<RefCell<Option<AppHandle<App>>>>,
    live: Rc<Cell<bool>>,
}

#[wasm_bindgen]
impl MountHandle {
    /// Destroys the instance: its DOM, its tick loop, its listeners.
    pub fn unmount(&mut self) {
        self.live.set(false);
        if let Some(app) = self.app.borrow_mut().take() {
            app.destroy();
        }
    }

    /// Whether the instance is still mounted.
    #[wasm_bindgen(getter)]
    pub fn mounted(&self) -> bool {
        self.live.get()
    }
}

/// Hands over built-in lesson `id`'s scenario file (`scenarios/<id>.json`, fetched by `embed.js`
/// alongside the wasm), so `mount` renders it at once instead of fetching it first.
#[wasm_bindgen]
pub fn provide_scenario(id: &str, text: &str) {
    library::provide(id, text);
}

/// Renders an independent playground into `element` (its children are replaced).
/// `options`: an object or JSON text, `{ scenario, controls, lang, height }`, all optional.
/// Throws an `Error` naming an unknown option or value.
#[wasm_bindgen]
pub fn mount(element: web_sys::Element, options: JsValue) -> Result<MountHandle, JsValue> {
    let opts = read_options(&options).map_err(|e| js_error(&e))?;
    let props = opts.props().map_err(|e| js_error(&e))?;
    if let Some(h) = &opts.height {
        let css = h.css().map_err(|e| js_error(&e))?;
        if let Ok(style) = js_sys::Reflect::get(&element, &"style".into()) {
            if let Some(style) = style.dyn_ref::<js_sys::Object>() {
                let _ = js_sys::Reflect::set(style, &"height".into(), &css.into());
            }
        }
    }
    let (app, live) = (Rc::new(RefCell::new(None)), Rc::new(Cell::new(true)));
    let scenario = props.scenario.clone();
    let render = {
        let (app, live) = (app.clone(), live.clone());
        move || {
            if live.get() {
                *app.borrow_mut() = Some(yew::Renderer::<App>::with_root_and_props(element, props).render());
            }
        }
    };
    match scenario {
        Some(id) => library::when_here(&id, render),
        None => render(),
    }
    Ok(MountHandle { app, live })
}

/// `mount`'s options out of a JS object, its JSON text, `undefined` or `null`.
fn read_options(options: &JsValue) -> Result<MountOptions, String> {
    let parsed;
    let object = match options.as_string() {
        _ if options.is_undefined() || options.is_null() => return Ok(MountOptions::default()),
        Some(text) if text.trim().is_empty() => return Ok(MountOptions::default()),
        Some(text) => {
            parsed = js_sys::JSON::parse(&text).map_err(|e| {
                let why = e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message()));
                format!("broker-playground: mount options are not JSON: {}", why.unwrap_or_default())
            })?;
            &parsed
        }
        None => options,
    };
    let object = object
        .dyn_ref::<js_sys::Object>()
        .filter(|_| object.is_object())
        .ok_or("broker-playground: mount options must be an object or its JSON text")?;
    let names: Vec<String> = js_sys::Object::keys(object).iter().filter_map(|k| k.as_string()).collect();
    MountOptions::check_names(names.iter().map(String::as_str))?;
    let field = |name: &str| -> Result<Option<JsValue>, String> {
        let v = js_sys::Reflect::get(object, &name.into()).unwrap_or(JsValue::UNDEFINED);
        Ok((!v.is_undefined() && !v.is_null()).then_some(v))
    };
    let text = |name: &str| -> Result<Option<String>, String> {
        match field(name)? {
            None => Ok(None),
            Some(v) => v
                .as_string()
                .map(Some)
                .ok_or_else(|| format!("broker-playground: option `{name}` must be a string")),
        }
    };
    let height = match field("height")? {
        None => None,
        Some(v) => match (v.as_f64(), v.as_string()) {
            (Some(px), _) => Some(Height::Px(px)),
            (_, Some(css)) => Some(Height::Css(css)),
            _ => return Err("broker-playground: option `height` must be a number or a string".into()),
        },
    };
    Ok(MountOptions { scenario: text("scenario")?, controls: text("controls")?, lang: text("lang")?, height })
}

fn js_error(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(scenario: Option<&str>, controls: Option<&str>, lang: Option<&str>) -> MountOptions {
        MountOptions {
            scenario: scenario.map(Into::into),
            controls: controls.map(Into::into),
            lang: lang.map(Into::into),
            height: None,
        }
    }

    #[test]
    fn options_make_embedded_props() {
        let p = opts(Some("rebalance-basics"), Some("player"), Some("ru-RU")).props().unwrap();
        assert_eq!(p.controls, Controls::Player);
        assert_eq!(p.lang.as_deref(), Some("ru"));
        assert_eq!(p.scenario.as_deref(), Some("rebalance-basics"));
        assert!(p.embedded);
        let p = MountOptions::default().props().unwrap();
        assert_eq!((p.controls, p.lang, p.scenario, p.embedded), (Controls::Full, None, None, true));
        assert_eq!(Height::Px(420.0).css().unwrap(), "420px");
        assert_eq!(Height::Css("420".into()).css().unwrap(), "420px");
        assert_eq!(Height::Css("30rem".into()).css().unwrap(), "30rem");
        assert!(MountOptions::check_names(["scenario", "height"]).is_ok());
    }

    #[test]
    fn bad_options_say_what_is_wrong() {
        let e = opts(None, Some("tiny"), None).props().unwrap_err();
        assert!(e.contains("unknown controls \"tiny\""), "{e}");
        let e = opts(None, None, Some("fr")).props().unwrap_err();
        assert!(e.contains("unknown lang"), "{e}");
        let e = opts(Some("nope"), None, None).props().unwrap_err();
        assert!(e.contains("unknown scenario \"nope\"") && e.contains("rebalance-basics"), "{e}");
        let e = MountOptions::check_names(["lang", "colour"]).unwrap_err();
        assert!(e.contains("unknown option `colour`"), "{e}");
        let e = Height::Css("tall".into()).css().unwrap_err();
        assert!(e.contains("not a CSS length"), "{e}");
        assert!(Height::Px(-3.0).css().is_err());
        assert!(Height::Px(f64::NAN).css().is_err());
        let bad_height = MountOptions { height: Some(Height::Css("1e9".into())), ..Default::default() };
        assert!(bad_height.props().is_err());
    }
}
