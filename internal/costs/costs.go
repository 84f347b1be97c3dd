// Package costs prices AI calls, keeps the monthly budget and records every
// provider call in a ledger (a JSONL file for the CLI; the service uses the
// PostgreSQL ledger behind the same kmeme.CostLedger interface).
package costs

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// Price is USD per million tokens.
type Price struct {
	InputPerM  float64 `json:"input_per_m"`
	OutputPerM float64 `json:"output_per_m"`
}

// USD is the cost of a call at this price.
func (p Price) USD(in, out int64) float64 {
	return (float64(in)*p.InputPerM + float64(out)*p.OutputPerM) / 1e6
}

// Defaults from the design (shared/mission.md): Gemini about $0.075 per 1M
// tokens, Claude Sonnet $3 per 1M input tokens; output prices are the
// providers' list prices for the same tiers; the budget is $81 a month.
const (
	DefaultGeminiModel   = "gemini-2.5-flash"
	DefaultClaudeModel   = "claude-sonnet-4-5"
	DefaultBudgetUSD     = 81.0
	DefaultGeminiInPerM  = 0.075
	DefaultGeminiOutPerM = 0.30
	DefaultClaudeInPerM  = 3.0
	DefaultClaudeOutPerM = 15.0
	DefaultTimeout       = 60 * time.Second
	DefaultCacheTTL      = 24 * time.Hour
)

// Config is the AI providers' configuration. Every field documents its
// environment variable and default.
type Config struct {
	// GeminiAPIKey: KMEME_GEMINI_API_KEY, else GEMINI_API_KEY; empty turns Gemini off.
	GeminiAPIKey string
	// GeminiModel: KMEME_GEMINI_MODEL (default gemini-2.5-flash).
	GeminiModel string
	// GeminiBaseURL: KMEME_GEMINI_BASE_URL (default the SDK's).
	GeminiBaseURL string
	// GeminiPrice: KMEME_GEMINI_PRICE_IN_PER_M / _OUT_PER_M (default 0.075 / 0.30).
	GeminiPrice Price
	// ClaudeAPIKey: KMEME_ANTHROPIC_API_KEY, else ANTHROPIC_API_KEY; empty turns Claude off.
	ClaudeAPIKey string
	// ClaudeModel: KMEME_CLAUDE_MODEL (default claude-sonnet-4-5).
	ClaudeModel string
	// ClaudeBaseURL: KMEME_CLAUDE_BASE_URL (default the SDK's).
	ClaudeBaseURL string
	// ClaudePrice: KMEME_CLAUDE_PRICE_IN_PER_M / _OUT_PER_M (default 3 / 15).
	ClaudePrice Price
	// BudgetUSD: KMEME_AI_BUDGET_USD, the monthly ceiling of paid calls (default 81).
	BudgetUSD float64
	// Timeout: KMEME_AI_TIMEOUT, overall deadline of one provider call with retries (default 60s).
	Timeout time.Duration
	// LedgerPath: KMEME_COST_LEDGER, the CLI's JSONL ledger
	// (default $XDG_DATA_HOME/kmeme/costs.jsonl, else ~/.local/share/kmeme/costs.jsonl).
	LedgerPath string
	// CacheDir: KMEME_AI_CACHE_DIR, where Gemini answers are cached for 24 h
	// (default $XDG_CACHE_HOME/kmeme/gemini).
	CacheDir string
}

// ConfigFromEnv reads Config from getenv, applying defaults. Invalid
// numbers are errors naming the variable.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	first := func(names ...string) string {
		for _, n := range names {
			if v := strings.TrimSpace(getenv(n)); v != "" {
				return v
			}
		}
		return ""
	}
	var errs []error
	num := func(name string, def float64) float64 {
		v := first(name)
		if v == "" {
			return def
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
			errs = append(errs, fmt.Errorf("%s=%q: want a non-negative number", name, v))
			return def
		}
		return f
	}
	or := func(v, def string) string {
		if v == "" {
			return def
		}
		return v
	}
	c := Config{
		GeminiAPIKey:  first("KMEME_GEMINI_API_KEY", "GEMINI_API_KEY"),
		GeminiModel:   or(first("KMEME_GEMINI_MODEL"), DefaultGeminiModel),
		GeminiBaseURL: first("KMEME_GEMINI_BASE_URL"),
		GeminiPrice:   Price{num("KMEME_GEMINI_PRICE_IN_PER_M", DefaultGeminiInPerM), num("KMEME_GEMINI_PRICE_OUT_PER_M", DefaultGeminiOutPerM)},
		ClaudeAPIKey:  first("KMEME_ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY"),
		ClaudeModel:   or(first("KMEME_CLAUDE_MODEL"), DefaultClaudeModel),
		ClaudeBaseURL: first("KMEME_CLAUDE_BASE_URL"),
		ClaudePrice:   Price{num("KMEME_CLAUDE_PRICE_IN_PER_M", DefaultClaudeInPerM), num("KMEME_CLAUDE_PRICE_OUT_PER_M", DefaultClaudeOutPerM)},
		BudgetUSD:     num("KMEME_AI_BUDGET_USD", DefaultBudgetUSD),
		Timeout:       DefaultTimeout,
		LedgerPath:    first("KMEME_COST_LEDGER"),
		CacheDir:      first("KMEME_AI_CACHE_DIR"),
	}
	if v := first("KMEME_AI_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("KMEME_AI_TIMEOUT=%q: want a positive duration such as 60s", v))
		} else {
			c.Timeout = d
		}
	}
	if c.LedgerPath == "" {
		switch {
		case getenv("XDG_DATA_HOME") != "":
			c.LedgerPath = filepath.Join(getenv("XDG_DATA_HOME"), "kmeme", "costs.jsonl")
		case getenv("HOME") != "":
			c.LedgerPath = filepath.Join(getenv("HOME"), ".local", "share", "kmeme", "costs.jsonl")
		default:
			c.LedgerPath = filepath.Join(os.TempDir(), "kmeme-costs.jsonl")
		}
	}
	if c.CacheDir == "" {
		switch {
		case getenv("XDG_CACHE_HOME") != "":
			c.CacheDir = filepath.Join(getenv("XDG_CACHE_HOME"), "kmeme", "gemini")
		case getenv("HOME") != "":
			c.CacheDir = filepath.Join(getenv("HOME"), ".cache", "kmeme", "gemini")
		default:
			c.CacheDir = filepath.Join(os.TempDir(), "kmeme-gemini-cache")
		}
	}
	if len(errs) > 0 {
		return c, &kmeme.Error{Code: kmeme.EINVALID, Message: "bad AI configuration", Err: errors.Join(errs...)}
	}
	return c, nil
}

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
	InputTokens, OutputTokens  int64
	Latency                    time.Duration
	CacheHit                   bool
	Err                        error
	UserID                     *string
}

// Record writes the call to the ledger and returns its cost in USD.
func (m *Meter) Record(ctx context.Context, c Call) (float64, error) {
	usd := 0.0
	if !c.CacheHit {
		usd = c.Price.USD(c.InputTokens, c.OutputTokens)
	}
	now := time.Now
	if m.Now != nil {
		now = m.Now
	}
	e := kmeme.CostEntry{
		Provider: c.Provider, Model: c.Model, Operation: c.Operation,
		InputTokens: c.InputTokens, OutputTokens: c.OutputTokens, CostUSD: usd,
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
