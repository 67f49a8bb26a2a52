#!/usr/bin/env bash
# THE BENCH COMMAND: builds in release and writes target/bench/report.json, printing each
# figure beside its budget. Separate from the test command; nothing here is a pass/fail test.
#   1. the core's throughput compiled to wasm32-wasip1, run in Node (V8, as in Chromium), and a
#      classic group's and a share group's consumption beside it (`playground-bench --groups-only`
#      runs that part alone, natively or in wasm);
#   2. the page in headless Chromium: load, frames at the largest scenario, heap after a long run
#      (scripts/bench-ui.mjs; BENCH_UI_ARGS="--seconds 10 --heap-sim-minutes 0" for a quick run);
#   3. what a reader feels while a lesson loads: bytes, first frame, first working control, on
#      localhost, Fast 4G and Slow 3G, full page and a docs page with two embeds
#      (scripts/bench-load.mjs);
#   4. everything else natively, plus the release dist/ bundle sizes (`scripts/bench.sh
#      --skip-extreme` leaves out the 24-hour extreme scenarios, up to 600 s each).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
"$ROOT/scripts/setup.sh"
mkdir -p target/bench
rm -f target/bench/wasm.json target/bench/ui.json

if rustup target list --installed | grep -qx wasm32-wasip1 || rustup target add wasm32-wasip1; then
  log "wasm: building the throughput bench for wasm32-wasip1…"
  cargo build --profile bench-native --no-default-features --target wasm32-wasip1 --bin playground-bench
  log "wasm: running it in Node $(node --version)…"
  node --no-warnings scripts/wasi-run.mjs target/wasm32-wasip1/bench-native/playground-bench.wasm \
    --throughput-only > target/bench/wasm.json
else
  log "wasm32-wasip1 target unavailable: the wasm figures stay null"
fi

log "page: trunk build --release…"
trunk build --release --offline
log "page: the same wasm with function names, for the report's wasm_breakdown…"
rm -rf target/bench/named
wasm-bindgen --target web --keep-debug --out-dir target/bench/named \
  "target/$WASM_TARGET/release/broker-playground.wasm"
wasm-opt -Oz -g --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals target/bench/named/broker-playground_bg.wasm -o target/bench/named.wasm
log "page: load, frames and heap in headless Chromium (about 7 minutes with the defaults)…"
# shellcheck disable=SC2086
node scripts/bench-ui.mjs ${BENCH_UI_ARGS:-} || log "page figures failed; they stay null"
log "page: bytes, first frame and first working control on three connections (about 3 minutes)…"
rm -f target/bench/load.json
node scripts/bench-load.mjs || log "load figures failed; they stay null"

log "native: building playground-cli as CLI.md runs it (release profile, default features)…"
cargo build --release --bin playground-cli
log "native: building the bench (profile bench-native: release, opt-level 3)…"
cargo build --profile bench-native --no-default-features --bin playground-bench --bin playground-cli
exec target/bench-native/playground-bench "$@"
