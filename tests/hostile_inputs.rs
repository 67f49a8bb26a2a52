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
        let mut duplicate = false;
        match Scenario::from_json(text) {
            Ok(s) => {
                assert!(accepted(&path), "{case}: accepted");
                Run::new(s).unwrap().advance(5_000);
            }
            Err(e) => {
                assert!(!accepted(&path), "{case}: {e}");
                one_line(&e, &case);
                duplicate = e.message.starts_with("duplicate key");
            }
        }
        // (A lenient parse drops a duplicate key, so that case cannot travel this way.)
        if let (Ok(value), false) = (serde_json::from_str::<serde_json::Value>(text), duplicate) {
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

// ------------------------------------------------------------------ issue #16: valid input that broke

mod findings {
    use super::*;
    use broker_playground::core::budget::Budget;
    use broker_playground::core::error::ErrorCode;
    use broker_playground::core::event::EventKind;
    use broker_playground::core::producer::{KeyMode, ProducerSpec};
    use broker_playground::core::scenario::{MAX_DURATION_MS, MAX_SCRIPT_STEPS};
    use std::io::Write;

    fn corpus_file(name: &str) -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hostile").join(name);
        std::fs::read_to_string(path).unwrap()
    }

    fn retained(c: &Cluster) -> u64 {
        c.topics().values().flat_map(|t| t.partitions.iter()).map(|l| l.size_bytes()).sum()
    }

    /// Finding 1: Kept forever at 10 M records/s took the page to 2.5 GB in 7 s: the rate is refused
    /// (naming the field and the budget), and at the budget's rate memory stays bounded.
    #[test]
    fn finding_1_keep_forever_at_a_huge_rate() {
        let e = Scenario::from_json(&corpus_file("scenario/budget-keep-forever-rate-1e7.json")).unwrap_err();
        assert_eq!(e.path, "producers[0]", "{e}");
        assert!(e.message.contains("rate") && e.message.contains("10000 records/s"), "{e}");
        let s = Scenario::from_json(&corpus_file("scenario/ok-keep-forever-at-the-budget.json")).unwrap();
        let mut run = Run::new(s).unwrap();
        let mut quota = 0;
        let limit = Budget::PLAYGROUND.retained_bytes;
        for second in 1..=120 {
            for e in run.advance(second * 1000) {
                if let EventKind::Note { text, .. } = &e.kind {
                    quota += usize::from(text.starts_with("quota: p is throttled"));
                }
            }
            // Between counts (every simulated second) producers may overshoot by one second
            // of the budget's rate.
            assert!(retained(&run.cluster) <= limit + 10_000 * 40, "{second} s: {}", retained(&run.cluster));
        }
        assert_eq!(quota, 1, "the timeline says once that the producer is throttled");
    }

    /// Finding 2: Every cap at its maximum together froze the page, then aborted it: the totals are
    /// refused, each naming its field and the budget.
    #[test]
    fn finding_2_all_caps_together_are_refused_by_the_budget() {
        let topics: Vec<_> =
            (0..256).map(|i| serde_json::json!({"name": format!("t{i}"), "partitions": 1024})).collect();
        let e = Scenario::from_value(serde_json::json!({"version": 1, "topics": topics})).unwrap_err();
        assert_eq!(e.path, "topics[1]", "{e}");
        assert!(e.message.contains("budget is 1024 partitions"), "{e}");
        let producers: Vec<_> = (0..256)
            .map(|i| serde_json::json!({"name": format!("p{i}"), "topic": "t", "rate": 10_000, "keys": {"mode": "random"}}))
            .collect();
        let e = Scenario::from_value(serde_json::json!({"version": 1,
            "topics": [{"name": "t", "partitions": 1024}], "producers": producers}))
        .unwrap_err();
        assert_eq!(e.path, "producers[1]", "{e}");
        let e =
            Scenario::from_json(&corpus_file("scenario/budget-partitions-times-consumers.json")).unwrap_err();
        assert_eq!(e.path, "consumers[16]", "{e}");
        assert!(e.message.contains("16384 partitions × consumers"), "{e}");
        // Growing a topic past the budget, at run time: refused, nothing changed.
        let mut c = Cluster::new(Default::default(), 1);
        c.apply(0, Command::create_topic("a", 1000)).unwrap();
        c.apply(0, Command::create_topic("b", 20)).unwrap();
        let e = c.apply(0, Command::CreatePartitions { topic: "b".into(), total: 30 }).unwrap_err();
        assert!(e.to_string().contains("partitions: the playground's budget"), "{e}");
        assert_eq!(c.topics()["b"].partition_count(), 20);
    }

    /// Finding 2: One producer with random keys over 1 024 partitions: each record found its partition's
    /// run by a linear search (32 s for 2 simulated seconds at 10 M records/s). Unbudgeted, as
    /// the bench runs the core, a second at 1 M records/s is now quick even in a debug build.
    #[test]
    fn finding_2_a_batch_over_many_partitions_is_linear() {
        let mut c = Cluster::new(Default::default(), 1);
        c.set_budget(Budget::UNLIMITED);
        c.apply(0, Command::create_topic("t", 1024)).unwrap();
        let mut p = ProducerSpec::new("p", "t");
        p.rate = 1_000_000.0;
        p.keys = KeyMode::Random;
        c.apply(0, Command::AddProducer { producer: p }).unwrap();
        let events = c.advance(1_000);
        let sent = c.producers()["p"].sent;
        assert!(sent >= 990_000, "{sent}");
        assert!(events.len() <= 1024 * 1001, "one event per partition per step: {}", events.len());
    }

    /// A writer that accepts `limit` bytes, then fails as a closed pipe does (`| head`).
    struct Head {
        written: usize,
        limit: usize,
    }
    impl Write for Head {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.written >= self.limit {
                return Err(std::io::ErrorKind::BrokenPipe.into());
            }
            self.written += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Finding 3: `run` held every event and built one string (1.5 GB per simulated hour): it streams,
    /// so a reader that stops after 1 MB stops a 24-hour run at once, and it folds
    /// high-volume events into one line a second unless asked for `--all`.
    #[test]
    fn finding_3_cli_run_streams_and_folds() {
        let dir = tempdir();
        let file = dir.join("fast.json");
        std::fs::write(
            &file,
            r#"{"version": 1, "topics": [{"name": "t", "partitions": 64}], "producers": [{"name": "p", "topic": "t", "rate": 1000, "keys": {"mode": "random"}}], "duration": "24h"}"#,
        )
        .unwrap();
        let f = file.to_str().unwrap();
        let mut head = Head { written: 0, limit: 1 << 20 };
        let out = cli::run::run_to(&args(&[f, "--all"]), &mut head);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(head.written >= 1 << 20 && head.written < 2 << 20, "{}", head.written);
        let folded = cli::main(&args(&["run", f, "--until", "20s"]), &mut "");
        let all = cli::main(&args(&["run", f, "--until", "20s", "--all"]), &mut "");
        assert_eq!(folded.code, 0);
        let (n_folded, n_all) = (folded.stdout.lines().count(), all.stdout.lines().count());
        assert!(n_folded <= 21 * (cli::run::NOISY_PER_SECOND as usize + 2), "{n_folded} lines");
        assert!(n_all > 5 * n_folded, "{n_all} vs {n_folded}");
        assert!(folded.stdout.contains("more high-volume events folded"), "{}", &folded.stdout[..500]);
        assert!(folded.stdout.lines().all(|l| l.starts_with('[')));
        // `--json` is shared/CLI.md's machine contract: one JSON line per event, never folded.
        let json = cli::main(&args(&["run", f, "--until", "3s", "--json"]), &mut "");
        let every = cli::main(&args(&["run", f, "--until", "3s", "--all"]), &mut "");
        assert!(!json.stdout.lines().any(|l| l.contains(r#""type":"folded""#)));
        assert_eq!(json.stdout.lines().count(), every.stdout.lines().count());
    }

    fn reads_back(s: &Scenario, at: u64, case: &str) {
        assert_eq!(Scenario::from_json(&s.to_json()).as_ref(), Ok(s), "{case}: Export");
        let saved = share::envelope(s, at);
        let back = share::open_saved(&saved).unwrap_or_else(|e| panic!("{case}: autosave: {e}"));
        assert_eq!((&back.scenario, back.at), (s, at), "{case}: autosave");
        let back = share::decode(&share::encode(s, at)).unwrap_or_else(|e| panic!("{case}: link: {e}"));
        assert_eq!((&back.scenario, back.at), (s, at), "{case}: link");
    }

    /// Finding 4: The page's clock ran past 24:00:00 and then wrote saves the same build refused.
    #[test]
    fn finding_4_the_clock_stops_at_the_formats_limit() {
        let mut run = Run::new(built_in("lag").unwrap()).unwrap();
        run.advance(MAX_DURATION_MS + 3_600_000);
        assert_eq!(run.now(), MAX_DURATION_MS);
        run.apply(MAX_DURATION_MS + 5, Command::PauseProducer { name: "p1".into() }).unwrap();
        assert_eq!(run.now(), MAX_DURATION_MS);
        reads_back(&run.export(), run.now(), "at 24 h");
        assert!(share::envelope(&run.export(), u64::MAX).contains(&format!("\"at\":{MAX_DURATION_MS}")));
    }

    /// Finding 5: A valid file that is over the limit as Export writes it, and a session that grows past
    /// the limits, made saves and Exports that could not be read back.
    #[test]
    fn finding_5_what_the_playground_writes_it_reads() {
        // Compact, under 1 MiB as sent; over it pretty-printed: refused, saying so.
        let steps: Vec<_> = (0..9_000)
            .map(|i| serde_json::json!({"at": i, "do": {"type": "pause_producer", "name": "p"}, "note": {"en": "x"}}))
            .collect();
        let text = serde_json::to_string(&serde_json::json!({"version": 1, "script": steps})).unwrap();
        assert!(text.len() < MAX_SCENARIO_BYTES);
        let e = Scenario::from_json(&text).unwrap_err();
        assert!(e.message.contains("as the playground writes it"), "{e}");
        // (10 000 steps, the step limit, are over 1 MiB written out: the byte limit binds first.)
        let steps: Vec<_> = (0..MAX_SCRIPT_STEPS)
            .map(|_| serde_json::json!({"at": 0, "do": {"type": "pause_producer", "name": "p1"}}))
            .collect();
        let mut s = built_in("lag").unwrap().to_value();
        s["script"] = serde_json::Value::Array(steps);
        assert!(Scenario::from_value(s).is_err());
        // Near the byte limit: notes fill the file; actions go on until the next would not fit.
        let note = "n".repeat(1_000);
        let steps: Vec<_> = (0..880)
            .map(|_| serde_json::json!({"at": 0, "do": {"type": "pause_producer", "name": "p1"}, "note": {"en": note}}))
            .collect();
        let mut s = built_in("lag").unwrap().to_value();
        s["script"] = serde_json::Value::Array(steps);
        let s = Scenario::from_value(s).unwrap();
        assert!(s.to_json().len() > MAX_SCENARIO_BYTES - 64 * 1024, "{}", s.to_json().len());
        let mut run = Run::new(s).unwrap();
        let mut refused = None;
        for i in 0..2_000 {
            let mut p = ProducerSpec::new("p1", "orders");
            p.keys = KeyMode::Fixed { key: "k".repeat(200) };
            if let Err(e) = run.apply(i * 10, Command::UpdateProducer { producer: p }) {
                refused = Some(e);
                break;
            }
        }
        let e = refused.expect("the session reaches the byte limit");
        assert!(e.to_string().contains("bytes"), "{e}");
        reads_back(&run.export(), run.now(), "most bytes");
    }

    /// Finding 8: `run /dev/zero` read gigabytes before its size check: it reads one byte past the limit.
    #[test]
    fn finding_8_the_cli_reads_no_more_than_the_limit() {
        let out = cli::main(&args(&["run", "/dev/zero"]), &mut "");
        assert_input_error(&out, "file too large", "/dev/zero");
    }

    /// Finding 9: A note with a newline forged timeline lines in `run`'s output.
    #[test]
    fn finding_9_user_text_cannot_forge_timeline_lines() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/hostile/scenario/ok-note-with-newline.json");
        let out = cli::main(&args(&["run", path.to_str().unwrap(), "--until", "2s"]), &mut "");
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(out.stdout.lines().all(|l| l.starts_with("[00:0")), "{}", out.stdout);
        assert!(!out.stdout.contains('\r') && !out.stdout.contains('\u{1b}'));
        assert!(out.stdout.contains(r"note: one\n[00:00.000] forged line\r\u{1b}[31mred"), "{}", out.stdout);
    }

    /// Finding 10: Duplicate keys were accepted, the last one winning: now an error naming the key, in
    /// every JSON the playground reads.
    #[test]
    fn finding_10_duplicate_keys_are_errors_naming_the_key() {
        let e = Scenario::from_json(&corpus_file("scenario/duplicate-key.json")).unwrap_err();
        assert_eq!(
            (e.path.as_str(), e.message.starts_with("duplicate key `topics`")),
            ("topics", true),
            "{e}"
        );
        let e = Scenario::from_json(&corpus_file("scenario/duplicate-key-nested.json")).unwrap_err();
        assert_eq!(e.path, "producers[0].rate", "{e}");
        let e = Scenario::from_json(&corpus_file("scenario/duplicate-key-in-script.json")).unwrap_err();
        assert_eq!(e.path, "script[0].do.name", "{e}");
        // The share envelope, as a link and as an autosave.
        let scenario = serde_json::to_string(&built_in("lag").unwrap().to_value()).unwrap();
        let env = format!(r#"{{"v": 1, "at": 5, "at": 7, "scenario": {scenario}}}"#);
        let link = URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(env.as_bytes(), 6));
        for e in [share::decode(&link).unwrap_err(), share::open_saved(&env).unwrap_err()] {
            assert!(e.to_string().contains("duplicate key `at`"), "{e}");
        }
        // `assign` input, and a command.
        let p =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hostile/assign/duplicate-topic-key.json");
        let out = cli::main(&args(&["assign", "--strategy", "range", p.to_str().unwrap()]), &mut "");
        assert_input_error(&out, "duplicate key `orders`", "assign");
        let e = Command::from_json(r#"{"type": "crash_consumer", "name": "a", "name": "b"}"#).unwrap_err();
        assert!(e.contains("duplicate key `name`"), "{e}");
    }

    /// Finding 11: `a.b` and `a_b` were both created; Kafka refuses the second.
    #[test]
    fn finding_11_topics_that_collide_are_refused_as_kafka_refuses_them() {
        let mut c = Cluster::new(Default::default(), 1);
        c.apply(0, Command::create_topic("a.b", 1)).unwrap();
        let e = c.apply(0, Command::create_topic("a_b", 1)).unwrap_err();
        assert_eq!(e.code(), Some(ErrorCode::InvalidTopicException));
        assert!(e.to_string().contains("Topic 'a_b' collides with existing topic: a.b"), "{e}");
        assert_eq!(c.topics().len(), 1);
        let e = Scenario::from_json(&corpus_file("scenario/topic-collision.json")).unwrap_err();
        assert_eq!(e.path, "topics[1]", "{e}");
    }
}

/// The generated half of the corpus: valid scenarios with every cap at its maximum, alone and
/// together. Each loads, survives its round trips, and runs through the CLI (here briefly;
/// the bench runs each for its whole 24 hours and reports time and memory).
#[test]
fn extreme_but_valid_scenarios_load_and_run() {
    let dir = tempdir();
    for (name, value) in broker_playground::core::scenario::extreme_scenarios() {
        let s = Scenario::from_value(value.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(Scenario::from_json(&s.to_json()).as_ref(), Ok(&s), "{name}");
        let file = dir.join(format!("{name}.json"));
        std::fs::write(&file, serde_json::to_string(&value).unwrap()).unwrap();
        let out = cli::main(&args(&["run", file.to_str().unwrap(), "--until", "1s"]), &mut "");
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
    }
}
