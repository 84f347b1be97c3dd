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
	"math/rand/v2"
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

// config holds the command-line flags.
type config struct {
	admin, dbName                                   string
	nNodes, nEmb, samples, vecQueries, creates, big int
	keep                                            bool
	seed                                            uint64
}

// bench is the state the steps of run share.
type bench struct {
	cfg     config
	ctx     context.Context
	rng     *rand.Rand
	pool    *pgxpool.Pool
	nodes   []node
	biggest int32 // index of the largest family's root
	centers [][]float32
	vecs    map[int32][]float32
	store   *postgres.LineageService
	search  *postgres.SearchService
	adminV  *kmeme.Caller
}

func parseFlags() config {
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
	return config{admin: *admin, dbName: *dbName, nNodes: *nNodes, nEmb: *nEmb, samples: *samples,
		vecQueries: *vecQueries, creates: *creates, big: *largest, keep: *keep, seed: *seed}
}

func run() error {
	cfg := parseFlags()
	b := &bench{cfg: cfg, ctx: context.Background(), rng: rand.New(rand.NewPCG(cfg.seed, 7))}
	t0 := time.Now()

	dbURL, err := recreate(b.ctx, cfg.admin, cfg.dbName)
	if err != nil {
		return err
	}
	b.pool, err = pgxpool.New(b.ctx, dbURL)
	if err != nil {
		return err
	}
	defer b.pool.Close()
	if _, err := postgres.Migrate(b.ctx, b.pool); err != nil {
		return err
	}
	fmt.Printf("bench-platform: %d nodes, %d embeddings, PostgreSQL only (ltree + pgvector HNSW), %d CPUs\n", cfg.nNodes, cfg.nEmb, runtime.NumCPU())

	b.generate()
	for _, step := range []func() error{b.load, b.lineage, b.trending, b.similarity, b.createThroughput} {
		if err := step(); err != nil {
			return err
		}
	}
	fmt.Printf("\ntotal %.1fs\n", time.Since(t0).Seconds())
	b.pool.Close()
	if !cfg.keep {
		if _, err := recreate(b.ctx, cfg.admin, cfg.dbName, true); err != nil {
			return err
		}
	}
	return nil
}

// generate makes the families (step 1) and the embeddings, clustered
// around 300 "formats" (step 2).
func (b *bench) generate() {
	t := time.Now()
	b.nodes = genForest(b.rng, b.cfg.nNodes, b.cfg.big)
	nodes := b.nodes
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
	b.biggest = biggest
	fmt.Printf("generated %d families (largest %d nodes, max depth %d) in %.1fs\n", roots, nodes[biggest].desc+1, maxDepth, time.Since(t).Seconds())

	b.centers = make([][]float32, 300)
	for i := range b.centers {
		b.centers[i] = randUnit(b.rng, similarity.FingerprintDim, nil, 0)
	}
	embIdx := b.rng.Perm(len(nodes))[:b.cfg.nEmb]
	b.vecs = make(map[int32][]float32, b.cfg.nEmb)
	for _, i := range embIdx {
		b.vecs[int32(i)] = randUnit(b.rng, similarity.FingerprintDim, b.centers[b.rng.IntN(len(b.centers))], 0.35)
	}
}

// load is step 3: COPY the rows, with the indexes built afterwards.
func (b *bench) load() error {
	ctx, pool := b.ctx, b.pool
	t := time.Now()
	if _, err := pool.Exec(ctx, `DROP INDEX remix_nodes_path, remix_nodes_parent, remix_nodes_root, remix_nodes_embedding_hnsw,
		remix_nodes_root_created, remix_nodes_created, remix_nodes_title_trgm, remix_nodes_location, remix_nodes_owner, remix_nodes_video,
		remix_nodes_text_embedding_hnsw, remix_nodes_path_btree`); err != nil {
		return fmt.Errorf("drop indexes: %w", err)
	}
	if err := copyNodes(ctx, pool, b.nodes, b.vecs); err != nil {
		return err
	}
	fmt.Printf("COPY %d rows in %.1fs\n", len(b.nodes), time.Since(t).Seconds())
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
	fmt.Printf("indexes: lineage/others %.1fs, HNSW on %d vectors %.1fs\n", tIdx.Seconds(), len(b.vecs), time.Since(t).Seconds())
	if _, err := pool.Exec(ctx, `VACUUM ANALYZE remix_nodes`); err != nil {
		return err
	}
	b.store = postgres.NewLineageService(pool)
	b.search = postgres.NewSearchService(pool)
	b.adminV = &kmeme.Caller{Role: kmeme.RoleAdmin}
	return nil
}

// lineage is step 4: lineage latencies through the service's own queries.
func (b *bench) lineage() error {
	ctx, pool, store, adminV, nodes := b.ctx, b.pool, b.store, b.adminV, b.nodes
	ids := make([]string, b.cfg.samples)
	for i := range ids {
		ids[i] = nodes[b.rng.IntN(len(nodes))].id.String()
	}
	fmt.Printf("\nlineage, %d random nodes each (target p95 <= 10 ms)\n", b.cfg.samples)
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
	big := nodes[b.biggest].id.String()
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
		report(c.name+fmt.Sprintf(" (%d nodes)", nodes[b.biggest].desc+1), d)
	}
	return nil
}

// trending measures the API's 7-day window (today and the 6 days before),
// first as the live sum over the daily counts, then from the rollup the
// periodic job keeps (postgres.RefreshTrending).
func (b *bench) trending() error {
	ctx, pool, store, adminV := b.ctx, b.pool, b.store, b.adminV
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
	return nil
}

// similarity is step 5: HNSW recall@10 against exact search.
func (b *bench) similarity() error {
	ctx, pool, rng, nodes, vecs, centers := b.ctx, b.pool, b.rng, b.nodes, b.vecs, b.centers
	vecQueries := b.cfg.vecQueries
	fmt.Printf("\nsimilarity: %d queries, k = 10, hnsw.ef_search = 100 (target recall >= 0.95, p95 <= 20 ms)\n", vecQueries)
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
	lat := make([]time.Duration, 0, vecQueries)
	for q := 0; q < vecQueries; q++ {
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
	fmt.Printf("  %-44s %.3f\n", "recall@10 vs exact", recallSum/float64(vecQueries))
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
		if _, err := b.search.Similar(ctx, id, 10, b.adminV); err != nil {
			return err
		}
		simLat = append(simLat, time.Since(s))
	}
	report("GET similar query (hybrid, k=10)", simLat)
	return nil
}

// createThroughput is step 6: remix creation throughput with the job
// enqueued in the same transaction.
func (b *bench) createThroughput() error {
	ctx, pool, rng, nodes := b.ctx, b.pool, b.rng, b.nodes
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
	parents := make([]string, b.cfg.creates)
	for i := range parents {
		parents[i] = nodes[rng.IntN(len(nodes))].id.String()
	}
	const conc = 8
	var next atomic.Int64
	var wg sync.WaitGroup
	createLat := make([][]time.Duration, conc)
	errc := make(chan error, conc)
	t := time.Now()
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
	fmt.Printf("\nremix creation with enqueue (%d creates, %d concurrent, child of a random node)\n", b.cfg.creates, conc)
	fmt.Printf("  %-44s %.0f/s (%d jobs enqueued)\n", "throughput", float64(len(all))/el.Seconds(), jobs)
	report("create + enqueue transaction", all)
	return nil
}
