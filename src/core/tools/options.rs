//! Command-line options as jopt-simple (the parser every Kafka tool uses) reads them:
//! `--name value`, `--name=value`, unique abbreviations (`--boot` for `--bootstrap-server`),
//! repeated options, `--` ending the options; its complaints (`x is not a recognized option`,
//! `Option x requires an argument`) and its help table (`BuiltinHelpFormatter`: an 80-column
//! table, options sorted by name).

use std::collections::BTreeMap;

/// One option a tool accepts.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub name: &'static str,
    /// `Some("String: topic")` for an option with an argument (shown `<String: topic>`).
    pub arg: Option<&'static str>,
    pub help: &'static str,
}

pub const fn flag(name: &'static str, help: &'static str) -> Spec {
    Spec { name, arg: None, help }
}

pub const fn arg(name: &'static str, arg: &'static str, help: &'static str) -> Spec {
    Spec { name, arg: Some(arg), help }
}

/// Every Kafka tool's `--help` and `--version` (`CommandDefaultOptions`).
pub const HELP: Spec = flag("help", "Print usage information.");
pub const VERSION: Spec = flag("version", "Display Kafka version.");

/// The options found on a command line.
#[derive(Debug, Default, Clone)]
pub struct Parsed {
    values: BTreeMap<&'static str, Vec<String>>,
    /// Words that are not options (the tools ignore them, as jopt-simple leaves them).
    pub non_options: Vec<String>,
}

impl Parsed {
    pub fn has(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }
    /// The first value given (jopt-simple's `valueOf` takes the only one; repeated single
    /// options keep the first here).
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name).and_then(|v| v.first()).map(String::as_str)
    }
    pub fn values(&self, name: &str) -> &[String] {
        self.values.get(name).map_or(&[], Vec::as_slice)
    }
    /// How many of `names` are present.
    pub fn count(&self, names: &[&str]) -> usize {
        names.iter().filter(|n| self.has(n)).count()
    }
}

/// Finds the spec a word names: the exact name, or the only option that starts with it.
fn lookup<'a>(specs: &'a [Spec], name: &str) -> Option<&'a Spec> {
    if let Some(s) = specs.iter().find(|s| s.name == name) {
        return Some(s);
    }
    let mut it = specs.iter().filter(|s| !name.is_empty() && s.name.starts_with(name));
    match (it.next(), it.next()) {
        (Some(s), None) => Some(s),
        _ => None,
    }
}

/// Parses `args` against `specs` (plus `--help`/`--version`). The error is jopt-simple's
/// message, which the tools print above their usage.
pub fn parse(specs: &[Spec], args: &[String]) -> Result<Parsed, String> {
    let all: Vec<Spec> = specs.iter().copied().chain([HELP, VERSION]).collect();
    let mut p = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            p.non_options.extend(args[i..].iter().cloned());
            break;
        }
        let body = if let Some(b) = a.strip_prefix("--") {
            b
        } else if let Some(b) = a.strip_prefix('-').filter(|b| !b.is_empty()) {
            // Kafka's tools define no short options: every letter is unrecognized.
            let first: String = b.chars().take(1).collect();
            return Err(format!("{} is not a recognized option", super::shown(&first)));
        } else {
            p.non_options.push(a.clone());
            continue;
        };
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (body, None),
        };
        let Some(spec) = lookup(&all, name) else {
            return Err(format!("{} is not a recognized option", super::shown(name)));
        };
        let entry = p.values.entry(spec.name).or_default();
        match (spec.arg, inline) {
            (None, None) => {}
            (None, Some(_)) => {
                return Err(format!("Option {} does not take an argument", spec.name));
            }
            (Some(_), Some(v)) => entry.push(v),
            (Some(_), None) => match args.get(i) {
                Some(v) => {
                    entry.push(v.clone());
                    i += 1;
                }
                None => return Err(format!("Option {} requires an argument", spec.name)),
            },
        }
    }
    Ok(p)
}

/// jopt-simple's help table: `Option` / `Description` columns of 39 characters with two
/// spaces between, options in name order, long text wrapped at word boundaries and
/// continued two spaces in.
pub fn help(specs: &[Spec]) -> String {
    const COL: usize = 39;
    let mut all: Vec<Spec> = specs.iter().copied().chain([HELP, VERSION]).collect();
    crate::core::sort::by_key(&mut all, |s| s.name);
    let mut out = String::new();
    let row = |out: &mut String, left: &[String], right: &[String]| {
        for k in 0..left.len().max(right.len()) {
            let l = left.get(k).map_or("", String::as_str);
            let r = right.get(k).map_or("", String::as_str);
            if r.is_empty() {
                out.push_str(l.trim_end());
            } else {
                out.push_str(&super::pad(l, COL));
                out.push_str("  ");
                out.push_str(r);
            }
            out.push('\n');
        }
    };
    row(&mut out, &["Option".into()], &["Description".into()]);
    row(&mut out, &["------".into()], &["-----------".into()]);
    for s in &all {
        let left = match s.arg {
            Some(a) => format!("--{} <{a}>", s.name),
            None => format!("--{}", s.name),
        };
        row(&mut out, &wrap(&left, COL, 0), &wrap(s.help, COL, 2));
    }
    out
}

/// Word-wraps `text` into lines of at most `width` characters; a line break in the text starts
/// a new line (jopt-simple's `Columns.piecesOf`), and each such line's continuations are
/// indented by `indent`. A word longer than a line is cut.
fn wrap(text: &str, width: usize, indent: usize) -> Vec<String> {
    text.trim().split('\n').flat_map(|line| wrap_line(line, width, indent)).collect()
}

fn wrap_line(text: &str, width: usize, indent: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let lead = if lines.is_empty() { 0 } else { indent };
        let cur_len = cur.chars().count();
        let wlen = word.chars().count();
        if cur_len > 0 && lead + cur_len + 1 + wlen > width {
            lines.push(format!("{}{}", " ".repeat(lead), std::mem::take(&mut cur)));
        }
        let lead = if lines.is_empty() { 0 } else { indent };
        if cur.is_empty() && lead + wlen > width {
            let mut chunk = String::new();
            for c in word.chars() {
                if lead + chunk.chars().count() == width {
                    lines.push(format!("{}{}", " ".repeat(lead), std::mem::take(&mut chunk)));
                }
                chunk.push(c);
            }
            cur = chunk;
            continue;
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() || lines.is_empty() {
        let lead = if lines.is_empty() { 0 } else { indent };
        lines.push(format!("{}{cur}", " ".repeat(lead)));
    }
    lines
}

/// `CommandLineUtils.printUsageAndExit`: the message, then the help table, on stderr; exit 1.
pub fn usage_error(specs: &[Spec], message: &str) -> super::Output {
    let mut o = super::Output::default();
    o.errln(message);
    o.stderr.push_str(&help(specs));
    o.fail()
}

/// Parses a tool's command line; an option error, no arguments or `--help` end the run with
/// `about` and the usage (`CommandLineUtils.maybePrintHelpOrVersion`).
pub fn parse_or_usage(specs: &[Spec], args: &[String], about: &str) -> Result<Parsed, super::Output> {
    let opts = parse(specs, args).map_err(|e| usage_error(specs, &e))?;
    if args.is_empty() || opts.has("help") {
        return Err(usage_error(specs, about));
    }
    Ok(opts)
}

/// `--property k=v` values (the last one of a key wins), `\t` and `\n` unescaped as Kafka's
/// console tools do.
pub fn properties(values: &[String]) -> Vec<(String, String)> {
    values
        .iter()
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => (k.to_string(), v.replace("\\t", "\t").replace("\\n", "\n")),
            None => (kv.to_string(), String::new()),
        })
        .collect()
}

/// `Missing required argument "[topic]"` (an OptionSpec prints as its names in brackets).
pub fn missing(name: &str) -> String {
    format!("Missing required argument \"[{name}]\"")
}

/// `Option "[partitions]" can't be used with option "[list]"`.
pub fn cant_combine(used: &str, with: &str) -> String {
    format!("Option \"[{used}]\" can't be used with option \"[{with}]\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[Spec] = &[
        arg("bootstrap-server", "String: server to connect to", "REQUIRED: The Kafka server to connect to."),
        arg("topic", "String: topic", "The topic."),
        flag("list", "List all available topics."),
        flag("list-all", "Another."),
    ];

    fn v(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn reads_options_like_jopt_simple() {
        let p = parse(SPECS, &v(&["--boot", "x:1", "--topic=a", "--topic", "-b", "--list", "rest"])).unwrap();
        assert_eq!(p.value("bootstrap-server"), Some("x:1"));
        assert_eq!(p.values("topic"), ["a", "-b"]);
        assert!(p.has("list"));
        assert_eq!(p.non_options, ["rest"]);
        assert_eq!(parse(SPECS, &v(&["--nope"])).unwrap_err(), "nope is not a recognized option");
        assert_eq!(parse(SPECS, &v(&["--lis"])).unwrap_err(), "lis is not a recognized option");
        assert_eq!(parse(SPECS, &v(&["-x"])).unwrap_err(), "x is not a recognized option");
        assert_eq!(parse(SPECS, &v(&["--topic"])).unwrap_err(), "Option topic requires an argument");
    }

    #[test]
    fn help_is_a_two_column_table_in_name_order() {
        let h = help(SPECS);
        let lines: Vec<&str> = h.lines().collect();
        assert_eq!(lines[0], format!("{:<41}Description", "Option"));
        assert_eq!(lines[1], format!("{:<41}-----------", "------"));
        assert_eq!(
            lines[2],
            format!("{:<39}  REQUIRED: The Kafka server to connect", "--bootstrap-server <String: server to")
        );
        assert_eq!(lines[3], format!("{:<39}    to.", "connect to>"));
        assert!(h.lines().all(|l| l.chars().count() <= 80), "{h}");
    }
}
