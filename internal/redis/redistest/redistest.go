// Package redistest gives a test its own slice of the local Redis: a
// client whose keys carry a unique prefix, all deleted when the test ends.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/redis"
)

// URL is the Redis tests use (KMEME_TEST_REDIS_URL, default the local server).
func URL() string {
	if u := os.Getenv("KMEME_TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

// New opens a client with a unique key prefix and the given call timeout
// (generous timeouts keep a busy machine from looking like an outage).
func New(t testing.TB, timeout time.Duration) *redis.Client {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	prefix := "test:" + t.Name() + ":" + hex.EncodeToString(b[:]) + ":"
	c, err := redis.Open(redis.Config{URL: URL(), Timeout: timeout, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		if keys, _ := c.R.Keys(ctx, prefix+"*").Result(); len(keys) > 0 {
			c.R.Del(ctx, keys...)
		}
		_ = c.Close()
	})
	return c
}
