package worker_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/recipe"
	"github.com/kmeme-factory/kmeme/internal/worker"
)

// finishedView reads nodes from PostgreSQL and reports them as done: a
// kmeme.PipelineStore that differs from the database in one visible way.
type finishedView struct {
	pg    kmeme.PipelineStore
	reads atomic.Int32
}

func (f *finishedView) GetPipelineNode(ctx context.Context, id string) (*kmeme.PipelineNode, error) {
	n, err := f.pg.GetPipelineNode(ctx, id)
	if err == nil {
		f.reads.Add(1)
		n.Status = kmeme.StatusDone
	}
	return n, err
}

// TestStagesReadThroughConfigStore: the stages read nodes through
// Config.Store. The store says the node is done, so its analysis job ends
// without work and the node stays queued in PostgreSQL.
func TestStagesReadThroughConfigStore(t *testing.T) {
	t.Parallel()
	b := setup(t)
	view := &finishedView{pg: postgres.NewPipelineStore(b.db.Pool)}
	p, err := worker.New(b.db.Pool, worker.Config{Workers: 1, MaxAttempts: 1, Store: view,
		Blobs: b.blobs, Planner: recipe.NewLocal(), WorkDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	id := b.remix(t, p, b.video(t, []byte("not read: the store says done")))
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer p.Stop(ctx) //nolint:errcheck
	deadline := time.Now().Add(time.Minute)
	for b.count(t, `SELECT count(*) FROM river_job WHERE kind = $1 AND state = 'completed'`, worker.KindAnalyze) != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the analysis job did not complete within a minute")
		}
		time.Sleep(20 * time.Millisecond) // polling the queue with a deadline
	}
	if view.reads.Load() == 0 {
		t.Error("the stage did not read the node through Config.Store")
	}
	n, err := b.store.GetPipelineNode(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if n.Status != kmeme.StatusQueued || n.Analysis != nil {
		t.Errorf("node in PostgreSQL: status %s, analysis %d bytes; want queued and none (the stage skipped it)", n.Status, len(n.Analysis))
	}
}
