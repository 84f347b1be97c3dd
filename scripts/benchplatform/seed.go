package main

// Seeding: the synthetic families and vectors, loaded with COPY.

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kmeme-factory/kmeme/internal/similarity"
)

// genForest makes families whose sizes follow a power law (Pareto, alpha
// 1.2, so a few families hold most remixes) and whose shape mixes
// preferential attachment (popular remixes get remixed more) with chains
// (remixes of the newest remix), capped at depth 30. The first family can
// be forced to a given size, to measure the worst case.
func genForest(rng *rand.Rand, total, largest int) []node {
	nodes := make([]node, 0, total)
	start := time.Now().Add(-30 * 24 * time.Hour)
	span := 30 * 24 * time.Hour
	for len(nodes) < total {
		size := int(math.Min(math.Floor(1/math.Pow(1-rng.Float64(), 1/1.2)), 150_000))
		if len(nodes) == 0 && largest > 0 {
			size = largest // one meme that went viral
		}
		size = min(size, total-len(nodes))
		base := int32(len(nodes))
		born := start.Add(time.Duration(rng.Int64N(int64(span))))
		// attach holds one entry per node plus one per child, for preferential picks.
		attach := []int32{base}
		nodes = append(nodes, node{parent: -1, root: base, created: born})
		for k := 1; k < size; k++ {
			var p int32
			switch r := rng.Float64(); {
			case r < 0.35:
				p = int32(len(nodes) - 1) // remix of the newest remix: chains
			case r < 0.75:
				p = attach[rng.IntN(len(attach))] // popular remixes get remixed
			default:
				p = base + int32(rng.IntN(k))
			}
			if nodes[p].depth >= 30 {
				p = base
			}
			idx := int32(len(nodes))
			created := nodes[p].created.Add(time.Duration(rng.Int64N(int64(time.Hour))))
			nodes = append(nodes, node{parent: p, root: base, depth: nodes[p].depth + 1, created: created})
			nodes[p].children++
			for a := p; a >= 0; a = nodes[a].parent {
				nodes[a].desc++
			}
			attach = append(attach, idx, p)
		}
	}
	// Ids are UUIDv7-like: time-ordered in creation order.
	for i := range nodes {
		var u uuid.UUID
		ms := uint64(nodes[i].created.UnixMilli())
		u[0], u[1], u[2], u[3], u[4], u[5] = byte(ms>>40), byte(ms>>32), byte(ms>>24), byte(ms>>16), byte(ms>>8), byte(ms)
		r := rng.Uint64()
		for b := 6; b < 16; b++ {
			u[b] = byte(r >> (8 * (b - 6) % 64))
		}
		u[6] = 0x70 | (u[6] & 0x0f)
		u[8] = 0x80 | (u[8] & 0x3f)
		binaryPut(u[8:], uint64(i)) // unique
		u[8] = 0x80 | (u[8] & 0x3f)
		nodes[i].id = u
	}
	return nodes
}

func binaryPut(b []byte, v uint64) {
	for i := 7; i >= 0; i-- {
		b[i] = byte(v)
		v >>= 8
	}
}

func copyNodes(ctx context.Context, pool *pgxpool.Pool, nodes []node, vecs map[int32][]float32) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	// Triggers (family counts) are skipped during the load and the counts
	// are computed set-based afterwards.
	if _, err := conn.Exec(ctx, `SET session_replication_role = replica`); err != nil {
		return err
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SET session_replication_role = DEFAULT`) //nolint:errcheck
	pr, pw := io.Pipe()
	go func() {
		var b strings.Builder
		label := func(i int32) string { return strings.ReplaceAll(nodes[i].id.String(), "-", "") }
		paths := make([]string, len(nodes))
		for i := range nodes {
			b.Reset()
			n := &nodes[i]
			if n.parent >= 0 {
				paths[i] = paths[n.parent] + "." + label(int32(i))
			} else {
				paths[i] = label(int32(i))
			}
			parent := `\N`
			if n.parent >= 0 {
				parent = nodes[n.parent].id.String()
			}
			emb := `\N`
			if v, ok := vecs[int32(i)]; ok {
				emb = similarity.VectorLiteral(v)
			}
			vis := "public"
			if i%10 == 0 {
				vis = "private"
			}
			fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%d\t밈 %d\tdone\t%s\t%s\t%d\t%d\t%s\t%s\n", n.id, parent, nodes[n.root].id, paths[i], n.depth,
				i, vis, emb, n.children, n.desc, n.created.UTC().Format(time.RFC3339Nano), n.created.UTC().Format(time.RFC3339Nano))
			if _, err := io.WriteString(pw, b.String()); err != nil {
				return
			}
		}
		pw.Close()
	}()
	_, err = conn.Conn().PgConn().CopyFrom(ctx, pr, `COPY remix_nodes (id, parent_id, root_id, path, depth, title, status, visibility,
		embedding, children_count, descendants_count, created_at, updated_at) FROM STDIN`)
	if err != nil {
		pr.CloseWithError(err)
		return fmt.Errorf("copy: %w", err)
	}
	return nil
}

func randUnit(rng *rand.Rand, dim int, center []float32, noise float64) []float32 {
	v := make([]float64, dim)
	for i := range v {
		if center != nil {
			v[i] = float64(center[i]) + noise*rng.NormFloat64()/math.Sqrt(float64(dim))
		} else {
			v[i] = rng.NormFloat64()
		}
	}
	n := 0.0
	for _, x := range v {
		n += x * x
	}
	out := make([]float32, dim)
	for i := range v {
		out[i] = float32(v[i] / math.Sqrt(n))
	}
	return out
}
