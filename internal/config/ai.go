package config

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kmeme-factory/kmeme/internal/costs"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// DefaultAITimeout is the overall deadline of one provider call, retries
// included, unless a plan's size asks for more (see claude.Budget).
const DefaultAITimeout = 60 * time.Second

// AI is the paid AI providers' configuration (issue 15's AI section; the
// variable names are those of the earlier costs.Config). Paid AI is opt-in:
// only the KMEME_* keys turn a provider on. The generic GEMINI_API_KEY and
// ANTHROPIC_API_KEY, which another tool may have exported, are read only
// when the caller opts in explicitly (`kmeme remix --ai`).
type AI struct {
	// GeminiAPIKey: KMEME_GEMINI_API_KEY; empty turns Gemini off.
	GeminiAPIKey string
	// GeminiModel: KMEME_GEMINI_MODEL (default costs.DefaultGeminiModel).
	GeminiModel string
	// GeminiBaseURL: KMEME_GEMINI_BASE_URL (default Google's endpoint;
	// the SDK's GOOGLE_GEMINI_BASE_URL is never read).
	GeminiBaseURL string
	// GeminiPrice: the model's row of costs.Table, each field overridable
	// by KMEME_GEMINI_PRICE_IN_PER_M, _OUT_PER_M, _CACHED_PER_M and
	// _AUDIO_IN_PER_M; a model not in the table needs IN and OUT.
	GeminiPrice costs.Price
	// ClaudeAPIKey: KMEME_ANTHROPIC_API_KEY; empty turns Claude off.
	ClaudeAPIKey string
	// ClaudeModel: KMEME_CLAUDE_MODEL (default costs.DefaultClaudeModel).
	ClaudeModel string
	// ClaudeBaseURL: KMEME_CLAUDE_BASE_URL (default Anthropic's endpoint;
	// the SDK's ANTHROPIC_BASE_URL is never read).
	ClaudeBaseURL string
	// ClaudePrice: the model's row of costs.Table, each field overridable
	// by KMEME_CLAUDE_PRICE_IN_PER_M, _OUT_PER_M, _CACHED_PER_M and
	// _CACHE_WRITE_PER_M; a model not in the table needs IN and OUT.
	ClaudePrice costs.Price
	// BudgetUSD: KMEME_AI_BUDGET_USD, the monthly ceiling of paid calls (default 81).
	BudgetUSD float64
	// Timeout: KMEME_AI_TIMEOUT, the least overall deadline of one provider
	// call with retries (default 60s; a large plan gets more).
	Timeout time.Duration
	// LedgerPath: KMEME_COST_LEDGER, the CLI's JSONL ledger
	// (default $XDG_DATA_HOME/kmeme/costs.jsonl, else ~/.local/share/kmeme/costs.jsonl).
	LedgerPath string
	// CacheDir: KMEME_AI_CACHE_DIR, where Gemini answers are cached for 24 h
	// (default $XDG_CACHE_HOME/kmeme/gemini).
	CacheDir string
	// Ignored names the generic key variables that are set but were not
	// used because paid AI was not opted into; the CLI says so.
	Ignored []string
	// Warnings are lines worth printing at start (a deprecated model, an
	// introductory price that has ended).
	Warnings []string
}

// AIOptions change how AIFromEnv reads keys.
type AIOptions struct {
	// OptIn (`--ai`) lets GEMINI_API_KEY / ANTHROPIC_API_KEY stand in for
	// the KMEME_* keys.
	OptIn bool
	// Today is the date the price table is judged on (default now, UTC).
	Today time.Time
}

// AIFromEnv reads the AI section. Every error names its variable.
func AIFromEnv(getenv func(string) string) (AI, error) {
	return AIFromEnvWith(getenv, AIOptions{})
}

// AIFromEnvWith is AIFromEnv with options.
func AIFromEnvWith(getenv func(string) string, o AIOptions) (AI, error) {
	g := getter(getenv)
	var errs []error
	num := func(name string) (float64, bool) {
		v := g.first("", name)
		if v == "" {
			return 0, false
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
			errs = append(errs, fmt.Errorf("%s=%q: want a non-negative number", name, v))
			return 0, false
		}
		return f, true
	}
	c := AI{
		GeminiAPIKey:  g.first("", "KMEME_GEMINI_API_KEY"),
		GeminiModel:   g.first(costs.DefaultGeminiModel, "KMEME_GEMINI_MODEL"),
		GeminiBaseURL: g.first("", "KMEME_GEMINI_BASE_URL"),
		ClaudeAPIKey:  g.first("", "KMEME_ANTHROPIC_API_KEY"),
		ClaudeModel:   g.first(costs.DefaultClaudeModel, "KMEME_CLAUDE_MODEL"),
		ClaudeBaseURL: g.first("", "KMEME_CLAUDE_BASE_URL"),
		BudgetUSD:     costs.DefaultBudgetUSD,
		Timeout:       DefaultAITimeout,
		LedgerPath:    g.first("", "KMEME_COST_LEDGER"),
		CacheDir:      g.first("", "KMEME_AI_CACHE_DIR"),
	}
	for _, k := range []struct {
		dst     *string
		generic string
	}{{&c.GeminiAPIKey, "GEMINI_API_KEY"}, {&c.ClaudeAPIKey, "ANTHROPIC_API_KEY"}} {
		if *k.dst != "" || g.first("", k.generic) == "" {
			continue
		}
		if o.OptIn {
			*k.dst = g.first("", k.generic)
		} else {
			c.Ignored = append(c.Ignored, k.generic)
		}
	}
	if b, ok := num("KMEME_AI_BUDGET_USD"); ok {
		c.BudgetUSD = b
	}
	today := o.Today
	if today.IsZero() {
		today = time.Now().UTC()
	}
	// price is the model's row of the price table with each field the
	// environment gives overridden; extra names the provider's own field.
	price := func(provider, prefix, modelVar, model, extraSuffix string, extra func(*costs.Price) *float64) costs.Price {
		m, known := costs.LookupModel(provider, model)
		p := m.Price
		in, okIn := num(prefix + "_IN_PER_M")
		out, okOut := num(prefix + "_OUT_PER_M")
		if okIn {
			p.InputPerM = in
		}
		if okOut {
			p.OutputPerM = out
		}
		if v, ok := num(prefix + "_CACHED_PER_M"); ok {
			p.CachedInPerM = v
		}
		if v, ok := num(prefix + extraSuffix); ok {
			*extra(&p) = v
		}
		switch {
		case known && m.Lifecycle == costs.Retired:
			errs = append(errs, costs.RetiredError(modelVar, m))
		case !known && (!okIn || !okOut):
			errs = append(errs, fmt.Errorf("%s=%s: no price for this model in the table (checked %s); set %s_IN_PER_M and %s_OUT_PER_M, or use %s",
				modelVar, model, costs.PricesChecked, prefix, prefix, defaultFor(provider)))
		case known && m.Lifecycle == costs.Deprecated:
			c.Warnings = append(c.Warnings, fmt.Sprintf("%s=%s is deprecated and retires on %s; move to %s", modelVar, m.ID, m.RetiresOn, m.Replacement))
		}
		if known && m.PriceUntil != "" && !okIn && !okOut && today.Format("2006-01-02") > m.PriceUntil {
			c.Warnings = append(c.Warnings, fmt.Sprintf("%s=%s: its introductory price ended on %s; set %s_IN_PER_M and %s_OUT_PER_M to the current price",
				modelVar, m.ID, m.PriceUntil, prefix, prefix))
		}
		return p
	}
	// The prices matter only for a provider that is on.
	if c.GeminiAPIKey != "" {
		c.GeminiPrice = price(kmeme.ProviderGemini, "KMEME_GEMINI_PRICE", "KMEME_GEMINI_MODEL", c.GeminiModel,
			"_AUDIO_IN_PER_M", func(p *costs.Price) *float64 { return &p.AudioInPerM })
	}
	if c.ClaudeAPIKey != "" {
		c.ClaudePrice = price(kmeme.ProviderClaude, "KMEME_CLAUDE_PRICE", "KMEME_CLAUDE_MODEL", c.ClaudeModel,
			"_CACHE_WRITE_PER_M", func(p *costs.Price) *float64 { return &p.CacheWritePerM })
	}
	if v := g.first("", "KMEME_AI_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("KMEME_AI_TIMEOUT=%q: want a positive duration such as 60s", v))
		} else {
			c.Timeout = d
		}
	}
	for _, u := range []struct{ name, v string }{{"KMEME_GEMINI_BASE_URL", c.GeminiBaseURL}, {"KMEME_CLAUDE_BASE_URL", c.ClaudeBaseURL}} {
		if u.v != "" && !strings.HasPrefix(u.v, "https://") && !strings.HasPrefix(u.v, "http://") {
			errs = append(errs, fmt.Errorf("%s=%q: want an http(s):// URL", u.name, u.v))
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

func defaultFor(provider string) string {
	if provider == kmeme.ProviderGemini {
		return costs.DefaultGeminiModel
	}
	return costs.DefaultClaudeModel
}
