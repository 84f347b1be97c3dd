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

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/similarity"
)

type scoredBody struct {
	Items []kmeme.Scored `json:"items"`
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
