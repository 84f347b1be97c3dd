package ratelimit

import (
	"context"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/redis"
	"github.com/kmeme-factory/kmeme/internal/redis/redistest"
)

// clock is a settable test clock.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *clock) now() time.Time      { return time.Unix(0, c.ns.Load()) }
func (c *clock) add(d time.Duration) { c.ns.Add(int64(d)) }

// TestThousandConcurrentAgainstTenPerSecond: 1,000 concurrent requests from
// one user at one instant against 10/s (burst 10) → exactly 10 pass; after
// 100 ms exactly one more; after a full second the burst is back.
func TestThousandConcurrentAgainstTenPerSecond(t *testing.T) {
	t.Parallel()
	for _, store := range []string{"redis", "local"} {
		t.Run(store, func(t *testing.T) {
			clk := newClock()
			var rdb *redis.Client
			if store == "redis" {
				rdb = redistest.New(t, 2*time.Second)
			}
			l := New(rdb, Config{Budgets: map[string]Budget{"read": {10, time.Second}}, Timeout: 2 * time.Second, Now: clk.now})
			ctx := context.Background()
			var allowed, denied atomic.Int32
			var badDenial atomic.Value
			var wg sync.WaitGroup
			for i := 0; i < 1000; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r, err := l.Allow(ctx, "read", "u:alice", false)
					if err != nil {
						t.Error(err)
						return
					}
					if r.Local != (store == "local") {
						t.Error("wrong store")
					}
					if r.Allowed {
						allowed.Add(1)
						return
					}
					denied.Add(1)
					if r.RetryAfter <= 0 || r.RetryAfter > 100*time.Millisecond || r.Limit != 10 || r.Remaining != 0 {
						badDenial.Store(r)
					}
				}()
			}
			wg.Wait()
			if allowed.Load() != 10 || denied.Load() != 990 {
				t.Fatalf("allowed %d denied %d, want exactly 10 and 990", allowed.Load(), denied.Load())
			}
			if v := badDenial.Load(); v != nil {
				t.Errorf("denial without a usable retry-after: %+v", v)
			}
			clk.add(100 * time.Millisecond)
			if r, _ := l.Allow(ctx, "read", "u:alice", false); !r.Allowed {
				t.Error("one request should pass after one emission interval")
			}
			if r, _ := l.Allow(ctx, "read", "u:alice", false); r.Allowed {
				t.Error("only one request per 100ms after the burst")
			}
			// Another key has its own budget.
			if r, _ := l.Allow(ctx, "read", "ip:10.0.0.1", false); !r.Allowed || r.Remaining != 9 {
				t.Errorf("other key = %+v", r)
			}
			clk.add(2 * time.Second)
			if r, _ := l.Allow(ctx, "read", "u:alice", false); !r.Allowed || r.Remaining != 9 {
				t.Errorf("after 2s = %+v, want allowed with 9 left", r)
			}
		})
	}
}

func TestRedisDownFallsBackOrFailsClosed(t *testing.T) {
	t.Parallel()
	rdb := redistest.Down(t, 50*time.Millisecond) // nothing listens: Redis is down
	clk := newClock()
	l := New(rdb, Config{Budgets: map[string]Budget{"remix": {3, time.Minute}}, Now: clk.now})
	ctx := context.Background()
	if _, err := l.Allow(ctx, "remix", "u:bob", true); kmeme.ErrorCode(err) != kmeme.EUNAVAILABLE {
		t.Fatalf("paid route with Redis down: err = %v, want unavailable", err)
	}
	n := 0
	for i := 0; i < 10; i++ {
		r, err := l.Allow(ctx, "remix", "u:bob", false)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Local {
			t.Fatal("decision not local while Redis is down")
		}
		if r.Allowed {
			n++
		}
	}
	if n != 3 {
		t.Fatalf("local fallback allowed %d, want the burst of 3", n)
	}
}

func TestLocalLimiterIsBounded(t *testing.T) {
	t.Parallel()
	g := &localGCRA{max: 100, tat: map[string]int64{}}
	b := Budget{1, time.Hour}
	for i := 0; i < 1000; i++ {
		g.allow(string(rune('a'+i%26))+string(rune(i)), b, 1)
	}
	if len(g.tat) > 100 {
		t.Fatalf("map grew to %d keys, bound 100", len(g.tat))
	}
}

func TestUnknownBudgetIsUnlimited(t *testing.T) {
	t.Parallel()
	l := New(nil, Config{})
	if r, err := l.Allow(context.Background(), "nope", "k", true); err != nil || !r.Allowed {
		t.Fatalf("= %+v, %v", r, err)
	}
}

// TestSlowRedisIsBoundedByTimeout: a Redis that accepts and never answers
// costs one timeout, then the local limiter decides without waiting.
func TestSlowRedisIsBoundedByTimeout(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { _, _ = io.Copy(io.Discard, c) }()
		}
	}()
	rdb, err := redis.Open(redis.Config{URL: "redis://" + ln.Addr().String(), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	l := New(rdb, Config{Budgets: map[string]Budget{"read": {5, time.Minute}}, Timeout: 50 * time.Millisecond, Backoff: time.Hour})
	start := time.Now()
	for i := 0; i < 20; i++ {
		if _, err := l.Allow(context.Background(), "read", "u:slow", false); err != nil {
			t.Fatal(err)
		}
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Fatalf("20 decisions took %v with a 50ms bound", el)
	}
}
