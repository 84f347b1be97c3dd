package httpapi

import (
	"net/http"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

type showcaseBody struct {
	Items []kmeme.ShowcaseItem `json:"items"`
}

// handleShowcase lists finished public recipes, most remixed then newest,
// for the landing page. It reads only public rows, so it answers the same
// to everyone and never shows a private title.
func (s *Server) handleShowcase() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		err := ready(s.Content.Remixes != nil)
		var limit int
		if err == nil {
			limit, err = intParam(r, "limit", 6, 1, 24)
		}
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		items, err := s.Content.Remixes.Showcase(ctx, limit)
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=60")
		writeJSON(w, http.StatusOK, showcaseBody{Items: items})
	})
}
