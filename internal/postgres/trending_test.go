package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/postgres/pgtest"
)

// TestTrendingRollup: a fresh rollup answers the windows it keeps (so a
// remix made after the refresh is not yet counted); a stale one, or a window
// it does not keep, gives way to the live sum.
func TestTrendingRollup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := pgtest.Tx(t)
	nodes := postgres.NewRemixNodeService(tx)
	s := newStores(tx)
	u := newUser(t, tx)
	pub := kmeme.VisibilityPublic
	a := mustCreate(t, nodes, kmeme.NewNode{Title: "a", OwnerID: &u, Visibility: pub})
	b := mustCreate(t, nodes, kmeme.NewNode{Title: "b", OwnerID: &u, Visibility: pub})
	remix := func(root *kmeme.RemixNode, n int) {
		for i := 0; i < n; i++ {
			mustCreate(t, nodes, kmeme.NewNode{Title: fmt.Sprint(root.Title, i), OwnerID: &u, ParentID: &root.ID, Visibility: pub})
		}
	}
	remix(a, 3)
	remix(b, 1)
	anon := (*kmeme.Caller)(nil)
	week := time.Now().UTC().AddDate(0, 0, -6)
	got := func(since time.Time) string {
		t.Helper()
		tr, err := s.TrendingFamilies(ctx, since, 10, anon)
		if err != nil {
			t.Fatal(err)
		}
		out := ""
		for _, x := range tr {
			out += fmt.Sprintf("%s=%d ", x.Node.Title, x.Remixes)
		}
		return out
	}
	if g := got(week); g != "a=3 b=1 " {
		t.Fatalf("live: %q", g)
	}
	if err := postgres.RefreshTrending(ctx, tx, time.Now()); err != nil {
		t.Fatal(err)
	}
	remix(b, 3) // after the refresh
	if g := got(week); g != "a=3 b=1 " {
		t.Errorf("fresh rollup should answer as of its refresh: %q", g)
	}
	if g := got(time.Now().UTC().AddDate(0, 0, -2)); g != "b=4 a=3 " {
		t.Errorf("a 3-day window is not kept and is summed live: %q", g)
	}
	if _, err := tx.Exec(ctx, `UPDATE remix_trending_refresh SET refreshed_at = now() - interval '10 minutes'`); err != nil {
		t.Fatal(err)
	}
	if g := got(week); g != "b=4 a=3 " {
		t.Errorf("a stale rollup must give way to the live sum: %q", g)
	}
	if err := postgres.RefreshTrending(ctx, tx, time.Now()); err != nil {
		t.Fatal(err)
	}
	if g := got(week); g != "b=4 a=3 " {
		t.Errorf("refreshed rollup: %q", g)
	}
	var rows int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM remix_trending_rollup WHERE days = 7`).Scan(&rows); err != nil || rows != 2 {
		t.Errorf("rollup rows for 7 days: %d %v", rows, err)
	}
}
