package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/similarity"
)

type treeBody struct {
	Node      *kmeme.TreeNode `json:"node"`
	Truncated bool            `json:"truncated"`
}

type trendingBody struct {
	Items []kmeme.Trending `json:"items"`
}

type scoredBody struct {
	Items []kmeme.Scored `json:"items"`
}

type nearbyBody struct {
	Items []kmeme.Nearby `json:"items"`
}

type geoTrendsBody struct {
	Cells   []kmeme.Cell `json:"cells"`
	CellDeg float64      `json:"cell_deg"`
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

// cachedScored runs load through the similar:{hash} cache when there is one.
func (s *Server) cachedScored(ctx context.Context, parts []string, load func(context.Context) ([]kmeme.Scored, error)) ([]kmeme.Scored, error) {
	if s.Content.Views == nil {
		return load(ctx)
	}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	b, err := s.Content.Views.GetOrLoad(ctx, "similar:"+hex.EncodeToString(sum[:16]), similarTTL, func(ctx context.Context) ([]byte, error) {
		items, err := load(ctx)
		if err != nil {
			return nil, err
		}
		return json.Marshal(items)
	})
	if err != nil {
		return nil, err
	}
	var items []kmeme.Scored
	if err := json.Unmarshal(b, &items); err != nil {
		return nil, fmt.Errorf("decode cached results: %w", err)
	}
	return items, nil
}

// viewerKey names what a caller may see, for cache keys: admins see
// everything, a user their own rows besides the public ones.
func viewerKey(c *kmeme.Caller) string {
	if c.IsAdmin() {
		return "admin"
	}
	if c != nil && c.UserID != "" {
		return c.UserID
	}
	return "anonymous"
}

func (s *Server) handleSimilar() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		n, k, err := s.readableNodeWith(r, s.Content.Search != nil, "k", 10, 1, kmeme.MaxSimilarK)
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		v := kmeme.CallerFrom(ctx)
		items, err := s.cachedScored(ctx, []string{"similar", n.ID, strconv.Itoa(k), viewerKey(v)}, func(ctx context.Context) ([]kmeme.Scored, error) {
			return s.Content.Search.Similar(ctx, n.ID, k, v)
		})
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		writeJSON(w, http.StatusOK, scoredBody{Items: items})
	})
}

func (s *Server) handleSearch() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		err := ready(s.Content.Search != nil)
		q := strings.TrimSpace(r.URL.Query().Get("q"))
		if err == nil && (q == "" || len([]rune(q)) > 200) {
			err = kmeme.FieldError("q", "must be 1 to 200 characters")
		}
		var k int
		if err == nil {
			k, err = intParam(r, "k", 10, 1, kmeme.MaxSimilarK)
		}
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		v := kmeme.CallerFrom(ctx)
		vec := similarity.VectorLiteral(similarity.TextEmbedding(q))
		items, err := s.cachedScored(ctx, []string{"search", q, strconv.Itoa(k), viewerKey(v)}, func(ctx context.Context) ([]kmeme.Scored, error) {
			return s.Content.Search.Search(ctx, q, vec, k, v)
		})
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		writeJSON(w, http.StatusOK, scoredBody{Items: items})
	})
}

func (s *Server) handleNearby() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		err := ready(s.Content.Places != nil)
		var lat, lon, km float64
		var limit int
		if err == nil {
			lat, err = floatParam(r, "lat", 0, true)
		}
		if err == nil {
			lon, err = floatParam(r, "lon", 0, true)
		}
		if err == nil {
			km, err = floatParam(r, "km", 10, false)
		}
		if err == nil {
			limit, err = intParam(r, "limit", 20, 1, kmeme.MaxNearby)
		}
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		items, err := s.Content.Places.NearbyNodes(ctx, lat, lon, km, limit, kmeme.CallerFrom(ctx))
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		writeJSON(w, http.StatusOK, nearbyBody{Items: items})
	})
}

func (s *Server) handleGeoTrends() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if err := ready(s.Content.Places != nil); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		parts := strings.Split(r.URL.Query().Get("bbox"), ",")
		if len(parts) != 4 {
			writeError(w, r, s.Log, kmeme.FieldError("bbox", "must be minLon,minLat,maxLon,maxLat"))
			return
		}
		var f [4]float64
		for i, p := range parts {
			v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
			if err != nil || v != v {
				writeError(w, r, s.Log, kmeme.FieldError("bbox", "must be four numbers: minLon,minLat,maxLon,maxLat"))
				return
			}
			f[i] = v
		}
		since := time.Now().Add(-30 * 24 * time.Hour)
		if v := r.URL.Query().Get("since"); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				writeError(w, r, s.Log, kmeme.FieldError("since", "must be an RFC 3339 time, e.g. 2026-01-02T00:00:00Z"))
				return
			}
			since = t
		}
		cells, size, err := s.Content.Places.GeoTrends(ctx, kmeme.BBox{MinLon: f[0], MinLat: f[1], MaxLon: f[2], MaxLat: f[3]}, since)
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		writeJSON(w, http.StatusOK, geoTrendsBody{Cells: cells, CellDeg: size})
	})
}
