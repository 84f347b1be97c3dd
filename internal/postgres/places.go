package postgres

import (
	"context"
	"math"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// PlaceService implements kmeme.PlaceService: remixes by place (PostGIS).
type PlaceService struct {
	db DBTX
}

var _ kmeme.PlaceService = (*PlaceService)(nil)

// NewPlaceService returns the service over a pool or a transaction.
func NewPlaceService(db DBTX) *PlaceService { return &PlaceService{db: db} }

// defaultNearby is the nearby list's length when none is asked.
const defaultNearby = 20

// NearbyNodes lists the nodes within km of (lat, lon), nearest first.
func (s *PlaceService) NearbyNodes(ctx context.Context, lat, lon, km float64, limit int, c *kmeme.Caller) ([]kmeme.Nearby, error) {
	v := viewerOf(c)
	if err := (&kmeme.Location{Lat: lat, Lon: lon}).Validate(); err != nil {
		return nil, err
	}
	if !(km > 0) || km > kmeme.MaxNearbyKM {
		return nil, kmeme.FieldError("km", "must be more than 0 and at most %d", kmeme.MaxNearbyKM)
	}
	if limit <= 0 {
		limit = defaultNearby
	}
	limit = min(limit, kmeme.MaxNearby)
	rows, err := s.db.Query(ctx, `WITH p AS (SELECT ST_SetSRID(ST_MakePoint($2, $1), 4326)::geography AS g)
		SELECT `+nodeColumns+`, ST_Distance(n.location, p.g) / 1000
		FROM remix_nodes n, p
		WHERE n.location IS NOT NULL AND ST_DWithin(n.location, p.g, $3 * 1000) AND `+visibleSQL("$4", "$5")+`
		ORDER BY n.location <-> p.g LIMIT $6`, lat, lon, km, v.UserID, v.Admin, limit)
	if err != nil {
		return nil, translate(err, "nearby")
	}
	defer rows.Close()
	out := []kmeme.Nearby{}
	for rows.Next() {
		var d float64
		n, err := scanNodeExtra(rows, &d)
		if err != nil {
			return nil, translate(err, "nearby")
		}
		out = append(out, kmeme.Nearby{Node: n, DistanceKM: math.Round(d*1000) / 1000})
	}
	return out, translate(rows.Err(), "nearby")
}

// GeoTrends counts public remixes made since the given time per grid cell
// in the box; the cell size is the box's larger side over kmeme.MaxGridCells/2.
func (s *PlaceService) GeoTrends(ctx context.Context, b kmeme.BBox, since time.Time) ([]kmeme.Cell, float64, error) {
	if err := b.Validate(); err != nil {
		return nil, 0, err
	}
	size := math.Max(b.MaxLon-b.MinLon, b.MaxLat-b.MinLat) / (kmeme.MaxGridCells / 2)
	rows, err := s.db.Query(ctx, `SELECT floor(ST_Y(g) / $5) AS cy, floor(ST_X(g) / $5) AS cx, count(*)
		FROM (SELECT n.location::geometry AS g FROM remix_nodes n
			WHERE n.location IS NOT NULL AND n.visibility = 'public' AND n.created_at >= $6
			  AND n.location::geometry && ST_MakeEnvelope($1, $2, $3, $4, 4326)) pts
		GROUP BY cy, cx ORDER BY count(*) DESC LIMIT $7`,
		b.MinLon, b.MinLat, b.MaxLon, b.MaxLat, size, since, kmeme.MaxGridCells*kmeme.MaxGridCells)
	if err != nil {
		return nil, 0, translate(err, "geo trends")
	}
	defer rows.Close()
	out := []kmeme.Cell{}
	for rows.Next() {
		var cy, cx float64
		var c int
		if err := rows.Scan(&cy, &cx, &c); err != nil {
			return nil, 0, translate(err, "geo trends")
		}
		out = append(out, kmeme.Cell{Lat: round6((cy + 0.5) * size), Lon: round6((cx + 0.5) * size), Count: c})
	}
	return out, size, translate(rows.Err(), "geo trends")
}

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }
