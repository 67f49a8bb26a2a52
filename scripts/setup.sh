#!/usr/bin/env bash
# Installs what building and testing need, idempotently: each tool's version is checked first, so a
# warm run takes seconds. Called by scripts/run.sh (`setup.sh build`) and scripts/test.sh
# (`setup.sh`, everything). Works on a machine that reaches crates.io, npm and Debian's mirrors
# but not GitHub.
#
#   scripts/setup.sh          # everything: browsers + build tools + npm packages + crates
#   scripts/setup.sh build    # only what `trunk build`/`trunk serve` need (no browsers)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

MODE="${1:-all}"
case "$MODE" in all|build) ;; *) die "usage: scripts/setup.sh [all|build]" ;; esac

# Headless Chromium + the chromedriver of the same version (Debian builds both from one source).
setup_browsers() {
  if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    log "ok: $(chromium --version 2>/dev/null | head -n1); $(chromedriver --version | head -n1 | cut -d' ' -f1-2)"
  else
    if [ "$(id -u)" -ne 0 ]; then
      log "error: Chromium and ChromeDriver are missing and installing them needs root. Run:"
      log "  sudo apt-get update && sudo apt-get install -y --no-install-recommends $APT_PACKAGES"
      log "then run this command again."
      exit 1
    fi
    log "installing: $APT_PACKAGES (Debian)"
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $APT_PACKAGES
  fi
  local cv dv
  cv="$(chromium --version 2>/dev/null | grep -oE '[0-9]+' | head -n1)"
  dv="$(chromedriver --version | grep -oE '[0-9]+' | head -n1)"
  [ "$cv" = "$dv" ] || die "chromium ($cv) and chromedriver ($dv) major versions differ: reinstall both with apt-get"
}

setup_rust_target() {
  command -v cargo >/dev/null || die "cargo not found: install Rust with rustup (the project builds with rustc 1.95)"
  if rustup target list --installed | grep -qx "$WASM_TARGET"; then
    log "ok: rust target $WASM_TARGET"
  else
    log "installing: rust target $WASM_TARGET"
    rustup target add "$WASM_TARGET"
  fi
}

setup_trunk() {
  if [ "$(trunk --version 2>/dev/null)" = "trunk $TRUNK_VERSION" ]; then
    log "ok: trunk $TRUNK_VERSION"
  else
    # 0.22.x needs a newer rustc than 1.95; --locked keeps its dependency versions as released.
    log "installing: trunk $TRUNK_VERSION (cargo install, ~6 min cold)"
    cargo install trunk --version "=$TRUNK_VERSION" --locked
  fi
}

setup_wasm_bindgen() {
  local want
  want="$(wasm_bindgen_locked_version)"
  [ -n "$want" ] || die "no wasm-bindgen entry in Cargo.lock"
  if [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $want" ] &&
     [ "$(wasm-bindgen-test-runner --version 2>/dev/null)" = "wasm-bindgen-test-runner $want" ]; then
    log "ok: wasm-bindgen-cli $want (= Cargo.lock)"
  else
    # Not --locked: its own lockfile pins a webpki-roots version the registry here does not serve.
    log "installing: wasm-bindgen-cli $want (cargo install, ~2 min cold)"
    cargo install wasm-bindgen-cli --version "=$want"
  fi
}

# binaryen 132 (wasm-opt), esbuild (scripts/postbuild.mjs) and playwright-core, exactly as package-lock.json says.
setup_npm() {
  command -v npm >/dev/null || die "npm not found: install Node.js 20 or newer"
  local stamp="node_modules/.setup-stamp" want
  want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] &&
     [ "$(wasm-opt --version 2>/dev/null | cut -d' ' -f3)" = "$WASM_OPT_VERSION" ]; then
    log "ok: npm packages (package-lock.json unchanged), $(wasm-opt --version)"
  else
    log "installing: npm ci (binaryen $WASM_OPT_VERSION, esbuild, playwright-core)"
    npm ci --no-audit --no-fund
    echo "$want" > "$stamp"
    [ "$(wasm-opt --version | cut -d' ' -f3)" = "$WASM_OPT_VERSION" ] ||
      die "node_modules/.bin/wasm-opt is not version $WASM_OPT_VERSION: $(wasm-opt --version)"
  fi
}

setup_crates() {
  log "fetching: crates (cargo fetch --locked)"
  cargo fetch --locked --quiet ||
    die "cargo fetch --locked failed: Cargo.lock is out of date (run \`cargo update -w\` and commit it) or crates.io is unreachable"
}

if [ "$MODE" = all ]; then setup_browsers; fi
setup_rust_target
setup_trunk
setup_wasm_bindgen
setup_npm
setup_crates
log "setup: done"
