package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/media/mediatest"
	"github.com/kmeme-factory/kmeme/internal/postgres/pgtest"
	"github.com/kmeme-factory/kmeme/internal/redis/redistest"
)

// KMEME_FFPROBE and KMEME_FFMPEG are the binaries that run, and one
// uploaded video is probed once: by the upload, not again by the stages.
func TestConfiguredMediaToolsRunOncePerUpload(t *testing.T) {
	t.Parallel()
	clip := genClip(t)
	probe, ff := mediatest.Record(t, "ffprobe"), mediatest.Record(t, "ffmpeg")
	base, logs := startStack(t, pgtest.NewDatabase(t), map[string]string{
		"KMEME_FFPROBE": probe.Path, "KMEME_FFMPEG": ff.Path, "KMEME_REDIS_URL": redistest.URL()})
	c := signUp(t, base, "tools@example.com")
	videoID := c.upload(t, clip)
	if runs := probe.Runs(t); len(runs) != 1 {
		t.Fatalf("upload ran ffprobe %d times: %q", len(runs), runs)
	}
	o := c.do("create", "POST", "/api/remix", strings.NewReader(fmt.Sprintf(`{"title":"도구","video_id":%q}`, videoID)),
		map[string]string{"Content-Type": "application/json"})
	var node struct{ ID, Status string }
	if err := json.Unmarshal([]byte(o.body), &node); err != nil || o.status != 202 {
		t.Fatalf("create: %d %s", o.status, o.body)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for node.Status != "done" {
		o := c.do("get", "GET", "/api/remix/"+node.ID, nil, nil)
		var view struct{ Node struct{ Status string } }
		_ = json.Unmarshal([]byte(o.body), &view)
		node.Status = view.Node.Status
		if node.Status == "failed" || time.Now().After(deadline) {
			t.Fatalf("remix %q: %d %s (logs %s)", node.Status, o.status, o.body, logs.String())
		}
		time.Sleep(100 * time.Millisecond) // polling the API with a deadline
	}
	if runs := probe.Runs(t); len(runs) != 1 {
		t.Errorf("one upload and its remix ran ffprobe %d times: %q", len(runs), runs)
	}
	if runs := ff.Runs(t); len(runs) < 3 {
		t.Errorf("KMEME_FFMPEG ran %d times; the pipeline decodes, cuts keyframes and encodes with it", len(runs))
	}
}
