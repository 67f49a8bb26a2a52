//! What an instance starts with, and in which language: pure decisions over what the address,
//! the props and the browser's storage say (the DOM side is in [`super::session`]).
//!
//! Priority for the scenario: a `#s=` link, then `?scenario=ID` (or the `scenario` prop), then
//! the autosave, then the default. A link or autosave that cannot be read is told in a notice
//! and never leaves the page blank: the default scenario starts instead.

use super::library::built_in;
use super::state::{Load, Notice};
use super::text::Lang;
use crate::core::scenario::{default_scenario, Scenario};
use crate::core::share::{self, Shared};

/// Where the browser keeps the session (not when embedded).
pub const AUTOSAVE_KEY: &str = "broker-playground.autosave";
/// Where an unreadable autosave is moved, so it is not lost and not read again.
pub const REJECTED_KEY: &str = "broker-playground.autosave.rejected";
/// The language the person chose with the Language select.
pub const LANG_KEY: &str = "broker-playground.lang";

/// The decision: what to load, and what to do with the address and the storage.
#[derive(Debug, Clone, PartialEq)]
pub struct Start {
    pub load: Load,
    /// Remove `#…` from the address (a link, read or refused, is not read again on reload).
    pub clear_hash: bool,
    /// Move the autosave to [`REJECTED_KEY`].
    pub reject_autosave: bool,
    /// A readable autosave that this start replaces: offered as "Restore previous session".
    pub previous: Option<Shared>,
    pub source: Source,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Link,
    BuiltIn,
    Autosave,
    Default,
}

fn fresh(scenario: Scenario, notice: Option<Notice>) -> Load {
    Load { scenario, at: 0, playing: true, notice }
}

/// Whether an autosave holds work worth offering back (not a built-in as shipped at 00:00).
pub fn worth_keeping(s: &Shared) -> bool {
    s.at > 0 || built_in(&s.scenario.id).as_ref() != Some(&s.scenario)
}

/// Decides the start. `hash` is `location.hash` (with its `#`), `scenario` the requested
/// built-in id (`?scenario=` or the prop), `autosave` the stored session text.
pub fn choose(hash: Option<&str>, scenario: Option<&str>, autosave: Option<&str>) -> Start {
    let link = hash.map(|h| h.trim_start_matches('#')).filter(|h| h.starts_with("s="));
    let saved = autosave.filter(|a| !a.trim().is_empty()).map(share::open_saved);
    let previous = match &saved {
        Some(Ok(s)) if worth_keeping(s) => Some(s.clone()),
        _ => None,
    };
    let rejected = matches!(saved, Some(Err(_)));
    let start = |load, source, clear_hash| Start {
        load,
        clear_hash,
        reject_autosave: rejected,
        previous: if source == Source::Autosave { None } else { previous.clone() },
        source,
    };
    if let Some(link) = link {
        return match share::decode(link) {
            Ok(s) => start(
                Load {
                    at: s.at,
                    playing: false,
                    notice: Some(Notice::LinkOpened(s.at)),
                    scenario: s.scenario,
                },
                Source::Link,
                true,
            ),
            Err(e) => start(fresh(default_scenario(), Some(Notice::LinkFailed(e))), Source::Default, true),
        };
    }
    if let Some(id) = scenario.map(str::trim).filter(|id| !id.is_empty()) {
        return match built_in(id) {
            Some(s) => start(fresh(s, None), Source::BuiltIn, false),
            None => start(
                fresh(default_scenario(), Some(Notice::UnknownScenario(id.to_string()))),
                Source::Default,
                false,
            ),
        };
    }
    match saved {
        Some(Ok(s)) => start(
            Load { at: s.at, playing: true, notice: None, scenario: s.scenario },
            Source::Autosave,
            false,
        ),
        Some(Err(e)) => start(
            fresh(default_scenario(), Some(Notice::AutosaveRejected(e, REJECTED_KEY.to_string()))),
            Source::Default,
            false,
        ),
        None => start(fresh(default_scenario(), None), Source::Default, false),
    }
}

/// The UI language. Embedded: the `lang` prop, else the host page's `<html lang>`, else the
/// browser's language, else English. The page: the prop (or `?lang=`), else the person's
/// stored choice, else the browser's language, else English (the page's own `<html lang>` is
/// what this app writes, so it is not read back as a wish).
pub fn choose_lang(
    prop: Option<&str>,
    stored: Option<&str>,
    html_lang: Option<&str>,
    navigator: Option<&str>,
    embedded: bool,
) -> Lang {
    let pick = |v: Option<&str>| v.and_then(Lang::parse);
    let browser = navigator.is_some_and(|n| n.trim().to_ascii_lowercase().starts_with("ru"));
    let browser = if browser { Some(Lang::Ru) } else { None };
    if embedded {
        pick(prop).or(pick(html_lang)).or(browser).unwrap_or_default()
    } else {
        pick(prop).or(pick(stored)).or(browser).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::scenario::Run;

    fn link(id: &str, at: u64) -> String {
        format!("#s={}", share::encode(&built_in(id).unwrap(), at))
    }

    #[test]
    fn a_link_wins_over_everything_and_opens_paused_at_its_moment() {
        let saved = share::encode(&built_in("lag").unwrap(), 5_000);
        let s = choose(Some(&link("kip-848", 12_000)), Some("roles"), Some(&saved));
        assert_eq!(
            (s.source, s.load.scenario.id.as_str(), s.load.at, s.load.playing),
            (Source::Link, "kip-848", 12_000, false)
        );
        assert!(s.clear_hash && !s.reject_autosave);
        assert_eq!(
            s.previous.map(|p| p.scenario.id),
            Some("lag".to_string()),
            "the autosave is offered back"
        );
    }

    #[test]
    fn a_tampered_link_is_a_notice_and_the_default_scenario() {
        let mut bad = link("roles", 0);
        bad.truncate(bad.len() / 2);
        let s = choose(Some(&bad), None, None);
        assert_eq!(s.source, Source::Default);
        assert_eq!(s.load.scenario, default_scenario());
        assert!(s.clear_hash);
        assert!(matches!(s.load.notice, Some(Notice::LinkFailed(_))), "{:?}", s.load.notice);
        // A hash that is not a share link is left alone.
        let s = choose(Some("#top"), None, None);
        assert!(!s.clear_hash && s.load.notice.is_none());
    }

    #[test]
    fn a_query_scenario_then_the_autosave_then_the_default() {
        let saved = share::encode(&built_in("lag").unwrap(), 5_000);
        let s = choose(None, Some("roles"), Some(&saved));
        assert_eq!(
            (s.source, s.load.scenario.id.as_str(), s.load.at, s.load.playing),
            (Source::BuiltIn, "roles", 0, true)
        );
        let s = choose(None, Some("nope"), None);
        assert_eq!(s.source, Source::Default);
        assert_eq!(s.load.notice, Some(Notice::UnknownScenario("nope".into())));
        let s = choose(Some(""), None, Some(&saved));
        assert_eq!((s.source, s.load.scenario.id.as_str(), s.load.at), (Source::Autosave, "lag", 5_000));
        assert!(s.previous.is_none());
        let s = choose(None, None, None);
        assert_eq!((s.source, s.load.scenario.id.as_str()), (Source::Default, "playground"));
        assert!(s.load.notice.is_none() && s.previous.is_none());
    }

    #[test]
    fn a_corrupt_or_old_autosave_is_set_aside_with_a_notice() {
        let v2 = base64_of(br#"{"v":2,"at":0,"scenario":{}}"#);
        for bad in ["{not json", "AAAA", v2.as_str()] {
            let s = choose(None, None, Some(bad));
            assert_eq!(s.source, Source::Default, "{bad}");
            assert!(s.reject_autosave);
            assert!(matches!(s.load.notice, Some(Notice::AutosaveRejected(_, ref k)) if k == REJECTED_KEY));
        }
        // A fresh built-in at 00:00 is nothing to offer back.
        let plain = share::encode(&default_scenario(), 0);
        assert!(choose(None, Some("roles"), Some(&plain)).previous.is_none());
    }

    fn base64_of(json: &[u8]) -> String {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(miniz_oxide::deflate::compress_to_vec(json, 9))
    }

    #[test]
    fn the_language_follows_prop_then_choice_then_browser() {
        assert_eq!(choose_lang(Some("ru"), Some("en"), Some("en"), Some("en-US"), false), Lang::Ru);
        assert_eq!(choose_lang(None, Some("ru"), Some("en"), Some("en-US"), false), Lang::Ru);
        assert_eq!(choose_lang(None, None, Some("en"), Some("ru-RU"), false), Lang::Ru);
        assert_eq!(choose_lang(None, None, None, Some("de-DE"), false), Lang::En);
        assert_eq!(choose_lang(Some("xx"), None, None, None, false), Lang::En);
        // Embedded: the host page's language, never the playground page's stored choice.
        assert_eq!(choose_lang(None, Some("ru"), Some("en"), Some("ru"), true), Lang::En);
        assert_eq!(choose_lang(None, None, Some("ru"), None, true), Lang::Ru);
        assert_eq!(choose_lang(None, None, None, Some("ru"), true), Lang::Ru);
    }

    #[test]
    fn every_start_builds() {
        for (id, _) in crate::core::scenario::BUILT_IN {
            let s = choose(None, Some(id), None);
            assert!(Run::new(s.load.scenario).is_ok(), "{id}");
        }
    }
}
