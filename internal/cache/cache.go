// Package cache is cache-aside over Redis with stampede protection.
//
// GetOrLoad answers from Redis when the key is there; otherwise exactly one
// computation per key runs: in-process callers share it through
// singleflight, and across instances a short Redis lock (SET NX PX) lets one
// instance load while the others poll for the value, bounded by the lock's
// lifetime. Every Redis call has a bounded timeout. When Redis fails or is
// slow the loader's answer is served, the error is counted, and Redis is
// skipped for a short back-off so that an outage does not add a timeout to
// every request. Nothing durable lives only in the cache.
package cache

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	goredis "github.com/redis/go-redis/v9"
	"golang.org/x/sync/singleflight"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/redis"
)

// Default TTLs from the specification.
const (
	TTLAnalysis = 24 * time.Hour // analyses, by content hash
	TTLRecipe   = time.Hour      // recipe views, invalidated on change
	TTLSimilar  = time.Hour      // similar-node results
)

// Options configures one named cache.
type Options struct {
	// Name labels the metrics ("analysis", "recipe", "similar").
	Name string
	// Timeout bounds each Redis call (default 100ms).
	Timeout time.Duration
	// LockTTL is how long one instance may hold the load lock for a key
	// before others stop waiting and load themselves (default 5s).
	LockTTL time.Duration
	// PollEvery is how often a waiting instance looks for the value (default 20ms).
	PollEvery time.Duration
	// Backoff is how long Redis is skipped after an error (default 1s).
	Backoff time.Duration
	// Registerer receives the metrics; nil means no metrics are exported.
	Registerer prometheus.Registerer
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Cache is one named cache-aside cache.
type Cache struct {
	rdb  *redis.Client
	opt  Options
	sf   singleflight.Group
	m    *metrics
	down atomic.Int64 // unix nanos until which Redis is skipped
}

// New returns a cache named opt.Name over rdb. rdb may be nil: every call
// then loads directly (a deployment without Redis).
func New(rdb *redis.Client, opt Options) *Cache {
	if opt.Name == "" {
		opt.Name = "default"
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 100 * time.Millisecond
	}
	if opt.LockTTL <= 0 {
		opt.LockTTL = 5 * time.Second
	}
	if opt.PollEvery <= 0 {
		opt.PollEvery = 20 * time.Millisecond
	}
	if opt.Backoff <= 0 {
		opt.Backoff = time.Second
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Cache{rdb: rdb, opt: opt, m: metricsFor(opt.Registerer)}
}

var _ kmeme.Cache = (*Cache)(nil)

// Name is the cache's metric label.
func (c *Cache) Name() string { return c.opt.Name }

// GetOrLoad returns the cached value of key, or runs load once (per key,
// across callers and instances), stores its answer for ttl and returns it.
// Loader errors are returned and not cached. Redis errors never fail the
// call: the loader's answer is served and the outage counted.
func (c *Cache) GetOrLoad(ctx context.Context, key string, ttl time.Duration, load func(context.Context) ([]byte, error)) ([]byte, error) {
	start := c.opt.Now()
	defer func() { c.m.latency.WithLabelValues(c.opt.Name).Observe(c.opt.Now().Sub(start).Seconds()) }()
	if v, ok := c.get(ctx, key); ok {
		c.m.hits.WithLabelValues(c.opt.Name).Inc()
		return v, nil
	}
	c.m.misses.WithLabelValues(c.opt.Name).Inc()
	ch := c.sf.DoChan(key, func() (any, error) {
		// The shared load must not die with the first caller's context.
		lctx := context.WithoutCancel(ctx)
		return c.loadOnce(lctx, key, ttl, load)
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.([]byte), nil
	case <-ctx.Done():
		return nil, fmt.Errorf("cache %s: wait for %s: %w", c.opt.Name, key, ctx.Err())
	}
}

// loadOnce runs under singleflight: take the cross-instance lock, or wait
// for the holder's value, then load and store.
func (c *Cache) loadOnce(ctx context.Context, key string, ttl time.Duration, load func(context.Context) ([]byte, error)) ([]byte, error) {
	token, locked := c.lock(ctx, key)
	if !locked && c.usable() {
		// Another instance is loading: poll for its value until its lock expires.
		deadline := c.opt.Now().Add(c.opt.LockTTL)
		t := time.NewTicker(c.opt.PollEvery)
		defer t.Stop()
		for c.opt.Now().Before(deadline) && c.usable() {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-t.C:
			}
			if v, ok := c.get(ctx, key); ok {
				c.m.waitHits.WithLabelValues(c.opt.Name).Inc()
				return v, nil
			}
			if token, locked = c.lock(ctx, key); locked {
				break
			}
		}
	}
	if locked {
		// Double-check: the previous holder may have stored the value
		// between our miss and our lock.
		if v, ok := c.get(ctx, key); ok {
			c.unlock(ctx, key, token, locked)
			return v, nil
		}
	}
	c.m.loads.WithLabelValues(c.opt.Name).Inc()
	v, err := load(ctx)
	if err != nil {
		c.unlock(ctx, key, token, locked)
		return nil, fmt.Errorf("cache %s: load %s: %w", c.opt.Name, key, err)
	}
	if v == nil {
		v = []byte{}
	}
	c.set(ctx, key, v, ttl)
	c.unlock(ctx, key, token, locked)
	return v, nil
}

// Get returns key's value and whether Redis had it (counted as a hit or a
// miss). During an error back-off Redis is not asked and Get reports a
// miss; a Redis error is returned (and starts the back-off).
func (c *Cache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if !c.usable() {
		c.m.skipped.WithLabelValues(c.opt.Name).Inc()
		c.m.misses.WithLabelValues(c.opt.Name).Inc()
		return nil, false, nil
	}
	v, ok, err := c.read(ctx, key)
	if err != nil {
		return nil, false, fmt.Errorf("cache %s: get %s: %w", c.opt.Name, key, err)
	}
	if ok {
		c.m.hits.WithLabelValues(c.opt.Name).Inc()
	} else {
		c.m.misses.WithLabelValues(c.opt.Name).Inc()
	}
	return v, ok, nil
}

// Set keeps val under key for ttl. During an error back-off it does
// nothing; a Redis error is returned (and starts the back-off).
func (c *Cache) Set(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	if err := c.write(ctx, key, val, ttl); err != nil {
		return fmt.Errorf("cache %s: set %s: %w", c.opt.Name, key, err)
	}
	return nil
}

// Invalidate deletes keys (after a change, so the next read reloads).
// A Redis failure is returned so that callers can log it; the TTL bounds
// how long a stale value can live.
func (c *Cache) Invalidate(ctx context.Context, keys ...string) error {
	if c.rdb == nil || len(keys) == 0 {
		return nil
	}
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = c.key(k)
	}
	ctx, cancel := context.WithTimeout(ctx, c.opt.Timeout)
	defer cancel()
	if err := c.rdb.R.Del(ctx, full...).Err(); err != nil {
		c.fail("del", err)
		return fmt.Errorf("cache %s: invalidate: %w", c.opt.Name, err)
	}
	c.m.invalidations.WithLabelValues(c.opt.Name).Add(float64(len(keys)))
	return nil
}

// Up reports whether Redis is currently used (false during an error back-off).
func (c *Cache) Up() bool { return c.rdb != nil && c.usable() }

func (c *Cache) key(k string) string { return c.rdb.Key("cache", c.opt.Name, k) }

func (c *Cache) usable() bool {
	return c.rdb != nil && c.opt.Now().UnixNano() >= c.down.Load()
}

func (c *Cache) fail(op string, err error) {
	c.m.errors.WithLabelValues(c.opt.Name, op).Inc()
	c.m.up.WithLabelValues(c.opt.Name).Set(0)
	c.down.Store(c.opt.Now().Add(c.opt.Backoff).UnixNano())
}

func (c *Cache) get(ctx context.Context, key string) ([]byte, bool) {
	if !c.usable() {
		c.m.skipped.WithLabelValues(c.opt.Name).Inc()
		return nil, false
	}
	v, ok, _ := c.read(ctx, key)
	return v, ok
}

// read asks Redis for key; an error is counted and starts the back-off.
func (c *Cache) read(ctx context.Context, key string) ([]byte, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opt.Timeout)
	defer cancel()
	v, err := c.rdb.R.Get(ctx, c.key(key)).Bytes()
	if err == nil || errors.Is(err, goredis.Nil) {
		c.m.up.WithLabelValues(c.opt.Name).Set(1)
	}
	if errors.Is(err, goredis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		c.fail("get", err)
		return nil, false, err
	}
	return v, true, nil
}

func (c *Cache) set(ctx context.Context, key string, v []byte, ttl time.Duration) {
	_ = c.write(ctx, key, v, ttl) // counted; the loaded value is served anyway
}

// write stores v under key unless Redis is in its back-off; an error is
// counted and starts the back-off.
func (c *Cache) write(ctx context.Context, key string, v []byte, ttl time.Duration) error {
	if !c.usable() {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, c.opt.Timeout)
	defer cancel()
	if err := c.rdb.R.Set(ctx, c.key(key), v, ttl).Err(); err != nil {
		c.fail("set", err)
		return err
	}
	return nil
}

func (c *Cache) lock(ctx context.Context, key string) (string, bool) {
	if !c.usable() {
		return "", false
	}
	token := newToken()
	ctx, cancel := context.WithTimeout(ctx, c.opt.Timeout)
	defer cancel()
	ok, err := c.rdb.R.SetNX(ctx, c.key(key)+":lock", token, c.opt.LockTTL).Result()
	if err != nil {
		c.fail("lock", err)
		return "", false
	}
	return token, ok
}

// unlockScript deletes the lock only if this caller still holds it.
var unlockScript = goredis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`)

func (c *Cache) unlock(ctx context.Context, key, token string, locked bool) {
	if !locked || !c.usable() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, c.opt.Timeout)
	defer cancel()
	if err := unlockScript.Run(ctx, c.rdb.R, []string{c.key(key) + ":lock"}, token).Err(); err != nil && !errors.Is(err, goredis.Nil) {
		c.fail("unlock", err)
	}
}

func newToken() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

type metrics struct {
	hits, misses, loads, waitHits, skipped, invalidations *prometheus.CounterVec
	errors                                                *prometheus.CounterVec
	latency                                               *prometheus.HistogramVec
	up                                                    *prometheus.GaugeVec
}

var (
	metricsMu   sync.Mutex
	metricsByRg = map[prometheus.Registerer]*metrics{}
)

// metricsFor returns one set of collectors per registerer, so that several
// named caches share the same metric families.
func metricsFor(reg prometheus.Registerer) *metrics {
	metricsMu.Lock()
	defer metricsMu.Unlock()
	if m, ok := metricsByRg[reg]; ok {
		return m
	}
	cv := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kmeme_cache_" + name, Help: help}, labels)
	}
	m := &metrics{
		hits:          cv("hits_total", "Cache-aside reads answered from Redis.", "cache"),
		misses:        cv("misses_total", "Cache-aside reads not found in Redis (or Redis skipped).", "cache"),
		loads:         cv("loads_total", "Loader runs after a miss (one per key under stampede protection).", "cache"),
		waitHits:      cv("wait_hits_total", "Misses answered by another instance's load while waiting on its lock.", "cache"),
		skipped:       cv("redis_skipped_total", "Reads that skipped Redis during an error back-off.", "cache"),
		invalidations: cv("invalidations_total", "Keys invalidated.", "cache"),
		errors:        cv("errors_total", "Redis errors and timeouts by operation.", "cache", "op"),
		up: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "kmeme_cache_redis_up",
			Help: "1 while the cache uses Redis, 0 during an error back-off (reads then go to PostgreSQL)."}, []string{"cache"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "kmeme_cache_get_seconds",
			Help:    "GetOrLoad latency, hits and loads together.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}}, []string{"cache"}),
	}
	if reg != nil {
		for _, col := range []prometheus.Collector{m.hits, m.misses, m.loads, m.waitHits, m.skipped, m.invalidations, m.errors, m.latency, m.up} {
			_ = reg.Register(col) // a second registry holding the same names is the caller's choice
		}
	}
	metricsByRg[reg] = m
	return m
}
