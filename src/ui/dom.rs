//! Small DOM helpers: values out of events, the page's clock. (The keyboard shortcuts, which
//! are actions of the model, are `ui::shortcut`: this module is below the model.)

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Whether the browser skips drawing `node` now: `content-visibility: auto` (app.css) skips a
/// lane off screen, and says so with `contentvisibilityautostatechange` when that
/// changes. A view that changes while the clock runs can wait while it is skipped.
/// `false` until it says (and on the server, where the first frame is rendered).
#[hook]
pub fn use_skipped(node: NodeRef) -> bool {
    let skipped = use_state_eq(|| false);
    {
        let skipped = skipped.clone();
        use_effect_with(node, move |node| {
            let listener = node.get().map(|el| {
                let own: wasm_bindgen::JsValue = el.clone().into();
                gloo::events::EventListener::new(&el, "contentvisibilityautostatechange", move |e| {
                    // Only this element's own state: a child's (a lane of this topic) may reach
                    // it too, and must not stop the whole topic.
                    if e.target().map(wasm_bindgen::JsValue::from).as_ref() != Some(&own) {
                        return;
                    }
                    let now = js_sys::Reflect::get(e, &"skipped".into()).ok().and_then(|v| v.as_bool());
                    skipped.set(now.unwrap_or(false));
                })
            });
            move || drop(listener)
        });
    }
    *skipped
}

/// `performance.now()` in milliseconds (0 when unavailable).
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// The value of the `<input>` or `<select>` an event came from.
pub fn event_value(e: &web_sys::Event) -> String {
    let Some(target) = e.target() else {
        return String::new();
    };
    if let Some(i) = target.dyn_ref::<HtmlInputElement>() {
        i.value()
    } else if let Some(s) = target.dyn_ref::<HtmlSelectElement>() {
        s.value()
    } else {
        String::new()
    }
}

/// `onkeydown` for fields whose `onchange` applies them: Enter commits (by blurring, which
/// fires `change` once) instead of relying on the browser's Enter behaviour for each type.
pub fn blur_on_enter(e: web_sys::KeyboardEvent) {
    if e.key() == "Enter" {
        if let Some(el) = e.target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) {
            e.prevent_default();
            let _ = el.blur();
        }
    }
}

/// Whether the checkbox an event came from is checked.
pub fn event_checked(e: &web_sys::Event) -> bool {
    e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()).is_some_and(|i| i.checked())
}
