package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/kmeme-factory/kmeme/internal/analysis"
	"github.com/kmeme-factory/kmeme/internal/blob"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/media"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/recipe"
	"github.com/kmeme-factory/kmeme/internal/render"
	"github.com/kmeme-factory/kmeme/internal/similarity"
)

// Percent ranges of the stages in the overall progress.
const (
	pctAnalyzeStart = 2
	pctAnalyzeEnd   = 60
	pctPlanEnd      = 70
	pctRenderEnd    = 100
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
	plan := func(ctx context.Context, n *postgres.PipelineNode, attempt int) (func(pgx.Tx) error, error) {
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
type stageFunc func(ctx context.Context, n *postgres.PipelineNode, attempt int) (func(tx pgx.Tx) error, error)

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
		return postgres.AddEvent(dctx, tx, nodeID, stage, 100, kmeme.StatusFailed, reason)
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

func (p *Pipeline) analyze(ctx context.Context, n *postgres.PipelineNode, attempt int) (func(pgx.Tx) error, error) {
	next := func(tx pgx.Tx) error {
		if err := postgres.SetNodeStatus(ctx, tx, n.ID, kmeme.StatusPlanning, ""); err != nil {
			return err
		}
		if err := postgres.AddEvent(ctx, tx, n.ID, "analyze", pctAnalyzeEnd, kmeme.StatusPlanning, ""); err != nil {
			return err
		}
		_, err := p.client.InsertTx(ctx, tx, PlanArgs{NodeID: n.ID, Trace: traceContext(ctx)}, p.insertOpts())
		return err
	}
	if n.Analysis != nil { // an earlier attempt measured it but died before completing
		return next, nil
	}
	if n.VideoKey == "" {
		return nil, kmeme.Errorf(kmeme.EINVALID, "this remix has no video")
	}
	if err := p.begin(ctx, n.ID, kmeme.StatusAnalyzing, "analyze", pctAnalyzeStart); err != nil {
		return nil, err
	}
	dir, cleanup, err := p.scratch("analyze", n.ID, attempt)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	src := filepath.Join(dir, "source")
	if err := p.download(ctx, n.VideoKey, src); err != nil {
		return nil, err
	}
	kf := filepath.Join(dir, "keyframes")
	rep := &reporter{p: p, ctx: ctx, nodeID: n.ID, status: kmeme.StatusAnalyzing, lo: pctAnalyzeStart, hi: pctAnalyzeEnd - 2, last: pctAnalyzeStart}
	a, err := p.measure(ctx, src, kf, rep)
	if err != nil {
		return nil, fmt.Errorf("analyze node %s: %w", n.ID, err)
	}
	if p.cfg.Describer != nil && a.Semantics == nil && p.aiAllowed(ctx, n) {
		p.describe(ctx, n, src, kf, a)
	}
	for _, s := range a.Shots {
		if s.Keyframe == "" || blob.CheckKey(s.Keyframe) != nil {
			continue
		}
		if err := p.upload(ctx, filepath.Join(kf, s.Keyframe), keyframeKey(n.ID, s.Keyframe), "image/jpeg"); err != nil {
			return nil, err
		}
	}
	aj, err := json.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("encode analysis: %w", err)
	}
	fp := similarity.VectorLiteral(similarity.Fingerprint(a))
	return func(tx pgx.Tx) error {
		if err := postgres.SaveAnalysis(ctx, tx, n.ID, aj, fp); err != nil {
			return err
		}
		return next(tx)
	}, nil
}

// measure analyses src, through the analysis cache when there is one: the
// same file (by content hash) is measured once a day however many remixes
// use it. On a cache hit the keyframes are cut again from this copy, which
// costs a few seeks instead of a full decode.
func (p *Pipeline) measure(ctx context.Context, src, kf string, rep *reporter) (*kmeme.Analysis, error) {
	progress := func(stage string, frac float64) { rep.report("analyze:"+stage, frac) }
	hash, err := analysis.HashFile(src)
	if err != nil {
		return nil, err
	}
	run := func(ctx context.Context) (*kmeme.Analysis, error) {
		return analysis.Run(ctx, src, analysis.Options{KeyframeDir: kf, Progress: progress, ContentHash: hash})
	}
	if p.cfg.Analyses == nil {
		return run(ctx)
	}
	measured := false
	b, err := p.cfg.Analyses.GetOrLoad(ctx, "analysis:v"+kmeme.AnalysisVersion+":"+hash, AnalysisTTL, func(ctx context.Context) ([]byte, error) {
		a, err := run(ctx)
		if err != nil {
			return nil, err
		}
		measured = true
		return json.Marshal(a)
	})
	if err != nil {
		return nil, err
	}
	var a kmeme.Analysis
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, fmt.Errorf("decode cached analysis: %w", err)
	}
	if measured {
		return &a, nil
	}
	progress("cached", 0.5)
	if err := os.MkdirAll(kf, 0o750); err != nil {
		return nil, fmt.Errorf("keyframe directory: %w", err)
	}
	lim := media.DefaultLimits()
	info, err := media.Probe(ctx, src, lim)
	if err != nil {
		return nil, err
	}
	for _, s := range a.Shots {
		if s.Keyframe == "" || blob.CheckKey(s.Keyframe) != nil {
			continue
		}
		if err := media.WriteKeyframe(ctx, info, lim, s.KeyframeT, filepath.Join(kf, s.Keyframe), keyframeMaxSide); err != nil {
			return nil, fmt.Errorf("keyframe at %.2fs: %w", s.KeyframeT, err)
		}
	}
	progress("cached", 1)
	return &a, nil
}

// describe asks the vision model what is on screen. It never fails the
// stage: without an answer the recipe is planned from measurements alone.
func (p *Pipeline) describe(ctx context.Context, n *postgres.PipelineNode, src, kf string, a *kmeme.Analysis) {
	var frames []string
	for _, s := range a.Shots {
		if s.Keyframe != "" {
			frames = append(frames, filepath.Join(kf, s.Keyframe))
		}
	}
	// No MIMEType: the describer reads the container from the bytes, so a
	// stored .mov or .webm is sent as what it is.
	sem, err := p.cfg.Describer.Describe(ctx, kmeme.DescribeInput{VideoPath: src,
		ContentHash: a.ContentHash, URL: n.SourceURL, Keyframes: frames, UserID: n.OwnerID})
	if err != nil {
		p.cfg.Log.Warn("video description failed; planning from measurements only", "node_id", n.ID, "err", err)
		return
	}
	a.Semantics = sem
}

// aiAllowed reports whether the node's owner lets paid AI providers see
// their video and text. Without a consent store every node may; a node
// owned by nobody, or a failed look-up, may not (fail closed).
func (p *Pipeline) aiAllowed(ctx context.Context, n *postgres.PipelineNode) bool {
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

func (p *Pipeline) plan(ctx context.Context, n *postgres.PipelineNode, _ int, format, replan string) (func(pgx.Tx) error, error) {
	next := func(tx pgx.Tx) error {
		if err := postgres.SetNodeStatus(ctx, tx, n.ID, kmeme.StatusRendering, ""); err != nil {
			return err
		}
		if err := postgres.AddEvent(ctx, tx, n.ID, "plan", pctPlanEnd, kmeme.StatusRendering, ""); err != nil {
			return err
		}
		_, err := p.client.InsertTx(ctx, tx, RenderArgs{NodeID: n.ID, Replan: replan, Trace: traceContext(ctx)}, p.insertOpts())
		return err
	}
	if n.Recipe != nil {
		return next, nil
	}
	var a kmeme.Analysis
	if err := json.Unmarshal(n.Analysis, &a); err != nil || n.Analysis == nil {
		return nil, fmt.Errorf("plan node %s: stored analysis unreadable: %v", n.ID, err)
	}
	if err := p.begin(ctx, n.ID, kmeme.StatusPlanning, "plan", pctAnalyzeEnd+2); err != nil {
		return nil, err
	}
	planner := p.cfg.Planner
	if !p.aiAllowed(ctx, n) {
		planner = recipe.NewLocal()
	}
	in := kmeme.PlanInput{Analysis: &a, Title: n.Title, UserID: n.OwnerID, Format: format}
	if n.ParentRecipe != nil {
		// The parent's recipe is evidence (the lineage's format); an
		// unreadable one is left out rather than failing the child's plan.
		if pr, err := recipe.Decode(n.ParentRecipe); err == nil {
			in.Parent = pr
		} else {
			p.cfg.Log.Warn("parent recipe unreadable; planning without it", "node_id", n.ID, "err", err)
		}
	}
	r, err := planner.Plan(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("plan node %s: %w", n.ID, err)
	}
	rj, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode recipe: %w", err)
	}
	tv := similarity.VectorLiteral(similarity.TextEmbedding(RecipeText(n.Title, r)))
	return func(tx pgx.Tx) error {
		if err := postgres.SaveRecipe(ctx, tx, n.ID, rj, tv); err != nil {
			return err
		}
		return next(tx)
	}, nil
}

// RecipeText is the text a node is found by: its title and the recipe's
// words (concept, sound, shots, captions, hashtags).
func RecipeText(title string, r *kmeme.Recipe) string {
	parts := []string{title}
	if r != nil {
		parts = append(parts, r.Concept.Title, r.Concept.Hook, r.Concept.Mechanism, r.Concept.Format,
			r.Audio.SoundKind, r.Audio.Mood)
		for _, s := range r.Shots {
			parts = append(parts, s.Film, s.Action, s.Overtitle, s.Caption.Casual)
		}
		parts = append(parts, r.Hashtags.TikTok...)
	}
	return strings.Join(parts, " ")
}

func (p *Pipeline) render(ctx context.Context, n *postgres.PipelineNode, attempt int) (func(pgx.Tx) error, error) {
	var (
		a kmeme.Analysis
		r kmeme.Recipe
	)
	if err := json.Unmarshal(n.Analysis, &a); err != nil || n.Analysis == nil {
		return nil, fmt.Errorf("render node %s: stored analysis unreadable: %v", n.ID, err)
	}
	if err := json.Unmarshal(n.Recipe, &r); err != nil || n.Recipe == nil {
		return nil, fmt.Errorf("render node %s: stored recipe unreadable: %v", n.ID, err)
	}
	if err := p.begin(ctx, n.ID, kmeme.StatusRendering, "render", pctPlanEnd+1); err != nil {
		return nil, err
	}
	dir, cleanup, err := p.scratch("render", n.ID, attempt)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	kf := filepath.Join(dir, "keyframes")
	if err := os.MkdirAll(kf, 0o750); err != nil {
		return nil, fmt.Errorf("render scratch: %w", err)
	}
	var files []kmeme.File
	for i, s := range a.Shots {
		if s.Keyframe == "" || blob.CheckKey(s.Keyframe) != nil {
			continue
		}
		key := keyframeKey(n.ID, s.Keyframe)
		// The recipe names the keyframe by its published file name
		// (recipe.KeyframeFile); a stored v1 recipe names the analysis's.
		published := recipe.KeyframeFile(i + 1)
		size, err := p.downloadSize(ctx, key, filepath.Join(kf, published))
		if kmeme.ErrorCode(err) == kmeme.ENOTFOUND {
			continue // rendering works without a picture
		}
		if err != nil {
			return nil, err
		}
		if s.Keyframe != published {
			if err := os.Link(filepath.Join(kf, published), filepath.Join(kf, s.Keyframe)); err != nil {
				return nil, fmt.Errorf("render scratch: %w", err)
			}
		}
		files = append(files, kmeme.File{Name: published, Key: key, Size: size, ContentType: "image/jpeg"})
	}
	out := filepath.Join(dir, "out")
	rep := &reporter{p: p, ctx: ctx, nodeID: n.ID, status: kmeme.StatusRendering, lo: pctPlanEnd + 1, hi: pctRenderEnd - 2, last: pctPlanEnd + 1}
	paths, err := render.WriteAllWith(ctx, out, &a, &r, p.renderOptions(ctx, n, dir, kf,
		func(file string, frac float64) { rep.report("render:"+file, frac) }))
	if err != nil {
		return nil, fmt.Errorf("render node %s: %w", n.ID, err)
	}
	var written []kmeme.File
	for _, path := range paths {
		name := filepath.Base(path)
		key := "nodes/" + n.ID + "/files/" + name
		ct := ContentType(name)
		if err := p.upload(ctx, path, key, ct); err != nil {
			return nil, err
		}
		st, err := os.Stat(path)
		if err != nil {
			return nil, fmt.Errorf("render node %s: %w", n.ID, err)
		}
		written = append(written, kmeme.File{Name: name, Key: key, Size: st.Size(), ContentType: ct})
	}
	files = append(written, files...)
	if src, ok := p.sourceFile(ctx, n); ok {
		files = append(files, src)
	}
	fj, err := json.Marshal(files)
	if err != nil {
		return nil, fmt.Errorf("encode files: %w", err)
	}
	return func(tx pgx.Tx) error {
		if err := postgres.SaveFiles(ctx, tx, n.ID, fj); err != nil {
			return err
		}
		if err := postgres.SetNodeStatus(ctx, tx, n.ID, kmeme.StatusDone, ""); err != nil {
			return err
		}
		return postgres.AddEvent(ctx, tx, n.ID, "done", pctRenderEnd, kmeme.StatusDone, "")
	}, nil
}

func keyframeKey(nodeID, name string) string { return "nodes/" + nodeID + "/keyframes/" + name }

// ContentType is the media type a rendered file is served with.
func ContentType(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".pdf":
		return "application/pdf"
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".srt":
		return "application/x-subrip; charset=utf-8"
	case ".ass":
		return "text/x-ssa; charset=utf-8"
	case ".edl":
		return "text/plain; charset=utf-8"
	case ".xml":
		return "application/xml"
	case ".mp4":
		return "video/mp4"
	case ".zip":
		return "application/zip"
	case ".otio", ".json":
		return "application/json"
	case ".fcpxml":
		return "application/xml"
	case ".md":
		return "text/markdown; charset=utf-8"
	}
	return "application/octet-stream"
}

// sourceFile lists the source video among a remix's files, pointing at the
// video's own blob (no copy), so the recipe page can play it. A source that
// is gone (retention purged it) is simply not listed.
func (p *Pipeline) sourceFile(ctx context.Context, n *postgres.PipelineNode) (kmeme.File, bool) {
	if n.VideoKey == "" {
		return kmeme.File{}, false
	}
	rc, size, err := p.cfg.Blobs.Open(ctx, n.VideoKey)
	if err != nil {
		return kmeme.File{}, false
	}
	defer rc.Close()
	head := make([]byte, 512)
	k, _ := io.ReadFull(rc, head)
	name, ct := sourceName(head[:k])
	return kmeme.File{Name: name, Key: n.VideoKey, Size: size, ContentType: ct}, true
}

// sourceName names the source file by its container.
func sourceName(head []byte) (string, string) {
	switch {
	case len(head) >= 12 && string(head[4:8]) == "ftyp" && string(head[8:10]) == "qt":
		return "source.mov", "video/quicktime"
	case len(head) >= 8 && string(head[4:8]) == "ftyp":
		return "source.mp4", "video/mp4"
	case len(head) >= 4 && head[0] == 0x1a && head[1] == 0x45 && head[2] == 0xdf && head[3] == 0xa3:
		return "source.webm", "video/webm"
	}
	return "source.bin", "application/octet-stream"
}

func (p *Pipeline) download(ctx context.Context, key, dst string) error {
	_, err := p.downloadSize(ctx, key, dst)
	return err
}

func (p *Pipeline) downloadSize(ctx context.Context, key, dst string) (int64, error) {
	rc, _, err := p.cfg.Blobs.Open(ctx, key)
	if err != nil {
		return 0, fmt.Errorf("read blob %s: %w", key, err)
	}
	defer rc.Close()
	f, err := os.Create(dst)
	if err != nil {
		return 0, fmt.Errorf("scratch file: %w", err)
	}
	n, err := io.Copy(f, rc)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("copy blob %s: %w", key, err)
	}
	return n, nil
}

func (p *Pipeline) upload(ctx context.Context, src, key, contentType string) error {
	f, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("upload %s: %w", key, err)
	}
	defer f.Close()
	if _, err := p.cfg.Blobs.Put(ctx, key, f, contentType); err != nil {
		return fmt.Errorf("upload %s: %w", key, err)
	}
	return nil
}
