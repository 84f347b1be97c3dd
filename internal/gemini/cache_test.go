package gemini

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestFileCacheIsACache: the CLI's file cache answers GetOrLoad from what
// it keeps, loads on a miss or after the TTL, never keeps a failed load,
// and forgets invalidated keys.
func TestFileCacheIsACache(t *testing.T) {
	t.Parallel()
	clk := &fakeClock{now: time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)}
	c := &FileCache{Dir: t.TempDir(), Now: clk.Now}
	ctx := context.Background()
	loads := 0
	load := func(context.Context) ([]byte, error) { loads++; return []byte(`{"n":1}`), nil }
	for range 2 {
		v, err := c.GetOrLoad(ctx, "k", time.Hour, load)
		if err != nil || string(v) != `{"n":1}` {
			t.Fatalf("GetOrLoad = %q, %v", v, err)
		}
	}
	if loads != 1 {
		t.Errorf("%d loads, want 1", loads)
	}
	clk.Advance(time.Hour)
	if _, err := c.GetOrLoad(ctx, "k", time.Hour, load); err != nil || loads != 2 {
		t.Errorf("after the TTL: %d loads, %v", loads, err)
	}
	boom := errors.New("boom")
	if _, err := c.GetOrLoad(ctx, "bad", time.Hour, func(context.Context) ([]byte, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("failed load = %v", err)
	}
	if _, ok, _ := c.Get(ctx, "bad"); ok {
		t.Error("a failed load was kept")
	}
	if err := c.Invalidate(ctx, "k", "never-set"); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := c.Get(ctx, "k"); ok || err != nil {
		t.Errorf("Get after Invalidate = %v, %v", ok, err)
	}
}
