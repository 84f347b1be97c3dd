// Package gemini asks Google's Gemini (google.golang.org/genai) what is on
// screen in a video: a description, on-screen text, the meme format,
// objects and mood. The answer fills Analysis.Semantics and never changes a
// measured time. Answers are cached 24 h by content hash (with the source
// URL as an alias key, as the design keyed it); calls go through the
// breaker, retries, budget and cost ledger.
package gemini

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"google.golang.org/genai"

	"github.com/kmeme-factory/kmeme/internal/costs"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/resilience"
)

// Config configures a Describer. APIKey and Model are required.
type Config struct {
	APIKey  string
	Model   string
	BaseURL string // empty: the SDK's default
	Price   costs.Price
	// AttemptTimeout bounds one HTTP attempt (default 60 s).
	AttemptTimeout time.Duration
	Retry          resilience.Retry
	Breaker        *resilience.Breaker
	Budget         *costs.Budget
	Meter          *costs.Meter
	// Cache keeps answers for CacheTTL (default 24 h); nil means no cache.
	Cache    Cache
	CacheTTL time.Duration
	// MaxInlineBytes: a video up to this size is sent whole; larger ones
	// send their keyframes instead (default 15 MB, under the API's 20 MB
	// inline request limit).
	MaxInlineBytes int64
	// MaxKeyframes bounds the keyframes sent (default 8).
	MaxKeyframes int
	HTTPClient   *http.Client
	Logger       *slog.Logger
}

// Describer is a kmeme.VideoDescriber backed by Gemini.
type Describer struct {
	cfg    Config
	client *genai.Client
}

var _ kmeme.VideoDescriber = (*Describer)(nil)

// New returns a Describer.
func New(ctx context.Context, cfg Config) (*Describer, error) {
	if cfg.APIKey == "" {
		return nil, kmeme.FieldError("KMEME_GEMINI_API_KEY", "is empty")
	}
	if cfg.Model == "" {
		return nil, kmeme.FieldError("KMEME_GEMINI_MODEL", "is empty")
	}
	if cfg.AttemptTimeout <= 0 {
		cfg.AttemptTimeout = 60 * time.Second
	}
	if cfg.Breaker == nil {
		cfg.Breaker = resilience.NewBreaker(resilience.BreakerSettings{Name: "gemini"})
	}
	if cfg.CacheTTL <= 0 {
		cfg.CacheTTL = costs.DefaultCacheTTL
	}
	if cfg.MaxInlineBytes <= 0 {
		cfg.MaxInlineBytes = 15 << 20
	}
	if cfg.MaxKeyframes <= 0 {
		cfg.MaxKeyframes = 8
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	// Wrap the transport to read Retry-After, which genai's APIError drops.
	wrapped := *hc
	base := wrapped.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	wrapped.Transport = retryAfterTransport{base: base}
	timeout := cfg.AttemptTimeout
	cc := &genai.ClientConfig{
		APIKey: cfg.APIKey, Backend: genai.BackendGeminiAPI, HTTPClient: &wrapped,
		HTTPOptions: genai.HTTPOptions{BaseURL: cfg.BaseURL, Timeout: &timeout},
	}
	client, err := genai.NewClient(ctx, cc)
	if err != nil {
		return nil, fmt.Errorf("gemini client: %w", err)
	}
	return &Describer{cfg: cfg, client: client}, nil
}

// Apply puts what Gemini saw into the analysis. Only Semantics changes;
// every measured time stays as measured.
func Apply(a *kmeme.Analysis, s *kmeme.Semantics) {
	if a != nil && s != nil {
		a.Semantics = s
	}
}

// Describe asks Gemini what is on screen, or answers from the cache.
func (d *Describer) Describe(ctx context.Context, in kmeme.DescribeInput) (*kmeme.Semantics, error) {
	keys := cacheKeys(d.cfg.Model, in)
	if len(keys) == 0 {
		return nil, kmeme.Errorf(kmeme.EINVALID, "describe needs a content hash or a URL")
	}
	if d.cfg.Cache != nil {
		for _, k := range keys {
			b, ok, err := d.cfg.Cache.Get(ctx, k)
			if err != nil {
				d.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "gemini cache", slog.String("error", err.Error()))
				break
			}
			var s kmeme.Semantics
			if ok && json.Unmarshal(b, &s) == nil {
				if d.cfg.Meter != nil {
					d.cfg.Meter.Record(context.WithoutCancel(ctx), costs.Call{Provider: kmeme.ProviderGemini, Model: d.cfg.Model,
						Operation: "describe", Price: d.cfg.Price, CacheHit: true, UserID: in.UserID})
				}
				return &s, nil
			}
		}
	}
	if d.cfg.Budget != nil {
		if err := d.cfg.Budget.Allow(ctx); err != nil {
			return nil, err
		}
	}
	parts, err := d.parts(in)
	if err != nil {
		return nil, err
	}
	raw, err := resilience.Do(ctx, d.cfg.Breaker, d.cfg.Retry, func(ctx context.Context) (string, error) {
		return d.call(ctx, parts, in.UserID)
	})
	if err != nil {
		return nil, fmt.Errorf("gemini describe: %w", err)
	}
	s, err := parseSemantics(raw)
	if err != nil {
		return nil, &kmeme.Error{Code: kmeme.EUNAVAILABLE, Message: "gemini answer rejected", Err: err}
	}
	s.Engine = kmeme.ProviderGemini + ":" + d.cfg.Model
	if d.cfg.Cache != nil {
		b, _ := json.Marshal(s)
		for _, k := range keys {
			if err := d.cfg.Cache.Set(ctx, k, b, d.cfg.CacheTTL); err != nil {
				d.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "gemini cache", slog.String("error", err.Error()))
			}
		}
	}
	return s, nil
}

func cacheKeys(model string, in kmeme.DescribeInput) []string {
	var ks []string
	if in.ContentHash != "" {
		ks = append(ks, "gemini:sha256:"+in.ContentHash+":"+model)
	}
	if in.URL != "" {
		ks = append(ks, "gemini:"+in.URL+":"+model) // the design's gemini:{video_url} key
	}
	return ks
}

// parts is the request: the instruction, then the video or its keyframes.
func (d *Describer) parts(in kmeme.DescribeInput) ([]*genai.Part, error) {
	ps := []*genai.Part{genai.NewPartFromText(describePrompt)}
	if in.VideoPath != "" {
		if st, err := os.Stat(in.VideoPath); err == nil && st.Size() <= d.cfg.MaxInlineBytes {
			b, err := os.ReadFile(in.VideoPath)
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", in.VideoPath, err)
			}
			mime := in.MIMEType
			if mime == "" {
				mime = "video/mp4"
			}
			return append(ps, genai.NewPartFromBytes(b, mime)), nil
		}
	}
	n := 0
	for _, k := range in.Keyframes {
		if n >= d.cfg.MaxKeyframes {
			break
		}
		b, err := os.ReadFile(k)
		if err != nil {
			continue
		}
		ps = append(ps, genai.NewPartFromBytes(b, "image/jpeg"))
		n++
	}
	if len(ps) == 1 {
		return nil, kmeme.Errorf(kmeme.EINVALID, "nothing to show Gemini: the video is too large to send and there are no keyframes")
	}
	return ps, nil
}

const describePrompt = `This is a short-form video (a meme). Describe what is on screen for a Korean creator who will remake it.
Return JSON: description (one or two sentences), on_screen_text (texts shown, verbatim), format (the meme format, e.g. "dance challenge", "reaction", "pov skit", "transition", "lip sync", "expectation vs reality"), objects (key props or subjects), mood (one or two words).
Do not estimate tempo, beats or times.`

var semanticsSchema = map[string]any{
	"type": "object",
	"properties": map[string]any{
		"description":    map[string]any{"type": "string"},
		"on_screen_text": map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
		"format":         map[string]any{"type": "string"},
		"objects":        map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
		"mood":           map[string]any{"type": "string"},
	},
	"required": []any{"description", "format"},
}

// call makes one GenerateContent request and records it.
func (d *Describer) call(ctx context.Context, parts []*genai.Part, user *string) (string, error) {
	holder := &retryAfterHolder{}
	ctx = context.WithValue(ctx, retryAfterKey{}, holder)
	start := time.Now()
	resp, err := d.client.Models.GenerateContent(ctx, d.cfg.Model,
		[]*genai.Content{genai.NewContentFromParts(parts, genai.RoleUser)},
		&genai.GenerateContentConfig{ResponseMIMEType: "application/json", ResponseJsonSchema: semanticsSchema})
	lat := time.Since(start)
	var in, out int64
	text := ""
	if err == nil && resp != nil {
		if u := resp.UsageMetadata; u != nil {
			in, out = int64(u.PromptTokenCount), int64(u.CandidatesTokenCount)+int64(u.ThoughtsTokenCount)
		}
		text = resp.Text()
	}
	err = translate(err, holder.get())
	if d.cfg.Meter != nil {
		if _, rerr := d.cfg.Meter.Record(context.WithoutCancel(ctx), costs.Call{
			Provider: kmeme.ProviderGemini, Model: d.cfg.Model, Operation: "describe", Price: d.cfg.Price,
			InputTokens: in, OutputTokens: out, Latency: lat, Err: err, UserID: user,
		}); rerr != nil {
			d.cfg.Logger.LogAttrs(ctx, slog.LevelError, "cost ledger", slog.String("error", rerr.Error()))
		}
	}
	if err == nil && strings.TrimSpace(text) == "" {
		return "", errors.New("gemini returned no text")
	}
	return text, err
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

// retryAfterTransport copies a Retry-After header of a failed response
// into the holder carried by the request's context.
type retryAfterTransport struct{ base http.RoundTripper }

type retryAfterKey struct{}

type retryAfterHolder struct {
	mu sync.Mutex
	d  time.Duration
}

func (h *retryAfterHolder) get() time.Duration { h.mu.Lock(); defer h.mu.Unlock(); return h.d }

// RoundTrip implements http.RoundTripper.
func (t retryAfterTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if err == nil && resp.StatusCode >= 400 {
		if h, ok := r.Context().Value(retryAfterKey{}).(*retryAfterHolder); ok {
			h.mu.Lock()
			h.d = resilience.ParseRetryAfter(resp.Header, time.Now())
			h.mu.Unlock()
		}
	}
	return resp, err
}
