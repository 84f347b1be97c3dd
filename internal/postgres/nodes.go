package postgres

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// MaxPageSize caps every list.
const MaxPageSize = 100

// RemixNodeService implements kmeme.RemixNodeService: it stores remix
// nodes and their lineage in remix_nodes.
type RemixNodeService struct {
	db DBTX
}

var _ kmeme.RemixNodeService = (*RemixNodeService)(nil)

// NewRemixNodeService returns a RemixNodeService over a pool or a transaction.
func NewRemixNodeService(db DBTX) *RemixNodeService { return &RemixNodeService{db: db} }

// nodeColumns is the select list that scanNode reads.
const nodeColumns = `n.id, n.parent_id, n.root_id, n.path::text, n.depth, n.owner_id, n.video_id,
	n.title, n.status, n.visibility, n.error, n.recipe,
	ST_Y(n.location::geometry), ST_X(n.location::geometry), n.location_label,
	` + countColumns + `, n.created_at, n.updated_at`

// countColumns are the children and descendants counts shown: a public
// remix shows only its public remixes (a private remix made from it is not
// disclosed by a number); a private one, which only its owner and admins
// can see, shows every remix below it.
const countColumns = `CASE WHEN n.visibility = 'public' THEN n.public_children_count ELSE n.children_count END,
	CASE WHEN n.visibility = 'public' THEN n.public_descendants_count ELSE n.descendants_count END`

func scanNode(row pgx.Row) (*kmeme.RemixNode, error) {
	var (
		n           kmeme.RemixNode
		lat, lon    *float64
		label       string
		recipe      []byte
		status, vis string
		parent, own *uuid.UUID
		video       *uuid.UUID
		id, root    uuid.UUID
	)
	if err := row.Scan(&id, &parent, &root, &n.Path, &n.Depth, &own, &video,
		&n.Title, &status, &vis, &n.Error, &recipe,
		&lat, &lon, &label, &n.Children, &n.Descendants, &n.CreatedAt, &n.UpdatedAt); err != nil {
		return nil, err
	}
	n.ID, n.RootID = id.String(), root.String()
	n.ParentID, n.OwnerID, n.VideoID = uuidPtr(parent), uuidPtr(own), uuidPtr(video)
	n.Status, n.Visibility = kmeme.NodeStatus(status), kmeme.Visibility(vis)
	if len(recipe) > 0 {
		n.Recipe = recipe
	}
	if lat != nil && lon != nil {
		n.Location = &kmeme.Location{Lat: *lat, Lon: *lon, Label: label}
	}
	return &n, nil
}

func uuidPtr(u *uuid.UUID) *string {
	if u == nil {
		return nil
	}
	s := u.String()
	return &s
}

// ParseID checks that s is a UUID and returns it in canonical form; field
// names the input for the error message.
func ParseID(field, s string) (uuid.UUID, error) {
	u, err := uuid.Parse(s)
	if err != nil || len(s) != 36 {
		return uuid.Nil, kmeme.FieldError(field, "%q is not a valid id (expected a UUID)", truncate(s, 64))
	}
	return u, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// pathLabel is a node's ltree label: its UUID in hex without hyphens.
func pathLabel(id uuid.UUID) string { return strings.ReplaceAll(id.String(), "-", "") }

// ancestorIDs returns the ids named by an ltree path, root first.
func ancestorIDs(path string) ([]uuid.UUID, error) {
	labels := strings.Split(path, ".")
	ids := make([]uuid.UUID, 0, len(labels))
	for _, l := range labels {
		u, err := uuid.Parse(l)
		if err != nil {
			return nil, fmt.Errorf("bad path label %q: %w", l, err)
		}
		ids = append(ids, u)
	}
	return ids, nil
}

// GetNode returns the node or ENOTFOUND.
func (s *RemixNodeService) GetNode(ctx context.Context, id string) (*kmeme.RemixNode, error) {
	u, err := ParseID("id", id)
	if err != nil {
		return nil, err
	}
	n, err := scanNode(s.db.QueryRow(ctx, `SELECT `+nodeColumns+` FROM remix_nodes n WHERE n.id = $1`, u))
	if err != nil {
		return nil, translate(err, "get node "+id)
	}
	return n, nil
}

// CreateNode inserts a node. A child takes its root, path and depth from its
// parent, and every ancestor's counters grow in the same transaction.
func (s *RemixNodeService) CreateNode(ctx context.Context, in kmeme.NewNode) (*kmeme.RemixNode, error) {
	var out *kmeme.RemixNode
	err := InTx(ctx, s.db, func(tx pgx.Tx) error {
		n, err := CreateNodeTx(ctx, tx, in)
		out = n
		return err
	})
	return out, err
}

// CreateNodeTx inserts a node inside the caller's transaction, so that jobs
// can be enqueued atomically with it.
func CreateNodeTx(ctx context.Context, tx pgx.Tx, in kmeme.NewNode) (*kmeme.RemixNode, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("new node id: %w", err)
	}
	var (
		rootID   = id
		path     = pathLabel(id)
		depth    = 0
		parentID *uuid.UUID
	)
	if in.ParentID != nil {
		pid, err := ParseID("parent_id", *in.ParentID)
		if err != nil {
			return nil, err
		}
		var ppath string
		err = tx.QueryRow(ctx, `SELECT root_id, path::text, depth FROM remix_nodes WHERE id = $1 FOR SHARE`, pid).
			Scan(&rootID, &ppath, &depth)
		if err == pgx.ErrNoRows {
			return nil, kmeme.FieldError("parent_id", "no remix with id %s", pid)
		}
		if err != nil {
			return nil, translate(err, "read parent")
		}
		parentID = &pid
		path = ppath + "." + path
		depth++
	}
	var owner, video *uuid.UUID
	if in.OwnerID != nil {
		u, err := ParseID("owner_id", *in.OwnerID)
		if err != nil {
			return nil, err
		}
		owner = &u
	}
	if in.VideoID != nil {
		u, err := ParseID("video_id", *in.VideoID)
		if err != nil {
			return nil, err
		}
		video = &u
	}
	status := in.Status
	if status == "" {
		status = kmeme.StatusDraft
	}
	vis := in.Visibility
	if vis == "" {
		vis = kmeme.VisibilityPrivate
	}
	var lat, lon *float64
	label := ""
	if in.Location != nil {
		lat, lon, label = &in.Location.Lat, &in.Location.Lon, in.Location.Label
	}
	row := tx.QueryRow(ctx, `
		INSERT INTO remix_nodes AS n (id, parent_id, root_id, path, depth, owner_id, video_id, title, status, visibility, location, location_label)
		VALUES ($1, $2, $3, $4::ltree, $5, $6, $7, $8, $9, $10,
			CASE WHEN $11::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($12::float8, $11::float8), 4326)::geography END, $13)
		RETURNING `+nodeColumns,
		id, parentID, rootID, path, depth, owner, video, in.Title, string(status), string(vis), lat, lon, label)
	n, err := scanNode(row)
	if err != nil {
		return nil, translate(err, "insert node")
	}
	if parentID != nil {
		ancestors, err := ancestorIDs(path)
		if err != nil {
			return nil, err
		}
		ancestors = ancestors[:len(ancestors)-1]
		if _, err := tx.Exec(ctx, `UPDATE remix_nodes SET descendants_count = descendants_count + 1,
				children_count = children_count + (id = $2)::int,
				public_descendants_count = public_descendants_count + $3::int,
				public_children_count = public_children_count + ((id = $2) AND $3::int = 1)::int, updated_at = now()
			WHERE id = ANY($1)`, ancestors, *parentID, publicOne(vis)); err != nil {
			return nil, translate(err, "count remix in ancestors")
		}
	}
	return n, nil
}

// publicOne is 1 for a public node: what it adds to public counters.
func publicOne(v kmeme.Visibility) int {
	if v == kmeme.VisibilityPublic {
		return 1
	}
	return 0
}

// DeleteNode removes a leaf node. A node with children is ECONFLICT: the
// lineage of other people's remixes must stay intact.
func (s *RemixNodeService) DeleteNode(ctx context.Context, id string) error {
	u, err := ParseID("id", id)
	if err != nil {
		return err
	}
	return InTx(ctx, s.db, func(tx pgx.Tx) error {
		var path, vis string
		var children int
		err := tx.QueryRow(ctx, `SELECT path::text, children_count, visibility FROM remix_nodes WHERE id = $1 FOR UPDATE`, u).Scan(&path, &children, &vis)
		if err != nil {
			return translate(err, "delete node "+id)
		}
		if children > 0 {
			return kmeme.Errorf(kmeme.ECONFLICT, "this remix has %d remixes of its own; delete those first", children)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM remix_nodes WHERE id = $1`, u); err != nil {
			return translate(err, "delete node "+id)
		}
		ids, err := ancestorIDs(path)
		if err != nil {
			return err
		}
		if len(ids) > 1 {
			parent := ids[len(ids)-2]
			if _, err := tx.Exec(ctx, `UPDATE remix_nodes SET descendants_count = descendants_count - 1,
					children_count = children_count - (id = $2)::int,
					public_descendants_count = public_descendants_count - $3::int,
					public_children_count = public_children_count - ((id = $2) AND $3::int = 1)::int, updated_at = now()
				WHERE id = ANY($1)`, ids[:len(ids)-1], parent, publicOne(kmeme.Visibility(vis))); err != nil {
				return translate(err, "uncount remix in ancestors")
			}
		}
		return nil
	})
}

// ListChildren lists direct children in creation order (ids are UUIDv7, so
// id order is time order), a page at a time.
func (s *RemixNodeService) ListChildren(ctx context.Context, id string, p kmeme.Page) ([]*kmeme.RemixNode, string, error) {
	u, err := ParseID("id", id)
	if err != nil {
		return nil, "", err
	}
	var exists bool
	if err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM remix_nodes WHERE id = $1)`, u).Scan(&exists); err != nil {
		return nil, "", translate(err, "find node")
	}
	if !exists {
		return nil, "", kmeme.Errorf(kmeme.ENOTFOUND, "no remix with id %s", u)
	}
	limit, after, err := pageArgs(p)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.db.Query(ctx, `SELECT `+nodeColumns+` FROM remix_nodes n
		WHERE n.parent_id = $1 AND ($2::uuid IS NULL OR n.id > $2) ORDER BY n.id LIMIT $3`, u, after, limit+1)
	if err != nil {
		return nil, "", translate(err, "list children")
	}
	nodes, err := collectNodes(rows)
	if err != nil {
		return nil, "", translate(err, "list children")
	}
	return pageOut(nodes, limit)
}

// ListOwned lists a user's remixes, newest first, a page at a time.
func (s *RemixNodeService) ListOwned(ctx context.Context, ownerID string, p kmeme.Page) ([]*kmeme.RemixNode, string, error) {
	u, err := ParseID("owner_id", ownerID)
	if err != nil {
		return nil, "", err
	}
	limit, before, err := pageArgs(p)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.db.Query(ctx, `SELECT `+nodeColumns+` FROM remix_nodes n
		WHERE n.owner_id = $1 AND ($2::uuid IS NULL OR n.id < $2) ORDER BY n.id DESC LIMIT $3`, u, before, limit+1)
	if err != nil {
		return nil, "", translate(err, "list my remixes")
	}
	nodes, err := collectNodes(rows)
	if err != nil {
		return nil, "", translate(err, "list my remixes")
	}
	return pageOut(nodes, limit)
}

func collectNodes(rows pgx.Rows) ([]*kmeme.RemixNode, error) {
	defer rows.Close()
	var out []*kmeme.RemixNode
	for rows.Next() {
		n, err := scanNode(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// pageArgs validates a page request: the limit defaults to 20 and is capped
// at MaxPageSize; the cursor is an opaque encoding of the last id seen.
func pageArgs(p kmeme.Page) (int, *uuid.UUID, error) {
	limit := p.Limit
	if limit <= 0 {
		limit = 20
	}
	if limit > MaxPageSize {
		limit = MaxPageSize
	}
	if p.After == "" {
		return limit, nil, nil
	}
	id, err := DecodeCursor(p.After)
	if err != nil {
		return 0, nil, err
	}
	return limit, &id, nil
}

func pageOut(nodes []*kmeme.RemixNode, limit int) ([]*kmeme.RemixNode, string, error) {
	if len(nodes) <= limit {
		return nodes, "", nil
	}
	nodes = nodes[:limit]
	return nodes, EncodeCursor(nodes[len(nodes)-1].ID), nil
}

// EncodeCursor makes an opaque cursor from an id.
func EncodeCursor(id string) string { return base64.RawURLEncoding.EncodeToString([]byte(id)) }

// DecodeCursor reverses EncodeCursor; a malformed cursor is EINVALID naming "after".
func DecodeCursor(c string) (uuid.UUID, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil {
		if u, perr := uuid.Parse(string(b)); perr == nil {
			return u, nil
		}
	}
	return uuid.Nil, kmeme.FieldError("after", "malformed cursor")
}
