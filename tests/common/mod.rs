//! What the tool tests share: one command line run as the terminal runs it.

use broker_playground::core::scenario::Run;
use broker_playground::core::tools::{self, Context};

/// Runs one line (`$BS` is `--bootstrap-server localhost:9092`) as `user` with `stdin`; the
/// text shows stdout, then stderr after `--- stderr`, then the exit status.
pub fn sh_as(run: &mut Run, line: &str, stdin: &str, user: Option<&str>) -> String {
    let line = line.replace("$BS", "--bootstrap-server localhost:9092");
    let ctx = Context { user: user.map(str::to_string), stdin: stdin.to_string(), follow: false };
    let o = tools::run(&line, run, &ctx);
    let mut s = o.stdout.clone();
    if !o.stderr.is_empty() {
        s.push_str("--- stderr\n");
        s.push_str(&o.stderr);
    }
    s.push_str(&format!("--- exit {}\n", o.status));
    s
}
