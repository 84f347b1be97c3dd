package gemini

// Gemini's answer: usage, reading and parsing it, and the error translation.

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"google.golang.org/genai"

	"github.com/kmeme-factory/kmeme/internal/costs"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/resilience"
)

// usageOf reads the billed tokens: prompt (cached and audio parts named),
// answer and thinking.
func usageOf(m *genai.GenerateContentResponseUsageMetadata) costs.Usage {
	if m == nil {
		return costs.Usage{}
	}
	u := costs.Usage{
		InputTokens:    int64(m.PromptTokenCount) + int64(m.ToolUsePromptTokenCount),
		CachedTokens:   int64(m.CachedContentTokenCount),
		OutputTokens:   int64(m.CandidatesTokenCount) + int64(m.ThoughtsTokenCount),
		ThinkingTokens: int64(m.ThoughtsTokenCount),
	}
	for _, p := range m.PromptTokensDetails {
		if p != nil && p.Modality == genai.MediaModalityAudio {
			u.AudioTokens += int64(p.TokenCount)
		}
	}
	// Cached audio is billed at the cached rate, not twice.
	for _, p := range m.CacheTokensDetails {
		if p != nil && p.Modality == genai.MediaModalityAudio {
			u.AudioTokens = max(u.AudioTokens-int64(p.TokenCount), 0)
		}
	}
	return u
}

// answer reads the one candidate, or says by name why there is none.
func (d *Describer) answer(resp *genai.GenerateContentResponse, u costs.Usage) (*kmeme.Semantics, error) {
	ans := func(kind, detail string) error {
		return &resilience.AnswerError{Provider: kmeme.ProviderGemini, Kind: kind, Detail: detail}
	}
	if resp.ModelStatus != nil && (resp.ModelStatus.ModelStage == genai.ModelStageDeprecated || resp.ModelStatus.ModelStage == genai.ModelStageRetired) {
		d.cfg.Logger.Warn("gemini model status", "model", d.cfg.Model, "stage", string(resp.ModelStatus.ModelStage),
			"retires", resp.ModelStatus.RetirementTime, "message", resp.ModelStatus.Message)
	}
	if mv := resp.ModelVersion; mv != "" && !strings.HasPrefix(mv, d.cfg.Model) {
		// A shut-down model's requests are rerouted and billed as another.
		d.cfg.Logger.Warn("gemini answered with another model; prices may differ", "configured", d.cfg.Model, "answered_by", mv)
	}
	if pf := resp.PromptFeedback; pf != nil && pf.BlockReason != "" {
		return nil, ans(resilience.AnswerSafety, "prompt blocked: "+string(pf.BlockReason)+" "+pf.BlockReasonMessage)
	}
	if len(resp.Candidates) == 0 || resp.Candidates[0] == nil {
		return nil, ans(resilience.AnswerEmpty, "no candidate")
	}
	c := resp.Candidates[0]
	switch c.FinishReason {
	case genai.FinishReasonStop, genai.FinishReasonUnspecified, "":
	case genai.FinishReasonMaxTokens:
		return nil, ans(resilience.AnswerMaxTokens, fmt.Sprintf("MAX_TOKENS: cut off at %d output tokens (%d thinking) of maxOutputTokens %d",
			u.OutputTokens, u.ThinkingTokens, d.cfg.MaxOutputTokens))
	case genai.FinishReasonSafety, genai.FinishReasonBlocklist, genai.FinishReasonProhibitedContent, genai.FinishReasonSPII,
		genai.FinishReasonImageSafety, genai.FinishReasonRecitation, genai.FinishReasonImageProhibitedContent:
		return nil, ans(resilience.AnswerSafety, "finish reason "+string(c.FinishReason))
	default:
		return nil, ans(resilience.AnswerEmpty, "finish reason "+string(c.FinishReason))
	}
	text := resp.Text()
	if strings.TrimSpace(text) == "" {
		return nil, ans(resilience.AnswerEmpty, "no text")
	}
	s, err := parseSemantics(text)
	if err != nil {
		return nil, ans(resilience.AnswerSchema, err.Error())
	}
	return s, nil
}

// keyInvalid reports Gemini's answer to a bad key: HTTP 400 with the
// ErrorInfo reason API_KEY_INVALID.
func keyInvalid(ae genai.APIError) bool {
	for _, det := range ae.Details {
		if r, _ := det["reason"].(string); r == "API_KEY_INVALID" {
			return true
		}
	}
	return false
}

// translate turns genai's APIError into a resilience.StatusError carrying
// the Retry-After header or the google.rpc.RetryInfo delay.
func translate(err error, headerRA time.Duration) error {
	if err == nil {
		return nil
	}
	var ae genai.APIError
	if errors.As(err, &ae) {
		se := &resilience.StatusError{Provider: kmeme.ProviderGemini, Status: ae.Code, RetryAfter: headerRA, Err: err}
		for _, det := range ae.Details {
			if t, _ := det["@type"].(string); strings.HasSuffix(t, "google.rpc.RetryInfo") {
				if s, _ := det["retryDelay"].(string); s != "" {
					if dd, err := time.ParseDuration(s); err == nil && dd > se.RetryAfter {
						se.RetryAfter = dd
					}
				}
			}
		}
		return se
	}
	return err
}

// parseSemantics decodes and tidies Gemini's JSON.
func parseSemantics(raw string) (*kmeme.Semantics, error) {
	raw = strings.TrimSpace(raw)
	raw = strings.TrimPrefix(strings.TrimSuffix(raw, "```"), "```json")
	var s kmeme.Semantics
	dec := json.NewDecoder(strings.NewReader(raw))
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	clean := func(x string, n int) string {
		x = strings.Join(strings.Fields(x), " ")
		if r := []rune(x); len(r) > n {
			x = string(r[:n]) + "…"
		}
		return x
	}
	s.Description = clean(s.Description, 500)
	s.Format = clean(s.Format, 60)
	s.Mood = clean(s.Mood, 40)
	list := func(xs []string, n int) []string {
		var out []string
		for _, x := range xs {
			if x = clean(x, 120); x != "" && len(out) < n {
				out = append(out, x)
			}
		}
		return out
	}
	s.OnScreenText = list(s.OnScreenText, 10)
	s.Objects = list(s.Objects, 12)
	if s.Description == "" && s.Format == "" {
		return nil, errors.New("answer has neither a description nor a format")
	}
	return &s, nil
}
