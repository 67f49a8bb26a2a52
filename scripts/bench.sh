#!/usr/bin/env bash
# THE BENCH COMMAND: builds in release and writes target/bench/report.json, printing each
# figure beside its budget. Separate from the test command; nothing here is a pass/fail test.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
log "building (release, optimised for speed: profile bench-native)…"
cargo build --profile bench-native --no-default-features --bin playground-bench --bin playground-cli
if [ -d dist ]; then log "bundle sizes from the existing dist/ (scripts/test.sh builds it)"; fi
exec target/bench-native/playground-bench "$@"
