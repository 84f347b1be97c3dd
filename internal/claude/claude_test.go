package claude

import (
	"context"
	"encoding/json"
	"fmt"
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

// server is a local stand-in for the Anthropic Messages API: each request
// takes the next scripted reply (the last one repeats).
type server struct {
	*httptest.Server
	mu      sync.Mutex
	replies []func(w http.ResponseWriter, r *http.Request)
	hits    atomic.Int32
	bodies  []map[string]any
}

func newServer(t *testing.T, replies ...func(w http.ResponseWriter, r *http.Request)) *server {
	s := &server{replies: replies}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/messages" {
			http.Error(w, "unexpected "+r.Method+" "+r.URL.Path, http.StatusNotFound)
			return
		}
		if (r.Header.Get("X-Api-Key") != "test-key" && r.Header.Get("Authorization") != "Bearer test-key") || r.Header.Get("Anthropic-Version") == "" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"type":"error","error":{"type":"authentication_error","message":"bad key %v"}}`, r.Header)
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

func okText(text string, in, out int) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		b, _ := json.Marshal(map[string]any{
			"id": "msg_test", "type": "message", "role": "assistant", "model": "claude-test",
			"content":     []map[string]any{{"type": "text", "text": text}},
			"stop_reason": "end_turn", "stop_sequence": nil,
			"usage": map[string]any{"input_tokens": in, "output_tokens": out},
		})
		w.Write(b)
	}
}

func apiError(status int, kind string, headers map[string]string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"type":"error","error":{"type":%q,"message":"scripted %d"}}`, kind, status)
	}
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
		}{s.N, fmt.Sprintf("클로드 장면 %d", s.N), "클로즈업", "박자에 맞춰 손뼉", "클로드", fmt.Sprintf("클로드 자막 %d번 이거 완전 찰떡인데 어때", s.N), fmt.Sprintf("클로드 자막 %d번이에요", s.N)})
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
		APIKey: "test-key", Model: "claude-test", BaseURL: s.URL, Price: costs.Price{InputPerM: 3, OutputPerM: 15},
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
		r.Provenance.Models[kmeme.ProviderClaude] != "claude-test" || len(r.Provenance.Fallbacks) != 0 {
		t.Errorf("provenance %+v", r.Provenance)
	}
	wantUSD := (1800*3.0 + 1200*15.0) / 1e6
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
	if format["type"] != "json_schema" || format["schema"] == nil || body["model"] != "claude-test" {
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

// TestRealAPI talks to Anthropic when a key is present.
func TestRealAPI(t *testing.T) {
	key := os.Getenv("KMEME_ANTHROPIC_API_KEY")
	if key == "" {
		key = os.Getenv("ANTHROPIC_API_KEY")
	}
	if key == "" {
		t.Skip("no KMEME_ANTHROPIC_API_KEY / ANTHROPIC_API_KEY: real Claude test skipped")
	}
	cfg, _ := costs.ConfigFromEnv(os.Getenv)
	p, err := New(Config{APIKey: key, Model: cfg.ClaudeModel, BaseURL: cfg.ClaudeBaseURL, Price: cfg.ClaudePrice})
	if err != nil {
		t.Fatal(err)
	}
	in := kmeme.PlanInput{Analysis: recipetest.Music(1, 10, 120, 4), Platform: kmeme.PlatformShorts}
	r, err := p.Plan(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if err := recipe.Validate(r, in.Analysis); err != nil {
		t.Fatal(err)
	}
	t.Logf("parts %v fallbacks %v cost $%.5f", r.Provenance.Parts, r.Provenance.Fallbacks, r.Provenance.CostUSD)
}
