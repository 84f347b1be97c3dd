#!/usr/bin/env bash
# Web unit checks: TypeScript type check, ESLint, then the Vitest unit tests.
# Prints Vitest's summary; exits non-zero when either step fails.
set -euo pipefail
cd "$(dirname "$0")/../web"

# npm ci when node_modules is missing or older than the lockfile.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

echo "== generated types (lib/gen) against kmeme openapi and schema/recipe.v2.json"
gen="$(mktemp -d /tmp/kmeme-gen.XXXXXX)"
node scripts/gen-types.mjs "$gen" >/dev/null
if ! diff -ru lib/gen "$gen"; then
  rm -rf "$gen"
  echo "web/lib/gen is stale: the API document or the recipe schema changed. Run: cd web && node scripts/gen-types.mjs"
  exit 1
fi
rm -rf "$gen"
echo "generated types up to date"

echo "== tsc --noEmit"
npx --no-install tsc --noEmit -p tsconfig.json
echo "typecheck ok"

echo "== eslint (next/core-web-vitals, next/typescript; warnings fail)"
npx --no-install eslint --max-warnings 0 .
echo "eslint ok"

echo "== vitest"
report="$(mktemp /tmp/kmeme-vitest.XXXXXX.json)"
trap 'rm -f "$report"' EXIT
status=0
npx --no-install vitest run --reporter=default --reporter=json --outputFile.json="$report" || status=$?
# One plain closing line for CI: "web: N passed, N failed".
node -e 'const r=require(process.argv[1]);console.log(`web: ${r.numPassedTests} passed, ${r.numFailedTests} failed`)' "$report" 2>/dev/null || true
exit "$status"
