//! Share links: the whole current scenario (its script plus everything the person did) and the
//! moment being looked at, compressed into a URL fragment `#s=…`.
//!
//! Because the core is deterministic, a scenario plus a time *is* the state: opening a link
//! replays it from the seed. Format: base64url (no padding) of raw DEFLATE of
//! `{"v": 1, "at": <ms>, "scenario": {…}}`. Decoding is bounded (input length, inflated size)
//! and validates the scenario like a file, so a tampered link is an error, never a panic.

use super::scenario::{Scenario, ScenarioError, MAX_SCENARIO_BYTES};
use super::time::Millis;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

/// The link format version.
pub const SHARE_VERSION: u32 = 1;

/// Longest envelope accepted: a scenario at its limit as the playground writes it (pretty; the
/// envelope holds the compact form, which is shorter) plus the envelope's own fields.
pub const MAX_ENVELOPE_BYTES: usize = MAX_SCENARIO_BYTES + 256;

/// Longest fragment accepted: the base64url of any envelope the page can write, deflated, even
/// when DEFLATE cannot shrink it (stored blocks add 5 bytes per 64 KiB). Whatever the page
/// shares, the same build opens (Chromium accepts addresses of up to 2 MB).
pub const MAX_LINK_CHARS: usize = (MAX_ENVELOPE_BYTES + MAX_ENVELOPE_BYTES / 8192 + 64) * 4 / 3 + 4;

/// What a share link carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shared {
    pub scenario: Scenario,
    /// The simulated time the view was at.
    pub at: Millis,
}

/// Why a link could not be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareError {
    TooLong,
    NotBase64,
    NotCompressed,
    NotJson(String),
    Version(u32),
    Scenario(ScenarioError),
}

impl std::fmt::Display for ShareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShareError::TooLong => write!(f, "the link is too long to be a playground link"),
            ShareError::NotBase64 => write!(f, "the link is damaged (not base64url)"),
            ShareError::NotCompressed => write!(f, "the link is damaged (it does not decompress)"),
            ShareError::NotJson(e) => write!(f, "the link is damaged ({})", super::error::one_line(e)),
            ShareError::Version(v) => {
                write!(f, "the link is from a newer playground (format {v}; this one reads {SHARE_VERSION})")
            }
            ShareError::Scenario(e) => write!(f, "the link's scenario is invalid: {e}"),
        }
    }
}

impl std::error::Error for ShareError {}

/// The JSON a link carries before compression, `{"v": 1, "at": …, "scenario": {…}}`.
/// Autosave stores it as it is (no compression: saving on `pagehide` cannot wait).
pub fn envelope(scenario: &Scenario, at: Millis) -> String {
    let at = at.min(super::scenario::MAX_DURATION_MS);
    let env = serde_json::json!({"v": SHARE_VERSION, "at": at, "scenario": scenario.to_value()});
    serde_json::to_string(&env).unwrap_or_default()
}

/// The text after `#s=` for an [`envelope`] already compressed with raw DEFLATE. The page
/// compresses with the browser's `CompressionStream("deflate-raw")`, which keeps a DEFLATE
/// encoder out of the wasm; [`encode`] does the same with miniz_oxide.
pub fn fragment(deflated: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(deflated)
}

/// Encodes a scenario and a time as the text after `#s=`.
pub fn encode(scenario: &Scenario, at: Millis) -> String {
    fragment(&miniz_oxide::deflate::compress_to_vec(envelope(scenario, at).as_bytes(), 9))
}

/// Decodes the text after `#s=` (a leading `#s=` or `s=` is accepted too).
pub fn decode(fragment: &str) -> Result<Shared, ShareError> {
    let text = fragment.trim();
    let text = text.strip_prefix('#').unwrap_or(text);
    let text = text.strip_prefix("s=").unwrap_or(text);
    if text.len() > MAX_LINK_CHARS {
        return Err(ShareError::TooLong);
    }
    let packed = URL_SAFE_NO_PAD.decode(text.as_bytes()).map_err(|_| ShareError::NotBase64)?;
    // Bounded inflate: a tiny link cannot expand into gigabytes.
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_ENVELOPE_BYTES)
        .map_err(|_| ShareError::NotCompressed)?;
    let text = std::str::from_utf8(&json).map_err(|e| ShareError::NotJson(e.to_string()))?;
    open(text)
}

/// An autosave: an [`envelope`], or a link fragment (what earlier versions saved).
pub fn open_saved(text: &str) -> Result<Shared, ShareError> {
    if text.trim_start().starts_with('{') {
        open(text)
    } else {
        decode(text)
    }
}

/// Opens an [`envelope`]'s JSON, validating the scenario like a file.
pub fn open(json: &str) -> Result<Shared, ShareError> {
    if json.len() > MAX_ENVELOPE_BYTES {
        return Err(ShareError::TooLong);
    }
    let env = super::wire::parse_strict(json).map_err(|e| {
        // `scenario.topics: duplicate key …`: the path inside the envelope.
        ShareError::NotJson(if e.path.is_empty() { e.message } else { format!("{}: {}", e.path, e.message) })
    })?;
    // The envelope by hand: one JSON reader (the scenario's) in the page, not a second derive.
    let serde_json::Value::Object(mut env) = env else {
        return Err(ShareError::NotJson("expected an object".into()));
    };
    if let Some(extra) = env.keys().find(|k| !matches!(k.as_str(), "v" | "at" | "scenario")) {
        return Err(ShareError::NotJson(format!("unknown field `{extra}`")));
    }
    let number = |field: &str| env.get(field).and_then(serde_json::Value::as_u64);
    let v = number("v").ok_or_else(|| ShareError::NotJson("`v` must be the link's format number".into()))?;
    if v != u64::from(SHARE_VERSION) {
        return Err(ShareError::Version(u32::try_from(v).unwrap_or(u32::MAX)));
    }
    let at = number("at").ok_or_else(|| ShareError::NotJson("`at` must be a time in ms".into()))?;
    if at > super::scenario::MAX_DURATION_MS {
        return Err(ShareError::NotJson("time is past 24 hours".into()));
    }
    let scenario =
        env.remove("scenario").ok_or_else(|| ShareError::NotJson("missing field `scenario`".into()))?;
    let scenario = Scenario::from_value(scenario).map_err(ShareError::Scenario)?;
    Ok(Shared { scenario, at })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::scenario::built_in;

    #[test]
    fn round_trips_every_built_in_scenario() {
        for (id, _) in crate::core::scenario::BUILT_IN {
            let s = built_in(id).unwrap();
            let link = encode(&s, 12_345);
            assert!(link.len() < 4000, "{id}: {} chars", link.len());
            let back = decode(&format!("#s={link}")).unwrap();
            assert_eq!(back.scenario, s);
            assert_eq!(back.at, 12_345);
        }
    }

    #[test]
    fn autosaves_are_envelopes_and_old_link_shaped_saves_still_open() {
        let s = built_in("lag").unwrap();
        let saved = envelope(&s, 5_000);
        assert!(saved.starts_with(r#"{"v":1,"at":5000,"scenario":{"version":1,"#), "{saved}");
        assert_eq!(open_saved(&saved), Ok(Shared { scenario: s.clone(), at: 5_000 }));
        assert_eq!(open_saved(&encode(&s, 5_000)), Ok(Shared { scenario: s, at: 5_000 }));
        assert!(matches!(open_saved("{not json"), Err(ShareError::NotJson(_))));
        assert!(matches!(open_saved(r#"{"v":1,"at":0,"scenario":{},"x":1}"#), Err(ShareError::NotJson(_))));
    }

    #[test]
    fn tampered_links_are_clear_errors() {
        let link = encode(&built_in("roles").unwrap(), 0);
        assert_eq!(decode("not base64 !!"), Err(ShareError::NotBase64));
        assert_eq!(decode("AAAA"), Err(ShareError::NotCompressed));
        let mut chars: Vec<char> = link.chars().collect();
        let mid = chars.len() / 2;
        chars[mid] = if chars[mid] == 'A' { 'B' } else { 'A' };
        let tampered: String = chars.into_iter().collect();
        assert!(decode(&tampered).is_err());
        let bomb = URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&vec![b' '; 4 << 20], 9));
        assert_eq!(decode(&bomb), Err(ShareError::NotCompressed));
        let newer = URL_SAFE_NO_PAD
            .encode(miniz_oxide::deflate::compress_to_vec(br#"{"v":9,"at":0,"scenario":{}}"#, 9));
        assert_eq!(decode(&newer), Err(ShareError::Version(9)));
        let bad = URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(
            br#"{"v":1,"at":0,"scenario":{"version":1,"topics":[{"name":"<script>","partitions":3}]}}"#,
            9,
        ));
        match decode(&bad) {
            Err(ShareError::Scenario(e)) => assert_eq!(e.path, "topics[0].name"),
            other => panic!("{other:?}"),
        }
    }
}
