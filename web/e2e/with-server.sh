#!/usr/bin/env bash
# with-server.sh CMD...: builds a kmeme binary (embedding the current
# internal/webui/dist), starts `kmeme serve` on a free loopback port against
# the local PostgreSQL (a fresh database, dropped on exit) and Redis (a fresh
# key prefix), waits for /healthz, runs CMD with KMEME_E2E_BASE set, then
# stops the server it started. The server log is web/test-output/serve.log.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

pg_host="${KMEME_PG_HOST:-127.0.0.1}"
pg_port="${KMEME_PG_PORT:-5432}"
pg_user="${KMEME_PG_USER:-postgres}"

work="$(mktemp -d /tmp/kmeme-web-srv.XXXXXX)"
db="kmeme_web_$$_$RANDOM"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== go build kmeme (embeds internal/webui/dist)"
go build -o "$work/kmeme" ./cmd/kmeme

psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres -qc "CREATE DATABASE $db" >/dev/null
port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
base="http://127.0.0.1:$port"

export KMEME_DATABASE_URL="postgres://$pg_user@$pg_host:$pg_port/$db?sslmode=disable"
export KMEME_HTTP_ADDR="127.0.0.1:$port"
export KMEME_REDIS_PREFIX="web-$$-$RANDOM:"
export KMEME_DATA_DIR="$work/data"
# The e2e admin: signing up with this address gives the admin role.
export KMEME_ADMIN_EMAILS="${KMEME_ADMIN_EMAILS:-admin-e2e@example.com}"
export KMEME_LOG_LEVEL="${KMEME_LOG_LEVEL:-warn}"

mkdir -p web/test-output
"$work/kmeme" migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; exit 1; }
"$work/kmeme" serve >web/test-output/serve.log 2>&1 &
server_pid=$!

deadline=$((SECONDS + 60))
until curl -fsS "$base/healthz" >/dev/null 2>&1; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "with-server: kmeme serve exited:" >&2
    tail -n 30 web/test-output/serve.log >&2
    exit 1
  fi
  if [ $SECONDS -ge $deadline ]; then
    echo "with-server: server did not answer /healthz in 60 s" >&2
    exit 1
  fi
  sleep 0.2
done
echo "== kmeme serve at $base (database $db)"

cd web
status=0
KMEME_E2E_BASE="$base" "$@" || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- last lines of web/test-output/serve.log" >&2
  tail -n 40 test-output/serve.log >&2 || true
fi
exit "$status"
