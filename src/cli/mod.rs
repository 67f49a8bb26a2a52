//! `playground-cli`'s commands as plain functions: arguments in, output or an error out.
//!
//! `src/bin/playground-cli.rs` only does I/O: it calls [`main`] and prints what comes back.
//! Exit codes (CLI.md): 0 ok, 2 bad usage or bad input, 1 other failures.

pub mod assign;
pub mod kafka;
pub mod partition;
pub mod run;

use crate::core::error::one_line;
use std::io::Read;

/// What a command printed and how it ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    pub fn ok(stdout: String) -> Self {
        Self { code: 0, stdout, stderr: String::new() }
    }
    /// Bad usage or bad input: one clear line, exit 2.
    pub fn input_error(msg: impl std::fmt::Display) -> Self {
        Self { code: 2, stdout: String::new(), stderr: format!("error: {}\n", one_line(&msg.to_string())) }
    }
    /// Any other failure: exit 1.
    pub fn failure(msg: impl std::fmt::Display) -> Self {
        Self { code: 1, stdout: String::new(), stderr: format!("error: {}\n", one_line(&msg.to_string())) }
    }
}

/// Source of standard input, so commands stay testable.
pub trait Stdin {
    fn read_all(&mut self) -> std::io::Result<String>;
}

impl Stdin for std::io::Stdin {
    fn read_all(&mut self) -> std::io::Result<String> {
        let mut s = String::new();
        self.lock().read_to_string(&mut s)?;
        Ok(s)
    }
}

impl Stdin for &str {
    fn read_all(&mut self) -> std::io::Result<String> {
        Ok((*self).to_string())
    }
}

pub const USAGE: &str = "usage: playground-cli <command> [args]

commands:
  partition --partitions N [--hex] [--json] KEY...   which partition Kafka's default partitioner picks
  assign --strategy NAME [FILE]                       run a consumer-group assignor on a JSON group
  run SCENARIO [--until DURATION] [--json] [--all]    run a scenario headlessly, print its timeline
  scenarios [--json]                                  list the built-in scenarios
  kafka SCENARIO [--at DURATION] -e 'COMMAND LINE'... run Kafka's own tools against a scenario
        [--input FILE]                                (console-producer lines from FILE or stdin)
";

/// Runs one command line (without the program name), collecting all output in the outcome.
pub fn main(args: &[String], stdin: &mut dyn Stdin) -> Outcome {
    let mut streamed = Vec::new();
    let mut out = main_to(args, stdin, &mut streamed);
    if !streamed.is_empty() {
        out.stdout.insert_str(0, &String::from_utf8_lossy(&streamed));
    }
    out
}

/// [`main`], but a command whose output can be long (`run`) writes it to `stdout` as it goes
/// instead of holding it; the outcome carries the rest.
pub fn main_to(args: &[String], stdin: &mut dyn Stdin, stdout: &mut dyn std::io::Write) -> Outcome {
    if args.first().is_some_and(|c| c == "run") {
        return run::run_to(&args[1..], stdout);
    }
    let Some((cmd, rest)) = args.split_first() else {
        // The one error that shows the usage after its line.
        return Outcome {
            code: 2,
            stdout: String::new(),
            stderr: format!("error: no command given\n{USAGE}"),
        };
    };
    match cmd.as_str() {
        "assign" => assign::run(rest, stdin),
        "partition" => partition::run(rest),
        "run" => run::run(rest),
        "kafka" => kafka::run(rest, stdin),
        "scenarios" => run::scenarios(rest),
        "-h" | "--help" | "help" => Outcome::ok(USAGE.to_string()),
        other => Outcome::input_error(format!("unknown command `{other}` (try --help)")),
    }
}

/// Reads the text of FILE, or stdin when FILE is `None` or `-`.
pub fn read_input(file: Option<&str>, stdin: &mut dyn Stdin) -> Result<String, String> {
    match file {
        None | Some("-") => stdin.read_all().map_err(|e| format!("cannot read stdin: {e}")),
        Some(path) => std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}")),
    }
}
