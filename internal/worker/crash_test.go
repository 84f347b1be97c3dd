package worker_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/recipe"
	"github.com/kmeme-factory/kmeme/internal/worker"
)

// deadPID is the process id of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// TestCrashLeftoversAreSweptAndRetriedAtOnce: a worker killed with -9
// leaves its attempt's scratch directory and its job "running". A worker
// starting on the same machine removes the dead process's scratch, takes
// the dead process's job back at once (not after the 15-minute rescue)
// and tells the creator that the step is being retried.
func TestCrashLeftoversAreSweptAndRetriedAtOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	work := t.TempDir()
	var starts atomic.Int32
	newPipe := func(workers int) *worker.Pipeline {
		p, err := worker.New(b.db.Pool, worker.Config{Workers: workers, MaxAttempts: 3, RetryBase: 20 * time.Millisecond,
			Blobs: b.blobs, Planner: recipe.NewLocal(), WorkDir: work,
			BeforeStage: func(_ context.Context, stage, _ string, _ int) error {
				if stage == "analyze" {
					starts.Add(1)
				}
				return nil
			}})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	enq := newPipe(0)
	id := b.remix(t, enq, b.video(t, clip(t)))

	// What kill -9 leaves: the job running under a process that is gone,
	// the node analysing, the attempt's scratch with a partial download.
	dead := deadPID(t)
	host, _ := os.Hostname()
	if _, err := b.db.Pool.Exec(ctx, `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = now(),
		attempted_by = ARRAY[$2::text] WHERE kind = $1`, worker.KindAnalyze, fmt.Sprintf("%s-pid%d-1", host, dead)); err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.Pool.Exec(ctx, `UPDATE remix_nodes SET status = 'analyzing' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	leftover := filepath.Join(work, fmt.Sprintf("kmeme-run-%d", dead), "kmeme-analyze-"+id+"-1-42")
	if err := os.MkdirAll(leftover, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(leftover, "source"), make([]byte, 1<<20), 0o640); err != nil {
		t.Fatal(err)
	}

	p := newPipe(1)
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Stop(context.Background()) })
	if _, err := os.Stat(filepath.Dir(leftover)); !os.IsNotExist(err) {
		t.Errorf("the dead process's scratch %s survived the restart (%v)", leftover, err)
	}
	// Far sooner than the default rescue (15 minutes).
	n := b.waitStatus(t, id, 90*time.Second)
	if n.Status != kmeme.StatusDone {
		t.Fatalf("status %s: %s", n.Status, b.errorOf(t, id))
	}
	if c := starts.Load(); c != 1 {
		t.Errorf("analysis started %d times after the restart, want 1", c)
	}
	var msg string
	if err := b.db.Pool.QueryRow(ctx, `SELECT coalesce(string_agg(error, ' | '), '') FROM remix_events WHERE node_id = $1 AND stage LIKE 'retry%'`, id).Scan(&msg); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg, "attempt 2 of 3") {
		t.Errorf("no retry event telling the creator what happened (got %q)", msg)
	}
	entries, _ := os.ReadDir(work)
	for _, e := range entries {
		sub, _ := os.ReadDir(filepath.Join(work, e.Name()))
		if len(sub) > 0 {
			t.Errorf("scratch left after the job finished: %s/%v", e.Name(), sub)
		}
	}
}
