package postgres_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/postgres/pgtest"
)

func newUser(t *testing.T, db postgres.DBTX) string {
	t.Helper()
	id := uuid.NewString()
	if _, err := db.Exec(context.Background(), `INSERT INTO users (id, email) VALUES ($1, $2)`, id, id+"@example.com"); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestVideoDedupByOwnerAndHash(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := pgtest.Tx(t)
	s := newStores(tx)
	a, b := newUser(t, tx), newUser(t, tx)
	hash := strings.Repeat("c", 64)
	v1, created, err := s.InsertVideo(ctx, &kmeme.Video{OwnerID: &a, ContentHash: hash, SizeBytes: 5, BlobKey: "videos/cc/x"})
	if err != nil || !created {
		t.Fatalf("first: %v %v", created, err)
	}
	v2, created, err := s.InsertVideo(ctx, &kmeme.Video{OwnerID: &a, ContentHash: hash, SizeBytes: 5, BlobKey: "videos/cc/x"})
	if err != nil || created || v2.ID != v1.ID {
		t.Fatalf("same owner again: %v %v %v", v2, created, err)
	}
	v3, created, err := s.InsertVideo(ctx, &kmeme.Video{OwnerID: &b, ContentHash: hash, SizeBytes: 5, BlobKey: "videos/cc/x"})
	if err != nil || !created || v3.ID == v1.ID {
		t.Fatalf("other owner: %v %v", created, err)
	}
	if _, err := s.GetVideo(ctx, uuid.NewString()); kmeme.ErrorCode(err) != kmeme.ENOTFOUND {
		t.Errorf("missing video: %v", err)
	}
	// Last: a refused insert aborts the transaction.
	if _, _, err := s.InsertVideo(ctx, &kmeme.Video{ContentHash: "nothex", BlobKey: "k"}); kmeme.ErrorCode(err) != kmeme.EINVALID {
		t.Errorf("bad hash: %v", err)
	}
}

func TestIdempotencyKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := pgtest.Tx(t)
	rp, err := postgres.ClaimIdempotencyKey(ctx, tx, "u1", "k1", "h1")
	if err != nil || rp != nil {
		t.Fatalf("first claim: %v %v", rp, err)
	}
	if _, err := postgres.ClaimIdempotencyKey(ctx, tx, "u1", "k1", "h1"); kmeme.ErrorCode(err) != kmeme.ECONFLICT {
		t.Errorf("claim while in progress: %v", err)
	}
	if err := postgres.SaveIdempotentResponse(ctx, tx, "u1", "k1", 202, []byte(`{"id":"x"}`)); err != nil {
		t.Fatal(err)
	}
	rp, err = postgres.ClaimIdempotencyKey(ctx, tx, "u1", "k1", "h1")
	if err != nil || rp == nil || rp.Status != 202 || string(rp.Response) != `{"id": "x"}` {
		t.Fatalf("replay: %+v %v", rp, err)
	}
	if _, err := postgres.ClaimIdempotencyKey(ctx, tx, "u1", "k1", "h2"); kmeme.ErrorCode(err) != kmeme.EUNPROCESSABLE {
		t.Errorf("other body: %v", err)
	}
	if rp, err := postgres.ClaimIdempotencyKey(ctx, tx, "u2", "k1", "h2"); err != nil || rp != nil {
		t.Errorf("other scope: %v %v", rp, err)
	}
	if _, err := postgres.ClaimIdempotencyKey(ctx, tx, "u1", strings.Repeat("k", 201), "h"); kmeme.ErrorCode(err) != kmeme.EINVALID {
		t.Errorf("long key: %v", err)
	}
}

func TestLineageRespectsVisibility(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := pgtest.Tx(t)
	nodes := postgres.NewRemixNodeService(tx)
	s := newStores(tx)
	a, b := newUser(t, tx), newUser(t, tx)
	root := mustCreate(t, nodes, kmeme.NewNode{Title: "root", OwnerID: &a, Visibility: kmeme.VisibilityPublic})
	hidden := mustCreate(t, nodes, kmeme.NewNode{Title: "private", OwnerID: &b, ParentID: &root.ID})
	grand := mustCreate(t, nodes, kmeme.NewNode{Title: "grand", OwnerID: &a, ParentID: &hidden.ID, Visibility: kmeme.VisibilityPublic})
	anon := (*kmeme.Caller)(nil)
	bv := &kmeme.Caller{UserID: b}
	ids := func(ns []*kmeme.RemixNode) string {
		var out []string
		for _, n := range ns {
			out = append(out, n.Title)
		}
		return strings.Join(out, ",")
	}
	if got, err := s.Ancestors(ctx, grand.ID, 10, anon); err != nil || ids(got) != "root" {
		t.Errorf("anonymous ancestors = %s, %v", ids(got), err)
	}
	if got, err := s.Ancestors(ctx, grand.ID, 10, bv); err != nil || ids(got) != "private,root" {
		t.Errorf("owner's ancestors = %s, %v", ids(got), err)
	}
	if got, err := s.Ancestors(ctx, grand.ID, 1, bv); err != nil || ids(got) != "private" {
		t.Errorf("depth 1 = %s, %v", ids(got), err)
	}
	if got, _, err := s.Descendants(ctx, root.ID, 10, kmeme.Page{}, anon); err != nil || ids(got) != "grand" {
		t.Errorf("anonymous descendants = %s, %v", ids(got), err)
	}
	if got, _, err := s.Descendants(ctx, root.ID, 1, kmeme.Page{}, bv); err != nil || ids(got) != "private" {
		t.Errorf("depth-1 descendants = %s, %v", ids(got), err)
	}
	tree, truncated, err := s.Tree(ctx, root.ID, 10, anon)
	if err != nil || len(tree.Kids) != 0 || truncated {
		t.Errorf("anonymous tree shows %d children (truncated %v, %v)", len(tree.Kids), truncated, err)
	}
	tree, truncated, err = s.Tree(ctx, root.ID, 1, bv)
	if err != nil || len(tree.Kids) != 1 || !truncated {
		t.Errorf("depth-1 tree: %d children, truncated %v, %v", len(tree.Kids), truncated, err)
	}
	if n, err := s.SubtreeCount(ctx, root.ID); err != nil || n != 2 {
		t.Errorf("subtree count %d %v", n, err)
	}
	tr, err := s.TrendingFamilies(ctx, time.Now().Add(-24*time.Hour), 10, anon)
	// Trending counts public remixes only: grand, not the private one.
	if err != nil || len(tr) != 1 || tr[0].Node.ID != root.ID || tr[0].Remixes != 1 {
		t.Errorf("trending %+v %v", tr, err)
	}
}

func TestPlaces(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := pgtest.Tx(t)
	nodes := postgres.NewRemixNodeService(tx)
	s := newStores(tx)
	pub := kmeme.VisibilityPublic
	seoul := mustCreate(t, nodes, kmeme.NewNode{Title: "서울", Visibility: pub, Location: &kmeme.Location{Lat: 37.5665, Lon: 126.9780}})
	mustCreate(t, nodes, kmeme.NewNode{Title: "부산", Visibility: pub, Location: &kmeme.Location{Lat: 35.1796, Lon: 129.0756}})
	mustCreate(t, nodes, kmeme.NewNode{Title: "비공개", Location: &kmeme.Location{Lat: 37.5665, Lon: 126.9781}})
	got, err := s.NearbyNodes(ctx, 37.56, 126.97, 50, 10, (*kmeme.Caller)(nil))
	if err != nil || len(got) != 1 || got[0].Node.ID != seoul.ID || got[0].DistanceKM > 2 {
		t.Fatalf("nearby %+v %v", got, err)
	}
	got, err = s.NearbyNodes(ctx, 37.56, 126.97, 400, 10, (*kmeme.Caller)(nil))
	if err != nil || len(got) != 2 || got[1].DistanceKM < 300 {
		t.Errorf("nearby 400 km %+v %v", got, err)
	}
	cells, size, err := s.GeoTrends(ctx, kmeme.BBox{MinLon: 124, MinLat: 33, MaxLon: 132, MaxLat: 39}, time.Now().Add(-time.Hour))
	total := 0
	for _, c := range cells {
		total += c.Count
	}
	if err != nil || len(cells) != 2 || total != 2 || size != 0.25 {
		t.Errorf("trends %+v size %v %v", cells, size, err)
	}
	if _, err := s.NearbyNodes(ctx, 0, 0, 0, 10, (*kmeme.Caller)(nil)); kmeme.ErrorCode(err) != kmeme.EINVALID {
		t.Errorf("zero radius: %v", err)
	}
}

func TestProgressHubWakesSubscribers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.NewDB(t)
	n, err := postgres.NewRemixNodeService(db.Pool).CreateNode(ctx, kmeme.NewNode{Title: "x"})
	if err != nil {
		t.Fatal(err)
	}
	hub := postgres.NewProgressHub(db.Pool, nil)
	if err := hub.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := hub.Stop(ctx); err != nil {
			t.Error(err)
		}
	}()
	ch, unsub := hub.Subscribe(n.ID)
	defer unsub()
	s := newStores(db.Pool)
	deadline := time.After(10 * time.Second)
	// The listener may not be listening yet: keep adding events until one wakes us.
	for woke := false; !woke; {
		if err := postgres.AddEvent(ctx, db.Pool, n.ID, "analyze", 10, kmeme.StatusAnalyzing, ""); err != nil {
			t.Fatal(err)
		}
		select {
		case <-ch:
			woke = true
		case <-time.After(200 * time.Millisecond):
		case <-deadline:
			t.Fatal("no wake-up within 10 s")
		}
	}
	evs, err := s.EventsAfter(ctx, n.ID, 0, 100)
	if err != nil || len(evs) == 0 || evs[0].Stage != "analyze" || evs[0].Percent != 10 {
		t.Fatalf("events %+v %v", evs, err)
	}
	more, err := s.EventsAfter(ctx, n.ID, evs[len(evs)-1].ID, 100)
	if err != nil || len(more) != 0 {
		t.Errorf("after the last: %+v %v", more, err)
	}
	if err := postgres.AddEvent(ctx, db.Pool, n.ID, "x", 500, kmeme.StatusDone, ""); err != nil {
		t.Fatal(err)
	}
	last, _ := s.EventsAfter(ctx, n.ID, evs[len(evs)-1].ID, 100)
	if len(last) != 1 || last[0].Percent != 100 || !last[0].Terminal() {
		t.Errorf("clamped terminal event %+v", last)
	}
}

// The pipeline node carries what the upload measured about its video, so
// the worker does not hash or probe the file again.
func TestPipelineNodeCarriesVideoMeasurements(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := pgtest.Tx(t)
	s := newStores(tx)
	hash := strings.Repeat("d", 64)
	v, _, err := s.InsertVideo(ctx, &kmeme.Video{ContentHash: hash, SizeBytes: 9, BlobKey: "videos/dd/" + hash,
		Format: "matroska,webm", Media: []byte(`{"Format":"matroska,webm","DurationS":1.5}`)})
	if err != nil {
		t.Fatal(err)
	}
	with, err := postgres.NewRemixNodeService(tx).CreateNode(ctx, kmeme.NewNode{Title: "with", VideoID: &v.ID})
	if err != nil {
		t.Fatal(err)
	}
	without, err := postgres.NewRemixNodeService(tx).CreateNode(ctx, kmeme.NewNode{Title: "without"})
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.GetPipelineNode(ctx, with.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n.VideoHash != hash || n.VideoFormat != "matroska,webm" || !strings.Contains(string(n.VideoMedia), `"DurationS": 1.5`) && !strings.Contains(string(n.VideoMedia), `"DurationS":1.5`) {
		t.Errorf("with video: hash %q format %q media %s", n.VideoHash, n.VideoFormat, n.VideoMedia)
	}
	n, err = s.GetPipelineNode(ctx, without.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n.VideoHash != "" || n.VideoFormat != "" || n.VideoMedia != nil {
		t.Errorf("without video: hash %q format %q media %s", n.VideoHash, n.VideoFormat, n.VideoMedia)
	}
}
