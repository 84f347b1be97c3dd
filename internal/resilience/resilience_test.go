package resilience

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func status(code int, ra time.Duration) error {
	return &StatusError{Provider: "test", Status: code, RetryAfter: ra, Err: errors.New(http.StatusText(code))}
}

func TestBreakerLifecycle(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	var transitions []string
	b := NewBreaker(BreakerSettings{Name: "claude", Failures: 3, OpenFor: 10 * time.Second, Probes: 2, Now: clk.Now,
		OnStateChange: func(_ string, from, to State) { transitions = append(transitions, from.String()+"→"+to.String()) }})
	call := func(err error) error {
		done, aerr := b.Allow()
		if aerr != nil {
			return aerr
		}
		done(err)
		return nil
	}
	// Two failures, a success: the count resets.
	call(status(500, 0))
	call(status(503, 0))
	call(nil)
	if b.State() != Closed {
		t.Fatal("tripped before the threshold")
	}
	// A 400 and a cancelled call are not failures.
	for i := 0; i < 5; i++ {
		call(status(400, 0))
		call(context.Canceled)
	}
	if b.State() != Closed {
		t.Fatal("400s or cancellations tripped the breaker")
	}
	for i := 0; i < 3; i++ {
		call(status(500, 0))
	}
	if b.State() != Open {
		t.Fatalf("state %v after 3 consecutive failures", b.State())
	}
	// Rejected by Allow itself: the call is never made (done is not handed out).
	err := call(nil)
	if kmeme.ErrorCode(err) != kmeme.EUNAVAILABLE || !errors.Is(err, ErrOpen) {
		t.Fatalf("open breaker let a call through: %v", err)
	}
	var ke *kmeme.Error
	if errors.As(err, &ke) && ke.RetryAfterS != 10 {
		t.Errorf("RetryAfterS = %d, want 10", ke.RetryAfterS)
	}
	clk.Advance(9 * time.Second)
	if b.State() != Open {
		t.Fatal("half-open too early")
	}
	clk.Advance(time.Second)
	if b.State() != HalfOpen {
		t.Fatalf("state %v after the open period", b.State())
	}
	// Half-open: only two probes pass.
	d1, e1 := b.Allow()
	d2, e2 := b.Allow()
	_, e3 := b.Allow()
	if e1 != nil || e2 != nil || e3 == nil {
		t.Fatalf("half-open admitted wrong number of probes: %v %v %v", e1, e2, e3)
	}
	d1(nil)
	d2(status(502, 0)) // one failure reopens
	if b.State() != Open {
		t.Fatalf("state %v after a failed probe", b.State())
	}
	clk.Advance(10 * time.Second)
	d1, _ = b.Allow()
	d2, _ = b.Allow()
	d1(nil)
	if b.State() != HalfOpen {
		t.Fatal("closed after one of two probes")
	}
	d2(nil)
	if b.State() != Closed {
		t.Fatalf("state %v after two good probes", b.State())
	}
	want := []string{"closed→open", "open→half-open", "half-open→open", "open→half-open", "half-open→closed"}
	if len(transitions) != len(want) {
		t.Fatalf("transitions %v", transitions)
	}
	for i := range want {
		if transitions[i] != want[i] {
			t.Errorf("transition %d = %s, want %s", i, transitions[i], want[i])
		}
	}
}

func TestBreakerCancelledProbeGivesSlotBack(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{now: time.Unix(0, 0)}
	b := NewBreaker(BreakerSettings{Name: "p", Failures: 1, OpenFor: time.Second, Probes: 1, Now: clk.Now})
	d, _ := b.Allow()
	d(status(500, 0))
	clk.Advance(time.Second)
	d, err := b.Allow()
	if err != nil {
		t.Fatal(err)
	}
	d(context.Canceled)
	if _, err := b.Allow(); err != nil {
		t.Errorf("cancelled probe kept its slot: %v", err)
	}
}

// recorder is an injected sleeper that records waits without waiting.
type recorder struct{ waits []time.Duration }

func (r *recorder) Sleep(_ context.Context, d time.Duration) error {
	r.waits = append(r.waits, d)
	return nil
}

func TestRetrySchedule(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name      string
		errs      []error
		wantCalls int
		wantWaits []time.Duration
		wantErr   bool
	}{
		{"500 then ok", []error{status(500, 0), nil}, 2, []time.Duration{500 * time.Millisecond}, false},
		{"exponential, capped", []error{status(503, 0), status(503, 0), status(503, 0), status(503, 0), nil}, 5,
			[]time.Duration{500 * time.Millisecond, time.Second, 1500 * time.Millisecond, 1500 * time.Millisecond}, false},
		{"retry-after honoured", []error{status(429, 7*time.Second), nil}, 2, []time.Duration{7 * time.Second}, false},
		{"retry-after too long", []error{status(429, time.Hour), nil}, 1, nil, true},
		{"400 not retried", []error{status(400, 0), nil}, 1, nil, true},
		{"401 not retried", []error{status(401, 0), nil}, 1, nil, true},
		{"timeout retried", []error{context.DeadlineExceeded, nil}, 2, []time.Duration{500 * time.Millisecond}, false},
		{"cancel not retried", []error{context.Canceled, nil}, 1, nil, true},
		{"gives up after attempts", []error{status(500, 0), status(500, 0), status(500, 0), status(500, 0), status(500, 0), nil}, 5,
			[]time.Duration{500 * time.Millisecond, time.Second, 1500 * time.Millisecond, 1500 * time.Millisecond}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := &recorder{}
			r := Retry{Attempts: 5, Base: time.Second, Cap: 3 * time.Second, Jitter: func() float64 { return 0.5 }, Sleep: rec.Sleep}
			b := NewBreaker(BreakerSettings{Name: "p", Failures: 100})
			calls := 0
			_, err := Do(context.Background(), b, r, func(context.Context) (int, error) {
				e := c.errs[calls]
				calls++
				return calls, e
			})
			if (err != nil) != c.wantErr {
				t.Fatalf("err = %v", err)
			}
			if calls != c.wantCalls {
				t.Errorf("calls = %d, want %d", calls, c.wantCalls)
			}
			if len(rec.waits) != len(c.wantWaits) {
				t.Fatalf("waits %v, want %v", rec.waits, c.wantWaits)
			}
			for i := range c.wantWaits {
				if rec.waits[i] != c.wantWaits[i] {
					t.Errorf("wait %d = %v, want %v", i, rec.waits[i], c.wantWaits[i])
				}
			}
		})
	}
}

func TestFullJitterRange(t *testing.T) {
	t.Parallel()
	r := Retry{Base: 100 * time.Millisecond, Cap: time.Second}
	for n := 1; n <= 8; n++ {
		ceil := min(time.Duration(100<<(n-1))*time.Millisecond, time.Second)
		for i := 0; i < 50; i++ {
			if d := r.Backoff(n, 0); d < 0 || d >= ceil {
				t.Fatalf("backoff(%d) = %v outside [0,%v)", n, d, ceil)
			}
		}
	}
}

func TestDoStopsWhenBreakerOpens(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	b := NewBreaker(BreakerSettings{Name: "gemini", Failures: 2, Now: (&fakeClock{now: time.Unix(5, 0)}).Now})
	calls := 0
	_, err := Do(context.Background(), b, Retry{Attempts: 10, Sleep: rec.Sleep}, func(context.Context) (int, error) {
		calls++
		return 0, status(500, 0)
	})
	if calls != 2 || !errors.Is(err, ErrOpen) {
		t.Errorf("calls = %d, err = %v; want 2 calls then the breaker's rejection", calls, err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		h    http.Header
		want time.Duration
	}{
		{http.Header{"Retry-After": {"3"}}, 3 * time.Second},
		{http.Header{"Retry-After": {"0.5"}}, 500 * time.Millisecond},
		{http.Header{"Retry-After": {now.Add(20 * time.Second).Format(http.TimeFormat)}}, 20 * time.Second},
		{http.Header{"Retry-After": {"soon"}}, 0},
		{http.Header{"Retry-After": {"-4"}}, 0},
		{http.Header{"Retry-After-Ms": {"250"}}, 250 * time.Millisecond},
		{http.Header{}, 0},
	} {
		if got := ParseRetryAfter(c.h, now); got != c.want {
			t.Errorf("%v: got %v, want %v", c.h, got, c.want)
		}
	}
}

// TestAnswerErrorsNotRetriedNorFailures: a refusal, a safety block, a
// length stop or a schema violation is asked once and leaves the breaker
// closed, however often it happens; a 503 is retried.
func TestAnswerErrorsNotRetriedNorFailures(t *testing.T) {
	t.Parallel()
	b := NewBreaker(BreakerSettings{Name: "p", Failures: 2})
	for _, kind := range []string{AnswerRefusal, AnswerSafety, AnswerMaxTokens, AnswerSchema, AnswerEmpty} {
		for range 3 {
			calls := 0
			_, err := Do(context.Background(), b, Retry{Attempts: 3, Sleep: func(context.Context, time.Duration) error { return nil }},
				func(context.Context) (int, error) {
					calls++
					return 0, fmt.Errorf("wrapped: %w", &AnswerError{Provider: "p", Kind: kind, Detail: "d"})
				})
			var ae *AnswerError
			if calls != 1 || !errors.As(err, &ae) || ae.Kind != kind {
				t.Fatalf("%s: %d calls, err %v", kind, calls, err)
			}
		}
	}
	if b.State() != Closed {
		t.Errorf("answer errors opened the breaker: %v", b.State())
	}
	calls := 0
	Do(context.Background(), b, Retry{Attempts: 3, Sleep: func(context.Context, time.Duration) error { return nil }},
		func(context.Context) (int, error) {
			calls++
			return 0, &StatusError{Provider: "p", Status: 503, Err: errors.New("overloaded")}
		})
	if calls != 2 || b.State() != Open {
		t.Errorf("503: %d calls (breaker trips at 2), state %v", calls, b.State())
	}
}
