package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/kmeme-factory/kmeme/internal/importer"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// ContentDeps are the services behind the remix, video, lineage, search
// and place routes. A nil service makes its routes answer 503; without
// Remixes only drafts can be made (through Deps.Nodes).
type ContentDeps struct {
	// Remixes creates remixes with their pipeline job and reads views,
	// progress events and the showcase.
	Remixes kmeme.RemixService
	// Videos ingests and reads source videos.
	Videos  kmeme.VideoService
	Lineage kmeme.LineageService
	Search  kmeme.SearchService
	Places  kmeme.PlaceService
	// Blobs keeps videos and rendered files.
	Blobs kmeme.BlobStore
	// Progress wakes event streams when a node has a new event (optional:
	// streams then poll every EventPoll).
	Progress ProgressSource
	// Importer fetches URL imports.
	Importer *importer.Importer
	// MaxUploadBytes caps uploads (default 200 MiB).
	MaxUploadBytes int64
	// SpoolDir holds uploads while they are checked (default the temp dir).
	SpoolDir string
	// Views caches recipe views (recipe:{id}) and similar results
	// (similar:{hash}); optional, and never required for a read to work.
	Views ViewCache
	// EventPoll is how often an event stream looks for events without a
	// notification (default 2s).
	EventPoll time.Duration
	// DefaultVisibility applies when a creator does not choose (default private).
	DefaultVisibility kmeme.Visibility
}

// ProgressSource wakes subscribers when a node has news.
type ProgressSource interface {
	Subscribe(nodeID string) (<-chan struct{}, func())
}

// ViewCache is cache-aside storage for serialised views.
type ViewCache interface {
	GetOrLoad(ctx context.Context, key string, ttl time.Duration, load func(context.Context) ([]byte, error)) ([]byte, error)
	Invalidate(ctx context.Context, keys ...string) error
}

// Cache TTLs (the specification's table).
const (
	recipeTTL  = time.Hour
	similarTTL = time.Hour
)

// addPlatformRoutes registers the platform's routes.
func (s *Server) addPlatformRoutes() {
	s.handle(Route{Method: "POST", Path: "/api/videos", Summary: "Upload a video (multipart/form-data, field file); 200 when the same content exists",
		Tag: "videos", Status: http.StatusCreated, Result: kmeme.Video{}, Auth: true, Limit: "upload", Long: true, Handler: s.handleUploadVideo()})
	s.handle(Route{Method: "POST", Path: "/api/videos/import", Summary: "Import a video from an http(s) URL",
		Tag: "videos", Body: importRequest{}, Status: http.StatusCreated, Result: kmeme.Video{}, Auth: true, Limit: "upload", Long: true, Handler: s.handleImportVideo()})
	s.handle(Route{Method: "GET", Path: "/api/videos/{id}", Summary: "A video's metadata", Tag: "videos",
		Result: kmeme.Video{}, Auth: true, Limit: "read", Handler: s.handleGetVideo()})

	s.handle(Route{Method: "POST", Path: "/api/remix", Summary: "Create a remix node (a child when parent_id is given); with video_id its pipeline is queued (202). Takes Idempotency-Key.", Tag: "remix",
		Body: createRemixRequest{}, Status: http.StatusCreated, Result: nodeBody{}, Auth: true, Limit: "remix", Quota: 1, PaidAI: true, Handler: s.handleCreateRemix()})
	s.handle(Route{Method: "GET", Path: "/api/remix/{id}", Summary: "The recipe view of a remix: node, analysis, recipe, file links", Tag: "remix",
		Result: remixView{}, Limit: "read", Handler: s.handleGetRemix()})
	s.handle(Route{Method: "DELETE", Path: "/api/remix/{id}", Summary: "Delete a remix with no remixes of its own (409 otherwise)", Tag: "remix",
		Status: http.StatusNoContent, Auth: true, Limit: "remix", Handler: s.handleDeleteRemix()})
	s.handle(Route{Method: "GET", Path: "/api/remix/{id}/children", Summary: "Direct remixes of a remix", Tag: "remix",
		Query: pageParams, Result: nodeList{}, Limit: "read", Handler: s.handleListChildren()})
	s.handle(Route{Method: "GET", Path: "/api/remix/{id}/files/{name}", Summary: "One rendered file: preview.mp4 (Range requests), kmeme-bundle.zip (everything), guide.pdf, storyboard.png, captions.srt, captions.casual.srt, captions.polite.srt, subtitles.9x16.ass, subtitles.16x9.ass, timeline.otio, timeline.fcpxml, timeline.premiere.xml, timeline.edl, recipe.json, recipe.md, analysis.json, keyframe-NNN.jpg, source.mp4", Tag: "remix",
		ResultType: "application/octet-stream", Limit: "read", Long: true, Handler: s.handleRemixFile()})
	s.handle(Route{Method: "GET", Path: "/api/remix/{id}/events", Summary: "Pipeline progress as server-sent events (event: progress; the last is done or failed)", Tag: "remix",
		ResultType: "text/event-stream", Limit: "read", Long: true, Handler: s.handleRemixEvents()})

	s.handle(Route{Method: "GET", Path: "/api/remix/{id}/lineage", Summary: "Ancestors (nearest first) or descendants (paginated) of a remix", Tag: "lineage",
		Query: append([]Param{
			{Name: "direction", Type: "string", Doc: "ancestors (default) or descendants"},
			{Name: "depth", Type: "integer", Doc: "levels, 1 to 50 (default 10)"},
		}, pageParams...), Result: nodeList{}, Limit: "read", Handler: s.handleLineage()})
	s.handle(Route{Method: "GET", Path: "/api/remix/{id}/tree", Summary: "The subtree under a remix, nested for drawing (at most 500 nodes)", Tag: "lineage",
		Query: []Param{{Name: "depth", Type: "integer", Doc: "levels, 1 to 50 (default 10)"}}, Result: treeBody{}, Limit: "read", Handler: s.handleTree()})
	s.handle(Route{Method: "GET", Path: "/api/trending", Summary: "Families (roots) with the most new remixes in a window", Tag: "lineage",
		Query:  []Param{{Name: "days", Type: "integer", Doc: "window, 1 to 90 (default 7)"}, {Name: "limit", Type: "integer", Doc: "1 to 50 (default 20)"}},
		Result: trendingBody{}, Limit: "read", Handler: s.handleTrending()})
	s.handle(Route{Method: "GET", Path: "/api/recipes/public", Summary: "Finished public recipes for visitors (landing cards): title, hook, BPM, minutes, shot count, keyframe", Tag: "remix",
		Query:  []Param{{Name: "limit", Type: "integer", Doc: "1 to 24 (default 6)"}},
		Result: showcaseBody{}, Limit: "read", Handler: s.handleShowcase()})
	s.handle(Route{Method: "GET", Path: "/api/remix/{id}/similar", Summary: "Remixes of the same format (structure) and idea (text)", Tag: "search",
		Query: []Param{{Name: "k", Type: "integer", Doc: "1 to 50 (default 10)"}}, Result: scoredBody{}, Limit: "read", Handler: s.handleSimilar()})
	s.handle(Route{Method: "GET", Path: "/api/search", Summary: "Search remixes in Korean or English", Tag: "search",
		Query:  []Param{{Name: "q", Type: "string", Required: true, Doc: "1 to 200 characters"}, {Name: "k", Type: "integer", Doc: "1 to 50 (default 10)"}},
		Result: scoredBody{}, Limit: "read", Handler: s.handleSearch()})
	s.handle(Route{Method: "GET", Path: "/api/geo/nearby", Summary: "Remixes near a point, nearest first", Tag: "places",
		Query: []Param{{Name: "lat", Type: "number", Required: true}, {Name: "lon", Type: "number", Required: true},
			{Name: "km", Type: "number", Doc: "radius, up to 500 (default 10)"}, {Name: "limit", Type: "integer", Doc: "1 to 100 (default 20)"}},
		Result: nearbyBody{}, Limit: "read", Handler: s.handleNearby()})
	s.handle(Route{Method: "GET", Path: "/api/geo/trends", Summary: "Public remixes per grid cell in a box, for a heat map", Tag: "places",
		Query: []Param{{Name: "bbox", Type: "string", Required: true, Doc: "minLon,minLat,maxLon,maxLat"},
			{Name: "since", Type: "string", Doc: "RFC 3339 time (default 30 days ago)"}},
		Result: geoTrendsBody{}, Limit: "read", Handler: s.handleGeoTrends()})
}

// ready answers 503 when the service a route needs is not wired (tests of
// other parts, or a misconfiguration): wired is whether it is.
func ready(wired bool) error {
	if !wired {
		return kmeme.Errorf(kmeme.EUNAVAILABLE, "this server has no platform storage configured")
	}
	return nil
}

// canChange is kmeme.CanChange, plus: on a server running without sign-in
// (no trust middleware, so no caller at all), ownerless objects made
// anonymously can be changed. Routes that change declare Auth, so with
// sign-in in force anonymous requests never reach the handler.
func canChange(c *kmeme.Caller, owner *string) bool {
	return kmeme.CanChange(c, owner) || (c == nil && owner == nil)
}

func (s *Server) invalidateViews(ctx context.Context, nodeIDs ...string) {
	if s.Content.Views == nil || len(nodeIDs) == 0 {
		return
	}
	keys := make([]string, len(nodeIDs))
	for i, id := range nodeIDs {
		keys[i] = "recipe:" + id
	}
	if err := s.Content.Views.Invalidate(ctx, keys...); err != nil {
		s.Log.WarnContext(ctx, "cache invalidation failed", "err", err.Error())
	}
}
