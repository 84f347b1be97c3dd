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
	Cache    kmeme.Cache
	CacheTTL time.Duration
	// MaxInlineBytes: a video up to this size is sent whole; larger ones
	// send their keyframes instead. Inline bytes travel base64-encoded in
	// the JSON body, which makes them 4/3 as large, and the whole request
	// must stay under the API's 20 MB inline limit: 14 MB of video is
	// 18.67 MB of base64, leaving room for the prompt (default 14 MB, see
	// InlineRequestBytes).
	MaxInlineBytes int64
	// MaxKeyframes bounds the keyframes sent, picked evenly across the
	// clip (default 8).
	MaxKeyframes int
	// MaxOutputTokens bounds the answer, thinking included (default 8192;
	// the description is a few hundred tokens).
	MaxOutputTokens int32
	HTTPClient      *http.Client
	Logger          *slog.Logger
}

// DefaultBaseURL is the Gemini Developer API.
const DefaultBaseURL = "https://generativelanguage.googleapis.com/"

// InlineRequestLimit is the API's limit on a request carrying inline data.
const InlineRequestLimit = 20_000_000

// DefaultMaxInlineBytes is the largest video sent inline: its base64 form
// (4/3 as large) plus the prompt stays under InlineRequestLimit.
const DefaultMaxInlineBytes = 14_000_000

// InlineRequestBytes is about how large a request carrying n inline bytes
// is: the base64 of the bytes plus a margin for the prompt and JSON.
func InlineRequestBytes(n int64) int64 { return (n+2)/3*4 + 16<<10 }

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
		cfg.MaxInlineBytes = DefaultMaxInlineBytes
	}
	if cfg.MaxOutputTokens <= 0 {
		cfg.MaxOutputTokens = 8192
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
	// Every setting is explicit, so the SDK takes nothing from the
	// environment: no GEMINI_API_KEY/GOOGLE_API_KEY, no
	// GOOGLE_GEMINI_BASE_URL, no GOOGLE_GENAI_USE_VERTEXAI.
	baseURL := cfg.BaseURL
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	cc := &genai.ClientConfig{
		APIKey: cfg.APIKey, Backend: genai.BackendGeminiAPI, HTTPClient: &wrapped,
		HTTPOptions: genai.HTTPOptions{BaseURL: baseURL, Timeout: &timeout},
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
	s, err := resilience.Do(ctx, d.cfg.Breaker, d.cfg.Retry, func(ctx context.Context) (*kmeme.Semantics, error) {
		return d.call(ctx, parts, in.UserID)
	})
	if err != nil {
		var ae *resilience.AnswerError
		if errors.As(err, &ae) {
			return nil, &kmeme.Error{Code: kmeme.EUNAVAILABLE, Message: "gemini answer rejected (" + ae.Kind + ")", Err: err}
		}
		return nil, fmt.Errorf("gemini describe: %w", err)
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
			if mime := VideoMIME(b, in.MIMEType); mime != "" {
				return append(ps, genai.NewPartFromBytes(b, mime)), nil
			}
			// A container Gemini does not read: show it the keyframes.
		}
	}
	for _, k := range SpreadKeyframes(in.Keyframes, d.cfg.MaxKeyframes) {
		b, err := os.ReadFile(k)
		if err != nil {
			continue
		}
		ps = append(ps, genai.NewPartFromBytes(b, "image/jpeg"))
	}
	if len(ps) == 1 {
		return nil, kmeme.Errorf(kmeme.EINVALID, "nothing to show Gemini: the video is too large to send or in a container it does not read, and there are no keyframes")
	}
	return ps, nil
}

// SpreadKeyframes picks at most n of the keyframes (in clip order), evenly
// spread from the first to the last, so a long clip is seen whole.
func SpreadKeyframes(frames []string, n int) []string {
	if n <= 0 || len(frames) <= n {
		return frames
	}
	if n == 1 {
		return []string{frames[len(frames)/2]}
	}
	out := make([]string, 0, n)
	for i := range n {
		out = append(out, frames[i*(len(frames)-1)/(n-1)])
	}
	return out
}

// VideoMIME is the MIME type of the container in head, read from its bytes
// (the stored type when the bytes do not say), or "" when Gemini does not
// take the container (Matroska, unknown bytes).
func VideoMIME(head []byte, stored string) string {
	switch {
	case len(head) >= 12 && string(head[4:8]) == "ftyp" && string(head[8:12]) == "qt  ":
		return "video/quicktime"
	case len(head) >= 12 && string(head[4:8]) == "ftyp" && string(head[8:11]) == "3gp":
		return "video/3gpp"
	case len(head) >= 8 && string(head[4:8]) == "ftyp":
		return "video/mp4"
	case len(head) >= 4 && head[0] == 0x1a && head[1] == 0x45 && head[2] == 0xdf && head[3] == 0xa3:
		// EBML: WebM says so in its DocType; other Matroska is not read.
		if n := min(len(head), 64); strings.Contains(string(head[:n]), "webm") {
			return "video/webm"
		}
		return ""
	case len(head) >= 3 && string(head[:3]) == "FLV":
		return "video/x-flv"
	case len(head) >= 4 && head[0] == 0 && head[1] == 0 && head[2] == 1 && (head[3] == 0xba || head[3] == 0xb3):
		return "video/mpeg"
	}
	switch stored {
	case "video/mp4", "video/quicktime", "video/webm", "video/mpeg", "video/x-flv", "video/3gpp", "video/wmv":
		return stored
	}
	return ""
}

// describePrompt names exactly the fields of semanticsSchema (a test
// checks): nothing is asked for that the answer has no place for.
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

// call makes one GenerateContent request, records it with what it really
// used, and reads the answer. A safety block, a length stop or an answer
// that breaks the schema is a resilience.AnswerError: billed, recorded,
// not retried.
func (d *Describer) call(ctx context.Context, parts []*genai.Part, user *string) (*kmeme.Semantics, error) {
	holder := &retryAfterHolder{}
	ctx = context.WithValue(ctx, retryAfterKey{}, holder)
	start := time.Now()
	resp, err := d.client.Models.GenerateContent(ctx, d.cfg.Model,
		[]*genai.Content{genai.NewContentFromParts(parts, genai.RoleUser)},
		&genai.GenerateContentConfig{ResponseMIMEType: "application/json", ResponseJsonSchema: semanticsSchema,
			MaxOutputTokens: d.cfg.MaxOutputTokens})
	lat := time.Since(start)
	var u costs.Usage
	var s *kmeme.Semantics
	if err == nil && resp != nil {
		u = usageOf(resp.UsageMetadata)
		s, err = d.answer(resp, u)
	}
	err = translate(err, holder.get())
	if d.cfg.Meter != nil {
		if _, rerr := d.cfg.Meter.Record(context.WithoutCancel(ctx), costs.Call{
			Provider: kmeme.ProviderGemini, Model: d.cfg.Model, Operation: "describe", Price: d.cfg.Price,
			Usage: u, Latency: lat, Err: err, UserID: user,
		}); rerr != nil {
			d.cfg.Logger.LogAttrs(ctx, slog.LevelError, "cost ledger", slog.String("error", rerr.Error()))
		}
	}
	return s, err
}

// CheckModel asks Gemini whether the configured model exists (Models.Get
// is free). A retired or unknown model is an error of one line naming
// KMEME_GEMINI_MODEL; a network failure is returned as it is.
func (d *Describer) CheckModel(ctx context.Context) error {
	if m, ok := costs.LookupModel(kmeme.ProviderGemini, d.cfg.Model); ok && m.Lifecycle == costs.Retired {
		return kmeme.Errorf(kmeme.EINVALID, "%v", costs.RetiredError("KMEME_GEMINI_MODEL", m))
	}
	_, err := d.client.Models.Get(ctx, d.cfg.Model, nil)
	var ae genai.APIError
	if errors.As(err, &ae) && (ae.Code == http.StatusUnauthorized || ae.Code == http.StatusForbidden || keyInvalid(ae)) {
		return kmeme.Errorf(kmeme.EINVALID, "KMEME_GEMINI_API_KEY: Gemini refused the key (HTTP %d)", ae.Code)
	}
	if errors.As(err, &ae) && (ae.Code == http.StatusNotFound || ae.Code == http.StatusBadRequest) {
		return kmeme.Errorf(kmeme.EINVALID, "KMEME_GEMINI_MODEL=%s: Gemini does not know this model (HTTP %d); use %s", d.cfg.Model, ae.Code, costs.DefaultGeminiModel)
	}
	if err != nil {
		return fmt.Errorf("gemini model check: %w", err)
	}
	return nil
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
