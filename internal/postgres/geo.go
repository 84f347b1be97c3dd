package postgres

import (
	"context"
	"math"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// Place bounds.
const (
	MaxNearbyKM   = 500
	MaxNearby     = 100
	MaxGridCells  = 64 // cells per side of a heat map
	defaultNearby = 20
)

// Nearby is a node with its distance from the point asked about.
type Nearby struct {
	Node       *kmeme.RemixNode `json:"node"`
	DistanceKM float64          `json:"distance_km"`
}

// NearbyNodes lists the nodes within km of (lat, lon), nearest first.
func (s *PlatformStore) NearbyNodes(ctx context.Context, lat, lon, km float64, limit int, v Viewer) ([]Nearby, error) {
	if err := (&kmeme.Location{Lat: lat, Lon: lon}).Validate(); err != nil {
		return nil, err
	}
	if !(km > 0) || km > MaxNearbyKM {
		return nil, kmeme.FieldError("km", "must be more than 0 and at most %d", MaxNearbyKM)
	}
	if limit <= 0 {
		limit = defaultNearby
	}
	limit = min(limit, MaxNearby)
	rows, err := s.db.Query(ctx, `WITH p AS (SELECT ST_SetSRID(ST_MakePoint($2, $1), 4326)::geography AS g)
		SELECT `+nodeColumns+`, ST_Distance(n.location, p.g) / 1000
		FROM remix_nodes n, p
		WHERE n.location IS NOT NULL AND ST_DWithin(n.location, p.g, $3 * 1000) AND `+visibleSQL("$4", "$5")+`
		ORDER BY n.location <-> p.g LIMIT $6`, lat, lon, km, v.UserID, v.Admin, limit)
	if err != nil {
		return nil, translate(err, "nearby")
	}
	defer rows.Close()
	out := []Nearby{}
	for rows.Next() {
		var d float64
		n, err := scanNodeExtra(rows, &d)
		if err != nil {
			return nil, translate(err, "nearby")
		}
		out = append(out, Nearby{Node: n, DistanceKM: math.Round(d*1000) / 1000})
	}
	return out, translate(rows.Err(), "nearby")
}

// BBox is a longitude/latitude box.
type BBox struct {
	MinLon, MinLat, MaxLon, MaxLat float64
}

// Validate checks the ranges and the order of the corners.
func (b BBox) Validate() error {
	if b.MinLon < -180 || b.MaxLon > 180 || b.MinLat < -90 || b.MaxLat > 90 {
		return kmeme.FieldError("bbox", "is outside -180..180, -90..90")
	}
	if !(b.MinLon < b.MaxLon) || !(b.MinLat < b.MaxLat) {
		return kmeme.FieldError("bbox", "must be minLon,minLat,maxLon,maxLat with min < max")
	}
	return nil
}

// Cell is one grid cell of a heat map: its centre and how many remixes.
type Cell struct {
	Lat   float64 `json:"lat"`
	Lon   float64 `json:"lon"`
	Count int     `json:"count"`
}

// GeoTrends counts public remixes made since the given time per grid cell
// in the box; the cell size is the box's larger side over MaxGridCells/2.
func (s *PlatformStore) GeoTrends(ctx context.Context, b BBox, since time.Time) ([]Cell, float64, error) {
	if err := b.Validate(); err != nil {
		return nil, 0, err
	}
	size := math.Max(b.MaxLon-b.MinLon, b.MaxLat-b.MinLat) / (MaxGridCells / 2)
	rows, err := s.db.Query(ctx, `SELECT floor(ST_Y(g) / $5) AS cy, floor(ST_X(g) / $5) AS cx, count(*)
		FROM (SELECT n.location::geometry AS g FROM remix_nodes n
			WHERE n.location IS NOT NULL AND n.visibility = 'public' AND n.created_at >= $6
			  AND n.location::geometry && ST_MakeEnvelope($1, $2, $3, $4, 4326)) pts
		GROUP BY cy, cx ORDER BY count(*) DESC LIMIT $7`,
		b.MinLon, b.MinLat, b.MaxLon, b.MaxLat, size, since, MaxGridCells*MaxGridCells)
	if err != nil {
		return nil, 0, translate(err, "geo trends")
	}
	defer rows.Close()
	out := []Cell{}
	for rows.Next() {
		var cy, cx float64
		var c int
		if err := rows.Scan(&cy, &cx, &c); err != nil {
			return nil, 0, translate(err, "geo trends")
		}
		out = append(out, Cell{Lat: round6((cy + 0.5) * size), Lon: round6((cx + 0.5) * size), Count: c})
	}
	return out, size, translate(rows.Err(), "geo trends")
}

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }
