//! `playground-cli partition --partitions N [--hex] [--json] KEY...` (CLI.md).

use super::Outcome;
use crate::core::partitioner::{murmur2, to_positive};

pub fn run(args: &[String]) -> Outcome {
    let mut partitions: Option<u32> = None;
    let (mut hex, mut json) = (false, false);
    let mut keys: Vec<&str> = Vec::new();
    let mut it = args.iter();
    let mut only_keys = false;
    while let Some(a) = it.next() {
        match a.as_str() {
            _ if only_keys => keys.push(a),
            "--" => only_keys = true,
            "--hex" => hex = true,
            "--json" => json = true,
            "--partitions" => {
                let Some(v) = it.next() else { return Outcome::input_error("--partitions needs a value") };
                match parse_count(v) {
                    Ok(n) => partitions = Some(n),
                    Err(e) => return Outcome::input_error(e),
                }
            }
            s if s.starts_with("--partitions=") => match parse_count(&s["--partitions=".len()..]) {
                Ok(n) => partitions = Some(n),
                Err(e) => return Outcome::input_error(e),
            },
            s if s.starts_with("--") => {
                return Outcome::input_error(format!("partition: unknown option {s}"))
            }
            _ => keys.push(a),
        }
    }
    let Some(n) = partitions else {
        return Outcome::input_error("partition: --partitions N is required (1 to 2147483647)");
    };
    if keys.is_empty() {
        return Outcome::input_error("partition: give at least one KEY");
    }
    let mut rows = Vec::with_capacity(keys.len());
    for k in &keys {
        let bytes = if hex {
            match decode_hex(k) {
                Some(b) => b,
                None => {
                    return Outcome::input_error(format!("partition: {k:?} is not hex (two digits per byte)"))
                }
            }
        } else {
            k.as_bytes().to_vec()
        };
        let h = murmur2(&bytes);
        rows.push((*k, h, to_positive(h) % n));
    }
    if json {
        let items: Vec<serde_json::Value> = rows
            .iter()
            .map(|(k, h, p)| serde_json::json!({"key": k, "murmur2": h, "partition": p}))
            .collect();
        Outcome::ok(format!("{}\n", serde_json::Value::Array(items)))
    } else {
        let w = rows.iter().map(|(k, _, _)| k.chars().count()).max().unwrap_or(3).max(3);
        let mut out = format!("{:<w$}  {:>11}  PARTITION\n", "KEY", "MURMUR2");
        for (k, h, p) in rows {
            out.push_str(&format!("{k:<w$}  {h:>11}  {p}\n"));
        }
        Outcome::ok(out)
    }
}

fn parse_count(v: &str) -> Result<u32, String> {
    match v.parse::<i64>() {
        Ok(n) if (1..=i32::MAX as i64).contains(&n) => Ok(n as u32),
        _ => Err(format!("--partitions must be a whole number from 1 to 2147483647 (got {v:?})")),
    }
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| s.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn json_output_matches_cli_md() {
        let out = run(&args(&["--partitions", "8", "--json", "foobar"]));
        assert_eq!(out.code, 0);
        assert_eq!(out.stdout, "[{\"key\":\"foobar\",\"murmur2\":-790332482,\"partition\":6}]\n");
    }

    #[test]
    fn hex_keys_cover_empty_and_binary() {
        let out = run(&args(&["--partitions", "6", "--hex", "--json", "", "666f6f626172"]));
        assert_eq!(out.code, 0, "{}", out.stderr);
        let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(v[0]["murmur2"], 275646681);
        assert_eq!(v[1]["murmur2"], -790332482);
    }

    #[test]
    fn table_has_kafka_columns() {
        let out = run(&args(&["--partitions", "3", "foobar"]));
        assert!(out.stdout.starts_with("KEY"), "{}", out.stdout);
        assert!(out.stdout.contains("-790332482  0"));
    }

    #[test]
    fn bad_usage_is_exit_2() {
        for a in [
            vec!["--partitions", "0", "k"],
            vec!["--partitions", "2147483648", "k"],
            vec!["--partitions", "x", "k"],
            vec!["k"],
            vec!["--partitions", "3"],
            vec!["--partitions", "3", "--hex", "zz"],
            vec!["--partitions", "3", "--wat", "k"],
        ] {
            let out = run(&args(&a));
            assert_eq!(out.code, 2, "{a:?}");
            assert_eq!(out.stderr.lines().count(), 1, "{a:?}: {}", out.stderr);
        }
    }
}
