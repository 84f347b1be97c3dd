package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// Enqueuer enqueues a node's pipeline inside the transaction creating it
// (the job worker implements it).
type Enqueuer interface {
	EnqueueTx(ctx context.Context, tx pgx.Tx, nodeID string) error
}

// Replanner queues a finished node's plan stage again with a forced
// format, inside the caller's transaction (the job worker implements it).
type Replanner interface {
	ReplanTx(ctx context.Context, tx pgx.Tx, nodeID, format, replanID string) error
}

// RemixService implements kmeme.RemixService: a remix's creation with its
// job and idempotency key in one transaction, re-planning, the recipe
// view, progress events and the public showcase.
type RemixService struct {
	db DBTX
	// jobs enqueues pipelines (nil: only drafts can be made).
	jobs Enqueuer
}

var _ kmeme.RemixService = (*RemixService)(nil)

// NewRemixService returns the service; jobs may be nil (no pipeline: a
// remix with a video is EUNAVAILABLE). A jobs that is also a Replanner
// serves Replan.
func NewRemixService(db DBTX, jobs Enqueuer) *RemixService {
	return &RemixService{db: db, jobs: jobs}
}

// Create inserts the node, claims the idempotency key, charges (in.Charge)
// and enqueues the node's job in one transaction, so that a stored answer,
// a spent quota and a queued job exist exactly when the node does.
func (s *RemixService) Create(ctx context.Context, in kmeme.CreateRemix) (*kmeme.Created, error) {
	if in.Node.VideoID != nil && s.jobs == nil {
		return nil, kmeme.Errorf(kmeme.EUNAVAILABLE, "this server cannot queue jobs")
	}
	out := &kmeme.Created{Status: in.Status}
	err := InTx(ctx, s.db, func(tx pgx.Tx) error {
		if in.IdempotencyKey != "" {
			rp, err := ClaimIdempotencyKey(ctx, tx, in.Scope, in.IdempotencyKey, in.RequestHash)
			if err != nil {
				return err
			}
			if rp != nil {
				out.Status, out.Body, out.Replayed = rp.Status, rp.Response, true
				return nil
			}
		}
		// New work: charge now, never for a replay.
		if in.Charge != nil {
			if err := in.Charge(ctx); err != nil {
				return err
			}
		}
		n, err := CreateNodeTx(ctx, tx, in.Node)
		if err != nil {
			return err
		}
		if in.Node.VideoID != nil {
			if err := s.jobs.EnqueueTx(ctx, tx, n.ID); err != nil {
				return err
			}
		}
		body, err := json.Marshal(n)
		if err != nil {
			return fmt.Errorf("encode node: %w", err)
		}
		out.Node, out.Body = n, body
		if in.IdempotencyKey != "" {
			return SaveIdempotentResponse(ctx, tx, in.Scope, in.IdempotencyKey, in.Status, body)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Replan checks, under a row lock, that the node is finished and analysed,
// clears its recipe, marks it queued and enqueues the plan stage under a
// fresh re-plan id; the render stage follows as for a new remix.
func (s *RemixService) Replan(ctx context.Context, nodeID, format string) error {
	rp, ok := s.jobs.(Replanner)
	if !ok {
		return kmeme.Errorf(kmeme.EUNAVAILABLE, "this server cannot queue jobs")
	}
	u, err := ParseID("id", nodeID)
	if err != nil {
		return err
	}
	nonce := make([]byte, 8)
	_, _ = rand.Read(nonce)
	replanID := hex.EncodeToString(nonce)
	return InTx(ctx, s.db, func(tx pgx.Tx) error {
		var status string
		var analysed, planned bool
		err := tx.QueryRow(ctx, `SELECT status, analysis IS NOT NULL, recipe IS NOT NULL FROM remix_nodes WHERE id = $1 FOR UPDATE`, u).
			Scan(&status, &analysed, &planned)
		if errors.Is(err, pgx.ErrNoRows) {
			return kmeme.Errorf(kmeme.ENOTFOUND, "not found")
		}
		if err != nil {
			return translate(err, "replan "+nodeID)
		}
		st := kmeme.NodeStatus(status)
		if st != kmeme.StatusDone && st != kmeme.StatusFailed {
			return kmeme.Errorf(kmeme.ECONFLICT, "remix %s is %s; re-plan it once it has finished", nodeID, status)
		}
		if !analysed {
			return kmeme.Errorf(kmeme.ECONFLICT, "remix %s has no analysis to plan from", nodeID)
		}
		if _, err := tx.Exec(ctx, `UPDATE remix_nodes SET recipe = NULL, updated_at = now() WHERE id = $1`, u); err != nil {
			return translate(err, "replan "+nodeID)
		}
		if err := SetNodeStatus(ctx, tx, nodeID, kmeme.StatusQueued, ""); err != nil {
			return err
		}
		return rp.ReplanTx(ctx, tx, nodeID, format, replanID)
	})
}

// View reads a node with the heavy columns the recipe view needs.
func (s *RemixService) View(ctx context.Context, id string) (*kmeme.NodeView, error) {
	u, err := ParseID("id", id)
	if err != nil {
		return nil, err
	}
	var an, files []byte
	row := s.db.QueryRow(ctx, `SELECT `+nodeColumns+`, n.analysis, n.files FROM remix_nodes n WHERE n.id = $1`, u)
	n, err := scanNodeExtra(row, &an, &files)
	if err != nil {
		return nil, translate(err, "get node "+id)
	}
	return &kmeme.NodeView{Node: n, Analysis: nilIfEmpty(an), Files: nilIfEmpty(files)}, nil
}

// EventsAfter lists a node's events with id > after, oldest first.
func (s *RemixService) EventsAfter(ctx context.Context, nodeID string, after int64, limit int) ([]kmeme.Event, error) {
	u, err := ParseID("id", nodeID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT id, node_id, stage, percent, status, error, created_at FROM remix_events
		WHERE node_id = $1 AND id > $2 ORDER BY id LIMIT $3`, u, after, limit)
	if err != nil {
		return nil, translate(err, "list events")
	}
	defer rows.Close()
	var out []kmeme.Event
	for rows.Next() {
		var e kmeme.Event
		var nid uuid.UUID
		if err := rows.Scan(&e.ID, &nid, &e.Stage, &e.Percent, &e.Status, &e.Error, &e.CreatedAt); err != nil {
			return nil, translate(err, "list events")
		}
		e.NodeID = nid.String()
		out = append(out, e)
	}
	return out, translate(rows.Err(), "list events")
}

// Showcase lists finished public recipes, most remixed then newest. It
// reads only public rows, so it answers the same to everyone and never
// shows a private title.
func (s *RemixService) Showcase(ctx context.Context, limit int) ([]kmeme.ShowcaseItem, error) {
	rows, err := s.db.Query(ctx, `
		SELECT n.id::text,
			COALESCE(NULLIF(n.recipe->'concept'->>'title', ''), n.title),
			COALESCE(n.recipe->'concept'->>'hook', ''),
			(n.recipe->'audio'->>'bpm')::float8,
			(n.recipe->>'shoot_minutes')::int,
			(n.recipe->>'edit_minutes')::int,
			COALESCE(jsonb_array_length(CASE WHEN jsonb_typeof(n.recipe->'shots') = 'array' THEN n.recipe->'shots' END), 0),
			(n.recipe->'concept'->>'duration_s')::float8,
			COALESCE(n.recipe->>'difficulty', ''),
			EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(n.files) = 'array' THEN n.files ELSE '[]'::jsonb END) f
				WHERE f->>'name' = 'keyframe-001.jpg'),
			n.descendants_count, n.created_at
		FROM remix_nodes n
		WHERE n.visibility = 'public' AND n.status = 'done' AND n.recipe IS NOT NULL
		ORDER BY n.descendants_count DESC, n.created_at DESC
		LIMIT $1`, limit)
	if err != nil {
		return nil, translate(err, "showcase")
	}
	defer rows.Close()
	out := []kmeme.ShowcaseItem{}
	for rows.Next() {
		var it kmeme.ShowcaseItem
		var hasKey bool
		if err := rows.Scan(&it.ID, &it.Title, &it.Hook, &it.BPM, &it.ShootMinutes, &it.EditMinutes, &it.Shots,
			&it.DurationS, &it.Difficulty, &hasKey, &it.Remixes, &it.CreatedAt); err != nil {
			return nil, translate(err, "showcase")
		}
		if hasKey {
			it.Keyframe = "/api/remix/" + it.ID + "/files/keyframe-001.jpg"
		}
		out = append(out, it)
	}
	return out, translate(rows.Err(), "showcase")
}
