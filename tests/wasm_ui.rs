//! The UI in a real browser: `cargo test --target wasm32-unknown-unknown --test wasm_ui`
//! (headless Chromium through chromedriver; see .cargo/config.toml and webdriver.json).
//! On a native target this file compiles to nothing.
#![cfg(all(target_arch = "wasm32", feature = "ui"))]

use broker_playground::ui::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts `App` into a fresh `<div>` appended to `<body>` and returns that div.
async fn render_app() -> web_sys::Element {
    let document = gloo::utils::document();
    let root = document.create_element("div").expect("create a div");
    document.body().expect("a <body>").append_child(&root).expect("append the div");
    yew::Renderer::<App>::with_root(root.clone()).render();
    // Yew renders on its scheduler; give it a turn of the event loop.
    yew::platform::time::sleep(std::time::Duration::from_millis(20)).await;
    root
}

#[wasm_bindgen_test]
async fn app_renders_its_name_as_the_heading() {
    let root = render_app().await;
    let h1 = root.query_selector("main h1").expect("a valid selector").expect("an <h1> inside <main>");
    let h1: web_sys::HtmlElement = h1.dyn_into().expect("an HTML element");
    assert_eq!(h1.inner_text(), "Broker Playground");
    root.remove();
}
