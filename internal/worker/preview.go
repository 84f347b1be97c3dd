package worker

import (
	"context"
	"path/filepath"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/render"
)

// renderOptions are the render stage's options: every file, the animatic
// preview over the source's sound and the bundle of them all. The
// timelines name the source "source.mp4" (the remix's own file of that
// name), not the scratch copy the preview reads its sound from.
func (p *Pipeline) renderOptions(ctx context.Context, n *postgres.PipelineNode, dir, keyframes string, progress func(string, float64)) render.Options {
	return render.Options{
		KeyframeDir: keyframes, FontDir: p.cfg.FontDir, Register: kmeme.RegisterCasual,
		Progress: progress, Preview: true, Bundle: true,
		PreviewOptions: render.PreviewOptions{SourcePath: p.previewSource(ctx, n, dir)},
	}
}

// previewSource copies the source video into the render scratch so the
// preview can play its sound. Without it (no video, or a retention purge
// removed it) the preview is silent and says so; the stage goes on.
func (p *Pipeline) previewSource(ctx context.Context, n *postgres.PipelineNode, dir string) string {
	if n.VideoKey == "" {
		return ""
	}
	dst := filepath.Join(dir, "source")
	if err := p.download(ctx, n.VideoKey, dst); err != nil {
		p.cfg.Log.Warn("source not readable for the preview; rendering it silent", "node_id", n.ID, "err", err)
		return ""
	}
	return dst
}
