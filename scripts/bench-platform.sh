#!/usr/bin/env bash
# make bench-platform: seeds 1,000,000 remix nodes in power-law families
# (depth up to 30) and 100,000 embeddings in a dedicated database
# (kmeme_bench_platform, dropped afterwards), then prints lineage latencies,
# HNSW recall@10 vs exact search and its latency, and remix creation
# throughput with the job enqueued in the same transaction.
# Flags pass through, e.g. scripts/bench-platform.sh -nodes 200000 -keep.
set -euo pipefail
cd "$(dirname "$0")/.."
exec go run ./scripts/benchplatform "$@"
