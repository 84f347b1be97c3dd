package worker

import (
	"context"
	"path/filepath"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/media"
	"github.com/kmeme-factory/kmeme/internal/render"
)

// source is the render's scratch copy of the source video.
type source struct {
	path string
	size int64
	info *media.Info // the upload's probe; nil for a video recorded before it was kept
}

// renderOptions are the render stage's options: every file, the animatic
// preview over the source's sound and the bundle of them all. The
// timelines name the source "source.mp4" (the remix's own file of that
// name), not the scratch copy the preview reads its sound from.
func (p *Pipeline) renderOptions(src *source, keyframes string, progress func(string, float64)) render.Options {
	po := render.PreviewOptions{Tools: p.cfg.Media}
	if src != nil {
		po.SourcePath, po.Source = src.path, src.info
	}
	return render.Options{
		KeyframeDir: keyframes, FontDir: p.cfg.FontDir, Register: kmeme.RegisterCasual,
		Progress: progress, Preview: true, Bundle: true, PreviewOptions: po,
	}
}

// previewSource copies the source video into the render scratch so the
// preview can play its sound. Without it (no video, or a retention purge
// removed it) the preview is silent and says so; the stage goes on.
func (p *Pipeline) previewSource(ctx context.Context, n *kmeme.PipelineNode, dir string) *source {
	if n.VideoKey == "" {
		return nil
	}
	dst := filepath.Join(dir, "source")
	size, err := p.downloadSize(ctx, n.VideoKey, dst)
	if err != nil {
		p.cfg.Log.Warn("source not readable for the preview; rendering it silent", "node_id", n.ID, "err", err)
		return nil
	}
	s := &source{path: dst, size: size}
	if n.VideoMedia != nil {
		if info, err := p.cfg.Media.Probed(dst, n.VideoMedia, media.DefaultLimits()); err == nil {
			s.info = info
		}
	}
	return s
}
