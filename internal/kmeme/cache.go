package kmeme

import (
	"context"
	"time"
)

// Cache keeps serialised values (views, analyses, AI answers) by key for a
// time to live. Nothing durable lives only in a cache: a miss or an outage
// costs a reload, never an answer. internal/cache implements it on Redis;
// the CLI's Gemini answers use a file-backed one.
type Cache interface {
	// Get returns key's value and whether it was there. An error means the
	// cache could not be asked; callers go on without it.
	Get(ctx context.Context, key string) ([]byte, bool, error)
	// Set keeps val under key for ttl.
	Set(ctx context.Context, key string, val []byte, ttl time.Duration) error
	// GetOrLoad returns key's value, or runs load (once per key, across
	// callers where the cache can arrange it) and keeps its answer for
	// ttl. load's error is returned and nothing is kept; a cache failure
	// never fails the call.
	GetOrLoad(ctx context.Context, key string, ttl time.Duration, load func(context.Context) ([]byte, error)) ([]byte, error)
	// Invalidate deletes keys, so that the next read reloads them.
	Invalidate(ctx context.Context, keys ...string) error
}
