package resilience

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// expect renders the two series families for one provider.
func expect(provider, state string, trips int) string {
	var b strings.Builder
	b.WriteString("# HELP kmeme_ai_breaker_state AI provider circuit breaker state in this process: 1 for the current state (closed, half-open, open), 0 for the others.\n")
	b.WriteString("# TYPE kmeme_ai_breaker_state gauge\n")
	for _, s := range []string{"closed", "half-open", "open"} {
		v := "0"
		if s == state {
			v = "1"
		}
		b.WriteString(`kmeme_ai_breaker_state{provider="` + provider + `",state="` + s + `"} ` + v + "\n")
	}
	b.WriteString("# HELP kmeme_ai_breaker_trips_total Times the provider's circuit breaker opened in this process (a failed half-open probe reopens it and counts again).\n")
	b.WriteString("# TYPE kmeme_ai_breaker_trips_total counter\n")
	b.WriteString(`kmeme_ai_breaker_trips_total{provider="` + provider + `"} ` + string(rune('0'+trips)) + "\n")
	return b.String()
}

func TestBreakersExportStateAndTrips(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	bs := NewBreakers()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(bs)
	if n, err := testutil.GatherAndCount(reg); err != nil || n != 0 {
		t.Fatalf("empty set: %d series, %v", n, err)
	}
	b := bs.Breaker(BreakerSettings{Name: "gemini", Failures: 2, OpenFor: time.Minute, Now: clk.Now})
	if again := bs.Breaker(BreakerSettings{Name: "gemini"}); again != b {
		t.Fatal("a second Breaker call for the same provider made another breaker")
	}
	check := func(state string, trips int) {
		t.Helper()
		if err := testutil.GatherAndCompare(reg, strings.NewReader(expect("gemini", state, trips)),
			"kmeme_ai_breaker_state", "kmeme_ai_breaker_trips_total"); err != nil {
			t.Error(err)
		}
	}
	fail := func() {
		done, err := b.Allow()
		if err != nil {
			t.Fatalf("Allow: %v", err)
		}
		done(status(503, 0))
	}
	check("closed", 0)
	fail()
	check("closed", 0)
	fail()
	check("open", 1)
	// OpenFor passes with no call: the scrape itself sees half-open.
	clk.Advance(time.Minute)
	check("half-open", 1)
	fail() // the probe fails: open again, a second trip
	check("open", 2)
	clk.Advance(time.Minute)
	done, err := b.Allow()
	if err != nil {
		t.Fatal(err)
	}
	done(nil)
	check("closed", 2)

	// A second provider gets its own series.
	bs.Breaker(BreakerSettings{Name: "claude"})
	if n := testutil.CollectAndCount(bs, "kmeme_ai_breaker_state"); n != 6 {
		t.Errorf("%d state series for two providers, want 6", n)
	}
}

func TestNilBreakersMakesPlainBreakers(t *testing.T) {
	t.Parallel()
	var bs *Breakers
	a, b := bs.Breaker(BreakerSettings{Name: "x"}), bs.Breaker(BreakerSettings{Name: "x"})
	if a == nil || a == b {
		t.Fatalf("nil set: %p %p", a, b)
	}
}
