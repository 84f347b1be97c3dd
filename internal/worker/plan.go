package worker

// The plan stage: turn the analysis into a recipe.

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/recipe"
	"github.com/kmeme-factory/kmeme/internal/similarity"
)

func (p *Pipeline) plan(ctx context.Context, n *kmeme.PipelineNode, _ int, format, replan string) (func(pgx.Tx) error, error) {
	next := func(tx pgx.Tx) error {
		if err := postgres.SetNodeStatus(ctx, tx, n.ID, kmeme.StatusRendering, ""); err != nil {
			return err
		}
		if err := postgres.AddEvent(ctx, tx, n.ID, "plan", pctEnd, kmeme.StatusRendering, ""); err != nil {
			return err
		}
		_, err := p.client.InsertTx(ctx, tx, RenderArgs{NodeID: n.ID, Replan: replan, Trace: traceContext(ctx)}, p.insertOpts())
		return err
	}
	if n.Recipe != nil {
		return next, nil
	}
	var a kmeme.Analysis
	if err := json.Unmarshal(n.Analysis, &a); err != nil || n.Analysis == nil {
		return nil, fmt.Errorf("plan node %s: stored analysis unreadable: %v", n.ID, err)
	}
	if err := p.begin(ctx, n.ID, kmeme.StatusPlanning, "plan", pctBegin); err != nil {
		return nil, err
	}
	planner := p.cfg.Planner
	if !p.aiAllowed(ctx, n) {
		planner = recipe.NewLocal()
	}
	in := kmeme.PlanInput{Analysis: &a, Title: n.Title, UserID: n.OwnerID, Format: format}
	if n.ParentRecipe != nil {
		// The parent's recipe is evidence (the lineage's format); an
		// unreadable one is left out rather than failing the child's plan.
		if pr, err := recipe.Decode(n.ParentRecipe); err == nil {
			in.Parent = pr
		} else {
			p.cfg.Log.Warn("parent recipe unreadable; planning without it", "node_id", n.ID, "err", err)
		}
	}
	r, err := planner.Plan(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("plan node %s: %w", n.ID, err)
	}
	rj, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode recipe: %w", err)
	}
	tv := similarity.VectorLiteral(similarity.TextEmbedding(RecipeText(n.Title, r)))
	return func(tx pgx.Tx) error {
		if err := postgres.SaveRecipe(ctx, tx, n.ID, rj, tv); err != nil {
			return err
		}
		return next(tx)
	}, nil
}

// RecipeText is the text a node is found by: its title and the recipe's
// words (concept, sound, shots, captions, hashtags).
func RecipeText(title string, r *kmeme.Recipe) string {
	parts := []string{title}
	if r != nil {
		parts = append(parts, r.Concept.Title, r.Concept.Hook, r.Concept.Mechanism, r.Concept.Format,
			r.Audio.SoundKind, r.Audio.Mood)
		for _, s := range r.Shots {
			parts = append(parts, s.Film, s.Action, s.Overtitle, s.Caption.Casual)
		}
		parts = append(parts, r.Hashtags.TikTok...)
	}
	return strings.Join(parts, " ")
}
