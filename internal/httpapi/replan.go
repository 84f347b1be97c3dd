package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/recipe"
)

// Replanner queues a finished node's plan stage again with a forced
// format, inside the caller's transaction (the job worker implements it).
type Replanner interface {
	ReplanTx(ctx context.Context, tx pgx.Tx, nodeID, format, replanID string) error
}

// replanRequest is the body of POST /api/remix/{id}/replan.
type replanRequest struct {
	// Format is the format id to plan with, usually the recipe's
	// concept.runner_up.format.
	Format string `json:"format"`
}

// handleReplan writes a finished remix's recipe again with another format
// (the runner-up the recipe offers): in one transaction it checks the
// remix is finished and owned by the caller, clears the stored recipe,
// marks the node queued and enqueues the plan stage; the render stage
// follows as for a new remix. The answer is the node, 202.
func (s *Server) handleReplan() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		caller := kmeme.CallerFrom(ctx)
		if caller == nil {
			writeError(w, r, s.Log, kmeme.Errorf(kmeme.EUNAUTHORIZED, "sign in first"))
			return
		}
		rp, ok := s.Platform.Jobs.(Replanner)
		if s.Platform.DB == nil || !ok {
			writeError(w, r, s.Log, kmeme.Errorf(kmeme.EUNAVAILABLE, "this server cannot queue jobs"))
			return
		}
		var req replanRequest
		if err := decodeJSON(w, r, 4<<10, &req); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		req.Format = strings.TrimSpace(req.Format)
		if !slices.Contains(recipe.FormatIDs(), req.Format) {
			writeError(w, r, s.Log, kmeme.FieldError("format", "unknown format %q (known: %s)", req.Format, strings.Join(recipe.FormatIDs(), ", ")))
			return
		}
		id := r.PathValue("id")
		n, err := s.Nodes.GetNode(ctx, id)
		if err == nil && !canChange(caller, n.OwnerID) {
			err = kmeme.Errorf(kmeme.ENOTFOUND, "not found")
		}
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		nonce := make([]byte, 8)
		_, _ = rand.Read(nonce)
		err = postgres.InTx(ctx, s.Platform.DB.Pool, func(tx pgx.Tx) error {
			var status string
			var analysed, planned bool
			err := tx.QueryRow(ctx, `SELECT status, analysis IS NOT NULL, recipe IS NOT NULL FROM remix_nodes WHERE id = $1 FOR UPDATE`, n.ID).
				Scan(&status, &analysed, &planned)
			if errors.Is(err, pgx.ErrNoRows) {
				return kmeme.Errorf(kmeme.ENOTFOUND, "not found")
			}
			if err != nil {
				return fmt.Errorf("replan %s: %w", n.ID, err)
			}
			st := kmeme.NodeStatus(status)
			if st != kmeme.StatusDone && st != kmeme.StatusFailed {
				return kmeme.Errorf(kmeme.ECONFLICT, "remix %s is %s; re-plan it once it has finished", n.ID, status)
			}
			if !analysed {
				return kmeme.Errorf(kmeme.ECONFLICT, "remix %s has no analysis to plan from", n.ID)
			}
			if _, err := tx.Exec(ctx, `UPDATE remix_nodes SET recipe = NULL, updated_at = now() WHERE id = $1`, n.ID); err != nil {
				return fmt.Errorf("replan %s: %w", n.ID, err)
			}
			if err := postgres.SetNodeStatus(ctx, tx, n.ID, kmeme.StatusQueued, ""); err != nil {
				return err
			}
			return rp.ReplanTx(ctx, tx, n.ID, req.Format, hex.EncodeToString(nonce))
		})
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		s.invalidateViews(ctx, n.ID)
		n, err = s.Nodes.GetNode(ctx, n.ID)
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		b, err := json.Marshal(n)
		if err != nil {
			writeError(w, r, s.Log, fmt.Errorf("encode node: %w", err))
			return
		}
		w.Header().Set("Location", "/api/remix/"+n.ID)
		writeRaw(w, http.StatusAccepted, b)
	})
}
