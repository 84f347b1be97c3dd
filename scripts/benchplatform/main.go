// Command benchplatform is `make bench-platform`: it seeds a dedicated
// database with 1,000,000 remix nodes in power-law families (depth up to
// 30) and 100,000 structural embeddings, then prints lineage query
// latencies, HNSW recall@10 against exact search with its latency, and
// remix creation throughput with the job enqueued in the same
// transaction. It is a benchmark, not a test.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/url"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kmeme-factory/kmeme/internal/blob"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/recipe"
	"github.com/kmeme-factory/kmeme/internal/similarity"
	"github.com/kmeme-factory/kmeme/internal/worker"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench-platform:", err)
		os.Exit(1)
	}
}

type node struct {
	id       uuid.UUID
	parent   int32 // index, -1 for a root
	root     int32
	depth    int16
	children int32
	desc     int32
	created  time.Time
}

func run() error {
	admin := flag.String("admin-url", envOr("KMEME_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"), "server to create the bench database on")
	dbName := flag.String("db", "kmeme_bench_platform", "dedicated database (dropped and recreated)")
	nNodes := flag.Int("nodes", 1_000_000, "remix nodes to seed")
	nEmb := flag.Int("embeddings", 100_000, "nodes given a structural embedding")
	samples := flag.Int("samples", 1000, "queries per lineage measurement")
	vecQueries := flag.Int("vector-queries", 200, "queries for recall and latency")
	creates := flag.Int("creates", 2000, "remixes created for the throughput figure")
	largest := flag.Int("largest", 100_000, "size of one viral family seeded first (0: none)")
	keep := flag.Bool("keep", false, "keep the database afterwards")
	seed := flag.Uint64("seed", 42, "random seed")
	flag.Parse()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(*seed, 7))
	t0 := time.Now()

	dbURL, err := recreate(ctx, *admin, *dbName)
	if err != nil {
		return err
	}
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	if _, err := postgres.Migrate(ctx, pool); err != nil {
		return err
	}
	fmt.Printf("bench-platform: %d nodes, %d embeddings, PostgreSQL only (ltree + pgvector HNSW), %d CPUs\n", *nNodes, *nEmb, runtime.NumCPU())

	// 1. Families.
	t := time.Now()
	nodes := genForest(rng, *nNodes, *largest)
	maxDepth, roots, biggest := 0, 0, int32(0)
	for i := range nodes {
		maxDepth = max(maxDepth, int(nodes[i].depth))
		if nodes[i].parent < 0 {
			roots++
			if nodes[i].desc > nodes[biggest].desc {
				biggest = int32(i)
			}
		}
	}
	fmt.Printf("generated %d families (largest %d nodes, max depth %d) in %.1fs\n", roots, nodes[biggest].desc+1, maxDepth, time.Since(t).Seconds())

	// 2. Embeddings: clustered around 300 "formats".
	centers := make([][]float32, 300)
	for i := range centers {
		centers[i] = randUnit(rng, similarity.FingerprintDim, nil, 0)
	}
	embIdx := rng.Perm(len(nodes))[:*nEmb]
	vecs := make(map[int32][]float32, *nEmb)
	for _, i := range embIdx {
		vecs[int32(i)] = randUnit(rng, similarity.FingerprintDim, centers[rng.IntN(len(centers))], 0.35)
	}

	// 3. Load with COPY, indexes built afterwards.
	t = time.Now()
	if _, err := pool.Exec(ctx, `DROP INDEX remix_nodes_path, remix_nodes_parent, remix_nodes_root, remix_nodes_embedding_hnsw,
		remix_nodes_root_created, remix_nodes_created, remix_nodes_title_trgm, remix_nodes_location, remix_nodes_owner, remix_nodes_video,
		remix_nodes_text_embedding_hnsw, remix_nodes_path_btree`); err != nil {
		return fmt.Errorf("drop indexes: %w", err)
	}
	if err := copyNodes(ctx, pool, nodes, vecs); err != nil {
		return err
	}
	fmt.Printf("COPY %d rows in %.1fs\n", len(nodes), time.Since(t).Seconds())
	t = time.Now()
	if _, err := pool.Exec(ctx, `SET maintenance_work_mem = '1GB'`); err != nil {
		return err
	}
	for _, ddl := range []string{
		`INSERT INTO remix_family_daily (root_id, day, remixes)
			SELECT root_id, (created_at AT TIME ZONE 'UTC')::date, count(*) FROM remix_nodes WHERE depth > 0 GROUP BY 1, 2`,
		`CREATE INDEX remix_nodes_path_btree ON remix_nodes (path)`,
		`CREATE INDEX remix_nodes_path ON remix_nodes USING gist (path)`,
		`CREATE INDEX remix_nodes_parent ON remix_nodes (parent_id, id)`,
		`CREATE INDEX remix_nodes_root_created ON remix_nodes (root_id, created_at)`,
		`CREATE INDEX remix_nodes_root ON remix_nodes (root_id)`,
		`CREATE INDEX remix_nodes_created ON remix_nodes (created_at)`,
		`CREATE INDEX remix_nodes_owner ON remix_nodes (owner_id, id)`,
		`CREATE INDEX remix_nodes_video ON remix_nodes (video_id)`,
		`CREATE INDEX remix_nodes_title_trgm ON remix_nodes USING gin (title gin_trgm_ops)`,
		`CREATE INDEX remix_nodes_location ON remix_nodes USING gist (location)`,
		`CREATE INDEX remix_nodes_text_embedding_hnsw ON remix_nodes USING hnsw (text_embedding vector_cosine_ops)`,
	} {
		if _, err := pool.Exec(ctx, ddl); err != nil {
			return fmt.Errorf("%s: %w", ddl, err)
		}
	}
	tIdx := time.Since(t)
	t = time.Now()
	if _, err := pool.Exec(ctx, `CREATE INDEX remix_nodes_embedding_hnsw ON remix_nodes USING hnsw (embedding vector_cosine_ops)`); err != nil {
		return fmt.Errorf("hnsw: %w", err)
	}
	fmt.Printf("indexes: lineage/others %.1fs, HNSW on %d vectors %.1fs\n", tIdx.Seconds(), len(vecs), time.Since(t).Seconds())
	if _, err := pool.Exec(ctx, `VACUUM ANALYZE remix_nodes`); err != nil {
		return err
	}

	// 4. Lineage latencies through the service's own queries.
	store := postgres.NewLineageService(pool)
	search := postgres.NewSearchService(pool)
	adminV := &kmeme.Caller{Role: kmeme.RoleAdmin}
	ids := make([]string, *samples)
	for i := range ids {
		ids[i] = nodes[rng.IntN(len(nodes))].id.String()
	}
	fmt.Printf("\nlineage, %d random nodes each (target p95 <= 10 ms)\n", *samples)
	measure := func(name string, f func(id string) error) error {
		d := make([]time.Duration, 0, len(ids))
		for _, id := range ids {
			s := time.Now()
			if err := f(id); err != nil {
				return fmt.Errorf("%s %s: %w", name, id, err)
			}
			d = append(d, time.Since(s))
		}
		report(name, d)
		return nil
	}
	if err := measure("ancestors (depth 30)", func(id string) error {
		_, err := store.Ancestors(ctx, id, 30, adminV)
		return err
	}); err != nil {
		return err
	}
	if err := measure("descendants (first page of 100)", func(id string) error {
		_, _, err := store.Descendants(ctx, id, 30, kmeme.Page{Limit: 100}, adminV)
		return err
	}); err != nil {
		return err
	}
	if err := measure("subtree count (path index scan)", func(id string) error {
		_, err := store.SubtreeCount(ctx, id)
		return err
	}); err != nil {
		return err
	}
	if err := measure("subtree count (stored counter)", func(id string) error {
		var n int
		return pool.QueryRow(ctx, `SELECT descendants_count FROM remix_nodes WHERE id = $1`, id).Scan(&n)
	}); err != nil {
		return err
	}
	if err := measure("tree (depth 3, <= 500 nodes)", func(id string) error {
		_, _, err := store.Tree(ctx, id, 3, adminV)
		return err
	}); err != nil {
		return err
	}
	big := nodes[biggest].id.String()
	for _, c := range []struct {
		name string
		f    func() error
	}{
		{"largest family: subtree count scan", func() error { _, err := store.SubtreeCount(ctx, big); return err }},
		{"largest family: descendants page", func() error {
			_, _, err := store.Descendants(ctx, big, 30, kmeme.Page{Limit: 100}, adminV)
			return err
		}},
	} {
		var d []time.Duration
		for i := 0; i < 20; i++ {
			s := time.Now()
			if err := c.f(); err != nil {
				return err
			}
			d = append(d, time.Since(s))
		}
		report(c.name+fmt.Sprintf(" (%d nodes)", nodes[biggest].desc+1), d)
	}
	// The API's 7-day window (today and the 6 days before), first as the
	// live sum over the daily counts, then from the rollup the periodic
	// job keeps (postgres.RefreshTrending).
	since7 := time.Now().UTC().AddDate(0, 0, -6)
	measureTrending := func(name string) ([]kmeme.Trending, error) {
		trend := make([]time.Duration, 0, 50)
		var last []kmeme.Trending
		for i := 0; i < 50; i++ {
			s := time.Now()
			items, err := store.TrendingFamilies(ctx, since7, 20, adminV)
			if err != nil {
				return nil, err
			}
			trend = append(trend, time.Since(s))
			last = items
		}
		report(name, trend)
		return last, nil
	}
	if _, err := pool.Exec(ctx, `DELETE FROM remix_trending_refresh`); err != nil {
		return err
	}
	live, err := measureTrending("trending (7 days, top 20), live sum")
	if err != nil {
		return err
	}
	var refresh []time.Duration
	for i := 0; i < 3; i++ {
		s := time.Now()
		if err := postgres.RefreshTrending(ctx, pool, time.Now()); err != nil {
			return err
		}
		refresh = append(refresh, time.Since(s))
	}
	report("trending rollup refresh (1, 7, 30 days)", refresh)
	rolled, err := measureTrending("trending (7 days, top 20), rollup")
	if err != nil {
		return err
	}
	same := len(live) == len(rolled)
	for i := 0; same && i < len(live); i++ {
		same = live[i].Node.ID == rolled[i].Node.ID && live[i].Remixes == rolled[i].Remixes
	}
	fmt.Printf("  rollup answer equals the live answer         %v\n", same)

	// 5. HNSW recall@10 against exact search.
	fmt.Printf("\nsimilarity: %d queries, k = 10, hnsw.ef_search = 100 (target recall >= 0.95, p95 <= 20 ms)\n", *vecQueries)
	keys := make([]int32, 0, len(vecs))
	for k := range vecs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SET hnsw.ef_search = 100`); err != nil {
		return err
	}
	var recallSum float64
	lat := make([]time.Duration, 0, *vecQueries)
	for q := 0; q < *vecQueries; q++ {
		qv := randUnit(rng, similarity.FingerprintDim, centers[rng.IntN(len(centers))], 0.35)
		exact := exactTop(keys, vecs, qv, 10)
		want := map[string]bool{}
		for _, k := range exact {
			want[nodes[k].id.String()] = true
		}
		s := time.Now()
		rows, err := conn.Query(ctx, `SELECT id::text FROM remix_nodes WHERE embedding IS NOT NULL ORDER BY embedding <=> $1::vector LIMIT 10`,
			similarity.VectorLiteral(qv))
		if err != nil {
			return err
		}
		got, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		lat = append(lat, time.Since(s))
		hit := 0
		for _, g := range got {
			if want[g] {
				hit++
			}
		}
		recallSum += float64(hit) / 10
	}
	fmt.Printf("  %-44s %.3f\n", "recall@10 vs exact", recallSum/float64(*vecQueries))
	report("HNSW top-10 query", lat)
	prow, err := conn.Query(ctx, `EXPLAIN SELECT id FROM remix_nodes WHERE embedding IS NOT NULL ORDER BY embedding <=> $1::vector LIMIT 10`,
		similarity.VectorLiteral(centers[0]))
	if err != nil {
		return err
	}
	planLines, err := pgx.CollectRows(prow, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, l := range planLines {
		if strings.Contains(l, "Scan") {
			fmt.Printf("  plan: %s\n", strings.TrimSpace(l))
		}
	}
	simLat := make([]time.Duration, 0, 100)
	for i := 0; i < 100; i++ {
		id := nodes[keys[rng.IntN(len(keys))]].id.String()
		s := time.Now()
		if _, err := search.Similar(ctx, id, 10, adminV); err != nil {
			return err
		}
		simLat = append(simLat, time.Since(s))
	}
	report("GET similar query (hybrid, k=10)", simLat)
	conn.Release()

	// 6. Remix creation throughput with the job enqueued in the same transaction.
	blobs, err := blob.NewLocal(os.TempDir())
	if err != nil {
		return err
	}
	pipe, err := worker.New(pool, worker.Config{Workers: 0, Blobs: blobs, Planner: recipe.NewLocal()})
	if err != nil {
		return err
	}
	var vid string
	if err := pool.QueryRow(ctx, `INSERT INTO videos (content_hash, size_bytes, blob_key) VALUES ($1, 1, 'videos/bench') RETURNING id::text`,
		strings.Repeat("b", 64)).Scan(&vid); err != nil {
		return err
	}
	parents := make([]string, *creates)
	for i := range parents {
		parents[i] = nodes[rng.IntN(len(nodes))].id.String()
	}
	const conc = 8
	var next atomic.Int64
	var wg sync.WaitGroup
	createLat := make([][]time.Duration, conc)
	errc := make(chan error, conc)
	t = time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(parents) {
					return
				}
				s := time.Now()
				err := postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
					n, err := postgres.CreateNodeTx(ctx, tx, kmeme.NewNode{Title: "bench", ParentID: &parents[i], VideoID: &vid, Status: kmeme.StatusQueued})
					if err != nil {
						return err
					}
					return pipe.EnqueueTx(ctx, tx, n.ID)
				})
				if err != nil {
					errc <- err
					return
				}
				createLat[w] = append(createLat[w], time.Since(s))
			}
		}(w)
	}
	wg.Wait()
	el := time.Since(t)
	select {
	case err := <-errc:
		return fmt.Errorf("create: %w", err)
	default:
	}
	var all []time.Duration
	for _, l := range createLat {
		all = append(all, l...)
	}
	var jobs int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM river_job`).Scan(&jobs)
	fmt.Printf("\nremix creation with enqueue (%d creates, %d concurrent, child of a random node)\n", *creates, conc)
	fmt.Printf("  %-44s %.0f/s (%d jobs enqueued)\n", "throughput", float64(len(all))/el.Seconds(), jobs)
	report("create + enqueue transaction", all)
	fmt.Printf("\ntotal %.1fs\n", time.Since(t0).Seconds())
	pool.Close()
	if !*keep {
		if _, err := recreate(ctx, *admin, *dbName, true); err != nil {
			return err
		}
	}
	return nil
}

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
