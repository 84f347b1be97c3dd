package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/analysis"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/recipe"
	"github.com/kmeme-factory/kmeme/internal/recipe/recipetest"
)

func testEnv(vars map[string]string) (env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return env{getenv: func(k string) string { return vars[k] }, stdout: &out, stderr: &errb, stdin: strings.NewReader("")}, &out, &errb
}

// stubAnalyze returns a synthetic analysis and counts calls.
func stubAnalyze(calls *int) analyzeFunc {
	return func(ctx context.Context, path string, opt analysis.Options) (*kmeme.Analysis, error) {
		*calls++
		return recipetest.Music(9, 14, 120, 4), nil
	}
}

func TestRemixWritesFilesAndReusesCache(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	video := filepath.Join(dir, "in.mp4")
	if err := os.WriteFile(video, []byte("not really a video, the analyser is stubbed"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	calls := 0
	deps := remixDeps{analyze: stubAnalyze(&calls)}
	e, stdout, stderr := testEnv(map[string]string{"XDG_CACHE_HOME": filepath.Join(dir, "cache")})
	if err := runRemix(context.Background(), e, []string{video, "--out", out, "--platform", "reels", "--title", "테스트 리믹스"}, deps); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"analysis.json", "recipe.json", "recipe.md", "guide.pdf", "storyboard.png", "captions.srt", "timeline.otio", "timeline.fcpxml"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s missing: %v", f, err)
		}
		if !strings.Contains(stdout.String(), filepath.Join(out, f)) {
			t.Errorf("stdout does not list %s", f)
		}
	}
	var r kmeme.Recipe
	b, _ := os.ReadFile(filepath.Join(out, "recipe.json"))
	if err := json.Unmarshal(b, &r); err != nil || r.Concept.Title != "테스트 리믹스" || r.Concept.Platform != kmeme.PlatformReels {
		t.Errorf("recipe.json: %v %+v", err, r.Concept)
	}
	// Second run: the analysis comes from the cache, the files are the same.
	first, _ := os.ReadFile(filepath.Join(out, "guide.pdf"))
	e2, _, stderr2 := testEnv(map[string]string{"XDG_CACHE_HOME": filepath.Join(dir, "cache")})
	if err := runRemix(context.Background(), e2, []string{"--out", out, "--platform", "reels", "--title", "테스트 리믹스", video}, deps); err != nil {
		t.Fatal(err)
	}
	if calls != 1 {
		t.Errorf("analyser ran %d times, want 1 (second run should hit the cache)", calls)
	}
	if !strings.Contains(stderr2.String(), "cache") {
		t.Errorf("second run stderr does not mention the cache: %q", stderr2.String())
	}
	second, _ := os.ReadFile(filepath.Join(out, "guide.pdf"))
	if !bytes.Equal(first, second) {
		t.Error("guide.pdf differs between runs")
	}
	if stderr.Len() == 0 {
		t.Error("no progress on stderr")
	}
	// An analysis another engine build cached is not reused: the entry
	// moved under another engine's key is a miss.
	entries, _ := filepath.Glob(filepath.Join(dir, "cache", "*", "analysis", kmeme.AnalysisCacheKey()))
	if len(entries) != 1 {
		t.Fatalf("cache entries for this engine: %v", entries)
	}
	if err := os.Rename(entries[0], filepath.Join(filepath.Dir(entries[0]), "v"+kmeme.AnalysisVersion+"-0123456789ab")); err != nil {
		t.Fatal(err)
	}
	e3, _, _ := testEnv(map[string]string{"XDG_CACHE_HOME": filepath.Join(dir, "cache")})
	if err := runRemix(context.Background(), e3, []string{"--out", out, video}, deps); err != nil {
		t.Fatal(err)
	}
	if calls != 2 {
		t.Errorf("analyser ran %d times, want 2 (another engine's cached analysis must not be reused)", calls)
	}
}

func TestRemixBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	video := filepath.Join(dir, "in.mp4")
	os.WriteFile(video, []byte("x"), 0o644)
	blocker := filepath.Join(dir, "blocker")
	os.WriteFile(blocker, []byte("x"), 0o644)
	calls := 0
	deps := remixDeps{analyze: stubAnalyze(&calls)}
	for _, c := range []struct {
		name  string
		args  []string
		usage bool
		want  string
	}{
		{"no file", []string{"--out", dir}, true, "FILE"},
		{"no out", []string{video}, true, "--out"},
		{"bad platform", []string{video, "--out", dir, "--platform", "vine"}, true, "--platform"},
		{"bad register", []string{video, "--out", dir, "--register", "royal"}, true, "--register"},
		{"unknown flag", []string{video, "--out", dir, "--bogus"}, true, "bogus"},
		{"missing file", []string{filepath.Join(dir, "nope.mp4"), "--out", dir}, false, "nope.mp4"},
		{"directory as file", []string{dir, "--out", dir}, false, "directory"},
		{"unwritable out", []string{video, "--out", filepath.Join(blocker, "out")}, false, "not writable"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e, _, _ := testEnv(map[string]string{"XDG_CACHE_HOME": filepath.Join(dir, "cache")})
			err := runRemix(context.Background(), e, c.args, deps)
			if err == nil {
				t.Fatal("no error")
			}
			msg := oneLine(err)
			if msg != err.Error() || !strings.Contains(msg, c.want) {
				t.Errorf("error %q: want one line mentioning %q", err.Error(), c.want)
			}
			if _, isUsage := err.(usageError); isUsage != c.usage {
				t.Errorf("usage error = %v, want %v", isUsage, c.usage)
			}
		})
	}
	if calls != 0 {
		t.Errorf("analyser ran %d times on bad input", calls)
	}
}

// TestRemixEndToEnd runs the real measuring engine on a generated clip:
// a 3-second 9:16 video with a click track at 120 BPM and two scenes.
func TestRemixEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: runs ffmpeg and the analyser")
	}
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed")
	}
	t.Parallel()
	dir := t.TempDir()
	video := filepath.Join(dir, "clip.mp4")
	cmd := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error",
		"-f", "lavfi", "-i", "color=c=red:s=180x320:r=30:d=1.5",
		"-f", "lavfi", "-i", "color=c=blue:s=180x320:r=30:d=1.5",
		"-f", "lavfi", "-i", "aevalsrc='0.8*sin(2*PI*880*t)*exp(-40*mod(t,0.5))':s=22050:d=3",
		"-filter_complex", "[0:v][1:v]concat=n=2:v=1:a=0[v]", "-map", "[v]", "-map", "2:a",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", video)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	out := filepath.Join(dir, "out")
	e, stdout, _ := testEnv(map[string]string{"XDG_CACHE_HOME": filepath.Join(dir, "cache")})
	if err := runRemix(context.Background(), e, []string{video, "--out", out, "--no-ai"}, remixDeps{analyze: analysis.Run}); err != nil {
		t.Fatalf("remix: %v", err)
	}
	var a kmeme.Analysis
	var r kmeme.Recipe
	ab, _ := os.ReadFile(filepath.Join(out, "analysis.json"))
	rb, _ := os.ReadFile(filepath.Join(out, "recipe.json"))
	if err := json.Unmarshal(ab, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(rb, &r); err != nil {
		t.Fatal(err)
	}
	if err := recipe.Validate(&r, &a); err != nil {
		t.Errorf("recipe from a real analysis: %v", err)
	}
	if !strings.Contains(stdout.String(), "guide.pdf") {
		t.Errorf("stdout: %s", stdout.String())
	}
	// Every keyframe recipe.json names is written beside it.
	named := 0
	for _, s := range r.Shots {
		if s.SourceKeyframe == "" {
			continue
		}
		named++
		if st, err := os.Stat(filepath.Join(out, s.SourceKeyframe)); err != nil || st.Size() == 0 {
			t.Errorf("shot %d names %s, not in the output: %v", s.N, s.SourceKeyframe, err)
		}
	}
	if named == 0 {
		t.Error("recipe.json names no keyframe for a video with shots")
	}
}

// TestRemixWithProviders wires the AI adapters from the environment to
// local stand-ins: Gemini answers, Claude refuses (400, not retried); the
// recipe carries Gemini's semantics, the local text with the reason, and
// the ledger holds both calls for `kmeme costs`.
func TestRemixWithProviders(t *testing.T) {
	t.Parallel()
	gem := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"candidates":[{"content":{"role":"model","parts":[{"text":"{\"description\":\"a dog dances\",\"format\":\"dance challenge\",\"on_screen_text\":[\"POV: friday\"]}"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":1000,"candidatesTokenCount":50}}`)
	}))
	defer gem.Close()
	cl := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		io.WriteString(w, `{"type":"error","error":{"type":"invalid_request_error","message":"scripted"}}`)
	}))
	defer cl.Close()
	dir := t.TempDir()
	video := filepath.Join(dir, "in.mp4")
	os.WriteFile(video, []byte("stub"), 0o644)
	ledger := filepath.Join(dir, "costs.jsonl")
	vars := map[string]string{
		"XDG_CACHE_HOME": filepath.Join(dir, "cache"), "KMEME_COST_LEDGER": ledger,
		"KMEME_GEMINI_API_KEY": "g", "KMEME_GEMINI_BASE_URL": gem.URL, "KMEME_GEMINI_MODEL": "gemini-3.8-flash",
		"KMEME_ANTHROPIC_API_KEY": "a", "KMEME_CLAUDE_BASE_URL": cl.URL, "KMEME_CLAUDE_MODEL": "claude-sonnet-5-5",
	}
	calls := 0
	e, _, stderr := testEnv(vars)
	out := filepath.Join(dir, "out")
	if err := runRemix(context.Background(), e, []string{video, "--out", out}, remixDeps{analyze: stubAnalyze(&calls), ai: aiFromEnv}); err != nil {
		t.Fatal(err)
	}
	var r kmeme.Recipe
	b, _ := os.ReadFile(filepath.Join(out, "recipe.json"))
	json.Unmarshal(b, &r)
	if r.Provenance.Parts["semantics"] != kmeme.ProviderGemini || r.Provenance.Models[kmeme.ProviderGemini] != "gemini-3.8-flash" {
		t.Errorf("provenance %+v", r.Provenance)
	}
	if r.Provenance.Parts["captions"] != kmeme.ProviderLocal || !strings.Contains(strings.Join(r.Provenance.Fallbacks, ";"), "HTTP 400") {
		t.Errorf("claude refusal not recorded: %+v", r.Provenance)
	}
	if !strings.Contains(stderr.String(), "fallback") {
		t.Errorf("stderr does not report the fallback: %s", stderr.String())
	}
	e2, stdout, _ := testEnv(vars)
	if err := cmdCosts(context.Background(), e2, []string{"--month", time.Now().UTC().Format("2006-01")}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "2 calls") || !strings.Contains(stdout.String(), "gemini-3.8-flash") || !strings.Contains(stdout.String(), "claude-sonnet-5-5") {
		t.Errorf("costs: %s", stdout.String())
	}
}

// TestTenRealVideos measures ten generated clips (different tempi, lengths,
// scene changes, one speech-only) with the real analyser and checks the
// local planner's promises on each: ten different plans, every interior
// boundary within 40 ms of an analysed beat when there is a tempo, total
// length equal to the source ±1 beat, captions within the typesetting
// rules, and byte-identical output on a re-run.
func TestTenRealVideos(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and analyses ten clips")
	}
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed")
	}
	dir := t.TempDir()
	type clip struct {
		bpm    float64 // 0: speech
		dur    float64
		scenes int
	}
	clips := []clip{{90, 6, 2}, {100, 8, 3}, {110, 5, 1}, {120, 7, 4}, {128, 9, 3}, {136, 6, 2}, {145, 8, 4}, {160, 5, 2}, {104, 10, 5}, {0, 7, 3}}
	colors := []string{"red", "blue", "green", "yellow", "purple", "orange"}
	seen := map[string]int{}
	for i, c := range clips {
		path := filepath.Join(dir, fmt.Sprintf("clip%02d.mp4", i))
		args := []string{"-hide_banner", "-loglevel", "error", "-y"}
		seg := c.dur / float64(c.scenes)
		var filter strings.Builder
		for s := 0; s < c.scenes; s++ {
			args = append(args, "-f", "lavfi", "-i", fmt.Sprintf("color=c=%s:s=160x284:r=30:d=%.3f", colors[(i+s)%len(colors)], seg))
			fmt.Fprintf(&filter, "[%d:v]", s)
		}
		fmt.Fprintf(&filter, "concat=n=%d:v=1:a=0[v]", c.scenes)
		if c.bpm > 0 {
			args = append(args, "-f", "lavfi", "-i", fmt.Sprintf("aevalsrc='0.8*sin(2*PI*%d*t)*exp(-35*mod(t,%.6f))':s=22050:d=%.3f", 500+40*i, 60/c.bpm, c.dur))
		} else {
			args = append(args, "-f", "lavfi", "-i", fmt.Sprintf("aevalsrc='0.5*sin(2*PI*180*t)*sin(2*PI*3*t)*gt(mod(t,1.7),0.4)':s=22050:d=%.3f", c.dur))
		}
		args = append(args, "-filter_complex", filter.String(), "-map", "[v]", "-map", fmt.Sprintf("%d:a", c.scenes),
			"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", path)
		if out, err := exec.Command("ffmpeg", args...).CombinedOutput(); err != nil {
			t.Fatalf("ffmpeg clip %d: %v\n%s", i, err, out)
		}
		a, err := analysis.Run(context.Background(), path, analysis.Options{})
		if err != nil {
			t.Fatalf("analyse clip %d: %v", i, err)
		}
		in := kmeme.PlanInput{Analysis: a, Platform: kmeme.PlatformTikTok}
		r, err := recipe.NewLocal().Plan(context.Background(), in)
		if err != nil {
			t.Fatalf("plan clip %d: %v", i, err)
		}
		if err := recipe.Validate(r, a); err != nil {
			t.Errorf("clip %d: %v", i, err)
		}
		end := r.Shots[len(r.Shots)-1].End
		tol := 0.0015
		if a.HasTempo() {
			tol = 60 / *a.Tempo.BPM
			for _, s := range r.Shots[1:] {
				d := 1e9
				for _, b := range a.Beats {
					d = min(d, abs(b-s.Start))
				}
				if d > 0.040 {
					t.Errorf("clip %d shot %d at %.3f is %.0f ms off a beat", i, s.N, s.Start, d*1000)
				}
			}
		}
		if abs(end-a.DurationS) > tol {
			t.Errorf("clip %d: plan %.3f s, source %.3f s", i, end, a.DurationS)
		}
		b1, _ := json.Marshal(r)
		r2, _ := recipe.NewLocal().Plan(context.Background(), in)
		b2, _ := json.Marshal(r2)
		if !bytes.Equal(b1, b2) {
			t.Errorf("clip %d: re-run differs", i)
		}
		if j, dup := seen[string(b1)]; dup {
			t.Errorf("clips %d and %d got the same plan", j, i)
		}
		seen[string(b1)] = i
		bpm := "none"
		if a.HasTempo() {
			bpm = fmt.Sprintf("%.1f", *a.Tempo.BPM)
		}
		t.Logf("clip %d: source %.0f BPM → measured %s, %d beats, %d cuts; plan %s, %d shots", i, c.bpm, bpm, len(a.Beats), len(a.Cuts), r.Concept.Format, len(r.Shots))
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestRemixPaidAIOptIn: generic GEMINI_API_KEY / ANTHROPIC_API_KEY exported
// for another tool call no provider (and the CLI says why); --ai opts in,
// and then a retired or unknown model stops the command before any paid
// call, with one line naming the variable.
func TestRemixPaidAIOptIn(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(404)
		io.WriteString(w, `{"type":"error","error":{"type":"not_found_error","message":"model: claude-sonnet-9"},"request_id":"req_1"}`)
	}))
	defer srv.Close()
	dir := t.TempDir()
	vars := map[string]string{
		"XDG_CACHE_HOME": filepath.Join(dir, "cache"), "KMEME_COST_LEDGER": filepath.Join(dir, "costs.jsonl"),
		"GEMINI_API_KEY": "exported-for-another-tool", "ANTHROPIC_API_KEY": "exported-for-another-tool",
		"KMEME_CLAUDE_BASE_URL": srv.URL, "KMEME_GEMINI_BASE_URL": srv.URL,
	}
	e, _, stderr := testEnv(vars)
	d, p, _, err := aiFromEnv(context.Background(), e, false)
	if err != nil || d != nil || p != nil || hits.Load() != 0 {
		t.Fatalf("generic keys turned paid AI on: %v %v %v (%d requests)", d, p, err, hits.Load())
	}
	if !strings.Contains(stderr.String(), "ANTHROPIC_API_KEY is set but not used: paid AI needs KMEME_ANTHROPIC_API_KEY or --ai") {
		t.Errorf("stderr: %s", stderr.String())
	}
	vars["KMEME_CLAUDE_MODEL"] = "claude-sonnet-9"
	vars["KMEME_CLAUDE_PRICE_IN_PER_M"], vars["KMEME_CLAUDE_PRICE_OUT_PER_M"] = "1", "5"
	delete(vars, "GEMINI_API_KEY")
	e, _, _ = testEnv(vars)
	_, _, _, err = aiFromEnv(context.Background(), e, true)
	if err == nil || !strings.Contains(err.Error(), "KMEME_CLAUDE_MODEL=claude-sonnet-9: Anthropic does not know this model") || strings.Contains(oneLine(err), "\n") {
		t.Errorf("unknown model with --ai: %v", err)
	}
	vars["KMEME_CLAUDE_MODEL"] = "claude-sonnet-4-5"
	e, _, _ = testEnv(vars)
	before := hits.Load()
	_, _, _, err = aiFromEnv(context.Background(), e, true)
	if err == nil || !strings.Contains(err.Error(), "KMEME_CLAUDE_MODEL=claude-sonnet-4-5: the model was retired on 2026-11-30; use claude-sonnet-5-5") || hits.Load() != before {
		t.Errorf("retired model: %v (%d requests)", err, hits.Load()-before)
	}
	video := filepath.Join(dir, "in.mp4")
	os.WriteFile(video, []byte("stub"), 0o644)
	calls := 0
	err = runRemix(context.Background(), e, []string{video, "--out", filepath.Join(dir, "out"), "--ai", "--no-ai"}, remixDeps{analyze: stubAnalyze(&calls), ai: aiFromEnv})
	if err == nil || !strings.Contains(err.Error(), "contradict") {
		t.Errorf("--ai --no-ai: %v", err)
	}
}
