# Sourced by the other scripts: repository root, tool versions, PATH. Not a command by itself.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
# Project tools first: wasm-opt (binaryen 132, npm) and playwright-core from node_modules/.bin;
# trunk and wasm-bindgen from cargo install. Trunk takes wasm-opt/wasm-bindgen from PATH only at
# the exact versions it wants; otherwise it would try GitHub, which this network cannot reach.
export PATH="$ROOT/node_modules/.bin:$CARGO_HOME/bin:$PATH"

TRUNK_VERSION="0.21.14"
WASM_OPT_VERSION="132"
WASM_TARGET="wasm32-unknown-unknown"
APT_PACKAGES="chromium chromium-driver"

# The wasm-bindgen crate version pinned by Cargo.lock: wasm-bindgen-cli must match it exactly.
wasm_bindgen_locked_version() {
  awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' \
    "$ROOT/Cargo.lock"
}

log() { printf '%s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
