package claude

import (
	"context"
	"encoding/json"
	"fmt"
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
	"github.com/kmeme-factory/kmeme/internal/recipe"
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

// knownModels are the model names the fake serves: the price table's rows
// with their lifecycle, as the Models API reports them.
func knownModels() map[string]costs.Lifecycle {
	m := map[string]costs.Lifecycle{}
	for _, r := range costs.Table {
		if r.Provider == kmeme.ProviderClaude {
			m[r.ID] = r.Lifecycle
		}
	}
	return m
}

// server is a local stand-in for the Anthropic API, as strict as the real
// one on what it checks: the key in x-api-key only (no Authorization),
// an anthropic-version date, known models only, retired ones refused,
// with the real error bodies and request ids. Each Messages request takes
// the next scripted reply (the last one repeats).
type server struct {
	*httptest.Server
	mu      sync.Mutex
	replies []func(w http.ResponseWriter, r *http.Request)
	hits    atomic.Int32
	bodies  []map[string]any
	headers []http.Header
}

func errorBody(w http.ResponseWriter, status int, kind, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Request-Id", "req_011CTest")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"type": "error", "error": map[string]any{"type": kind, "message": msg}, "request_id": "req_011CTest"})
	w.Write(b)
}

func newServer(t *testing.T, replies ...func(w http.ResponseWriter, r *http.Request)) *server {
	s := &server{replies: replies}
	known := knownModels()
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Api-Key") != "test-key" || r.Header.Get("Authorization") != "" {
			errorBody(w, 401, "authentication_error", "invalid x-api-key")
			return
		}
		if _, err := time.Parse("2006-01-02", r.Header.Get("Anthropic-Version")); err != nil {
			errorBody(w, 400, "invalid_request_error", "anthropic-version: header is required")
			return
		}
		if id, ok := strings.CutPrefix(r.URL.Path, "/v1/models/"); ok && r.Method == http.MethodGet {
			life, ok := known[id]
			if !ok {
				errorBody(w, 404, "not_found_error", "model: "+id)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			retires := "null"
			if life != costs.Active {
				retires = `"2027-01-22T00:00:00Z"`
			}
			fmt.Fprintf(w, `{"type":"model","id":%q,"display_name":"Claude","created_at":"2026-09-01T00:00:00Z","lifecycle":%q,"deprecated_at":null,"retires_at":%s,"max_input_tokens":1000000,"max_tokens":128000,"line":"sonnet","capabilities":{}}`, id, life, retires)
			return
		}
		if r.Method != http.MethodPost || r.URL.Path != "/v1/messages" {
			errorBody(w, 404, "not_found_error", "Not Found")
			return
		}
		// Count on arrival, so a request that times out while its body is
		// read still counts.
		i := int(s.hits.Add(1)) - 1
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		s.mu.Lock()
		s.bodies = append(s.bodies, body)
		s.headers = append(s.headers, r.Header.Clone())
		reply := s.replies[min(i, len(s.replies)-1)]
		s.mu.Unlock()
		model, _ := body["model"].(string)
		if life, ok := known[model]; !ok || life == costs.Retired {
			errorBody(w, 404, "not_found_error", "model: "+model)
			return
		}
		reply(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// message answers as the Messages API does, usage with thinking tokens.
func message(text, stop string, usage map[string]any, extra map[string]any) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Request-Id", "req_011CTest")
		content := []map[string]any{}
		if text != "" {
			content = append(content, map[string]any{"type": "text", "text": text})
		}
		m := map[string]any{
			"id": "msg_01Test", "type": "message", "role": "assistant", "model": testModel,
			"content": content, "stop_reason": stop, "stop_sequence": nil, "stop_details": nil, "usage": usage,
		}
		for k, v := range extra {
			m[k] = v
		}
		b, _ := json.Marshal(m)
		w.Write(b)
	}
}

func usage(in, out, thinking int) map[string]any {
	return map[string]any{"input_tokens": in, "output_tokens": out, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
		"output_tokens_details": map[string]any{"thinking_tokens": thinking}, "service_tier": "standard", "inference_geo": "global"}
}

func okText(text string, in, out int) func(w http.ResponseWriter, r *http.Request) {
	return message(text, "end_turn", usage(in, out, out/4), nil)
}

func apiError(status int, kind string, headers map[string]string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		errorBody(w, status, kind, fmt.Sprintf("scripted %d", status))
	}
}

// testModel is the default model, which the fake serves.
const testModel = costs.DefaultClaudeModel

func testPrice() costs.Price {
	m, _ := costs.LookupModel(kmeme.ProviderClaude, testModel)
	return m.Price
}

// hang never answers until the client gives up.
func hang(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }

// goodText writes a valid answer for the local plan of in.
func goodText(t *testing.T, in kmeme.PlanInput) string {
	t.Helper()
	base, err := recipe.NewLocal().Plan(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	var out textOut
	out.Concept.Title = "클로드가 쓴 제목"
	out.Concept.Hook = "이건 클로드 훅"
	out.Concept.Mechanism = "반전의 낙차"
	for _, s := range base.Shots {
		out.Shots = append(out.Shots, struct {
			N             int    `json:"n"`
			Film          string `json:"film"`
			Framing       string `json:"framing"`
			Action        string `json:"action"`
			Overtitle     string `json:"overtitle"`
			CaptionCasual string `json:"caption_casual"`
			CaptionPolite string `json:"caption_polite"`
		}{s.N, fmt.Sprintf("클로드 장면 %d", s.N), "클로즈업", "박자에 맞춰 손뼉", fmt.Sprintf("클로드 %d", s.N), fmt.Sprintf("클로드 자막 %d번 이거 완전 찰떡인데 어때", s.N), fmt.Sprintf("클로드 자막 %d번이에요", s.N)})
	}
	out.Adaptations = []kmeme.Adaptation{{Source: "프롬 파티", Korean: "수학여행 장기자랑", Reason: "한국 학생의 공통 경험"}}
	out.Hashtags = kmeme.Hashtags{
		TikTok: []string{"#틱톡", "#밈", "#챌린지"},
		Shorts: []string{"#Shorts", "#쇼츠", "#밈"},
		Reels:  []string{"#릴스", "#밈", "#챌린지", "#한국밈", "#웃긴영상"},
	}
	b, _ := json.Marshal(out)
	return string(b)
}

type bundle struct {
	p      *Planner
	clock  *fakeClock
	waits  *[]time.Duration
	ledger *costs.FileLedger
	in     kmeme.PlanInput
}

func setup(t *testing.T, s *server, tweak func(*Config)) bundle {
	t.Helper()
	clk := &fakeClock{now: time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)}
	var waits []time.Duration
	var wmu sync.Mutex
	ledger := costs.NewFileLedger(filepath.Join(t.TempDir(), "costs.jsonl"), 81)
	cfg := Config{
		APIKey: "test-key", Model: testModel, BaseURL: s.URL, Price: testPrice(),
		AttemptTimeout: 5 * time.Second,
		Retry: resilience.Retry{Attempts: 3, Base: time.Second, Cap: 4 * time.Second, Jitter: func() float64 { return 0.5 },
			Sleep: func(_ context.Context, d time.Duration) error {
				wmu.Lock()
				waits = append(waits, d)
				wmu.Unlock()
				return nil
			}},
		Breaker: resilience.NewBreaker(resilience.BreakerSettings{Name: "claude", Failures: 3, OpenFor: 30 * time.Second, Probes: 1, Now: clk.Now}),
		Meter:   &costs.Meter{Ledger: ledger, Now: clk.Now},
		Budget:  &costs.Budget{Ledger: ledger, BudgetUSD: 81, Now: clk.Now},
	}
	if tweak != nil {
		tweak(&cfg)
	}
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	user := "u-1"
	return bundle{p: p, clock: clk, waits: &waits, ledger: ledger,
		in: kmeme.PlanInput{Analysis: recipetest.Music(77, 14, 118, 4), Platform: kmeme.PlatformTikTok, UserID: &user}}
}

func ledgerEntries(t *testing.T, l *costs.FileLedger) []kmeme.CostEntry {
	t.Helper()
	b, err := os.ReadFile(l.Path)
	if os.IsNotExist(err) {
		return nil
	}
	var out []kmeme.CostEntry
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var e kmeme.CostEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("ledger line %q: %v", line, err)
		}
		out = append(out, e)
	}
	return out
}

func TestSuccess(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	b := setup(t, s, nil)
	s.replies = append(s.replies, okText(goodText(t, b.in), 1800, 1200))
	r, err := b.p.Plan(context.Background(), b.in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Concept.Title != "클로드가 쓴 제목" || !strings.HasPrefix(r.Shots[1].Film, "클로드 장면") {
		t.Errorf("claude text not applied: %q / %q", r.Concept.Title, r.Shots[1].Film)
	}
	if r.Provenance.Parts["captions"] != kmeme.ProviderClaude || r.Provenance.Parts["timing"] != kmeme.ProviderLocal ||
		r.Provenance.Models[kmeme.ProviderClaude] != testModel || len(r.Provenance.Fallbacks) != 0 {
		t.Errorf("provenance %+v", r.Provenance)
	}
	wantUSD := (1800*testPrice().InputPerM + 1200*testPrice().OutputPerM) / 1e6
	if math.Abs(r.Provenance.CostUSD-wantUSD) > 1e-9 {
		t.Errorf("cost %v, want %v", r.Provenance.CostUSD, wantUSD)
	}
	if err := recipe.CheckSchema(r); err != nil {
		t.Errorf("claude recipe vs schema: %v", err)
	}
	// Timing is the local plan's, to the millisecond.
	local, _ := recipe.NewLocal().Plan(context.Background(), b.in)
	for i := range local.Shots {
		if r.Shots[i].Start != local.Shots[i].Start || r.Shots[i].End != local.Shots[i].End {
			t.Fatalf("shot %d timing changed", i+1)
		}
	}
	// The long casual caption was typeset onto two lines.
	if !strings.Contains(r.Shots[1].Caption.Casual, "\n") {
		t.Errorf("caption not typeset: %q", r.Shots[1].Caption.Casual)
	}
	es := ledgerEntries(t, b.ledger)
	if len(es) != 1 || es[0].Provider != kmeme.ProviderClaude || es[0].InputTokens != 1800 || es[0].OutputTokens != 1200 ||
		math.Abs(es[0].CostUSD-wantUSD) > 1e-12 || !es[0].OK || es[0].UserID == nil || *es[0].UserID != "u-1" {
		t.Errorf("ledger %+v", es)
	}
	// The request asked for structured output with our schema.
	body := s.bodies[0]
	oc, _ := body["output_config"].(map[string]any)
	format, _ := oc["format"].(map[string]any)
	if format["type"] != "json_schema" || format["schema"] == nil || body["model"] != testModel {
		t.Errorf("request lacks structured output: %v", body["output_config"])
	}
}

func TestMalformedAndRepairedOutput(t *testing.T) {
	t.Parallel()
	t.Run("not JSON", func(t *testing.T) {
		s := newServer(t, okText("죄송하지만 JSON은 못 써요", 500, 20))
		b := setup(t, s, nil)
		r, err := b.p.Plan(context.Background(), b.in)
		if err != nil {
			t.Fatal(err)
		}
		if r.Provenance.Parts["captions"] != kmeme.ProviderLocal || len(r.Provenance.Fallbacks) != 1 || !strings.Contains(r.Provenance.Fallbacks[0], "output rejected") {
			t.Errorf("provenance %+v", r.Provenance)
		}
		if s.hits.Load() != 1 {
			t.Errorf("malformed output was retried: %d requests", s.hits.Load())
		}
		if es := ledgerEntries(t, b.ledger); len(es) != 1 || es[0].CostUSD == 0 {
			t.Errorf("tokens spent on a malformed answer must still be costed: %+v", es)
		}
	})
	t.Run("schema violation", func(t *testing.T) {
		s := newServer(t, okText(`{"concept":{"title":"x"}}`, 10, 10))
		b := setup(t, s, nil)
		r, _ := b.p.Plan(context.Background(), b.in)
		if len(r.Provenance.Fallbacks) != 1 || !strings.Contains(r.Provenance.Fallbacks[0], "schema") {
			t.Errorf("fallbacks %v", r.Provenance.Fallbacks)
		}
	})
	t.Run("captions too long are repaired from the local plan", func(t *testing.T) {
		s := newServer(t)
		b := setup(t, s, nil)
		var out textOut
		json.Unmarshal([]byte(goodText(t, b.in)), &out)
		out.Shots[0].CaptionCasual = "가나다라마바사아자차카타파하가나다라 마바사아자차카타파하가나다라마바사"
		out.Shots[0].Overtitle = "너무너무너무너무긴예능자막"
		out.Hashtags.TikTok = []string{"#a", "#b", "#c", "#d", "#e", "#f", "#g"}
		raw, _ := json.Marshal(out)
		s.replies = append(s.replies, okText(string(raw), 100, 100))
		local, _ := recipe.NewLocal().Plan(context.Background(), b.in)
		r, err := b.p.Plan(context.Background(), b.in)
		if err != nil {
			t.Fatal(err)
		}
		if r.Shots[0].Caption != local.Shots[0].Caption || r.Shots[0].Overtitle != local.Shots[0].Overtitle {
			t.Errorf("bad fields not kept from the local plan: %+v", r.Shots[0])
		}
		if r.Hashtags.TikTok[0] != local.Hashtags.TikTok[0] || r.Provenance.Parts["hashtags"] != kmeme.ProviderLocal {
			t.Errorf("bad hashtags used: %v", r.Hashtags.TikTok)
		}
		if !strings.HasPrefix(r.Shots[1].Caption.Casual, "클로드") || len(r.Provenance.Fallbacks) != 1 || !strings.Contains(r.Provenance.Fallbacks[0], "3 field") {
			t.Errorf("repair not reported: %v", r.Provenance.Fallbacks)
		}
		if err := recipe.Validate(r, b.in.Analysis); err != nil {
			t.Error(err)
		}
	})
}

func TestRetryAfterThenSuccess(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	b := setup(t, s, nil)
	s.replies = []func(http.ResponseWriter, *http.Request){
		apiError(429, "rate_limit_error", map[string]string{"Retry-After": "7"}),
		okText(goodText(t, b.in), 100, 100),
	}
	r, err := b.p.Plan(context.Background(), b.in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Provenance.Parts["captions"] != kmeme.ProviderClaude {
		t.Errorf("provenance %+v", r.Provenance)
	}
	if len(*b.waits) != 1 || (*b.waits)[0] != 7*time.Second {
		t.Errorf("waits %v, want [7s] from Retry-After", *b.waits)
	}
	es := ledgerEntries(t, b.ledger)
	if len(es) != 2 || es[0].OK || !strings.Contains(es[0].Error, "429") || !es[1].OK {
		t.Errorf("ledger %+v", es)
	}
}

func TestServerErrorsOpenTheBreakerThenProbe(t *testing.T) {
	t.Parallel()
	s := newServer(t, apiError(500, "api_error", nil))
	b := setup(t, s, nil)
	r, err := b.p.Plan(context.Background(), b.in)
	if err != nil {
		t.Fatal(err)
	}
	if s.hits.Load() != 3 || len(*b.waits) != 2 || (*b.waits)[0] != 500*time.Millisecond || (*b.waits)[1] != time.Second {
		t.Errorf("hits %d waits %v; want 3 attempts with 0.5 s and 1 s backoff", s.hits.Load(), *b.waits)
	}
	if r.Provenance.Parts["captions"] != kmeme.ProviderLocal || !strings.Contains(strings.Join(r.Provenance.Fallbacks, ";"), "HTTP 500") {
		t.Errorf("provenance %+v", r.Provenance)
	}
	if err := recipe.Validate(r, b.in.Analysis); err != nil {
		t.Errorf("fallback recipe invalid: %v", err)
	}
	if b.p.cfg.Breaker.State() != resilience.Open {
		t.Fatalf("breaker %v after 3 failures", b.p.cfg.Breaker.State())
	}
	// Open: no request reaches the provider, the local plan answers fast.
	start := time.Now()
	r, _ = b.p.Plan(context.Background(), b.in)
	if s.hits.Load() != 3 || !strings.Contains(strings.Join(r.Provenance.Fallbacks, ";"), "circuit open") {
		t.Errorf("open breaker: hits %d, fallbacks %v", s.hits.Load(), r.Provenance.Fallbacks)
	}
	t.Logf("open-breaker plan took %v", time.Since(start))
	// After the open period one probe goes through; it succeeds and closes.
	b.clock.Advance(30 * time.Second)
	s.mu.Lock()
	s.replies = []func(http.ResponseWriter, *http.Request){okText(goodText(t, b.in), 10, 10)}
	s.hits.Store(0)
	s.mu.Unlock()
	r, _ = b.p.Plan(context.Background(), b.in)
	if s.hits.Load() != 1 || r.Provenance.Parts["captions"] != kmeme.ProviderClaude || b.p.cfg.Breaker.State() != resilience.Closed {
		t.Errorf("probe: hits %d, parts %v, breaker %v", s.hits.Load(), r.Provenance.Parts, b.p.cfg.Breaker.State())
	}
	if n := len(ledgerEntries(t, b.ledger)); n != 4 {
		t.Errorf("ledger has %d entries, want 4 (3 failures + 1 probe)", n)
	}
}

func TestClientErrorNotRetried(t *testing.T) {
	t.Parallel()
	s := newServer(t, apiError(400, "invalid_request_error", nil))
	b := setup(t, s, nil)
	r, _ := b.p.Plan(context.Background(), b.in)
	if s.hits.Load() != 1 || len(*b.waits) != 0 || !strings.Contains(strings.Join(r.Provenance.Fallbacks, ";"), "HTTP 400") {
		t.Errorf("400: hits %d waits %v fallbacks %v", s.hits.Load(), *b.waits, r.Provenance.Fallbacks)
	}
	if b.p.cfg.Breaker.State() != resilience.Closed {
		t.Error("a 400 tripped the breaker")
	}
}

func TestTimeout(t *testing.T) {
	t.Parallel()
	s := newServer(t, hang)
	b := setup(t, s, func(c *Config) { c.AttemptTimeout = 150 * time.Millisecond; c.Retry.Attempts = 2 })
	r, err := b.p.Plan(context.Background(), b.in)
	if err != nil {
		t.Fatal(err)
	}
	if s.hits.Load() != 2 || len(*b.waits) != 1 {
		t.Errorf("hits %d waits %v; timeouts should be retried", s.hits.Load(), *b.waits)
	}
	if r.Provenance.Parts["captions"] != kmeme.ProviderLocal || len(r.Provenance.Fallbacks) == 0 {
		t.Errorf("provenance %+v", r.Provenance)
	}
	// A timed-out attempt may have been billed for all it wrote: the
	// ledger counts the upper bound, not zero.
	es := ledgerEntries(t, b.ledger)
	maxTokens := b.p.maxTokens(recipeShots(t, b.in))
	if len(es) != 2 || es[0].OK || es[0].OutputTokens != maxTokens || es[0].InputTokens == 0 || es[0].CostUSD <= 0 || !strings.Contains(es[0].Error, "upper bound") {
		t.Errorf("timed-out attempts recorded as %+v", es)
	}
	if r.Provenance.CostUSD < es[0].CostUSD+es[1].CostUSD-1e-9 {
		t.Errorf("provenance cost %v under the ledger's", r.Provenance.CostUSD)
	}
}

func TestBudgetSpentMakesNoCall(t *testing.T) {
	t.Parallel()
	s := newServer(t, okText("{}", 1, 1))
	b := setup(t, s, func(c *Config) { c.Budget.BudgetUSD = 0.01 })
	b.ledger.Record(context.Background(), kmeme.CostEntry{Provider: "claude", CostUSD: 0.02, CreatedAt: b.clock.Now()})
	r, err := b.p.Plan(context.Background(), b.in)
	if err != nil {
		t.Fatal(err)
	}
	if s.hits.Load() != 0 || !strings.Contains(strings.Join(r.Provenance.Fallbacks, ";"), "budget") {
		t.Errorf("over budget: hits %d fallbacks %v", s.hits.Load(), r.Provenance.Fallbacks)
	}
}

func TestCancelledContext(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	var once sync.Once
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(started) })
		<-r.Context().Done()
	})
	b := setup(t, s, nil)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-started
		cancel()
	}()
	if _, err := b.p.Plan(ctx, b.in); err == nil {
		t.Error("cancelled plan returned no error")
	}
	if b.p.cfg.Breaker.State() != resilience.Closed {
		t.Error("a cancellation counted against the breaker")
	}
}

func TestNewValidates(t *testing.T) {
	t.Parallel()
	if _, err := New(Config{Model: "m"}); kmeme.ErrorCode(err) != kmeme.EINVALID {
		t.Errorf("no key: %v", err)
	}
	if _, err := New(Config{APIKey: "k"}); kmeme.ErrorCode(err) != kmeme.EINVALID {
		t.Errorf("no model: %v", err)
	}
}

// TestRealAPI talks to Anthropic when KMEME_ANTHROPIC_API_KEY is set, and
// fails when the local planner answered instead of Claude.
func TestRealAPI(t *testing.T) {
	key := os.Getenv("KMEME_ANTHROPIC_API_KEY")
	if key == "" {
		t.Skip("no KMEME_ANTHROPIC_API_KEY: real Claude test skipped")
	}
	cfg, err := config.AIFromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	ledger := costs.NewFileLedger(filepath.Join(t.TempDir(), "costs.jsonl"), 81)
	p, err := New(Config{APIKey: key, Model: cfg.ClaudeModel, BaseURL: cfg.ClaudeBaseURL, Price: cfg.ClaudePrice, Meter: &costs.Meter{Ledger: ledger}})
	if err != nil {
		t.Fatal(err)
	}
	if w, err := p.CheckModel(context.Background()); err != nil || w != "" {
		t.Fatalf("model check: %q %v", w, err)
	}
	in := kmeme.PlanInput{Analysis: recipetest.Music(1, 10, 120, 4), Platform: kmeme.PlatformShorts}
	r, err := p.Plan(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if err := recipe.Validate(r, in.Analysis); err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Provenance.Fallbacks {
		if strings.HasPrefix(f, "claude: ") && !strings.Contains(f, "field(s)") {
			t.Fatalf("the local planner answered: %s", f)
		}
	}
	es := ledgerEntries(t, ledger)
	if r.Provenance.Models[kmeme.ProviderClaude] != cfg.ClaudeModel || r.Provenance.Parts["concept"] != kmeme.ProviderClaude || len(es) != 1 || !es[0].OK || es[0].OutputTokens == 0 {
		t.Fatalf("not Claude's text: parts %v models %v ledger %+v", r.Provenance.Parts, r.Provenance.Models, es)
	}
	t.Logf("parts %v fallbacks %v cost $%.5f", r.Provenance.Parts, r.Provenance.Fallbacks, r.Provenance.CostUSD)
}

// TestRefusalNotRetried: a refusal is asked once, is no breaker failure,
// is billed and recorded, and provenance says Claude refused and why.
func TestRefusalNotRetried(t *testing.T) {
	t.Parallel()
	refusal := message("", "refusal", usage(2100, 35, 0), map[string]any{
		"stop_details": map[string]any{"type": "refusal", "category": "general_harms", "explanation": "declined to continue"}})
	s := newServer(t, refusal)
	b := setup(t, s, nil)
	for range 4 {
		r, err := b.p.Plan(context.Background(), b.in)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Provenance.Fallbacks) != 1 || !strings.Contains(r.Provenance.Fallbacks[0], "refused") || !strings.Contains(r.Provenance.Fallbacks[0], "general_harms") ||
			r.Provenance.CostUSD <= 0 {
			t.Fatalf("provenance %+v", r.Provenance)
		}
	}
	if s.hits.Load() != 4 || b.p.cfg.Breaker.State() != resilience.Closed {
		t.Errorf("%d requests for 4 plans (want no retries), breaker %v", s.hits.Load(), b.p.cfg.Breaker.State())
	}
	es := ledgerEntries(t, b.ledger)
	want := testPrice().Cost(costs.Usage{InputTokens: 2100, OutputTokens: 35})
	if len(es) != 4 || es[0].OK || math.Abs(es[0].CostUSD-want) > 1e-12 || !strings.Contains(es[0].Error, "refusal") {
		t.Errorf("ledger %+v (want cost %v)", es, want)
	}
}

// TestMaxTokensStop: an answer cut off at max_tokens is reported by name
// with its real token counts, billed, recorded and not retried.
func TestMaxTokensStop(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	b := setup(t, s, nil)
	budget := b.p.maxTokens(recipeShots(t, b.in))
	s.replies = append(s.replies, message(`{"concept":{"title":"잘린`, "max_tokens", usage(5200, int(budget), 1500), nil))
	r, err := b.p.Plan(context.Background(), b.in)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("max_tokens: cut off at %d output tokens (1500 thinking) of max_tokens %d", budget, budget)
	if len(r.Provenance.Fallbacks) != 1 || !strings.Contains(r.Provenance.Fallbacks[0], want) {
		t.Errorf("fallbacks %v, want %q", r.Provenance.Fallbacks, want)
	}
	es := ledgerEntries(t, b.ledger)
	if s.hits.Load() != 1 || len(es) != 1 || es[0].OutputTokens != budget || es[0].InputTokens != 5200 || es[0].OK {
		t.Errorf("%d requests, ledger %+v", s.hits.Load(), es)
	}
}

// TestOutputBudgetSized: max_tokens grows with the plan (36 shots of Korean
// text do not fit 4096), and the attempt's deadline with max_tokens.
func TestOutputBudgetSized(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	b := setup(t, s, nil)
	b.in.Analysis = recipetest.Music(5, 60, 140, 4) // a long clip: many shots
	shots := recipeShots(t, b.in)
	s.replies = append(s.replies, okText(goodText(t, b.in), 100, 100))
	if _, err := b.p.Plan(context.Background(), b.in); err != nil {
		t.Fatal(err)
	}
	got := int64(s.bodies[0]["max_tokens"].(float64))
	if got != OutputBudget(shots) || OutputBudget(36) <= 4096 || OutputBudget(36) < 36*TokensPerShot {
		t.Errorf("%d shots: max_tokens %d, want %d (36 shots: %d)", shots, got, OutputBudget(shots), OutputBudget(36))
	}
	if OutputBudget(36) <= OutputBudget(4) {
		t.Error("budget does not grow with the shots")
	}
	// 36 shots at the SDK's own pace (an hour per 128,000 tokens) need
	// minutes, not the old 45 s.
	if d := AttemptTimeoutFor(OutputBudget(36), 45*time.Second); d < time.Duration(float64(time.Hour)*float64(OutputBudget(36))/128000) || d > 10*time.Minute {
		t.Errorf("attempt timeout for 36 shots: %v", d)
	}
	if AttemptTimeoutFor(100, 45*time.Second) != 45*time.Second {
		t.Error("floor not kept")
	}
	b2 := setup(t, s, func(c *Config) { c.Model = "claude-haiku-4-5"; c.MaxTokens = 5000 })
	if b2.p.maxTokens(36) != 5000 {
		t.Errorf("configured cap not applied: %d", b2.p.maxTokens(36))
	}
}

// recipeShots is how many shots the local plan of in has.
func recipeShots(t *testing.T, in kmeme.PlanInput) int {
	t.Helper()
	r, err := recipe.NewLocal().Plan(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return len(r.Shots)
}

// TestCostReportMatchesTable: a recorded fake run (one plan with cached and
// cache-written input and thinking) reports the table's price to the cent.
func TestCostReportMatchesTable(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	b := setup(t, s, nil)
	u := map[string]any{"input_tokens": 9000, "output_tokens": 14000, "cache_creation_input_tokens": 3000, "cache_read_input_tokens": 50000,
		"output_tokens_details": map[string]any{"thinking_tokens": 6000}}
	s.replies = append(s.replies, message(goodText(t, b.in), "end_turn", u, nil))
	for range 5 {
		if _, err := b.p.Plan(context.Background(), b.in); err != nil {
			t.Fatal(err)
		}
	}
	p := testPrice()
	one := (9000*p.InputPerM + 3000*p.CacheWritePerM + 50000*p.CachedInPerM + 14000*p.OutputPerM) / 1e6
	sum, err := b.ledger.Summary(context.Background(), "2026-11")
	if err != nil {
		t.Fatal(err)
	}
	if math.Round(sum.TotalUSD*100) != math.Round(5*one*100) || math.Abs(sum.TotalUSD-5*one) > 1e-9 ||
		sum.ByModel[0].InputTokens != 5*62000 || sum.ByModel[0].OutputTokens != 5*14000 || sum.ByModel[0].Model != testModel {
		t.Errorf("report $%.6f %+v; the table says $%.6f", sum.TotalUSD, sum.ByModel, 5*one)
	}
}

// TestStrictFakeAndModelCheck: the key goes in x-api-key only, with the
// API version; an unknown or retired model is one line naming
// KMEME_CLAUDE_MODEL, a deprecated one a warning.
func TestStrictFakeAndModelCheck(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	b := setup(t, s, nil)
	s.replies = append(s.replies, okText(goodText(t, b.in), 10, 10))
	if _, err := b.p.Plan(context.Background(), b.in); err != nil {
		t.Fatal(err)
	}
	if h := s.headers[0]; h.Get("X-Api-Key") != "test-key" || h.Get("Authorization") != "" || h.Get("Anthropic-Version") == "" {
		t.Errorf("headers %v", h)
	}
	if w, err := b.p.CheckModel(context.Background()); w != "" || err != nil {
		t.Errorf("current model: %q %v", w, err)
	}
	for model, want := range map[string]string{
		"claude-sonnet-9":   "KMEME_CLAUDE_MODEL=claude-sonnet-9: Anthropic does not know this model (HTTP 404)",
		"claude-sonnet-4-5": "KMEME_CLAUDE_MODEL=claude-sonnet-4-5: the model was retired on 2026-11-30; use claude-sonnet-5-5",
	} {
		_, err := setup(t, s, func(c *Config) { c.Model = model }).p.CheckModel(context.Background())
		if kmeme.ErrorCode(err) != kmeme.EINVALID || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", model, err)
		}
	}
	w, err := setup(t, s, func(c *Config) { c.Model = "claude-opus-4-5" }).p.CheckModel(context.Background())
	if err != nil || !strings.Contains(w, "deprecated and retires on 2027-01-22") {
		t.Errorf("deprecated: %q %v", w, err)
	}
	_, err = setup(t, s, func(c *Config) { c.APIKey = "wrong" }).p.CheckModel(context.Background())
	if !strings.Contains(fmt.Sprint(err), "KMEME_ANTHROPIC_API_KEY") {
		t.Errorf("wrong key: %v", err)
	}
	// A retired model asked anyway: the fake's 404 is a fallback, not retried.
	b = setup(t, s, func(c *Config) { c.Model = "claude-sonnet-4-5" })
	before := s.hits.Load()
	r, _ := b.p.Plan(context.Background(), b.in)
	if s.hits.Load()-before != 1 || !strings.Contains(strings.Join(r.Provenance.Fallbacks, ";"), "HTTP 404") {
		t.Errorf("retired model: %d requests, %v", s.hits.Load()-before, r.Provenance.Fallbacks)
	}
}

// TestSDKEnvironmentIgnored: ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY and
// ANTHROPIC_CUSTOM_HEADERS change nothing.
func TestSDKEnvironmentIgnored(t *testing.T) {
	t.Setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:1/evil")
	t.Setenv("ANTHROPIC_API_KEY", "env-key")
	t.Setenv("ANTHROPIC_AUTH_TOKEN", "env-token")
	t.Setenv("ANTHROPIC_CUSTOM_HEADERS", "X-Leak: yes")
	var seen []string
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		seen = append(seen, r.URL.Scheme+"://"+r.URL.Host+" "+r.Header.Get("X-Api-Key")+" "+r.Header.Get("Authorization")+" "+r.Header.Get("X-Leak"))
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(`{"type":"model","id":"claude-sonnet-5-5","lifecycle":"active"}`)), Request: r}, nil
	})
	p, err := New(Config{APIKey: "ours", Model: testModel, HTTPClient: &http.Client{Transport: rt}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.CheckModel(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || seen[0] != "https://api.anthropic.com ours  " {
		t.Errorf("requests: %q", seen)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestPromptCarriesEvidence: Claude sees the perception stage's facts and
// the format's reasons, and is asked for no field the schema lacks.
func TestPromptCarriesEvidence(t *testing.T) {
	t.Parallel()
	in := kmeme.PlanInput{Analysis: recipetest.Music(2, 12, 120, 4), Platform: kmeme.PlatformTikTok}
	in.Analysis.Perception = &kmeme.Perception{Texts: []kmeme.ScreenText{{Text: "월요일 아침 나"}}, Engines: map[string]string{"text": "tesseract"}}
	base, err := recipe.NewLocal().Plan(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	base.Concept.Reasons = []kmeme.FormatReason{{Detail: "사람 1명이 카메라를 보고 말함", Weight: 0.8}}
	prompt, err := userPrompt(in, base)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(prompt, "월요일 아침 나") || !strings.Contains(prompt, `"perception"`) || !strings.Contains(prompt, `"format_reasons"`) {
		t.Errorf("evidence missing from the prompt: %s", prompt)
	}
	props := textSchemaMap()["properties"].(map[string]any)
	for _, word := range []string{"sound", "music", "song"} {
		if strings.Contains(strings.ToLower(systemPrompt), word) {
			if _, ok := props[word]; !ok {
				t.Errorf("the system prompt asks about %q, which has no field", word)
			}
		}
	}
}

// TestMergeKeepsGroundedRules: English leaking into a caption or a film
// note keeps the local text; an adaptation Claude cannot cite becomes a
// suggestion, one with English in its Korean is dropped.
func TestMergeKeepsGroundedRules(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	b := setup(t, s, nil)
	var out textOut
	json.Unmarshal([]byte(goodText(t, b.in)), &out)
	out.Shots[1].CaptionCasual = "so cute 이거 봐"
	out.Shots[1].Film = "slow motion 으로 찍기"
	out.Adaptations = []kmeme.Adaptation{
		{Source: "prom party", Korean: "수학여행 장기자랑", Reason: "한국 학생이 다 아는 자리"},
		{Source: "thanksgiving", Korean: "Chuseok dinner", Reason: "명절"},
	}
	raw, _ := json.Marshal(out)
	s.replies = append(s.replies, okText(string(raw), 100, 100))
	local, _ := recipe.NewLocal().Plan(context.Background(), b.in)
	r, err := b.p.Plan(context.Background(), b.in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Shots[1].Caption != local.Shots[1].Caption || r.Shots[1].Film != local.Shots[1].Film {
		t.Errorf("English kept: %+v", r.Shots[1])
	}
	if len(r.Adaptations) != 1 || r.Adaptations[0].Korean != "수학여행 장기자랑" || !r.Adaptations[0].Suggestion {
		t.Errorf("adaptations %+v", r.Adaptations)
	}
	if err := recipe.CheckGrounded(r); err != nil {
		t.Error(err)
	}
	if !strings.Contains(strings.Join(r.Provenance.Fallbacks, ";"), "3 field") {
		t.Errorf("repairs not reported: %v", r.Provenance.Fallbacks)
	}
}
