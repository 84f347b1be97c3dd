package worker_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/recipe"
)

// TestRemixOfRemixPlansWithTheParentRecipe: the plan stage hands the parent
// node's recipe to the planner, so a remix of a remix cites its lineage
// ("parent" evidence) for the format it shares with its parent.
func TestRemixOfRemixPlansWithTheParentRecipe(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.pipeline(t, 1, nil)
	ctx := context.Background()
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Stop(context.Background()) })
	vid := b.video(t, clip(t))
	root := b.waitStatus(t, b.remix(t, p, vid), 2*time.Minute)
	if root.Status != kmeme.StatusDone {
		t.Fatalf("root: %s (%s)", root.Status, b.errorOf(t, root.ID))
	}
	if root.ParentRecipe != nil {
		t.Fatalf("a root node has a parent recipe: %s", root.ParentRecipe)
	}
	var childID string
	err := postgres.InTx(ctx, b.db.Pool, func(tx pgx.Tx) error {
		n, err := postgres.CreateNodeTx(ctx, tx, kmeme.NewNode{Title: "테스트", VideoID: &vid, ParentID: &root.ID, Status: kmeme.StatusQueued})
		if err != nil {
			return err
		}
		childID = n.ID
		return p.EnqueueTx(ctx, tx, n.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	child := b.waitStatus(t, childID, 2*time.Minute)
	if child.Status != kmeme.StatusDone {
		t.Fatalf("child: %s (%s)", child.Status, b.errorOf(t, childID))
	}
	if child.ParentRecipe == nil {
		t.Fatal("the child's pipeline node carries no parent recipe")
	}
	pr, err := recipe.Decode(root.Recipe)
	if err != nil {
		t.Fatal(err)
	}
	cr, err := recipe.Decode(child.Recipe)
	if err != nil {
		t.Fatal(err)
	}
	if cr.Concept.Format != pr.Concept.Format {
		t.Fatalf("child format %q, parent %q: the same video and title should keep the format", cr.Concept.Format, pr.Concept.Format)
	}
	for _, r := range pr.Concept.Reasons {
		if r.Evidence.Kind == kmeme.EvidenceParent {
			t.Fatalf("the root cites a parent: %+v", r)
		}
	}
	for _, r := range cr.Concept.Reasons {
		if r.Evidence.Kind == kmeme.EvidenceParent && r.Evidence.Detail == pr.Concept.Format {
			return
		}
	}
	t.Fatalf("the child's format reasons cite no parent evidence: %+v", cr.Concept.Reasons)
}
