package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// CostLedger records AI calls in ai_calls.
type CostLedger struct {
	db        DBTX
	budgetUSD float64
}

var _ kmeme.CostLedger = (*CostLedger)(nil)

// NewCostLedger returns a ledger; budgetUSD is reported in summaries.
func NewCostLedger(db DBTX, budgetUSD float64) *CostLedger {
	return &CostLedger{db: db, budgetUSD: budgetUSD}
}

func optUUID(field string, s *string) (*uuid.UUID, error) {
	if s == nil || *s == "" {
		return nil, nil
	}
	u, err := ParseID(field, *s)
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// Record inserts one call.
func (l *CostLedger) Record(ctx context.Context, e kmeme.CostEntry) error {
	user, err := optUUID("user_id", e.UserID)
	if err != nil {
		return err
	}
	node, err := optUUID("node_id", e.NodeID)
	if err != nil {
		return err
	}
	if e.Provider == "" || e.Model == "" {
		return kmeme.Errorf(kmeme.EINVALID, "a cost entry needs a provider and a model")
	}
	created := e.CreatedAt
	if created.IsZero() {
		created = time.Now()
	}
	_, err = l.db.Exec(ctx, `INSERT INTO ai_calls (provider, model, operation, input_tokens, output_tokens, cost_usd,
			latency_ms, cache_hit, ok, error, user_id, node_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		e.Provider, e.Model, e.Operation, e.InputTokens, e.OutputTokens, e.CostUSD, e.LatencyMS, e.CacheHit, e.OK, e.Error, user, node, created)
	return translate(err, "record ai call")
}

// monthRange parses YYYY-MM into [start, end) in UTC.
func monthRange(month string) (time.Time, time.Time, error) {
	start, err := time.Parse("2006-01", month)
	if err != nil {
		return time.Time{}, time.Time{}, kmeme.FieldError("month", "%q is not a month such as 2026-11", month)
	}
	return start, start.AddDate(0, 1, 0), nil
}

// SpentUSD is the month's total.
func (l *CostLedger) SpentUSD(ctx context.Context, month string) (float64, error) {
	start, end, err := monthRange(month)
	if err != nil {
		return 0, err
	}
	var total float64
	err = l.db.QueryRow(ctx, `SELECT COALESCE(sum(cost_usd), 0)::float8 FROM ai_calls WHERE created_at >= $1 AND created_at < $2`, start, end).Scan(&total)
	return total, translate(err, "sum ai spend")
}

// Summary groups the month's calls by provider and model, and by user.
func (l *CostLedger) Summary(ctx context.Context, month string) (*kmeme.CostSummary, error) {
	start, end, err := monthRange(month)
	if err != nil {
		return nil, err
	}
	s := &kmeme.CostSummary{Month: month, BudgetUSD: l.budgetUSD, ByModel: []kmeme.CostBreakdown{}}
	rows, err := l.db.Query(ctx, `SELECT provider, model, count(*), sum(input_tokens), sum(output_tokens), sum(cost_usd)::float8
		FROM ai_calls WHERE created_at >= $1 AND created_at < $2 GROUP BY provider, model ORDER BY 6 DESC, 1, 2`, start, end)
	if err != nil {
		return nil, translate(err, "summarise ai spend")
	}
	s.ByModel, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (kmeme.CostBreakdown, error) {
		var b kmeme.CostBreakdown
		err := r.Scan(&b.Provider, &b.Model, &b.Calls, &b.InputTokens, &b.OutputTokens, &b.CostUSD)
		return b, err
	})
	if err != nil {
		return nil, translate(err, "summarise ai spend")
	}
	rows, err = l.db.Query(ctx, `SELECT COALESCE(user_id::text, ''), count(*), sum(input_tokens), sum(output_tokens), sum(cost_usd)::float8
		FROM ai_calls WHERE created_at >= $1 AND created_at < $2 GROUP BY user_id ORDER BY 5 DESC, 1 LIMIT 100`, start, end)
	if err != nil {
		return nil, translate(err, "summarise ai spend by user")
	}
	s.ByUser, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (kmeme.CostBreakdown, error) {
		var b kmeme.CostBreakdown
		err := r.Scan(&b.UserID, &b.Calls, &b.InputTokens, &b.OutputTokens, &b.CostUSD)
		return b, err
	})
	if err != nil {
		return nil, translate(err, "summarise ai spend by user")
	}
	for _, b := range s.ByModel {
		s.TotalUSD += b.CostUSD
		s.Calls += b.Calls
	}
	s.LeftUSD = s.BudgetUSD - s.TotalUSD
	if s.LeftUSD < 0 {
		s.LeftUSD = 0
	}
	return s, nil
}

// String is for logs.
func (l *CostLedger) String() string {
	return fmt.Sprintf("postgres cost ledger (budget $%.2f)", l.budgetUSD)
}
