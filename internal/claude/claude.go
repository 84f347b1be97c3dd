// Package claude writes the Korean text of a recipe with Anthropic's Claude
// (github.com/anthropics/anthropic-sdk-go) through structured output. The
// local planner always makes the plan first, so timing never depends on the
// model; Claude rewrites the words. Output that breaks the schema or the
// typesetting rules is repaired field by field from the local plan, or the
// local plan is returned whole; so is every call the breaker, the budget or
// the provider refuses. The recipe's provenance says which happened.
package claude

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/kmeme-factory/kmeme/internal/costs"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/recipe"
	"github.com/kmeme-factory/kmeme/internal/resilience"
)

// Config configures a Planner. APIKey and Model are required.
type Config struct {
	APIKey  string
	Model   string
	BaseURL string // empty: the SDK's default
	Price   costs.Price
	// MaxTokens bounds the answer (default 4096).
	MaxTokens int64
	// AttemptTimeout bounds one HTTP attempt (default 45 s); Retry.Deadline
	// bounds the whole call.
	AttemptTimeout time.Duration
	Retry          resilience.Retry
	// Breaker is shared by every call to Claude (default: a new one).
	Breaker *resilience.Breaker
	// Budget, when set, stops paid calls once the month's budget is spent.
	Budget *costs.Budget
	// Meter records every attempt in the cost ledger.
	Meter *costs.Meter
	// Local writes the plan Claude rewrites and answers when Claude does not.
	Local kmeme.Planner
	// HTTPClient, when set, carries the requests (tests, proxies).
	HTTPClient *http.Client
	Logger     *slog.Logger
}

// Planner is a kmeme.Planner backed by Claude with the local planner
// underneath.
type Planner struct {
	cfg    Config
	client anthropic.Client
}

var _ kmeme.Planner = (*Planner)(nil)

// New returns a Planner.
func New(cfg Config) (*Planner, error) {
	if cfg.APIKey == "" {
		return nil, kmeme.FieldError("KMEME_ANTHROPIC_API_KEY", "is empty")
	}
	if cfg.Model == "" {
		return nil, kmeme.FieldError("KMEME_CLAUDE_MODEL", "is empty")
	}
	if cfg.MaxTokens <= 0 {
		cfg.MaxTokens = 4096
	}
	if cfg.AttemptTimeout <= 0 {
		cfg.AttemptTimeout = 45 * time.Second
	}
	if cfg.Breaker == nil {
		cfg.Breaker = resilience.NewBreaker(resilience.BreakerSettings{Name: "claude"})
	}
	if cfg.Local == nil {
		cfg.Local = recipe.NewLocal()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	opts := []option.RequestOption{
		option.WithAPIKey(cfg.APIKey),
		option.WithMaxRetries(0), // resilience.Do retries, with our breaker and budget
		option.WithRequestTimeout(cfg.AttemptTimeout),
	}
	if cfg.BaseURL != "" {
		opts = append(opts, option.WithBaseURL(cfg.BaseURL))
	}
	if cfg.HTTPClient != nil {
		opts = append(opts, option.WithHTTPClient(cfg.HTTPClient))
	}
	return &Planner{cfg: cfg, client: anthropic.NewClient(opts...)}, nil
}

// Plan writes the local plan, then asks Claude to rewrite its Korean text.
func (p *Planner) Plan(ctx context.Context, in kmeme.PlanInput) (*kmeme.Recipe, error) {
	base, err := p.cfg.Local.Plan(ctx, in)
	if err != nil {
		return nil, err
	}
	fallback := func(reason string) (*kmeme.Recipe, error) {
		base.Provenance.Fallbacks = append(base.Provenance.Fallbacks, "claude: "+reason+"; the local planner wrote the text")
		p.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "claude fallback", slog.String("reason", reason))
		return base, nil
	}
	if p.cfg.Budget != nil {
		if err := p.cfg.Budget.Allow(ctx); err != nil {
			return fallback(kmeme.ErrorMessage(err))
		}
	}
	prompt, err := userPrompt(in, base)
	if err != nil {
		return nil, err
	}
	var spent float64
	var mu sync.Mutex
	raw, err := resilience.Do(ctx, p.cfg.Breaker, p.cfg.Retry, func(ctx context.Context) (string, error) {
		text, usd, err := p.call(ctx, prompt, in.UserID)
		mu.Lock()
		spent += usd
		mu.Unlock()
		return text, err
	})
	base.Provenance.CostUSD = round6(base.Provenance.CostUSD + spent)
	if base.Provenance.Models == nil {
		base.Provenance.Models = map[string]string{}
	}
	if err != nil {
		if errors.Is(err, context.Canceled) && ctx.Err() != nil {
			return nil, fmt.Errorf("claude plan: %w", ctx.Err())
		}
		return fallback("unavailable (" + shortReason(err) + ")")
	}
	out, err := parseText(raw)
	if err != nil {
		return fallback("output rejected (" + shortReason(err) + ")")
	}
	merged, repaired := merge(base, out, in)
	if err := recipe.Validate(merged, in.Analysis); err != nil {
		return fallback("merged recipe failed validation (" + shortReason(err) + ")")
	}
	if err := recipe.CheckSchema(merged); err != nil {
		return fallback("merged recipe failed the schema (" + shortReason(err) + ")")
	}
	merged.Provenance.Models[kmeme.ProviderClaude] = p.cfg.Model
	if repaired > 0 {
		merged.Provenance.Fallbacks = append(merged.Provenance.Fallbacks,
			fmt.Sprintf("claude: %d field(s) broke the typesetting or schema rules and were kept from the local plan", repaired))
	}
	return merged, nil
}

// call makes one Messages request and records it in the ledger.
func (p *Planner) call(ctx context.Context, prompt string, user *string) (string, float64, error) {
	start := time.Now()
	msg, err := p.client.Messages.New(ctx, anthropic.MessageNewParams{
		Model:     anthropic.Model(p.cfg.Model),
		MaxTokens: p.cfg.MaxTokens,
		System:    []anthropic.TextBlockParam{{Text: systemPrompt}},
		Messages:  []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock(prompt))},
		OutputConfig: anthropic.OutputConfigParam{
			Format: anthropic.JSONOutputFormatParam{Schema: textSchemaMap()},
		},
	})
	lat := time.Since(start)
	var in, out int64
	text := ""
	if err == nil {
		in, out = msg.Usage.InputTokens, msg.Usage.OutputTokens
		for _, b := range msg.Content {
			if b.Type == "text" {
				text += b.Text
			}
		}
	}
	err = translate(err)
	usd := 0.0
	if p.cfg.Meter != nil {
		var rerr error
		usd, rerr = p.cfg.Meter.Record(context.WithoutCancel(ctx), costs.Call{
			Provider: kmeme.ProviderClaude, Model: p.cfg.Model, Operation: "plan", Price: p.cfg.Price,
			InputTokens: in, OutputTokens: out, Latency: lat, Err: err, UserID: user,
		})
		if rerr != nil {
			p.cfg.Logger.LogAttrs(ctx, slog.LevelError, "cost ledger", slog.String("error", rerr.Error()))
		}
	} else {
		usd = p.cfg.Price.USD(in, out)
	}
	if err == nil && strings.TrimSpace(text) == "" {
		return "", usd, errors.New("claude returned no text block")
	}
	return text, usd, err
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
		return "timed out"
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
// and source shots stay local. A field that breaks a rule keeps the local
// text; the count of such repairs is returned.
func merge(base *kmeme.Recipe, t *textOut, in kmeme.PlanInput) (*kmeme.Recipe, int) {
	var r kmeme.Recipe
	b, _ := json.Marshal(base)
	_ = json.Unmarshal(b, &r)
	if r.Provenance.Models == nil {
		r.Provenance.Models = map[string]string{}
	}
	repaired := 0
	parts := map[string]bool{}
	if in.Title == "" {
		if s := recipe.Normalize(t.Concept.Title); s != "" && len([]rune(s)) <= 60 {
			r.Concept.Title = s
		} else {
			repaired++
		}
	}
	if s := recipe.Normalize(t.Concept.Hook); s != "" {
		r.Concept.Hook = s
		parts["concept"] = true
	}
	if s := recipe.Normalize(t.Concept.Mechanism); s != "" {
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
			if v := recipe.Normalize(f.v); v != "" {
				*f.dst = v
				parts["shots"] = true
			}
		}
		if v := recipe.Normalize(cs.Overtitle); recipe.CheckOvertitle(v) == nil {
			sh.Overtitle = v
		} else {
			repaired++
		}
		if sh.Caption.Casual == "" {
			continue // too short a shot for a caption; keep it so
		}
		cas, err1 := recipe.Typeset(cs.CaptionCasual)
		pol, err2 := recipe.Typeset(cs.CaptionPolite)
		if err1 == nil && err2 == nil && cas != "" && pol != "" {
			sh.Caption = kmeme.Caption{Casual: cas, Polite: pol}
			parts["captions"] = true
		} else {
			repaired++
		}
	}
	var ads []kmeme.Adaptation
	for _, a := range t.Adaptations {
		if strings.TrimSpace(a.Source) != "" && strings.TrimSpace(a.Korean) != "" && strings.TrimSpace(a.Reason) != "" {
			ads = append(ads, a)
		}
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
