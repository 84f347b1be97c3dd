#!/usr/bin/env bash
# Load benchmark with a profile of real use (bench/locust/locustfile.py):
# starts kmeme serve (API + 2 pipeline workers) on a loopback port against
# a fresh database of its own, seeds public remixes, runs Locust headless
# at a stated rate for a bounded time, and prints requests/s, p50/p95/p99
# per route, errors, pipeline throughput (remixes/min) and queue latency,
# pgx pool waits (from /metrics), Redis latency and the RSS of serve.
#
#   BENCH_USERS (40)      simulated users; BENCH_RATE (1) tasks/s per user
#   BENCH_DURATION (3m)   how long the load runs
#   BENCH_WORKERS (2)     pipeline jobs at once in serve
# Loopback only: every user comes from 127.0.0.1, so the per-IP and
# per-account rate limits are lifted (the limiter itself still runs).
set -euo pipefail
cd "$(dirname "$0")/.."
users=${BENCH_USERS:-40}
rate=${BENCH_RATE:-1}
duration=${BENCH_DURATION:-3m}
workers=${BENCH_WORKERS:-2}
out=bench-output/load-u${users}
mkdir -p "$out"
db=kmeme_bench_load_$$
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
data=$(mktemp -d /tmp/kmeme-bench-load-XXXXXX)
PGOPTIONS="-c client_min_messages=warning" psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db" >/dev/null
export KMEME_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db?sslmode=disable"
export KMEME_HTTP_ADDR="127.0.0.1:$port" KMEME_LOG_LEVEL=warn KMEME_WORKERS=$workers KMEME_DATA_DIR="$data"
export KMEME_REDIS_PREFIX="bench:load:$$:" KMEME_DEFAULT_VISIBILITY=public
export KMEME_RATE_READ="100000000/1s" KMEME_RATE_UPLOAD="100000000/1s" KMEME_RATE_REMIX="100000000/1s" KMEME_RATE_AUTH="100000000/1s"
export KMEME_QUOTA_PLANS="free=100000,pro=100000"
bin/kmeme migrate >/dev/null
bin/kmeme serve 2>"$out/server.log" &
pid=$!
sampler=
cleanup() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || true
  redis-cli -h 127.0.0.1 --scan --pattern "bench:load:$$:*" | xargs -r -n 500 redis-cli -h 127.0.0.1 del >/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT
for _ in $(seq 1 200); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.1; done

# Four distinct 3 s vertical clips (different content hashes, so analyses
# are not all answered by the cache).
clips=()
for i in 0 1 2 3; do
  f="$data/clip$i.mp4"
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=s=180x320:r=15:d=3,hue=h=$((i * 80))" \
    -f lavfi -i "aevalsrc='0.6*sin(2*PI*$((800 + i * 300))*t)*exp(-mod(t,0.5)*60)':s=22050:d=3" \
    -c:v libx264 -preset ultrafast -c:a aac -shortest "$f"
  clips+=("$f")
done

# Seed: one creator, eight public remixes placed around Korea, run to done.
py_json() { python3 -c "import json,sys;print(json.load(sys.stdin)$1)"; }
token=$(curl -fs -X POST -H 'Content-Type: application/json' -d '{"email":"seed@example.com","password":"seed-password-123"}' "$base/api/auth/signup" | py_json '["access_token"]')
places=("37.5665,126.9780" "35.1796,129.0756" "33.4996,126.5312" "37.4563,126.7052")
titles=("킬링파트 챌린지" "댄스 커버 밈" "브이로그 리믹스" "먹방 챌린지")
seeds=()
for i in 0 1 2 3 4 5 6 7; do
  vid=$(curl -fs -H "Authorization: Bearer $token" -F "file=@${clips[$((i % 4))]};type=video/mp4" "$base/api/videos" | py_json '["id"]')
  ll=${places[$((i % 4))]}
  seeds+=("$(curl -fs -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $token" \
    -d "{\"title\":\"${titles[$((i % 4))]} 원본 $i\",\"visibility\":\"public\",\"video_id\":\"$vid\",\"location\":{\"lat\":${ll%,*},\"lon\":${ll#*,}}}" \
    "$base/api/remix" | py_json '["id"]')")
done
for id in "${seeds[@]}"; do
  for _ in $(seq 1 600); do
    s=$(psql -h 127.0.0.1 -U postgres -d "$db" -Atc "SELECT status FROM remix_nodes WHERE id = '$id'")
    [ "$s" = done ] || [ "$s" = failed ] && break
    sleep 0.2
  done
done

metric() { curl -fs "$base/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
sumhist() { curl -fs "$base/metrics" | awk -v m="$1" 'index($1, m) == 1 && $1 !~ /_bucket/ {split($1, a, "{"); v[a[1]] += $2} END {printf "%s %s\n", v[m "_sum"] + 0, v[m "_count"] + 0}'; }
waits0=$(metric kmeme_pgxpool_empty_acquire_total); wsecs0=$(metric kmeme_pgxpool_acquire_wait_seconds_total)
read -r csum0 ccount0 < <(sumhist kmeme_cache_get_seconds)
t0=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# RSS of serve every 2 s.
( while kill -0 "$pid" 2>/dev/null; do ps -o rss= -p "$pid" >>"$out/rss.txt" || true; sleep 2; done ) &
sampler=$!
secs=$(python3 -c "import re;d='$duration';m=re.fullmatch(r'(\d+)([smh]?)',d);print(int(m[1])*{'':1,'s':1,'m':60,'h':3600}[m[2]])")
timeout $((secs + 5)) redis-cli -h 127.0.0.1 --latency --csv >"$out/redis-latency.csv" 2>/dev/null &
rl=$!
maxrss=0; : >"$out/rss.txt"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load: $users users × $rate tasks/s (~$(python3 -c "print(round($users*$rate))") tasks/s offered; 9 browsers : 1 creator) for $duration, serve with $workers workers, loopback, $(nproc) cores"
KMEME_BENCH_CLIPS=$(IFS=:; echo "${clips[*]}") KMEME_BENCH_RATE=$rate \
  /usr/bin/locust -f bench/locust/locustfile.py --headless --host "$base" -u "$users" -r "$users" -t "$duration" \
  --stop-timeout 30 --csv "$out/locust" --only-summary --loglevel WARNING >"$out/locust.txt" 2>&1 || true
wait "$rl" 2>/dev/null || true
waits1=$(metric kmeme_pgxpool_empty_acquire_total); wsecs1=$(metric kmeme_pgxpool_acquire_wait_seconds_total)
read -r csum1 ccount1 < <(sumhist kmeme_cache_get_seconds)
maxconns=$(metric kmeme_pgxpool_max_conns)
kill "$sampler" 2>/dev/null || true; sampler=

python3 - "$out/locust_stats.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print(f"{'route':44} {'reqs':>7} {'fail':>5} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7}  (ms)")
for r in rows:
    name = r["Name"] if r["Type"] in ("", "PIPE") or r["Name"] == "Aggregated" else f'{r["Name"]}'
    if r["Name"] == "Aggregated":
        print("-" * 90)
    print(f"{name[:44]:44} {r['Request Count']:>7} {r['Failure Count']:>5} {float(r['Requests/s']):7.1f} {r['50%']:>7} {r['95%']:>7} {r['99%']:>7}")
PY
echo
fails="$out/locust_failures.csv"
if [ -s "$fails" ] && [ "$(wc -l <"$fails")" -gt 1 ]; then echo "errors:"; tail -n +2 "$fails" | head -10 | cut -c1-200; else echo "errors: none"; fi
psql -h 127.0.0.1 -U postgres -d "$db" -At -F' ' -c "
  WITH run AS (SELECT * FROM remix_nodes WHERE created_at >= '$t0' AND video_id IS NOT NULL),
  q AS (SELECT e.node_id, min(e.created_at) FILTER (WHERE e.stage = 'queued') AS queued,
               min(e.created_at) FILTER (WHERE e.stage <> 'queued') AS started,
               min(e.created_at) FILTER (WHERE e.status = 'done') AS done
        FROM remix_events e JOIN run ON run.id = e.node_id GROUP BY e.node_id)
  SELECT (SELECT count(*) FROM run), (SELECT count(*) FROM run WHERE status = 'done'), (SELECT count(*) FROM run WHERE status = 'failed'),
    round(extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY started - queued))::numeric * 1000),
    round(extract(epoch FROM percentile_cont(0.95) WITHIN GROUP (ORDER BY started - queued))::numeric * 1000),
    round(extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY done - queued))::numeric * 1000),
    round(extract(epoch FROM percentile_cont(0.95) WITHIN GROUP (ORDER BY done - queued))::numeric * 1000)
  FROM q" | while read -r made done failed q50 q95 d50 d95; do
  python3 -c "
secs=$secs
print(f'pipeline: {$made} remixes created during the run, {$done} done, {$failed} failed; {$done/secs*60:.1f} remixes/min done')
print(f'queue latency (queued → first stage) p50 ${q50:-0} ms, p95 ${q95:-0} ms; queued → done p50 ${d50:-0} ms, p95 ${d95:-0} ms')"
done
python3 -c "
w=${waits1:-0}-${waits0:-0}; s=${wsecs1:-0}-${wsecs0:-0}
print(f'pgx pool: {int(w)} acquires waited for a connection (pool of ${maxconns:-?}), {s*1000:.0f} ms waited in total, {(s/w*1000 if w else 0):.2f} ms mean per wait')
cc=${ccount1:-0}-${ccount0:-0}; cs=${csum1:-0}-${csum0:-0}
print(f'redis: cache GET mean {(cs/cc*1000 if cc else 0):.2f} ms over {int(cc)} gets (kmeme_cache_get_seconds)')"
if [ -s "$out/redis-latency.csv" ]; then
  tail -1 "$out/redis-latency.csv" | awk -F, '{printf "redis: PING from redis-cli during the run min %s ms, max %s ms, avg %s ms over %s samples\n", $1, $2, $3, $4}'
fi
awk 'NF {n++; v[n] = $1; if ($1 > max) max = $1; if (min == "" || $1 < min) min = $1}
  END {if (n) printf "serve RSS: start %.0f MiB, min %.0f, max %.0f, end %.0f MiB (%d samples, every 2 s)\n", v[1]/1024, min/1024, max/1024, v[n]/1024, n}' "$out/rss.txt"
echo "machine load average (1/5/15 min) before: $load0, after: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores, shared with whatever else runs)"
echo "raw output: $out/"
