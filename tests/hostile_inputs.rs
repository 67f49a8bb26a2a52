//! Bad input, on purpose: scenario files, share links, the CLI's JSON and commands sent to a
//! running cluster. Every case must end in one clear line of error (the CLI: exit code 2, one
//! stderr line naming the file or field), never a panic — the release wasm is built with
//! `panic = "abort"`, so a panic would kill the page — and a refused command must leave the
//! running cluster exactly as it was.
//!
//! The checked-in corpus is `tests/data/hostile/`:
//! - `scenario/*.json`: scenario files (`ok-*` must load and run; the rest must be refused);
//! - `assign/*.json`: `playground-cli assign` input (`ok-*` accepted, the rest refused);
//! - `share/*.txt`: share-link fragments (all refused);
//! - `commands.jsonl`: commands a running cluster must refuse (or that do not even parse).
//!
//! Inputs too big to check in (10 000 levels of nesting, 1 MiB+ files, decompression bombs)
//! are generated here. The proptests feed arbitrary text and arbitrary JSON to the same doors.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use broker_playground::cli::{self, Outcome};
use broker_playground::core::scenario::{built_in, Run, Scenario, BUILT_IN, MAX_SCENARIO_BYTES};
use broker_playground::core::share;
use broker_playground::core::{Cluster, Command};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

const STRATEGIES: [&str; 5] = ["range", "roundrobin", "sticky", "cooperative-sticky", "uniform"];

fn corpus(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hostile").join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} is empty", dir.display());
    files
}

fn accepted(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("ok-"))
}

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

/// An input error as CLI.md says: exit 2, nothing on stdout, one stderr line `error: …`
/// that names `what` (the file, or the field).
fn assert_input_error(out: &Outcome, what: &str, case: &str) {
    assert_eq!(out.code, 2, "{case}: exit {} (stderr {:?})", out.code, out.stderr);
    assert!(out.stdout.is_empty(), "{case}: stdout {:?}", out.stdout);
    assert!(out.stderr.starts_with("error: ") && out.stderr.ends_with('\n'), "{case}: {:?}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1, "{case}: not one line: {:?}", out.stderr);
    assert!(out.stderr.contains(what), "{case}: {:?} does not name {what:?}", out.stderr);
}

/// An error's text is one line (it goes into the UI's error banner and the CLI's stderr).
fn one_line(e: &dyn std::fmt::Display, case: &str) {
    let text = e.to_string();
    assert!(!text.is_empty() && !text.contains('\n'), "{case}: error is not one line: {text:?}");
}

/// The share link a scenario (as any JSON) would travel in.
fn link_for(envelope: &serde_json::Value) -> String {
    let json = serde_json::to_vec(envelope).unwrap();
    URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&json, 6))
}

// ------------------------------------------------------------------------------------ corpus

#[test]
fn hostile_scenario_files_are_refused_with_one_clear_line() {
    for path in corpus("scenario") {
        let case = path.display().to_string();
        let p = path.to_str().unwrap();
        let out = cli::main(&args(&["run", p, "--until", "5s"]), &mut "");
        if accepted(&path) {
            assert_eq!(out.code, 0, "{case}: {}", out.stderr);
        } else {
            assert_input_error(&out, p, &case);
        }
        // The same text through the library doors: from_json, and inside a share link.
        let bytes = std::fs::read(&path).unwrap();
        let Ok(text) = std::str::from_utf8(&bytes) else {
            assert!(!accepted(&path), "{case}: invalid UTF-8 cannot be ok");
            assert!(out.stderr.contains("not UTF-8"), "{case}: {}", out.stderr);
            continue;
        };
        match Scenario::from_json(text) {
            Ok(s) => {
                assert!(accepted(&path), "{case}: accepted");
                Run::new(s).unwrap().advance(5_000);
            }
            Err(e) => {
                assert!(!accepted(&path), "{case}: {e}");
                one_line(&e, &case);
            }
        }
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
            let link = link_for(&serde_json::json!({"v": 1, "at": 0, "scenario": value}));
            match share::decode(&link) {
                Ok(_) => assert!(accepted(&path), "{case}: accepted in a share link"),
                Err(e) => {
                    assert!(!accepted(&path), "{case}: share link refused: {e}");
                    one_line(&e, &case);
                }
            }
        }
    }
}

#[test]
fn hostile_assign_input_is_refused_with_one_clear_line() {
    for path in corpus("assign") {
        let case = path.display().to_string();
        let p = path.to_str().unwrap();
        for strategy in STRATEGIES {
            let out = cli::main(&args(&["assign", "--strategy", strategy, p]), &mut "");
            if accepted(&path) {
                assert_eq!(out.code, 0, "{case} {strategy}: {}", out.stderr);
                let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON out");
                assert!(v.is_object(), "{case}: {v}");
            } else {
                assert_input_error(&out, p, &format!("{case} {strategy}"));
            }
        }
        if let Ok(text) = std::fs::read_to_string(&path) {
            let out = cli::main(&args(&["assign", "--strategy", "sticky"]), &mut text.as_str());
            if accepted(&path) {
                assert_eq!(out.code, 0, "{case} (stdin): {}", out.stderr);
            } else {
                assert_input_error(&out, "<stdin>", &format!("{case} (stdin)"));
            }
        }
    }
}

#[test]
fn hostile_share_links_are_refused_with_one_clear_line() {
    for path in corpus("share") {
        let case = path.display().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let e = share::decode(&text).expect_err(&case);
        one_line(&e, &case);
    }
    // Well-formed links around hostile envelopes.
    let scenario = built_in("roles").unwrap().to_value();
    let envelopes = [
        serde_json::json!({"v": 2, "at": 0, "scenario": scenario}),
        serde_json::json!({"v": 1, "at": 86_400_001, "scenario": scenario}),
        serde_json::json!({"v": 1, "at": -1, "scenario": scenario}),
        serde_json::json!({"v": 1, "at": 1e308, "scenario": scenario}),
        serde_json::json!({"v": 1, "at": 0}),
        serde_json::json!({"v": 1, "at": 0, "scenario": scenario, "extra": true}),
        serde_json::json!({"v": 1, "at": 0, "scenario": "<script>alert(1)</script>"}),
        serde_json::json!([1, 2, 3]),
        serde_json::json!(null),
    ];
    for env in envelopes {
        let e = share::decode(&link_for(&env)).expect_err(&env.to_string()[..40.min(env.to_string().len())]);
        one_line(&e, "envelope");
    }
    // Not JSON, invalid UTF-8, nesting too deep, a decompression bomb, a link too long.
    for raw in [&b"\xff\xfe\xfd"[..], b"{\"v\": 1, \"at\": 0, \"scenario\": \xc3\x28}", &nested(10_000)] {
        let link = URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(raw, 6));
        one_line(&share::decode(&link).expect_err("raw"), "raw");
    }
    let bomb = URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&vec![b'['; 64 << 20], 9));
    one_line(&share::decode(&bomb).expect_err("bomb"), "bomb");
    one_line(&share::decode(&"A".repeat(share::MAX_LINK_CHARS + 1)).expect_err("long"), "long");
}

fn nested(depth: usize) -> Vec<u8> {
    let mut v = vec![b'['; depth];
    v.extend(std::iter::repeat_n(b']', depth));
    v
}

// ------------------------------------------------------------------------------------ generated

#[test]
fn deep_nesting_and_huge_inputs_are_refused_or_handled() {
    let deep = String::from_utf8(nested(10_000)).unwrap();
    let deep_obj = format!("{{\"version\": 1, \"title\": {deep}}}");
    for text in [&deep, &deep_obj] {
        one_line(&Scenario::from_json(text).expect_err("deep"), "deep scenario");
        let out = cli::main(&args(&["assign", "--strategy", "range"]), &mut text.as_str());
        assert_input_error(&out, "<stdin>", "deep assign");
    }
    // 1 MiB+ of scenario: refused by size, before parsing.
    let padded = format!("{{\"version\": 1{}}}", " ".repeat(MAX_SCENARIO_BYTES));
    let e = Scenario::from_json(&padded).expect_err("big");
    assert!(e.to_string().contains("larger than"), "{e}");
    let dir = tempdir();
    let big = dir.join("big.json");
    std::fs::write(&big, &padded).unwrap();
    let out = cli::main(&args(&["run", big.to_str().unwrap()]), &mut "");
    assert_input_error(&out, big.to_str().unwrap(), "big scenario file");
    // 1 MiB+ of assign input is fine (the CLI is for big groups) and answers.
    let members: Vec<String> = (0..30_000)
        .map(|i| format!(r#"{{"member_id": "member-{i:08}", "topics": ["orders", "payments"]}}"#))
        .collect();
    let text =
        format!(r#"{{"topics": {{"orders": 600, "payments": 300}}, "members": [{}]}}"#, members.join(","));
    assert!(text.len() > 1 << 20);
    let out = cli::main(&args(&["assign", "--strategy", "roundrobin"]), &mut text.as_str());
    assert_eq!(out.code, 0, "{}", out.stderr);
    // A 10^9-partition group is refused before any allocation.
    let out = cli::main(
        &args(&["assign", "--strategy", "uniform"]),
        &mut r#"{"topics": {"a": 1000000000}, "members": []}"#,
    );
    assert_input_error(&out, "topics", "10^9 partitions");
}

/// A temporary directory under target/ (no extra crates), unique per test process.
fn tempdir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

// ------------------------------------------------------------------------------------ state

/// Everything observable about a running cluster (its logs by their bounds), as text.
fn fingerprint(c: &Cluster) -> String {
    let topics: Vec<_> = c
        .topics()
        .iter()
        .map(|(n, t)| {
            let logs: Vec<_> =
                t.partitions.iter().map(|l| (l.log_start(), l.log_end(), l.size_bytes())).collect();
            (n.clone(), t.retention, logs)
        })
        .collect();
    let describe: Vec<_> =
        c.groups().keys().map(|g| serde_json::to_string(&c.describe_group(g)).unwrap()).collect();
    format!(
        "{}|{:?}|{topics:?}|{describe:?}|{:?}|{:?}|{:?}|{:?}",
        c.now(),
        c.next_wakeup(),
        c.producers(),
        c.consumers(),
        c.groups(),
        c.authorizer()
    )
}

#[test]
fn refused_commands_leave_a_running_cluster_untouched() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hostile/commands.jsonl");
    let text = std::fs::read_to_string(path).unwrap();
    let mut run = Run::new(built_in("rebalance-basics").unwrap()).unwrap();
    run.advance(20_000);
    let (mut refused, mut unparsable) = (0, 0);
    for (i, line) in text.lines().enumerate() {
        let Ok(cmd) = Command::from_json(line) else {
            unparsable += 1;
            continue;
        };
        let now = 20_000 + i as u64 * 100;
        let mut reference = run.cluster.clone();
        let caught_up = reference.advance(now);
        let e = run.cluster.apply(now, cmd.clone()).expect_err(line);
        one_line(&e, line);
        assert_eq!(run.cluster.advance(now), caught_up, "line {}: {line}: events changed", i + 1);
        assert_eq!(
            fingerprint(&run.cluster),
            fingerprint(&reference),
            "line {}: {line}: state changed",
            i + 1
        );
        // And what happens next is the same too (the seeded generator was not touched).
        let (mut a, mut b) = (run.cluster.clone(), reference.clone());
        assert_eq!(a.advance(now + 5_000), b.advance(now + 5_000), "line {}: {line}: future changed", i + 1);
        refused += 1;
    }
    assert!(refused >= 40 && unparsable >= 5, "{refused} refused, {unparsable} unparsable");
}

// ------------------------------------------------------------------------------------ proptest

/// Arbitrary JSON, with the numbers and strings that break things.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop_oneof![
            Just(0i64),
            Just(1),
            Just(-1),
            Just(i64::MIN),
            Just(i64::MAX),
            Just(1 << 31),
            Just(1_000_000_000),
            -5i64..100
        ]
        .prop_map(Value::from),
        Just(serde_json::json!(u64::MAX)),
        prop_oneof![Just(1e308), Just(-0.5), Just(2.5)].prop_map(|n: f64| serde_json::json!(n)),
        prop_oneof![
            Just("<script>alert(1)</script>".to_string()),
            Just("orders".to_string()),
            Just("20s".to_string()),
            Just("25h".to_string()),
            Just("-1s".to_string()),
            Just("".to_string()),
            ".{0,12}",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("version".to_string()),
                    Just("name".to_string()),
                    Just("type".to_string()),
                    Just("topics".to_string()),
                    Just("members".to_string()),
                    "[a-z.]{1,8}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A built-in scenario with one value somewhere in it replaced: most mutants get far past
/// the JSON parser, into validation and, when they pass, into a run.
fn mutant() -> impl Strategy<Value = serde_json::Value> {
    (0..BUILT_IN.len(), any::<prop::sample::Index>(), json_value()).prop_map(|(i, at, with)| {
        let mut v: serde_json::Value = serde_json::from_str(BUILT_IN[i].1).unwrap();
        let mut slots = Vec::new();
        collect_pointers(&v, String::new(), &mut slots);
        let pointer = at.get(&slots).clone();
        if let Some(slot) = v.pointer_mut(&pointer) {
            *slot = with;
        }
        v
    })
}

fn collect_pointers(v: &serde_json::Value, here: String, out: &mut Vec<String>) {
    out.push(here.clone());
    match v {
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                collect_pointers(x, format!("{here}/{i}"), out);
            }
        }
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                collect_pointers(x, format!("{here}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        _ => {}
    }
}

fn all_doors(text: &str) {
    if let Ok(s) = Scenario::from_json(text) {
        // Accepted: it must run (briefly) without trouble.
        let mut run = Run::new(s).expect("a scenario that loads also builds");
        run.advance(3_000);
    }
    let _ = share::decode(text);
    let out = cli::main(&args(&["assign", "--strategy", "sticky"]), &mut text.to_string().as_str());
    assert!(out.code == 0 || out.code == 2, "{out:?}");
    if out.code == 2 {
        assert_eq!(out.stderr.lines().count(), 1, "{:?}", out.stderr);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,300}") {
        all_doors(&text);
    }

    #[test]
    fn arbitrary_json_never_panics(v in json_value()) {
        all_doors(&v.to_string());
        let link = link_for(&serde_json::json!({"v": 1, "at": 0, "scenario": v}));
        let _ = share::decode(&link);
    }

    #[test]
    fn mutated_scenarios_are_refused_or_run(v in mutant()) {
        let text = v.to_string();
        all_doors(&text);
        let _ = share::decode(&link_for(&serde_json::json!({"v": 1, "at": 1000, "scenario": v})));
    }

    #[test]
    fn arbitrary_bytes_as_a_scenario_file_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let dir = tempdir();
        let file = dir.join("fuzz.json");
        std::fs::write(&file, &bytes).unwrap();
        let f = file.to_str().unwrap();
        let out = cli::main(&args(&["run", f, "--until", "2s"]), &mut "");
        prop_assert!(out.code == 0 || out.code == 2, "{:?}", out);
        let out = cli::main(&args(&["assign", "--strategy", "range", f]), &mut "");
        prop_assert!(out.code == 0 || out.code == 2, "{:?}", out);
        if out.code == 2 {
            prop_assert_eq!(out.stderr.lines().count(), 1);
        }
    }
}
