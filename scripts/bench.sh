#!/usr/bin/env bash
# THE BENCH COMMAND: builds in release and writes target/bench/report.json, printing each
# figure beside its budget. Separate from the test command; nothing here is a pass/fail test.
#   1. the core's throughput compiled to wasm32-wasip1, run in Node (V8, as in Chromium);
#   2. everything else natively (and bundle sizes from dist/, if scripts/test.sh built it).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
mkdir -p target/bench
rm -f target/bench/wasm.json
if rustup target list --installed | grep -qx wasm32-wasip1 || rustup target add wasm32-wasip1; then
  log "wasm: building the throughput bench for wasm32-wasip1…"
  cargo build --profile bench-native --no-default-features --target wasm32-wasip1 --bin playground-bench
  log "wasm: running it in Node $(node --version)…"
  node --no-warnings scripts/wasi-run.mjs target/wasm32-wasip1/bench-native/playground-bench.wasm \
    --throughput-only > target/bench/wasm.json
else
  log "wasm32-wasip1 target unavailable: the wasm figures stay null"
fi
log "native: building (profile bench-native: release, opt-level 3)…"
cargo build --profile bench-native --no-default-features --bin playground-bench --bin playground-cli
[ -d dist ] && log "bundle sizes from the existing dist/ (scripts/test.sh builds it)"
exec target/bench-native/playground-bench "$@"
