// Package resilience guards calls to paid AI providers: a per-provider
// circuit breaker (trip after repeated failures, timed open state, limited
// half-open probes), retries only on 429/5xx/timeouts with capped
// exponential backoff and full jitter honouring Retry-After, and an overall
// deadline. Clock, sleep and jitter are injected so tests prove the
// schedule without waiting.
//
// The breaker is our own rather than sony/gobreaker: gobreaker reads
// time.Now directly, and the open→half-open timing must be testable with an
// injected clock.
package resilience

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// StatusError is a provider's HTTP failure, translated by an adapter from
// its SDK's error type.
type StatusError struct {
	Provider   string
	Status     int
	RetryAfter time.Duration // from the Retry-After header, 0 when absent
	Err        error
}

// Error implements error.
func (e *StatusError) Error() string {
	return fmt.Sprintf("%s: HTTP %d: %v", e.Provider, e.Status, e.Err)
}

// Unwrap returns the SDK error.
func (e *StatusError) Unwrap() error { return e.Err }

// AnswerError is a provider's answer that arrived whole but cannot be
// used: a refusal, a safety block, a length stop or output that breaks the
// schema. The provider is healthy and would most likely answer the same
// request the same way, so it is neither retried nor a breaker failure;
// the call is billed and recorded all the same.
type AnswerError struct {
	Provider string
	// Kind is "refusal", "safety", "max_tokens", "schema" or "empty".
	Kind   string
	Detail string
}

// Answer kinds.
const (
	AnswerRefusal   = "refusal"
	AnswerSafety    = "safety"
	AnswerMaxTokens = "max_tokens"
	AnswerSchema    = "schema"
	AnswerEmpty     = "empty"
)

// Error implements error.
func (e *AnswerError) Error() string {
	if e.Detail == "" {
		return fmt.Sprintf("%s answer unusable: %s", e.Provider, e.Kind)
	}
	return fmt.Sprintf("%s answer unusable: %s: %s", e.Provider, e.Kind, e.Detail)
}

// ParseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date
// (relative to now). It returns 0 when the header is absent or invalid.
func ParseRetryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		v = strings.TrimSpace(h.Get("retry-after-ms"))
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 {
			return time.Duration(ms * float64(time.Millisecond))
		}
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s <= 0 {
			return 0
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// Class says what an error means for retries and the breaker.
type Class int

// Error classes.
const (
	// Success: no error, or an error that says the provider is healthy
	// (a 400 or 401 is our mistake, not an outage; an AnswerError is a
	// refusal, a safety block, a length stop or a schema violation). Not
	// retried.
	Success Class = iota
	// Transient: 429, 5xx, timeouts, network errors. Retried, and a
	// failure for the breaker.
	Transient
	// Excluded: the caller cancelled. Neither retried nor counted.
	Excluded
)

// Classify sorts an error into a Class.
func Classify(err error) Class {
	if err == nil {
		return Success
	}
	if errors.Is(err, context.Canceled) {
		return Excluded
	}
	var ae *AnswerError
	if errors.As(err, &ae) {
		return Success // the provider answered; asking again buys the same answer
	}
	var se *StatusError
	if errors.As(err, &se) {
		if se.Status == http.StatusTooManyRequests || se.Status == http.StatusRequestTimeout || se.Status >= 500 {
			return Transient
		}
		return Success
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return Transient
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return Transient
	}
	var ke *kmeme.Error
	if errors.As(err, &ke) {
		if ke.Code == kmeme.EUNAVAILABLE || ke.Code == kmeme.ERATELIMIT {
			return Transient
		}
		return Success
	}
	// Unknown errors (malformed output, connection reset wrapped by an SDK)
	// count against the provider.
	return Transient
}

// State is a breaker state.
type State int

// Breaker states.
const (
	Closed State = iota
	Open
	HalfOpen
)

// String names the state.
func (s State) String() string {
	return [...]string{"closed", "open", "half-open"}[s]
}

// BreakerSettings configure a Breaker. Zero fields take the defaults noted.
type BreakerSettings struct {
	Name string
	// Failures is how many consecutive transient failures trip the breaker (default 5).
	Failures int
	// OpenFor is how long the breaker stays open before probing (default 30 s).
	OpenFor time.Duration
	// Probes is how many calls may go through half-open; that many
	// successes close the breaker, one failure reopens it (default 1).
	Probes int
	// Now is the clock (default time.Now).
	Now func() time.Time
	// OnStateChange, when set, hears every transition.
	OnStateChange func(name string, from, to State)
}

// Breaker is a circuit breaker for one provider.
type Breaker struct {
	s         BreakerSettings
	mu        sync.Mutex
	state     State
	failures  int
	openedAt  time.Time
	inFlight  int // half-open probes started
	successes int // half-open probes that succeeded
	trips     int // transitions to open since the breaker was made
}

// ErrOpen is returned (wrapped in a kmeme.Error with EUNAVAILABLE) when
// the breaker rejects a call.
var ErrOpen = errors.New("circuit breaker open")

// NewBreaker returns a closed breaker.
func NewBreaker(s BreakerSettings) *Breaker {
	if s.Failures <= 0 {
		s.Failures = 5
	}
	if s.OpenFor <= 0 {
		s.OpenFor = 30 * time.Second
	}
	if s.Probes <= 0 {
		s.Probes = 1
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	return &Breaker{s: s}
}

// State returns the current state (moving open to half-open when due).
func (b *Breaker) State() State {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tick()
	return b.state
}

// Name is the provider the breaker guards.
func (b *Breaker) Name() string { return b.s.Name }

// Trips counts how often the breaker opened (from closed, or again from
// half-open after a failed probe).
func (b *Breaker) Trips() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.trips
}

func (b *Breaker) tick() {
	if b.state == Open && !b.s.Now().Before(b.openedAt.Add(b.s.OpenFor)) {
		b.set(HalfOpen)
	}
}

func (b *Breaker) set(to State) {
	from := b.state
	if from == to {
		return
	}
	b.state = to
	b.failures, b.inFlight, b.successes = 0, 0, 0
	if to == Open {
		b.openedAt = b.s.Now()
		b.trips++
	}
	if b.s.OnStateChange != nil {
		b.s.OnStateChange(b.s.Name, from, to)
	}
}

// Allow asks to make one call. On success it returns done, which must be
// called with the call's error; otherwise an EUNAVAILABLE error wrapping
// ErrOpen.
func (b *Breaker) Allow() (done func(error), err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tick()
	switch b.state {
	case Open:
		return nil, b.rejected()
	case HalfOpen:
		if b.inFlight >= b.s.Probes {
			return nil, b.rejected()
		}
		b.inFlight++
	}
	gen := b.openedAt
	return func(err error) { b.report(gen, err) }, nil
}

func (b *Breaker) rejected() error {
	left := b.openedAt.Add(b.s.OpenFor).Sub(b.s.Now())
	return &kmeme.Error{
		Code: kmeme.EUNAVAILABLE, Message: fmt.Sprintf("%s is unavailable (circuit open)", b.s.Name),
		RetryAfterS: int(math.Ceil(math.Max(left.Seconds(), 1))), Err: ErrOpen,
	}
}

func (b *Breaker) report(gen time.Time, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !gen.Equal(b.openedAt) {
		return // a call from before the last trip; its news is stale
	}
	switch Classify(err) {
	case Excluded:
		if b.state == HalfOpen && b.inFlight > 0 {
			b.inFlight-- // give the probe slot back
		}
	case Success:
		switch b.state {
		case Closed:
			b.failures = 0
		case HalfOpen:
			b.successes++
			if b.successes >= b.s.Probes {
				b.set(Closed)
			}
		}
	case Transient:
		switch b.state {
		case Closed:
			b.failures++
			if b.failures >= b.s.Failures {
				b.set(Open)
			}
		case HalfOpen:
			b.set(Open)
		}
	}
}

// Retry is a retry policy. Zero fields take the defaults noted.
type Retry struct {
	// Attempts is the most calls made, first included (default 3).
	Attempts int
	// Base is the first backoff ceiling (default 500 ms); it doubles per
	// attempt up to Cap (default 8 s).
	Base, Cap time.Duration
	// MaxRetryAfter: a Retry-After longer than this is not waited for; the
	// call fails at once (default 30 s).
	MaxRetryAfter time.Duration
	// Deadline bounds the whole call, retries included (default 60 s).
	Deadline time.Duration
	// Jitter returns a number in [0,1) (default math/rand/v2).
	Jitter func() float64
	// Sleep waits d or until ctx ends (default a timer).
	Sleep func(ctx context.Context, d time.Duration) error
}

func (r Retry) withDefaults() Retry {
	if r.Attempts <= 0 {
		r.Attempts = 3
	}
	if r.Base <= 0 {
		r.Base = 500 * time.Millisecond
	}
	if r.Cap <= 0 {
		r.Cap = 8 * time.Second
	}
	if r.MaxRetryAfter <= 0 {
		r.MaxRetryAfter = 30 * time.Second
	}
	if r.Deadline <= 0 {
		r.Deadline = 60 * time.Second
	}
	if r.Jitter == nil {
		r.Jitter = rand.Float64
	}
	if r.Sleep == nil {
		r.Sleep = sleepCtx
	}
	return r
}

// Backoff is the wait before retry number n (1-based): full jitter over
// min(Cap, Base·2^(n-1)), but never less than retryAfter.
func (r Retry) Backoff(n int, retryAfter time.Duration) time.Duration {
	r = r.withDefaults()
	ceil := float64(r.Base) * math.Pow(2, float64(n-1))
	ceil = math.Min(ceil, float64(r.Cap))
	d := time.Duration(r.Jitter() * ceil)
	if retryAfter > d {
		d = retryAfter
	}
	return d
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Do runs fn through the breaker with retries under the overall deadline.
// A rejected call (breaker open) returns at once without calling fn.
func Do[T any](ctx context.Context, b *Breaker, r Retry, fn func(ctx context.Context) (T, error)) (T, error) {
	r = r.withDefaults()
	ctx, cancel := context.WithTimeout(ctx, r.Deadline)
	defer cancel()
	var zero T
	var last error
	for n := 1; ; n++ {
		done, err := b.Allow()
		if err != nil {
			if last != nil {
				return zero, fmt.Errorf("%w (after: %v)", err, last)
			}
			return zero, err
		}
		v, err := fn(ctx)
		done(err)
		if err == nil {
			return v, nil
		}
		last = err
		if Classify(err) != Transient || n >= r.Attempts || ctx.Err() != nil {
			return zero, err
		}
		var ra time.Duration
		var se *StatusError
		if errors.As(err, &se) {
			ra = se.RetryAfter
		}
		if ra > r.MaxRetryAfter {
			return zero, err
		}
		if err := r.Sleep(ctx, r.Backoff(n, ra)); err != nil {
			return zero, fmt.Errorf("%w (while retrying: %v)", last, err)
		}
	}
}
