package costs

import (
	"fmt"
	"strings"
)

// Price is USD per million tokens. Zero Cached, CacheWrite or AudioIn mean
// "billed as plain input".
type Price struct {
	InputPerM  float64 `json:"input_per_m"`
	OutputPerM float64 `json:"output_per_m"` // answer and thinking tokens alike
	// CachedInPerM prices input tokens read from the provider's cache.
	CachedInPerM float64 `json:"cached_in_per_m,omitempty"`
	// CacheWritePerM prices input tokens written to Claude's 5-minute cache.
	CacheWritePerM float64 `json:"cache_write_per_m,omitempty"`
	// AudioInPerM prices audio input tokens (Gemini prices audio apart).
	AudioInPerM float64 `json:"audio_in_per_m,omitempty"`
}

// Usage is what a provider reported for one call, in tokens.
type Usage struct {
	// InputTokens is every prompt token: the cached, cache-written and
	// audio tokens below are parts of it.
	InputTokens      int64
	CachedTokens     int64
	CacheWriteTokens int64
	AudioTokens      int64
	// OutputTokens is every generated token, thinking included (both
	// providers bill thinking as output).
	OutputTokens int64
	// ThinkingTokens is the thinking part of OutputTokens.
	ThinkingTokens int64
}

// USD is the cost of a call of in input and out output tokens, none cached.
func (p Price) USD(in, out int64) float64 {
	return p.Cost(Usage{InputTokens: in, OutputTokens: out})
}

// Cost is the cost of a call at this price.
func (p Price) Cost(u Usage) float64 {
	or := func(v, def float64) float64 {
		if v > 0 {
			return v
		}
		return def
	}
	plain := max(u.InputTokens-u.CachedTokens-u.CacheWriteTokens-u.AudioTokens, 0)
	usd := float64(plain)*p.InputPerM +
		float64(u.CachedTokens)*or(p.CachedInPerM, p.InputPerM) +
		float64(u.CacheWriteTokens)*or(p.CacheWritePerM, p.InputPerM) +
		float64(u.AudioTokens)*or(p.AudioInPerM, p.InputPerM) +
		float64(u.OutputTokens)*p.OutputPerM
	return usd / 1e6
}

// Lifecycle is a model's state at the provider.
type Lifecycle string

// Lifecycles.
const (
	Active     Lifecycle = "active"
	Deprecated Lifecycle = "deprecated" // still answers; retires on RetiresOn
	Retired    Lifecycle = "retired"    // requests fail or are rerouted and billed as another model
)

// Model is one row of the price table.
type Model struct {
	Provider  string // kmeme.ProviderGemini or kmeme.ProviderClaude
	ID        string
	Lifecycle Lifecycle
	// RetiresOn is the provider's retirement date (YYYY-MM-DD), when known.
	RetiresOn string
	// Replacement is the provider's recommended successor.
	Replacement string
	Price       Price
	// PriceUntil is the last day (YYYY-MM-DD) of an announced
	// introductory price; empty when none was announced.
	PriceUntil string
	// MaxOutput is the model's largest max_tokens.
	MaxOutput int64
}

// PricesChecked is the day the table below was read against the
// providers' model, deprecation and pricing pages and the SDK sources.
const PricesChecked = "2026-12-02"

// Table is the price and lifecycle table the ledger uses. Prices are the
// standard (not batch, not priority) paid tier per million tokens.
var Table = []Model{
	// Gemini 3.8 Flash: GA 2026-09-02; $0.75 in (text, image, video and
	// audio) / $3.75 out / $0.075 cached, the introductory price
	// announced "through December 31, 2026".
	{Provider: "gemini", ID: "gemini-3.8-flash", Lifecycle: Active, MaxOutput: 65536, PriceUntil: "2026-12-31",
		Price: Price{InputPerM: 0.75, OutputPerM: 3.75, CachedInPerM: 0.075, AudioInPerM: 0.75}},
	{Provider: "gemini", ID: "gemini-3.7-flash", Lifecycle: Active, MaxOutput: 65536, PriceUntil: "2026-12-31",
		Price: Price{InputPerM: 0.75, OutputPerM: 3.75, CachedInPerM: 0.075, AudioInPerM: 0.75}},
	// Shut down on 2026-12-01; requests are rerouted to
	// gemini-3.5-flash-lite and billed at that model's rates.
	{Provider: "gemini", ID: "gemini-2.5-flash", Lifecycle: Retired, RetiresOn: "2026-12-01", Replacement: "gemini-3.8-flash"},
	{Provider: "gemini", ID: "gemini-2.5-pro", Lifecycle: Retired, RetiresOn: "2026-12-01", Replacement: "gemini-3.8-flash"},
	{Provider: "gemini", ID: "gemini-2.0-flash", Lifecycle: Retired, RetiresOn: "2026-06-01", Replacement: "gemini-3.8-flash"},
	{Provider: "gemini", ID: "gemini-3.5-flash", Lifecycle: Retired, Replacement: "gemini-3.8-flash"},

	// Claude Sonnet 5.5: the current Sonnet; $2 in / $10 out, $0.20
	// cache read, $2.50 5-minute cache write; max output 128K.
	{Provider: "claude", ID: "claude-sonnet-5-5", Lifecycle: Active, MaxOutput: 128000,
		Price: Price{InputPerM: 2, OutputPerM: 10, CachedInPerM: 0.20, CacheWritePerM: 2.50}},
	{Provider: "claude", ID: "claude-sonnet-5", Lifecycle: Active, MaxOutput: 128000,
		Price: Price{InputPerM: 2, OutputPerM: 10, CachedInPerM: 0.20, CacheWritePerM: 2.50}},
	{Provider: "claude", ID: "claude-haiku-4-5", Lifecycle: Active, MaxOutput: 64000,
		Price: Price{InputPerM: 1, OutputPerM: 5, CachedInPerM: 0.10, CacheWritePerM: 1.25}},
	{Provider: "claude", ID: "claude-sonnet-4-5", Lifecycle: Retired, RetiresOn: "2026-11-30", Replacement: "claude-sonnet-5-5"},
	{Provider: "claude", ID: "claude-sonnet-4-5-20250929", Lifecycle: Retired, RetiresOn: "2026-11-30", Replacement: "claude-sonnet-5-5"},
	{Provider: "claude", ID: "claude-mythos-preview", Lifecycle: Retired, RetiresOn: "2026-06-30", Replacement: "claude-mythos-5"},
	{Provider: "claude", ID: "claude-opus-4-5", Lifecycle: Deprecated, RetiresOn: "2027-01-22", Replacement: "claude-opus-5-5"},
}

// Defaults: the current models, and the budget from the design.
const (
	DefaultGeminiModel = "gemini-3.8-flash"
	DefaultClaudeModel = "claude-sonnet-5-5"
	DefaultBudgetUSD   = 81.0
)

// LookupModel finds a model of provider in Table.
func LookupModel(provider, id string) (Model, bool) {
	for _, m := range Table {
		if m.Provider == provider && strings.EqualFold(m.ID, id) {
			return m, true
		}
	}
	return Model{}, false
}

// RetiredError says a configured model is retired, naming the variable.
func RetiredError(variable string, m Model) error {
	s := fmt.Sprintf("%s=%s: the model is retired", variable, m.ID)
	if m.RetiresOn != "" {
		s = fmt.Sprintf("%s=%s: the model was retired on %s", variable, m.ID, m.RetiresOn)
	}
	if m.Replacement != "" {
		s += "; use " + m.Replacement
	}
	return fmt.Errorf("%s", s)
}
