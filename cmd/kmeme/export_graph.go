package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/kmeme-factory/kmeme/internal/config"
	"github.com/kmeme-factory/kmeme/internal/postgres"
)

// Neo4j admin import headers (neo4j-admin database import full
// --nodes=Remix=nodes.csv --relationships=REMIX_OF=edges.csv).
var (
	graphNodeHeader = []string{"id:ID", "title", "depth:int", "status", "visibility", "children:int", "descendants:int",
		"root_id", "created_at:datetime", "lat:float", "lon:float", ":LABEL"}
	graphEdgeHeader = []string{":START_ID", ":END_ID", ":TYPE"}
)

func cmdExportGraph(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("export-graph", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	out := fs.String("out", "graph", "directory to write nodes.csv and edges.csv into")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	cfg, err := config.FromEnv(e.getenv)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	db, err := postgres.Open(ctx, postgres.PoolConfig{URL: cfg.DatabaseURL, MaxConns: 2, MinConns: 0})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", *out, err)
	}
	nodesPath, edgesPath := filepath.Join(*out, "nodes.csv"), filepath.Join(*out, "edges.csv")
	nf, err := os.Create(nodesPath + ".tmp")
	if err != nil {
		return fmt.Errorf("create nodes.csv: %w", err)
	}
	defer os.Remove(nf.Name())
	defer nf.Close()
	ef, err := os.Create(edgesPath + ".tmp")
	if err != nil {
		return fmt.Errorf("create edges.csv: %w", err)
	}
	defer os.Remove(ef.Name())
	defer ef.Close()
	nodes, edges, err := exportGraph(ctx, postgres.NewLineageService(db.Pool), nf, ef)
	if err != nil {
		return err
	}
	for _, f := range []*os.File{nf, ef} {
		if err := f.Close(); err != nil {
			return fmt.Errorf("write %s: %w", f.Name(), err)
		}
	}
	if err := os.Rename(nf.Name(), nodesPath); err != nil {
		return fmt.Errorf("write nodes.csv: %w", err)
	}
	if err := os.Rename(ef.Name(), edgesPath); err != nil {
		return fmt.Errorf("write edges.csv: %w", err)
	}
	fmt.Fprintf(e.stdout, "wrote %d nodes to %s and %d edges to %s\n", nodes, nodesPath, edges, edgesPath)
	fmt.Fprintf(e.stdout, "import: neo4j-admin database import full --nodes=%s --relationships=%s neo4j\n", nodesPath, edgesPath)
	return nil
}

// exportGraph writes the node and edge CSV files; an edge points from a
// remix to the remix it was made from (REMIX_OF).
func exportGraph(ctx context.Context, store *postgres.LineageService, nodesW, edgesW io.Writer) (int, int, error) {
	nw, ew := csv.NewWriter(nodesW), csv.NewWriter(edgesW)
	if err := nw.Write(graphNodeHeader); err != nil {
		return 0, 0, fmt.Errorf("write nodes.csv: %w", err)
	}
	if err := ew.Write(graphEdgeHeader); err != nil {
		return 0, 0, fmt.Errorf("write edges.csv: %w", err)
	}
	var nodes, edges int
	f := func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', 6, 64)
	}
	err := store.EachGraphNode(ctx, func(g postgres.GraphNode) error {
		label := "Remix"
		if g.ParentID == "" {
			label = "Remix;Root"
		}
		if err := nw.Write([]string{g.ID, g.Title, strconv.Itoa(g.Depth), g.Status, g.Visibility, strconv.Itoa(g.Children),
			strconv.Itoa(g.Descendants), g.RootID, g.CreatedAt.UTC().Format(time.RFC3339Nano), f(g.Lat), f(g.Lon), label}); err != nil {
			return fmt.Errorf("write nodes.csv: %w", err)
		}
		nodes++
		if g.ParentID != "" {
			if err := ew.Write([]string{g.ID, g.ParentID, "REMIX_OF"}); err != nil {
				return fmt.Errorf("write edges.csv: %w", err)
			}
			edges++
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	nw.Flush()
	ew.Flush()
	if err := nw.Error(); err != nil {
		return 0, 0, fmt.Errorf("write nodes.csv: %w", err)
	}
	if err := ew.Error(); err != nil {
		return 0, 0, fmt.Errorf("write edges.csv: %w", err)
	}
	return nodes, edges, nil
}
