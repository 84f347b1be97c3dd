package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/postgres/pgtest"
)

func TestExportGraph(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dbURL := pgtest.NewDatabase(t)
	db, err := postgres.Open(ctx, postgres.PoolConfig{URL: dbURL, MaxConns: 2, MinConns: 0})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	nodes := postgres.NewRemixNodeService(db.Pool)
	root, err := nodes.CreateNode(ctx, kmeme.NewNode{Title: `출근길, "댄스"`, Location: &kmeme.Location{Lat: 37.5, Lon: 127}})
	if err != nil {
		t.Fatal(err)
	}
	child, err := nodes.CreateNode(ctx, kmeme.NewNode{Title: "리믹스\n두 줄", ParentID: &root.ID})
	if err != nil {
		t.Fatal(err)
	}
	grand, err := nodes.CreateNode(ctx, kmeme.NewNode{Title: "손자", ParentID: &child.ID})
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	e := env{getenv: func(k string) string {
		if k == "KMEME_DATABASE_URL" {
			return dbURL
		}
		return ""
	}, stdout: &stdout, stderr: &stderr, stdin: strings.NewReader("")}
	if err := cmdExportGraph(ctx, e, []string{"-out", out}); err != nil {
		t.Fatalf("export: %v (%s)", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "wrote 3 nodes") || !strings.Contains(stdout.String(), "2 edges") {
		t.Errorf("stdout %q", stdout.String())
	}
	read := func(name string) [][]string {
		f, err := os.Open(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		recs, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatalf("%s is not valid CSV: %v", name, err)
		}
		return recs
	}
	n := read("nodes.csv")
	if strings.Join(n[0], ",") != strings.Join(graphNodeHeader, ",") || len(n) != 4 {
		t.Fatalf("nodes.csv: %v", n)
	}
	byID := map[string][]string{}
	for _, r := range n[1:] {
		byID[r[0]] = r
	}
	if r := byID[root.ID]; r[1] != `출근길, "댄스"` || r[2] != "0" || r[6] != "2" || r[9] != "37.500000" || r[11] != "Remix;Root" {
		t.Errorf("root row %q", r)
	}
	if r := byID[grand.ID]; r[2] != "2" || r[7] != root.ID || r[11] != "Remix" || r[9] != "" {
		t.Errorf("grandchild row %q", r)
	}
	edges := read("edges.csv")
	want := [][]string{graphEdgeHeader, {child.ID, root.ID, "REMIX_OF"}, {grand.ID, child.ID, "REMIX_OF"}}
	if len(edges) != len(want) {
		t.Fatalf("edges.csv: %v", edges)
	}
	for i := range want {
		if strings.Join(edges[i], ",") != strings.Join(want[i], ",") {
			t.Errorf("edge %d = %v, want %v", i, edges[i], want[i])
		}
	}
	if err := cmdExportGraph(ctx, e, []string{"-nope"}); err == nil {
		t.Error("bad flag accepted")
	}
}
