package postgres

import (
	"context"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// SearchService implements kmeme.SearchService: similar and matching remixes over
// pgvector (structure and text) and trigram text search.
type SearchService struct {
	db DBTX
}

var _ kmeme.SearchService = (*SearchService)(nil)

// NewSearchService returns the service over a pool or a transaction.
func NewSearchService(db DBTX) *SearchService { return &SearchService{db: db} }

// Hybrid ranking weights: the structure of the video matters most for
// "same format", the words for "same idea".
const (
	weightStructure = 0.7
	weightText      = 0.3
	candidateFactor = 4
)

// Similar returns up to k nodes most like id: candidates come from the
// HNSW indexes on both vectors, and are ranked by a weighted sum of the
// structural and text cosine similarities.
func (s *SearchService) Similar(ctx context.Context, id string, k int, c *kmeme.Caller) ([]kmeme.Scored, error) {
	v := viewerOf(c)
	u, err := ParseID("id", id)
	if err != nil {
		return nil, err
	}
	k = max(1, min(k, kmeme.MaxSimilarK))
	// The query vectors are read first and sent back as constants: an
	// HNSW index only serves ORDER BY column <=> constant.
	var emb, text *string
	if err := s.db.QueryRow(ctx, `SELECT embedding::text, text_embedding::text FROM remix_nodes WHERE id = $1`, u).
		Scan(&emb, &text); err != nil {
		return nil, translate(err, "find node "+id)
	}
	if emb == nil && text == nil {
		return []kmeme.Scored{}, nil
	}
	w1, w2 := weightStructure, weightText
	switch {
	case emb == nil:
		w1, w2 = 0, 1
	case text == nil:
		w1, w2 = 1, 0
	}
	var branches []string
	if emb != nil {
		branches = append(branches, `(SELECT n.id FROM remix_nodes n WHERE n.embedding IS NOT NULL
			ORDER BY n.embedding <=> $2::vector LIMIT $4)`)
	}
	if text != nil {
		branches = append(branches, `(SELECT n.id FROM remix_nodes n WHERE n.text_embedding IS NOT NULL
			ORDER BY n.text_embedding <=> $3::vector LIMIT $4)`)
	}
	out := []kmeme.Scored{}
	err = InTx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL hnsw.ef_search = 100`); err != nil {
			return translate(err, "tune search")
		}
		rows, err := tx.Query(ctx, `WITH cand AS (`+strings.Join(branches, " UNION ")+`)
			SELECT `+nodeColumns+`,
				coalesce(1 - (n.embedding <=> $2::vector), 0),
				coalesce(1 - (n.text_embedding <=> $3::vector), 0)
			FROM cand JOIN remix_nodes n ON n.id = cand.id
			WHERE n.id <> $1 AND `+visibleSQL("$5", "$6"), u, emb, text, k*candidateFactor+1, v.UserID, v.Admin)
		if err != nil {
			return translate(err, "similar")
		}
		defer rows.Close()
		for rows.Next() {
			var s1, s2 float64
			n, err := scanNodeExtra(rows, &s1, &s2)
			if err != nil {
				return translate(err, "similar")
			}
			out = append(out, kmeme.Scored{Node: n, Score: w1*s1 + w2*s2})
		}
		return translate(rows.Err(), "similar")
	})
	if err != nil {
		return nil, err
	}
	return topK(out, k), nil
}

// Search finds nodes for a query in Korean or English: candidates come
// from the text embedding's HNSW index and from title trigram matches;
// the score mixes the embedding cosine with trigram similarity. textVec is
// the pgvector literal of the query's text embedding.
func (s *SearchService) Search(ctx context.Context, q, textVec string, k int, c *kmeme.Caller) ([]kmeme.Scored, error) {
	v := viewerOf(c)
	k = max(1, min(k, kmeme.MaxSimilarK))
	out := []kmeme.Scored{}
	err := InTx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL hnsw.ef_search = 100`); err != nil {
			return translate(err, "tune search")
		}
		rows, err := tx.Query(ctx, `WITH cand AS (
				(SELECT n.id FROM remix_nodes n WHERE n.text_embedding IS NOT NULL
					ORDER BY n.text_embedding <=> $1::vector LIMIT $2)
				UNION
				(SELECT n.id FROM remix_nodes n WHERE n.title % $3 OR n.title ILIKE '%' || $4 || '%'
					ORDER BY similarity(n.title, $3) DESC LIMIT $2))
			SELECT `+nodeColumns+`,
				coalesce(1 - (n.text_embedding <=> $1::vector), 0),
				greatest(similarity(n.title, $3), CASE WHEN n.title ILIKE '%' || $4 || '%' THEN 0.6 ELSE 0 END)
			FROM cand JOIN remix_nodes n ON n.id = cand.id
			WHERE `+visibleSQL("$5", "$6"), textVec, k*candidateFactor, q, likeEscape(q), v.UserID, v.Admin)
		if err != nil {
			return translate(err, "search")
		}
		defer rows.Close()
		for rows.Next() {
			var cos, trgm float64
			n, err := scanNodeExtra(rows, &cos, &trgm)
			if err != nil {
				return translate(err, "search")
			}
			score := 0.6*cos + 0.4*trgm
			if score > 0.05 {
				out = append(out, kmeme.Scored{Node: n, Score: score})
			}
		}
		return translate(rows.Err(), "search")
	})
	if err != nil {
		return nil, err
	}
	return topK(out, k), nil
}

func topK(xs []kmeme.Scored, k int) []kmeme.Scored {
	sort.SliceStable(xs, func(i, j int) bool {
		if xs[i].Score != xs[j].Score {
			return xs[i].Score > xs[j].Score
		}
		return xs[i].Node.ID < xs[j].Node.ID
	})
	if len(xs) > k {
		xs = xs[:k]
	}
	return xs
}

func likeEscape(s string) string {
	r := make([]rune, 0, len(s))
	for _, c := range s {
		if c == '%' || c == '_' || c == '\\' {
			r = append(r, '\\')
		}
		r = append(r, c)
	}
	return string(r)
}
