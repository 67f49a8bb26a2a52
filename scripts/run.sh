#!/usr/bin/env bash
# THE RUN COMMAND: installs what is missing, builds, and serves the playground on
# http://127.0.0.1:8080 with live reload (`trunk serve --offline`). Ctrl-C stops it.
# Extra arguments go to `trunk serve` (e.g. `scripts/run.sh --release`, `--port 9000`).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

"$ROOT/scripts/setup.sh" build
log "serving on http://127.0.0.1:${TRUNK_SERVE_PORT:-8080}/ (first build takes a minute; Ctrl-C to stop)"
exec trunk serve --offline "$@"
