package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/kmeme-factory/kmeme/internal/blob"
	"github.com/kmeme-factory/kmeme/internal/cache"
	"github.com/kmeme-factory/kmeme/internal/config"
	"github.com/kmeme-factory/kmeme/internal/httpapi"
	"github.com/kmeme-factory/kmeme/internal/importer"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/lifecycle"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/recipe"
	"github.com/kmeme-factory/kmeme/internal/resilience"
	"github.com/kmeme-factory/kmeme/internal/worker"
)

// content wires the remixes, videos, files, lineage, search and places
// of deps.Content with what they stand on (blobs, the job pipeline, the
// paid AI providers, caches), and adds the job workers (when withWorkers
// is set), the progress hub and the idempotency-key purge to a.services.
func (a *app) content(ctx context.Context, deps *httpapi.Deps, withWorkers bool) error {
	jobs, up := a.cfg.Jobs, a.cfg.Uploads
	blobs, err := openBlobs(ctx, a.cfg.DataDir, a.cfg.Blobs)
	if err != nil {
		return err
	}
	workDir := filepath.Join(a.cfg.DataDir, "work")
	if err := os.MkdirAll(workDir, 0o750); err != nil {
		return fmt.Errorf("create work directory (KMEME_DATA_DIR): %w", err)
	}
	views := cache.New(a.redis, cache.Options{Name: "views", Registerer: a.metrics.Registry})
	// Analyses are reused for 24 h by content hash; a measurement can take
	// a minute, so other instances wait that long for the first one.
	analyses := cache.New(a.redis, cache.Options{Name: "analysis", Registerer: a.metrics.Registry, LockTTL: 2 * time.Minute})
	aiCfg := a.ai
	ledger := postgres.NewCostLedger(a.db.Pool, aiCfg.BudgetUSD)
	for _, v := range aiCfg.Ignored {
		a.log.Warn(v+" is set but not used: the service calls paid AI only with KMEME_"+v, "variable", v)
	}
	for _, w := range aiCfg.Warnings {
		a.log.Warn(w)
	}
	breakers := resilience.NewBreakers() // kmeme_ai_breaker_* on /metrics
	a.metrics.Registry.MustRegister(breakers)
	// Gemini answers live in Redis beside the other caches (cache:gemini:…),
	// so erasing a user's content also finds the answers about it.
	answers := cache.New(a.redis, cache.Options{Name: "gemini", Registerer: a.metrics.Registry})
	describer, planner, err := newAI(aiCfg, ledger, answers, breakers)
	if err != nil {
		return fmt.Errorf("AI providers: %w", err)
	}
	// A retired or unknown model stops the start with one line naming its
	// variable, rather than failing every job later.
	warnings, err := checkAI(ctx, describer, planner)
	if err != nil {
		return err
	}
	for _, w := range warnings {
		a.log.Warn(w)
	}
	if planner == nil {
		planner = recipe.NewLocal()
	}
	workers := 0
	if withWorkers {
		workers = jobs.Workers
	}
	pipe, err := worker.New(a.db.Pool, worker.Config{
		Workers: workers, MaxAttempts: jobs.MaxAttempts, JobTimeout: jobs.Timeout, RescueAfter: jobs.RescueAfter,
		WorkDir: workDir, Media: a.mediaTools(), Blobs: blobs, Planner: planner, Describer: describer, Analyses: analyses, Log: a.log,
		Consents: postgres.NewConsentStore(a.db.Pool),
		Changed: func(ctx context.Context, nodeID string) {
			if err := views.Invalidate(ctx, "recipe:"+nodeID); err != nil {
				a.log.Warn("cache invalidation failed", "node_id", nodeID, "err", err)
			}
		},
	})
	if err != nil {
		return err
	}
	a.services.Add("job workers", pipe)
	hub := postgres.NewProgressHub(a.db.Pool, a.log)
	a.services.Add("progress hub", hub)
	remixes := postgres.NewRemixService(a.db.Pool, pipe)
	a.services.Add("idempotency key purge", &lifecycle.Periodic{Every: time.Hour, RunAtStart: true, Task: func(ctx context.Context) {
		// Idempotency keys are kept for 24 hours.
		if n, err := remixes.PurgeIdempotencyKeys(ctx, 24); err != nil && ctx.Err() == nil {
			a.log.Warn("purge idempotency keys", "err", err)
		} else if n > 0 {
			a.log.Info("purged idempotency keys", "count", n)
		}
	}})

	videos := postgres.NewVideoService(a.db.Pool, blobs, up.MaxBytes)
	videos.Media = a.mediaTools()
	deps.Content = httpapi.ContentDeps{
		Remixes: remixes, Videos: videos,
		Lineage: postgres.NewLineageService(a.db.Pool), Search: postgres.NewSearchService(a.db.Pool), Places: postgres.NewPlaceService(a.db.Pool),
		Blobs: blobs, Progress: hub,
		Importer:       importer.New(importer.Options{MaxBytes: up.MaxBytes, Timeout: up.ImportTimeout}),
		MaxUploadBytes: up.MaxBytes, SpoolDir: workDir, Views: views,
		DefaultVisibility: kmeme.Visibility(a.cfg.DefaultVisibility),
	}
	a.log.Info("content ready", "workers", workers, "blob", a.cfg.Blobs.URL,
		"gemini", aiCfg.GeminiAPIKey != "", "claude", aiCfg.ClaudeAPIKey != "", "ai_budget_usd", aiCfg.BudgetUSD)
	return nil
}

// openBlobs opens the blob store KMEME_BLOB_URL names.
func openBlobs(ctx context.Context, dataDir string, bc config.Blobs) (kmeme.BlobStore, error) {
	loc, err := blob.ParseURL(bc.URL)
	if err != nil {
		return nil, err
	}
	switch loc.Scheme {
	case "s3":
		return blob.NewS3(ctx, loc, blob.S3Options{Endpoint: bc.S3Endpoint})
	default:
		dir := loc.Dir
		if dir == "" {
			dir = filepath.Join(dataDir, "blobs")
		}
		return blob.NewLocal(dir)
	}
}
