package cache

import (
	"context"
	"errors"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/kmeme-factory/kmeme/internal/redis"
	"github.com/kmeme-factory/kmeme/internal/redis/redistest"
)

func counter(t *testing.T, m *metrics, name string) float64 {
	t.Helper()
	switch name {
	case "hits":
		return testutil.ToFloat64(m.hits.WithLabelValues("t"))
	case "misses":
		return testutil.ToFloat64(m.misses.WithLabelValues("t"))
	case "loads":
		return testutil.ToFloat64(m.loads.WithLabelValues("t"))
	}
	t.Fatalf("no counter %s", name)
	return 0
}

func TestGetOrLoadHitsAfterFirstLoad(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	c := New(redistest.New(t, time.Second), Options{Name: "t", Registerer: reg})
	ctx := context.Background()
	var loads atomic.Int32
	load := func(context.Context) ([]byte, error) { loads.Add(1); return []byte("v1"), nil }
	for i := 0; i < 3; i++ {
		v, err := c.GetOrLoad(ctx, "k", time.Minute, load)
		if err != nil || string(v) != "v1" {
			t.Fatalf("call %d = %q, %v", i, v, err)
		}
	}
	if loads.Load() != 1 {
		t.Errorf("loads = %d, want 1", loads.Load())
	}
	if h, m := counter(t, c.m, "hits"), counter(t, c.m, "misses"); h != 2 || m != 1 {
		t.Errorf("hits %v misses %v, want 2 and 1", h, m)
	}
	// The families are on the registry.
	n, err := testutil.GatherAndCount(reg, "kmeme_cache_hits_total", "kmeme_cache_get_seconds")
	if err != nil || n != 2 {
		t.Errorf("gathered %d families, %v", n, err)
	}
	// TTL is applied.
	ttl := c.rdb.R.PTTL(ctx, c.key("k")).Val()
	if ttl <= 0 || ttl > time.Minute {
		t.Errorf("ttl = %v", ttl)
	}
}

func TestInvalidateForcesReload(t *testing.T) {
	t.Parallel()
	c := New(redistest.New(t, time.Second), Options{Name: "t", Registerer: prometheus.NewRegistry(), Timeout: 5 * time.Second})
	ctx := context.Background()
	n := 0
	load := func(context.Context) ([]byte, error) { n++; return []byte{byte('0' + n)}, nil }
	v1, _ := c.GetOrLoad(ctx, "recipe:1", time.Minute, load)
	if err := c.Invalidate(ctx, "recipe:1", "recipe:other"); err != nil {
		t.Fatal(err)
	}
	v2, _ := c.GetOrLoad(ctx, "recipe:1", time.Minute, load)
	if string(v1) != "1" || string(v2) != "2" {
		t.Fatalf("values %q %q, want 1 then 2", v1, v2)
	}
}

func TestLoaderErrorIsReturnedAndNotCached(t *testing.T) {
	t.Parallel()
	c := New(redistest.New(t, time.Second), Options{Name: "t", Registerer: prometheus.NewRegistry(), Timeout: 5 * time.Second})
	ctx := context.Background()
	boom := errors.New("boom")
	if _, err := c.GetOrLoad(ctx, "k", time.Minute, func(context.Context) ([]byte, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	v, err := c.GetOrLoad(ctx, "k", time.Minute, func(context.Context) ([]byte, error) { return []byte("ok"), nil })
	if err != nil || string(v) != "ok" {
		t.Fatalf("after error: %q, %v", v, err)
	}
	// The lock was released on error: nothing left but the value.
	if c.rdb.R.Exists(ctx, c.key("k")+":lock").Val() != 0 {
		t.Error("lock left behind")
	}
}

// TestStampedeOneLoadAcrossInstances: two instances (two Cache values, as
// two processes would have) and 40 concurrent callers on a cold key → the
// loader runs exactly once. (The Redis timeout is generous: on a timeout the
// cache serves the loader's answer by design, which a busy shared machine
// could otherwise trigger.)
func TestStampedeOneLoadAcrossInstances(t *testing.T) {
	t.Parallel()
	rdb := redistest.New(t, time.Second)
	a := New(rdb, Options{Name: "t", Registerer: prometheus.NewRegistry(), PollEvery: 5 * time.Millisecond, Timeout: 5 * time.Second})
	b := New(rdb, Options{Name: "t", Registerer: prometheus.NewRegistry(), PollEvery: 5 * time.Millisecond, Timeout: 5 * time.Second})
	ctx := context.Background()
	var loads atomic.Int32
	started := make(chan struct{})
	release := make(chan struct{})
	load := func(context.Context) ([]byte, error) {
		if loads.Add(1) == 1 {
			close(started)
		}
		<-release
		return []byte("hot"), nil
	}
	var wg sync.WaitGroup
	results := make(chan string, 40)
	call := func(c *Cache) {
		defer wg.Done()
		v, err := c.GetOrLoad(ctx, "cold", time.Minute, load)
		if err != nil {
			t.Error(err)
		}
		results <- string(v)
	}
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go call(a)
	}
	<-started
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go call(b)
	}
	// Wait until every caller of b has missed (so they really wait on a's lock).
	deadline := time.Now().Add(5 * time.Second)
	for counter(t, b.m, "misses") < 20 && time.Now().Before(deadline) {
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	close(results)
	for v := range results {
		if v != "hot" {
			t.Fatalf("value %q", v)
		}
	}
	if loads.Load() != 1 {
		t.Fatalf("loads = %d, want exactly 1", loads.Load())
	}
}

func TestRedisDownServesLoaderAndCountsOutage(t *testing.T) {
	t.Parallel()
	rdb := redistest.Down(t, 50*time.Millisecond) // nothing listens: Redis is down
	c := New(rdb, Options{Name: "t", Registerer: prometheus.NewRegistry(), Backoff: time.Hour})
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		v, err := c.GetOrLoad(ctx, "k", time.Minute, func(context.Context) ([]byte, error) { return []byte("pg"), nil })
		if err != nil || string(v) != "pg" {
			t.Fatalf("call %d = %q, %v", i, v, err)
		}
	}
	if e := testutil.ToFloat64(c.m.errors.WithLabelValues("t", "get")); e != 1 {
		t.Errorf("get errors = %v, want 1 (then back-off)", e)
	}
	if s := testutil.ToFloat64(c.m.skipped.WithLabelValues("t")); s != 4 {
		t.Errorf("skipped = %v, want 4", s)
	}
	if c.Up() {
		t.Error("Up() during back-off")
	}
	if up := testutil.ToFloat64(c.m.up.WithLabelValues("t")); up != 0 {
		t.Errorf("kmeme_cache_redis_up = %v during the outage", up)
	}
}

func TestSlowRedisIsBoundedByTimeout(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var conns sync.WaitGroup
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() {
				defer conns.Done()
				buf := make([]byte, 1024)
				for {
					if _, err := conn.Read(buf); err != nil {
						return
					}
				}
			}()
		}
	}()
	rdb, err := redis.Open(redis.Config{URL: "redis://" + ln.Addr().String(), Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	c := New(rdb, Options{Name: "t", Timeout: 50 * time.Millisecond, Registerer: prometheus.NewRegistry()})
	start := time.Now()
	v, err := c.GetOrLoad(context.Background(), "k", time.Minute, func(context.Context) ([]byte, error) { return []byte("pg"), nil })
	if err != nil || string(v) != "pg" {
		t.Fatalf("= %q, %v", v, err)
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("took %v with a 50ms bound", el)
	}
}

func TestNilRedisLoadsDirectly(t *testing.T) {
	t.Parallel()
	c := New(nil, Options{Name: "t"})
	v, err := c.GetOrLoad(context.Background(), "k", time.Minute, func(context.Context) ([]byte, error) { return []byte("x"), nil })
	if err != nil || string(v) != "x" {
		t.Fatalf("= %q, %v", v, err)
	}
	if err := c.Invalidate(context.Background(), "k"); err != nil {
		t.Fatal(err)
	}
}

// TestGetSetKeepValuesWithTheirTTL: the kmeme.Cache Get and Set (Gemini's
// answers) share the named keys, counters and TTL of GetOrLoad.
func TestGetSetKeepValuesWithTheirTTL(t *testing.T) {
	t.Parallel()
	c := New(redistest.New(t, time.Second), Options{Name: "t", Registerer: prometheus.NewRegistry(), Timeout: 5 * time.Second})
	ctx := context.Background()
	if v, ok, err := c.Get(ctx, "answer"); err != nil || ok || v != nil {
		t.Fatalf("Get of a missing key = %q, %v, %v", v, ok, err)
	}
	if err := c.Set(ctx, "answer", []byte(`{"format":"dance"}`), time.Minute); err != nil {
		t.Fatal(err)
	}
	v, ok, err := c.Get(ctx, "answer")
	if err != nil || !ok || string(v) != `{"format":"dance"}` {
		t.Fatalf("Get after Set = %q, %v, %v", v, ok, err)
	}
	if ttl := c.rdb.R.PTTL(ctx, c.key("answer")).Val(); ttl <= 0 || ttl > time.Minute {
		t.Errorf("ttl = %v", ttl)
	}
	// GetOrLoad finds what Set stored without loading.
	if v, err := c.GetOrLoad(ctx, "answer", time.Minute, func(context.Context) ([]byte, error) {
		return nil, errors.New("loaded although the value was cached")
	}); err != nil || string(v) != `{"format":"dance"}` {
		t.Fatalf("GetOrLoad after Set = %q, %v", v, err)
	}
	if h, m := counter(t, c.m, "hits"), counter(t, c.m, "misses"); h != 2 || m != 1 {
		t.Errorf("hits %v misses %v, want 2 and 1", h, m)
	}
	if err := c.Invalidate(ctx, "answer"); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := c.Get(ctx, "answer"); err != nil || ok {
		t.Errorf("Get after Invalidate = %v, %v", ok, err)
	}
}

// TestGetSetReportRedisErrors: Get and Set return the outage (Gemini logs
// it) and then skip Redis for the back-off.
func TestGetSetReportRedisErrors(t *testing.T) {
	t.Parallel()
	rdb := redistest.Down(t, 50*time.Millisecond) // nothing listens: Redis is down
	c := New(rdb, Options{Name: "t", Registerer: prometheus.NewRegistry(), Backoff: time.Hour})
	ctx := context.Background()
	if _, ok, err := c.Get(ctx, "k"); err == nil || ok {
		t.Fatalf("Get with Redis down = %v, %v; want an error", ok, err)
	}
	if _, ok, err := c.Get(ctx, "k"); err != nil || ok {
		t.Errorf("Get during the back-off = %v, %v; want a plain miss", ok, err)
	}
	if err := c.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Errorf("Set during the back-off = %v; want nothing done", err)
	}
	if e := testutil.ToFloat64(c.m.errors.WithLabelValues("t", "get")); e != 1 {
		t.Errorf("get errors = %v, want 1", e)
	}
}
