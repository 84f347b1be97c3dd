// Package worker runs a remix's pipeline — analyze → plan → render — as
// River jobs in PostgreSQL. Each stage finishes by saving its result,
// enqueuing the next stage and completing its own job in one transaction,
// so a stage whose worker dies before that commit is simply run again
// (its inputs are unchanged), and one that committed is never run twice.
// The first job is enqueued in the transaction that creates the node.
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/media"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/recipe"
)

// Queue is the River queue of the pipeline.
const Queue = "pipeline"

// Job kinds.
const (
	KindAnalyze = "kmeme_analyze"
	KindPlan    = "kmeme_plan"
	KindRender  = "kmeme_render"
)

// AnalyzeArgs asks for a node's video to be measured.
type AnalyzeArgs struct {
	NodeID string            `json:"node_id" river:"unique"`
	Trace  map[string]string `json:"trace,omitempty"` // W3C trace context of the enqueuer; not part of uniqueness
}

// Kind implements river.JobArgs.
func (AnalyzeArgs) Kind() string { return KindAnalyze }

// PlanArgs asks for a node's recipe to be written. Format forces a format
// (a re-plan with the runner-up); Replan is a fresh id per re-plan, so the
// re-plan's jobs are not taken for duplicates of the finished first run.
type PlanArgs struct {
	NodeID string            `json:"node_id" river:"unique"`
	Format string            `json:"format,omitempty"`
	Replan string            `json:"replan,omitempty" river:"unique"`
	Trace  map[string]string `json:"trace,omitempty"`
}

// Kind implements river.JobArgs.
func (PlanArgs) Kind() string { return KindPlan }

// RenderArgs asks for a node's files to be written (Replan as in PlanArgs).
type RenderArgs struct {
	NodeID string            `json:"node_id" river:"unique"`
	Replan string            `json:"replan,omitempty" river:"unique"`
	Trace  map[string]string `json:"trace,omitempty"`
}

// Kind implements river.JobArgs.
func (RenderArgs) Kind() string { return KindRender }

// Config configures the pipeline. Zero fields take the documented defaults.
type Config struct {
	// Workers is how many jobs this process runs at once; 0 makes an
	// insert-only client (the API enqueues, other processes work).
	Workers int
	// MaxAttempts is how many times a stage is tried. Default 3.
	MaxAttempts int
	// JobTimeout bounds one stage. Default 10 minutes.
	JobTimeout time.Duration
	// RescueAfter is when a running job is presumed dead and retried.
	// Default 15 minutes; must exceed JobTimeout. A job of a worker that
	// died on this machine is taken back at once when a worker starts here.
	RescueAfter time.Duration
	// RetryBase is the first retry's mean delay; later ones double, with
	// full jitter, capped at 5 minutes. Default 5 s.
	RetryBase time.Duration
	// WorkDir holds per-job scratch files. Default the system temp dir.
	WorkDir string
	// Media are the ffmpeg and ffprobe that run (KMEME_FFMPEG,
	// KMEME_FFPROBE); the zero value runs PATH's.
	Media media.Tools
	// FontDir is passed to the renderer (default: system fonts).
	FontDir string
	// Blobs stores source videos, keyframes and rendered files. Required.
	Blobs kmeme.BlobStore
	// Planner writes recipes. Default the local planner.
	Planner kmeme.Planner
	// Describer, when set, adds what a vision model sees (Gemini) to the
	// analysis; it never changes a measured time.
	Describer kmeme.VideoDescriber
	// Store reads the nodes the stages work on (default: PostgreSQL on
	// the pipeline's pool).
	Store kmeme.PipelineStore
	// Analyses caches analyses by content hash for AnalysisTTL (optional).
	Analyses kmeme.Cache
	// Consents, when set, gates the AI providers per owner: a remix whose
	// owner has not granted kmeme.ConsentAIProcessing is described and
	// planned by the local engine only.
	Consents ConsentChecker
	// Changed is called after every change to a node (cache invalidation).
	Changed func(ctx context.Context, nodeID string)
	// BeforeStage, when set, runs before each stage's work (tests use it
	// to stop a worker mid-job); an error from it fails the attempt.
	BeforeStage func(ctx context.Context, stage, nodeID string, attempt int) error
	// Log receives job logs.
	Log *slog.Logger
	// ClientID names this process among River clients (default
	// <host>-pid<pid>-<start>, which lets a successor on this machine tell
	// that the process died).
	ClientID string
}

// ConsentChecker answers whether a user granted a purpose.
type ConsentChecker interface {
	Granted(ctx context.Context, userID, purpose string) (bool, error)
}

// AnalysisTTL is how long an analysis is reused for the same file (the
// specification's 24 hours).
const AnalysisTTL = 24 * time.Hour

// keyframeMaxSide matches the analysis engine's keyframe size.
const keyframeMaxSide = 720

func (c Config) withDefaults() Config {
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 3
	}
	if c.JobTimeout <= 0 {
		c.JobTimeout = 10 * time.Minute
	}
	if c.RescueAfter <= c.JobTimeout {
		c.RescueAfter = c.JobTimeout + 5*time.Minute
	}
	if c.RetryBase <= 0 {
		c.RetryBase = 5 * time.Second
	}
	if c.WorkDir == "" {
		c.WorkDir = os.TempDir()
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Changed == nil {
		c.Changed = func(context.Context, string) {}
	}
	if c.Planner == nil {
		c.Planner = recipe.NewLocal()
	}
	if c.ClientID == "" {
		c.ClientID = defaultClientID()
	}
	return c
}

// Pipeline owns the River client that enqueues and works the stages.
type Pipeline struct {
	cfg    Config
	pool   *pgxpool.Pool
	store  kmeme.PipelineStore
	client *river.Client[pgx.Tx]
}

// New builds the pipeline on pool. Call Start to work jobs (when
// Workers > 0) and Stop to finish.
func New(pool *pgxpool.Pool, cfg Config) (*Pipeline, error) {
	cfg = cfg.withDefaults()
	if cfg.Blobs == nil {
		return nil, errors.New("worker: a blob store is required")
	}
	if cfg.Planner == nil {
		return nil, errors.New("worker: a planner is required")
	}
	p := &Pipeline{cfg: cfg, pool: pool, store: cfg.Store}
	if p.store == nil {
		p.store = postgres.NewPipelineStore(pool)
	}
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &analyzeWorker{p: p}); err != nil {
		return nil, fmt.Errorf("register analyze worker: %w", err)
	}
	if err := river.AddWorkerSafely(workers, &planWorker{p: p}); err != nil {
		return nil, fmt.Errorf("register plan worker: %w", err)
	}
	if err := river.AddWorkerSafely(workers, &renderWorker{p: p}); err != nil {
		return nil, fmt.Errorf("register render worker: %w", err)
	}
	if err := river.AddWorkerSafely(workers, &trendingWorker{p: p}); err != nil {
		return nil, fmt.Errorf("register trending worker: %w", err)
	}
	rc := &river.Config{
		ID:                   cfg.ClientID,
		Logger:               cfg.Log.With("component", "river"),
		MaxAttempts:          cfg.MaxAttempts,
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.RescueAfter,
		RetryPolicy:          &backoff{base: cfg.RetryBase},
		Workers:              workers,
	}
	if cfg.Workers > 0 {
		rc.Queues = map[string]river.QueueConfig{Queue: {MaxWorkers: cfg.Workers}, MaintenanceQueue: {MaxWorkers: 1}}
		rc.PeriodicJobs = []*river.PeriodicJob{trendingPeriodic()}
	}
	client, err := river.NewClient(riverpgxv5.New(pool), rc)
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	p.client = client
	return p, nil
}

// Start begins working jobs; it is a no-op for an insert-only pipeline.
func (p *Pipeline) Start(ctx context.Context) error {
	if p.cfg.Workers == 0 {
		return nil
	}
	// What a worker killed on this machine left: its scratch, its jobs.
	p.sweepScratch()
	if n, err := p.rescueDead(ctx); err != nil {
		p.cfg.Log.Warn("could not take back the jobs of stopped workers; River's rescuer will", "err", err.Error())
	} else if n > 0 {
		p.cfg.Log.Info("took back jobs of stopped workers", "jobs", n)
	}
	if err := p.client.Start(ctx); err != nil {
		return fmt.Errorf("start workers: %w", err)
	}
	return nil
}

// Stop lets running jobs finish (until ctx ends), then stops.
func (p *Pipeline) Stop(ctx context.Context) error {
	if p.cfg.Workers == 0 {
		return nil
	}
	return p.client.Stop(ctx)
}

// StopAndCancel cancels running jobs and stops, as a killed worker would
// (their jobs are retried by another worker).
func (p *Pipeline) StopAndCancel(ctx context.Context) error {
	if p.cfg.Workers == 0 {
		return nil
	}
	return p.client.StopAndCancel(ctx)
}

// Client returns the River client (for subscriptions in tests and tools).
func (p *Pipeline) Client() *river.Client[pgx.Tx] { return p.client }

// EnqueueTx enqueues a node's first stage inside tx, with the progress
// event that says it is queued: both exist exactly when tx commits.
func (p *Pipeline) EnqueueTx(ctx context.Context, tx pgx.Tx, nodeID string) error {
	if err := postgres.AddEvent(ctx, tx, nodeID, "queued", pctBegin, kmeme.StatusQueued, ""); err != nil {
		return err
	}
	if _, err := p.client.InsertTx(ctx, tx, AnalyzeArgs{NodeID: nodeID, Trace: traceContext(ctx)}, p.insertOpts()); err != nil {
		return fmt.Errorf("enqueue analysis of %s: %w", nodeID, err)
	}
	return nil
}

// ReplanTx queues the plan stage of a finished node again inside tx, with
// format forced (the caller has cleared the stored recipe in the same
// transaction): the plan and then the render run anew, under replanID.
func (p *Pipeline) ReplanTx(ctx context.Context, tx pgx.Tx, nodeID, format, replanID string) error {
	// The analysis stands; the plan stage is what waits (at 0 of its own).
	if err := postgres.AddEvent(ctx, tx, nodeID, "plan", pctBegin, kmeme.StatusQueued, ""); err != nil {
		return err
	}
	if _, err := p.client.InsertTx(ctx, tx, PlanArgs{NodeID: nodeID, Format: format, Replan: replanID, Trace: traceContext(ctx)}, p.insertOpts()); err != nil {
		return fmt.Errorf("enqueue re-plan of %s: %w", nodeID, err)
	}
	return nil
}

func (p *Pipeline) insertOpts() *river.InsertOpts {
	return &river.InsertOpts{Queue: Queue, MaxAttempts: p.cfg.MaxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// backoff is capped exponential backoff with full jitter.
type backoff struct{ base time.Duration }

func (b *backoff) NextRetry(job *rivertype.JobRow) time.Time {
	n := max(1, len(job.Errors)+1)
	d := b.base << min(n-1, 16)
	d = min(d, 5*time.Minute)
	return time.Now().Add(time.Duration(rand.Int64N(int64(d)) + 1))
}

// scratch makes a per-attempt directory under this process's run folder
// (crash.go), removing earlier attempts' leftovers first, and returns a
// func removing it.
func (p *Pipeline) scratch(stage, nodeID string, attempt int) (string, func(), error) {
	p.sweepAttempts(stage, nodeID, attempt)
	dir := filepath.Join(p.runDir(), fmt.Sprintf("kmeme-%s-%s-%d-%d", stage, nodeID, attempt, rand.Int64()))
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", nil, fmt.Errorf("scratch dir: %w", err)
	}
	return dir, func() { _ = os.RemoveAll(dir) }, nil
}
