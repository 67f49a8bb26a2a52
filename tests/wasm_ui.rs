//! The UI in a real browser: `cargo test --target wasm32-unknown-unknown --test wasm_ui`
//! (headless Chromium through chromedriver; see .cargo/config.toml and webdriver.json).
//! On a native target this file compiles to nothing.
#![cfg(all(target_arch = "wasm32", feature = "ui"))]

use broker_playground::core::scenario::BUILT_IN;
use broker_playground::ui::{App, AppProps};
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts `App` into a fresh `<div>` appended to `<body>`; returns the div and the app's handle.
async fn render_app() -> (Element, yew::AppHandle<App>) {
    render_with(AppProps::default()).await
}

/// Like [`render_app`], with props. Starts from a clean slate: no autosave, no stored
/// language, English, no `#…` in the address (the page's App reads all of them).
async fn render_with(props: AppProps) -> (Element, yew::AppHandle<App>) {
    // The page fetches Russian from dist/ru.json; these tests have no server: install it.
    broker_playground::i18n::ru::install(broker_playground::i18n::ru::SOURCE).expect("ru.json loads");
    if let Some(storage) = gloo::utils::window().local_storage().ok().flatten() {
        let _ = storage.clear();
    }
    let document = gloo::utils::document();
    let root = document.create_element("div").expect("create a div");
    document.body().expect("a <body>").append_child(&root).expect("append the div");
    let handle = yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    // Yew renders on its scheduler; give it a turn of the event loop.
    settle().await;
    (root, handle)
}

async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(40)).await;
}

/// Waits for a state, not a time: polls `ready` every 20 ms for up to 10 s (a loaded machine
/// can take longer than one `settle` to render), then panics naming `what`.
async fn until(what: &str, mut ready: impl FnMut() -> bool) {
    for _ in 0..500 {
        if ready() {
            return;
        }
        yew::platform::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{what}");
}

fn unmount(root: Element, handle: yew::AppHandle<App>) {
    handle.destroy();
    root.remove();
}

fn all(root: &Element, selector: &str) -> Vec<HtmlElement> {
    let list = root.query_selector_all(selector).expect("a valid selector");
    (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| n.dyn_into::<HtmlElement>().ok()).collect()
}

fn text_of(el: &HtmlElement) -> String {
    el.text_content().unwrap_or_default().trim().to_string()
}

/// The button whose accessible name is `name` (its aria-label, or else its text).
fn button(root: &Element, name: &str) -> HtmlElement {
    all(root, "button")
        .into_iter()
        .find(|b| b.get_attribute("aria-label").unwrap_or_else(|| text_of(b)) == name)
        .unwrap_or_else(|| panic!("a button named {name:?}"))
}

#[wasm_bindgen_test]
async fn app_renders_its_name_as_the_heading() {
    let (root, handle) = render_app().await;
    let h1 = root.query_selector("main h1").expect("a valid selector").expect("an <h1> inside <main>");
    let h1: web_sys::HtmlElement = h1.dyn_into().expect("an HTML element");
    assert_eq!(h1.inner_text(), "Broker Playground");
    unmount(root, handle);
}

#[wasm_bindgen_test]
async fn the_default_scenario_is_one_topic_of_six_partitions_and_one_producer() {
    let (root, handle) = render_app().await;
    assert_eq!(all(&root, "[id^='lane-orders-']").len(), 6, "six lanes for orders");
    let headings: Vec<String> = all(&root, "article h3").iter().map(text_of).collect();
    assert!(headings.contains(&"producer p1".to_string()), "{headings:?}");
    assert!(!headings.iter().any(|h| h.starts_with("consumer ")), "no consumers: {headings:?}");
    // The clock runs: Pause is offered, not Play.
    let _ = button(&root, "Pause");
    unmount(root, handle);
}

#[wasm_bindgen_test]
async fn adding_a_consumer_renders_a_card_with_the_mode_radio_group_in_group_mode() {
    let (root, handle) = render_app().await;
    button(&root, "Add consumer").click();
    until("a consumer card in Group mode", || {
        root.query_selector("article.consumer input[value='group']:checked").ok().flatten().is_some()
    })
    .await;
    let card = root.query_selector("article.consumer").expect("a valid selector").expect("a consumer card");
    let group = card.query_selector("[role='radiogroup']").expect("a valid selector").expect("a radio group");
    let label_id = group.get_attribute("aria-labelledby").expect("labelled");
    let label = root.query_selector(&format!("#{label_id}")).expect("a valid selector").expect("the label");
    assert_eq!(label.text_content().unwrap_or_default(), "Mode");
    let radios = all(&group, "label");
    let names: Vec<String> = radios.iter().map(text_of).collect();
    assert_eq!(names, ["Standalone", "Group", "Share group"]);
    let checked = group
        .query_selector("input[value='group']")
        .expect("a valid selector")
        .expect("the Group radio")
        .dyn_into::<web_sys::HtmlInputElement>()
        .expect("an input");
    assert!(checked.checked(), "a new consumer starts in Group mode");
    let _ = button(&root, "Crash consumer c1");
    let _ = button(&root, "Remove consumer c1");
    unmount(root, handle);
}

#[wasm_bindgen_test]
async fn the_describe_table_has_kafkas_exact_headers_and_the_group_in_its_caption() {
    let (root, handle) = render_app().await;
    button(&root, "Add consumer").click();
    until("a describe table once a group exists", || {
        root.query_selector("table.describe caption").ok().flatten().is_some()
    })
    .await;
    let table = root
        .query_selector("table.describe")
        .expect("a valid selector")
        .expect("a describe table once a group exists");
    let caption = table.query_selector("caption").expect("a valid selector").expect("a caption");
    assert!(caption.text_content().unwrap_or_default().contains("group-1"));
    let headers: Vec<String> = all(&table, "thead th").iter().map(text_of).collect();
    assert_eq!(headers, ["TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID"]);
    unmount(root, handle);
}

#[wasm_bindgen_test]
async fn play_pause_is_one_button_named_for_what_it_does() {
    let (root, handle) = render_app().await;
    button(&root, "Pause").click();
    settle().await;
    let clock = root.query_selector("[role='timer']").expect("a valid selector").expect("the clock");
    let before = clock.text_content();
    button(&root, "Play");
    settle().await;
    assert_eq!(clock.text_content(), before, "the clock stands still while paused");
    button(&root, "Step").click();
    settle().await;
    assert_ne!(clock.text_content(), before, "Step moves the clock");
    unmount(root, handle);
}

/// The `<select>` inside the `<label>` whose own text starts with `name`.
fn select(root: &Element, name: &str) -> web_sys::HtmlSelectElement {
    all(root, "label")
        .into_iter()
        .find(|l| text_of(l).starts_with(name))
        .and_then(|l| l.query_selector("select").ok().flatten())
        .unwrap_or_else(|| panic!("a select labelled {name:?}"))
        .dyn_into()
        .expect("a select")
}

fn choose(sel: &web_sys::HtmlSelectElement, value: &str) {
    sel.set_value(value);
    let event = web_sys::Event::new("change").expect("an event");
    sel.dispatch_event(&event).expect("dispatched");
}

#[wasm_bindgen_test]
async fn the_scenario_select_lists_every_built_in_and_loads_one() {
    let (root, handle) = render_with(AppProps { lang: Some("en".into()), ..Default::default() }).await;
    let sel = select(&root, "Scenario");
    let values: Vec<String> = all(&sel, "option").iter().filter_map(|o| o.get_attribute("value")).collect();
    let ids: Vec<String> = BUILT_IN.iter().map(|(id, _)| id.to_string()).collect();
    assert_eq!(values, ids);
    assert_eq!(sel.value(), "playground");
    let watch = root.query_selector(".watch").expect("a valid selector").expect("What to watch for");
    assert!(watch.text_content().unwrap_or_default().contains("What to watch for"));
    // The page fetches a lesson's file from dist/scenarios/ when first chosen; these tests have
    // no server, so the file is provided as the fetch would provide it.
    broker_playground::ui::library::provide(
        "queue-vs-pubsub",
        include_str!("../src/core/scenarios/queue-vs-pubsub.json"),
    );
    choose(&sel, "queue-vs-pubsub");
    until("queue-vs-pubsub's consumers appear", || {
        all(&root, "article h3").iter().any(|h| text_of(h).starts_with("consumer "))
    })
    .await;
    let headings: Vec<String> = all(&root, "article h3").iter().map(text_of).collect();
    assert!(headings.iter().any(|h| h.starts_with("consumer ")), "its consumers appear: {headings:?}");
    unmount(root, handle);
}

#[wasm_bindgen_test]
async fn switching_language_changes_the_headings_and_buttons() {
    let (root, handle) = render_with(AppProps { lang: Some("en".into()), ..Default::default() }).await;
    let _ = button(&root, "Add consumer");
    choose(&select(&root, "Language"), "ru");
    settle().await;
    let _ = button(&root, "Добавить потребителя");
    let _ = button(&root, "Поделиться");
    let h2: Vec<String> = all(&root, "h2").iter().map(text_of).collect();
    assert!(h2.contains(&"Хронология".to_string()), "{h2:?}");
    assert_eq!(
        gloo::utils::document().document_element().unwrap().get_attribute("lang").as_deref(),
        Some("ru")
    );
    choose(&select(&root, "Язык"), "en");
    settle().await;
    let _ = button(&root, "Add consumer");
    unmount(root, handle);
}

#[wasm_bindgen_test]
async fn the_lang_prop_starts_in_russian() {
    let (root, handle) = render_with(AppProps { lang: Some("ru".into()), ..Default::default() }).await;
    let _ = button(&root, "Пауза");
    let watch = root.query_selector(".watch h2").unwrap().unwrap();
    assert_eq!(watch.text_content().as_deref(), Some("На что смотреть"));
    unmount(root, handle);
}

#[wasm_bindgen_test]
async fn a_bad_share_fragment_is_a_message_and_the_default_scenario() {
    let window = gloo::utils::window();
    let history = window.history().unwrap();
    let before = window.location().href().unwrap();
    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("#s=not-a-link!!")).unwrap();
    let (root, handle) = render_with(AppProps { lang: Some("en".into()), ..Default::default() }).await;
    let alert = all(&root, "[role='alert']").into_iter().map(|e| text_of(&e)).collect::<Vec<_>>().join(" | ");
    assert!(alert.contains("This link could not be opened: it is damaged (not base64url)"), "{alert}");
    assert_eq!(window.location().hash().unwrap(), "", "the bad link is removed from the address");
    assert_eq!(all(&root, "[id^='lane-orders-']").len(), 6, "the default scenario");
    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&before)).unwrap();
    unmount(root, handle);
}

#[wasm_bindgen_test]
async fn an_unknown_scenario_prop_is_a_message_and_an_embedded_instance_saves_nothing() {
    let props = AppProps {
        scenario: Some("nope".into()),
        embedded: true,
        lang: Some("en".into()),
        ..Default::default()
    };
    let (root, handle) = render_with(props).await;
    let alert = all(&root, "[role='alert']").into_iter().map(|e| text_of(&e)).collect::<Vec<_>>().join(" | ");
    assert!(alert.contains("There is no built-in scenario \"nope\""), "{alert}");
    button(&root, "Add consumer").click();
    settle().await;
    let storage = gloo::utils::window().local_storage().unwrap().unwrap();
    assert_eq!(storage.length().unwrap(), 0, "embedded: no autosave");
    unmount(root, handle);
}

#[wasm_bindgen_test]
async fn a_playground_check_leads_in_with_the_ui_language_and_marks_its_detail_english() {
    let (root, handle) = render_with(AppProps { lang: Some("ru".into()), ..Default::default() }).await;
    // A Cyrillic user name: the playground's names are ASCII, as Kafka principals usually are.
    let input: web_sys::HtmlInputElement = root
        .query_selector(".users form input[type='text']")
        .unwrap()
        .expect("the user name field")
        .dyn_into()
        .unwrap();
    input.set_value("алиса");
    let add: HtmlElement = root
        .query_selector(".users form button[type='submit']")
        .unwrap()
        .expect("Add user")
        .dyn_into()
        .unwrap();
    add.click();
    settle().await;
    let alert = all(&root, ".users [role='alert']").pop().expect("an alert in Users & roles");
    let text = text_of(&alert);
    assert!(text.starts_with("Не выполнено:"), "{text}");
    let detail = alert.query_selector(".detail").unwrap().expect("the core's detail");
    assert_eq!(detail.get_attribute("lang").as_deref(), Some("en"), "{text}");
    assert!(text.contains("алиса"), "{text}");
    assert_eq!(
        alert.get_attribute("lang"),
        None,
        "the lead-in is Russian, so the alert is not marked English"
    );
    unmount(root, handle);
}

#[wasm_bindgen_test]
async fn a_kafka_error_keeps_its_name_says_what_it_means_in_the_ui_language_and_marks_the_detail_english() {
    let (root, handle) = render_with(AppProps { lang: Some("ru".into()), ..Default::default() }).await;
    // Try to shrink orders from 6 partitions to 3: Kafka refuses with INVALID_PARTITIONS.
    let input: web_sys::HtmlInputElement =
        root.query_selector("#partitions-orders").unwrap().expect("the partitions field").dyn_into().unwrap();
    input.set_value("3");
    input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    input.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    settle().await;
    let alert = all(&root, "article.topic [role='alert']").pop().expect("an alert on the topic");
    let name = alert.query_selector("code.error-name").unwrap().expect("the error's name in <code>");
    assert_eq!(name.text_content().as_deref(), Some("INVALID_PARTITIONS"));
    let text = text_of(&alert);
    assert!(text.contains("разделы можно добавлять, но не удалять"), "{text}");
    let detail = alert.query_selector(".detail").unwrap().expect("the core's detail");
    assert_eq!(detail.get_attribute("lang").as_deref(), Some("en"), "{text}");
    assert_eq!(all(&root, "[id^='lane-orders-']").len(), 6, "the topic keeps its 6 partitions");
    unmount(root, handle);
}

/// Predict, then reveal: the lesson stops its clock before c2 crashes and asks which
/// partitions c1 will own; the answer picked (here on the stage and in the panel) is checked
/// against what the run then does, and the stage's pick and the panel's boxes are one state.
#[wasm_bindgen_test]
async fn a_lesson_asks_before_its_moment_and_reveals_the_answer_from_the_run() {
    broker_playground::ui::library::provide(
        "rebalance-basics",
        include_str!("../src/core/scenarios/rebalance-basics.json"),
    );
    let props =
        AppProps { scenario: Some("rebalance-basics".into()), lang: Some("en".into()), ..Default::default() };
    let (root, handle) = render_with(props).await;
    choose(&select(&root, "Speed"), "10");
    until("the question", || root.query_selector(".predict .question").ok().flatten().is_some()).await;
    let question = text_of(&all(&root, ".predict .question")[0]);
    assert!(question.contains("which partitions will c1 own"), "{question}");
    let clock = || text_of(&all(&root, ".clock-time")[0]);
    assert_eq!(clock(), "00:19.999", "stopped just before the crash");
    let _ = button(&root, "Play");
    // Pick orders-0 on the stage: the panel's box follows.
    let stage_pick = all(&root, ".part button.pnum.pick");
    assert_eq!(stage_pick.len(), 6, "the stage's partitions pick while asked");
    stage_pick[0].click();
    settle().await;
    let boxes: Vec<web_sys::HtmlInputElement> = all(&root, ".predict-choices input[type=checkbox]")
        .into_iter()
        .filter_map(|e| e.dyn_into().ok())
        .collect();
    assert_eq!(boxes.len(), 6);
    assert!(boxes[0].checked(), "picked on the stage, ticked in the panel");
    assert_eq!(all(&root, ".part.picked").len(), 1);
    // The rest in the panel.
    for b in &boxes[1..3] {
        b.click();
        settle().await;
    }
    assert_eq!(all(&root, ".part.picked").len(), 3);
    button(&root, "Check my prediction").click();
    until("the reveal", || root.query_selector(".predict .verdict").ok().flatten().is_some()).await;
    assert_eq!(text_of(&all(&root, ".predict .verdict")[0]), "Right!");
    let story = text_of(&all(&root, ".predict-story")[0]);
    assert!(story.contains("c1 now owns orders-0, orders-1, orders-2"), "{story}");
    let _ = button(&root, "Play");
    assert!(clock().as_str() > "00:25", "revealed after the removal: {}", clock());
    button(&root, "Continue").click();
    settle().await;
    let _ = button(&root, "Pause");
    unmount(root, handle);
}
