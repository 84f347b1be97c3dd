#!/usr/bin/env bash
# Builds the web app (web/) to static files and copies them into
# internal/webui/dist/, which the Go binary embeds and serves at "/".
# Needs only the npm registry (npm ci from the committed lockfile); nothing is
# fetched from a CDN at build time.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/web"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

export NEXT_TELEMETRY_DISABLED=1
npx --no-install next build

dist="$root/internal/webui/dist"
mkdir -p "$dist"
# Clear the previous build but keep the committed .gitkeep.
find "$dist" -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
cp -R out/. "$dist/"
# Brotli and gzip siblings of every text asset, served by internal/webui
# with Content-Encoding.
node scripts/precompress.mjs "$dist"
echo "web: copied $(find "$dist" -type f ! -name .gitkeep | wc -l) files into internal/webui/dist"
