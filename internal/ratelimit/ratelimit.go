// Package ratelimit is GCRA (the generic cell rate algorithm) in one Lua
// script in Redis, so that every instance shares exact budgets, with a
// bounded per-instance in-memory fallback for when Redis is down.
//
// Semantics: a budget of Count per Period allows a burst of Count requests
// at once and then one every Period/Count. So 1,000 simultaneous requests
// against 10/s let exactly 10 through; the 11th is allowed 100 ms later.
//
// The script takes the time from the caller (microseconds), so instances
// need synchronised clocks (NTP) and tests can pin the clock.
//
// The fallback is conservative: it never hands out a second budget. Every
// Redis decision is mirrored into the local limiter (the key's theoretical
// arrival time as Redis reported it), so a stall mid-burst leaves locally
// only what Redis had left; and every Redis call carries the local state
// as a floor, so what the fallback allowed while Redis was away is spent
// in Redis too once it answers. A local share below 1 (LocalShare) also
// shrinks the fallback's budget for keys this instance never saw in Redis,
// for deployments with many instances.
package ratelimit

import (
	"context"
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	goredis "github.com/redis/go-redis/v9"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/redis"
)

// Budget is Count requests per Period with a burst of Count.
type Budget struct {
	Count  int
	Period time.Duration
}

func (b Budget) emission() int64 {
	e := b.Period.Microseconds() / int64(b.Count)
	if e < 1 {
		e = 1
	}
	return e
}

// Result is one decision.
type Result struct {
	Allowed    bool
	Limit      int           // the burst
	Remaining  int           // requests still allowed right now
	RetryAfter time.Duration // when denied: until the next request is allowed
	ResetAfter time.Duration // until the budget is full again
	// Local is true when the decision came from the in-memory fallback.
	Local bool
}

// Config configures a Limiter.
type Config struct {
	// Budgets by name: "read", "upload", "remix", "auth".
	Budgets map[string]Budget
	// Timeout bounds each Redis call (default 100ms).
	Timeout time.Duration
	// Backoff is how long Redis is skipped after an error (default 1s).
	Backoff time.Duration
	// LocalKeys bounds the fallback's memory (default 100,000 keys).
	LocalKeys int
	// LocalShare is the fraction of each budget the in-memory fallback
	// grants per instance (default 1; with N instances 1/N keeps the sum
	// within the budget). At least one request per period passes.
	LocalShare float64
	Registerer prometheus.Registerer
	Now        func() time.Time
}

// Limiter decides requests against named budgets.
type Limiter struct {
	rdb   *redis.Client
	c     Config
	local *localGCRA
	down  atomic.Int64

	decisions *prometheus.CounterVec
	errors    prometheus.Counter
}

// New returns a limiter over rdb (nil: local limiter only).
func New(rdb *redis.Client, c Config) *Limiter {
	if c.Timeout <= 0 {
		c.Timeout = 100 * time.Millisecond
	}
	if c.Backoff <= 0 {
		c.Backoff = time.Second
	}
	if c.LocalKeys <= 0 {
		c.LocalKeys = 100000
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.LocalShare <= 0 || c.LocalShare > 1 {
		c.LocalShare = 1
	}
	l := &Limiter{rdb: rdb, c: c, local: &localGCRA{max: c.LocalKeys, tat: map[string]int64{}},
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kmeme_ratelimit_decisions_total",
			Help: "Rate-limit decisions by budget, outcome and store (redis, local, closed)."}, []string{"budget", "outcome", "store"}),
		errors: prometheus.NewCounter(prometheus.CounterOpts{Name: "kmeme_ratelimit_redis_errors_total",
			Help: "Redis errors and timeouts of the rate limiter."}),
	}
	if c.Registerer != nil {
		_ = c.Registerer.Register(l.decisions)
		_ = c.Registerer.Register(l.errors)
	}
	return l
}

// gcraScript: KEYS[1] the key; ARGV burst, emission µs, cost, now µs,
// floor µs (this instance's local TAT: what its fallback allowed).
// The key outlives its theoretical arrival time by a minute so that clock
// skew between instances (and pinned test clocks) cannot reset a budget
// early; a TAT in the past counts as "now".
// Returns {allowed, remaining, retry_after µs, reset_after µs}.
var gcraScript = goredis.NewScript(`
local burst = tonumber(ARGV[1])
local emission = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local floor = tonumber(ARGV[5] or "0")
local tat = tonumber(redis.call("GET", KEYS[1]) or now)
if tat < floor then tat = floor end
if tat < now then tat = now end
local new_tat = tat + emission * cost
local diff = now - (new_tat - emission * burst)
if diff < 0 then
  return {0, 0, -diff, tat - now}
end
redis.call("SET", KEYS[1], string.format("%.0f", new_tat), "PX", math.ceil((new_tat - now) / 1000) + 60000)
return {1, math.floor(diff / emission), 0, new_tat - now}
`)

// Allow spends one request of budget for key (e.g. "u:<id>" or "ip:<addr>").
// When Redis fails: failClosed answers EUNAVAILABLE (paid AI), otherwise the
// local limiter decides (fail open, bounded).
func (l *Limiter) Allow(ctx context.Context, budget, key string, failClosed bool) (Result, error) {
	b, ok := l.c.Budgets[budget]
	if !ok || b.Count <= 0 {
		return Result{Allowed: true, Limit: -1}, nil
	}
	now := l.c.Now().UnixMicro()
	lkey := budget + ":" + key
	if l.rdb != nil && now >= l.down.Load() {
		rctx, cancel := context.WithTimeout(ctx, l.c.Timeout)
		vals, err := gcraScript.Run(rctx, l.rdb.R, []string{l.rdb.Key("rl", budget, key)}, b.Count, b.emission(), 1, now, l.local.floor(lkey)).Int64Slice()
		cancel()
		if err == nil && len(vals) == 4 {
			r := Result{Allowed: vals[0] == 1, Limit: b.Count, Remaining: int(vals[1]),
				RetryAfter: time.Duration(vals[2]) * time.Microsecond, ResetAfter: time.Duration(vals[3]) * time.Microsecond}
			// Remember the spend: the key's TAT is now + reset_after.
			l.local.observe(lkey, now+vals[3], now)
			l.count(budget, r, "redis")
			return r, nil
		}
		// An error or an unexpected reply: count it and fall back locally.
		l.errors.Inc()
		l.down.Store(l.c.Now().Add(l.c.Backoff).UnixMicro())
	}
	if failClosed && l.rdb != nil {
		l.decisions.WithLabelValues(budget, "denied", "closed").Inc()
		return Result{}, &kmeme.Error{Code: kmeme.EUNAVAILABLE, RetryAfterS: int(math.Ceil(l.c.Backoff.Seconds())),
			Message: "this action is paused while a dependency recovers; try again shortly"}
	}
	r := l.local.allow(lkey, l.localBudget(b), now)
	r.Limit = b.Count
	l.count(budget, r, "local")
	return r, nil
}

// localBudget is the fallback's share of b, at the same rate per request
// (so a TAT mirrored from Redis means the same in both).
func (l *Limiter) localBudget(b Budget) Budget {
	if l.c.LocalShare >= 1 || l.rdb == nil { // without Redis the local limiter is the only one
		return b
	}
	n := int(math.Floor(float64(b.Count) * l.c.LocalShare))
	if n < 1 {
		n = 1
	}
	return Budget{Count: n, Period: time.Duration(b.emission()*int64(n)) * time.Microsecond}
}

// Reset clears a key's budget (after a successful sign-in, for instance).
func (l *Limiter) Reset(ctx context.Context, budget, key string) {
	l.local.reset(budget + ":" + key)
	if l.rdb != nil {
		rctx, cancel := context.WithTimeout(ctx, l.c.Timeout)
		defer cancel()
		_ = l.rdb.R.Del(rctx, l.rdb.Key("rl", budget, key)).Err()
	}
}

func (l *Limiter) count(budget string, r Result, store string) {
	outcome := "allowed"
	if !r.Allowed {
		outcome = "denied"
	}
	l.decisions.WithLabelValues(budget, outcome, store).Inc()
}

// localGCRA is the same algorithm in memory, bounded to max keys.
type localGCRA struct {
	mu    sync.Mutex
	max   int
	tat   map[string]int64
	swept int64 // when observe last swept a full map (µs)
}

func (g *localGCRA) allow(key string, b Budget, now int64) Result {
	g.mu.Lock()
	defer g.mu.Unlock()
	em := b.emission()
	tat, ok := g.tat[key]
	if !ok && len(g.tat) >= g.max {
		for k, t := range g.tat {
			if t <= now {
				delete(g.tat, k)
			}
		}
		if len(g.tat) >= g.max {
			// Still full: fail open rather than grow without bound.
			return Result{Allowed: true, Limit: b.Count, Remaining: 0, Local: true}
		}
	}
	if tat < now {
		tat = now
	}
	newTAT := tat + em
	diff := now - (newTAT - em*int64(b.Count))
	if diff < 0 {
		return Result{Allowed: false, Limit: b.Count, RetryAfter: time.Duration(-diff) * time.Microsecond,
			ResetAfter: time.Duration(tat-now) * time.Microsecond, Local: true}
	}
	g.tat[key] = newTAT
	return Result{Allowed: true, Limit: b.Count, Remaining: int(diff / em),
		ResetAfter: time.Duration(newTAT-now) * time.Microsecond, Local: true}
}

// floor is the key's local TAT (0: none).
func (g *localGCRA) floor(key string) int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.tat[key]
}

// observe records a TAT Redis reported for key (never moving it back).
// A full map drops expired entries first and otherwise skips the record.
func (g *localGCRA) observe(key string, tat, now int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	old, ok := g.tat[key]
	if ok && old >= tat {
		return
	}
	if !ok && len(g.tat) >= g.max {
		if now-g.swept < int64(time.Second/time.Microsecond) {
			return // swept less than a second ago: skip, do not scan per request
		}
		g.swept = now
		for k, t := range g.tat {
			if t <= now {
				delete(g.tat, k)
			}
		}
		if len(g.tat) >= g.max {
			return
		}
	}
	g.tat[key] = tat
}

func (g *localGCRA) reset(key string) {
	g.mu.Lock()
	delete(g.tat, key)
	g.mu.Unlock()
}

// Seconds rounds a duration up to whole seconds for headers (at least 1 when positive).
func Seconds(d time.Duration) string {
	if d <= 0 {
		return "0"
	}
	return strconv.FormatInt(int64(math.Ceil(d.Seconds())), 10)
}
