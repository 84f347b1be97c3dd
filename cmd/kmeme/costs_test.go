package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/costs"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

func TestCostsCommand(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "costs.jsonl")
	l := costs.NewFileLedger(path, 81)
	at := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	l.Record(context.Background(), kmeme.CostEntry{Provider: "claude", Model: "claude-sonnet-4-5", InputTokens: 1500, OutputTokens: 900, CostUSD: 0.018, CreatedAt: at})
	l.Record(context.Background(), kmeme.CostEntry{Provider: "gemini", Model: "gemini-2.5-flash", InputTokens: 2000, CostUSD: 0.00015, CreatedAt: at})
	e, out, _ := testEnv(map[string]string{"KMEME_AI_BUDGET_USD": "10"})
	if err := cmdCosts(context.Background(), e, []string{"--month", "2026-11", "--ledger", path}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"2026-11", "$0.0181 of $10.00", "2 calls", "claude-sonnet-4-5", "gemini-2.5-flash"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	e, out, _ = testEnv(nil)
	if err := cmdCosts(context.Background(), e, []string{"--month", "2026-12", "--ledger", path, "--json"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"calls": 0`) {
		t.Errorf("empty month JSON: %s", out.String())
	}
	for _, bad := range [][]string{{"--month", "11/2026"}, {"extra"}, {"--nope"}} {
		e, _, _ := testEnv(nil)
		if err := cmdCosts(context.Background(), e, bad); err == nil {
			t.Errorf("%v: no error", bad)
		} else if _, ok := err.(usageError); !ok {
			t.Errorf("%v: %v is not a usage error", bad, err)
		}
	}
}
