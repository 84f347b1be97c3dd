package kmeme

import (
	"context"
	"encoding/json"
	"time"
)

// NodeStatus is where a remix node is in its pipeline.
type NodeStatus string

// Node statuses, in pipeline order; failed can follow any of them.
const (
	StatusDraft     NodeStatus = "draft"     // created without a video (title only)
	StatusQueued    NodeStatus = "queued"    // waiting for a worker
	StatusAnalyzing NodeStatus = "analyzing" // measuring the video
	StatusPlanning  NodeStatus = "planning"  // writing the recipe
	StatusRendering NodeStatus = "rendering" // writing the files
	StatusDone      NodeStatus = "done"
	StatusFailed    NodeStatus = "failed"
)

// Valid reports whether s is a known status.
func (s NodeStatus) Valid() bool {
	switch s {
	case StatusDraft, StatusQueued, StatusAnalyzing, StatusPlanning, StatusRendering, StatusDone, StatusFailed:
		return true
	}
	return false
}

// Visibility says who may read a node.
type Visibility string

// Visibilities.
const (
	VisibilityPrivate Visibility = "private"
	VisibilityPublic  Visibility = "public"
)

// Location is a point on Earth (WGS 84).
type Location struct {
	Lat   float64 `json:"lat"`
	Lon   float64 `json:"lon"`
	Label string  `json:"label,omitempty"`
}

// Validate checks the coordinates' ranges.
func (l *Location) Validate() error {
	if l == nil {
		return nil
	}
	if l.Lat < -90 || l.Lat > 90 {
		return FieldError("location.lat", "must be between -90 and 90")
	}
	if l.Lon < -180 || l.Lon > 180 {
		return FieldError("location.lon", "must be between -180 and 180")
	}
	return nil
}

// RemixNode is one remix in a lineage tree. A root node has no parent; a
// child's RootID, Path and Depth derive from its parent.
type RemixNode struct {
	ID          string          `json:"id"`
	ParentID    *string         `json:"parent_id"`
	RootID      string          `json:"root_id"`
	Path        string          `json:"path"`  // ancestors' ids from the root, dot-separated (ltree)
	Depth       int             `json:"depth"` // 0 for a root
	OwnerID     *string         `json:"owner_id"`
	VideoID     *string         `json:"video_id"`
	Title       string          `json:"title"`
	Status      NodeStatus      `json:"status"`
	Visibility  Visibility      `json:"visibility"`
	Error       string          `json:"error,omitempty"`
	Recipe      json.RawMessage `json:"recipe,omitempty"`
	Location    *Location       `json:"location,omitempty"`
	Children    int             `json:"children"`    // direct remixes
	Descendants int             `json:"descendants"` // all remixes below
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
}

// MaxTitleLen is the longest title accepted, in characters.
const MaxTitleLen = 200

// NewNode is what a caller supplies to create a node.
type NewNode struct {
	Title      string
	ParentID   *string
	OwnerID    *string
	VideoID    *string
	Location   *Location
	Visibility Visibility
	Status     NodeStatus
}

// Validate checks the fields a caller controls.
func (n *NewNode) Validate() error {
	if len([]rune(n.Title)) > MaxTitleLen {
		return FieldError("title", "must be at most %d characters", MaxTitleLen)
	}
	if n.Visibility != "" && n.Visibility != VisibilityPrivate && n.Visibility != VisibilityPublic {
		return FieldError("visibility", "must be %q or %q", VisibilityPrivate, VisibilityPublic)
	}
	return n.Location.Validate()
}

// Page asks for one page of a list. After is an opaque cursor from the
// previous page; Limit is capped by the service.
type Page struct {
	After string
	Limit int
}

// RemixNodeService stores remix nodes and their lineage.
type RemixNodeService interface {
	// GetNode returns the node or ENOTFOUND.
	GetNode(ctx context.Context, id string) (*RemixNode, error)
	// CreateNode inserts a node; a missing parent is EINVALID naming parent_id.
	CreateNode(ctx context.Context, n NewNode) (*RemixNode, error)
	// DeleteNode removes a node with no children; one with children is ECONFLICT.
	DeleteNode(ctx context.Context, id string) error
	// ListChildren lists direct children oldest first; the string is the next cursor ("" at the end).
	ListChildren(ctx context.Context, id string, p Page) ([]*RemixNode, string, error)
	// ListOwned lists a user's remixes newest first, a page at a time.
	ListOwned(ctx context.Context, ownerID string, p Page) ([]*RemixNode, string, error)
}

// CheckID checks that s is an id (a UUID in its canonical 36-character
// form); field names the input for the error message.
func CheckID(field, s string) error {
	ok := len(s) == 36
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			ok = c == '-'
		default:
			ok = '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
		}
	}
	if !ok {
		shown := s
		if len(shown) > 64 {
			shown = shown[:64] + "…"
		}
		return FieldError(field, "%q is not a valid id (expected a UUID)", shown)
	}
	return nil
}
