#!/usr/bin/env bash
# make bench-scale: scale-out across processes on one machine. Two
# `kmeme serve` (KMEME_WORKERS=0, the API only) and 1, 2 and 4 `kmeme worker`
# processes share one PostgreSQL database of their own (created here,
# dropped at the end), Redis and a data directory. Each round submits
# BENCH_REMIXES remixes at once through both serves (round-robin, 16 in
# flight), waits for every one to finish, and prints the throughput
# (remixes/min from the first submission to the last done) and the
# exactly-once counts read from PostgreSQL:
#   nodes done / failed; River job rows per node and kind (analyze, plan,
#   render: exactly one each, completed); stage completions per node (the
#   analyze, plan and done events each stage writes in the transaction that
#   finishes it: exactly one each); files written per node; jobs that took
#   more than one attempt; ai_calls rows (0: no paid AI on loopback).
# The last round ("4-kill") runs 4 workers and SIGKILLs one of them once a
# quarter of the round is done: its running jobs are rescued by River after
# KMEME_JOB_RESCUE_AFTER and finished by the other workers, and the same
# counts must hold.
#
#   BENCH_REMIXES (200)   remixes per round
#   BENCH_ROUNDS ("1 2 4 4-kill")  worker processes per round
#   BENCH_JOBS (2)        pipeline jobs at once in each worker (KMEME_WORKERS)
#   BENCH_CLIPS (8)       distinct generated clips (3 s, 180×320; remixes reuse
#                         them, so later analyses may come from the cache)
# Not part of `make test`: it prints figures.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${BENCH_REMIXES:-200}
rounds=${BENCH_ROUNDS:-"1 2 4 4-kill"}
jobs=${BENCH_JOBS:-2}
nclips=${BENCH_CLIPS:-8}
out=bench-output/scale
mkdir -p "$out"
db=kmeme_bench_scale_$$
data=$(mktemp -d /tmp/kmeme-bench-scale-XXXXXX)
freeport() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db" >/dev/null
export KMEME_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db?sslmode=disable"
export KMEME_LOG_LEVEL=warn KMEME_DATA_DIR="$data" KMEME_REDIS_PREFIX="bench:scale:$$:" KMEME_DEFAULT_VISIBILITY=public
export KMEME_RATE_READ="100000000/1s" KMEME_RATE_UPLOAD="100000000/1s" KMEME_RATE_REMIX="100000000/1s" KMEME_RATE_AUTH="100000000/1s"
export KMEME_QUOTA_PLANS="free=100000,pro=100000"
# A killed worker's jobs are taken over after KMEME_JOB_RESCUE_AFTER.
export KMEME_JOB_TIMEOUT=${KMEME_JOB_TIMEOUT:-90s} KMEME_JOB_RESCUE_AFTER=${KMEME_JOB_RESCUE_AFTER:-100s}
export KMEME_DB_MIN_CONNS=0 KMEME_DB_MAX_CONNS=8
q() { psql -h 127.0.0.1 -U postgres -d "$db" -At -F' ' -c "$1"; }
serves=() workers=()
stop_workers() {
  for p in "${workers[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${workers[@]}"; do wait "$p" 2>/dev/null || true; done
  workers=()
}
cleanup() {
  stop_workers
  for p in "${serves[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${serves[@]}"; do wait "$p" 2>/dev/null || true; done
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || true
  redis-cli -h 127.0.0.1 --scan --pattern "bench:scale:$$:*" | xargs -r -n 500 redis-cli -h 127.0.0.1 del >/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT
bin/kmeme migrate >/dev/null

bases=()
for i in 0 1; do
  port=$(freeport)
  KMEME_HTTP_ADDR="127.0.0.1:$port" KMEME_WORKERS=0 bin/kmeme serve 2>"$out/serve$i.log" &
  serves+=($!)
  bases+=("http://127.0.0.1:$port")
done
for b in "${bases[@]}"; do
  for _ in $(seq 1 300); do curl -fs "$b/healthz" >/dev/null && break; sleep 0.1; done
done

# Distinct small vertical clips (different content hashes).
clips=()
for i in $(seq 0 $((nclips - 1))); do
  f="$data/clip$i.mp4"
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=s=180x320:r=15:d=3,hue=h=$((i * 45))" \
    -f lavfi -i "aevalsrc='0.6*sin(2*PI*$((600 + i * 150))*t)*exp(-mod(t,0.5)*60)':s=22050:d=3" \
    -c:v libx264 -preset ultrafast -c:a aac -shortest "$f"
  clips+=("$f")
done
py_json() { python3 -c "import json,sys;print(json.load(sys.stdin)$1)"; }
token=$(curl -fs -X POST -H 'Content-Type: application/json' -d '{"email":"scale@example.com","password":"scale-password-123"}' \
  "${bases[0]}/api/auth/signup" | py_json '["access_token"]')
vids=()
for c in "${clips[@]}"; do
  vids+=("$(curl -fs -H "Authorization: Bearer $token" -F "file=@$c;type=video/mp4" "${bases[0]}/api/videos" | py_json '["id"]')")
done

start_worker() {
  local port
  port=$(freeport)
  KMEME_WORKERS=$jobs KMEME_METRICS_ADDR="127.0.0.1:$port" bin/kmeme worker 2>>"$out/worker-$1.log" &
  workers+=($!)
}

echo "scale-out: 2 serve (API only) + N worker processes × $jobs jobs, $n remixes a round, $nclips distinct 3 s clips, loopback, $(nproc) cores (shared with other work)"
rows=()
for round in $rounds; do
  w=${round%-kill}
  kill_one=0
  [ "$round" != "$w" ] && kill_one=1
  for i in $(seq 1 "$w"); do start_worker "$round-$i"; done
  t0=$(q "SELECT now()")
  # Submit the round at once: 16 requests in flight, alternating serves.
  seq 0 $((n - 1)) | xargs -P 16 -I{} bash -c '
    i={}; bases=('"${bases[*]}"'); vids=('"${vids[*]}"')
    b=${bases[$((i % 2))]}; v=${vids[$((i % ${#vids[@]}))]}
    code=$(curl -s -o /dev/null -w "%{http_code}" -X POST -H "Content-Type: application/json" -H "Authorization: Bearer '"$token"'" \
      -d "{\"title\":\"스케일 챌린지 $i\",\"visibility\":\"public\",\"video_id\":\"$v\"}" "$b/api/remix")
    [ "$code" = 202 ] || echo "create $i: HTTP $code" >&2' 2>>"$out/create-errors.txt"
  run="created_at >= '$t0' AND video_id IS NOT NULL"
  made=$(q "SELECT count(*) FROM remix_nodes WHERE $run")
  killed=-
  deadline=$((SECONDS + 1800))
  while :; do
    read -r done failed < <(q "SELECT count(*) FILTER (WHERE status = 'done'), count(*) FILTER (WHERE status = 'failed') FROM remix_nodes WHERE $run")
    if [ "$kill_one" = 1 ] && [ "$killed" = - ] && [ "$done" -ge $((made / 4)) ]; then
      victim=${workers[0]}
      running=$(q "SELECT count(*) FROM river_job WHERE state = 'running' AND kind LIKE 'kmeme\_%'")
      kill -KILL "$victim"
      wait "$victim" 2>/dev/null || true
      killed="pid $victim at $done/$made done ($running jobs running in all)"
      echo "  round $round: SIGKILL worker $killed"
    fi
    [ $((done + failed)) -ge "$made" ] && break
    [ "$SECONDS" -gt "$deadline" ] && { echo "  round $round: timed out with $done done, $failed failed of $made" >&2; break; }
    sleep 0.5
  done
  # Exactly-once counts for this round's nodes.
  read -r secs jobrows badjobs stagedone badstages filed attempts retried ai < <(q "
    WITH run AS (SELECT id, files FROM remix_nodes WHERE $run),
    j AS (SELECT (args->>'node_id')::uuid AS node_id, kind, count(*) AS rows, bool_and(state = 'completed') AS ok, max(attempt) AS attempts
          FROM river_job WHERE kind IN ('kmeme_analyze', 'kmeme_plan', 'kmeme_render') AND (args->>'node_id')::uuid IN (SELECT id FROM run)
          GROUP BY 1, 2),
    e AS (SELECT node_id, stage, count(*) AS n FROM remix_events
          WHERE (stage, status) IN (('analyze', 'planning'), ('plan', 'rendering'), ('done', 'done')) AND node_id IN (SELECT id FROM run)
          GROUP BY 1, 2)
    SELECT round(extract(epoch FROM (SELECT max(e.created_at) FROM remix_events e JOIN run ON run.id = e.node_id WHERE e.stage = 'done')
                 - (SELECT min(created_at) FROM remix_nodes WHERE $run))::numeric, 1),
      (SELECT coalesce(sum(rows), 0) FROM j),
      (SELECT count(*) FROM run) * 3 - (SELECT count(*) FROM j WHERE rows = 1 AND ok),
      (SELECT coalesce(sum(n), 0) FROM e),
      (SELECT count(*) FROM run) * 3 - (SELECT count(*) FROM e WHERE n = 1),
      (SELECT count(*) FROM run WHERE files IS NOT NULL AND jsonb_typeof(files) <> 'null'),
      (SELECT coalesce(max(attempts), 0) FROM j),
      (SELECT count(*) FROM j WHERE attempts > 1),
      (SELECT count(*) FROM ai_calls WHERE created_at >= '$t0')")
  retry_events=$(q "SELECT count(*) FROM remix_events WHERE stage LIKE 'retry:%' AND created_at >= '$t0'")
  rpm=$(python3 -c "print(f'{$done / max($secs, 0.1) * 60:.1f}')")
  rows+=("$round|$made|$done|$failed|$secs|$rpm|$jobrows|$badjobs|$stagedone|$badstages|$filed|$retried (max attempt $attempts, $retry_events retry events)|$ai|$killed")
  stop_workers
done
echo
printf '%-7s %5s %5s %6s %8s %9s %8s %9s %8s %10s %6s  %s\n' workers made done failed "secs" "remix/min" "jobrows" "!=1 job" "stages" "!=1 stage" files "jobs retried / killed"
for r in "${rows[@]}"; do
  IFS='|' read -r round made done failed secs rpm jobrows badjobs stagedone badstages filed retried ai killed <<<"$r"
  printf '%-7s %5s %5s %6s %8s %9s %8s %9s %8s %10s %6s  %s; ai_calls %s; kill: %s\n' "$round" "$made" "$done" "$failed" "$secs" "$rpm" "$jobrows" "$badjobs" "$stagedone" "$badstages" "$filed" "$retried" "$ai" "$killed"
done
echo
echo "exactly once: every row must show made = done = files, jobrows = stages = 3 × made, and 0 in '!=1 job' and '!=1 stage'"
if [ -s "$out/create-errors.txt" ]; then echo "create errors:"; head -5 "$out/create-errors.txt"; fi
echo "machine load average (1/5/15 min): $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores, shared with whatever else runs); logs: $out/"
