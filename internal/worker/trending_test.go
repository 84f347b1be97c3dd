package worker_test

import (
	"context"
	"testing"
	"time"
)

// TestTrendingRefreshRunsPeriodically: a running pipeline rebuilds the
// trending rollup at start (River's periodic job), for each kept window.
func TestTrendingRefreshRunsPeriodically(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	if n := b.count(t, `SELECT count(*) FROM remix_trending_refresh`); n != 0 {
		t.Fatalf("%d refreshes before any worker ran", n)
	}
	p := b.pipeline(t, 1, nil)
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Stop(context.Background()) })
	deadline := time.Now().Add(time.Minute)
	for b.count(t, `SELECT count(*) FROM remix_trending_refresh WHERE refreshed_at > now() - interval '1 minute'`) < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("the trending rollup was not refreshed within a minute of start")
		}
		time.Sleep(50 * time.Millisecond) // polling the database with a deadline
	}
}
