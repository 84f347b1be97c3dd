package kmeme

import (
	"context"
	"encoding/json"
	"time"
)

// Bounds of the lineage, search and place queries.
const (
	MaxLineageDepth = 50  // deepest ancestors/descendants walk
	MaxTreeNodes    = 500 // most nodes in one drawn tree
	MaxTrending     = 50  // longest trending list
	MaxSimilarK     = 50  // most similar or search results
	MaxTrendingDays = 90  // widest trending window
	MaxNearbyKM     = 500 // widest nearby radius
	MaxNearby       = 100 // longest nearby list
	MaxGridCells    = 64  // cells per side of a heat map
)

// TreeNode is a node with its children, for drawing.
type TreeNode struct {
	*RemixNode
	Kids []*TreeNode `json:"children"` // shadows the count: the list is what a drawing needs
}

// Trending is a family's root with how many remixes it gained in the window.
type Trending struct {
	Node    *RemixNode `json:"node"`
	Remixes int        `json:"remixes"`
}

// Scored is a node with a similarity score in [0,1] (higher is closer).
type Scored struct {
	Node  *RemixNode `json:"node"`
	Score float64    `json:"score"`
}

// Nearby is a node with its distance from the point asked about.
type Nearby struct {
	Node       *RemixNode `json:"node"`
	DistanceKM float64    `json:"distance_km"`
}

// BBox is a longitude/latitude box.
type BBox struct {
	MinLon, MinLat, MaxLon, MaxLat float64
}

// Validate checks the ranges and the order of the corners.
func (b BBox) Validate() error {
	if b.MinLon < -180 || b.MaxLon > 180 || b.MinLat < -90 || b.MaxLat > 90 {
		return FieldError("bbox", "is outside -180..180, -90..90")
	}
	if !(b.MinLon < b.MaxLon) || !(b.MinLat < b.MaxLat) {
		return FieldError("bbox", "must be minLon,minLat,maxLon,maxLat with min < max")
	}
	return nil
}

// Cell is one grid cell of a heat map: its centre and how many remixes.
type Cell struct {
	Lat   float64 `json:"lat"`
	Lon   float64 `json:"lon"`
	Count int     `json:"count"`
}

// Event is one progress report of a node's pipeline.
type Event struct {
	ID        int64     `json:"id"`
	NodeID    string    `json:"node_id"`
	Stage     string    `json:"stage"`
	Percent   int       `json:"percent"`
	Status    string    `json:"status"`
	Error     string    `json:"error,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Terminal reports whether the event ends the stream (done or failed).
func (e Event) Terminal() bool {
	return e.Status == string(StatusDone) || e.Status == string(StatusFailed)
}

// NodeView is a node with its analysis and rendered-file list, as the
// recipe view reads them.
type NodeView struct {
	Node     *RemixNode
	Analysis json.RawMessage
	Files    json.RawMessage
}

// ShowcaseItem is one public recipe card for visitors: a name, a keyframe
// and the few figures a creator judges a recipe by.
type ShowcaseItem struct {
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

// LineageService walks the lineage tree. Every list shows only what the
// caller may see (nil: anonymous).
type LineageService interface {
	// Ancestors returns up to depth ancestors of id, nearest first.
	Ancestors(ctx context.Context, id string, depth int, c *Caller) ([]*RemixNode, error)
	// Descendants returns a page of the nodes below id down to depth
	// levels, depth first, and the next cursor.
	Descendants(ctx context.Context, id string, depth int, p Page, c *Caller) ([]*RemixNode, string, error)
	// Tree returns the subtree under id down to depth levels (at most
	// MaxTreeNodes nodes) and whether it was cut.
	Tree(ctx context.Context, id string, depth int, c *Caller) (*TreeNode, bool, error)
	// TrendingFamilies lists the families that gained the most remixes
	// since the given day.
	TrendingFamilies(ctx context.Context, since time.Time, limit int, c *Caller) ([]Trending, error)
}

// SearchService finds remixes by similarity.
type SearchService interface {
	// Similar returns up to k nodes most like id (structure and text).
	Similar(ctx context.Context, id string, k int, c *Caller) ([]Scored, error)
	// Search returns up to k nodes matching q; textVec is q's text
	// embedding as a vector literal.
	Search(ctx context.Context, q, textVec string, k int, c *Caller) ([]Scored, error)
}

// PlaceService finds remixes by place.
type PlaceService interface {
	// NearbyNodes lists the nodes within km of (lat, lon), nearest first.
	NearbyNodes(ctx context.Context, lat, lon, km float64, limit int, c *Caller) ([]Nearby, error)
	// GeoTrends counts public remixes since the given time per grid cell
	// of the box, and answers the cell size in degrees.
	GeoTrends(ctx context.Context, b BBox, since time.Time) ([]Cell, float64, error)
}
