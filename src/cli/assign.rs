//! `playground-cli assign` (see CLI.md): run one assignor on a group given as JSON.
//!
//! Speed matters here (CLI.md: about a second at 1M partitions × 2000 members), so the input
//! is parsed with borrowed strings where JSON allows (no allocation per owned partition's topic),
//! topic names are shared `Arc<str>`s, and the output is written straight into one preallocated
//! `String` instead of a `serde_json::Value` tree.
//!
//! Input that names things that do not exist — subscribed topics, owned partitions of unknown
//! topics or beyond a topic's count — is not an error: Kafka ignores subscriptions to missing
//! topics and drops owned partitions that no longer exist, and so do we.

use super::{read_input, Outcome, Stdin};
use crate::core::group::assignor::{assign, MemberSubscription, Strategy, TopicPartition};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::Arc;

/// The strategies `assign` accepts, by the names CLI.md gives.
const STRATEGIES: &str = "range, roundrobin, sticky, cooperative-sticky, uniform";

/// Kafka's partition count is a Java `int`.
const MAX_PARTITIONS_PER_TOPIC: i64 = i32::MAX as i64;

/// The assignors hold every partition in memory; beyond this a run would only exhaust it.
/// Ten times Kafka's own largest assignor test.
pub const MAX_TOTAL_PARTITIONS: u64 = 10_000_000;

fn strategy_from_cli(name: &str) -> Option<Strategy> {
    match name {
        "range" => Some(Strategy::Range),
        "roundrobin" => Some(Strategy::RoundRobin),
        "sticky" => Some(Strategy::Sticky),
        "cooperative-sticky" => Some(Strategy::CooperativeSticky),
        "uniform" => Some(Strategy::Uniform),
        _ => None,
    }
}

/// `assign --strategy NAME [FILE]`.
pub fn run(args: &[String], stdin: &mut dyn Stdin) -> Outcome {
    let mut strategy: Option<&str> = None;
    let mut file: Option<&str> = None;
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        if arg == "--strategy" {
            match args.get(i + 1) {
                Some(v) => strategy = Some(v.as_str()),
                None => {
                    return Outcome::input_error(format!("assign: --strategy needs a value ({STRATEGIES})"))
                }
            }
            i += 2;
            continue;
        }
        if let Some(v) = arg.strip_prefix("--strategy=") {
            strategy = Some(v);
        } else if arg == "-h" || arg == "--help" {
            return Outcome::ok("usage: playground-cli assign --strategy range|roundrobin|sticky|cooperative-sticky|uniform [FILE]\n".to_string());
        } else if arg.starts_with("--") || (arg.starts_with('-') && arg != "-") {
            return Outcome::input_error(format!("assign: unknown option `{arg}`"));
        } else if file.is_some() {
            return Outcome::input_error(format!("assign: more than one FILE given (`{arg}`)"));
        } else {
            file = Some(arg);
        }
        i += 1;
    }
    let Some(name) = strategy else {
        return Outcome::input_error(format!("assign: missing --strategy ({STRATEGIES})"));
    };
    let Some(strategy) = strategy_from_cli(name) else {
        return Outcome::input_error(format!(
            "assign: unknown strategy `{name}` (expected one of: {STRATEGIES})"
        ));
    };
    let text = match read_input(file, stdin) {
        Ok(t) => t,
        Err(e) => return Outcome::input_error(format!("assign: {e}")),
    };
    let source = file.filter(|f| *f != "-").unwrap_or("<stdin>");
    match assign_json(strategy, &text) {
        Ok(out) => Outcome::ok(out),
        Err(e) => Outcome::input_error(format!("assign: {source}: {e}")),
    }
}

/// Parses the group, runs `strategy`, and renders the answer as CLI.md's JSON (one line).
pub fn assign_json(strategy: Strategy, text: &str) -> Result<String, String> {
    let input: Input = serde_json::from_str(text).map_err(|e| format!("invalid input: {e}"))?;
    let (topics, members) = to_group(input)?;
    let assignment = assign(strategy, &topics, &members);
    Ok(render(&assignment))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input<'a> {
    #[serde(borrow, deserialize_with = "unique_keys")]
    topics: BTreeMap<Name<'a>, i64>,
    #[serde(borrow)]
    members: Vec<MemberIn<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberIn<'a> {
    member_id: String,
    #[serde(default)]
    group_instance_id: Option<String>,
    #[serde(borrow)]
    topics: Vec<Name<'a>>,
    #[serde(default, borrow)]
    owned: Vec<(Name<'a>, i64)>,
    #[serde(default)]
    generation: Option<i32>,
}

/// A JSON object as a map, refusing a key named twice (a plain map keeps the last silently:
/// `{"orders": 3, "orders": 300}` would assign 300 partitions). Struct fields are checked by
/// serde itself ("duplicate field").
fn unique_keys<'de: 'a, 'a, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<Name<'a>, i64>, D::Error> {
    struct V<'a>(std::marker::PhantomData<&'a ()>);
    impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
        type Value = BTreeMap<Name<'a>, i64>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object of topic names to partition counts")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((k, v)) = map.next_entry::<Name<'a>, i64>()? {
                if out.contains_key(&k) {
                    return Err(serde::de::Error::custom(format!("topics: duplicate key `{}`", k.0)));
                }
                out.insert(k, v);
            }
            Ok(out)
        }
    }
    d.deserialize_map(V(std::marker::PhantomData))
}

/// A string that borrows from the input when it has no escapes (most topic names), so a
/// million owned partitions do not mean a million allocations.
#[derive(PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Name<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Name<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Name<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Name(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Name(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Name(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

type Group = (BTreeMap<String, u32>, Vec<MemberSubscription>);

fn to_group(input: Input) -> Result<Group, String> {
    let mut topics = BTreeMap::new();
    let mut total: u64 = 0;
    for (name, count) in &input.topics {
        let name = name.0.as_ref();
        if count < &0 {
            return Err(format!("topics.{name}: partition count {count} is negative"));
        }
        if count > &MAX_PARTITIONS_PER_TOPIC {
            return Err(format!(
                "topics.{name}: partition count {count} is above Kafka's maximum {MAX_PARTITIONS_PER_TOPIC}"
            ));
        }
        total += *count as u64;
        if total > MAX_TOTAL_PARTITIONS {
            return Err(format!("topics: more than {MAX_TOTAL_PARTITIONS} partitions in total, more than the playground holds"));
        }
        topics.insert(name.to_string(), *count as u32);
    }
    let shared: HashMap<&str, (Arc<str>, u32)> =
        topics.iter().map(|(name, &count)| (name.as_str(), (Arc::from(name.as_str()), count))).collect();

    let mut seen: HashSet<&str> = HashSet::with_capacity(input.members.len());
    for (i, m) in input.members.iter().enumerate() {
        if !seen.insert(m.member_id.as_str()) {
            return Err(format!("members[{i}].member_id: duplicate member id {:?}", m.member_id));
        }
    }
    drop(seen);

    let members = input
        .members
        .into_iter()
        .map(|m| {
            let owned = m
                .owned
                .iter()
                .filter_map(|(topic, partition)| {
                    let (name, count) = shared.get(topic.0.as_ref())?;
                    let partition = u32::try_from(*partition).ok().filter(|p| p < count)?;
                    Some(TopicPartition { topic: Arc::clone(name), partition })
                })
                .collect();
            MemberSubscription {
                member_id: m.member_id,
                group_instance_id: m.group_instance_id,
                topics: m.topics.into_iter().map(|t| t.0.into_owned()).collect(),
                owned,
                generation: m.generation,
            }
        })
        .collect();
    Ok((topics, members))
}

/// `{"m1": [["t", 0], ["t", 1]], "m2": []}` plus a newline.
fn render(assignment: &BTreeMap<String, Vec<TopicPartition>>) -> String {
    let partitions: usize = assignment.values().map(Vec::len).sum();
    let mut out = String::with_capacity(16 + partitions * 24 + assignment.len() * 32);
    out.push('{');
    let mut last_topic: Option<(&Arc<str>, String)> = None;
    for (i, (member, tps)) in assignment.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_json_str(&mut out, member);
        out.push_str(": [");
        for (j, tp) in tps.iter().enumerate() {
            if j > 0 {
                out.push_str(", ");
            }
            out.push('[');
            match &last_topic {
                Some((t, escaped)) if Arc::ptr_eq(t, &tp.topic) || ***t == *tp.topic => out.push_str(escaped),
                _ => {
                    let mut escaped = String::new();
                    push_json_str(&mut escaped, &tp.topic);
                    out.push_str(&escaped);
                    last_topic = Some((&tp.topic, escaped));
                }
            }
            let _ = write!(out, ", {}]", tp.partition);
        }
        out.push(']');
    }
    out.push_str("}\n");
    out
}

fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_with(args: &[&str], input: &str) -> Outcome {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let mut stdin = input;
        run(&args, &mut stdin)
    }

    const EXAMPLE: &str = r#"{
      "topics":  {"orders": 6, "payments": 3},
      "members": [
        {"member_id": "consumer-1", "group_instance_id": "instance-a",
         "topics": ["orders", "payments"], "owned": [["orders", 0], ["orders", 3]], "generation": 4},
        {"member_id": "consumer-2", "topics": ["orders"]}
      ]
    }"#;

    #[test]
    fn cli_md_example_range() {
        let out = run_with(&["--strategy", "range"], EXAMPLE);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(
            out.stdout,
            "{\"consumer-1\": [[\"orders\", 0], [\"orders\", 1], [\"orders\", 2], [\"payments\", 0], [\"payments\", 1], [\"payments\", 2]], \"consumer-2\": [[\"orders\", 3], [\"orders\", 4], [\"orders\", 5]]}\n"
        );
    }

    #[test]
    fn every_strategy_runs_the_example_and_stdin_dash_works() {
        for s in ["range", "roundrobin", "sticky", "cooperative-sticky", "uniform"] {
            let out = run_with(&["--strategy", s, "-"], EXAMPLE);
            assert_eq!(out.code, 0, "{s}: {}", out.stderr);
            let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
            assert_eq!(v.as_object().unwrap().len(), 2);
        }
    }

    #[test]
    fn member_with_nothing_maps_to_empty_list() {
        let out = run_with(
            &["--strategy=roundrobin"],
            r#"{"topics": {"t": 1}, "members": [{"member_id": "a", "topics": ["t"]}, {"member_id": "b", "topics": ["t"]}]}"#,
        );
        assert_eq!(out.stdout, "{\"a\": [[\"t\", 0]], \"b\": []}\n");
    }

    #[test]
    fn escapes_names_in_output() {
        let out = run_with(
            &["--strategy", "range"],
            r#"{"topics": {"t\"q": 1}, "members": [{"member_id": "a\\b\n", "topics": ["t\"q"], "owned": [["t\"q", 0]]}]}"#,
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(v["a\\b\n"][0][0], "t\"q");
    }

    fn error_of(args: &[&str], input: &str) -> String {
        let out = run_with(args, input);
        assert_eq!(out.code, 2, "expected an input error, got {out:?}");
        assert!(out.stdout.is_empty());
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
        out.stderr
    }

    #[test]
    fn input_errors() {
        let ok = r#"{"topics": {"t": 1}, "members": []}"#;
        assert!(error_of(&[], ok).contains("missing --strategy"));
        assert!(error_of(&["--strategy"], ok).contains("needs a value"));
        assert!(error_of(&["--strategy", "sticki"], ok).contains("unknown strategy `sticki`"));
        assert!(error_of(&["--strategy", "range", "--fast"], ok).contains("unknown option"));
        assert!(error_of(&["--strategy", "range", "a", "b"], ok).contains("more than one FILE"));
        assert!(error_of(&["--strategy", "range", "/nonexistent/x.json"], ok).contains("cannot read"));
        let e = error_of(&["--strategy", "range"], "{\"topics\": {\"t\": 1},\n \"members\": [}");
        assert!(e.contains("line 2 column"), "{e}");
        let e = error_of(&["--strategy", "range"], r#"{"topics": {"t": -1}, "members": []}"#);
        assert!(e.contains("topics.t: partition count -1 is negative"), "{e}");
        let e = error_of(&["--strategy", "range"], r#"{"topics": {"t": 2147483648}, "members": []}"#);
        assert!(e.contains("above Kafka's maximum"), "{e}");
        let e = error_of(&["--strategy", "range"], r#"{"topics": {"t": 1.5}, "members": []}"#);
        assert!(e.contains("line 1 column"), "{e}");
        let e = error_of(
            &["--strategy", "range"],
            r#"{"topics": {"t": 2000000000, "u": 2000000000}, "members": []}"#,
        );
        assert!(e.contains("more than 10000000 partitions"), "{e}");
        let dup = r#"{"topics": {}, "members": [{"member_id": "a", "topics": []}, {"member_id": "a", "topics": []}]}"#;
        assert!(error_of(&["--strategy", "sticky"], dup)
            .contains("members[1].member_id: duplicate member id \"a\""));
        let unknown = r#"{"topics": {}, "members": [{"member_id": "a", "topics": [], "rack": "r1"}]}"#;
        assert!(error_of(&["--strategy", "sticky"], unknown).contains("unknown field `rack`"));
        let missing = r#"{"topics": {}, "members": [{"member_id": "a"}]}"#;
        assert!(error_of(&["--strategy", "sticky"], missing).contains("missing field `topics`"));
        assert!(error_of(&["--strategy", "sticky"], r#"{"members": []}"#).contains("missing field `topics`"));
        assert!(error_of(&["--strategy", "sticky"], "").contains("EOF"));
        assert!(error_of(&["--strategy", "sticky"], "[]").contains("invalid"));
        let deep = "[".repeat(100_000);
        error_of(&["--strategy", "sticky"], &deep);
    }

    #[test]
    fn nonexistent_things_are_ignored() {
        let input = r#"{"topics": {"t": 2}, "members": [
            {"member_id": "a", "topics": ["t", "ghost"], "owned": [["ghost", 0], ["t", 7], ["t", -1], ["t", 4294967296], ["t", 1]], "generation": 1},
            {"member_id": "b", "topics": ["ghost"]}]}"#;
        for s in ["range", "roundrobin", "sticky", "cooperative-sticky", "uniform"] {
            let out = run_with(&["--strategy", s], input);
            assert_eq!(out.stdout, "{\"a\": [[\"t\", 0], [\"t\", 1]], \"b\": []}\n", "{s}");
        }
    }
}
