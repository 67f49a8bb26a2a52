//! What the tool tests share: one command line run as the terminal runs it.

use broker_playground::core::scenario::Run;
use broker_playground::core::tools::{self, Context, Output, Target};

/// Runs one line (`$BS` is `--bootstrap-server localhost:9092`) as `user` with `stdin`; the
/// text shows stdout, then stderr after `--- stderr`, then the exit status.
pub fn sh_as(run: &mut Run, line: &str, stdin: &str, user: Option<&str>) -> String {
    let ctx = Context { user: user.map(str::to_string), stdin: stdin.to_string(), follow: false };
    shown(&run_line(line, run, &ctx))
}

/// Runs one line against any target, `$BS` standing for `--bootstrap-server localhost:9092`.
pub fn run_line(line: &str, target: &mut dyn Target, ctx: &Context) -> Output {
    tools::run(&line.replace("$BS", "--bootstrap-server localhost:9092"), target, ctx)
}

/// What a run printed, as the tool tests compare it: stdout, then stderr after `--- stderr`,
/// then the exit status.
pub fn shown(o: &Output) -> String {
    let mut s = o.stdout.clone();
    if !o.stderr.is_empty() {
        s.push_str("--- stderr\n");
        s.push_str(&o.stderr);
    }
    s.push_str(&format!("--- exit {}\n", o.status));
    s
}
