//! Simulated time. The core never reads a clock: every call that moves time takes `now`.

/// Milliseconds of simulated time since the scenario started.
pub type Millis = u64;

/// `mm:ss.mmm` (or `h:mm:ss.mmm` past an hour), as the timeline prints it.
pub fn format_clock(ms: Millis) -> String {
    let total_s = ms / 1000;
    let (h, m, s, milli) = (total_s / 3600, (total_s / 60) % 60, total_s % 60, ms % 1000);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}.{milli:03}")
    } else {
        format!("{m:02}:{s:02}.{milli:03}")
    }
}

/// Parses a duration such as `1500ms`, `90s`, `5m`, `1h`, `1m30s` or a bare number of
/// milliseconds. Returns `None` for anything else (negative, empty, overflowing, unknown unit).
pub fn parse_duration(text: &str) -> Option<Millis> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(ms) = text.parse::<u64>() {
        return Some(ms);
    }
    let mut total: u64 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let n: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "ms" => 1,
            "s" => 1000,
            "m" => 60_000,
            "h" => 3_600_000,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(factor)?)?;
        rest = &rest[unit_len..];
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_is_minutes_seconds_millis() {
        assert_eq!(format_clock(12_300), "00:12.300");
        assert_eq!(format_clock(3_723_004), "1:02:03.004");
    }

    #[test]
    fn durations_parse_like_the_cli_documents() {
        assert_eq!(parse_duration("90s"), Some(90_000));
        assert_eq!(parse_duration("5m"), Some(300_000));
        assert_eq!(parse_duration("1m30s"), Some(90_000));
        assert_eq!(parse_duration("250ms"), Some(250));
        assert_eq!(parse_duration("42"), Some(42));
        for bad in ["", "-5s", "5x", "s", "99999999999999999999h", "1.5s"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}
