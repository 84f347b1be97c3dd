// Command benchcache replays a Zipf-distributed read workload through the
// cache-aside cache and prints the hit rate, p50/p99 latency with Redis,
// without Redis (every read from PostgreSQL) and with Redis down, and Redis
// calls per request. It is run by `make bench-cache` (scripts/bench-cache.sh),
// never by the unit tests.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"math"
	mrand "math/rand"
	"net"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	goredis "github.com/redis/go-redis/v9"

	"github.com/kmeme-factory/kmeme/internal/cache"
	"github.com/kmeme-factory/kmeme/internal/redis"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "benchcache:", err)
		os.Exit(1)
	}
}

// callCounter counts Redis commands (a script run counts as one).
type callCounter struct{ n atomic.Int64 }

func (c *callCounter) DialHook(next goredis.DialHook) goredis.DialHook { return next }
func (c *callCounter) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error { c.n.Add(1); return next(ctx, cmd) }
}
func (c *callCounter) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		c.n.Add(int64(len(cmds)))
		return next(ctx, cmds)
	}
}

type quietLog struct{}

func (quietLog) Printf(context.Context, string, ...interface{}) {}

type result struct {
	name       string
	hits       float64
	requests   int
	loads      int64
	redisCalls int64
	lat        []time.Duration
	wall       time.Duration
}

func run() error {
	var (
		redisURL    = flag.String("redis", envOr("KMEME_REDIS_URL", "redis://127.0.0.1:6379/0"), "Redis URL")
		dbURL       = flag.String("db", envOr("KMEME_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"), "PostgreSQL URL (the loader's reads)")
		keys        = flag.Int("keys", 10000, "distinct recipe views")
		requests    = flag.Int("requests", 100000, "reads with Redis")
		pgRequests  = flag.Int("pg-requests", 10000, "reads without Redis and with Redis down")
		zipfS       = flag.Float64("zipf-s", 1.1, "Zipf exponent (>1; higher = more skewed)")
		concurrency = flag.Int("concurrency", 16, "concurrent readers")
		queries     = flag.Int("load-queries", 3, "PostgreSQL queries per load (a recipe view: node, analysis, files)")
		viewBytes   = flag.Int("view-bytes", 4000, "size of one serialised view")
		seed        = flag.Int64("seed", 1, "workload seed")
	)
	flag.Parse()
	goredis.SetLogger(quietLog{}) // the redis-down phase would log every refused dial
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, *dbURL)
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	defer pool.Close()
	if err := pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	var loads atomic.Int64
	load := func(key string) func(context.Context) ([]byte, error) {
		return func(ctx context.Context) ([]byte, error) {
			loads.Add(1)
			var s string
			for i := 0; i < *queries; i++ {
				if err := pool.QueryRow(ctx, `SELECT $1::text || repeat('x', $2)`, key, *viewBytes / *queries).Scan(&s); err != nil {
					return nil, err
				}
			}
			return []byte(s), nil
		}
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	prefix := "bench:" + hex.EncodeToString(b[:]) + ":"
	rdb, err := redis.Open(redis.Config{URL: *redisURL, Timeout: 200 * time.Millisecond, Prefix: prefix})
	if err != nil {
		return err
	}
	defer rdb.Close()
	counter := &callCounter{}
	rdb.R.AddHook(counter)
	defer func() {
		if ks, _ := rdb.R.Keys(context.Background(), prefix+"*").Result(); len(ks) > 0 {
			rdb.R.Del(context.Background(), ks...)
		}
	}()
	if err := rdb.R.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	// A Redis that is down: a closed port.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	deadAddr := ln.Addr().String()
	ln.Close()
	dead, _ := redis.Open(redis.Config{URL: "redis://" + deadAddr, Timeout: 200 * time.Millisecond})
	defer dead.Close()
	dead.R.AddHook(counter)

	phase := func(name string, rc *redis.Client, n int) result {
		reg := prometheus.NewRegistry()
		c := cache.New(rc, cache.Options{Name: "bench", Registerer: reg})
		loads.Store(0)
		before := counter.n.Load()
		r := mrand.New(mrand.NewSource(*seed))
		z := mrand.NewZipf(r, *zipfS, 1, uint64(*keys-1))
		seq := make([]uint64, n)
		for i := range seq {
			seq[i] = z.Uint64()
		}
		lat := make([]time.Duration, n)
		var next atomic.Int64
		var wg sync.WaitGroup
		start := time.Now()
		for w := 0; w < *concurrency; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1) - 1)
					if i >= n {
						return
					}
					key := fmt.Sprintf("recipe:%d", seq[i])
					t0 := time.Now()
					if _, err := c.GetOrLoad(ctx, key, cache.TTLRecipe, load(key)); err != nil {
						fmt.Fprintln(os.Stderr, "read:", err)
					}
					lat[i] = time.Since(t0)
				}
			}()
		}
		wg.Wait()
		hits := 0.0
		if mfs, err := reg.Gather(); err == nil {
			for _, mf := range mfs {
				if mf.GetName() == "kmeme_cache_hits_total" {
					for _, m := range mf.GetMetric() {
						hits += m.GetCounter().GetValue()
					}
				}
			}
		}
		return result{name: name, hits: hits, requests: n, loads: loads.Load(), redisCalls: counter.n.Load() - before, lat: lat, wall: time.Since(start)}
	}
	withRedis := phase("with redis", rdb, *requests)
	noRedis := phase("without redis (postgres only)", nil, *pgRequests)
	down := phase("redis down (fallback)", dead, *pgRequests)

	fmt.Printf("workload: %d keys, Zipf s=%.2f, %d readers, %d-byte views, %d PostgreSQL queries per load, TTL %s\n",
		*keys, *zipfS, *concurrency, *viewBytes, *queries, cache.TTLRecipe)
	fmt.Println("hit_rate = reads answered by Redis; loads = PostgreSQL loads (concurrent misses of one key share one load)")
	fmt.Printf("%-32s %9s %9s %10s %10s %10s %12s %9s\n", "phase", "requests", "hit_rate", "p50", "p99", "req/s", "redis/req", "loads")
	for _, r := range []result{withRedis, noRedis, down} {
		slices.Sort(r.lat)
		fmt.Printf("%-32s %9d %9.4f %10s %10s %10.0f %12.3f %9d\n", r.name, r.requests, r.hits/float64(r.requests),
			pct(r.lat, 0.50), pct(r.lat, 0.99), float64(r.requests)/r.wall.Seconds(), float64(r.redisCalls)/float64(r.requests), r.loads)
	}
	if h := withRedis.hits / float64(withRedis.requests); h < 0.85 {
		fmt.Printf("hit rate %.4f is under the 0.85 target\n", h)
	}
	return nil
}

func pct(sorted []time.Duration, p float64) string {
	if len(sorted) == 0 {
		return "-"
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(i, 0)].Round(time.Microsecond).String()
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
