#!/usr/bin/env bash
# The long invariant soak (docs/robustness.md): the seeded random driver of
# tests/core_properties.rs for SOAK_STEPS steps (default 1 000 000), in an optimised build.
#
#   scripts/soak.sh                      1M steps from seed 1
#   SOAK_STEPS=5000000 SOAK_SEED=42 scripts/soak.sh
#   SOAK_REPLAY=1234 scripts/soak.sh     replay exactly the episode with seed 1234
#
# A failure prints the episode seed, the step, the last events, the SOAK_REPLAY command and a
# minimised op list. Core only (no web crates), optimised but without LTO so it builds quickly.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
export SOAK_STEPS="${SOAK_STEPS:-1000000}"
exec cargo test --release --no-default-features \
  --config 'profile.release.lto=false' --config 'profile.release.opt-level=3' \
  --config 'profile.release.codegen-units=16' --config 'profile.release.panic="unwind"' \
  --test core_properties soak -- --ignored --nocapture
