package httpapi_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/cache"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/redis"
	"github.com/kmeme-factory/kmeme/internal/redis/redistest"
)

func testViews(t *testing.T, url string) (*cache.Cache, *redis.Client, string) {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	prefix := "test:" + t.Name() + ":" + hex.EncodeToString(b[:]) + ":"
	rc, err := redis.Open(redis.Config{URL: url, Timeout: 200 * time.Millisecond, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		if keys, _ := rc.R.Keys(ctx, prefix+"*").Result(); len(keys) > 0 {
			rc.R.Del(ctx, keys...)
		}
		rc.Close()
	})
	return cache.New(rc, cache.Options{Name: "views", Timeout: 200 * time.Millisecond}), rc, prefix
}

func TestRecipeViewCacheIsInvalidatedOnChange(t *testing.T) {
	t.Parallel()
	v, rc, prefix := testViews(t, redistest.URL())
	if err := rc.R.Ping(context.Background()).Err(); err != nil {
		t.Skip("redis not running")
	}
	b := setupPlatform(t, platformOpts{views: v})
	resp, data := b.json(t, "POST", "/api/remix", b.userA, `{"title":"캐시","visibility":"public"}`)
	if resp.StatusCode != 201 {
		t.Fatalf("create: %d %s", resp.StatusCode, data)
	}
	var root kmeme.RemixNode
	_ = json.Unmarshal(data, &root)
	children := func() int {
		t.Helper()
		resp, data := b.json(t, "GET", "/api/remix/"+root.ID, "", "")
		var view viewBody
		if resp.StatusCode != 200 || json.Unmarshal(data, &view) != nil {
			t.Fatalf("view: %d %s", resp.StatusCode, data)
		}
		return view.Node.Children
	}
	if children() != 0 {
		t.Fatal("new node has children")
	}
	keys, _ := rc.R.Keys(context.Background(), prefix+"*recipe:"+root.ID).Result()
	if len(keys) != 1 {
		t.Fatalf("recipe view not cached: keys %v", keys)
	}
	// A change behind the API's back is not seen until the TTL: the cache is used.
	if _, err := b.db.Pool.Exec(context.Background(), `UPDATE remix_nodes SET title = 'changed' WHERE id = $1`, root.ID); err != nil {
		t.Fatal(err)
	}
	_, data = b.json(t, "GET", "/api/remix/"+root.ID, "", "")
	if !strings.Contains(string(data), "캐시") {
		t.Fatalf("second read did not come from the cache: %s", data)
	}
	// A remix through the API changes the parent's counters and invalidates its view.
	if resp, data := b.json(t, "POST", "/api/remix", b.userA, `{"parent_id":"`+root.ID+`","visibility":"public"}`); resp.StatusCode != 201 {
		t.Fatalf("child: %d %s", resp.StatusCode, data)
	}
	if n := children(); n != 1 {
		t.Errorf("parent view after a remix shows %d children: stale cache", n)
	}
}

func TestRecipeViewWorksWithRedisDown(t *testing.T) {
	t.Parallel()
	v, _, _ := testViews(t, "redis://127.0.0.1:1/0") // nothing listens there
	b := setupPlatform(t, platformOpts{views: v})
	resp, data := b.json(t, "POST", "/api/remix", b.userA, `{"title":"레디스 없음"}`)
	if resp.StatusCode != 201 {
		t.Fatalf("create: %d %s", resp.StatusCode, data)
	}
	var n kmeme.RemixNode
	_ = json.Unmarshal(data, &n)
	for i := 0; i < 3; i++ {
		start := time.Now()
		resp, data := b.json(t, "GET", "/api/remix/"+n.ID, b.userA, "")
		if resp.StatusCode != 200 || !strings.Contains(string(data), "레디스 없음") {
			t.Fatalf("view with Redis down: %d %s", resp.StatusCode, data)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("view took %s with Redis down", d)
		}
	}
	if resp, data := b.json(t, "GET", "/api/search?q=%EB%A0%88%EB%94%94%EC%8A%A4", b.userA, ""); resp.StatusCode != 200 {
		t.Errorf("search with Redis down: %d %s", resp.StatusCode, data)
	}
}
