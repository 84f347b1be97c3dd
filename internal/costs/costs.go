// Package costs prices AI calls, keeps the monthly budget and records every
// provider call in a ledger (a JSONL file for the CLI; the service uses the
// PostgreSQL ledger behind the same kmeme.CostLedger interface).
package costs

import (
	"context"
	"fmt"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// DefaultCacheTTL is how long a Gemini answer is reused.
const DefaultCacheTTL = 24 * time.Hour

// Month is the ledger month (UTC) of t, "YYYY-MM".
func Month(t time.Time) string { return t.UTC().Format("2006-01") }

// Budget stops paid calls once the month's spend reaches the ceiling. It
// fails closed: when the ledger cannot answer, no paid call is made.
type Budget struct {
	Ledger    kmeme.CostLedger
	BudgetUSD float64
	Now       func() time.Time
}

// Allow returns nil when a paid call may be made now, or EQUOTA.
func (b *Budget) Allow(ctx context.Context) error {
	now := time.Now
	if b.Now != nil {
		now = b.Now
	}
	m := Month(now())
	spent, err := b.Ledger.SpentUSD(ctx, m)
	if err != nil {
		return &kmeme.Error{Code: kmeme.EUNAVAILABLE, Message: "cost ledger unavailable; paid AI calls stopped", Err: err}
	}
	if spent >= b.BudgetUSD {
		return kmeme.Errorf(kmeme.EQUOTA, "monthly AI budget spent ($%.2f of $%.2f in %s)", spent, b.BudgetUSD, m)
	}
	return nil
}

// Meter records provider calls at configured prices.
type Meter struct {
	Ledger kmeme.CostLedger
	Now    func() time.Time
}

// Call is one provider call to record.
type Call struct {
	Provider, Model, Operation string
	Price                      Price
	Usage                      Usage
	Latency                    time.Duration
	CacheHit                   bool
	Err                        error
	UserID                     *string
}

// Record writes the call to the ledger and returns its cost in USD.
func (m *Meter) Record(ctx context.Context, c Call) (float64, error) {
	usd := 0.0
	if !c.CacheHit {
		usd = c.Price.Cost(c.Usage)
	}
	now := time.Now
	if m.Now != nil {
		now = m.Now
	}
	e := kmeme.CostEntry{
		Provider: c.Provider, Model: c.Model, Operation: c.Operation,
		InputTokens: c.Usage.InputTokens, OutputTokens: c.Usage.OutputTokens, CostUSD: usd,
		LatencyMS: c.Latency.Milliseconds(), CacheHit: c.CacheHit, OK: c.Err == nil,
		UserID: c.UserID, CreatedAt: now().UTC(),
	}
	if c.Err != nil {
		e.Error = truncate(c.Err.Error(), 300)
	}
	if m.Ledger == nil {
		return usd, nil
	}
	if err := m.Ledger.Record(ctx, e); err != nil {
		return usd, fmt.Errorf("record %s call: %w", c.Provider, err)
	}
	return usd, nil
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
