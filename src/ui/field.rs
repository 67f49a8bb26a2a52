//! An input that applies its value when the person is done (Enter or leaving the field),
//! not on every key. While it is being edited it shows the draft, so the model's value (which
//! re-renders every frame) does not overwrite what is being typed.

use super::dom::blur_on_enter;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CommitInputProps {
    /// The model's value.
    pub value: AttrValue,
    /// Called with the edited text when the edit is done (only if it changed).
    pub on_commit: Callback<String>,
    #[prop_or(AttrValue::Static("text"))]
    pub kind: AttrValue,
    #[prop_or_default]
    pub id: Option<AttrValue>,
    #[prop_or_default]
    pub min: Option<AttrValue>,
    #[prop_or_default]
    pub max: Option<AttrValue>,
    #[prop_or_default]
    pub step: Option<AttrValue>,
    #[prop_or_default]
    pub title: Option<AttrValue>,
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
}

fn input_of(e: &web_sys::Event) -> Option<HtmlInputElement> {
    e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
}

#[function_component(CommitInput)]
pub fn commit_input(props: &CommitInputProps) -> Html {
    let draft = use_state(|| None::<String>);
    let oninput = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = input_of(&e) {
                draft.set(Some(i.value()));
            }
        })
    };
    let onchange = {
        let draft = draft.clone();
        let commit = props.on_commit.clone();
        let model = props.value.clone();
        Callback::from(move |e: Event| {
            if let Some(i) = input_of(&e) {
                let v = i.value();
                draft.set(None);
                if v != model.as_str() {
                    commit.emit(v);
                }
            }
        })
    };
    let value = (*draft).clone().unwrap_or_else(|| props.value.to_string());
    html! {
        <input type={props.kind.clone()} id={props.id.clone()} min={props.min.clone()}
            max={props.max.clone()} step={props.step.clone()} title={props.title.clone()}
            placeholder={props.placeholder.clone()} autocomplete="off"
            {value} {oninput} {onchange} onkeydown={blur_on_enter} />
    }
}
