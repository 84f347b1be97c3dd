package gemini

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// FileCache keeps one JSON file per key in Dir: the CLI's Gemini answers
// (the service keeps them in Redis through internal/cache).
type FileCache struct {
	Dir string
	// Now is the clock (default time.Now).
	Now func() time.Time
}

var _ kmeme.Cache = (*FileCache)(nil)

type fileEntry struct {
	Key     string          `json:"key"`
	Expires time.Time       `json:"expires"`
	Value   json.RawMessage `json:"value"`
}

func (c *FileCache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *FileCache) path(key string) string {
	h := sha256.Sum256([]byte(key))
	return filepath.Join(c.Dir, hex.EncodeToString(h[:16])+".json")
}

// Get returns the value when present and not expired.
func (c *FileCache) Get(_ context.Context, key string) ([]byte, bool, error) {
	b, err := os.ReadFile(c.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("gemini cache: %w", err)
	}
	var e fileEntry
	if json.Unmarshal(b, &e) != nil || e.Key != key || !c.now().Before(e.Expires) {
		return nil, false, nil
	}
	return e.Value, true, nil
}

// Set stores val (which must be JSON) for ttl.
func (c *FileCache) Set(_ context.Context, key string, val []byte, ttl time.Duration) error {
	if !json.Valid(val) {
		return fmt.Errorf("gemini cache: value for %s is not JSON", key)
	}
	b, err := json.Marshal(fileEntry{Key: key, Expires: c.now().Add(ttl), Value: val})
	if err != nil {
		return fmt.Errorf("gemini cache: %w", err)
	}
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return fmt.Errorf("gemini cache: %w", err)
	}
	p := c.path(key)
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("gemini cache: %w", err)
	}
	if err := os.Rename(tmp, p); err != nil {
		return fmt.Errorf("gemini cache: %w", err)
	}
	return nil
}

// GetOrLoad returns key's value, or runs load and keeps its answer for ttl
// (one process: no cross-caller protection). A cache file that cannot be
// read or written costs a load, never the answer.
func (c *FileCache) GetOrLoad(ctx context.Context, key string, ttl time.Duration, load func(context.Context) ([]byte, error)) ([]byte, error) {
	if v, ok, err := c.Get(ctx, key); err == nil && ok {
		return v, nil
	}
	v, err := load(ctx)
	if err != nil {
		return nil, err
	}
	_ = c.Set(ctx, key, v, ttl)
	return v, nil
}

// Invalidate removes the files of keys; a missing one is not an error.
func (c *FileCache) Invalidate(_ context.Context, keys ...string) error {
	var errs []error
	for _, k := range keys {
		if err := os.Remove(c.path(k)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("gemini cache: %w", err))
		}
	}
	return errors.Join(errs...)
}
