package kmeme

import (
	"context"
	"time"
)

// AI providers that are costed.
const (
	ProviderLocal  = "local"
	ProviderGemini = "gemini"
	ProviderClaude = "claude"
)

// CostEntry is one provider call in the cost ledger.
type CostEntry struct {
	ID           int64     `json:"id,omitempty"`
	Provider     string    `json:"provider"`
	Model        string    `json:"model"`
	Operation    string    `json:"operation"` // e.g. "analyze", "plan"
	InputTokens  int64     `json:"input_tokens"`
	OutputTokens int64     `json:"output_tokens"`
	CostUSD      float64   `json:"cost_usd"`
	LatencyMS    int64     `json:"latency_ms"`
	CacheHit     bool      `json:"cache_hit"`
	OK           bool      `json:"ok"`
	Error        string    `json:"error,omitempty"`
	UserID       *string   `json:"user_id,omitempty"`
	NodeID       *string   `json:"node_id,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
}

// CostSummary is spend grouped for one month.
type CostSummary struct {
	Month     string          `json:"month"` // YYYY-MM
	TotalUSD  float64         `json:"total_usd"`
	BudgetUSD float64         `json:"budget_usd"`
	LeftUSD   float64         `json:"left_usd"`
	Calls     int64           `json:"calls"`
	ByModel   []CostBreakdown `json:"by_model"`
	ByUser    []CostBreakdown `json:"by_user,omitempty"`
}

// CostBreakdown is one row of a summary.
type CostBreakdown struct {
	Provider     string  `json:"provider,omitempty"`
	Model        string  `json:"model,omitempty"`
	UserID       string  `json:"user_id,omitempty"`
	Calls        int64   `json:"calls"`
	InputTokens  int64   `json:"input_tokens"`
	OutputTokens int64   `json:"output_tokens"`
	CostUSD      float64 `json:"cost_usd"`
}

// CostLedger records provider calls and answers how much was spent. The CLI
// uses a file-backed ledger; the service uses PostgreSQL.
type CostLedger interface {
	Record(ctx context.Context, e CostEntry) error
	// SpentUSD is the month's total so far (month is YYYY-MM).
	SpentUSD(ctx context.Context, month string) (float64, error)
	Summary(ctx context.Context, month string) (*CostSummary, error)
}
