//! playground-cli: the native face of the broker core. All logic lives in `broker_playground::cli`.
#![forbid(unsafe_code)]
use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = broker_playground::cli::main(&args, &mut std::io::stdin());
    let _ = std::io::stdout().write_all(out.stdout.as_bytes());
    let _ = std::io::stderr().write_all(out.stderr.as_bytes());
    std::process::exit(out.code);
}
