package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

type treeBody struct {
	Node      *kmeme.TreeNode `json:"node"`
	Truncated bool            `json:"truncated"`
}

type trendingBody struct {
	Items []kmeme.Trending `json:"items"`
}

// intParam reads an optional integer query parameter within [lo, hi].
func intParam(r *http.Request, name string, def, lo, hi int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, kmeme.FieldError(name, "must be a whole number from %d to %d", lo, hi)
	}
	return n, nil
}

// floatParam reads a float query parameter; required ones must be present.
func floatParam(r *http.Request, name string, def float64, required bool) (float64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		if required {
			return 0, kmeme.FieldError(name, "is required")
		}
		return def, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f != f {
		return 0, kmeme.FieldError(name, "must be a number")
	}
	return f, nil
}

// readableNode loads a node the caller may see (ENOTFOUND otherwise).
func (s *Server) readableNode(ctx context.Context, id string) (*kmeme.RemixNode, error) {
	n, err := s.Nodes.GetNode(ctx, id)
	if err != nil {
		return nil, err
	}
	return n, s.checkRead(ctx, n)
}

func (s *Server) handleLineage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		err := ready(s.Content.Lineage != nil)
		var depth int
		if err == nil {
			depth, err = intParam(r, "depth", 10, 1, kmeme.MaxLineageDepth)
		}
		dir := r.URL.Query().Get("direction")
		if err == nil && dir != "" && dir != "ancestors" && dir != "descendants" {
			err = kmeme.FieldError("direction", "must be ancestors or descendants")
		}
		var p kmeme.Page
		if err == nil {
			p, err = pageFrom(r)
		}
		var n *kmeme.RemixNode
		if err == nil {
			n, err = s.readableNode(ctx, r.PathValue("id"))
		}
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		v := kmeme.CallerFrom(ctx)
		var out nodeList
		if dir == "descendants" {
			out.Items, out.Next, err = s.Content.Lineage.Descendants(ctx, n.ID, depth, p, v)
		} else {
			out.Items, err = s.Content.Lineage.Ancestors(ctx, n.ID, depth, v)
		}
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		writeJSON(w, http.StatusOK, out)
	})
}

// readableNodeWith checks the service is wired, reads one bounded integer query
// parameter, then the readable node named in the path, in that order, so a
// bad parameter is answered before any database work.
func (s *Server) readableNodeWith(r *http.Request, wired bool, name string, def, lo, hi int) (*kmeme.RemixNode, int, error) {
	if err := ready(wired); err != nil {
		return nil, 0, err
	}
	v, err := intParam(r, name, def, lo, hi)
	if err != nil {
		return nil, 0, err
	}
	n, err := s.readableNode(r.Context(), r.PathValue("id"))
	return n, v, err
}

func (s *Server) handleTree() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		n, depth, err := s.readableNodeWith(r, s.Content.Lineage != nil, "depth", 10, 1, kmeme.MaxLineageDepth)
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		t, truncated, err := s.Content.Lineage.Tree(ctx, n.ID, depth, kmeme.CallerFrom(ctx))
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		writeJSON(w, http.StatusOK, treeBody{Node: t, Truncated: truncated})
	})
}

func (s *Server) handleTrending() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		err := ready(s.Content.Lineage != nil)
		var days, limit int
		if err == nil {
			days, err = intParam(r, "days", 7, 1, kmeme.MaxTrendingDays)
		}
		if err == nil {
			limit, err = intParam(r, "limit", 20, 1, kmeme.MaxTrending)
		}
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		items, err := s.Content.Lineage.TrendingFamilies(ctx, time.Now().UTC().AddDate(0, 0, -(days-1)), limit,
			kmeme.CallerFrom(ctx))
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		writeJSON(w, http.StatusOK, trendingBody{Items: items})
	})
}
