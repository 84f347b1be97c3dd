package worker_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kmeme-factory/kmeme/internal/cache"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/recipe"
	"github.com/kmeme-factory/kmeme/internal/redis/redistest"
	"github.com/kmeme-factory/kmeme/internal/worker"
)

// describer stands in for the Gemini adapter.
type describer struct{ calls atomic.Int32 }

func (d *describer) Describe(_ context.Context, in kmeme.DescribeInput) (*kmeme.Semantics, error) {
	d.calls.Add(1)
	if len(in.Keyframes) == 0 || in.VideoPath == "" {
		return nil, fmt.Errorf("nothing to look at")
	}
	return &kmeme.Semantics{Description: "사무실에서 춤추는 사람", Format: "dance challenge", Engine: "test"}, nil
}

// TestSameVideoIsMeasuredOnce runs two remixes of one file through the
// pipeline with the Redis analysis cache: the second is served from the
// cache, still gets its own keyframes, and both carry the vision model's
// description.
func TestSameVideoIsMeasuredOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	rdb := redistest.New(t, time.Second)
	d := &describer{}
	p, err := worker.New(b.db.Pool, worker.Config{Workers: 1, MaxAttempts: 2, RetryBase: 20 * time.Millisecond,
		Blobs: b.blobs, Planner: recipe.NewLocal(), WorkDir: t.TempDir(), Describer: d,
		Analyses: cache.New(rdb, cache.Options{Name: "analysis", Timeout: time.Second, LockTTL: time.Minute})})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_ = p.StopAndCancel(sctx)
	})
	content := clip(t)
	first := b.remix(t, p, b.video(t, content))
	if n := b.waitStatus(t, first, 90*time.Second); n.Status != kmeme.StatusDone {
		t.Fatalf("first remix %s: %s", n.Status, b.errorOf(t, first))
	}
	second := b.remix(t, p, b.video(t, content))
	n := b.waitStatus(t, second, 90*time.Second)
	if n.Status != kmeme.StatusDone {
		t.Fatalf("second remix %s: %s", n.Status, b.errorOf(t, second))
	}
	if got := b.count(t, `SELECT count(*) FROM remix_events WHERE node_id = $1 AND stage = 'analyze:cached'`, second); got == 0 {
		t.Error("second remix of the same file was measured again")
	}
	if got := b.count(t, `SELECT count(*) FROM remix_events WHERE node_id = $1 AND stage = 'analyze:cached'`, first); got != 0 {
		t.Error("first remix claims a cache hit")
	}
	var a kmeme.Analysis
	if err := json.Unmarshal(n.Analysis, &a); err != nil {
		t.Fatal(err)
	}
	if a.Semantics == nil || a.Semantics.Format != "dance challenge" {
		t.Errorf("semantics not merged: %+v", a.Semantics)
	}
	if d.calls.Load() != 2 {
		t.Errorf("describer called %d times, want once per remix", d.calls.Load())
	}
	for _, s := range a.Shots {
		if s.Keyframe == "" {
			continue
		}
		rc, size, err := b.blobs.Open(ctx, "nodes/"+second+"/keyframes/"+s.Keyframe)
		if err != nil || size == 0 {
			t.Fatalf("cached remix lacks keyframe %s: %v", s.Keyframe, err)
		}
		rc.Close()
	}
	// Every keyframe recipe.json names is one of the remix's files.
	var rec kmeme.Recipe
	var files []struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(n.Recipe, &rec); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(n.Files, &files); err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, f := range files {
		listed[f.Name] = true
	}
	for _, s := range rec.Shots {
		if s.SourceKeyframe != "" && !listed[s.SourceKeyframe] {
			t.Errorf("recipe shot %d names %s, not among the files %v", s.N, s.SourceKeyframe, listed)
		}
	}
}

// TestPaidAIOnlyWithTheOwnersConsent: the vision model sees a video only
// when its owner granted ai_processing; withdrawing it stops the next run.
func TestPaidAIOnlyWithTheOwnersConsent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t)
	consents := postgres.NewConsentStore(b.db.Pool)
	d := &describer{}
	p, err := worker.New(b.db.Pool, worker.Config{Workers: 1, MaxAttempts: 2, RetryBase: 20 * time.Millisecond,
		Blobs: b.blobs, WorkDir: t.TempDir(), Describer: d, Consents: consents})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_ = p.StopAndCancel(sctx)
	})
	var owner string
	if err := b.db.Pool.QueryRow(ctx, `INSERT INTO users (email) VALUES ('consent@example.com') RETURNING id::text`).Scan(&owner); err != nil {
		t.Fatal(err)
	}
	video := b.video(t, clip(t))
	run := func() *kmeme.Analysis {
		t.Helper()
		var id string
		err := postgres.InTx(ctx, b.db.Pool, func(tx pgx.Tx) error {
			n, err := postgres.CreateNodeTx(ctx, tx, kmeme.NewNode{Title: "동의", VideoID: &video, OwnerID: &owner, Status: kmeme.StatusQueued})
			if err != nil {
				return err
			}
			id = n.ID
			return p.EnqueueTx(ctx, tx, n.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		n := b.waitStatus(t, id, 90*time.Second)
		if n.Status != kmeme.StatusDone {
			t.Fatalf("remix %s: %s", n.Status, b.errorOf(t, id))
		}
		var a kmeme.Analysis
		if err := json.Unmarshal(n.Analysis, &a); err != nil {
			t.Fatal(err)
		}
		return &a
	}
	if a := run(); a.Semantics != nil || d.calls.Load() != 0 {
		t.Fatalf("without consent the describer ran (%d calls, %+v)", d.calls.Load(), a.Semantics)
	}
	if err := consents.Set(ctx, owner, kmeme.ConsentAIProcessing, true); err != nil {
		t.Fatal(err)
	}
	if a := run(); a.Semantics == nil || d.calls.Load() != 1 {
		t.Fatalf("with consent: %d calls, %+v", d.calls.Load(), a.Semantics)
	}
	if err := consents.Set(ctx, owner, kmeme.ConsentAIProcessing, false); err != nil {
		t.Fatal(err)
	}
	if a := run(); a.Semantics != nil || d.calls.Load() != 1 {
		t.Fatalf("after withdrawal: %d calls", d.calls.Load())
	}
}
