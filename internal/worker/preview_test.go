package worker_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// TestRenderStageWritesPreviewAndBundle runs the pipeline on a real clip:
// the node's files hold preview.mp4 (H.264 with the source's sound) and
// kmeme-bundle.zip (with the preview and every timeline), and the render
// stage reported the preview's progress as events.
func TestRenderStageWritesPreviewAndBundle(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	p := b.pipeline(t, 1, nil)
	id := b.remix(t, p, b.video(t, clip(t)))
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = p.Stop(sctx)
	})
	n := b.waitStatus(t, id, 90*time.Second)
	if n.Status != "done" {
		t.Fatalf("node %s: %s", n.Status, b.errorOf(t, id))
	}
	var files []kmeme.File
	if err := json.Unmarshal(n.Files, &files); err != nil {
		t.Fatal(err)
	}
	byName := map[string]kmeme.File{}
	for _, f := range files {
		byName[f.Name] = f
	}
	pv, ok := byName["preview.mp4"]
	if !ok || pv.ContentType != "video/mp4" || pv.Size == 0 {
		t.Fatalf("preview.mp4 not among the files: %+v", files)
	}
	read := func(key string) []byte {
		rc, _, err := b.blobs.Open(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		data, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	pvPath := filepath.Join(t.TempDir(), "preview.mp4")
	if err := os.WriteFile(pvPath, read(pv.Key), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", pvPath).Output()
	if err != nil || !strings.Contains(string(out), "h264") || !strings.Contains(string(out), "aac") {
		t.Errorf("preview streams %q (%v)", out, err)
	}
	zf, ok := byName["kmeme-bundle.zip"]
	if !ok || zf.ContentType != "application/zip" {
		t.Fatalf("kmeme-bundle.zip not among the files: %+v", files)
	}
	zb := read(zf.Key)
	zr, err := zip.NewReader(bytes.NewReader(zb), int64(len(zb)))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	for _, want := range []string{"README.txt", "preview.mp4", "guide.pdf", "finalcut-resolve/timeline.fcpxml", "premiere/timeline.premiere.xml", "subtitles/captions.polite.srt"} {
		if !names[want] {
			t.Errorf("bundle lacks %s", want)
		}
	}
	// The timelines name the remix's own source file, not a scratch path.
	for _, f := range zr.File {
		if f.Name == "finalcut-resolve/timeline.fcpxml" {
			rc, _ := f.Open()
			x, _ := io.ReadAll(rc)
			rc.Close()
			if !bytes.Contains(x, []byte(`src="source.mp4"`)) {
				t.Error("timeline.fcpxml does not point at source.mp4")
			}
		}
	}
	if got := b.count(t, `SELECT count(*) FROM remix_events WHERE node_id = $1 AND stage = 'render:preview.mp4'`, id); got == 0 {
		t.Error("no progress events for the preview")
	}
}
