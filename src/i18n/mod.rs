//! The language layer: the core's events are data; this module says them in words, for the CLI
//! (natively) and for the page.
//!
//! # Layout
//! - [`Lang`] — the languages spoken (English, Russian).
//! - [`narrate`] — the one exhaustive `match` over [`EventKind`](crate::core::EventKind): it picks
//!   a message (a [`Narration`] field) and its arguments. A new kind of event does not compile
//!   until it is told here.
//! - [`en`] — the English messages, compiled in (`playground-cli run` and the checked-in
//!   timelines print them).
//! - [`ru`] — the Russian ones are data: `src/i18n/ru.json` (messages, the page's catalogue and
//!   the error meanings), copied to `dist/ru.json` and fetched by the page the first time Russian
//!   is needed, so the wasm carries no Russian text. Natively (CLI, tests) the same file is
//!   compiled in. [`ru::GLOSSARY`] is the one table of Russian Kafka terms every Russian string
//!   follows (a test walks the file for the words it rules out).
//!
//! Templates name their arguments (`{topic}`) so a translation may reorder them; [`fill`] fills
//! them. Kafka's own names (configs, requests, error codes, group states) stay as Kafka prints
//! them in every language.

pub mod en;
mod narrate;
pub mod ru;

pub use narrate::{narrate, Narration};

use crate::core::event::{escape_controls, Event};
use crate::core::time::format_clock;

/// A language the playground speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lang {
    #[default]
    En,
    Ru,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ru];

    /// `en`, `ru`: for `<html lang>`, storage and [`crate::core::scenario::Text::get`].
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
        }
    }

    /// The language's own name, as the Language select lists it.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ru => "Русский",
        }
    }

    /// `en`, `ru`, `ru-RU`, `RU`…; anything else is not a language this UI speaks.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        let primary = s.split(['-', '_']).next().unwrap_or("");
        match primary {
            "en" => Some(Lang::En),
            "ru" => Some(Lang::Ru),
            _ => None,
        }
    }

    /// Whether this language's words are at hand (English always; Russian natively always, in
    /// the browser once `ru.json` has been fetched and [`ru::install`]ed).
    pub fn is_loaded(self) -> bool {
        match self {
            Lang::En => true,
            Lang::Ru => ru::catalogue().is_some(),
        }
    }
}

/// The messages of `lang`; English while another language's data is not loaded yet.
pub fn narration(lang: Lang) -> &'static Narration<'static> {
    match lang {
        Lang::En => &en::NARRATION,
        Lang::Ru => ru::catalogue().map_or(&en::NARRATION, |c| &c.narration),
    }
}

/// `[mm:ss.mmm] narration`, one timeline line, in `lang`: control characters in what a person
/// typed (a note, a key, a value) are escaped (`\n`), so no text can forge a line of its own.
pub fn line(e: &Event, lang: Lang) -> String {
    format!("[{}] {}", format_clock(e.at), escape_controls(&narrate(e, lang)))
}

/// English narration as methods, for the CLI and tests: `e.line()`, `e.narrate()`.
pub trait Narrate {
    /// The event in plain English, as the timeline and `playground-cli run` print it.
    fn narrate(&self) -> String;
    /// `[mm:ss.mmm] narration` in English.
    fn line(&self) -> String;
}

impl Narrate for Event {
    fn narrate(&self) -> String {
        narrate(self, Lang::En)
    }

    fn line(&self) -> String {
        line(self, Lang::En)
    }
}

/// The strings `names` of a language file's object `v` (its `section`), in that order; the
/// error names the first one missing.
pub fn read_strings<'a>(
    v: &'a serde_json::Value,
    section: &str,
    names: &[&str],
) -> Result<Vec<&'a str>, String> {
    names
        .iter()
        .map(|k| v.get(k).and_then(|s| s.as_str()).ok_or_else(|| format!("{section}.{k} is missing")))
        .collect()
}

/// Fills a template: each `{name}` becomes the argument of that name; `{}` (unnamed) takes the
/// next unnamed argument in order, as the page's catalogue writes them. Text in braces that
/// names no argument is left as it is.
pub fn fill(template: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    let mut positional = args.iter().filter(|(n, _)| n.is_empty());
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[i..]);
            return out;
        };
        let name = &after[..end];
        let arg = if name.is_empty() { positional.next() } else { args.iter().find(|(n, _)| *n == name) };
        match arg {
            Some((_, v)) => {
                use std::fmt::Write;
                let _ = write!(out, "{v}");
            }
            None if name.is_empty() => {}
            None => out.push_str(&rest[i..i + end + 2]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_named_and_positional_arguments() {
        assert_eq!(fill("{a}-{b}={a}", &[("a", &"x"), ("b", &3)]), "x-3=x");
        assert_eq!(fill("{} of {}", &[("", &1), ("", &2)]), "1 of 2");
        assert_eq!(fill("{unknown} {", &[("a", &1)]), "{unknown} {");
    }

    #[test]
    fn languages_parse_from_codes_and_browser_tags() {
        assert_eq!(Lang::parse("ru-RU"), Some(Lang::Ru));
        assert_eq!(Lang::parse("RU"), Some(Lang::Ru));
        assert_eq!(Lang::parse("en_GB"), Some(Lang::En));
        assert_eq!(Lang::parse("de"), None);
        assert_eq!(Lang::parse(""), None);
        for l in Lang::ALL {
            assert_eq!(Lang::parse(l.code()), Some(l));
        }
    }
}
