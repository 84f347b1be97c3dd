package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kmeme-factory/kmeme/internal/blob"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/postgres/pgtest"
	"github.com/kmeme-factory/kmeme/internal/recipe"
	"github.com/kmeme-factory/kmeme/internal/worker"
)

// TestWorkerCommandRunsThePipeline enqueues a remix the way the API does
// and lets a separate `kmeme worker` process it.
func TestWorkerCommandRunsThePipeline(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed")
	}
	ctx := context.Background()
	dbURL := pgtest.NewDatabase(t)
	dataDir := t.TempDir()
	clip := filepath.Join(t.TempDir(), "c.mp4")
	if out, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", "testsrc2=s=160x284:r=15:d=2",
		"-f", "lavfi", "-i", "aevalsrc='0.6*sin(2*PI*1500*t)*exp(-mod(t,0.5)*80)':s=22050:d=2",
		"-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", clip).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v %s", err, out)
	}
	db, err := postgres.Open(ctx, postgres.PoolConfig{URL: dbURL, MaxConns: 4, MinConns: 0})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	blobs, err := blob.NewLocal(filepath.Join(dataDir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(clip)
	if _, err := blobs.Put(ctx, "videos/aa/clip", bytes.NewReader(data), "video/mp4"); err != nil {
		t.Fatal(err)
	}
	enq, err := worker.New(db.Pool, worker.Config{Workers: 0, Blobs: blobs, Planner: recipe.NewLocal()})
	if err != nil {
		t.Fatal(err)
	}
	var nodeID string
	err = postgres.InTx(ctx, db.Pool, func(tx pgx.Tx) error {
		var vid string
		if err := tx.QueryRow(ctx, `INSERT INTO videos (content_hash, size_bytes, blob_key) VALUES ($1, $2, 'videos/aa/clip') RETURNING id::text`,
			strings.Repeat("a", 64), len(data)).Scan(&vid); err != nil {
			return err
		}
		n, err := postgres.CreateNodeTx(ctx, tx, kmeme.NewNode{VideoID: &vid, Status: kmeme.StatusQueued})
		if err != nil {
			return err
		}
		nodeID = n.ID
		return enq.EnqueueTx(ctx, tx, n.ID)
	})
	if err != nil {
		t.Fatal(err)
	}

	vars := map[string]string{"KMEME_DATABASE_URL": dbURL, "KMEME_DATA_DIR": dataDir, "KMEME_WORKERS": "1",
		"KMEME_REDIS_URL": "redis://127.0.0.1:1/0", "KMEME_LOG_LEVEL": "warn"}
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	var logs syncBuffer
	go func() {
		done <- run(wctx, []string{"kmeme", "worker"}, func(k string) string { return vars[k] }, strings.NewReader(""), io.Discard, &logs)
	}()
	store := postgres.NewPipelineStore(db.Pool)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		n, err := store.GetPipelineNode(ctx, nodeID)
		if err != nil {
			t.Fatal(err)
		}
		if n.Status == kmeme.StatusDone {
			break
		}
		if n.Status == kmeme.StatusFailed || time.Now().After(deadline) {
			cancel()
			t.Fatalf("node %s (logs: %s)", n.Status, logs.String())
		}
		time.Sleep(50 * time.Millisecond) // polling the database with a deadline
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("worker exit: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("worker did not stop on cancel")
	}
	if _, _, err := blobs.Open(ctx, "nodes/"+nodeID+"/files/guide.pdf"); err != nil {
		t.Errorf("guide.pdf not stored: %v", err)
	}
	vars["KMEME_WORKERS"] = "0"
	if err := run(ctx, []string{"kmeme", "worker"}, func(k string) string { return vars[k] }, strings.NewReader(""), io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "KMEME_WORKERS") {
		t.Errorf("worker with 0 workers: %v", err)
	}
}
