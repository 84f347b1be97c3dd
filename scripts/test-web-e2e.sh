#!/usr/bin/env bash
# Web end-to-end tests (web/e2e/run.mjs): builds the web app, then
# web/e2e/with-server.sh builds a kmeme binary that embeds it and starts
# `kmeme serve` on a free loopback port with a fresh PostgreSQL database and
# Redis key prefix; Debian's chromium runs headless under playwright-core
# (no browser download). Screenshots (desktop and 360 px phone), axe results
# and the server log go to web/test-output/. Prints
# "N passed, N failed, N skipped" and exits non-zero on any failure.
# KMEME_E2E_SKIP_BUILD=1 reuses the current web build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

chromium="${KMEME_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "test-web-e2e: $chromium not found (apt-get install -y chromium; it is in scripts/apt-packages.txt)" >&2
  exit 1
fi

if [ "${KMEME_E2E_SKIP_BUILD:-}" != "1" ]; then
  scripts/web-build.sh
fi
(cd web && { [ -d node_modules ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]; } || npm ci --no-audit --no-fund)

exec web/e2e/with-server.sh node e2e/run.mjs
