//! `playground-cli kafka SCENARIO [--at DURATION] -e 'COMMAND LINE' [-e …] [--input FILE]`:
//! runs the scenario to `--at` (default: its end), then Kafka's tools, as the page's terminal
//! runs them (`crate::core::tools`). Exit 0 when every command succeeded, 1 when a tool
//! reported an error, 2 for bad usage of `playground-cli` itself.

use super::{read_input, Outcome, Stdin};
use crate::core::scenario::Run;
use crate::core::time::parse_duration;
use crate::core::tools::{self, Context};

pub fn run(args: &[String], stdin: &mut dyn Stdin) -> Outcome {
    let mut target: Option<&str> = None;
    let mut at: Option<u64> = None;
    let mut lines: Vec<&str> = Vec::new();
    let mut input: Option<&str> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--at" => {
                let Some(v) = it.next() else {
                    return Outcome::input_error("--at needs a duration, e.g. 30s");
                };
                match parse_duration(v) {
                    Some(ms) if ms <= crate::core::scenario::MAX_DURATION_MS => at = Some(ms),
                    _ => {
                        return Outcome::input_error(format!(
                            "--at: {v:?} is not a duration up to 24h (e.g. 30s, 5m)"
                        ))
                    }
                }
            }
            "-e" => match it.next() {
                Some(l) => lines.push(l),
                None => {
                    return Outcome::input_error("-e needs a command line, e.g. -e 'kafka-topics --list'")
                }
            },
            "--input" => match it.next() {
                Some(f) => input = Some(f),
                None => return Outcome::input_error("--input needs a file (or - for stdin)"),
            },
            s if s.starts_with('-') && s != "-" => {
                return Outcome::input_error(format!("kafka: unknown option {s}"))
            }
            s if target.is_none() => target = Some(s),
            s => return Outcome::input_error(format!("kafka: unexpected argument {s:?}")),
        }
    }
    let Some(target) = target else {
        return Outcome::input_error("kafka: give a scenario file or a built-in id, then -e 'COMMAND LINE'");
    };
    if lines.is_empty() {
        return Outcome::input_error("kafka: give at least one -e 'COMMAND LINE'");
    }
    let scenario = match super::run::load(target) {
        Ok(s) => s,
        Err(e) => return Outcome::input_error(e),
    };
    let until = at.or(scenario.duration.map(|d| d.0)).unwrap_or(super::run::DEFAULT_UNTIL_MS);
    let mut run = match Run::new(scenario) {
        Ok(r) => r,
        Err(e) => return Outcome::input_error(format!("{target}: {e}")),
    };
    run.advance(until);
    // Standard input is read only when a console producer needs it.
    let wants_stdin = lines.iter().any(|l| {
        tools::split_words(l).ok().and_then(|w| w.first().and_then(|t| tools::tool_name(t)))
            == Some("kafka-console-producer")
    });
    let text = if input.is_some() || wants_stdin {
        match read_input(input, stdin) {
            Ok(t) => t,
            Err(e) => return Outcome::input_error(e),
        }
    } else {
        String::new()
    };
    let ctx = Context { user: None, stdin: text, follow: false };
    let mut out = Outcome { code: 0, stdout: String::new(), stderr: String::new() };
    for line in lines {
        let o = tools::run(line, &mut run, &ctx);
        out.stdout.push_str(&o.stdout);
        out.stderr.push_str(&o.stderr);
        if o.status != 0 {
            out.code = 1;
        }
    }
    out
}
