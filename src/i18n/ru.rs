//! Russian, as data: `src/i18n/ru.json` holds the timeline's messages (`narration`), the page's
//! catalogue (`ui`) and what each Kafka error means (`errors`). The page fetches it
//! (`dist/ru.json`) the first time Russian is shown and hands it to [`install`]; natively the
//! same file is compiled in, so the CLI and the tests always have it.
//!
//! Every Russian string follows one [`GLOSSARY`]: the terms of the Russian documentation of
//! managed Apache Kafka services (Yandex Managed Service for Apache Kafka: «топик», «раздел»,
//! «производитель», «потребитель», «группа потребителей», «смещение»), so the page never says
//! «партиция» in one place and «раздел» in another. Kafka's own names — configs
//! (`auto.offset.reset`), requests (`JoinGroup`), states (`Stable`), error codes, table headers
//! (`LOG-END-OFFSET`) — stay as Kafka prints them.

use super::Narration;
use std::sync::OnceLock;

/// The Russian data file's text (compiled in natively; the page fetches it instead).
pub const SOURCE: &str = include_str!("ru.json");

/// Russian, loaded: the timeline's messages, and the whole file for the page's own sections.
pub struct Catalogue {
    pub narration: Narration<'static>,
    /// The parsed file (it lives as long as the program): the UI reads its `ui` and `errors`.
    pub file: &'static serde_json::Value,
}

static FILE: OnceLock<serde_json::Value> = OnceLock::new();
static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();

/// Russian, once installed (natively: always).
pub fn catalogue() -> Option<&'static Catalogue> {
    #[cfg(not(target_arch = "wasm32"))]
    if CATALOGUE.get().is_none() {
        let _ = install(SOURCE);
    }
    CATALOGUE.get()
}

/// Installs the Russian data (the text of `ru.json`); the error says what is wrong with it.
/// Installing twice keeps the first.
pub fn install(source: &str) -> Result<&'static Catalogue, String> {
    if let Some(c) = CATALOGUE.get() {
        return Ok(c);
    }
    let value: serde_json::Value = serde_json::from_str(source).map_err(|e| format!("ru.json: {e}"))?;
    let file = FILE.get_or_init(|| value);
    let narration = Narration::from_json(&file["narration"]).map_err(|e| format!("ru.json: {e}"))?;
    Ok(CATALOGUE.get_or_init(|| Catalogue { narration, file }))
}

/// One term of the glossary: the English term, the Russian one, and the words it rules out.
pub struct Term {
    pub en: &'static str,
    pub ru: &'static str,
    /// Lowercase stems that must not appear in any Russian string.
    pub not: &'static [&'static str],
}

/// The Russian terms every Russian string uses (and what they replace).
pub const GLOSSARY: &[Term] = &[
    Term { en: "partition", ru: "раздел", not: &["партици"] },
    Term { en: "producer", ru: "производитель", not: &["продюсер"] },
    Term { en: "consumer", ru: "потребитель", not: &["консьюмер"] },
    Term {
        en: "consumer group", ru: "группа потребителей", not: &["группа консьюмеров"]
    },
    Term { en: "offset", ru: "смещение", not: &[] },
    Term {
        en: "commit (offsets)", ru: "фиксация смещений, зафиксировать", not: &["коммит"]
    },
    Term { en: "rebalance", ru: "перебалансировка", not: &["ребаланс"] },
    Term {
        en: "assignment strategy", ru: "стратегия назначения", not: &["стратеги распределения"]
    },
    Term {
        en: "standalone (assign())", ru: "без группы (assign())", not: &["самостоятельн"]
    },
    Term { en: "pause() (hold)", ru: "приостановить", not: &["придерж"] },
    Term { en: "owns: nothing", ru: "разделы: нет", not: &["ничем"] },
    Term { en: "generation", ru: "поколение", not: &[] },
    Term { en: "member", ru: "участник", not: &[] },
    Term { en: "lag", ru: "лаг", not: &[] },
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn strings(v: &Value, path: String, out: &mut Vec<(String, String)>) {
        match v {
            Value::String(s) => out.push((path, s.clone())),
            Value::Array(a) => {
                a.iter().enumerate().for_each(|(i, v)| strings(v, format!("{path}[{i}]"), out))
            }
            Value::Object(o) => o.iter().for_each(|(k, v)| strings(v, format!("{path}.{k}"), out)),
            _ => {}
        }
    }

    /// Every string of `ru.json`, with its path.
    pub(crate) fn all_strings() -> Vec<(String, String)> {
        let v: Value = serde_json::from_str(SOURCE).expect("ru.json is JSON");
        let mut out = Vec::new();
        strings(&v, String::new(), &mut out);
        out
    }

    /// Every Russian text of the built-in lessons (each `ru` of a title, summary, what to watch
    /// for, a script note, a question and its choices), with the lesson and its path.
    fn lesson_strings() -> Vec<(String, String)> {
        fn russian(v: &Value, path: String, in_ru: bool, out: &mut Vec<(String, String)>) {
            match v {
                Value::String(s) if in_ru => out.push((path, s.clone())),
                Value::Array(a) => {
                    a.iter().enumerate().for_each(|(i, v)| russian(v, format!("{path}[{i}]"), in_ru, out))
                }
                Value::Object(o) => {
                    o.iter().for_each(|(k, v)| russian(v, format!("{path}.{k}"), in_ru || k == "ru", out))
                }
                _ => {}
            }
        }
        let mut out = Vec::new();
        for (id, text) in crate::core::scenario::BUILT_IN {
            let v: Value = serde_json::from_str(text).expect("a built-in lesson is JSON");
            russian(&v, format!("lesson {id}: "), false, &mut out);
        }
        out
    }

    #[test]
    fn the_lessons_have_russian_texts_to_check() {
        let texts = lesson_strings();
        assert!(texts.len() > 3 * crate::core::scenario::BUILT_IN.len(), "{}", texts.len());
        assert!(texts.iter().any(|(path, _)| path == "lesson playground: .title.ru"), "{texts:?}");
    }

    #[test]
    fn the_file_loads_and_borrows_every_string() {
        let c = catalogue().expect("ru.json loads");
        assert!(c.narration.topic_created.contains("{topic}"));
    }

    /// One glossary: no Russian string — of `ru.json` or of a built-in lesson — uses a term the
    /// glossary rules out (the page once mixed раздел/партиция, потребитель/консьюмер,
    /// смещение/offset, and had «Самостоятельно» beside «Группа» and «Придержать»; the lessons
    /// written before the glossary said партиция, консьюмер, продюсер, коммит, ребаланс).
    #[test]
    fn every_russian_string_follows_the_glossary() {
        let mut bad = Vec::new();
        for (path, s) in all_strings().into_iter().chain(lesson_strings()) {
            let lower = s.to_lowercase();
            let words: Vec<&str> = lower.split(|c: char| !c.is_alphabetic()).collect();
            for term in GLOSSARY {
                for stem in term.not {
                    // A stem starts a word («ребаланс» is not in «перебалансировка»); a phrase
                    // is looked for as it is.
                    let found = if stem.contains(' ') {
                        lower.contains(stem)
                    } else {
                        words.iter().any(|w| w.starts_with(stem))
                    };
                    if found {
                        bad.push(format!(
                            "{path}: {s:?} says {stem:?}; the glossary says {:?} for {:?}",
                            term.ru, term.en
                        ));
                    }
                }
            }
        }
        assert!(bad.is_empty(), "{bad:#?}");
    }

    /// Latin words in a Russian string are Kafka's names (configs, requests, states, tools,
    /// code), never a plain English word left untranslated ("join", "sync", "stable" as phase
    /// names; "offset" for смещение; "keys" in a tooltip).
    #[test]
    fn no_plain_english_word_is_left_in_a_russian_string() {
        // Kafka's and the playground's names that stay in Latin letters in Russian text.
        const KEPT: &[&str] = &[
            // A key's name, as printed on the keyboard.
            "esc",
            "kafka",
            "apache",
            "broker",
            "playground",
            "acl",
            "kip",
            "heartbeat",
            "poll",
            "assign",
            "subscribe",
            "seek",
            "stop-the-world",
            "acks",
            "all",
            "eager",
            "range",
            "cooperative-sticky",
            "sticky",
            "uniform",
            "roundrobin",
            "consumer",
            "producer",
            "classic",
            "topic-admin",
            "admin",
            "at-least-once",
            "at-most-once",
            "fenced",
            "retention",
            "log-end",
            "id",
            "deny",
            "allow",
            "read",
            "write",
            "describe",
            "latest",
            "earliest",
            "none",
            "true",
            "generation",
            "partitioner",
            "seed",
            "pause",
            "kafka-consumer-groups",
            "kafka-acls",
            "kafka-topics",
            "kafka-leader-election",
            "kafka-console-producer",
            "kafka-console-consumer",
            "kafka-get-offsets",
            "kafka-configs",
            "kafka-share-groups",
            "shift",
            "tab",
        ];
        let mut bad = Vec::new();
        for (path, s) in all_strings() {
            // The glossary names each term's English original.
            if path.contains("glossary_entries") && path.ends_with("[0]") {
                continue;
            }
            // Split into words; a word with a dot, an underscore, a capital inside, a digit
            // or brackets is a Kafka name or code (`auto.offset.reset`, `JoinGroup`, `assign()`).
            // Template arguments (`{topic}`) are names, not words.
            let mut text = String::new();
            let mut rest = s.as_str();
            while let (Some(i), Some(j)) = (rest.find('{'), rest.find('}')) {
                if j < i {
                    break;
                }
                text.push_str(&rest[..i]);
                text.push(' ');
                rest = &rest[j + 1..];
            }
            text.push_str(rest);
            for raw in text.split(|c: char| c.is_whitespace() || ",;:«»—()/=".contains(c)) {
                let w = raw.trim_matches(|c: char| !c.is_alphanumeric() && c != '-' && c != '.');
                if w.is_empty() || !w.chars().any(|c| c.is_ascii_alphabetic()) {
                    continue;
                }
                let kafka_name = w.contains(['.', '_'])
                    || w.starts_with("--")
                    || w.chars().any(|c| c.is_ascii_digit())
                    || w.chars().skip(1).any(|c| c.is_ascii_uppercase())
                    || w.chars().all(|c| !c.is_ascii_lowercase());
                if kafka_name {
                    continue;
                }
                // Kafka's group states, as Kafka prints them (a lower-case "stable" is a word).
                if ["Stable", "Empty", "Dead"].contains(&w) {
                    continue;
                }
                // "Eager-перебалансировка": the Latin part is the word to check.
                let w = if w.chars().any(|c| c.is_alphabetic() && !c.is_ascii()) {
                    match w.split('-').find(|p| p.is_ascii()) {
                        Some(latin) => latin,
                        None => continue,
                    }
                } else {
                    w
                };
                let lower = w.to_ascii_lowercase();
                // "offset" as a word of its own is the English word: Russian text says
                // смещение (Kafka's names keep it: LOG-END-OFFSET, auto.offset.reset).
                if !KEPT.contains(&lower.as_str()) || lower == "offset" {
                    bad.push(format!("{path}: {w:?} in {s:?}"));
                }
            }
        }
        assert!(bad.is_empty(), "untranslated words: {bad:#?}");
    }

    /// The Russian timeline, on a few events: the glossary's words, Kafka's names kept.
    #[test]
    fn russian_lines_use_the_glossary() {
        use crate::core::event::{Event, EventKind, RebalanceReason};
        use crate::i18n::{line, narrate, Lang};
        let e = Event {
            at: 1_500,
            kind: EventKind::RebalanceStarted {
                group: "g".into(),
                generation: 2,
                reason: RebalanceReason::MemberJoined { member: "c2".into() },
                rebalance_protocol: Default::default(),
            },
        };
        assert_eq!(
            line(&e, Lang::Ru),
            "[00:01.500] группа g: началась перебалансировка (c2 вступил в группу), поколение 2"
        );
        let note =
            Event { at: 0, kind: EventKind::Note { text: "hello".into(), text_ru: "привет".into() } };
        assert_eq!(narrate(&note, Lang::Ru), "заметка: привет");
        assert_eq!(narrate(&note, Lang::En), "note: hello");
        let note = Event { at: 0, kind: EventKind::Note { text: "hello".into(), text_ru: String::new() } };
        assert_eq!(narrate(&note, Lang::Ru), "заметка: hello");
    }

    /// KIP-848 groups are told with heartbeats and epochs, in Russian too; classic keeps
    /// JoinGroup and generations.
    #[test]
    fn kip_848_lines_speak_of_heartbeats_and_epochs() {
        use crate::core::scenario::{built_in, Run};
        use crate::i18n::{narrate, Lang};
        let ru = |e: &crate::core::Event| narrate(e, Lang::Ru);
        let mut run = Run::new(built_in("kip-848").expect("built-in")).expect("loads");
        let lines: Vec<String> =
            run.advance(20_000).iter().filter(|e| e.subjects().contains(&"group-1")).map(ru).collect();
        assert!(
            lines.iter().any(|l| l.contains("c4 вступил, отправив ConsumerGroupHeartbeat")),
            "{lines:#?}"
        );
        assert!(lines.iter().any(|l| l.contains("целевое назначение uniform для эпохи группы 4")));
        assert!(lines.iter().any(|l| l.contains("Stable, эпоха группы 4")));
        for l in &lines {
            assert!(!l.contains("JoinGroup") && !l.contains("поколени"), "{l}");
        }
        let mut classic = Run::new(built_in("rebalance-basics").expect("built-in")).expect("loads");
        let lines: Vec<String> = classic.advance(19_000).iter().map(ru).collect();
        assert!(lines.iter().any(|l| l.contains("отправил JoinGroup")));
        assert!(lines.iter().any(|l| l.contains("Stable, поколение")));
    }

    /// Every event of every built-in lesson narrates in Russian with all its arguments filled
    /// (no `{name}` left) and without English words of the English messages.
    #[test]
    fn every_built_in_lesson_narrates_in_russian_with_every_argument_filled() {
        use crate::core::scenario::{built_in, Run, BUILT_IN};
        use crate::i18n::{narrate, Lang};
        for (id, _) in BUILT_IN {
            let mut run = Run::new(built_in(id).expect("built-in")).expect("loads");
            for e in run.advance(60_000) {
                let ru = narrate(&e, Lang::Ru);
                assert!(!ru.contains('{'), "{id}: {ru}");
                // Kafka's config names (auto.leader.rebalance.enable) keep their English words.
                let ru: String = ru
                    .split(' ')
                    .filter(|w| !w.trim_matches(|c: char| !c.is_alphanumeric()).contains('.'))
                    .collect::<Vec<_>>()
                    .join(" ");
                for english in
                    ["group ", "consumer ", "producer ", " offset ", "partition", "committed", "rebalance"]
                {
                    if !matches!(
                        e.kind,
                        crate::core::EventKind::Note { .. }
                            | crate::core::EventKind::ConsumerError { .. }
                            | crate::core::EventKind::ScriptStepFailed { .. }
                            | crate::core::EventKind::AuthorizationChanged { .. }
                    ) {
                        assert!(!ru.contains(english), "{id}: {english:?} in {ru}");
                    }
                }
            }
        }
    }
}
