package worker

// The render stage: write every file of the recipe and list them.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/kmeme-factory/kmeme/internal/blob"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/media"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/recipe"
	"github.com/kmeme-factory/kmeme/internal/render"
)

func (p *Pipeline) render(ctx context.Context, n *kmeme.PipelineNode, attempt int) (func(pgx.Tx) error, error) {
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
	if err := p.begin(ctx, n.ID, kmeme.StatusRendering, "render", pctBegin); err != nil {
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
	source := p.previewSource(ctx, n, dir)
	out := filepath.Join(dir, "out")
	rep := &reporter{p: p, ctx: ctx, nodeID: n.ID, status: kmeme.StatusRendering, lo: pctBegin, hi: pctWork, last: pctBegin}
	paths, err := render.WriteAllWith(ctx, out, &a, &r, p.renderOptions(source, kf,
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
	if src, ok := sourceFile(n, source); ok {
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
		return postgres.AddEvent(ctx, tx, n.ID, "done", pctEnd, kmeme.StatusDone, "")
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
// video's own blob (no copy), so the recipe page can play it. It is named
// by the container the upload recorded; a video recorded before that is
// sniffed from the render's scratch copy. A source that is gone (retention
// purged it, so there is no copy) is simply not listed.
func sourceFile(n *kmeme.PipelineNode, s *source) (kmeme.File, bool) {
	if s == nil {
		return kmeme.File{}, false
	}
	c, ok := media.Container{}, false
	if s.info != nil {
		c, ok = media.ContainerNamed(s.info.Container)
	}
	if !ok {
		c, ok = sniffFile(s.path)
	}
	name, ct := "source.bin", "application/octet-stream"
	if ok {
		name, ct = "source"+c.Ext, c.MIME
	}
	return kmeme.File{Name: name, Key: n.VideoKey, Size: s.size, ContentType: ct}, true
}

func sniffFile(path string) (media.Container, bool) {
	f, err := os.Open(path)
	if err != nil {
		return media.Container{}, false
	}
	defer f.Close()
	head := make([]byte, 512)
	k, _ := io.ReadFull(f, head)
	return media.SniffContainer(head[:k])
}
