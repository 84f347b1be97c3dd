package httpapi

import (
	"context"
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
	Views kmeme.Cache
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

// Cache TTLs (the specification's table).
const (
	recipeTTL  = time.Hour
	similarTTL = time.Hour
)

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
