package claude

import (
	"encoding/json"
	"fmt"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// systemPrompt states the house rules (shared/korean-short-form.md).
const systemPrompt = `You are a Korean short-form video producer. You rewrite the Korean text of a remix plan for a meme so a Korean creator can shoot it today.
Rules:
- Keep every shot (same n, same order). Never change times; they are measured on the beat.
- Captions: at most 2 lines of at most 16 width units (Hangul 1, Latin letters, digits, spaces and punctuation 1/2). Write them as one string; break only between words. Use the single ellipsis "…".
- caption_casual is 반말, caption_polite is 존댓말, same meaning.
- overtitle is a variety-show (예능) graphic caption: at most 10 width units, punchy.
- Keep the joke's mechanism, emotion and rhythm; change idioms, visual references and text style for Korea. Every adaptation says source → Korean → reason.
- Hashtags: tiktok 3–5 (one broad), shorts 3–8 including #Shorts, reels 5–15. Each starts with # and has no spaces.
Answer with JSON matching the given schema only.`

// draftShot is one shot of the local plan as Claude sees it.
type draftShot struct {
	N         int     `json:"n"`
	Start     float64 `json:"start_s"`
	End       float64 `json:"end_s"`
	Beat      string  `json:"bar_beat,omitempty"`
	Section   string  `json:"section"`
	Film      string  `json:"draft_film"`
	Overtitle string  `json:"draft_overtitle"`
	Caption   string  `json:"draft_caption_casual"`
	Captioned bool    `json:"needs_caption"`
}

// userPrompt sends what was measured and the local draft.
func userPrompt(in kmeme.PlanInput, base *kmeme.Recipe) (string, error) {
	a := in.Analysis
	ctx := map[string]any{
		"duration_s": a.DurationS,
		"bpm":        base.Audio.BPM,
		"drop_s":     base.Audio.DropS,
		"platform":   base.Concept.Platform,
		"format":     base.Concept.Format,
		"title":      base.Concept.Title,
		"hook":       base.Concept.Hook,
		"mechanism":  base.Concept.Mechanism,
		"register":   in.Register,
	}
	if a.Semantics != nil {
		ctx["on_screen"] = a.Semantics
	}
	// The evidence the local planner chose the format on, and what the
	// perception stage measured: Claude writes from the same facts.
	if base.Concept.FormatName != "" {
		ctx["format_name"] = base.Concept.FormatName
	}
	if len(base.Concept.Reasons) > 0 {
		ctx["format_reasons"] = base.Concept.Reasons
	}
	if base.Concept.RunnerUp != nil {
		ctx["runner_up"] = base.Concept.RunnerUp
	}
	if base.Concept.EvidenceWeak {
		ctx["evidence_weak"] = true
	}
	if a.Perception != nil {
		ctx["perception"] = a.Perception
	}
	shots := make([]draftShot, 0, len(base.Shots))
	for _, s := range base.Shots {
		shots = append(shots, draftShot{
			N: s.N, Start: s.Start, End: s.End, Beat: s.StartBeat, Section: string(s.Section),
			Film: s.Film, Overtitle: s.Overtitle, Caption: s.Caption.Casual, Captioned: s.Caption.Casual != "",
		})
	}
	b, err := json.Marshal(map[string]any{"video": ctx, "draft_shots": shots})
	if err != nil {
		return "", fmt.Errorf("claude prompt: %w", err)
	}
	return "Rewrite this remix plan's Korean text. Shots with needs_caption=false may have empty captions.\n" + string(b), nil
}
