package main

import (
	"context"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/config"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// ai checks the paid AI providers: which are on, and whether each
// configured model is one the provider serves (the Models APIs are free).
// A retired or unknown model, or a refused key, is a problem line naming
// the variable; an unreachable provider or a deprecated model is a note.
func (d *doctor) ai(ctx context.Context, c config.AI) {
	for _, v := range c.Ignored {
		d.note("%s is set but not used: paid AI needs KMEME_%s", v, v)
	}
	for _, w := range c.Warnings {
		d.note("%s", w)
	}
	if c.GeminiAPIKey == "" && c.ClaudeAPIKey == "" {
		d.note("paid AI off (no KMEME_GEMINI_API_KEY or KMEME_ANTHROPIC_API_KEY): the local engine does the whole job")
		return
	}
	describer, planner, err := newAI(c, nil, nil, nil)
	if err != nil {
		d.problem("AI providers: %s", oneLine(err))
		return
	}
	warnings, err := checkAI(ctx, describer, planner)
	if err != nil {
		d.problem("%s", oneLine(err))
		return
	}
	for _, w := range warnings {
		d.note("%s", w)
	}
	for _, p := range []struct {
		on          bool
		name, model string
	}{{c.GeminiAPIKey != "", kmeme.ProviderGemini, c.GeminiModel}, {c.ClaudeAPIKey != "", kmeme.ProviderClaude, c.ClaudeModel}} {
		if !p.on {
			continue
		}
		checked := true
		for _, w := range warnings {
			if strings.HasPrefix(w, "model not checked") && strings.Contains(w, p.name) {
				checked = false
			}
		}
		if checked {
			d.ok("%s model %s", p.name, p.model)
		}
	}
}
