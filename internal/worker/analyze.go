package worker

// The analyze stage: measure the source video (with what the upload
// already measured), describe it when AI is allowed, store keyframes.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/jackc/pgx/v5"

	"github.com/kmeme-factory/kmeme/internal/analysis"
	"github.com/kmeme-factory/kmeme/internal/blob"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/media"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/similarity"
)

func (p *Pipeline) analyze(ctx context.Context, n *kmeme.PipelineNode, attempt int) (func(pgx.Tx) error, error) {
	next := func(tx pgx.Tx) error {
		if err := postgres.SetNodeStatus(ctx, tx, n.ID, kmeme.StatusPlanning, ""); err != nil {
			return err
		}
		if err := postgres.AddEvent(ctx, tx, n.ID, "analyze", pctEnd, kmeme.StatusPlanning, ""); err != nil {
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
	if err := p.begin(ctx, n.ID, kmeme.StatusAnalyzing, "analyze", pctBegin); err != nil {
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
	info, hash, err := p.knownSource(ctx, n, src)
	if err != nil {
		return nil, err
	}
	kf := filepath.Join(dir, "keyframes")
	rep := &reporter{p: p, ctx: ctx, nodeID: n.ID, status: kmeme.StatusAnalyzing, lo: pctBegin, hi: pctWork, last: pctBegin}
	a, err := p.measure(ctx, info, hash, kf, rep)
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

// knownSource returns the probe and content hash of the downloaded source
// at src as the upload measured them (carried on the node), so the file
// is probed and hashed once per upload. A video recorded before the
// upload kept them is probed and hashed here.
func (p *Pipeline) knownSource(ctx context.Context, n *kmeme.PipelineNode, src string) (*media.Info, string, error) {
	lim := media.DefaultLimits()
	var (
		info *media.Info
		err  error
	)
	if n.VideoMedia != nil {
		info, err = p.cfg.Media.Probed(src, n.VideoMedia, lim)
		if err != nil && permanent(err) {
			return nil, "", err
		}
		if err != nil {
			p.cfg.Log.Warn("stored probe not usable; probing again", "node_id", n.ID, "err", err)
			info = nil
		}
	}
	if info == nil {
		if info, err = p.cfg.Media.Probe(ctx, src, lim); err != nil {
			return nil, "", err
		}
	}
	hash := n.VideoHash
	if hash == "" {
		if hash, err = analysis.HashFile(src); err != nil {
			return nil, "", err
		}
	}
	return info, hash, nil
}

// measure analyses the probed source, through the analysis cache when
// there is one: the same file (by content hash) is measured once a day
// however many remixes use it. On a cache hit the keyframes are cut again
// from this copy, which costs a few seeks instead of a full decode.
func (p *Pipeline) measure(ctx context.Context, info *media.Info, hash, kf string, rep *reporter) (*kmeme.Analysis, error) {
	progress := func(stage string, frac float64) { rep.report("analyze:"+stage, frac) }
	run := func(ctx context.Context) (*kmeme.Analysis, error) {
		return analysis.Run(ctx, info.Path, analysis.Options{KeyframeDir: kf, Progress: progress,
			ContentHash: hash, Tools: p.cfg.Media, Probe: info})
	}
	if p.cfg.Analyses == nil {
		return run(ctx)
	}
	measured := false
	b, err := p.cfg.Analyses.GetOrLoad(ctx, "analysis:"+kmeme.AnalysisCacheKey()+":"+hash, AnalysisTTL, func(ctx context.Context) ([]byte, error) {
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
func (p *Pipeline) describe(ctx context.Context, n *kmeme.PipelineNode, src, kf string, a *kmeme.Analysis) {
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
