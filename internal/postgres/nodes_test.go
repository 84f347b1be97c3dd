package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/postgres/pgtest"
)

func ptr[T any](v T) *T { return &v }

func mustCreate(t *testing.T, s *postgres.RemixNodeService, in kmeme.NewNode) *kmeme.RemixNode {
	t.Helper()
	n, err := s.CreateNode(context.Background(), in)
	if err != nil {
		t.Fatalf("create %+v: %v", in, err)
	}
	return n
}

func TestLineageDerivesFromParent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := postgres.NewRemixNodeService(pgtest.Tx(t))
	root := mustCreate(t, s, kmeme.NewNode{Title: "원본 밈"})
	child := mustCreate(t, s, kmeme.NewNode{Title: "리믹스", ParentID: &root.ID})
	grand := mustCreate(t, s, kmeme.NewNode{Title: "리믹스의 리믹스", ParentID: &child.ID,
		Location: &kmeme.Location{Lat: 37.5665, Lon: 126.978, Label: "서울"}})

	if root.Depth != 0 || root.ParentID != nil || root.RootID != root.ID {
		t.Errorf("root = %+v", root)
	}
	if grand.Depth != 2 || grand.RootID != root.ID || *grand.ParentID != child.ID {
		t.Errorf("grandchild lineage = depth %d root %s parent %v", grand.Depth, grand.RootID, grand.ParentID)
	}
	if got := strings.Count(grand.Path, ".") + 1; got != 3 || !strings.HasPrefix(grand.Path, child.Path+".") {
		t.Errorf("grandchild path %q does not extend %q", grand.Path, child.Path)
	}
	if grand.Location == nil || grand.Location.Lat != 37.5665 || grand.Location.Label != "서울" {
		t.Errorf("location = %+v", grand.Location)
	}
	got, err := s.GetNode(ctx, root.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Children != 1 || got.Descendants != 2 {
		t.Errorf("root counts = %d children, %d descendants; want 1, 2", got.Children, got.Descendants)
	}
	if got.Status != kmeme.StatusDraft || got.Visibility != kmeme.VisibilityPrivate {
		t.Errorf("defaults = %s/%s", got.Status, got.Visibility)
	}
}

func TestCreateRejectsBadInput(t *testing.T) {
	t.Parallel()
	s := postgres.NewRemixNodeService(pgtest.Tx(t))
	cases := []struct {
		name  string
		in    kmeme.NewNode
		field string
	}{
		{"missing parent", kmeme.NewNode{ParentID: ptr("0190a4e2-0000-7000-8000-000000000000")}, "parent_id"},
		{"malformed parent", kmeme.NewNode{ParentID: ptr("nope")}, "parent_id"},
		{"long title", kmeme.NewNode{Title: strings.Repeat("가", kmeme.MaxTitleLen+1)}, "title"},
		{"bad latitude", kmeme.NewNode{Location: &kmeme.Location{Lat: 91}}, "location.lat"},
		{"bad visibility", kmeme.NewNode{Visibility: "friends"}, "visibility"},
	}
	for _, c := range cases {
		_, err := s.CreateNode(context.Background(), c.in)
		var ke *kmeme.Error
		if err == nil || kmeme.ErrorCode(err) != kmeme.EINVALID {
			t.Errorf("%s: err = %v, want invalid", c.name, err)
			continue
		}
		if ok := errors.As(err, &ke); !ok || ke.Field != c.field {
			t.Errorf("%s: field = %v, want %s", c.name, ke, c.field)
		}
	}
}

func TestGetUnknownAndMalformed(t *testing.T) {
	t.Parallel()
	s := postgres.NewRemixNodeService(pgtest.Tx(t))
	if _, err := s.GetNode(context.Background(), "0190a4e2-0000-7000-8000-000000000000"); kmeme.ErrorCode(err) != kmeme.ENOTFOUND {
		t.Errorf("unknown id: %v", err)
	}
	if _, err := s.GetNode(context.Background(), "1; DROP TABLE remix_nodes"); kmeme.ErrorCode(err) != kmeme.EINVALID {
		t.Errorf("malformed id: %v", err)
	}
}

func TestDeleteRefusesNodesWithChildren(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := postgres.NewRemixNodeService(pgtest.Tx(t))
	root := mustCreate(t, s, kmeme.NewNode{Title: "root"})
	child := mustCreate(t, s, kmeme.NewNode{Title: "child", ParentID: &root.ID})

	if err := s.DeleteNode(ctx, root.ID); kmeme.ErrorCode(err) != kmeme.ECONFLICT {
		t.Fatalf("delete with children: %v, want conflict", err)
	}
	if _, err := s.GetNode(ctx, root.ID); err != nil {
		t.Fatalf("refused delete removed the node: %v", err)
	}
	if err := s.DeleteNode(ctx, child.ID); err != nil {
		t.Fatal(err)
	}
	got, _ := s.GetNode(ctx, root.ID)
	if got.Children != 0 || got.Descendants != 0 {
		t.Errorf("counts after delete = %d/%d", got.Children, got.Descendants)
	}
	if err := s.DeleteNode(ctx, child.ID); kmeme.ErrorCode(err) != kmeme.ENOTFOUND {
		t.Errorf("second delete: %v", err)
	}
	if err := s.DeleteNode(ctx, root.ID); err != nil {
		t.Errorf("delete of a leaf root: %v", err)
	}
}

func TestListChildrenPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := postgres.NewRemixNodeService(pgtest.Tx(t))
	root := mustCreate(t, s, kmeme.NewNode{Title: "root"})
	var want []string
	for i := 0; i < 5; i++ {
		want = append(want, mustCreate(t, s, kmeme.NewNode{Title: "c", ParentID: &root.ID}).ID)
	}
	var got []string
	cursor := ""
	for pages := 0; ; pages++ {
		items, next, err := s.ListChildren(ctx, root.ID, kmeme.Page{After: cursor, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range items {
			got = append(got, n.ID)
		}
		if next == "" {
			if pages != 2 {
				t.Errorf("pages = %d, want 3", pages+1)
			}
			break
		}
		cursor = next
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("children order\n got %v\nwant %v", got, want)
	}
	if _, _, err := s.ListChildren(ctx, root.ID, kmeme.Page{After: "!!"}); kmeme.ErrorCode(err) != kmeme.EINVALID {
		t.Errorf("bad cursor: %v", err)
	}
	if _, _, err := s.ListChildren(ctx, "0190a4e2-0000-7000-8000-000000000000", kmeme.Page{}); kmeme.ErrorCode(err) != kmeme.ENOTFOUND {
		t.Errorf("unknown parent: %v", err)
	}
}

func TestMigrationsAreCurrent(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	pending, err := postgres.PendingMigrations(context.Background(), db.Pool)
	if err != nil || len(pending) != 0 {
		t.Fatalf("pending = %v, %v", pending, err)
	}
	applied, err := postgres.Migrate(context.Background(), db.Pool)
	if err != nil || len(applied) != 0 {
		t.Fatalf("second migrate applied %v, %v", applied, err)
	}
}

func TestListOwnedNewestFirst(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := pgtest.Tx(t)
	s := postgres.NewRemixNodeService(tx)
	var me, other string
	for _, p := range []*string{&me, &other} {
		if err := tx.QueryRow(ctx, `INSERT INTO users DEFAULT VALUES RETURNING id::text`).Scan(p); err != nil {
			t.Fatal(err)
		}
	}
	var mine []string
	for i := 0; i < 3; i++ {
		mine = append(mine, mustCreate(t, s, kmeme.NewNode{Title: "mine", OwnerID: &me}).ID)
		mustCreate(t, s, kmeme.NewNode{Title: "theirs", OwnerID: &other})
	}
	page1, next, err := s.ListOwned(ctx, me, kmeme.Page{Limit: 2})
	if err != nil || len(page1) != 2 || next == "" || page1[0].ID != mine[2] || page1[1].ID != mine[1] {
		t.Fatalf("page 1 = %v, %q, %v", page1, next, err)
	}
	page2, next, err := s.ListOwned(ctx, me, kmeme.Page{Limit: 2, After: next})
	if err != nil || len(page2) != 1 || next != "" || page2[0].ID != mine[0] {
		t.Fatalf("page 2 = %v, %q, %v", page2, next, err)
	}
	if _, _, err := s.ListOwned(ctx, "me", kmeme.Page{}); kmeme.ErrorCode(err) != kmeme.EINVALID {
		t.Errorf("bad owner: %v", err)
	}
}
