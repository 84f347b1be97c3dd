package gemini

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
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

	"github.com/kmeme-factory/kmeme/internal/costs"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
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

// server is a local stand-in for the Gemini API's generateContent.
type server struct {
	*httptest.Server
	mu      sync.Mutex
	replies []http.HandlerFunc
	hits    atomic.Int32
	bodies  []map[string]any
}

func newServer(t *testing.T, replies ...http.HandlerFunc) *server {
	s := &server{replies: replies}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/models/gemini-test:generateContent") {
			http.Error(w, `{"error":{"code":404,"message":"no route","status":"NOT_FOUND"}}`, 404)
			return
		}
		if r.Header.Get("X-Goog-Api-Key") != "test-key" {
			w.WriteHeader(403)
			fmt.Fprint(w, `{"error":{"code":403,"message":"bad key","status":"PERMISSION_DENIED"}}`)
			return
		}
		// Count on arrival, so a request that times out while its body is
		// read still counts.
		i := int(s.hits.Add(1)) - 1
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		s.mu.Lock()
		s.bodies = append(s.bodies, body)
		reply := s.replies[min(i, len(s.replies)-1)]
		s.mu.Unlock()
		reply(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func ok(text string, in, out int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"candidates": []any{map[string]any{
				"content":      map[string]any{"role": "model", "parts": []any{map[string]any{"text": text}}},
				"finishReason": "STOP",
			}},
			"usageMetadata": map[string]any{"promptTokenCount": in, "candidatesTokenCount": out, "totalTokenCount": in + out},
			"modelVersion":  "gemini-test",
		})
	}
}

func fail(code int, status string, retryHeader, retryInfo string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if retryHeader != "" {
			w.Header().Set("Retry-After", retryHeader)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		details := "[]"
		if retryInfo != "" {
			details = fmt.Sprintf(`[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":%q}]`, retryInfo)
		}
		fmt.Fprintf(w, `{"error":{"code":%d,"message":"scripted","status":%q,"details":%s}}`, code, status, details)
	}
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
	video := filepath.Join(dir, "v.mp4")
	os.WriteFile(video, bytes.Repeat([]byte("v"), 2048), 0o644)
	kf := filepath.Join(dir, "shot-001.jpg")
	os.WriteFile(kf, []byte("\xff\xd8\xff\xe0jpeg"), 0o644)
	cfg := Config{
		APIKey: "test-key", Model: "gemini-test", BaseURL: s.URL, Price: costs.Price{InputPerM: 0.075, OutputPerM: 0.3},
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
	if sem.Format != "reaction" || sem.OnScreenText[0] != "when the cucumber hits" || sem.Engine != "gemini:gemini-test" {
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
	want := (2000*0.075 + 150*0.3) / 1e6
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
	start := time.Now()
	_, err = b.d.Describe(context.Background(), b.in)
	if !errorsIs(err, resilience.ErrOpen) || s.hits.Load() != 3 {
		t.Errorf("open breaker: err %v, %d requests", err, s.hits.Load())
	}
	if el := time.Since(start); el > 50*time.Millisecond {
		t.Errorf("rejected call took %v", el)
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
		if v, hit, _ := b.d.cfg.Cache.Get(context.Background(), cacheKeys("gemini-test", b.in)[0]); hit {
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

// TestRealAPI talks to Gemini when a key is present.
func TestRealAPI(t *testing.T) {
	key := os.Getenv("KMEME_GEMINI_API_KEY")
	if key == "" {
		key = os.Getenv("GEMINI_API_KEY")
	}
	if key == "" {
		t.Skip("no KMEME_GEMINI_API_KEY / GEMINI_API_KEY: real Gemini test skipped")
	}
	cfg, _ := costs.ConfigFromEnv(os.Getenv)
	d, err := New(context.Background(), Config{APIKey: key, Model: cfg.GeminiModel, BaseURL: cfg.GeminiBaseURL, Price: cfg.GeminiPrice})
	if err != nil {
		t.Fatal(err)
	}
	kf := filepath.Join(t.TempDir(), "k.jpg")
	os.WriteFile(kf, tinyJPEG(), 0o644)
	sem, err := d.Describe(context.Background(), kmeme.DescribeInput{ContentHash: "real-test", Keyframes: []string{kf}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", sem)
}

func tinyJPEG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	var b bytes.Buffer
	jpeg.Encode(&b, img, nil)
	return b.Bytes()
}
