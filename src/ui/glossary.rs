//! A short glossary, folded away until asked for.

use super::text::use_text;
use yew::prelude::*;

#[function_component(Glossary)]
pub fn glossary() -> Html {
    let t = use_text();
    html! {
        <details class="panel glossary">
            <summary>{ t.glossary }</summary>
            <dl>
                { for t.glossary_entries.iter().map(|(term, meaning)| html! {
                    <div><dt>{ *term }</dt><dd>{ *meaning }</dd></div>
                }) }
            </dl>
        </details>
    }
}
