package config

import (
	"strings"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/costs"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

func envMap(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestAIDefaultsAndOverrides(t *testing.T) {
	t.Parallel()
	c, err := AIFromEnv(envMap(map[string]string{"HOME": "/home/u"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.BudgetUSD != 81 || c.GeminiModel != costs.DefaultGeminiModel || c.ClaudeModel != costs.DefaultClaudeModel ||
		c.GeminiAPIKey != "" || c.ClaudeAPIKey != "" || c.Timeout != 60*time.Second {
		t.Errorf("defaults: %+v", c)
	}
	if c.LedgerPath != "/home/u/.local/share/kmeme/costs.jsonl" || c.CacheDir != "/home/u/.cache/kmeme/gemini" {
		t.Errorf("paths %s %s", c.LedgerPath, c.CacheDir)
	}
	c, err = AIFromEnv(envMap(map[string]string{
		"KMEME_GEMINI_API_KEY": "g2", "KMEME_ANTHROPIC_API_KEY": "a2",
		"KMEME_CLAUDE_PRICE_OUT_PER_M": "11", "KMEME_GEMINI_PRICE_AUDIO_IN_PER_M": "1.5", "KMEME_AI_BUDGET_USD": "5.5",
		"KMEME_COST_LEDGER": "/tmp/l.jsonl", "KMEME_AI_TIMEOUT": "2s", "KMEME_CLAUDE_BASE_URL": "http://127.0.0.1:9",
	}))
	if err != nil {
		t.Fatal(err)
	}
	sonnet, _ := costs.LookupModel(kmeme.ProviderClaude, costs.DefaultClaudeModel)
	flash, _ := costs.LookupModel(kmeme.ProviderGemini, costs.DefaultGeminiModel)
	if c.GeminiAPIKey != "g2" || c.ClaudeAPIKey != "a2" || c.ClaudePrice.OutputPerM != 11 || c.ClaudePrice.InputPerM != sonnet.Price.InputPerM ||
		c.ClaudePrice.CachedInPerM != sonnet.Price.CachedInPerM || c.GeminiPrice.InputPerM != flash.Price.InputPerM || c.GeminiPrice.AudioInPerM != 1.5 ||
		c.BudgetUSD != 5.5 || c.LedgerPath != "/tmp/l.jsonl" || c.Timeout != 2*time.Second || c.ClaudeBaseURL != "http://127.0.0.1:9" {
		t.Errorf("overrides: %+v", c)
	}
	for _, bad := range []map[string]string{
		{"KMEME_AI_BUDGET_USD": "lots"}, {"KMEME_GEMINI_API_KEY": "g", "KMEME_GEMINI_PRICE_IN_PER_M": "-1"},
		{"KMEME_AI_TIMEOUT": "soon"}, {"KMEME_CLAUDE_BASE_URL": "api.example.com"},
	} {
		_, err := AIFromEnv(envMap(bad))
		var name string
		for k := range bad {
			if k != "KMEME_GEMINI_API_KEY" {
				name = k
			}
		}
		if kmeme.ErrorCode(err) != kmeme.EINVALID || !strings.Contains(err.Error(), name) {
			t.Errorf("%v: err = %v, want EINVALID naming %s", bad, err, name)
		}
	}
}

// TestAIOptIn: a generic key exported for another tool never turns paid AI
// on by itself; --ai (OptIn) lets it.
func TestAIOptIn(t *testing.T) {
	t.Parallel()
	env := envMap(map[string]string{"GEMINI_API_KEY": "generic-g", "ANTHROPIC_API_KEY": "generic-a"})
	c, err := AIFromEnv(env)
	if err != nil {
		t.Fatal(err)
	}
	if c.GeminiAPIKey != "" || c.ClaudeAPIKey != "" {
		t.Errorf("generic keys turned paid AI on: %+v", c)
	}
	if strings.Join(c.Ignored, ",") != "GEMINI_API_KEY,ANTHROPIC_API_KEY" {
		t.Errorf("ignored = %v", c.Ignored)
	}
	c, err = AIFromEnvWith(env, AIOptions{OptIn: true})
	if err != nil || c.GeminiAPIKey != "generic-g" || c.ClaudeAPIKey != "generic-a" || len(c.Ignored) != 0 {
		t.Errorf("opt-in: %+v %v", c, err)
	}
	c, _ = AIFromEnvWith(envMap(map[string]string{"GEMINI_API_KEY": "generic", "KMEME_GEMINI_API_KEY": "ours"}), AIOptions{OptIn: true})
	if c.GeminiAPIKey != "ours" {
		t.Errorf("KMEME_GEMINI_API_KEY must win: %q", c.GeminiAPIKey)
	}
}

// TestAIModels: a retired model, or an unknown model without prices, is an
// error naming the variable; an unknown model with prices is accepted; an
// introductory price past its end is a warning.
func TestAIModels(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"KMEME_ANTHROPIC_API_KEY": "a", "KMEME_CLAUDE_MODEL": "claude-sonnet-4-5"}, "KMEME_CLAUDE_MODEL=claude-sonnet-4-5: the model was retired on 2026-11-30; use claude-sonnet-5-5"},
		{map[string]string{"KMEME_GEMINI_API_KEY": "g", "KMEME_GEMINI_MODEL": "gemini-2.5-flash"}, "KMEME_GEMINI_MODEL=gemini-2.5-flash: the model was retired"},
		{map[string]string{"KMEME_GEMINI_API_KEY": "g", "KMEME_GEMINI_MODEL": "gemini-9-ultra"}, "set KMEME_GEMINI_PRICE_IN_PER_M and KMEME_GEMINI_PRICE_OUT_PER_M"},
		{map[string]string{"KMEME_ANTHROPIC_API_KEY": "a", "KMEME_CLAUDE_MODEL": "claude-x", "KMEME_CLAUDE_PRICE_IN_PER_M": "1"}, "KMEME_CLAUDE_MODEL=claude-x: no price"},
	} {
		_, err := AIFromEnv(envMap(tc.env))
		if kmeme.ErrorCode(err) != kmeme.EINVALID || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want %q", tc.env, err, tc.want)
		}
	}
	c, err := AIFromEnv(envMap(map[string]string{"KMEME_ANTHROPIC_API_KEY": "a", "KMEME_CLAUDE_MODEL": "claude-x",
		"KMEME_CLAUDE_PRICE_IN_PER_M": "1", "KMEME_CLAUDE_PRICE_OUT_PER_M": "4"}))
	if err != nil || c.ClaudePrice.InputPerM != 1 || c.ClaudePrice.OutputPerM != 4 {
		t.Errorf("priced unknown model: %+v %v", c.ClaudePrice, err)
	}
	// Without a key the model is not judged: nothing will be called.
	if _, err := AIFromEnv(envMap(map[string]string{"KMEME_CLAUDE_MODEL": "claude-sonnet-4-5"})); err != nil {
		t.Errorf("no key: %v", err)
	}
	c, err = AIFromEnvWith(envMap(map[string]string{"KMEME_GEMINI_API_KEY": "g"}), AIOptions{Today: time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC)})
	if err != nil || len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "introductory price ended") {
		t.Errorf("warnings after the introductory price: %v %v", c.Warnings, err)
	}
	c, _ = AIFromEnvWith(envMap(map[string]string{"KMEME_ANTHROPIC_API_KEY": "a", "KMEME_CLAUDE_MODEL": "claude-opus-4-5",
		"KMEME_CLAUDE_PRICE_IN_PER_M": "5", "KMEME_CLAUDE_PRICE_OUT_PER_M": "25"}), AIOptions{})
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "deprecated and retires on 2027-01-22") {
		t.Errorf("deprecated warning: %v", c.Warnings)
	}
}
