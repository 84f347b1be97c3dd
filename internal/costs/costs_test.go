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

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigFromEnv(t *testing.T) {
	t.Parallel()
	c, err := ConfigFromEnv(envOf(map[string]string{"HOME": "/home/u"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.BudgetUSD != 81 || c.GeminiModel != DefaultGeminiModel || c.ClaudeModel != DefaultClaudeModel ||
		c.ClaudePrice.InputPerM != 3 || c.GeminiPrice.InputPerM != 0.075 || c.GeminiAPIKey != "" || c.Timeout != 60*time.Second {
		t.Errorf("defaults: %+v", c)
	}
	if c.LedgerPath != "/home/u/.local/share/kmeme/costs.jsonl" {
		t.Errorf("ledger path %s", c.LedgerPath)
	}
	c, err = ConfigFromEnv(envOf(map[string]string{
		"GEMINI_API_KEY": "g1", "KMEME_GEMINI_API_KEY": "g2", "ANTHROPIC_API_KEY": "a1",
		"KMEME_CLAUDE_MODEL": "claude-x", "KMEME_CLAUDE_PRICE_OUT_PER_M": "10", "KMEME_AI_BUDGET_USD": "5.5",
		"KMEME_COST_LEDGER": "/tmp/l.jsonl", "KMEME_AI_TIMEOUT": "2s", "KMEME_CLAUDE_BASE_URL": "http://127.0.0.1:9",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.GeminiAPIKey != "g2" || c.ClaudeAPIKey != "a1" || c.ClaudeModel != "claude-x" || c.ClaudePrice.OutputPerM != 10 ||
		c.BudgetUSD != 5.5 || c.LedgerPath != "/tmp/l.jsonl" || c.Timeout != 2*time.Second || c.ClaudeBaseURL != "http://127.0.0.1:9" {
		t.Errorf("overrides: %+v", c)
	}
	for _, bad := range []map[string]string{
		{"KMEME_AI_BUDGET_USD": "lots"}, {"KMEME_GEMINI_PRICE_IN_PER_M": "-1"}, {"KMEME_AI_TIMEOUT": "soon"},
	} {
		_, err := ConfigFromEnv(envOf(bad))
		var name string
		for k := range bad {
			name = k
		}
		if kmeme.ErrorCode(err) != kmeme.EINVALID || !contains(err.Error(), name) {
			t.Errorf("%v: err = %v, want EINVALID naming %s", bad, err, name)
		}
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
	claude := Price{3, 15}
	usd, err := m.Record(ctx, Call{Provider: kmeme.ProviderClaude, Model: "sonnet", Operation: "plan", Price: claude,
		InputTokens: 1500, OutputTokens: 1000, Latency: 1200 * time.Millisecond, UserID: &u})
	if err != nil {
		t.Fatal(err)
	}
	if want := (1500*3.0 + 1000*15.0) / 1e6; math.Abs(usd-want) > 1e-12 {
		t.Errorf("usd = %v, want %v", usd, want)
	}
	m.Record(ctx, Call{Provider: kmeme.ProviderGemini, Model: "flash", Price: Price{0.075, 0.3}, InputTokens: 2000, OutputTokens: 200})
	m.Record(ctx, Call{Provider: kmeme.ProviderGemini, Model: "flash", Price: Price{0.075, 0.3}, InputTokens: 2000, OutputTokens: 200, CacheHit: true})
	m.Record(ctx, Call{Provider: kmeme.ProviderClaude, Model: "sonnet", Price: claude, Err: errors.New("HTTP 500")})
	// An entry from last month does not count.
	old := &Meter{Ledger: l, Now: func() time.Time { return now.AddDate(0, -1, 0) }}
	old.Record(ctx, Call{Provider: kmeme.ProviderClaude, Model: "sonnet", Price: claude, InputTokens: 1e6})
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
