// Package quota is the daily remix quota: spending is one atomic Redis
// operation on quota:{user}:{day} (the day in the user's zone, default
// Asia/Seoul), and a write-behind flusher moves the deltas into a
// PostgreSQL ledger. Each flush carries an id recorded in the same
// transaction as the ledger change, and the id stays pending in Redis until
// acknowledged, so a crash between the ledger write and the acknowledgement
// replays the same id and never double-counts. When Redis loses a counter
// it is rebuilt from the ledger and the day's remixes.
package quota

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	goredis "github.com/redis/go-redis/v9"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/lifecycle"
	"github.com/kmeme-factory/kmeme/internal/redis"
)

// Store is the PostgreSQL side (postgres.QuotaStore).
type Store interface {
	QuotaUser(ctx context.Context, userID string) (*kmeme.QuotaUser, error)
	LedgerUsed(ctx context.Context, userID, day string) (int64, error)
	CountRemixesSince(ctx context.Context, userID string, t time.Time) (int64, error)
	ApplyFlush(ctx context.Context, flushID, userID, day string, delta int64) (bool, error)
}

// Config configures the service.
type Config struct {
	// Plans maps plan name to remixes per day; unknown plans use "free".
	Plans map[string]int64
	// Zone is the default day boundary (default Asia/Seoul).
	Zone string
	// FlushEvery is the write-behind interval (default 10s).
	FlushEvery time.Duration
	// Timeout bounds each Redis call (default 200ms).
	Timeout time.Duration
	// Backoff is how long Redis is skipped after an error (default 1s).
	Backoff    time.Duration
	Log        *slog.Logger
	Registerer prometheus.Registerer
	Now        func() time.Time
}

// Status is a user's quota today.
type Status struct {
	Plan     string    `json:"plan"`
	Limit    int64     `json:"limit"`
	Used     int64     `json:"used"`
	Left     int64     `json:"left"`
	Day      string    `json:"day"`
	ResetsAt time.Time `json:"resets_at"`
}

// Service spends, refunds and reports quotas and flushes them to PostgreSQL.
type Service struct {
	rdb   *redis.Client
	store Store
	c     Config
	zone  *time.Location

	// afterLedger runs between the ledger write and the Redis
	// acknowledgement (tests inject a crash here).
	afterLedger func() error

	// down is when (unix nanos) Redis may be tried again after an error,
	// so that an outage does not cost a dial timeout on every request.
	down atomic.Int64

	mu      sync.Mutex
	flusher *lifecycle.Periodic // from Start

	spends  *prometheus.CounterVec
	flushed prometheus.Counter
}

// New returns the service.
func New(rdb *redis.Client, store Store, c Config) (*Service, error) {
	if c.Zone == "" {
		c.Zone = "Asia/Seoul"
	}
	zone, err := time.LoadLocation(c.Zone)
	if err != nil {
		return nil, fmt.Errorf("quota zone %q: %w", c.Zone, err)
	}
	if c.FlushEvery <= 0 {
		c.FlushEvery = 10 * time.Second
	}
	if c.Timeout <= 0 {
		c.Timeout = 200 * time.Millisecond
	}
	if c.Backoff <= 0 {
		c.Backoff = time.Second
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	s := &Service{rdb: rdb, store: store, c: c, zone: zone,
		spends: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kmeme_quota_spends_total",
			Help: "Quota spend attempts by outcome (accepted, exceeded, unavailable)."}, []string{"outcome"}),
		flushed: prometheus.NewCounter(prometheus.CounterOpts{Name: "kmeme_quota_flushes_total",
			Help: "Quota deltas written to the PostgreSQL ledger."}),
	}
	if c.Registerer != nil {
		_ = c.Registerer.Register(s.spends)
		_ = c.Registerer.Register(s.flushed)
	}
	return s, nil
}

// Day returns the user's day (YYYY-MM-DD), its start and the next reset.
func (s *Service) Day(zone string, now time.Time) (day string, start, next time.Time) {
	loc := s.zone
	if zone != "" {
		if l, err := time.LoadLocation(zone); err == nil {
			loc = l
		}
	}
	t := now.In(loc)
	start = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	next = start.AddDate(0, 0, 1)
	return start.Format("2006-01-02"), start, next
}

func (s *Service) limit(u *kmeme.QuotaUser) int64 {
	if u.Override != nil {
		return *u.Override
	}
	if n, ok := s.c.Plans[u.Plan]; ok {
		return n
	}
	return s.c.Plans["free"]
}

func (s *Service) key(userID, day string) string { return s.rdb.Key("quota", userID, day) }
func (s *Service) dirtyKey() string              { return s.rdb.Key("quota", "dirty") }

// keyTTL keeps a day's counter long enough to be flushed after midnight.
const keyTTL = 3 * 24 * time.Hour

// spendScript: KEYS[1] counter hash, KEYS[2] dirty set; ARGV n, limit, member.
// Returns {-2} when the counter is missing (rebuild), {0, used} when over
// the limit, {1, used} when spent.
var spendScript = goredis.NewScript(`
if redis.call("EXISTS", KEYS[1]) == 0 then return {-2, 0} end
local used = tonumber(redis.call("HGET", KEYS[1], "used") or "0")
local n = tonumber(ARGV[1])
if n > 0 and used + n > tonumber(ARGV[2]) then return {0, used} end
if n < 0 and used + n < 0 then n = -used end
used = redis.call("HINCRBY", KEYS[1], "used", n)
redis.call("SADD", KEYS[2], ARGV[3])
return {1, used}
`)

// initScript: KEYS[1] counter; ARGV used, flushed, ttl ms. First writer wins.
var initScript = goredis.NewScript(`
if redis.call("EXISTS", KEYS[1]) == 1 then return 0 end
redis.call("HSET", KEYS[1], "used", ARGV[1], "flushed", ARGV[2])
redis.call("PEXPIRE", KEYS[1], ARGV[3])
return 1
`)

// Spend takes n units of today's quota, atomically: under any concurrency
// exactly limit units are accepted. Over the limit is EQUOTA; Redis down is
// EUNAVAILABLE (quotas guard paid work, so they fail closed).
func (s *Service) Spend(ctx context.Context, userID string, n int64) (Status, error) {
	c, err := s.Prepare(ctx, userID)
	if err != nil {
		return c.Status(), err
	}
	return c.Spend(ctx, n)
}

// Charge is a spend prepared ahead: the user's plan and day are read and
// today's counter exists, so that Spend touches Redis only. A caller that
// spends inside a PostgreSQL transaction prepares first, so that the
// spend never waits for a second pooled connection.
type Charge struct {
	s    *Service
	user string
	st   Status
}

// Status is the quota as prepared (Used is not yet known).
func (c *Charge) Status() Status {
	if c == nil {
		return Status{}
	}
	return c.st
}

// Prepare reads what a spend needs from PostgreSQL and makes sure today's
// counter is in Redis (rebuilding it from the ledger when it is missing).
func (s *Service) Prepare(ctx context.Context, userID string) (*Charge, error) {
	u, err := s.store.QuotaUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	day, _, next := s.Day(u.TimeZone, s.c.Now())
	c := &Charge{s: s, user: userID, st: Status{Plan: u.Plan, Limit: s.limit(u), Day: day, ResetsAt: next}}
	if _, err := s.run(ctx, userID, day, 0, c.st.Limit, true); err != nil {
		s.spends.WithLabelValues("unavailable").Inc()
		return c, err
	}
	return c, nil
}

// Spend takes n units of the prepared day's quota (Redis only; a counter
// that vanished since Prepare is EUNAVAILABLE, to be retried).
func (c *Charge) Spend(ctx context.Context, n int64) (Status, error) {
	s, st := c.s, c.st
	res, err := s.run(ctx, c.user, st.Day, n, st.Limit, false)
	if err != nil {
		s.spends.WithLabelValues("unavailable").Inc()
		return st, err
	}
	st.Used = res[1]
	st.Left = max(st.Limit-st.Used, 0)
	if res[0] == 0 {
		s.spends.WithLabelValues("exceeded").Inc()
		return st, &kmeme.Error{Code: kmeme.EQUOTA, RetryAfterS: int(st.ResetsAt.Sub(s.c.Now()).Seconds()) + 1,
			Message: fmt.Sprintf("today's quota of %d remixes is spent; it resets at %s", st.Limit, st.ResetsAt.Format(time.RFC3339))}
	}
	s.spends.WithLabelValues("accepted").Inc()
	return st, nil
}

// Refund gives n units back to the day they were spent on (a failed or
// replayed request).
func (s *Service) Refund(ctx context.Context, userID, day string, n int64) error {
	_, err := s.run(ctx, userID, day, -n, 0, true)
	return err
}

// Status reports today's quota without spending.
func (s *Service) Status(ctx context.Context, userID string) (Status, error) {
	u, err := s.store.QuotaUser(ctx, userID)
	if err != nil {
		return Status{}, err
	}
	day, start, next := s.Day(u.TimeZone, s.c.Now())
	st := Status{Plan: u.Plan, Limit: s.limit(u), Day: day, ResetsAt: next}
	used, err := int64(0), errRedisSkipped
	if s.redisUp() {
		ctx2, cancel := context.WithTimeout(ctx, s.c.Timeout)
		used, err = s.rdb.R.HGet(ctx2, s.key(userID, day), "used").Int64()
		cancel()
		if err != nil && !errors.Is(err, goredis.Nil) {
			s.redisFailed()
		}
	}
	if err != nil {
		// Missing or Redis down: answer from PostgreSQL.
		l, lerr := s.store.LedgerUsed(ctx, userID, day)
		c, cerr := s.store.CountRemixesSince(ctx, userID, start)
		if lerr != nil || cerr != nil {
			return st, errors.Join(lerr, cerr)
		}
		used = max(l, c)
	}
	st.Used = used
	st.Left = max(st.Limit-used, 0)
	return st, nil
}

var errRedisSkipped = errors.New("redis skipped after a recent error")

func (s *Service) redisUp() bool { return time.Now().UnixNano() >= s.down.Load() }
func (s *Service) redisFailed()  { s.down.Store(time.Now().Add(s.c.Backoff).UnixNano()) }

// run spends n (negative: refunds) on the day's counter; a missing
// counter is rebuilt from PostgreSQL when rebuild is set.
func (s *Service) run(ctx context.Context, userID, day string, n, limit int64, rebuild bool) ([]int64, error) {
	if !s.redisUp() {
		return nil, unavailable(errRedisSkipped)
	}
	member := userID + "|" + day
	for attempt := 0; attempt < 2; attempt++ {
		rctx, cancel := context.WithTimeout(ctx, s.c.Timeout)
		res, err := spendScript.Run(rctx, s.rdb.R, []string{s.key(userID, day), s.dirtyKey()}, n, limit, member).Int64Slice()
		cancel()
		if err != nil {
			s.redisFailed()
			return nil, unavailable(err)
		}
		if res[0] != -2 {
			return res, nil
		}
		if !rebuild {
			return nil, unavailable(fmt.Errorf("quota counter for %s vanished since it was prepared", day))
		}
		if err := s.rebuild(ctx, userID, day); err != nil {
			return nil, err
		}
	}
	return nil, unavailable(fmt.Errorf("quota counter for %s vanished twice", day))
}

// rebuild recreates a lost counter from the ledger and the day's remixes.
func (s *Service) rebuild(ctx context.Context, userID, day string) error {
	start, err := time.ParseInLocation("2006-01-02", day, s.zone)
	if err != nil {
		return fmt.Errorf("quota day %q: %w", day, err)
	}
	if u, err := s.store.QuotaUser(ctx, userID); err == nil && u.TimeZone != "" {
		if loc, err := time.LoadLocation(u.TimeZone); err == nil {
			start, _ = time.ParseInLocation("2006-01-02", day, loc)
		}
	}
	ledger, err := s.store.LedgerUsed(ctx, userID, day)
	if err != nil {
		return fmt.Errorf("rebuild quota: %w", err)
	}
	nodes, err := s.store.CountRemixesSince(ctx, userID, start)
	if err != nil {
		return fmt.Errorf("rebuild quota: %w", err)
	}
	rctx, cancel := context.WithTimeout(ctx, s.c.Timeout)
	defer cancel()
	if err := initScript.Run(rctx, s.rdb.R, []string{s.key(userID, day)}, max(ledger, nodes), ledger, keyTTL.Milliseconds()).Err(); err != nil {
		return unavailable(err)
	}
	return nil
}

func unavailable(err error) error {
	return &kmeme.Error{Code: kmeme.EUNAVAILABLE, RetryAfterS: 2, Message: "quotas cannot be checked right now; try again shortly",
		Err: fmt.Errorf("quota: %w", err)}
}

// prepareScript: KEYS[1] counter, KEYS[2] dirty; ARGV member, new flush id.
// Returns {} when nothing is to flush, else {flush id, delta, used}: a
// pending flush is returned again until acknowledged.
var prepareScript = goredis.NewScript(`
if redis.call("EXISTS", KEYS[1]) == 0 then redis.call("SREM", KEYS[2], ARGV[1]) return {} end
local pid = redis.call("HGET", KEYS[1], "pid")
if pid then return {pid, redis.call("HGET", KEYS[1], "pd")} end
local used = tonumber(redis.call("HGET", KEYS[1], "used") or "0")
local flushed = tonumber(redis.call("HGET", KEYS[1], "flushed") or "0")
local d = used - flushed
if d == 0 then redis.call("SREM", KEYS[2], ARGV[1]) return {} end
redis.call("HSET", KEYS[1], "pid", ARGV[2], "pd", d)
return {ARGV[2], tostring(d)}
`)

// ackScript: KEYS[1] counter, KEYS[2] dirty; ARGV member, flush id.
var ackScript = goredis.NewScript(`
if redis.call("HGET", KEYS[1], "pid") ~= ARGV[2] then return 0 end
local d = tonumber(redis.call("HGET", KEYS[1], "pd"))
local flushed = redis.call("HINCRBY", KEYS[1], "flushed", d)
redis.call("HDEL", KEYS[1], "pid", "pd")
if tonumber(redis.call("HGET", KEYS[1], "used") or "0") == flushed then redis.call("SREM", KEYS[2], ARGV[1]) end
return 1
`)

// Flush moves every dirty counter's delta into the ledger once.
func (s *Service) Flush(ctx context.Context) error {
	rctx, cancel := context.WithTimeout(ctx, s.c.Timeout)
	members, err := s.rdb.R.SMembers(rctx, s.dirtyKey()).Result()
	cancel()
	if err != nil {
		return unavailable(err)
	}
	var errs []error
	for _, m := range members {
		if err := s.flushOne(ctx, m); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (s *Service) flushOne(ctx context.Context, member string) error {
	userID, day, ok := strings.Cut(member, "|")
	if !ok {
		return nil
	}
	keys := []string{s.key(userID, day), s.dirtyKey()}
	rctx, cancel := context.WithTimeout(ctx, s.c.Timeout)
	res, err := prepareScript.Run(rctx, s.rdb.R, keys, member, newFlushID()).StringSlice()
	cancel()
	if err != nil {
		return unavailable(err)
	}
	if len(res) != 2 {
		return nil
	}
	id := res[0]
	var delta int64
	if _, err := fmt.Sscan(res[1], &delta); err != nil {
		return fmt.Errorf("quota flush %s: bad delta %q", id, res[1])
	}
	applied, err := s.store.ApplyFlush(ctx, id, userID, day, delta)
	if err != nil {
		return fmt.Errorf("quota flush %s: %w", id, err)
	}
	if applied {
		s.flushed.Inc()
	}
	if s.afterLedger != nil {
		if err := s.afterLedger(); err != nil {
			return err
		}
	}
	rctx, cancel = context.WithTimeout(ctx, s.c.Timeout)
	defer cancel()
	if err := ackScript.Run(rctx, s.rdb.R, keys, member, id).Err(); err != nil {
		return unavailable(err)
	}
	return nil
}

func newFlushID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Start runs the flusher every FlushEvery until Stop (or until ctx ends).
// It is an error to start the flusher twice.
func (s *Service) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.flusher != nil {
		return lifecycle.ErrStarted
	}
	s.flusher = &lifecycle.Periodic{Every: s.c.FlushEvery, Task: func(ctx context.Context) {
		if err := s.Flush(ctx); err != nil {
			s.c.Log.Warn("quota flush failed", "err", err.Error())
		}
	}}
	return s.flusher.Start(ctx)
}

// Stop stops the flusher, waiting for a running flush, and then flushes
// once more (for at most 5 s) so that no spend is left only in Redis. A
// failed last flush is logged: the next start's flusher writes it.
func (s *Service) Stop(ctx context.Context) error {
	s.mu.Lock()
	f := s.flusher
	s.mu.Unlock()
	if f == nil {
		return nil
	}
	err := f.Stop(ctx)
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if ferr := s.Flush(fctx); ferr != nil {
		s.c.Log.Warn("final quota flush failed", "err", ferr.Error())
	}
	return err
}
