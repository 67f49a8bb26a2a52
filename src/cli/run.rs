//! `playground-cli run SCENARIO [--until DURATION] [--json] [--all]` and `playground-cli scenarios`.
//!
//! `run` streams: it advances the simulated clock a slice at a time and writes each slice's
//! events as they come, so its memory does not grow with the duration (a 24-hour run at the
//! work budget's rate holds one slice of events at a time). Like the page's timeline, it folds
//! high-volume events (records produced, polled, auto-committed) beyond
//! [`NOISY_PER_SECOND`] in a simulated second into one summary line; `--all` prints every one.
//! `--json` never folds: it is one JSON line per event, as shared/CLI.md promises.

use super::Outcome;
use crate::core::event::{Event, EventKind};
use crate::core::scenario::{built_in, Run, Scenario, BUILT_IN, MAX_SCENARIO_BYTES};
use crate::core::time::{parse_duration, Millis};
use crate::i18n::Narrate;
use std::io::{Read, Write};

/// When a scenario names no duration, `run` stops after this long.
pub const DEFAULT_UNTIL_MS: u64 = 60_000;

/// How much simulated time one slice covers: its events are written before the next one runs.
const SLICE_MS: Millis = 100;

/// High-volume events printed per simulated second before the rest are folded into a summary.
pub const NOISY_PER_SECOND: u32 = 100;

/// [`run_to`] with the timeline collected into the [`Outcome`] (tests, small runs).
pub fn run(args: &[String]) -> Outcome {
    let mut buf = Vec::new();
    let mut out = run_to(args, &mut buf);
    if out.code == 0 {
        out.stdout = String::from_utf8_lossy(&buf).into_owned();
    }
    out
}

/// Runs a scenario, writing its timeline to `w` as it goes; the outcome carries the exit code
/// and any error (its `stdout` is empty: the timeline went to `w`).
pub fn run_to(args: &[String], w: &mut dyn Write) -> Outcome {
    let mut target: Option<&str> = None;
    let mut until: Option<u64> = None;
    let mut json = false;
    let mut all = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => json = true,
            "--all" => all = true,
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
    let mut printer =
        Printer { w: std::io::BufWriter::new(w), json, all, second: None, shown: 0, folded: None };
    let mut t = 0;
    loop {
        t = (t + SLICE_MS).min(until);
        for e in run.advance(t) {
            if printer.event(&e).is_err() {
                // The reader went away (`| head`): nothing more to say.
                return Outcome::ok(String::new());
            }
        }
        if t >= until {
            break;
        }
    }
    let _ = printer.finish();
    Outcome::ok(String::new())
}

/// High-volume events folded since the last line printed.
#[derive(Default)]
struct Folded {
    at: Millis,
    events: u64,
    produced: u64,
    polled: u64,
    commits: u64,
}

struct Printer<W: Write> {
    w: W,
    json: bool,
    all: bool,
    /// The simulated second being counted, and its high-volume events printed so far.
    second: Option<Millis>,
    shown: u32,
    folded: Option<Folded>,
}

impl<W: Write> Printer<W> {
    fn event(&mut self, e: &Event) -> std::io::Result<()> {
        let noisy = matches!(
            e.kind,
            EventKind::Produced { .. }
                | EventKind::ProduceAcknowledged { .. }
                | EventKind::Fetched { .. }
                | EventKind::Committed { auto: true, .. }
        );
        // `--json` is the machine contract of shared/CLI.md: one JSON line per event, always.
        if noisy && !self.all && !self.json {
            if self.second != Some(e.at / 1000) {
                self.flush()?;
                self.second = Some(e.at / 1000);
                self.shown = 0;
            }
            if self.shown >= NOISY_PER_SECOND {
                let f = self.folded.get_or_insert_with(Folded::default);
                f.at = e.at;
                f.events += 1;
                match &e.kind {
                    EventKind::Produced { count, .. } => f.produced += count,
                    EventKind::Fetched { count, .. } => f.polled += count,
                    EventKind::ProduceAcknowledged { .. } => {}
                    _ => f.commits += 1,
                }
                return Ok(());
            }
            self.shown += 1;
        } else {
            self.flush()?;
        }
        self.line(e)
    }

    fn line(&mut self, e: &Event) -> std::io::Result<()> {
        if self.json {
            serde_json::to_writer(&mut self.w, e)?;
            self.w.write_all(b"\n")
        } else {
            writeln!(self.w, "{}", e.line())
        }
    }

    /// Writes the summary of what was folded, if anything was.
    fn flush(&mut self) -> std::io::Result<()> {
        let Some(f) = self.folded.take() else { return Ok(()) };
        if self.json {
            let v = serde_json::json!({"at": f.at, "type": "folded", "events": f.events,
                "records_produced": f.produced, "records_polled": f.polled, "auto_commits": f.commits});
            serde_json::to_writer(&mut self.w, &v)?;
            self.w.write_all(b"\n")
        } else {
            writeln!(
                self.w,
                "[{}] … {} more high-volume events folded ({} records produced, {} polled, {} auto-commits; --all prints each)",
                crate::core::time::format_clock(f.at),
                f.events,
                f.produced,
                f.polled,
                f.commits
            )
        }
    }

    fn finish(&mut self) -> std::io::Result<()> {
        self.flush()?;
        self.w.flush()
    }
}

/// A scenario file's text, or a built-in scenario by id. The file is read up to one byte past
/// the size limit, never further (`/dev/zero`, a 600 MB file: refused after 1 MiB).
pub(crate) fn load(target: &str) -> Result<Scenario, String> {
    let file = match std::fs::File::open(target) {
        Ok(f) => f,
        Err(io) => {
            return built_in(target).ok_or_else(|| {
                let ids: Vec<&str> = BUILT_IN.iter().map(|(id, _)| *id).collect();
                format!("{target}: not a readable file ({io}) nor a built-in scenario ({})", ids.join(", "))
            })
        }
    };
    let mut bytes = Vec::new();
    if let Err(io) = file.take(MAX_SCENARIO_BYTES as u64 + 1).read_to_end(&mut bytes) {
        return built_in(target).ok_or_else(|| format!("{target}: not a readable file ({io})"));
    }
    if bytes.len() > MAX_SCENARIO_BYTES {
        return Err(format!("{target}: file too large: a scenario is at most {MAX_SCENARIO_BYTES} bytes"));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("{target}: not a scenario file: it is not UTF-8 text"))?;
    Scenario::from_json(&text).map_err(|e| format!("{target}: {e}"))
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
