package worker_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/kmeme-factory/kmeme/internal/blob"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/postgres/pgtest"
	"github.com/kmeme-factory/kmeme/internal/recipe"
	"github.com/kmeme-factory/kmeme/internal/worker"
)

type bundle struct {
	db    *postgres.DB
	blobs *blob.Local
	store workerStores
}

func setup(t *testing.T) *bundle {
	t.Helper()
	db := pgtest.NewDB(t)
	blobs, err := blob.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &bundle{db: db, blobs: blobs, store: workerStores{postgres.NewVideoService(db.Pool, nil, 0), postgres.NewPipelineStore(db.Pool)}}
}

func (b *bundle) pipeline(t *testing.T, workers int, hook func(ctx context.Context, stage, nodeID string, attempt int) error) *worker.Pipeline {
	t.Helper()
	p, err := worker.New(b.db.Pool, worker.Config{Workers: workers, MaxAttempts: 2, RetryBase: 20 * time.Millisecond,
		Blobs: b.blobs, Planner: recipe.NewLocal(), WorkDir: t.TempDir(), BeforeStage: hook})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// video stores content as a video and returns its id.
func (b *bundle) video(t *testing.T, content []byte) string {
	t.Helper()
	ctx := context.Background()
	key := "videos/t/" + strings.ToLower(uuid.NewString())
	if _, err := b.blobs.Put(ctx, key, bytes.NewReader(content), "video/mp4"); err != nil {
		t.Fatal(err)
	}
	// The content's own hash, as the upload records it: the pipeline uses
	// it (the analysis cache is keyed by it) instead of hashing again.
	sum := sha256.Sum256(content)
	v, _, err := b.store.InsertVideo(ctx, &kmeme.Video{ContentHash: hex.EncodeToString(sum[:]), SizeBytes: int64(len(content)), BlobKey: key})
	if err != nil {
		t.Fatal(err)
	}
	return v.ID
}

// remix creates a node for video and enqueues its pipeline in one transaction.
func (b *bundle) remix(t *testing.T, p *worker.Pipeline, videoID string) string {
	t.Helper()
	ctx := context.Background()
	var id string
	err := postgres.InTx(ctx, b.db.Pool, func(tx pgx.Tx) error {
		n, err := postgres.CreateNodeTx(ctx, tx, kmeme.NewNode{Title: "테스트", VideoID: &videoID, Status: kmeme.StatusQueued})
		if err != nil {
			return err
		}
		id = n.ID
		return p.EnqueueTx(ctx, tx, n.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (b *bundle) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := b.db.Pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// waitStatus polls the node until it reaches a final status or the deadline.
func (b *bundle) waitStatus(t *testing.T, id string, d time.Duration) *kmeme.PipelineNode {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		n, err := b.store.GetPipelineNode(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if n.Status == kmeme.StatusDone || n.Status == kmeme.StatusFailed {
			return n
		}
		if time.Now().After(deadline) {
			t.Fatalf("node %s still %s after %s", id, n.Status, d)
		}
		time.Sleep(50 * time.Millisecond) // polling the database with a deadline
	}
}

func (b *bundle) errorOf(t *testing.T, id string) string {
	t.Helper()
	var e string
	if err := b.db.Pool.QueryRow(context.Background(), `SELECT error FROM remix_nodes WHERE id = $1`, id).Scan(&e); err != nil {
		t.Fatal(err)
	}
	return e
}

func clip(t *testing.T) []byte {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed")
	}
	p := filepath.Join(t.TempDir(), "c.mp4")
	out, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", "testsrc2=s=160x284:r=15:d=1",
		"-f", "lavfi", "-i", "mandelbrot=s=160x284:r=15,trim=duration=1",
		"-f", "lavfi", "-i", "aevalsrc='0.6*sin(2*PI*1500*t)*exp(-mod(t,0.5)*80)':s=22050:d=2",
		"-filter_complex", "[0:v][1:v]concat=n=2:v=1[v]", "-map", "[v]", "-map", "2:a",
		"-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", p).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v %s", err, out)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestRollbackLeavesNoJob(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.pipeline(t, 0, nil)
	ctx := context.Background()
	vid := b.video(t, []byte("x"))
	errBoom := errors.New("boom after enqueue")
	err := postgres.InTx(ctx, b.db.Pool, func(tx pgx.Tx) error {
		n, err := postgres.CreateNodeTx(ctx, tx, kmeme.NewNode{VideoID: &vid, Status: kmeme.StatusQueued})
		if err != nil {
			return err
		}
		if err := p.EnqueueTx(ctx, tx, n.ID); err != nil {
			return err
		}
		if c := tx.QueryRow(ctx, `SELECT count(*) FROM river_job`); c != nil {
			var inTx int
			_ = c.Scan(&inTx)
			if inTx != 1 {
				t.Errorf("inside the transaction: %d jobs, want 1", inTx)
			}
		}
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("err = %v", err)
	}
	for _, q := range []string{`SELECT count(*) FROM river_job`, `SELECT count(*) FROM remix_nodes`, `SELECT count(*) FROM remix_events`} {
		if n := b.count(t, q); n != 0 {
			t.Errorf("%s = %d after rollback", q, n)
		}
	}
	// And committing leaves exactly one.
	b.remix(t, p, vid)
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = $1`, worker.KindAnalyze); n != 1 {
		t.Errorf("%d jobs after commit, want 1", n)
	}
}

func TestKilledWorkerJobFinishesOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	entered := make(chan struct{})
	var first atomic.Bool
	var starts atomic.Int32
	// Worker A blocks inside the analysis until it is killed.
	a := b.pipeline(t, 1, func(ctx context.Context, stage, _ string, attempt int) error {
		if stage == "analyze" {
			starts.Add(1)
		}
		if stage == "analyze" && first.CompareAndSwap(false, true) {
			close(entered)
			<-ctx.Done()
			return ctx.Err()
		}
		return nil
	})
	vid := b.video(t, clip(t))
	id := b.remix(t, a, vid)
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-entered:
	case <-time.After(30 * time.Second):
		t.Fatal("worker A never started the job")
	}
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := a.StopAndCancel(sctx); err != nil {
		t.Fatal(err)
	}
	var (
		state   string
		attempt int
	)
	if err := b.db.Pool.QueryRow(ctx, `SELECT state, attempt FROM river_job WHERE kind = $1`, worker.KindAnalyze).Scan(&state, &attempt); err != nil {
		t.Fatal(err)
	}
	t.Logf("after the kill: job %s, attempt %d", state, attempt)
	if state == "running" {
		// A process killed with -9 leaves the row running until River's
		// rescuer (RescueAfter) makes it retryable; play the rescuer.
		if _, err := b.db.Pool.Exec(ctx, `UPDATE river_job SET state = 'retryable', scheduled_at = now() WHERE kind = $1`, worker.KindAnalyze); err != nil {
			t.Fatal(err)
		}
	} else if state != "retryable" && state != "available" { // River hands a job cancelled by shutdown back as available
		t.Fatalf("job state after the kill: %s", state)
	}
	bw := b.pipeline(t, 1, func(_ context.Context, stage, _ string, _ int) error {
		if stage == "analyze" {
			starts.Add(1)
		}
		return nil
	})
	if err := bw.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bw.Stop(context.Background()) })
	n := b.waitStatus(t, id, 2*time.Minute)
	if n.Status != kmeme.StatusDone {
		t.Fatalf("status %s: %s", n.Status, b.errorOf(t, id))
	}
	for _, kind := range []string{worker.KindAnalyze, worker.KindPlan, worker.KindRender} {
		if c := b.count(t, `SELECT count(*) FROM river_job WHERE kind = $1 AND state = 'completed'`, kind); c != 1 {
			t.Errorf("%s: %d completed jobs, want 1", kind, c)
		}
	}
	if c := starts.Load(); c != 2 {
		t.Errorf("analysis started %d times, want 2 (killed once, then finished)", c)
	}
	if c := b.count(t, `SELECT count(*) FROM remix_events WHERE node_id = $1 AND status = 'done'`, id); c != 1 {
		t.Errorf("%d done events, want 1", c)
	}
	// The analysis commit is the one event that moves the node on to planning.
	if c := b.count(t, `SELECT count(*) FROM remix_events WHERE node_id = $1 AND stage = 'analyze' AND status = 'planning'`, id); c != 1 {
		t.Errorf("analysis result committed %d times, want 1", c)
	}
}

func TestPoisonVideoFailsWithReason(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	p := b.pipeline(t, 2, nil)
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Stop(context.Background()) })
	// Not a video at all: refused at the first attempt, not retried.
	poison := b.remix(t, p, b.video(t, []byte("this is not a video, just text pretending\n")))
	n := b.waitStatus(t, poison, time.Minute)
	if msg := b.errorOf(t, poison); n.Status != kmeme.StatusFailed || !strings.Contains(msg, "cannot be used") {
		t.Errorf("poison: status %s error %q", n.Status, msg)
	}
	var state string
	var attempt int
	deadline := time.Now().Add(30 * time.Second)
	for {
		if err := b.db.Pool.QueryRow(ctx, `SELECT state, attempt FROM river_job WHERE args->>'node_id' = $1`, poison).Scan(&state, &attempt); err != nil {
			t.Fatal(err)
		}
		if state != "running" || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond) // River records the outcome just after the node is marked
	}
	if state != "cancelled" || attempt != 1 {
		t.Errorf("poison job %s after %d attempts", state, attempt)
	}
	// A missing blob is not the video's fault: retried, then failed.
	var missing string
	err := postgres.InTx(ctx, b.db.Pool, func(tx pgx.Tx) error {
		var vid string
		if err := tx.QueryRow(ctx, `INSERT INTO videos (content_hash, size_bytes, blob_key) VALUES ($1, 1, 'videos/none/gone') RETURNING id::text`,
			strings.Repeat("f", 64)).Scan(&vid); err != nil {
			return err
		}
		n, err := postgres.CreateNodeTx(ctx, tx, kmeme.NewNode{VideoID: &vid, Status: kmeme.StatusQueued})
		if err != nil {
			return err
		}
		missing = n.ID
		return p.EnqueueTx(ctx, tx, n.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	n = b.waitStatus(t, missing, time.Minute)
	if msg := b.errorOf(t, missing); n.Status != kmeme.StatusFailed || !strings.Contains(msg, "failed 2 times") {
		t.Errorf("missing blob: status %s error %q", n.Status, msg)
	}
	if c := b.count(t, `SELECT count(*) FROM remix_events WHERE node_id = $1 AND status = 'failed' AND error <> ''`, missing); c != 1 {
		t.Errorf("%d failed events, want 1", c)
	}
}

// workerStores writes videos and reads pipeline nodes for the tests.
type workerStores struct {
	*postgres.VideoService
	*postgres.PipelineStore
}
