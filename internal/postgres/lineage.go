package postgres

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// LineageService implements kmeme.LineageService: the lineage tree over ltree paths.
type LineageService struct {
	db DBTX
}

var _ kmeme.LineageService = (*LineageService)(nil)

// NewLineageService returns the service over a pool or a transaction.
func NewLineageService(db DBTX) *LineageService { return &LineageService{db: db} }

// scanNodeExtra scans nodeColumns followed by extra destinations.
func scanNodeExtra(row interface{ Scan(...any) error }, extra ...any) (*kmeme.RemixNode, error) {
	return scanNode(extraRow{row: row, extra: extra})
}

type extraRow struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (r extraRow) Scan(dest ...any) error { return r.row.Scan(append(dest, r.extra...)...) }

// Ancestors returns up to depth ancestors of id, nearest first, that the
// viewer may see. Ancestors are named by the node's path, so this is one
// primary-key lookup whatever the size of the graph.
func (s *LineageService) Ancestors(ctx context.Context, id string, depth int, c *kmeme.Caller) ([]*kmeme.RemixNode, error) {
	v := viewerOf(c)
	u, err := ParseID("id", id)
	if err != nil {
		return nil, err
	}
	depth = clampDepth(depth)
	var path string
	if err := s.db.QueryRow(ctx, `SELECT path::text FROM remix_nodes WHERE id = $1`, u).Scan(&path); err != nil {
		return nil, translate(err, "find node "+id)
	}
	ids, err := ancestorIDs(path)
	if err != nil {
		return nil, err
	}
	ids = ids[:len(ids)-1]
	if len(ids) > depth {
		ids = ids[len(ids)-depth:]
	}
	if len(ids) == 0 {
		return []*kmeme.RemixNode{}, nil
	}
	rows, err := s.db.Query(ctx, `SELECT `+nodeColumns+` FROM remix_nodes n
		WHERE n.id = ANY($1) AND `+visibleSQL("$2", "$3")+` ORDER BY n.depth DESC`, ids, v.UserID, v.Admin)
	if err != nil {
		return nil, translate(err, "list ancestors")
	}
	nodes, err := collectNodes(rows)
	return orEmpty(nodes), translate(err, "list ancestors")
}

// Descendants returns a page of the nodes below id down to depth levels
// that the viewer may see, in depth-first order (each remix followed by
// its own remixes). The page is read as one range of the btree index on
// path — a subtree is a contiguous range in ltree order — so a page costs
// the same in a family of ten or of a million.
func (s *LineageService) Descendants(ctx context.Context, id string, depth int, p kmeme.Page, c *kmeme.Caller) ([]*kmeme.RemixNode, string, error) {
	v := viewerOf(c)
	u, err := ParseID("id", id)
	if err != nil {
		return nil, "", err
	}
	limit, after, err := pageArgs(p)
	if err != nil {
		return nil, "", err
	}
	depth = clampDepth(depth)
	var (
		path  string
		level int
	)
	if err := s.db.QueryRow(ctx, `SELECT path::text, depth FROM remix_nodes WHERE id = $1`, u).Scan(&path, &level); err != nil {
		return nil, "", translate(err, "find node "+id)
	}
	start := path
	if after != nil {
		var ap string
		err := s.db.QueryRow(ctx, `SELECT path::text FROM remix_nodes WHERE id = $1`, *after).Scan(&ap)
		if err != nil || !strings.HasPrefix(ap, path+".") {
			return nil, "", kmeme.FieldError("after", "the cursor does not belong to this list")
		}
		start = ap
	}
	// Hex labels sort below "zz", so path.zz bounds the subtree's range.
	rows, err := s.db.Query(ctx, `SELECT `+nodeColumns+` FROM remix_nodes n
		WHERE n.path > $1::ltree AND n.path < $2::ltree AND n.depth <= $3 AND `+visibleSQL("$4", "$5")+`
		ORDER BY n.path LIMIT $6`, start, path+".zz", level+depth, v.UserID, v.Admin, limit+1)
	if err != nil {
		return nil, "", translate(err, "list descendants")
	}
	nodes, err := collectNodes(rows)
	if err != nil {
		return nil, "", translate(err, "list descendants")
	}
	nodes, next, err := pageOut(nodes, limit)
	return orEmpty(nodes), next, err
}

// SubtreeCount counts the nodes below id by walking the path index (the
// stored descendants counter answers the same without a scan).
func (s *LineageService) SubtreeCount(ctx context.Context, id string) (int, error) {
	u, err := ParseID("id", id)
	if err != nil {
		return 0, err
	}
	var n int
	err = s.db.QueryRow(ctx, `SELECT count(*) - 1 FROM remix_nodes WHERE path <@ (SELECT path FROM remix_nodes WHERE id = $1)`, u).Scan(&n)
	return n, translate(err, "count subtree")
}

// Tree returns the subtree under id down to depth levels, at most
// kmeme.MaxTreeNodes nodes in breadth-first order, and whether it was cut.
func (s *LineageService) Tree(ctx context.Context, id string, depth int, c *kmeme.Caller) (*kmeme.TreeNode, bool, error) {
	v := viewerOf(c)
	u, err := ParseID("id", id)
	if err != nil {
		return nil, false, err
	}
	depth = clampDepth(depth)
	root, err := scanNode(s.db.QueryRow(ctx, `SELECT `+nodeColumns+` FROM remix_nodes n WHERE n.id = $1`, u))
	if err != nil {
		return nil, false, translate(err, "get node "+id)
	}
	rows, err := s.db.Query(ctx, `SELECT `+nodeColumns+` FROM remix_nodes n
		WHERE n.path <@ $1::ltree AND n.depth > $2 AND n.depth <= $3 AND `+visibleSQL("$4", "$5")+`
		ORDER BY n.depth, n.id LIMIT $6`, root.Path, root.Depth, root.Depth+depth, v.UserID, v.Admin, kmeme.MaxTreeNodes+1)
	if err != nil {
		return nil, false, translate(err, "read tree")
	}
	nodes, err := collectNodes(rows)
	if err != nil {
		return nil, false, translate(err, "read tree")
	}
	truncated := len(nodes) > kmeme.MaxTreeNodes
	if truncated {
		nodes = nodes[:kmeme.MaxTreeNodes]
	}
	top := &kmeme.TreeNode{RemixNode: root, Kids: []*kmeme.TreeNode{}}
	byID := map[string]*kmeme.TreeNode{root.ID: top}
	for _, n := range nodes {
		parent := byID[deref(n.ParentID)]
		if parent == nil {
			continue // its parent is hidden from this viewer, or was cut
		}
		t := &kmeme.TreeNode{RemixNode: n, Kids: []*kmeme.TreeNode{}}
		parent.Kids = append(parent.Kids, t)
		byID[n.ID] = t
	}
	if !truncated && depth < kmeme.MaxLineageDepth { // (Descendants counts public remixes only)
		// Deeper levels exist below the depth asked for.
		var deeper bool
		_ = s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM remix_nodes WHERE path <@ $1::ltree AND depth > $2)`,
			root.Path, root.Depth+depth).Scan(&deeper)
		truncated = deeper
	}
	return top, truncated, nil
}

// TrendingFamilies lists the families (roots) that gained the most remixes
// since the given day, whose root the viewer may see. It reads the daily
// per-family counts a trigger keeps (remix_family_daily), not the nodes;
// the top families are picked before the visibility check, with a margin,
// so a window full of private families can return fewer than limit.
func (s *LineageService) TrendingFamilies(ctx context.Context, since time.Time, limit int, c *kmeme.Caller) ([]kmeme.Trending, error) {
	v := viewerOf(c)
	limit = max(1, min(limit, kmeme.MaxTrending))
	// The rollup answers when a refresh for the same first day is fresh;
	// otherwise the live sum over the window's daily counts.
	fam := `SELECT root_id, sum(remixes)::int AS remixes FROM remix_family_daily
			WHERE day >= $1::date GROUP BY root_id HAVING sum(remixes) > 0
			ORDER BY 2 DESC LIMIT $4 * 4`
	var days int
	err := s.db.QueryRow(ctx, `SELECT days FROM remix_trending_refresh
		WHERE since_day = $1::date AND refreshed_at > now() - make_interval(secs => $2)`,
		since.UTC(), TrendingRollupMaxAge.Seconds()).Scan(&days)
	if err == nil {
		fam = `SELECT root_id, remixes FROM remix_trending_rollup WHERE days = ` + strconv.Itoa(days) + ` AND $1::date IS NOT NULL
			ORDER BY remixes DESC, root_id LIMIT $4 * 4`
	} else if !errors.Is(err, pgx.ErrNoRows) {
		return nil, translate(err, "trending")
	}
	rows, err := s.db.Query(ctx, `WITH fam AS (`+fam+`)
		SELECT `+nodeColumns+`, fam.remixes FROM fam JOIN remix_nodes n ON n.id = fam.root_id
		WHERE `+visibleSQL("$2", "$3")+`
		ORDER BY fam.remixes DESC, n.id LIMIT $4`, since.UTC(), v.UserID, v.Admin, limit)
	if err != nil {
		return nil, translate(err, "trending")
	}
	defer rows.Close()
	out := []kmeme.Trending{}
	for rows.Next() {
		var c int
		n, err := scanNodeExtra(rows, &c)
		if err != nil {
			return nil, translate(err, "trending")
		}
		out = append(out, kmeme.Trending{Node: n, Remixes: c})
	}
	return out, translate(rows.Err(), "trending")
}

func clampDepth(d int) int {
	if d <= 0 {
		return 10
	}
	return min(d, kmeme.MaxLineageDepth)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func orEmpty(n []*kmeme.RemixNode) []*kmeme.RemixNode {
	if n == nil {
		return []*kmeme.RemixNode{}
	}
	return n
}

// GraphNode is one node as exported for graph tools.
type GraphNode struct {
	ID, ParentID, RootID, Title, Status, Visibility string
	Depth, Children, Descendants                    int
	CreatedAt                                       time.Time
	Lat, Lon                                        *float64
}

// EachGraphNode streams every node in id order (parents before children,
// since ids are time-ordered and a child is made after its parent).
func (s *LineageService) EachGraphNode(ctx context.Context, fn func(GraphNode) error) error {
	rows, err := s.db.Query(ctx, `SELECT id::text, coalesce(parent_id::text, ''), root_id::text, title, status, visibility,
			depth, children_count, descendants_count, created_at, ST_Y(location::geometry), ST_X(location::geometry)
		FROM remix_nodes ORDER BY id`)
	if err != nil {
		return translate(err, "export graph")
	}
	defer rows.Close()
	for rows.Next() {
		var g GraphNode
		if err := rows.Scan(&g.ID, &g.ParentID, &g.RootID, &g.Title, &g.Status, &g.Visibility,
			&g.Depth, &g.Children, &g.Descendants, &g.CreatedAt, &g.Lat, &g.Lon); err != nil {
			return translate(err, "export graph")
		}
		if err := fn(g); err != nil {
			return err
		}
	}
	return translate(rows.Err(), "export graph")
}
