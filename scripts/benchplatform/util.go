package main

// Helpers: exact search, latency reports, the bench database, flags.

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kmeme-factory/kmeme/internal/similarity"
)

func exactTop(keys []int32, vecs map[int32][]float32, q []float32, k int) []int32 {
	type sc struct {
		k int32
		d float64
	}
	best := make([]sc, 0, k+1)
	for _, key := range keys {
		d := 1 - similarity.Cosine(vecs[key], q)
		if len(best) < k || d < best[len(best)-1].d {
			best = append(best, sc{key, d})
			sort.Slice(best, func(i, j int) bool { return best[i].d < best[j].d })
			if len(best) > k {
				best = best[:k]
			}
		}
	}
	out := make([]int32, len(best))
	for i, b := range best {
		out[i] = b.k
	}
	return out
}

func report(name string, d []time.Duration) {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	q := func(p float64) float64 { return float64(d[int(p*float64(len(d)-1))].Microseconds()) / 1000 }
	fmt.Printf("  %-44s p50 %7.2f ms  p95 %7.2f ms  max %7.2f ms\n", name, q(0.5), q(0.95), q(1))
}

func recreate(ctx context.Context, adminURL, name string, dropOnly ...bool) (string, error) {
	c, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", fmt.Errorf("connect %s: %w", adminURL, err)
	}
	defer c.Close(ctx)
	id := pgx.Identifier{name}.Sanitize()
	if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+id+" WITH (FORCE)"); err != nil {
		return "", err
	}
	if len(dropOnly) > 0 && dropOnly[0] {
		return "", nil
	}
	if _, err := c.Exec(ctx, "CREATE DATABASE "+id); err != nil {
		return "", err
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
