package worker

// The pipeline's mechanics: the River workers of the three stages, the
// common life of a stage (run, fail, retry) and progress reporting. The
// stages themselves are analyze.go, plan.go and render.go; blob I/O is
// blobs.go.

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
)

// A progress event's percent is of its own stage, which the event names
// ("analyze", "analyze:keyframes", "plan", "render:guide.pdf", "done"):
// 0 as the stage begins, 100 once its result is committed. The web lays
// the stages out on one bar (web/lib/progress.ts).
const (
	pctBegin = 0
	pctWork  = 99 // the most a stage reports before its commit
	pctEnd   = 100
)

type analyzeWorker struct {
	river.WorkerDefaults[AnalyzeArgs]
	p *Pipeline
}

func (w *analyzeWorker) Timeout(*river.Job[AnalyzeArgs]) time.Duration { return w.p.cfg.JobTimeout }

func (w *analyzeWorker) Work(ctx context.Context, job *river.Job[AnalyzeArgs]) (err error) {
	ctx, end := stageSpan(ctx, "analyze", job.Args.NodeID, job.Attempt, job.Args.Trace)
	defer func() { end(err) }()
	return w.p.run(ctx, "analyze", job.Args.NodeID, job.Attempt, job.MaxAttempts, w.p.analyze,
		func(tx pgx.Tx) error { _, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job); return err })
}

type planWorker struct {
	river.WorkerDefaults[PlanArgs]
	p *Pipeline
}

func (w *planWorker) Timeout(*river.Job[PlanArgs]) time.Duration { return w.p.cfg.JobTimeout }

func (w *planWorker) Work(ctx context.Context, job *river.Job[PlanArgs]) (err error) {
	ctx, end := stageSpan(ctx, "plan", job.Args.NodeID, job.Attempt, job.Args.Trace)
	defer func() { end(err) }()
	plan := func(ctx context.Context, n *kmeme.PipelineNode, attempt int) (func(pgx.Tx) error, error) {
		return w.p.plan(ctx, n, attempt, job.Args.Format, job.Args.Replan)
	}
	return w.p.run(ctx, "plan", job.Args.NodeID, job.Attempt, job.MaxAttempts, plan,
		func(tx pgx.Tx) error { _, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job); return err })
}

type renderWorker struct {
	river.WorkerDefaults[RenderArgs]
	p *Pipeline
}

func (w *renderWorker) Timeout(*river.Job[RenderArgs]) time.Duration { return w.p.cfg.JobTimeout }

func (w *renderWorker) Work(ctx context.Context, job *river.Job[RenderArgs]) (err error) {
	ctx, end := stageSpan(ctx, "render", job.Args.NodeID, job.Attempt, job.Args.Trace)
	defer func() { end(err) }()
	return w.p.run(ctx, "render", job.Args.NodeID, job.Attempt, job.MaxAttempts, w.p.render,
		func(tx pgx.Tx) error { _, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job); return err })
}

// stageFunc does a stage's work outside any transaction and returns what
// to write in the transaction that completes the job.
type stageFunc func(ctx context.Context, n *kmeme.PipelineNode, attempt int) (func(tx pgx.Tx) error, error)

// run is the common life of a stage: skip finished nodes, do the work,
// then save, enqueue the next stage and complete the job in one commit.
func (p *Pipeline) run(ctx context.Context, stage, nodeID string, attempt, maxAttempts int, work stageFunc, complete func(pgx.Tx) error) error {
	log := p.cfg.Log.With("stage", stage, "node_id", nodeID, "attempt", attempt)
	n, err := p.store.GetPipelineNode(ctx, nodeID)
	if kmeme.ErrorCode(err) == kmeme.ENOTFOUND || kmeme.ErrorCode(err) == kmeme.EINVALID {
		log.Info("node is gone; dropping job")
		return river.JobCancel(fmt.Errorf("node %s: %w", nodeID, err))
	}
	if err != nil {
		return err
	}
	if n.Status == kmeme.StatusFailed || n.Status == kmeme.StatusDone {
		log.Info("node already finished; nothing to do", "status", n.Status)
		return nil
	}
	p.retryEvent(ctx, stage, nodeID, attempt, maxAttempts)
	if p.cfg.BeforeStage != nil {
		if err := p.cfg.BeforeStage(ctx, stage, nodeID, attempt); err != nil {
			return p.fail(ctx, stage, nodeID, attempt, maxAttempts, err)
		}
	}
	start := time.Now()
	commit, err := work(ctx, n, attempt)
	if err != nil {
		return p.fail(ctx, stage, nodeID, attempt, maxAttempts, err)
	}
	err = postgres.InTx(ctx, p.pool, func(tx pgx.Tx) error {
		if err := commit(tx); err != nil {
			return err
		}
		return complete(tx)
	})
	if err != nil {
		return p.fail(ctx, stage, nodeID, attempt, maxAttempts, err)
	}
	log.Info("stage done", "seconds", time.Since(start).Seconds())
	p.cfg.Changed(ctx, nodeID)
	return nil
}

// permanent reports errors that another attempt cannot fix: the video
// itself is bad.
func permanent(err error) bool {
	switch kmeme.ErrorCode(err) {
	case kmeme.EINVALID, kmeme.EUNSUPPORTED, kmeme.ETOOLARGE:
		return true
	}
	return false
}

// fail decides between retrying and giving up. A node given up on ends as
// failed with a reason a creator can read; the full error goes to the log.
func (p *Pipeline) fail(ctx context.Context, stage, nodeID string, attempt, maxAttempts int, err error) error {
	log := p.cfg.Log.With("stage", stage, "node_id", nodeID, "attempt", attempt)
	if ctx.Err() != nil {
		// Shutting down or timed out: River retries it (or a rescuer does).
		log.Warn("stage interrupted", "err", err)
		return err
	}
	perm := permanent(err)
	if !perm && attempt < maxAttempts {
		log.Warn("stage failed; will retry", "err", err)
		return err
	}
	reason := kmeme.ErrorMessage(err)
	if !perm {
		var ke *kmeme.Error
		if !errors.As(err, &ke) {
			reason = "an internal error"
		}
		reason = fmt.Sprintf("the %s step failed %d times: %s", stage, attempt, reason)
	} else {
		reason = fmt.Sprintf("the video cannot be used: %s", reason)
	}
	log.Error("stage failed; giving up", "err", err, "reason", reason)
	if !perm {
		reportFailure(ctx, stage, nodeID, attempt, err)
	}
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	ferr := postgres.InTx(dctx, p.pool, func(tx pgx.Tx) error {
		if err := postgres.SetNodeStatus(dctx, tx, nodeID, kmeme.StatusFailed, reason); err != nil {
			return err
		}
		return postgres.AddEvent(dctx, tx, nodeID, stage, pctEnd, kmeme.StatusFailed, reason)
	})
	if ferr != nil {
		log.Error("could not mark node failed", "err", ferr)
		return err
	}
	p.cfg.Changed(dctx, nodeID)
	if perm {
		return river.JobCancel(err)
	}
	return err
}

// reporter writes progress events, at most one per 5 percent or stage change.
type reporter struct {
	mu     sync.Mutex
	p      *Pipeline
	ctx    context.Context
	nodeID string
	status kmeme.NodeStatus
	lo, hi float64
	last   int
	stage  string
}

func (r *reporter) report(stage string, frac float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	pct := int(r.lo + (r.hi-r.lo)*max(0, min(1, frac)))
	if stage == r.stage && pct < r.last+5 {
		return
	}
	r.stage, r.last = stage, pct
	if err := postgres.AddEvent(r.ctx, r.p.pool, r.nodeID, stage, pct, r.status, ""); err != nil {
		r.p.cfg.Log.Warn("progress event lost", "node_id", r.nodeID, "err", err)
	}
}

func (p *Pipeline) begin(ctx context.Context, nodeID string, status kmeme.NodeStatus, stage string, pct int) error {
	if err := postgres.SetNodeStatus(ctx, p.pool, nodeID, status, ""); err != nil {
		return err
	}
	p.cfg.Changed(ctx, nodeID)
	return postgres.AddEvent(ctx, p.pool, nodeID, stage, pct, status, "")
}

// aiAllowed reports whether the node's owner lets paid AI providers see
// their video and text. Without a consent store every node may; a node
// owned by nobody, or a failed look-up, may not (fail closed).
func (p *Pipeline) aiAllowed(ctx context.Context, n *kmeme.PipelineNode) bool {
	if p.cfg.Consents == nil {
		return true
	}
	if n.OwnerID == nil {
		return false
	}
	ok, err := p.cfg.Consents.Granted(ctx, *n.OwnerID, kmeme.ConsentAIProcessing)
	if err != nil {
		p.cfg.Log.Warn("consent look-up failed; using the local engine", "node_id", n.ID, "err", err)
		return false
	}
	return ok
}
