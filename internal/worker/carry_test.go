package worker_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/media"
	"github.com/kmeme-factory/kmeme/internal/media/mediatest"
	"github.com/kmeme-factory/kmeme/internal/recipe"
	"github.com/kmeme-factory/kmeme/internal/worker"
)

// The pipeline uses what the upload measured: no ffprobe run and no
// second hash (the analysis carries the recorded hash, which here is not
// the file's own), every ffmpeg run is the configured binary, and the
// source is listed by the recorded container without reopening its blob.
func TestPipelineUsesTheUploadsMeasurements(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	data := clip(t)
	src := filepath.Join(t.TempDir(), "clip.mov") // named by what the upload recorded below
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	info, err := media.Tools{}.Probe(ctx, src, media.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	info.Path, info.Container = "", "mov" // stored without a path; a container the bytes do not show
	mj, _ := json.Marshal(info)
	hash := strings.Repeat("ab", 32)
	key := "videos/ab/" + hash
	if _, err := b.blobs.Put(ctx, key, bytes.NewReader(data), "video/quicktime"); err != nil {
		t.Fatal(err)
	}
	v, _, err := b.store.InsertVideo(ctx, &kmeme.Video{ContentHash: hash, SizeBytes: int64(len(data)), BlobKey: key,
		DurationS: info.DurationS, Format: info.Format, Media: mj})
	if err != nil {
		t.Fatal(err)
	}
	probe, ff := mediatest.Record(t, "ffprobe"), mediatest.Record(t, "ffmpeg")
	p, err := worker.New(b.db.Pool, worker.Config{Workers: 1, MaxAttempts: 1, Blobs: b.blobs, Planner: recipe.NewLocal(),
		WorkDir: t.TempDir(), Media: media.Tools{FFmpeg: ff.Path, FFprobe: probe.Path}})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = p.Stop(context.Background()) }()
	id := b.remix(t, p, v.ID)
	n := b.waitStatus(t, id, 2*time.Minute)
	if n.Status != kmeme.StatusDone {
		t.Fatalf("node %s: %s", n.Status, b.errorOf(t, id))
	}
	checkStageProgress(t, b, id)
	if runs := probe.Runs(t); len(runs) != 0 {
		t.Errorf("the pipeline ran ffprobe %d times: %q", len(runs), runs)
	}
	if runs := ff.Runs(t); len(runs) < 3 { // decode, keyframes, preview at least
		t.Errorf("the configured ffmpeg ran %d times", len(runs))
	}
	var a kmeme.Analysis
	if err := json.Unmarshal(n.Analysis, &a); err != nil {
		t.Fatal(err)
	}
	if a.ContentHash != hash {
		t.Errorf("analysis hash %q: the file was hashed again instead of using the upload's %q", a.ContentHash, hash)
	}
	var files []kmeme.File
	if err := json.Unmarshal(n.Files, &files); err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, f := range files {
		if f.Key == key {
			found = true
			if f.Name != "source.mov" || f.ContentType != "video/quicktime" || f.Size != int64(len(data)) {
				t.Errorf("source listed as %+v", f)
			}
		}
	}
	if !found {
		t.Errorf("source not among the files: %+v", files)
	}
}

// checkStageProgress checks the one progress scale: every event's percent
// is of its own stage (the part of the stage name before ":"), each stage
// begins at 0, never goes back and ends at 100, in pipeline order, and the
// stage names are the ones the web lays out (web/lib/progress.ts).
func checkStageProgress(t *testing.T, b *bundle, id string) {
	t.Helper()
	rows, err := b.db.Pool.Query(context.Background(), `SELECT stage, percent FROM remix_events WHERE node_id = $1 ORDER BY id`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type span struct{ first, last int }
	var order []string
	spans := map[string]*span{}
	for rows.Next() {
		var (
			stage string
			pct   int
		)
		if err := rows.Scan(&stage, &pct); err != nil {
			t.Fatal(err)
		}
		base, _, _ := strings.Cut(stage, ":")
		sp, ok := spans[base]
		if !ok {
			sp = &span{first: pct, last: pct}
			spans[base] = sp
			order = append(order, base)
		}
		if pct < sp.last {
			t.Errorf("%s went back from %d%% to %d%% (%s)", base, sp.last, pct, stage)
		}
		sp.last = pct
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(order, " "); got != "queued analyze plan render done" {
		t.Fatalf("stages in order: %q", got)
	}
	for _, st := range order[1:3] { // the render's end is the "done" event
		if sp := spans[st]; sp.first != 0 || sp.last != 100 {
			t.Errorf("%s ran %d%%..%d%%, want 0..100 of its own", st, sp.first, sp.last)
		}
	}
	if sp := spans["render"]; sp.first != 0 || sp.last < 50 {
		t.Errorf("render ran %d%%..%d%%, want from 0 to near its end", sp.first, sp.last)
	}
	if sp := spans["queued"]; sp.first != 0 {
		t.Errorf("queued at %d%%", sp.first)
	}
	if sp := spans["done"]; sp.last != 100 {
		t.Errorf("done at %d%%", sp.last)
	}
}
