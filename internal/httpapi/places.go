package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

type nearbyBody struct {
	Items []kmeme.Nearby `json:"items"`
}

type geoTrendsBody struct {
	Cells   []kmeme.Cell `json:"cells"`
	CellDeg float64      `json:"cell_deg"`
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
