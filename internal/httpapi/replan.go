package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/recipe"
)

// replanRequest is the body of POST /api/remix/{id}/replan.
type replanRequest struct {
	// Format is the format id to plan with, usually the recipe's
	// concept.runner_up.format.
	Format string `json:"format"`
}

// handleReplan writes a finished remix's recipe again with another format
// (the runner-up the recipe offers): it checks the remix is the caller's,
// then RemixService.Replan checks in one transaction that it is finished,
// clears the stored recipe, marks the node queued and enqueues the plan
// stage; the render stage follows as for a new remix. The answer is the
// node, 202.
func (s *Server) handleReplan() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		caller := kmeme.CallerFrom(ctx)
		if caller == nil {
			writeError(w, r, s.Log, kmeme.Errorf(kmeme.EUNAUTHORIZED, "sign in first"))
			return
		}
		if s.Content.Remixes == nil {
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
		err = s.Content.Remixes.Replan(ctx, n.ID, req.Format)
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
