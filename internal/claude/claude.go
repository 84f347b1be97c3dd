// Package claude writes the Korean text of a recipe with Anthropic's Claude
// (github.com/anthropics/anthropic-sdk-go) through structured output. The
// local planner always makes the plan first, so timing never depends on the
// model; Claude rewrites the words. Output that breaks the schema or the
// typesetting rules is repaired field by field from the local plan, or the
// local plan is returned whole; so is every call the breaker, the budget or
// the provider refuses. The recipe's provenance says which happened.
package claude

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"

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
	// MaxTokens, when set, caps the answer; otherwise it is sized by the
	// plan (OutputBudget) and capped at the model's max output.
	MaxTokens int64
	// AttemptTimeout, when set, bounds one HTTP attempt; by default the
	// bound is sized by max_tokens (AttemptTimeoutFor, at least 45 s).
	// Retry.Deadline is raised to fit one whole attempt.
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
	if cfg.Breaker == nil {
		cfg.Breaker = resilience.NewBreaker(resilience.BreakerSettings{Name: "claude"})
	}
	if cfg.Local == nil {
		cfg.Local = recipe.NewLocal()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	opts := []option.RequestOption{
		// Nothing from the environment: no ANTHROPIC_API_KEY,
		// ANTHROPIC_BASE_URL, ANTHROPIC_CUSTOM_HEADERS or profiles.
		option.WithoutEnvironmentDefaults(),
		// The Messages API takes an API key in x-api-key. The SDK's
		// WithAPIKey sends it as "Authorization: Bearer", the header of
		// OAuth tokens, so the header is set here, and nothing else.
		option.WithHeader("X-Api-Key", cfg.APIKey),
		option.WithHeaderDel("Authorization"),
		option.WithHTTPClient(hc),
		option.WithMaxRetries(0), // resilience.Do retries, with our breaker and budget
	}
	if cfg.BaseURL != "" {
		opts = append(opts, option.WithBaseURL(cfg.BaseURL))
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
	maxTokens := p.maxTokens(len(base.Shots))
	attempt := p.cfg.AttemptTimeout
	if attempt <= 0 {
		attempt = AttemptTimeoutFor(maxTokens, 45*time.Second)
	}
	retry := p.cfg.Retry
	if retry.Deadline < attempt+30*time.Second {
		retry.Deadline = attempt + 30*time.Second // one whole attempt, and a quick retry of a quick failure
	}
	var spent float64
	var mu sync.Mutex
	out, err := resilience.Do(ctx, p.cfg.Breaker, retry, func(ctx context.Context) (*textOut, error) {
		out, usd, err := p.call(ctx, prompt, maxTokens, attempt, in.UserID)
		mu.Lock()
		spent += usd
		mu.Unlock()
		return out, err
	})
	base.Provenance.CostUSD = round6(base.Provenance.CostUSD + spent)
	if base.Provenance.Models == nil {
		base.Provenance.Models = map[string]string{}
	}
	if err != nil {
		if errors.Is(err, context.Canceled) && ctx.Err() != nil {
			return nil, fmt.Errorf("claude plan: %w", ctx.Err())
		}
		var ae *resilience.AnswerError
		if errors.As(err, &ae) {
			return fallback(answerReason(ae))
		}
		return fallback("unavailable (" + shortReason(err) + ")")
	}
	merged, repaired := merge(base, out, in)
	if err := recipe.Validate(merged, in.Analysis); err != nil {
		return fallback("merged recipe failed validation (" + shortReason(err) + ")")
	}
	if err := recipe.CheckSchema(merged); err != nil {
		return fallback("merged recipe failed the schema (" + shortReason(err) + ")")
	}
	if err := recipe.CheckGrounded(merged); err != nil {
		return fallback("merged recipe broke a grounded rule (" + shortReason(err) + ")")
	}
	merged.Provenance.Models[kmeme.ProviderClaude] = p.cfg.Model
	if repaired > 0 {
		merged.Provenance.Fallbacks = append(merged.Provenance.Fallbacks,
			fmt.Sprintf("claude: %d field(s) broke the typesetting or schema rules and were kept from the local plan", repaired))
	}
	return merged, nil
}

// Output budget: a rewritten shot is about 200 tokens of Korean text and
// JSON; the concept, adaptations and hashtags about 1500; adaptive
// thinking gets an allowance on top (thinking counts as output).
const (
	TokensPerShot     = 300
	TokensOverhead    = 2000
	ThinkingAllowance = 4000
)

// OutputBudget is the max_tokens for a plan of n shots.
func OutputBudget(n int) int64 {
	return int64(TokensOverhead + ThinkingAllowance + max(n, 1)*TokensPerShot)
}

func (p *Planner) maxTokens(shots int) int64 {
	b := OutputBudget(shots)
	if p.cfg.MaxTokens > 0 {
		b = min(b, p.cfg.MaxTokens)
	}
	if m, ok := costs.LookupModel(kmeme.ProviderClaude, p.cfg.Model); ok && m.MaxOutput > 0 {
		b = min(b, m.MaxOutput)
	}
	return b
}

// AttemptTimeoutFor is how long one attempt writing up to maxTokens may
// take: the SDK's own estimate (an hour per 128,000 output tokens) plus 30
// s for the prompt, never less than floor.
func AttemptTimeoutFor(maxTokens int64, floor time.Duration) time.Duration {
	d := 30*time.Second + time.Duration(float64(time.Hour)*float64(maxTokens)/128000)
	return max(d, floor)
}

// call makes one Messages request, records it in the ledger with the
// tokens really used, and reads the answer. A refusal, a max_tokens stop
// or an answer that breaks the schema is a resilience.AnswerError.
func (p *Planner) call(ctx context.Context, prompt string, maxTokens int64, timeout time.Duration, user *string) (*textOut, float64, error) {
	start := time.Now()
	oc := anthropic.OutputConfigParam{Format: anthropic.JSONOutputFormatParam{Schema: textSchemaMap()}}
	if adaptive(p.cfg.Model) {
		oc.Effort = anthropic.OutputConfigEffortLow // rewriting text; deep thinking buys little
	}
	msg, err := p.client.Messages.New(ctx, anthropic.MessageNewParams{
		Model:        anthropic.Model(p.cfg.Model),
		MaxTokens:    maxTokens,
		System:       []anthropic.TextBlockParam{{Text: systemPrompt}},
		Messages:     []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock(prompt))},
		OutputConfig: oc,
	}, option.WithRequestTimeout(timeout))
	lat := time.Since(start)
	var u costs.Usage
	var out *textOut
	if err == nil {
		u = costs.Usage{
			InputTokens:      msg.Usage.InputTokens + msg.Usage.CacheReadInputTokens + msg.Usage.CacheCreationInputTokens,
			CachedTokens:     msg.Usage.CacheReadInputTokens,
			CacheWriteTokens: msg.Usage.CacheCreationInputTokens,
			OutputTokens:     msg.Usage.OutputTokens,
			ThinkingTokens:   msg.Usage.OutputTokensDetails.ThinkingTokens,
		}
		out, err = answer(msg, u, maxTokens)
	}
	err = translate(err)
	if err != nil && u == (costs.Usage{}) && timedOut(err) && !errors.Is(ctx.Err(), context.Canceled) {
		// The provider may have written (and billed) up to max_tokens
		// before the attempt gave up, and said nothing of it: the budget
		// counts the upper bound rather than nothing.
		u = costs.Usage{InputTokens: EstimateInputTokens(systemPrompt + prompt), OutputTokens: maxTokens}
		err = fmt.Errorf("%w (usage unknown; recorded at the upper bound of %d input and %d output tokens)", err, u.InputTokens, u.OutputTokens)
	}
	usd := 0.0
	if p.cfg.Meter != nil {
		var rerr error
		usd, rerr = p.cfg.Meter.Record(context.WithoutCancel(ctx), costs.Call{
			Provider: kmeme.ProviderClaude, Model: p.cfg.Model, Operation: "plan", Price: p.cfg.Price,
			Usage: u, Latency: lat, Err: err, UserID: user,
		})
		if rerr != nil {
			p.cfg.Logger.LogAttrs(ctx, slog.LevelError, "cost ledger", slog.String("error", rerr.Error()))
		}
	} else {
		usd = p.cfg.Price.Cost(u)
	}
	return out, usd, err
}

// timedOut reports an attempt that ran out of time (its own deadline or
// the HTTP client's).
func timedOut(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne interface{ Timeout() bool }
	return errors.As(err, &ne) && ne.Timeout()
}

// EstimateInputTokens is an upper estimate of the tokens of s: a Hangul
// syllable is about one token, three bytes in UTF-8; ASCII JSON runs about
// four bytes a token, so bytes/3 errs on the high side.
func EstimateInputTokens(s string) int64 { return int64(len(s)+2) / 3 }

// adaptive reports whether the model thinks adaptively and takes effort.
func adaptive(model string) bool {
	for _, pre := range []string{"claude-sonnet-5", "claude-opus-5", "claude-fable-5"} {
		if strings.HasPrefix(model, pre) {
			return true
		}
	}
	return false
}

// CheckModel asks Anthropic about the configured model (the Models API
// is free). A retired or unknown model is an error of one line naming
// KMEME_CLAUDE_MODEL; a deprecated one is a warning (returned as the
// string); a network failure is returned as it is.
func (p *Planner) CheckModel(ctx context.Context) (string, error) {
	if m, ok := costs.LookupModel(kmeme.ProviderClaude, p.cfg.Model); ok && m.Lifecycle == costs.Retired {
		return "", kmeme.Errorf(kmeme.EINVALID, "%v", costs.RetiredError("KMEME_CLAUDE_MODEL", m))
	}
	info, err := p.client.Models.Get(ctx, p.cfg.Model, anthropic.ModelGetParams{}, option.WithRequestTimeout(15*time.Second))
	var ae *anthropic.Error
	if errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound {
		return "", kmeme.Errorf(kmeme.EINVALID, "KMEME_CLAUDE_MODEL=%s: Anthropic does not know this model (HTTP 404); use %s", p.cfg.Model, costs.DefaultClaudeModel)
	}
	if errors.As(err, &ae) && (ae.StatusCode == http.StatusUnauthorized || ae.StatusCode == http.StatusForbidden) {
		return "", kmeme.Errorf(kmeme.EINVALID, "KMEME_ANTHROPIC_API_KEY: Anthropic refused the key (HTTP %d)", ae.StatusCode)
	}
	if err != nil {
		return "", fmt.Errorf("claude model check: %w", err)
	}
	switch info.Lifecycle {
	case anthropic.ModelInfoLifecycleRetired:
		return "", kmeme.Errorf(kmeme.EINVALID, "KMEME_CLAUDE_MODEL=%s: the model is retired; use %s", p.cfg.Model, costs.DefaultClaudeModel)
	case anthropic.ModelInfoLifecycleDeprecated:
		w := fmt.Sprintf("KMEME_CLAUDE_MODEL=%s is deprecated", p.cfg.Model)
		if !info.RetiresAt.IsZero() {
			w += " and retires on " + info.RetiresAt.UTC().Format("2006-01-02")
		}
		return w + "; move to " + costs.DefaultClaudeModel, nil
	}
	return "", nil
}
