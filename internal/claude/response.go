package claude

// Claude's answer: reading it, checking it against the schema and the rules,
// and merging its text into the local plan; the error translation.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/kmeme-factory/kmeme/internal/costs"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/recipe"
	"github.com/kmeme-factory/kmeme/internal/resilience"
)

// answer reads Claude's message, or names why it cannot be used.
func answer(msg *anthropic.Message, u costs.Usage, maxTokens int64) (*textOut, error) {
	ans := func(kind, detail string) error {
		return &resilience.AnswerError{Provider: kmeme.ProviderClaude, Kind: kind, Detail: detail}
	}
	switch msg.StopReason {
	case anthropic.StopReasonRefusal:
		d := strings.TrimSpace(string(msg.StopDetails.Category) + " " + msg.StopDetails.Explanation)
		return nil, ans(resilience.AnswerRefusal, d)
	case anthropic.StopReasonMaxTokens, anthropic.StopReasonModelContextWindowExceeded:
		return nil, ans(resilience.AnswerMaxTokens, fmt.Sprintf("%s: cut off at %d output tokens (%d thinking) of max_tokens %d",
			msg.StopReason, u.OutputTokens, u.ThinkingTokens, maxTokens))
	}
	text := ""
	for _, b := range msg.Content {
		if b.Type == "text" {
			text += b.Text
		}
	}
	if strings.TrimSpace(text) == "" {
		return nil, ans(resilience.AnswerEmpty, "no text block (stop_reason "+string(msg.StopReason)+")")
	}
	out, err := parseText(text)
	if err != nil {
		return nil, ans(resilience.AnswerSchema, err.Error())
	}
	return out, nil
}

// answerReason is the provenance line of an unusable answer.
func answerReason(ae *resilience.AnswerError) string {
	d := ae.Detail
	if r := []rune(d); len(r) > 160 {
		d = string(r[:160]) + "…"
	}
	switch ae.Kind {
	case resilience.AnswerRefusal:
		return "refused to write the text (" + d + "), billed and not retried"
	case resilience.AnswerMaxTokens:
		return "answer cut off (" + d + "), billed and not retried"
	case resilience.AnswerSchema:
		return "output rejected: it broke the schema (" + d + "), billed and not retried"
	}
	return "answer unusable (" + ae.Kind + ": " + d + "), billed and not retried"
}

// translate turns the SDK's HTTP errors into resilience.StatusError so the
// retry policy and the breaker can read status and Retry-After.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var ae *anthropic.Error
	if errors.As(err, &ae) {
		se := &resilience.StatusError{Provider: kmeme.ProviderClaude, Status: ae.StatusCode, Err: err}
		if ae.Response != nil {
			se.RetryAfter = resilience.ParseRetryAfter(ae.Response.Header, time.Now())
		}
		return se
	}
	return err
}

func shortReason(err error) string {
	var se *resilience.StatusError
	if errors.As(err, &se) {
		return fmt.Sprintf("HTTP %d", se.Status)
	}
	if errors.Is(err, resilience.ErrOpen) {
		return "circuit open"
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out; the attempt's cost is unknown, none recorded"
	}
	s := strings.Join(strings.Fields(err.Error()), " ")
	if r := []rune(s); len(r) > 120 {
		s = string(r[:120]) + "…"
	}
	return s
}

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// textOut is what Claude writes: words only, never times.
type textOut struct {
	Concept struct {
		Title     string `json:"title"`
		Hook      string `json:"hook"`
		Mechanism string `json:"mechanism"`
	} `json:"concept"`
	Shots []struct {
		N             int    `json:"n"`
		Film          string `json:"film"`
		Framing       string `json:"framing"`
		Action        string `json:"action"`
		Overtitle     string `json:"overtitle"`
		CaptionCasual string `json:"caption_casual"`
		CaptionPolite string `json:"caption_polite"`
	} `json:"shots"`
	Adaptations []kmeme.Adaptation `json:"adaptations"`
	Hashtags    kmeme.Hashtags     `json:"hashtags"`
}

// textSchema is the structured-output schema sent to Claude and checked
// on the answer.
const textSchema = `{
  "type": "object",
  "additionalProperties": false,
  "required": ["concept", "shots", "adaptations", "hashtags"],
  "properties": {
    "concept": {"type": "object", "additionalProperties": false, "required": ["title", "hook", "mechanism"],
      "properties": {"title": {"type": "string"}, "hook": {"type": "string"}, "mechanism": {"type": "string"}}},
    "shots": {"type": "array", "items": {"type": "object", "additionalProperties": false,
      "required": ["n", "film", "framing", "action", "overtitle", "caption_casual", "caption_polite"],
      "properties": {"n": {"type": "integer"}, "film": {"type": "string"}, "framing": {"type": "string"},
        "action": {"type": "string"}, "overtitle": {"type": "string"},
        "caption_casual": {"type": "string"}, "caption_polite": {"type": "string"}}}},
    "adaptations": {"type": "array", "items": {"type": "object", "additionalProperties": false,
      "required": ["source", "korean", "reason"],
      "properties": {"source": {"type": "string"}, "korean": {"type": "string"}, "reason": {"type": "string"}}}},
    "hashtags": {"type": "object", "additionalProperties": false, "required": ["tiktok", "shorts", "reels"],
      "properties": {"tiktok": {"type": "array", "items": {"type": "string"}},
        "shorts": {"type": "array", "items": {"type": "string"}},
        "reels": {"type": "array", "items": {"type": "string"}}}}
  }
}`

var (
	schemaOnce sync.Once
	schemaMap  map[string]any
	schemaComp *jsonschema.Schema
	schemaErr  error
)

func loadSchema() {
	schemaOnce.Do(func() {
		if schemaErr = json.Unmarshal([]byte(textSchema), &schemaMap); schemaErr != nil {
			return
		}
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(textSchema))
		if err != nil {
			schemaErr = err
			return
		}
		c := jsonschema.NewCompiler()
		if schemaErr = c.AddResource("claude-text.json", doc); schemaErr != nil {
			return
		}
		schemaComp, schemaErr = c.Compile("claude-text.json")
	})
}

func textSchemaMap() map[string]any { loadSchema(); return schemaMap }

// parseText decodes and schema-checks Claude's answer.
func parseText(raw string) (*textOut, error) {
	loadSchema()
	if schemaErr != nil {
		return nil, fmt.Errorf("claude text schema: %w", schemaErr)
	}
	raw = strings.TrimSpace(raw)
	raw = strings.TrimPrefix(strings.TrimSuffix(raw, "```"), "```json")
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	if err := schemaComp.Validate(inst); err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	var out textOut
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	return &out, nil
}

// merge applies Claude's words to the local plan. Times, beats, sections
// and source shots stay local. A field that breaks a rule (typesetting,
// English in Korean text, an adaptation stating a fact it cannot cite)
// keeps the local text; the count of such repairs is returned.
//
// When the grounded planner's field-by-field text check lands in
// internal/recipe, it replaces the checks below.
func merge(base *kmeme.Recipe, t *textOut, in kmeme.PlanInput) (*kmeme.Recipe, int) {
	var r kmeme.Recipe
	b, _ := json.Marshal(base)
	_ = json.Unmarshal(b, &r)
	if r.Provenance.Models == nil {
		r.Provenance.Models = map[string]string{}
	}
	repaired := 0
	parts := map[string]bool{}
	// korean is s normalised when it is Korean text (no English leaking
	// in), else "" and a repair.
	korean := func(s string) (string, bool) {
		s = recipe.Normalize(s)
		if s == "" {
			return "", false
		}
		if recipe.CheckKoreanText(s) != nil {
			repaired++
			return "", false
		}
		return s, true
	}
	if in.Title == "" {
		if s, ok := korean(t.Concept.Title); ok && len([]rune(s)) <= 60 {
			r.Concept.Title = s
		} else if ok {
			repaired++
		}
	}
	if s, ok := korean(t.Concept.Hook); ok {
		r.Concept.Hook = s
		parts["concept"] = true
	}
	if s, ok := korean(t.Concept.Mechanism); ok {
		r.Concept.Mechanism = s
		parts["concept"] = true
	}
	byN := map[int]int{}
	for i, s := range t.Shots {
		byN[s.N] = i
	}
	for i := range r.Shots {
		j, ok := byN[r.Shots[i].N]
		if !ok {
			repaired++
			continue
		}
		cs := t.Shots[j]
		sh := &r.Shots[i]
		for _, f := range []struct {
			dst *string
			v   string
		}{{&sh.Film, cs.Film}, {&sh.Framing, cs.Framing}, {&sh.Action, cs.Action}} {
			if v, ok := korean(f.v); ok {
				*f.dst = v
				parts["shots"] = true
			}
		}
		if v := recipe.Normalize(cs.Overtitle); recipe.CheckOvertitleText(v) == nil {
			sh.Overtitle = v
		} else {
			repaired++
		}
		if sh.Caption.Casual == "" {
			continue // too short a shot for a caption; keep it so
		}
		cas, err1 := recipe.Typeset(cs.CaptionCasual)
		pol, err2 := recipe.Typeset(cs.CaptionPolite)
		if err1 == nil && err2 == nil && cas != "" && pol != "" && recipe.CheckCaptionText(cas) == nil && recipe.CheckCaptionText(pol) == nil {
			sh.Caption.Casual, sh.Caption.Polite = cas, pol // the local plan's timing stays
			parts["captions"] = true
		} else {
			repaired++
		}
	}
	// Claude measured nothing: an adaptation of a local one keeps that
	// one's evidence; any other is offered as a suggestion.
	local := map[string]kmeme.Adaptation{}
	for _, a := range base.Adaptations {
		local[recipe.Normalize(a.Source)] = a
	}
	var ads []kmeme.Adaptation
	for _, a := range t.Adaptations {
		a = kmeme.Adaptation{Source: recipe.Normalize(a.Source), Korean: recipe.Normalize(a.Korean), Reason: recipe.Normalize(a.Reason), Suggestion: true}
		if l, ok := local[a.Source]; ok {
			a.Evidence, a.Suggestion = l.Evidence, l.Suggestion
		}
		if recipe.CheckAdaptation(a) != nil {
			repaired++
			continue
		}
		ads = append(ads, a)
	}
	if len(ads) > 0 {
		r.Adaptations = ads
		parts["adaptations"] = true
	}
	if recipe.CheckHashtags(t.Hashtags) == nil {
		r.Hashtags = t.Hashtags
		parts["hashtags"] = true
	} else {
		repaired++
	}
	for p := range parts {
		r.Provenance.Parts[p] = kmeme.ProviderClaude
	}
	return &r, repaired
}
