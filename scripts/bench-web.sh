#!/usr/bin/env bash
# bench-web: builds the web app, starts a local `kmeme serve` (fresh database)
# and prints per page (phone profile, 4× CPU throttling) first-load JS (raw,
# gzip, brotli, bytes sent), FCP, CLS and time to interactive. Exits non-zero
# over budget (TTI 2.5 s median, CLS 0.05). KMEME_E2E_SKIP_BUILD=1 reuses the build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ "${KMEME_E2E_SKIP_BUILD:-}" != "1" ]; then
  scripts/web-build.sh
fi
exec web/e2e/with-server.sh node e2e/bench.mjs
