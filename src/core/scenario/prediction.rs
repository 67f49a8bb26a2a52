//! "Predict, then reveal" (issue 17): a lesson pauses before a scripted moment and asks the
//! learner what the simulation will do; the page then plays on and checks the answer against
//! what the run does. This file is the scenario format's part of it — what a question asks, in
//! the file's words — and its validation. The answer is never written here: the page computes
//! it from the run (`src/ui/predict.rs`).
//!
//! ```json
//! "predict": [
//!   { "at": "20s",
//!     "ask": { "type": "owns", "consumer": "c1" },
//!     "question": { "en": "c2 is about to crash. …", "ru": "…" },
//!     "within": "30s" }
//! ]
//! ```

use super::{At, Text, MAX_DURATION_MS};
use crate::core::time::format_clock;
use serde::{Deserialize, Serialize};

/// Questions a scenario may ask, at most.
pub const MAX_PREDICTIONS: usize = 32;

/// How long after the question the answer is awaited when `within` is not given.
pub const DEFAULT_WITHIN_MS: u64 = 30_000;

/// The longest `within` a question may name.
pub const MAX_WITHIN_MS: u64 = 600_000;

/// One question of a lesson.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prediction {
    /// The clock stops just before this moment (before a script step at the same time runs).
    pub at: At,
    pub ask: Ask,
    /// The question as the learner reads it.
    pub question: Text,
    /// Said after the reveal, beside what the run did (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explain: Option<Text>,
    /// How long after `at` the run may take to show the answer (default 30 s): a rebalance
    /// that has not finished by then is answered with the state at that moment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<At>,
}

impl Prediction {
    /// `within`, or its default.
    pub fn within_ms(&self) -> u64 {
        self.within.map_or(DEFAULT_WITHIN_MS, |w| w.0)
    }
}

/// What the question is about; the file writes it tagged: `{"type": "owns", "consumer": "c1"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ask {
    /// Which partitions `consumer` owns once its group's next rebalance has finished (the
    /// learner picks partitions).
    Owns { consumer: String },
    /// Which member of `group` owns `topic`-`partition` once its next rebalance has finished
    /// (one choice, or nobody).
    Owner { group: String, topic: String, partition: u32 },
    /// Which members of `group` stop consuming (own nothing) during its next rebalance.
    Stops { group: String },
    /// When `group` starts rebalancing: at once, after a wait, or not within `within`.
    Rebalance { group: String },
    /// Whether any record is delivered again (a redelivery) within `within`.
    Redelivers,
    /// Whether any record of `topic` is lost (a new leader had less than the old one) within
    /// `within` (issue #14's replication lessons).
    Lost { topic: String },
}

/// Checks a scenario's questions; `Err((field path, message))`.
pub(crate) fn validate(list: &[Prediction], duration: Option<At>) -> Result<(), (String, String)> {
    if list.len() > MAX_PREDICTIONS {
        return Err(("predict".into(), format!("at most {MAX_PREDICTIONS} questions")));
    }
    let mut last = None;
    for (i, p) in list.iter().enumerate() {
        let at = |field: &str| format!("predict[{i}].{field}");
        if p.question.en.trim().is_empty() {
            return Err((at("question.en"), "a question needs its English text".into()));
        }
        if p.at.0 == 0 {
            return Err((at("at"), "a question is asked before a moment after 00:00".into()));
        }
        if p.at.0 > MAX_DURATION_MS || duration.is_some_and(|d| p.at.0 > d.0) {
            return Err((at("at"), "after the scenario's duration".into()));
        }
        if last.is_some_and(|l| p.at.0 <= l) {
            return Err((
                at("at"),
                format!(
                    "{} is not after the question above it ({}); questions must be in time order, one per moment",
                    format_clock(p.at.0),
                    format_clock(last.unwrap_or(0))
                ),
            ));
        }
        last = Some(p.at.0);
        if p.within_ms() == 0 || p.within_ms() > MAX_WITHIN_MS {
            return Err((at("within"), format!("between 1 ms and {}", format_clock(MAX_WITHIN_MS))));
        }
        let names: &[&str] = match &p.ask {
            Ask::Owns { consumer } => &[consumer],
            Ask::Owner { group, topic, .. } => &[group, topic],
            Ask::Stops { group } | Ask::Rebalance { group } => &[group],
            Ask::Redelivers => &[],
            Ask::Lost { topic } => &[topic],
        };
        if names.iter().any(|n| n.trim().is_empty()) {
            return Err((at("ask"), "names a consumer, group or topic with an empty name".into()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::scenario::{built_in, Scenario, BUILT_IN};

    fn with_predict(predict: &str) -> Result<Scenario, String> {
        let text = format!(
            r#"{{"version": 1, "topics": [{{"name": "orders", "partitions": 3}}], "duration": "40s",
                "predict": {predict}}}"#
        );
        Scenario::from_json(&text).map_err(|e| e.to_string())
    }

    #[test]
    fn questions_read_and_write_in_the_files_tagged_form() {
        let s = with_predict(
            r#"[{"at": "20s", "ask": {"type": "owns", "consumer": "c1"}, "question": {"en": "Which?"}},
                {"at": "25s", "ask": {"type": "redelivers"}, "question": {"en": "Twice?", "ru": "Дважды?"}, "within": "5s"}]"#,
        )
        .unwrap();
        assert_eq!(s.predict[0].ask, Ask::Owns { consumer: "c1".into() });
        assert_eq!(s.predict[1].ask, Ask::Redelivers);
        assert_eq!(s.predict[1].within_ms(), 5_000);
        let text = s.to_json();
        assert!(text.contains("\"ask\": {\n        \"type\": \"owns\""), "{text}");
        assert!(text.contains("\"type\": \"redelivers\""), "{text}");
        assert_eq!(Scenario::from_json(&text).unwrap(), s);
    }

    #[test]
    fn bad_questions_are_refused_naming_the_field() {
        let cases = [
            (r#"[{"at": "20s", "ask": {"type": "guess"}, "question": {"en": "?"}}]"#, "predict[0].ask"),
            (r#"[{"at": "20s", "ask": {"consumer": "c1"}, "question": {"en": "?"}}]"#, "predict[0].ask"),
            (
                r#"[{"at": "20s", "ask": {"type": "redelivers"}, "question": {"en": " "}}]"#,
                "predict[0].question.en",
            ),
            (r#"[{"at": "50s", "ask": {"type": "redelivers"}, "question": {"en": "?"}}]"#, "predict[0].at"),
            (
                r#"[{"at": "20s", "ask": {"type": "redelivers"}, "question": {"en": "?"}},
                    {"at": "20s", "ask": {"type": "redelivers"}, "question": {"en": "?"}}]"#,
                "predict[1].at",
            ),
            (
                r#"[{"at": "20s", "ask": {"type": "stops", "group": ""}, "question": {"en": "?"}}]"#,
                "predict[0].ask",
            ),
            (
                r#"[{"at": "20s", "ask": {"type": "redelivers"}, "question": {"en": "?"}, "within": "11m"}]"#,
                "predict[0].within",
            ),
        ];
        for (predict, field) in cases {
            let e = with_predict(predict).unwrap_err();
            assert!(e.starts_with(field), "{predict}: {e}");
        }
    }

    #[test]
    fn at_least_six_built_in_lessons_ask_in_english_and_russian() {
        let asking: Vec<&str> = BUILT_IN
            .iter()
            .filter(|(id, _)| {
                let s = built_in(id).unwrap();
                for p in &s.predict {
                    assert!(!p.question.ru.trim().is_empty(), "{id}: a question without Russian");
                    if let Some(e) = &p.explain {
                        assert!(!e.en.is_empty() && !e.ru.is_empty(), "{id}: explain needs en+ru");
                    }
                }
                !s.predict.is_empty()
            })
            .map(|(id, _)| *id)
            .collect();
        assert!(asking.len() >= 6, "{asking:?}");
    }
}
