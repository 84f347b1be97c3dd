#!/usr/bin/env bash
# Web unit checks: TypeScript type check, then the Vitest unit tests.
# Prints Vitest's summary; exits non-zero when either step fails.
set -euo pipefail
cd "$(dirname "$0")/../web"

# npm ci when node_modules is missing or older than the lockfile.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

echo "== tsc --noEmit"
npx --no-install tsc --noEmit -p tsconfig.json
echo "typecheck ok"

echo "== vitest"
npx --no-install vitest run
