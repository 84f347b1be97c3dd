package postgres_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/postgres/pgtest"
)

func TestCostLedgerSummarisesAMonth(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := postgres.NewCostLedger(pgtest.Tx(t), 81)
	nov := time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC)
	entries := []kmeme.CostEntry{
		{Provider: "gemini", Model: "gemini-flash", InputTokens: 2000, OutputTokens: 100, CostUSD: 0.00015, OK: true, CreatedAt: nov},
		{Provider: "gemini", Model: "gemini-flash", InputTokens: 1000, CostUSD: 0.000075, OK: true, CreatedAt: nov},
		{Provider: "claude", Model: "claude-sonnet", InputTokens: 1500, OutputTokens: 800, CostUSD: 0.0165, OK: true, CreatedAt: nov},
		{Provider: "claude", Model: "claude-sonnet", CostUSD: 5, CreatedAt: nov.AddDate(0, 1, 0)}, // December
	}
	for _, e := range entries {
		if err := l.Record(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	spent, err := l.SpentUSD(ctx, "2026-11")
	if err != nil || math.Abs(spent-0.016725) > 1e-9 {
		t.Fatalf("spent = %v, %v", spent, err)
	}
	s, err := l.Summary(ctx, "2026-11")
	if err != nil {
		t.Fatal(err)
	}
	if s.Calls != 3 || len(s.ByModel) != 2 || s.ByModel[0].Provider != "claude" || s.ByModel[1].InputTokens != 3000 {
		t.Errorf("summary = %+v", s)
	}
	if math.Abs(s.LeftUSD-(81-0.016725)) > 1e-9 || len(s.ByUser) != 1 {
		t.Errorf("left = %v, by user %v", s.LeftUSD, s.ByUser)
	}
	if _, err := l.Summary(ctx, "November"); kmeme.ErrorCode(err) != kmeme.EINVALID {
		t.Errorf("bad month: %v", err)
	}
	if err := l.Record(ctx, kmeme.CostEntry{Model: "x"}); kmeme.ErrorCode(err) != kmeme.EINVALID {
		t.Errorf("entry without provider: %v", err)
	}
	bad := "not-a-uuid"
	if err := l.Record(ctx, kmeme.CostEntry{Provider: "p", Model: "m", UserID: &bad}); kmeme.ErrorCode(err) != kmeme.EINVALID {
		t.Errorf("bad user id: %v", err)
	}
}
