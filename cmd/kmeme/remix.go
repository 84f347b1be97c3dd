package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kmeme-factory/kmeme/internal/analysis"
	"github.com/kmeme-factory/kmeme/internal/claude"
	"github.com/kmeme-factory/kmeme/internal/config"
	"github.com/kmeme-factory/kmeme/internal/costs"
	"github.com/kmeme-factory/kmeme/internal/gemini"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/progress"
	"github.com/kmeme-factory/kmeme/internal/recipe"
	"github.com/kmeme-factory/kmeme/internal/render"
	"github.com/kmeme-factory/kmeme/internal/resilience"
)

// analyzeFunc measures a video; tests replace it.
type analyzeFunc func(ctx context.Context, path string, opt analysis.Options) (*kmeme.Analysis, error)

// remixDeps are what `kmeme remix` talks to outside itself.
type remixDeps struct {
	analyze analyzeFunc
	// ai builds the optional Gemini describer and Claude planner from the
	// environment; nil pieces mean "local only". optIn (--ai) lets the
	// generic GEMINI_API_KEY / ANTHROPIC_API_KEY stand in for the KMEME_* keys.
	ai func(ctx context.Context, e env, optIn bool) (kmeme.VideoDescriber, kmeme.Planner, func(), error)
}

func cmdRemix(ctx context.Context, e env, args []string) error {
	return runRemix(ctx, e, args, remixDeps{analyze: analysis.Run, ai: aiFromEnv})
}

const remixUsage = `Usage: kmeme remix FILE --out DIR [--platform tiktok|shorts|reels] [--title TEXT]
                   [--register casual|polite] [--cache-dir DIR] [--url URL] [--ai | --no-ai]
                   [--bundle] [--no-preview]

Measures FILE (or reuses the cached analysis of the same bytes), writes a
Korean remix recipe and the creator's files into DIR: analysis.json,
recipe.json, recipe.md, guide.pdf, storyboard.png, the animatic
preview.mp4, editor templates with empty slots on the beat
(timeline.fcpxml for Final Cut Pro and DaVinci Resolve,
timeline.premiere.xml and timeline.edl for Premiere Pro, timeline.otio)
and subtitles (captions.srt in the --register, captions.casual.srt,
captions.polite.srt, subtitles.9x16.ass, subtitles.16x9.ass). --bundle
also writes kmeme-bundle.zip with all of them, a README and the
keyframes. Works offline. Paid AI is opt-in: with
KMEME_GEMINI_API_KEY / KMEME_ANTHROPIC_API_KEY set (or --ai, which also
accepts GEMINI_API_KEY / ANTHROPIC_API_KEY), Gemini describes the video and
Claude writes the Korean text (within KMEME_AI_BUDGET_USD).`

func runRemix(ctx context.Context, e env, args []string, deps remixDeps) error {
	fs := flag.NewFlagSet("remix", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	out := fs.String("out", "", "output directory")
	platform := fs.String("platform", string(kmeme.PlatformTikTok), "tiktok, shorts or reels")
	title := fs.String("title", "", "working title (Korean is fine)")
	register := fs.String("register", string(kmeme.RegisterCasual), "caption register for captions.srt: casual or polite")
	cacheDir := fs.String("cache-dir", "", "analysis cache (default $XDG_CACHE_HOME/kmeme)")
	noAI := fs.Bool("no-ai", false, "never call Gemini or Claude")
	optIn := fs.Bool("ai", false, "use paid AI with GEMINI_API_KEY / ANTHROPIC_API_KEY when the KMEME_* keys are not set")
	srcURL := fs.String("url", "", "where the video came from (an alias key of the Gemini cache)")
	bundle := fs.Bool("bundle", false, "also write kmeme-bundle.zip with every file")
	noPreview := fs.Bool("no-preview", false, "skip the animatic preview.mp4")
	file, rest := splitPositional(args)
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(e.stdout, remixUsage)
			return nil
		}
		return usageError{err.Error() + " (try 'kmeme remix -h')"}
	}
	if file == "" && fs.NArg() > 0 {
		file = fs.Arg(0)
	}
	switch {
	case file == "":
		return usageError{"remix needs a FILE (try 'kmeme remix -h')"}
	case *out == "":
		return usageError{"remix needs --out DIR"}
	case *noAI && *optIn:
		return usageError{"--ai and --no-ai contradict each other"}
	case !kmeme.Platform(*platform).Valid():
		return usageError{fmt.Sprintf("--platform must be tiktok, shorts or reels, not %q", *platform)}
	case !kmeme.Register(*register).Valid():
		return usageError{fmt.Sprintf("--register must be casual or polite, not %q", *register)}
	}
	if err := checkWritable(*out); err != nil {
		return err
	}
	st, err := os.Stat(file)
	if err != nil {
		return kmeme.Errorf(kmeme.EINVALID, "cannot read %s: %v", file, errors.Unwrap(err))
	}
	if st.IsDir() {
		return kmeme.Errorf(kmeme.EINVALID, "%s is a directory, not a video", file)
	}
	say := func(format string, a ...any) { fmt.Fprintf(e.stderr, "kmeme: "+format+"\n", a...) }

	hash, err := analysis.HashFile(file)
	if err != nil {
		return err
	}
	cache := *cacheDir
	if cache == "" {
		cache = defaultCacheDir(e.getenv)
	}
	entry := filepath.Join(cache, "analysis", kmeme.AnalysisCacheKey(), hash)
	keyframes := filepath.Join(entry, "keyframes")
	a := loadCachedAnalysis(filepath.Join(entry, render.FileAnalysis))
	if a != nil {
		say("analysis reused from cache (%s…)", hash[:12])
	} else {
		say("analysing %s", filepath.Base(file))
		if err := os.MkdirAll(keyframes, 0o755); err != nil {
			return fmt.Errorf("create cache %s: %w", keyframes, err)
		}
		bar := progress.New(e.stderr, "analyse")
		a, err = deps.analyze(ctx, file, analysis.Options{KeyframeDir: keyframes, Progress: bar.Report, ContentHash: hash, Tools: e.mediaTools()})
		bar.Done()
		if err != nil {
			return fmt.Errorf("analyse %s: %w", filepath.Base(file), err)
		}
		a.ContentHash = hash
		if b, err := json.MarshalIndent(a, "", "  "); err == nil {
			if err := os.WriteFile(filepath.Join(entry, render.FileAnalysis), append(b, '\n'), 0o644); err != nil {
				say("warning: analysis not cached: %v", err)
			}
		}
	}

	var describer kmeme.VideoDescriber
	var planner kmeme.Planner = recipe.NewLocal()
	aiNote := "AI off (--no-ai)"
	if !*noAI {
		aiNote = "not configured (set KMEME_ANTHROPIC_API_KEY)"
	}
	if !*noAI && deps.ai != nil {
		d, p, closeAI, err := deps.ai(ctx, e, *optIn)
		if err != nil {
			return err
		}
		if closeAI != nil {
			defer closeAI()
		}
		if d != nil {
			describer = d
		}
		if p != nil {
			planner = p
			aiNote = ""
		}
	}
	if describer != nil && a.Semantics == nil {
		say("asking the vision model what is on screen")
		sem, err := describer.Describe(ctx, kmeme.DescribeInput{
			VideoPath: file, MIMEType: mimeOf(file), ContentHash: hash, URL: *srcURL, Keyframes: keyframePaths(a, keyframes),
		})
		if err != nil {
			say("vision model skipped: %s", oneLine(err))
		} else if sem != nil {
			a.Semantics = sem
		}
	}
	say("planning the Korean remix")
	r, err := planner.Plan(ctx, kmeme.PlanInput{
		Analysis: a, Title: *title, Platform: kmeme.Platform(*platform), Register: kmeme.Register(*register),
	})
	if err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	if aiNote != "" {
		r.Provenance.Fallbacks = append(r.Provenance.Fallbacks, "claude: "+aiNote+"; the local planner wrote the text")
	}
	for _, f := range r.Provenance.Fallbacks {
		say("fallback: %s", f)
	}
	// The keyframes named in recipe.json (source_keyframe) are written
	// beside it, and the renderers read them from there.
	kfPaths, err := writeKeyframes(a, r, keyframes, *out)
	if err != nil {
		return err
	}
	bar := progress.New(e.stderr, "render ")
	paths, err := render.WriteAllWith(ctx, *out, a, r, render.Options{
		KeyframeDir: *out, SourcePath: file, Register: kmeme.Register(*register), Progress: bar.Report,
		Preview: !*noPreview, Bundle: *bundle, PreviewOptions: render.PreviewOptions{Tools: e.mediaTools()},
	})
	paths = append(paths, kfPaths...)
	bar.Done()
	if err != nil {
		return fmt.Errorf("write files: %w", err)
	}
	bpm := "no steady beat"
	if r.Audio.BPM != nil {
		bpm = fmt.Sprintf("%.1f BPM", *r.Audio.BPM)
	}
	fmt.Fprintf(e.stdout, "%s — %s, %d shots, %s, format %s\n", r.Concept.Title, bpm, len(r.Shots), clockS(a.DurationS), r.Concept.Format)
	for _, p := range paths {
		fmt.Fprintln(e.stdout, p)
	}
	return nil
}

// splitPositional lets FILE come before or after the flags.
func splitPositional(args []string) (string, []string) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[0], args[1:]
	}
	return "", args
}

// checkWritable makes dir and proves a file can be created in it, so an
// unwritable --out fails before minutes of analysis, with one line.
func checkWritable(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return kmeme.Errorf(kmeme.EINVALID, "--out %s is not writable: %v", dir, rootCause(err))
	}
	f, err := os.CreateTemp(dir, ".kmeme-write-test-*")
	if err != nil {
		return kmeme.Errorf(kmeme.EINVALID, "--out %s is not writable: %v", dir, rootCause(err))
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return nil
}

func rootCause(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}

// defaultCacheDir is $XDG_CACHE_HOME/kmeme, else ~/.cache/kmeme.
func defaultCacheDir(getenv func(string) string) string {
	if d := getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "kmeme")
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".cache", "kmeme")
	}
	return filepath.Join(os.TempDir(), "kmeme-cache")
}

// loadCachedAnalysis returns the cached analysis, or nil when there is
// none or it was written by another contract version.
func loadCachedAnalysis(path string) *kmeme.Analysis {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var a kmeme.Analysis
	if json.Unmarshal(b, &a) != nil || a.Version != kmeme.AnalysisVersion || !(a.DurationS > 0) {
		return nil
	}
	return &a
}

func keyframePaths(a *kmeme.Analysis, dir string) []string {
	var out []string
	for _, s := range a.Shots {
		if s.Keyframe != "" {
			p := filepath.Join(dir, s.Keyframe)
			if _, err := os.Stat(p); err == nil {
				out = append(out, p)
			}
		}
	}
	return out
}

// writeKeyframes copies the cached keyframe of every source shot a planned
// shot re-makes into out under the name recipe.json gives it
// (source_keyframe), and returns the paths written. A keyframe the cache
// does not hold (no video stream) is skipped; the recipe then names no
// file for it only if the analysis named none.
func writeKeyframes(a *kmeme.Analysis, r *kmeme.Recipe, cacheDir, out string) ([]string, error) {
	var paths []string
	done := map[string]bool{}
	for _, s := range r.Shots {
		name := s.SourceKeyframe
		if name == "" || done[name] || s.SourceShot < 1 || s.SourceShot > len(a.Shots) || name != filepath.Base(name) {
			continue
		}
		done[name] = true
		src := a.Shots[s.SourceShot-1].Keyframe
		if src == "" || src != filepath.Base(src) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(cacheDir, src))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("keyframe %s: %w", src, err)
		}
		p := filepath.Join(out, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return nil, fmt.Errorf("write %s: %w", p, err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

func mimeOf(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".mov":
		return "video/quicktime"
	case ".webm":
		return "video/webm"
	case ".mkv":
		return "video/x-matroska"
	}
	return "video/mp4"
}

func clockS(t float64) string {
	m := int(t) / 60
	return fmt.Sprintf("%d:%04.1f", m, t-float64(m*60))
}

// aiFromEnv builds the optional AI pieces from the environment, metered
// in the CLI's JSONL ledger, and checks their models before any paid call:
// a retired or unknown model stops the command with one line naming its
// variable.
func aiFromEnv(ctx context.Context, e env, optIn bool) (kmeme.VideoDescriber, kmeme.Planner, func(), error) {
	cfg, err := config.AIFromEnvWith(e.getenv, config.AIOptions{OptIn: optIn})
	if err != nil {
		return nil, nil, nil, err
	}
	for _, v := range cfg.Ignored {
		fmt.Fprintf(e.stderr, "kmeme: %s is set but not used: paid AI needs KMEME_%s or --ai\n", v, v)
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintf(e.stderr, "kmeme: warning: %s\n", w)
	}
	d, p, err := newAI(cfg, costs.NewFileLedger(cfg.LedgerPath, cfg.BudgetUSD), nil, nil)
	if err != nil {
		return nil, nil, nil, err
	}
	warnings, err := checkAI(ctx, d, p)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, w := range warnings {
		fmt.Fprintf(e.stderr, "kmeme: warning: %s\n", w)
	}
	return d, p, nil, nil
}

// checkAI asks each configured provider about its model. A retired or
// unknown model (or a refused key) is an error; a provider that cannot be
// reached is a warning, since the call itself will fall back.
func checkAI(ctx context.Context, d kmeme.VideoDescriber, p kmeme.Planner) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	var warnings []string
	judge := func(err error) error {
		if err == nil {
			return nil
		}
		if kmeme.ErrorCode(err) == kmeme.EINVALID {
			return err
		}
		warnings = append(warnings, "model not checked: "+oneLine(err))
		return nil
	}
	if g, ok := d.(*gemini.Describer); ok {
		if err := judge(g.CheckModel(ctx)); err != nil {
			return nil, err
		}
	}
	if c, ok := p.(*claude.Planner); ok {
		w, err := c.CheckModel(ctx)
		if err := judge(err); err != nil {
			return nil, err
		}
		if w != "" {
			warnings = append(warnings, w)
		}
	}
	return warnings, nil
}

// newAI builds Gemini (when a Gemini key is set) and Claude over the local
// planner (when an Anthropic key is set), both recording every call in
// ledger and stopped by the monthly budget. Either may be nil. Build them
// once per process so each provider's circuit breaker is shared by all
// calls (the job worker can call this with the PostgreSQL ledger).
// geminiCache nil means a file cache under cfg.CacheDir (the CLI); the
// service passes Redis. breakers, when set, holds (and exports on
// /metrics) the providers' circuit breakers.
func newAI(cfg config.AI, ledger kmeme.CostLedger, geminiCache kmeme.Cache, breakers *resilience.Breakers) (kmeme.VideoDescriber, kmeme.Planner, error) {
	if geminiCache == nil {
		geminiCache = &gemini.FileCache{Dir: cfg.CacheDir}
	}
	if cfg.GeminiAPIKey == "" && cfg.ClaudeAPIKey == "" {
		return nil, nil, nil
	}
	meter := &costs.Meter{Ledger: ledger}
	budget := &costs.Budget{Ledger: ledger, BudgetUSD: cfg.BudgetUSD}
	retry := resilience.Retry{Deadline: cfg.Timeout}
	var d kmeme.VideoDescriber
	var p kmeme.Planner
	if cfg.GeminiAPIKey != "" {
		g, err := gemini.New(context.Background(), gemini.Config{
			APIKey: cfg.GeminiAPIKey, Model: cfg.GeminiModel, BaseURL: cfg.GeminiBaseURL, Price: cfg.GeminiPrice,
			Retry: retry, Budget: budget, Meter: meter, Cache: geminiCache, HTTPClient: aiHTTPClient(nil),
			Breaker: breakers.Breaker(resilience.BreakerSettings{Name: kmeme.ProviderGemini}),
		})
		if err != nil {
			return nil, nil, err
		}
		d = g
	}
	if cfg.ClaudeAPIKey != "" {
		c, err := claude.New(claude.Config{
			APIKey: cfg.ClaudeAPIKey, Model: cfg.ClaudeModel, BaseURL: cfg.ClaudeBaseURL, Price: cfg.ClaudePrice,
			Retry: retry, Budget: budget, Meter: meter, Local: recipe.NewLocal(), HTTPClient: aiHTTPClient(nil),
			Breaker: breakers.Breaker(resilience.BreakerSettings{Name: kmeme.ProviderClaude}),
		})
		if err != nil {
			return nil, nil, err
		}
		p = c
	}
	return d, p, nil
}
