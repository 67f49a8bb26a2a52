//! The Yew UI. A minimal placeholder `App` so the build and test harnesses have a real page to
//! check; the full playground replaces it.

use yew::prelude::*;

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    html! {
        <main>
            <h1>{ "Broker Playground" }</h1>
            <p>{ "Apache Kafka's producers, consumers, partitions and consumer groups, simulated in your browser." }</p>
        </main>
    }
}
