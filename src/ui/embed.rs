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

use super::{App, AppProps, Controls};
use crate::core::scenario::BUILT_IN;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::{AppHandle, AttrValue};

/// The languages the UI speaks (`lang` option).
pub const LANGS: [&str; 2] = ["en", "ru"];

/// What `mount` accepts: an object, or its JSON text. Every field is optional.
#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MountOptions {
    /// A built-in scenario id (see `core::scenario::BUILT_IN`); none: the default scenario.
    #[serde(default)]
    pub scenario: Option<String>,
    /// `full`, `minimal` or `player`; none: `full`.
    #[serde(default)]
    pub controls: Option<String>,
    /// `en` or `ru`; none: the page's language, then the browser's.
    #[serde(default)]
    pub lang: Option<String>,
    /// The element's height: a number of CSS pixels or a CSS length (`"30rem"`); none: left as is.
    #[serde(default)]
    pub height: Option<Height>,
}

/// `height`: `420` or `"420px"`, `"30rem"`, `"60vh"`, `"auto"`.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(untagged)]
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
    /// Parses the options' JSON text; the error names the field.
    pub fn from_json(text: &str) -> Result<MountOptions, String> {
        let text = text.trim();
        if text.is_empty() || text == "null" || text == "undefined" {
            return Ok(MountOptions::default());
        }
        serde_json::from_str(text).map_err(|e| format!("broker-playground: bad mount options: {e}"))
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
                if !BUILT_IN.iter().any(|(id, _)| *id == s) {
                    let ids: Vec<&str> = BUILT_IN.iter().map(|(id, _)| *id).collect();
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

/// A mounted instance; `unmount()` removes it (idempotent).
#[wasm_bindgen]
pub struct MountHandle {
    app: Option<AppHandle<App>>,
}

#[wasm_bindgen]
impl MountHandle {
    /// Destroys the instance: its DOM, its tick loop, its listeners.
    pub fn unmount(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
    }

    /// Whether the instance is still mounted.
    #[wasm_bindgen(getter)]
    pub fn mounted(&self) -> bool {
        self.app.is_some()
    }
}

/// Renders an independent playground into `element` (its children are replaced).
/// `options`: an object or JSON text, `{ scenario, controls, lang, height }`, all optional.
/// Throws an `Error` naming an unknown option or value.
#[wasm_bindgen]
pub fn mount(element: web_sys::Element, options: JsValue) -> Result<MountHandle, JsValue> {
    let text = if options.is_undefined() || options.is_null() {
        String::new()
    } else if let Some(s) = options.as_string() {
        s
    } else if options.is_object() {
        js_sys::JSON::stringify(&options)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| js_error("broker-playground: mount options are not JSON-serialisable"))?
    } else {
        return Err(js_error("broker-playground: mount options must be an object or a JSON string"));
    };
    let opts = MountOptions::from_json(&text).map_err(|e| js_error(&e))?;
    let props = opts.props().map_err(|e| js_error(&e))?;
    if let Some(h) = &opts.height {
        let css = h.css().map_err(|e| js_error(&e))?;
        if let Ok(style) = js_sys::Reflect::get(&element, &"style".into()) {
            if let Some(style) = style.dyn_ref::<js_sys::Object>() {
                let _ = js_sys::Reflect::set(style, &"height".into(), &css.into());
            }
        }
    }
    let app = yew::Renderer::<App>::with_root_and_props(element, props).render();
    Ok(MountHandle { app: Some(app) })
}

fn js_error(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_parse_and_check() {
        let o = MountOptions::from_json(
            r#"{"scenario":"rebalance-basics","controls":"player","lang":"ru-RU","height":420}"#,
        )
        .unwrap();
        let p = o.props().unwrap();
        assert_eq!(p.controls, Controls::Player);
        assert_eq!(p.lang.as_deref(), Some("ru"));
        assert_eq!(p.scenario.as_deref(), Some("rebalance-basics"));
        assert!(p.embedded);
        assert_eq!(o.height.unwrap().css().unwrap(), "420px");
        assert_eq!(MountOptions::from_json("").unwrap().props().unwrap().controls, Controls::Full);
    }

    #[test]
    fn bad_options_say_what_is_wrong() {
        let e = MountOptions::from_json(r#"{"controls":"tiny"}"#).unwrap().props().unwrap_err();
        assert!(e.contains("unknown controls \"tiny\""), "{e}");
        let e = MountOptions::from_json(r#"{"lang":"fr"}"#).unwrap().props().unwrap_err();
        assert!(e.contains("unknown lang"), "{e}");
        let e = MountOptions::from_json(r#"{"scenario":"nope"}"#).unwrap().props().unwrap_err();
        assert!(e.contains("unknown scenario \"nope\"") && e.contains("rebalance-basics"), "{e}");
        let e = MountOptions::from_json(r#"{"colour":"red"}"#).unwrap_err();
        assert!(e.contains("unknown field `colour`"), "{e}");
        let e = MountOptions::from_json(r#"{"height":"tall"}"#).unwrap().props().unwrap_err();
        assert!(e.contains("not a CSS length"), "{e}");
        assert!(MountOptions::from_json(r#"{"height":-3}"#).unwrap().props().is_err());
        assert!(MountOptions::from_json("{").is_err());
    }
}
