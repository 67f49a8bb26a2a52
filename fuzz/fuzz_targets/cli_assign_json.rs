//! `playground-cli assign` with any stdin: exit 0 with JSON, or exit 2 with one stderr line.
#![no_main]

use broker_playground::cli;
use libfuzzer_sys::fuzz_target;

const STRATEGIES: [&str; 5] = ["range", "roundrobin", "sticky", "cooperative-sticky", "uniform"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let args: Vec<String> =
        ["assign", "--strategy", STRATEGIES[pick as usize % 5]].iter().map(|s| s.to_string()).collect();
    let out = cli::main(&args, &mut { text });
    match out.code {
        0 => assert!(out.stdout.ends_with("}\n"), "{out:?}"),
        2 => assert_eq!(out.stderr.lines().count(), 1, "{out:?}"),
        _ => panic!("unexpected exit code: {out:?}"),
    }
});
