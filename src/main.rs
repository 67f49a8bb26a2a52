//! The wasm entry point: Trunk builds this binary (see index.html) and it mounts the UI.
//! On a native target it only says what it is; the native face is `playground-cli`.

#[cfg(target_arch = "wasm32")]
fn main() {
    // The "Loading…" line index.html shows until the wasm runs.
    if let Some(boot) = gloo::utils::document().get_element_by_id("boot") {
        boot.remove();
    }
    yew::Renderer::<broker_playground::ui::App>::new().render();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!(
        "broker-playground is the wasm entry of the web UI; build it with `trunk build` \
         (or run scripts/run.sh). The native tool is `playground-cli`."
    );
}
