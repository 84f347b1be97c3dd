package costs

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// TestPriceTable: the defaults are current models with prices, a retired
// model says what replaces it, and cached, cache-written and audio tokens
// are priced apart from plain input.
func TestPriceTable(t *testing.T) {
	t.Parallel()
	for _, id := range []string{DefaultGeminiModel, DefaultClaudeModel} {
		provider := kmeme.ProviderGemini
		if id == DefaultClaudeModel {
			provider = kmeme.ProviderClaude
		}
		m, ok := LookupModel(provider, id)
		if !ok || m.Lifecycle != Active || m.Price.InputPerM <= 0 || m.Price.OutputPerM <= m.Price.InputPerM {
			t.Errorf("default %s: %+v, %v", id, m, ok)
		}
	}
	for _, id := range []string{"claude-sonnet-4-5", "gemini-2.5-flash"} {
		provider := kmeme.ProviderClaude
		if id[0] == 'g' {
			provider = kmeme.ProviderGemini
		}
		m, ok := LookupModel(provider, id)
		if !ok || m.Lifecycle != Retired {
			t.Fatalf("%s should be listed as retired: %+v", id, m)
		}
		if err := RetiredError("KMEME_X_MODEL", m); !contains(err.Error(), "KMEME_X_MODEL="+id) || !contains(err.Error(), m.Replacement) {
			t.Errorf("retired error: %v", err)
		}
	}
	g, _ := LookupModel(kmeme.ProviderGemini, "gemini-3.8-flash")
	// 10,000 prompt tokens of which 2,000 cached and 3,000 audio; 1,000
	// output of which 400 thinking.
	got := g.Price.Cost(Usage{InputTokens: 10000, CachedTokens: 2000, AudioTokens: 3000, OutputTokens: 1000, ThinkingTokens: 400})
	want := (5000*0.75 + 2000*0.075 + 3000*0.75 + 1000*3.75) / 1e6
	if math.Abs(got-want) > 1e-12 {
		t.Errorf("gemini cost %v, want %v", got, want)
	}
	c, _ := LookupModel(kmeme.ProviderClaude, "claude-sonnet-5-5")
	got = c.Price.Cost(Usage{InputTokens: 10000, CachedTokens: 4000, CacheWriteTokens: 1000, OutputTokens: 2000})
	want = (5000*2 + 4000*0.20 + 1000*2.50 + 2000*10) / 1e6
	if math.Abs(got-want) > 1e-12 {
		t.Errorf("claude cost %v, want %v", got, want)
	}
	if (Price{InputPerM: 1, OutputPerM: 2}).Cost(Usage{InputTokens: 100, CachedTokens: 50, AudioTokens: 50}) != 100*1/1e6 {
		t.Error("a price without cached/audio rates must bill them as plain input")
	}
}

func contains(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && indexOf(s, sub) >= 0)
}
func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestMeterAndLedger(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "sub", "costs.jsonl")
	l := NewFileLedger(path, 81)
	now := time.Date(2026, 11, 27, 5, 0, 0, 0, time.UTC)
	m := &Meter{Ledger: l, Now: func() time.Time { return now }}
	ctx := context.Background()
	u := "user-1"
	claude := Price{InputPerM: 3, OutputPerM: 15}
	usd, err := m.Record(ctx, Call{Provider: kmeme.ProviderClaude, Model: "sonnet", Operation: "plan", Price: claude,
		Usage: Usage{InputTokens: 1500, OutputTokens: 1000}, Latency: 1200 * time.Millisecond, UserID: &u})
	if err != nil {
		t.Fatal(err)
	}
	if want := (1500*3.0 + 1000*15.0) / 1e6; math.Abs(usd-want) > 1e-12 {
		t.Errorf("usd = %v, want %v", usd, want)
	}
	m.Record(ctx, Call{Provider: kmeme.ProviderGemini, Model: "flash", Price: Price{InputPerM: 0.075, OutputPerM: 0.3}, Usage: Usage{InputTokens: 2000, OutputTokens: 200}})
	m.Record(ctx, Call{Provider: kmeme.ProviderGemini, Model: "flash", Price: Price{InputPerM: 0.075, OutputPerM: 0.3}, Usage: Usage{InputTokens: 2000, OutputTokens: 200}, CacheHit: true})
	m.Record(ctx, Call{Provider: kmeme.ProviderClaude, Model: "sonnet", Price: claude, Err: errors.New("HTTP 500")})
	// An entry from last month does not count.
	old := &Meter{Ledger: l, Now: func() time.Time { return now.AddDate(0, -1, 0) }}
	old.Record(ctx, Call{Provider: kmeme.ProviderClaude, Model: "sonnet", Price: claude, Usage: Usage{InputTokens: 1e6}})
	// A torn line is skipped.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("{\"provider\":\"cla")
	f.Close()
	l.Record(ctx, kmeme.CostEntry{Provider: "x", Model: "y", CreatedAt: now}) // must not be glued to the torn line
	s, err := l.Summary(ctx, "2026-11")
	if err != nil {
		t.Fatal(err)
	}
	wantTotal := (1500*3.0+1000*15.0)/1e6 + (2000*0.075+200*0.3)/1e6
	if s.Calls != 5 || math.Abs(s.TotalUSD-wantTotal) > 1e-12 {
		t.Errorf("summary calls %d total %v, want 5 and %v", s.Calls, s.TotalUSD, wantTotal)
	}
	if len(s.ByModel) != 3 || s.ByModel[0].Provider != kmeme.ProviderClaude || s.ByModel[0].Calls != 2 || s.ByModel[1].InputTokens != 4000 {
		t.Errorf("by model %+v", s.ByModel)
	}
	if len(s.ByUser) != 1 || s.ByUser[0].UserID != u {
		t.Errorf("by user %+v", s.ByUser)
	}
	if math.Abs(s.LeftUSD-(81-wantTotal)) > 1e-9 {
		t.Errorf("left %v", s.LeftUSD)
	}
	spent, _ := l.SpentUSD(ctx, "2026-10")
	if spent != 3 {
		t.Errorf("October spend %v, want 3", spent)
	}
}

func TestLedgerConcurrentAppends(t *testing.T) {
	t.Parallel()
	l := NewFileLedger(filepath.Join(t.TempDir(), "c.jsonl"), 81)
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.Record(context.Background(), kmeme.CostEntry{Provider: "p", CostUSD: 0.25, CreatedAt: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)})
		}()
	}
	wg.Wait()
	if s, _ := l.SpentUSD(context.Background(), "2026-01"); s != 10 {
		t.Errorf("spent %v, want 10", s)
	}
}

type brokenLedger struct{ kmeme.CostLedger }

func (brokenLedger) SpentUSD(context.Context, string) (float64, error) {
	return 0, errors.New("disk gone")
}

func TestBudget(t *testing.T) {
	t.Parallel()
	l := NewFileLedger(filepath.Join(t.TempDir(), "b.jsonl"), 1)
	now := time.Date(2026, 3, 31, 23, 59, 0, 0, time.UTC)
	b := &Budget{Ledger: l, BudgetUSD: 1, Now: func() time.Time { return now }}
	ctx := context.Background()
	if err := b.Allow(ctx); err != nil {
		t.Fatal(err)
	}
	l.Record(ctx, kmeme.CostEntry{CostUSD: 0.6, CreatedAt: now})
	if err := b.Allow(ctx); err != nil {
		t.Fatalf("under budget: %v", err)
	}
	l.Record(ctx, kmeme.CostEntry{CostUSD: 0.4, CreatedAt: now})
	if err := b.Allow(ctx); kmeme.ErrorCode(err) != kmeme.EQUOTA {
		t.Fatalf("at budget: %v, want EQUOTA", err)
	}
	// A new month starts fresh.
	now = now.Add(2 * time.Minute)
	if err := b.Allow(ctx); err != nil {
		t.Errorf("new month: %v", err)
	}
	// Fails closed when the ledger cannot answer.
	bb := &Budget{Ledger: brokenLedger{}, BudgetUSD: 100}
	if err := bb.Allow(ctx); err == nil {
		t.Error("broken ledger allowed a paid call")
	}
}
