#!/usr/bin/env bash
# bench-web: builds the web app, starts a local `kmeme serve` (fresh database)
# and prints the recipe page's first-load JavaScript (gzipped) and its time to
# interactive in headless chromium. Exits non-zero when a budget is exceeded
# (250 kB gzipped, 2 s). KMEME_E2E_SKIP_BUILD=1 reuses the current build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ "${KMEME_E2E_SKIP_BUILD:-}" != "1" ]; then
  scripts/web-build.sh
fi
exec web/e2e/with-server.sh node e2e/bench.mjs
