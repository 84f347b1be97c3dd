package ratelimit

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/redis"
	"github.com/kmeme-factory/kmeme/internal/redis/redistest"
)

// redisPID asks a Redis server for its process id.
func redisPID(t *testing.T, rdb *redis.Client) int {
	t.Helper()
	info, err := rdb.R.Info(context.Background(), "server").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "process_id:"); ok {
			pid, err := strconv.Atoi(v)
			if err != nil {
				t.Fatal(err)
			}
			return pid
		}
	}
	t.Fatal("no process_id in INFO server")
	return 0
}

// TestStalledRedisGivesNoSecondBudget: a budget of 10; 4 spent through
// Redis; Redis stalls (SIGSTOP) while 200 concurrent requests arrive, then
// resumes and 200 more arrive. Across Redis, the stall and the recovery at
// most 10 pass: the local fallback starts from the spend Redis reported
// and hands its own spend back to Redis when it answers again.
func TestStalledRedisGivesNoSecondBudget(t *testing.T) {
	t.Parallel()
	url, _ := redistest.StartServer(t)
	rdb, err := redis.Open(redis.Config{URL: url, Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	pid := redisPID(t, rdb)
	resumed := false
	resume := func() {
		if !resumed {
			resumed = true
			_ = syscall.Kill(pid, syscall.SIGCONT)
		}
	}
	t.Cleanup(resume)
	clk := newClock()
	l := New(rdb, Config{Budgets: map[string]Budget{"auth": {10, time.Minute}}, Timeout: 200 * time.Millisecond, Backoff: time.Second, Now: clk.now})
	ctx := context.Background()
	var allowed atomic.Int64
	for i := 0; i < 4; i++ {
		r, err := l.Allow(ctx, "auth", "ip:203.0.113.9", false)
		if err != nil || !r.Allowed || r.Local {
			t.Fatalf("request %d before the stall: %+v %v", i, r, err)
		}
		allowed.Add(1)
	}
	burst := func() (n, local int64) {
		var wg sync.WaitGroup
		var nl atomic.Int64
		var na atomic.Int64
		for i := 0; i < 200; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := l.Allow(ctx, "auth", "ip:203.0.113.9", false)
				if err != nil {
					t.Error(err)
					return
				}
				if r.Local {
					nl.Add(1)
				}
				if r.Allowed {
					na.Add(1)
				}
			}()
		}
		wg.Wait()
		return na.Load(), nl.Load()
	}
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	stalled, stalledLocal := burst()
	resume()
	if stalledLocal == 0 {
		t.Fatal("no local decision while Redis was stopped")
	}
	if stalled == 0 {
		t.Error("the fallback let nothing through while budget remained (it must fail open, bounded)")
	}
	allowed.Add(stalled)
	// Redis answers again once the backoff has passed.
	clk.add(1100 * time.Millisecond)
	deadline := time.Now().Add(10 * time.Second)
	for rdb.R.Ping(ctx).Err() != nil {
		if time.Now().After(deadline) {
			t.Fatal("redis did not come back after SIGCONT")
		}
		time.Sleep(20 * time.Millisecond) // waiting for a resumed process; no signal to wait on
	}
	after, afterLocal := burst()
	if afterLocal == 200 {
		t.Error("every decision after the recovery was local")
	}
	allowed.Add(after)
	t.Logf("budget 10: 4 through Redis, %d of 200 during the stall (%d decided locally), %d of 200 after (%d locally)", stalled, stalledLocal, after, afterLocal)
	if n := allowed.Load(); n > 10 {
		t.Fatalf("%d requests passed a budget of 10 (4 before, %d during the stall, %d after)", n, stalled, after)
	}
}

// TestLocalShareShrinksTheFallback: with a share of 0.25 the fallback
// grants a quarter of the burst to a key it never saw in Redis.
func TestLocalShareShrinksTheFallback(t *testing.T) {
	t.Parallel()
	rdb := redistest.Down(t, 50*time.Millisecond) // nothing listens: Redis is down
	l := New(rdb, Config{Budgets: map[string]Budget{"auth": {10, time.Minute}}, LocalShare: 0.25, Now: newClock().now})
	n := 0
	for i := 0; i < 20; i++ {
		if r, _ := l.Allow(context.Background(), "auth", "ip:x", false); r.Allowed {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("a share of 0.25 of 10 let %d through, want 2", n)
	}
}
