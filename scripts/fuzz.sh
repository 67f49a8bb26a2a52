#!/usr/bin/env bash
# Runs the cargo-fuzz targets in fuzz/ (docs/robustness.md), seeded from the checked-in
# hostile corpus and the built-in scenarios. Needs the nightly toolchain and cargo-fuzz
# (`cargo install cargo-fuzz`).
#
#   scripts/fuzz.sh                          every target for 60 s each
#   FUZZ_SECONDS=600 scripts/fuzz.sh share_link
#
# A crash leaves its input in fuzz/artifacts/<target>/; replay it with
#   cargo +nightly fuzz run <target> fuzz/artifacts/<target>/<file>
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
seconds="${FUZZ_SECONDS:-60}"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(scenario_json share_link cli_assign_json)
seed() { mkdir -p "fuzz/corpus/$1"; shift_dir="$1"; shift; for f in "$@"; do [ -f "$f" ] && cp "$f" "fuzz/corpus/$shift_dir/"; done; return 0; }
seed scenario_json tests/data/hostile/scenario/* src/core/scenarios/*.json
seed share_link tests/data/hostile/share/*
seed cli_assign_json tests/data/hostile/assign/*
for t in "${targets[@]}"; do
  log "==> fuzz $t for ${seconds}s"
  (cd fuzz && cargo +nightly fuzz run "$t" -- -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048)
done
