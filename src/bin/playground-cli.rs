//! playground-cli: the native face of the broker core. All logic lives in `broker_playground::cli`.
#![forbid(unsafe_code)]
use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `run` streams its timeline to stdout as it goes; the rest is printed at the end.
    let out = broker_playground::cli::main_to(&args, &mut std::io::stdin(), &mut std::io::stdout().lock());
    let _ = std::io::stdout().write_all(out.stdout.as_bytes());
    let _ = std::io::stderr().write_all(out.stderr.as_bytes());
    std::process::exit(out.code);
}
