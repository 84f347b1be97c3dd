package httpapi

import (
	"net/http"
	"time"
)

// showcaseItem is one public recipe card for visitors: a name, a keyframe
// and the few figures a creator judges a recipe by (no ids to read).
type showcaseItem struct {
	ID           string    `json:"id"`
	Title        string    `json:"title"`
	Hook         string    `json:"hook,omitempty"`
	BPM          *float64  `json:"bpm"`
	ShootMinutes *int      `json:"shoot_minutes"`
	EditMinutes  *int      `json:"edit_minutes"`
	Shots        int       `json:"shots"`
	DurationS    *float64  `json:"duration_s"`
	Difficulty   string    `json:"difficulty,omitempty"`
	Keyframe     string    `json:"keyframe,omitempty"`
	Remixes      int       `json:"remixes"`
	CreatedAt    time.Time `json:"created_at"`
}

type showcaseBody struct {
	Items []showcaseItem `json:"items"`
}

// handleShowcase lists finished public recipes, most remixed then newest,
// for the landing page. It reads only public rows, so it answers the same
// to everyone and never shows a private title.
func (s *Server) handleShowcase() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		err := s.platformReady()
		var limit int
		if err == nil {
			limit, err = intParam(r, "limit", 6, 1, 24)
		}
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		rows, err := s.Platform.DB.Pool.Query(ctx, `
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
			writeError(w, r, s.Log, err)
			return
		}
		defer rows.Close()
		out := showcaseBody{Items: []showcaseItem{}}
		for rows.Next() {
			var it showcaseItem
			var hasKey bool
			if err := rows.Scan(&it.ID, &it.Title, &it.Hook, &it.BPM, &it.ShootMinutes, &it.EditMinutes, &it.Shots,
				&it.DurationS, &it.Difficulty, &hasKey, &it.Remixes, &it.CreatedAt); err != nil {
				writeError(w, r, s.Log, err)
				return
			}
			if hasKey {
				it.Keyframe = "/api/remix/" + it.ID + "/files/keyframe-001.jpg"
			}
			out.Items = append(out.Items, it)
		}
		if err := rows.Err(); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=60")
		writeJSON(w, http.StatusOK, out)
	})
}
