#!/usr/bin/env bash
# bench-cache: replays a Zipf-distributed read workload through the
# cache-aside cache (internal/cache) against the local Redis and PostgreSQL
# and prints hit rate, p50/p99 latency with Redis, without Redis and with
# Redis down, and Redis calls per request. Extra flags pass through, e.g.
#   scripts/bench-cache.sh -keys 50000 -zipf-s 1.05 -requests 200000
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./internal/cache/benchcache "$@"
