//! How a refusal reads on the page: Kafka's error name (so it can be looked up), what it
//! means in the UI's language, then the core's own detail, which stays English and says so
//! (`lang="en"`) for screen readers.

use super::text::{error_meaning, use_lang, use_text};
use crate::core::error::{CoreError, ErrorCode};
use yew::prelude::*;

/// A refusal shown where it happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// The core refused a command, or a client got an error back from the broker.
    Core(CoreError),
    /// A client was to be added but there is no topic yet.
    NoTopic,
}

impl Problem {
    /// A client's error from the broker, with the core's detail (may be empty).
    pub fn kafka(code: ErrorCode, detail: &str) -> Problem {
        Problem::Core(CoreError::kafka(code, detail))
    }
}

#[derive(Properties, PartialEq)]
pub struct ErrorNoteProps {
    pub problem: Problem,
    /// What the error means here, when the catalogue's general sentence does not fit the case.
    #[prop_or_default]
    pub meaning: Option<&'static str>,
}

/// One refusal, as an alert.
#[function_component(ErrorNote)]
pub fn error_note(props: &ErrorNoteProps) -> Html {
    let t = use_text();
    let lang = use_lang();
    match &props.problem {
        Problem::Core(CoreError::Kafka { code, message }) => html! {
            <p class="error" role="alert">
                <code class="error-name">{ code.name() }</code>
                { " — " }{ props.meaning.unwrap_or_else(|| error_meaning(lang, *code)) }
                if !message.is_empty() {
                    <span class="detail" lang="en">{ format!(" ({message})") }</span>
                }
            </p>
        },
        // The playground's own checks (a name's characters, a setting's range) have no Kafka
        // name; their detail is the core's English, so the UI's language leads in with what
        // happened, and the detail says it is English.
        Problem::Core(CoreError::Invalid { message }) => html! {
            <p class="error" role="alert">
                { t.refused }{ " " }<span class="detail" lang="en">{ message.clone() }</span>
            </p>
        },
        Problem::NoTopic => html! { <p class="error" role="alert">{ t.no_topic }</p> },
    }
}
