//! `playground-cli run SCENARIO [--until DURATION] [--json]` and `playground-cli scenarios`.

use super::Outcome;
use crate::core::scenario::{built_in, Run, Scenario, BUILT_IN};
use crate::core::time::parse_duration;
use crate::i18n::Narrate;

/// When a scenario names no duration, `run` stops after this long.
pub const DEFAULT_UNTIL_MS: u64 = 60_000;

pub fn run(args: &[String]) -> Outcome {
    let mut target: Option<&str> = None;
    let mut until: Option<u64> = None;
    let mut json = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => json = true,
            "--until" => {
                let Some(v) = it.next() else {
                    return Outcome::input_error("--until needs a duration, e.g. 90s");
                };
                match parse_duration(v) {
                    Some(ms) if ms <= crate::core::scenario::MAX_DURATION_MS => until = Some(ms),
                    _ => {
                        return Outcome::input_error(format!(
                            "--until: {v:?} is not a duration up to 24h (e.g. 90s, 5m)"
                        ))
                    }
                }
            }
            s if s.starts_with("--") => return Outcome::input_error(format!("run: unknown option {s}")),
            s if target.is_none() => target = Some(s),
            s => return Outcome::input_error(format!("run: unexpected argument {s:?}")),
        }
    }
    let Some(target) = target else {
        return Outcome::input_error("run: give a scenario file or a built-in id");
    };
    let scenario = match load(target) {
        Ok(s) => s,
        Err(e) => return Outcome::input_error(e),
    };
    let until = until.or(scenario.duration.map(|d| d.0)).unwrap_or(DEFAULT_UNTIL_MS);
    let mut run = match Run::new(scenario) {
        Ok(r) => r,
        Err(e) => return Outcome::input_error(format!("{target}: {e}")),
    };
    let events = run.advance(until);
    let mut out = String::with_capacity(events.len() * 80);
    for e in &events {
        if json {
            out.push_str(&serde_json::to_string(e).unwrap_or_default());
        } else {
            out.push_str(&e.line());
        }
        out.push('\n');
    }
    Outcome::ok(out)
}

/// A scenario file's text, or a built-in scenario by id.
fn load(target: &str) -> Result<Scenario, String> {
    match std::fs::read_to_string(target) {
        Ok(text) => Scenario::from_json(&text).map_err(|e| format!("{target}: {e}")),
        Err(io) if io.kind() == std::io::ErrorKind::InvalidData => {
            Err(format!("{target}: not a scenario file: it is not UTF-8 text"))
        }
        Err(io) => built_in(target).ok_or_else(|| {
            let ids: Vec<&str> = BUILT_IN.iter().map(|(id, _)| *id).collect();
            format!("{target}: not a readable file ({io}) nor a built-in scenario ({})", ids.join(", "))
        }),
    }
}

pub fn scenarios(args: &[String]) -> Outcome {
    let json = match args {
        [] => false,
        [a] if a == "--json" => true,
        _ => return Outcome::input_error("usage: playground-cli scenarios [--json]"),
    };
    let list: Vec<Scenario> = BUILT_IN.iter().filter_map(|(id, _)| built_in(id)).collect();
    if json {
        let items: Vec<serde_json::Value> = list
            .iter()
            .map(|s| serde_json::json!({"id": s.id, "title": s.title.en, "summary": s.summary.en}))
            .collect();
        return Outcome::ok(format!("{}\n", serde_json::Value::Array(items)));
    }
    let w = list.iter().map(|s| s.id.len()).max().unwrap_or(2);
    let mut out = String::new();
    for s in &list {
        out.push_str(&format!("{:<w$}  {} — {}\n", s.id, s.title.en, s.summary.en));
    }
    Outcome::ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn runs_a_built_in_scenario_and_prints_the_timeline() {
        let out = run(&args(&["rebalance-basics", "--until", "30s"]));
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(out.stdout.contains("c2 crashed"));
        assert!(out.stdout.lines().all(|l| l.starts_with('[')));
    }

    #[test]
    fn json_lines_are_json() {
        let out = run(&args(&["rebalance-basics", "--until", "5s", "--json"]));
        for line in out.stdout.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(v["at"].is_u64() && v["type"].is_string());
        }
    }

    #[test]
    fn bad_input_is_exit_2_with_one_line() {
        for a in
            [vec!["no-such-scenario"], vec!["rebalance-basics", "--until", "-5s"], vec![], vec!["x", "y"]]
        {
            let out = run(&args(&a));
            assert_eq!(out.code, 2, "{a:?}");
            assert_eq!(out.stderr.trim_end().lines().count(), 1, "{a:?}: {}", out.stderr);
        }
    }

    #[test]
    fn lists_every_built_in() {
        let out = scenarios(&[]);
        assert_eq!(out.stdout.lines().count(), BUILT_IN.len());
        let out = scenarios(&args(&["--json"]));
        let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(v.as_array().map(Vec::len), Some(BUILT_IN.len()));
    }
}
