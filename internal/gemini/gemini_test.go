package gemini

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/config"
	"github.com/kmeme-factory/kmeme/internal/costs"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/media/mediatest"
	"github.com/kmeme-factory/kmeme/internal/recipe/recipetest"
	"github.com/kmeme-factory/kmeme/internal/resilience"
)

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// knownModels are the model names the fake serves: the live ones of the
// price table, as the real API serves only models that exist.
func knownModels() map[string]bool {
	m := map[string]bool{}
	for _, r := range costs.Table {
		if r.Provider == kmeme.ProviderGemini && r.Lifecycle != costs.Retired {
			m[r.ID] = true
		}
	}
	return m
}

// server is a local stand-in for the Gemini API, as strict as the real
// one on what it checks: the API key in x-goog-api-key and nowhere else,
// known model names only (404 with the real body otherwise), and inline
// video whose bytes are the container its mimeType names.
type server struct {
	*httptest.Server
	mu      sync.Mutex
	replies []http.HandlerFunc
	hits    atomic.Int32
	gets    atomic.Int32
	bodies  []map[string]any
}

func newServer(t *testing.T, replies ...http.HandlerFunc) *server {
	s := &server{replies: replies}
	known := knownModels()
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		if r.Header.Get("X-Goog-Api-Key") != "test-key" || r.Header.Get("Authorization") != "" || r.URL.Query().Get("key") != "" {
			w.WriteHeader(400)
			fmt.Fprint(w, `{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com","metadata":{"service":"generativelanguage.googleapis.com"}}]}}`)
			return
		}
		rest, ok := strings.CutPrefix(r.URL.Path, "/v1beta/models/")
		model, method, _ := strings.Cut(rest, ":")
		if !ok || !known[model] {
			w.WriteHeader(404)
			fmt.Fprintf(w, `{"error":{"code":404,"message":"models/%s is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.","status":"NOT_FOUND"}}`, model)
			return
		}
		if r.Method == http.MethodGet && method == "" {
			s.gets.Add(1)
			fmt.Fprintf(w, `{"name":"models/%s","version":"001","displayName":"Gemini","inputTokenLimit":1048576,"outputTokenLimit":65536,"supportedGenerationMethods":["generateContent","countTokens"],"thinking":true}`, model)
			return
		}
		if r.Method != http.MethodPost || method != "generateContent" {
			w.WriteHeader(404)
			fmt.Fprint(w, `{"error":{"code":404,"message":"Method not found.","status":"NOT_FOUND"}}`)
			return
		}
		// Count on arrival, so a request that times out while its body is
		// read still counts.
		i := int(s.hits.Add(1)) - 1
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		if msg := checkInline(body); msg != "" {
			w.WriteHeader(400)
			fmt.Fprintf(w, `{"error":{"code":400,"message":%q,"status":"INVALID_ARGUMENT"}}`, msg)
			return
		}
		s.mu.Lock()
		s.bodies = append(s.bodies, body)
		reply := s.replies[min(i, len(s.replies)-1)]
		s.mu.Unlock()
		reply(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// checkInline answers what the real API says of inline data whose bytes
// are not what its mimeType claims ("" when all parts are well formed).
func checkInline(body map[string]any) string {
	contents, _ := body["contents"].([]any)
	for _, c := range contents {
		parts, _ := c.(map[string]any)["parts"].([]any)
		for _, p := range parts {
			in, ok := p.(map[string]any)["inlineData"].(map[string]any)
			if !ok {
				continue
			}
			mime, _ := in["mimeType"].(string)
			data, err := base64.StdEncoding.DecodeString(fmt.Sprint(in["data"]))
			if err != nil {
				return "Invalid value at 'contents[0].parts[1].inline_data.data' (TYPE_BYTES), Base64 decoding failed"
			}
			isoBMFF := len(data) > 12 && string(data[4:8]) == "ftyp"
			var good bool
			switch mime {
			case "video/mp4":
				good = isoBMFF && string(data[8:10]) != "qt"
			case "video/quicktime":
				good = isoBMFF && string(data[8:10]) == "qt"
			case "video/webm":
				good = len(data) > 4 && bytes.Equal(data[:4], []byte{0x1a, 0x45, 0xdf, 0xa3})
			case "image/jpeg":
				good = len(data) > 3 && bytes.Equal(data[:3], []byte{0xff, 0xd8, 0xff})
			}
			if !good {
				return "Request contains an invalid argument."
			}
		}
	}
	return ""
}

// ok answers text with the usage a real answer carries: prompt tokens by
// modality, thinking tokens apart from the answer's.
func ok(text string, in, out int) http.HandlerFunc {
	return okUsage(text, map[string]any{"promptTokenCount": in, "candidatesTokenCount": out, "totalTokenCount": in + out,
		"promptTokensDetails": []any{map[string]any{"modality": "TEXT", "tokenCount": in}}})
}

func okUsage(text string, usage map[string]any) http.HandlerFunc {
	return finish(text, "STOP", usage)
}

func finish(text, reason string, usage map[string]any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		parts := []any{}
		if text != "" {
			parts = append(parts, map[string]any{"text": text})
		}
		json.NewEncoder(w).Encode(map[string]any{
			"candidates": []any{map[string]any{
				"content":      map[string]any{"role": "model", "parts": parts},
				"finishReason": reason, "index": 0,
			}},
			"usageMetadata": usage,
			"modelVersion":  "gemini-3.8-flash",
			"responseId":    "resp-1",
		})
	}
}

func fail(code int, status string, retryHeader, retryInfo string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if retryHeader != "" {
			w.Header().Set("Retry-After", retryHeader)
		}
		w.WriteHeader(code)
		details := "[]"
		if retryInfo != "" {
			details = fmt.Sprintf(`[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":%q}]`, retryInfo)
		}
		fmt.Fprintf(w, `{"error":{"code":%d,"message":"scripted","status":%q,"details":%s}}`, code, status, details)
	}
}

// testModel is the model the tests configure: the default, which the fake
// serves.
const testModel = costs.DefaultGeminiModel

// testPrice is its row of the price table.
func testPrice() costs.Price {
	m, _ := costs.LookupModel(kmeme.ProviderGemini, testModel)
	return m.Price
}

// smallMP4 is a real 1-second 64×64 H.264 MP4 made by ffmpeg.
func smallMP4(t *testing.T) string {
	return mediatest.FFmpeg(t, "v.mp4", "-f", "lavfi", "-i", "testsrc=size=64x64:rate=5:duration=1",
		"-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart")
}

const goodJSON = `{"description":"A cat stares at a cucumber and jumps.","on_screen_text":["when the cucumber hits"],"format":"reaction","objects":["cat","cucumber"],"mood":"funny"}`

type bundle struct {
	d      *Describer
	clock  *fakeClock
	waits  *[]time.Duration
	ledger *costs.FileLedger
	video  string
	in     kmeme.DescribeInput
}

func setup(t *testing.T, s *server, tweak func(*Config)) bundle {
	t.Helper()
	dir := t.TempDir()
	clk := &fakeClock{now: time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)}
	var waits []time.Duration
	ledger := costs.NewFileLedger(filepath.Join(dir, "costs.jsonl"), 81)
	video := smallMP4(t)
	kf := filepath.Join(dir, "shot-001.jpg")
	os.WriteFile(kf, tinyJPEG(), 0o644)
	cfg := Config{
		APIKey: "test-key", Model: testModel, BaseURL: s.URL, Price: testPrice(),
		AttemptTimeout: 5 * time.Second,
		Retry: resilience.Retry{Attempts: 3, Base: time.Second, Jitter: func() float64 { return 0.25 },
			Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }},
		Breaker: resilience.NewBreaker(resilience.BreakerSettings{Name: "gemini", Failures: 3, OpenFor: time.Minute, Now: clk.Now}),
		Meter:   &costs.Meter{Ledger: ledger, Now: clk.Now},
		Budget:  &costs.Budget{Ledger: ledger, BudgetUSD: 81, Now: clk.Now},
		Cache:   &FileCache{Dir: filepath.Join(dir, "cache"), Now: clk.Now},
	}
	if tweak != nil {
		tweak(&cfg)
	}
	d, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return bundle{d: d, clock: clk, waits: &waits, ledger: ledger, video: video,
		in: kmeme.DescribeInput{VideoPath: video, MIMEType: "video/mp4", ContentHash: strings.Repeat("ab", 32),
			URL: "https://example.com/v/1", Keyframes: []string{kf}}}
}

func entries(t *testing.T, l *costs.FileLedger) []kmeme.CostEntry {
	t.Helper()
	b, _ := os.ReadFile(l.Path)
	var out []kmeme.CostEntry
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if line == "" {
			continue
		}
		var e kmeme.CostEntry
		json.Unmarshal([]byte(line), &e)
		out = append(out, e)
	}
	return out
}

func TestDescribeAndCache(t *testing.T) {
	t.Parallel()
	s := newServer(t, ok(goodJSON, 2000, 150))
	b := setup(t, s, nil)
	sem, err := b.d.Describe(context.Background(), b.in)
	if err != nil {
		t.Fatal(err)
	}
	if sem.Format != "reaction" || sem.OnScreenText[0] != "when the cucumber hits" || sem.Engine != "gemini:"+testModel {
		t.Errorf("semantics %+v", sem)
	}
	// The video went inline, with JSON output requested.
	body := s.bodies[0]
	raw, _ := json.Marshal(body)
	if !strings.Contains(string(raw), `"mimeType":"video/mp4"`) || !strings.Contains(string(raw), `"responseMimeType":"application/json"`) {
		t.Errorf("request body %s", raw)
	}
	// Second call: from the cache, no request, costed at zero.
	if _, err := b.d.Describe(context.Background(), b.in); err != nil {
		t.Fatal(err)
	}
	// URL alias: only the URL known.
	if _, err := b.d.Describe(context.Background(), kmeme.DescribeInput{URL: b.in.URL}); err != nil {
		t.Fatal(err)
	}
	if s.hits.Load() != 1 {
		t.Errorf("%d requests, want 1 (cache by hash and by URL)", s.hits.Load())
	}
	es := entries(t, b.ledger)
	want := (2000*testPrice().InputPerM + 150*testPrice().OutputPerM) / 1e6
	if len(es) != 3 || es[0].CacheHit || math.Abs(es[0].CostUSD-want) > 1e-12 || !es[1].CacheHit || es[1].CostUSD != 0 || !es[2].CacheHit {
		t.Errorf("ledger %+v", es)
	}
	// After 24 h the cache entry expires.
	b.clock.Advance(24*time.Hour + time.Second)
	if _, err := b.d.Describe(context.Background(), b.in); err != nil {
		t.Fatal(err)
	}
	if s.hits.Load() != 2 {
		t.Errorf("expired cache not refreshed: %d requests", s.hits.Load())
	}
}

func TestApplyKeepsMeasuredTimes(t *testing.T) {
	t.Parallel()
	a := recipetest.Music(3, 12, 120, 4)
	before, _ := json.Marshal(a)
	Apply(a, &kmeme.Semantics{Format: "reaction", Engine: "gemini:x"})
	a.Semantics = nil
	after, _ := json.Marshal(a)
	if !bytes.Equal(before, after) {
		t.Error("Apply changed something besides Semantics")
	}
}

func TestLargeVideoSendsKeyframes(t *testing.T) {
	t.Parallel()
	s := newServer(t, ok(goodJSON, 10, 10))
	b := setup(t, s, func(c *Config) { c.MaxInlineBytes = 100 })
	if _, err := b.d.Describe(context.Background(), b.in); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(s.bodies[0])
	if strings.Contains(string(raw), "video/mp4") || !strings.Contains(string(raw), "image/jpeg") {
		t.Errorf("large video should send keyframes: %s", raw)
	}
}

func TestRetryAfterAndRetryInfo(t *testing.T) {
	t.Parallel()
	s := newServer(t, fail(429, "RESOURCE_EXHAUSTED", "2", "5s"), fail(503, "UNAVAILABLE", "", ""), ok(goodJSON, 1, 1))
	b := setup(t, s, nil)
	if _, err := b.d.Describe(context.Background(), b.in); err != nil {
		t.Fatal(err)
	}
	// 429: the longer of Retry-After (2 s) and RetryInfo (5 s); 503: jittered backoff 0.25 × 2 s.
	want := []time.Duration{5 * time.Second, 500 * time.Millisecond}
	if len(*b.waits) != 2 || (*b.waits)[0] != want[0] || (*b.waits)[1] != want[1] {
		t.Errorf("waits %v, want %v", *b.waits, want)
	}
	if es := entries(t, b.ledger); len(es) != 3 || es[0].OK || es[1].OK || !es[2].OK {
		t.Errorf("ledger %+v", es)
	}
}

func TestFailuresOpenBreakerAndAreNotCached(t *testing.T) {
	t.Parallel()
	s := newServer(t, fail(500, "INTERNAL", "", ""))
	b := setup(t, s, nil)
	_, err := b.d.Describe(context.Background(), b.in)
	if err == nil || s.hits.Load() != 3 {
		t.Fatalf("err %v after %d requests", err, s.hits.Load())
	}
	// Rejected without a request (the count of requests stays at 3).
	_, err = b.d.Describe(context.Background(), b.in)
	if !errorsIs(err, resilience.ErrOpen) || s.hits.Load() != 3 {
		t.Errorf("open breaker: err %v, %d requests", err, s.hits.Load())
	}
	b.clock.Advance(time.Minute)
	s.mu.Lock()
	s.replies = []http.HandlerFunc{ok(goodJSON, 1, 1)}
	s.mu.Unlock()
	if _, err := b.d.Describe(context.Background(), b.in); err != nil {
		t.Errorf("half-open probe: %v", err)
	}
}

func errorsIs(err, target error) bool {
	for err != nil {
		if err == target {
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

func TestMalformedAnswer(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"I think it is a cat", `{"mood":"x"}`, ""} {
		s := newServer(t, ok(text, 5, 5))
		b := setup(t, s, nil)
		_, err := b.d.Describe(context.Background(), b.in)
		if kmeme.ErrorCode(err) != kmeme.EUNAVAILABLE && text != "" {
			t.Errorf("%q: err %v, want EUNAVAILABLE", text, err)
		}
		if err == nil {
			t.Errorf("%q accepted", text)
		}
		if v, hit, _ := b.d.cfg.Cache.Get(context.Background(), cacheKeys(testModel, b.in)[0]); hit {
			t.Errorf("%q: bad answer cached: %s", text, v)
		}
	}
}

func TestTimeoutAndBadInput(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	b := setup(t, s, func(c *Config) { c.AttemptTimeout = 150 * time.Millisecond; c.Retry.Attempts = 2 })
	if _, err := b.d.Describe(context.Background(), b.in); err == nil || s.hits.Load() != 2 {
		t.Errorf("timeout: err %v after %d requests", err, s.hits.Load())
	}
	if _, err := b.d.Describe(context.Background(), kmeme.DescribeInput{}); kmeme.ErrorCode(err) != kmeme.EINVALID {
		t.Errorf("no key: %v", err)
	}
	if _, err := New(context.Background(), Config{Model: "m"}); kmeme.ErrorCode(err) != kmeme.EINVALID {
		t.Errorf("no api key: %v", err)
	}
}

func TestBudgetStopsCalls(t *testing.T) {
	t.Parallel()
	s := newServer(t, ok(goodJSON, 1, 1))
	b := setup(t, s, func(c *Config) { c.Budget.BudgetUSD = 0 })
	if _, err := b.d.Describe(context.Background(), b.in); kmeme.ErrorCode(err) != kmeme.EQUOTA || s.hits.Load() != 0 {
		t.Errorf("err %v, %d requests", err, s.hits.Load())
	}
}

// TestRealAPI talks to Gemini when KMEME_GEMINI_API_KEY is set: the model
// check passes, the answer is Gemini's (not an error or an empty one) and
// the call is in the ledger with real token counts.
func TestRealAPI(t *testing.T) {
	key := os.Getenv("KMEME_GEMINI_API_KEY")
	if key == "" {
		t.Skip("no KMEME_GEMINI_API_KEY: real Gemini test skipped")
	}
	cfg, err := config.AIFromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	ledger := costs.NewFileLedger(filepath.Join(t.TempDir(), "costs.jsonl"), 81)
	d, err := New(context.Background(), Config{APIKey: key, Model: cfg.GeminiModel, BaseURL: cfg.GeminiBaseURL, Price: cfg.GeminiPrice,
		Meter: &costs.Meter{Ledger: ledger}})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.CheckModel(context.Background()); err != nil {
		t.Fatal(err)
	}
	sem, err := d.Describe(context.Background(), kmeme.DescribeInput{ContentHash: "real-test", VideoPath: smallMP4(t)})
	if err != nil {
		t.Fatal(err)
	}
	es := entries(t, ledger)
	if sem.Engine != "gemini:"+cfg.GeminiModel || len(es) != 1 || !es[0].OK || es[0].InputTokens == 0 || es[0].OutputTokens == 0 || es[0].CostUSD <= 0 {
		t.Fatalf("not a real Gemini answer: %+v, ledger %+v", sem, es)
	}
	t.Logf("%+v; $%.6f", sem, es[0].CostUSD)
}

// TestStrictFake: the fake refuses what the real API refuses, so the
// adapter's requests are proved against it: a wrong key, a retired model,
// and bytes that are not the container they claim to be.
func TestStrictFake(t *testing.T) {
	t.Parallel()
	s := newServer(t, ok(goodJSON, 10, 10))
	b := setup(t, s, func(c *Config) { c.APIKey = "wrong" })
	if _, err := b.d.Describe(context.Background(), b.in); err == nil || !strings.Contains(err.Error(), "API key not valid") {
		t.Errorf("wrong key: %v", err)
	}
	b = setup(t, s, func(c *Config) { c.Model = "gemini-2.5-flash" })
	if _, err := b.d.Describe(context.Background(), b.in); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("retired model: %v", err)
	}
	b = setup(t, s, nil)
	fakeVideo := filepath.Join(t.TempDir(), "fake.mp4")
	os.WriteFile(fakeVideo, bytes.Repeat([]byte("v"), 2048), 0o644)
	in := b.in
	in.VideoPath, in.Keyframes = fakeVideo, nil
	if _, err := b.d.Describe(context.Background(), in); err == nil {
		t.Error("bytes that are no MP4 were sent as video/mp4")
	}
}

// TestSafetyBlockAndLengthStop: a blocked prompt, a SAFETY stop and a
// MAX_TOKENS stop are asked once, say so by name, leave the breaker
// closed and are recorded with their real tokens and cost.
func TestSafetyBlockAndLengthStop(t *testing.T) {
	t.Parallel()
	usage := map[string]any{"promptTokenCount": 1200, "candidatesTokenCount": 700, "thoughtsTokenCount": 300, "totalTokenCount": 2200}
	blocked := func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},"usageMetadata":{"promptTokenCount":1200,"totalTokenCount":1200},"modelVersion":"gemini-3.8-flash","responseId":"r"}`)
	}
	for _, tc := range []struct {
		reply        http.HandlerFunc
		kind, detail string
		in, out      int64
	}{
		{blocked, resilience.AnswerSafety, "PROHIBITED_CONTENT", 1200, 0},
		{finish("", "SAFETY", usage), resilience.AnswerSafety, "SAFETY", 1200, 1000},
		{finish(`{"description":"A cat sta`, "MAX_TOKENS", usage), resilience.AnswerMaxTokens, "cut off at 1000 output tokens (300 thinking)", 1200, 1000},
	} {
		s := newServer(t, tc.reply)
		b := setup(t, s, nil)
		for range 3 {
			_, err := b.d.Describe(context.Background(), b.in)
			var ae *resilience.AnswerError
			if !errors.As(err, &ae) || ae.Kind != tc.kind || !strings.Contains(err.Error(), tc.detail) {
				t.Fatalf("%s: err %v", tc.kind, err)
			}
		}
		if s.hits.Load() != 3 || b.d.cfg.Breaker.State() != resilience.Closed {
			t.Errorf("%s: %d requests for 3 calls (want no retries), breaker %v", tc.kind, s.hits.Load(), b.d.cfg.Breaker.State())
		}
		es := entries(t, b.ledger)
		want := testPrice().Cost(costs.Usage{InputTokens: tc.in, OutputTokens: tc.out})
		if len(es) != 3 || es[0].OK || es[0].InputTokens != tc.in || es[0].OutputTokens != tc.out || math.Abs(es[0].CostUSD-want) > 1e-12 || !strings.Contains(es[0].Error, tc.kind) {
			t.Errorf("%s: ledger %+v, want cost %v", tc.kind, es, want)
		}
	}
}

// TestUsagePricedByModality: thinking is billed as output, cached and audio
// prompt tokens at their own rates, matching the price table to the cent
// in the month's cost report.
func TestUsagePricedByModality(t *testing.T) {
	t.Parallel()
	usage := map[string]any{
		"promptTokenCount": 40000, "cachedContentTokenCount": 10000, "candidatesTokenCount": 900, "thoughtsTokenCount": 2100, "totalTokenCount": 43000,
		"promptTokensDetails": []any{map[string]any{"modality": "TEXT", "tokenCount": 400}, map[string]any{"modality": "VIDEO", "tokenCount": 25600},
			map[string]any{"modality": "AUDIO", "tokenCount": 14000}},
		"cacheTokensDetails": []any{map[string]any{"modality": "AUDIO", "tokenCount": 4000}, map[string]any{"modality": "VIDEO", "tokenCount": 6000}},
	}
	s := newServer(t, okUsage(goodJSON, usage))
	b := setup(t, s, func(c *Config) { c.Price.AudioInPerM = 1.0 }) // a price that tells audio apart
	for i := range 7 {
		in := b.in
		in.ContentHash = strings.Repeat(fmt.Sprint(i), 64)
		in.URL = ""
		if _, err := b.d.Describe(context.Background(), in); err != nil {
			t.Fatal(err)
		}
	}
	p := testPrice()
	// 40,000 prompt: 10,000 cached, 10,000 uncached audio, 20,000 plain; 3,000 output.
	one := (20000*p.InputPerM + 10000*p.CachedInPerM + 10000*1.0 + 3000*p.OutputPerM) / 1e6
	sum, err := b.ledger.Summary(context.Background(), "2026-11")
	if err != nil {
		t.Fatal(err)
	}
	if math.Round(sum.TotalUSD*100) != math.Round(7*one*100) || math.Abs(sum.TotalUSD-7*one) > 1e-9 || sum.ByModel[0].OutputTokens != 7*3000 {
		t.Errorf("report $%.6f (%+v), table says $%.6f", sum.TotalUSD, sum.ByModel, 7*one)
	}
}

// TestKeyframesSpread: a clip with more keyframes than are sent shows
// Gemini frames from its start, middle and end, not the first eight.
func TestKeyframesSpread(t *testing.T) {
	t.Parallel()
	var frames []string
	for i := range 30 {
		frames = append(frames, fmt.Sprintf("shot-%03d.jpg", i))
	}
	got := SpreadKeyframes(frames, 8)
	if len(got) != 8 || got[0] != frames[0] || got[7] != frames[29] || got[4] != frames[16] {
		t.Errorf("spread %v", got)
	}
	if g := SpreadKeyframes(frames[:5], 8); len(g) != 5 {
		t.Errorf("fewer frames than the bound: %v", g)
	}
	s := newServer(t, ok(goodJSON, 10, 10))
	b := setup(t, s, func(c *Config) { c.MaxInlineBytes = 100; c.MaxKeyframes = 3 })
	dir := t.TempDir()
	b.in.Keyframes = nil
	for i := range 9 {
		img := image.NewGray(image.Rect(0, 0, 16, 16))
		for j := range img.Pix {
			img.Pix[j] = uint8(i * 25)
		}
		var buf bytes.Buffer
		jpeg.Encode(&buf, img, nil)
		p := filepath.Join(dir, fmt.Sprintf("k%d.jpg", i))
		os.WriteFile(p, buf.Bytes(), 0o644)
		b.in.Keyframes = append(b.in.Keyframes, p)
	}
	if _, err := b.d.Describe(context.Background(), b.in); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(s.bodies[0])
	for _, i := range []int{0, 4, 8} {
		want, _ := os.ReadFile(b.in.Keyframes[i])
		if !strings.Contains(string(raw), base64.StdEncoding.EncodeToString(want)) {
			t.Errorf("keyframe %d of 9 not sent", i)
		}
	}
	if n := strings.Count(string(raw), "image/jpeg"); n != 3 {
		t.Errorf("%d keyframes sent, want 3", n)
	}
}

// TestContainerTypeSent: a QuickTime file goes as video/quicktime even
// when the caller says video/mp4 (the worker used to say so of every
// video), WebM as video/webm, and Matroska (which Gemini does not read)
// as keyframes.
func TestContainerTypeSent(t *testing.T) {
	t.Parallel()
	mov := mediatest.FFmpeg(t, "v.mov", "-f", "lavfi", "-i", "testsrc=size=64x64:rate=5:duration=1", "-c:v", "libx264", "-pix_fmt", "yuv420p")
	webm := mediatest.FFmpeg(t, "v.webm", "-f", "lavfi", "-i", "testsrc=size=64x64:rate=5:duration=1", "-c:v", "libvpx", "-b:v", "100k")
	mkv := mediatest.FFmpeg(t, "v.mkv", "-f", "lavfi", "-i", "testsrc=size=64x64:rate=5:duration=1", "-c:v", "libx264", "-pix_fmt", "yuv420p")
	for _, tc := range []struct{ path, stored, want string }{
		{mov, "video/mp4", "video/quicktime"}, {webm, "", "video/webm"}, {mkv, "video/x-matroska", "image/jpeg"},
	} {
		s := newServer(t, ok(goodJSON, 10, 10))
		b := setup(t, s, nil)
		b.in.VideoPath, b.in.MIMEType = tc.path, tc.stored
		if _, err := b.d.Describe(context.Background(), b.in); err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		raw, _ := json.Marshal(s.bodies[0])
		if !strings.Contains(string(raw), `"mimeType":"`+tc.want+`"`) {
			t.Errorf("%s sent without %s", filepath.Base(tc.path), tc.want)
		}
	}
}

// TestInlineLimitCountsBase64: the largest inline video, base64-encoded
// with the prompt, fits the API's inline request limit; the old default
// (15 MiB) did not.
func TestInlineLimitCountsBase64(t *testing.T) {
	t.Parallel()
	if InlineRequestBytes(DefaultMaxInlineBytes) >= InlineRequestLimit {
		t.Errorf("default %d bytes make a %d-byte request, over %d", DefaultMaxInlineBytes, InlineRequestBytes(DefaultMaxInlineBytes), InlineRequestLimit)
	}
	if InlineRequestBytes(15<<20) < InlineRequestLimit {
		t.Error("the base64 arithmetic is wrong: 15 MiB of video cannot fit a 20 MB request")
	}
	if n := int64(base64.StdEncoding.EncodedLen(DefaultMaxInlineBytes)); InlineRequestBytes(DefaultMaxInlineBytes) < n {
		t.Errorf("estimate %d under the real base64 size %d", InlineRequestBytes(DefaultMaxInlineBytes), n)
	}
}

// TestPromptFieldsExist: the prompt asks for exactly the fields the schema
// has.
func TestPromptFieldsExist(t *testing.T) {
	t.Parallel()
	props := semanticsSchema["properties"].(map[string]any)
	for name := range props {
		if !strings.Contains(describePrompt, name+" (") {
			t.Errorf("schema field %s not asked for", name)
		}
	}
	for _, word := range []string{"sound", "music", "song", "hashtag"} {
		if strings.Contains(strings.ToLower(describePrompt), word) {
			if _, ok := props[word]; !ok {
				t.Errorf("prompt asks for %q, which has no field", word)
			}
		}
	}
}

// TestCheckModel: a model the API does not know, or one the table lists as
// retired, is one line naming KMEME_GEMINI_MODEL; a served one passes.
func TestCheckModel(t *testing.T) {
	t.Parallel()
	s := newServer(t, ok(goodJSON, 1, 1))
	if err := setup(t, s, nil).d.CheckModel(context.Background()); err != nil || s.gets.Load() != 1 {
		t.Errorf("served model: %v (%d GETs)", err, s.gets.Load())
	}
	for model, want := range map[string]string{
		"gemini-4-nonexistent": "KMEME_GEMINI_MODEL=gemini-4-nonexistent: Gemini does not know this model (HTTP 404)",
		"gemini-2.5-flash":     "KMEME_GEMINI_MODEL=gemini-2.5-flash: the model was retired on 2026-12-01; use gemini-3.8-flash",
	} {
		err := setup(t, s, func(c *Config) { c.Model = model }).d.CheckModel(context.Background())
		if kmeme.ErrorCode(err) != kmeme.EINVALID || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v", model, err)
		}
	}
	err := setup(t, s, func(c *Config) { c.APIKey = "wrong" }).d.CheckModel(context.Background())
	if !strings.Contains(fmt.Sprint(err), "KMEME_GEMINI_API_KEY") {
		t.Errorf("wrong key: %v", err)
	}
}

// TestSDKEnvironmentIgnored: GOOGLE_GEMINI_BASE_URL, GEMINI_API_KEY and
// GOOGLE_GENAI_USE_VERTEXAI in the environment change nothing: requests go
// to the configured (or Google's) endpoint with the configured key.
func TestSDKEnvironmentIgnored(t *testing.T) {
	t.Setenv("GOOGLE_GEMINI_BASE_URL", "http://127.0.0.1:1/evil/")
	t.Setenv("GEMINI_API_KEY", "env-key")
	t.Setenv("GOOGLE_API_KEY", "env-key")
	t.Setenv("GOOGLE_GENAI_USE_VERTEXAI", "true")
	var seen []string
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		seen = append(seen, r.URL.Scheme+"://"+r.URL.Host+" "+r.Header.Get("X-Goog-Api-Key"))
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(`{"name":"models/gemini-3.8-flash"}`)), Request: r}, nil
	})
	d, err := New(context.Background(), Config{APIKey: "ours", Model: testModel, HTTPClient: &http.Client{Transport: rt}})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.CheckModel(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || seen[0] != "https://generativelanguage.googleapis.com ours" {
		t.Errorf("requests went to %v", seen)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func tinyJPEG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	var b bytes.Buffer
	jpeg.Encode(&b, img, nil)
	return b.Bytes()
}
