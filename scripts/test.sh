#!/usr/bin/env bash
# THE TEST COMMAND: installs what is missing, then runs every check and test, in order, stopping at
# the first failure with the step's name. The last line is "N passed, N failed" (steps).
#
#   1 setup            scripts/setup.sh (idempotent: seconds when warm)
#   2 fmt              cargo fmt --all --check
#   3 clippy           cargo clippy -D warnings: --all-targets with default features and with
#                      --no-default-features, and the wasm32 target's lib, bins and wasm_ui test
#   4 test             cargo test (native, default features)
#   5 core-no-web      cargo test --no-default-features, and the normal dependency tree without
#                      the `ui` feature has no yew/web-sys/js-sys/wasm-bindgen/gloo
#   6 wasm-test        cargo test --target wasm32-unknown-unknown --test wasm_ui (headless Chromium)
#   7 trunk-build      trunk build --release --offline (into dist/)
#   8 e2e              node --test tests/e2e/*.test.mjs (Playwright against dist/)
#
# Environment: TEST_STEPS="fmt clippy" runs only those steps (setup always runs).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-auto}"

run() { printf '+ %s\n' "$*" >&2; "$@"; }

step_setup() { run "$ROOT/scripts/setup.sh" all; }

step_fmt() { run cargo fmt --all --check; }

step_clippy() {
  run cargo clippy --all-targets -- -D warnings &&
  run cargo clippy --all-targets --no-default-features -- -D warnings &&
  run cargo clippy --target "$WASM_TARGET" --lib --bins --test wasm_ui --test wasm_core -- -D warnings
}

step_test() { run cargo test; }

step_core_no_web() {
  run cargo test --no-default-features || return 1
  # Architecture invariant: the core never depends on the web.
  local web
  web="$(cargo tree --no-default-features -e normal --target all --prefix none --format '{p}' |
    grep -E '^(yew|web-sys|js-sys|wasm-bindgen|gloo)[a-z0-9_-]* ' | sed 's/ (\*)$//' | sort -u)"
  if [ -n "$web" ]; then
    log "error: without the \`ui\` feature the crate still depends on web crates:"
    log "$web"
    log "(make them optional and list them under [features] ui in Cargo.toml)"
    return 1
  fi
  log "ok: no web crates in \`cargo tree --no-default-features -e normal\`"
}

step_wasm_test() {
  # wasm-bindgen-test-runner picks the first WebDriver it finds; name chromedriver explicitly.
  # webdriver.json adds Chromium's path and the flags that keep it off the closed network.
  CHROMEDRIVER="$(command -v chromedriver)" \
  WASM_BINDGEN_TEST_WEBDRIVER_JSON="$ROOT/webdriver.json" \
  WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-60}" \
  WASM_BINDGEN_TEST_DRIVER_TIMEOUT="${WASM_BINDGEN_TEST_DRIVER_TIMEOUT:-30}" \
    run cargo test --target "$WASM_TARGET" --test wasm_ui --test wasm_core
}

step_trunk_build() { run trunk build --release --offline; }

step_e2e() {
  local specs=(tests/e2e/*.test.mjs)
  [ -e "${specs[0]}" ] || { log "error: no tests/e2e/*.test.mjs found"; return 1; }
  rm -rf test-results && mkdir -p test-results
  run node --test --test-reporter=spec "${specs[@]}"
}

STEPS=(setup fmt clippy test core-no-web wasm-test trunk-build e2e)
WANT=" setup ${TEST_STEPS:-${STEPS[*]}} "

passed=0 failed=0 i=0 summary=()
t_all=$SECONDS
for name in "${STEPS[@]}"; do
  i=$((i + 1))
  case "$WANT" in *" $name "*) ;; *) continue ;; esac
  log ""
  log "==> step $i/${#STEPS[@]}: $name"
  t0=$SECONDS
  if "step_${name//-/_}"; then
    passed=$((passed + 1))
    summary+=("  ok    $i $name ($((SECONDS - t0))s)")
  else
    failed=$((failed + 1))
    summary+=("  FAIL  $i $name ($((SECONDS - t0))s)")
    log ""
    log "FAILED at step $i/${#STEPS[@]}: $name (see its output above); later steps not run"
    break
  fi
done

log ""
log "steps (total $((SECONDS - t_all))s):"
printf '%s\n' "${summary[@]}" >&2
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
