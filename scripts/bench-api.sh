#!/usr/bin/env bash
# Benchmark of GET /api/remix/{id}: starts kmeme serve on a loopback port
# against a fresh database, creates a node, then drives the route with wrk
# (Debian) and prints requests/s and p50/p99 latency. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${BENCH_DURATION:-15s}
conns=${BENCH_CONNECTIONS:-32}
db=kmeme_bench_api
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
PGOPTIONS="-c client_min_messages=warning" psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
export KMEME_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db?sslmode=disable"
export KMEME_HTTP_ADDR="127.0.0.1:$port" KMEME_LOG_LEVEL=error KMEME_WORKERS=0 KMEME_REDIS_PREFIX="bench:api:$$:"
# One load generator on one address: lift the per-IP read budget so the
# figure is the route's cost (the rate-limit check itself still runs).
export KMEME_RATE_READ="100000000/1s"
bin/kmeme migrate >/dev/null
bin/kmeme serve 2>bench-output/bench-api-server.log &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS '$db' WITH (FORCE)" >/dev/null' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
token=$(curl -fs -X POST -H 'Content-Type: application/json' -d '{"email":"bench@example.com","password":"bench-password-123"}' "http://127.0.0.1:$port/api/auth/signup" | python3 -c 'import json,sys;print(json.load(sys.stdin)["access_token"])')
id=$(curl -fs -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $token" -d '{"title":"벤치마크 밈","visibility":"public","location":{"lat":37.56,"lon":126.97}}' "http://127.0.0.1:$port/api/remix" | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
echo "GET /api/remix/$id (public, anonymous: rate-limit check + recipe-view cache) — wrk, $conns connections, 2 threads, $duration, loopback, $(nproc) cores"
out=$(wrk -t2 -c"$conns" -d"$duration" --latency "http://127.0.0.1:$port/api/remix/$id")
echo "$out" | sed -n '1,20p' > bench-output/bench-api-wrk.txt
rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
p50=$(echo "$out" | awk '$1=="50%" {print $2}')
p99=$(echo "$out" | awk '$1=="99%" {print $2}')
non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
printf 'requests/s: %s\np50 latency: %s\np99 latency: %s\nnon-2xx answers: %s\n' "$rps" "$p50" "$p99" "${non2xx:-0}"
