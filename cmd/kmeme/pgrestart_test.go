package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kmeme-factory/kmeme/internal/postgres/pgtest"
	"github.com/kmeme-factory/kmeme/internal/redis/redistest"
)

// stackClient talks to a running serve as one signed-in creator.
type stackClient struct {
	base, token string
	http        *http.Client
}

type outcome struct {
	route    string
	status   int
	ctype    string
	body     string
	err      error
	took     time.Duration
	replayed bool
}

func (c *stackClient) do(route, method, path string, body io.Reader, hdr map[string]string) outcome {
	req, _ := http.NewRequest(method, c.base+path, body)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	o := outcome{route: route, err: err}
	if err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		o.status, o.ctype, o.body = resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
		o.replayed = resp.Header.Get("Idempotent-Replayed") == "true"
	}
	o.took = time.Since(start)
	return o
}

// startStack runs serve (API and workers) on a free port against dbURL.
func startStack(t *testing.T, dbURL string, extra map[string]string) (base string, logs *syncBuffer) {
	t.Helper()
	port := freePort(t)
	vars := map[string]string{
		"KMEME_DATABASE_URL": dbURL,
		"KMEME_REDIS_URL":    redistest.URL(),
		"KMEME_REDIS_PREFIX": fmt.Sprintf("test:%s:%d:", t.Name(), time.Now().UnixNano()),
		"KMEME_HTTP_ADDR":    fmt.Sprintf("127.0.0.1:%d", port),
		"KMEME_DB_MIN_CONNS": "2",
		"KMEME_DB_MAX_CONNS": "12",
		"KMEME_WORKERS":      "1",
		"KMEME_DATA_DIR":     t.TempDir(),
		"KMEME_RATE_READ":    "100000/1m",
		"KMEME_RATE_REMIX":   "100000/1m",
		"KMEME_RATE_UPLOAD":  "100000/1m",
		"KMEME_RATE_AUTH":    "100000/1m",
		"KMEME_QUOTA_PLANS":  "free=100000,pro=100000",
		"KMEME_LOG_LEVEL":    "warn",
	}
	for k, v := range extra {
		vars[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	logs = &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"kmeme", "serve"}, func(k string) string { return vars[k] }, strings.NewReader(""), io.Discard, logs)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(40 * time.Second):
			t.Error("serve did not stop within 40s of cancel")
		}
	})
	base = fmt.Sprintf("http://127.0.0.1:%d", port)
	waitFor(t, 30*time.Second, func() bool {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == 200
	})
	return base, logs
}

// signUp creates an account and returns a client signed in as it.
func signUp(t *testing.T, base, email string) *stackClient {
	t.Helper()
	c := &stackClient{base: base, http: &http.Client{Timeout: 60 * time.Second}}
	o := c.do("signup", "POST", "/api/auth/signup", strings.NewReader(`{"email":"`+email+`","password":"correct horse battery staple"}`),
		map[string]string{"Content-Type": "application/json"})
	var s struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.Unmarshal([]byte(o.body), &s)
	if o.status != 201 || s.AccessToken == "" {
		t.Fatalf("signup: %d %v %s", o.status, o.err, o.body)
	}
	c.token = s.AccessToken
	return c
}

// genClip writes a short test video (2 s, 160×284, beeps on the beat).
func genClip(t *testing.T) []byte {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed")
	}
	clip := filepath.Join(t.TempDir(), "c.mp4")
	if out, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", "testsrc2=s=160x284:r=15:d=2",
		"-f", "lavfi", "-i", "aevalsrc='0.6*sin(2*PI*1500*t)*exp(-mod(t,0.5)*80)':s=22050:d=2",
		"-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", clip).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v %s", err, out)
	}
	b, err := os.ReadFile(clip)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (c *stackClient) upload(t *testing.T, data []byte) string {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "clip.mp4")
	_, _ = fw.Write(data)
	_ = mw.Close()
	o := c.do("upload", "POST", "/api/videos", &buf, map[string]string{"Content-Type": mw.FormDataContentType()})
	var v struct{ ID string }
	_ = json.Unmarshal([]byte(o.body), &v)
	if (o.status != 201 && o.status != 200) || v.ID == "" {
		t.Fatalf("upload: %d %v %s", o.status, o.err, o.body)
	}
	return v.ID
}

// TestPostgresRestartUnderLoad is checklist item 11: the real serve (API and
// a pipeline worker) runs on a private PostgreSQL cluster while readers and
// a creator keep it busy; the cluster is stopped (fast mode: sessions
// terminated) and started again. Every request ends — no hang — as a
// success or a 503 problem document, the pool serves again within seconds
// of the database coming back, and every remix the creator was told about
// (and every one the database holds) has exactly one job per stage, ran to
// done once, with retries of the creation replayed by its Idempotency-Key.
func TestPostgresRestartUnderLoad(t *testing.T) {
	t.Parallel()
	cluster := pgtest.StartCluster(t)
	dbURL := cluster.NewDatabase(t, "kmeme")
	clip := genClip(t)
	base, logs := startStack(t, dbURL, nil)
	creator := signUp(t, base, "restart@example.com")
	videoID := creator.upload(t, clip)
	create := func(i int) outcome {
		return creator.do("create", "POST", "/api/remix",
			strings.NewReader(fmt.Sprintf(`{"title":"재시작 챌린지 %d","visibility":"public","video_id":%q}`, i, videoID)),
			map[string]string{"Content-Type": "application/json", "Idempotency-Key": fmt.Sprintf("restart-%d", i)})
	}
	seed := create(0)
	var seedNode struct{ ID string }
	_ = json.Unmarshal([]byte(seed.body), &seedNode)
	if seed.status != 202 || seedNode.ID == "" {
		t.Fatalf("seed remix: %d %s", seed.status, seed.body)
	}

	var (
		mu       sync.Mutex
		outcomes []outcome
		created  = map[int]string{0: seedNode.ID} // creation index → node id the client was given
		replays  int
	)
	record := func(o outcome) {
		mu.Lock()
		outcomes = append(outcomes, o)
		mu.Unlock()
	}
	var unavailable, createRefused atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	reader := &stackClient{base: base, http: &http.Client{Timeout: 60 * time.Second}}
	readPaths := []struct{ route, path string }{
		{"recipe", "/api/remix/" + seedNode.ID},
		{"search", "/api/search?q=" + "%EC%B1%8C%EB%A6%B0%EC%A7%80"}, // 챌린지
		{"trending", "/api/trending"},
		{"children", "/api/remix/" + seedNode.ID + "/children"},
		{"lineage", "/api/remix/" + seedNode.ID + "/lineage"},
	}
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := g; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				p := readPaths[i%len(readPaths)]
				o := reader.do(p.route, "GET", p.path, nil, nil)
				if o.status == 503 {
					unavailable.Add(1)
				}
				record(o)
				time.Sleep(10 * time.Millisecond) // pacing the load generator, not waiting for a result
			}
		}(g)
	}
	var madeCount atomic.Int64
	wg.Add(1)
	go func() { // one creator: on 503 the same request is retried with the same key
		defer wg.Done()
		for i := 1; ; {
			select {
			case <-stop:
				return
			default:
			}
			o := create(i)
			record(o)
			if o.status == 202 {
				var n struct{ ID string }
				_ = json.Unmarshal([]byte(o.body), &n)
				mu.Lock()
				if prev, ok := created[i]; ok && prev != n.ID {
					t.Errorf("creation %d answered two nodes: %s and %s", i, prev, n.ID)
				}
				created[i] = n.ID
				madeCount.Add(1)
				mu.Unlock()
				i++
			} else if o.status == 503 {
				unavailable.Add(1)
				createRefused.Add(1)
			}
			time.Sleep(150 * time.Millisecond) // pacing the creator
		}
	}()
	stopLoad := func() {
		select {
		case <-stop:
		default:
			close(stop)
		}
		wg.Wait()
	}
	t.Cleanup(stopLoad)

	waitFor(t, 60*time.Second, func() bool { return madeCount.Load() >= 3 })
	// The restart lands while a pipeline stage is running.
	watch, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 60*time.Second, func() bool {
		var running int
		_ = watch.QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE state = 'running'`).Scan(&running)
		return running > 0
	})
	_ = watch.Close(context.Background())
	if err := cluster.Stop(); err != nil {
		t.Fatal(err)
	}
	downAt := time.Now()
	// The database stays down until readers and the creator have all been
	// refused (no fixed outage length: a busy machine only makes it longer).
	waitFor(t, 30*time.Second, func() bool { return unavailable.Load() >= 10 && createRefused.Load() >= 1 })
	startAt := time.Now()
	if err := cluster.Start(); err != nil {
		t.Fatal(err)
	}
	upAt := time.Now()
	var reconnect time.Duration
	waitFor(t, 30*time.Second, func() bool {
		o := reader.do("probe", "GET", "/api/remix/"+seedNode.ID, nil, nil)
		if o.status == 200 {
			reconnect = time.Since(upAt)
			return true
		}
		return false
	})
	readyIn := time.Duration(0)
	waitFor(t, 30*time.Second, func() bool {
		o := reader.do("probe", "GET", "/readyz", nil, nil)
		readyIn = time.Since(upAt)
		return o.status == 200
	})
	before := madeCount.Load()
	waitFor(t, 60*time.Second, func() bool { return madeCount.Load() >= before+3 })
	stopLoad()

	// Every request ended, as a success or a 503 problem document.
	byStatus := map[string]int{}
	var slowest time.Duration
	for _, o := range outcomes {
		if o.took > slowest {
			slowest = o.took
		}
		if o.err != nil {
			t.Errorf("%s: no answer after %v: %v", o.route, o.took.Round(time.Millisecond), o.err)
			continue
		}
		byStatus[fmt.Sprintf("%s %d", o.route, o.status)]++
		switch {
		case o.status == 200 || o.status == 202:
			if o.replayed {
				replays++
			}
		case o.status == 503:
			var p struct {
				Status int
				Code   string
			}
			if !strings.HasPrefix(o.ctype, "application/problem+json") || json.Unmarshal([]byte(o.body), &p) != nil || p.Status != 503 || p.Code == "" {
				t.Errorf("%s: 503 that is not a problem document: %q %s", o.route, o.ctype, o.body)
			}
		default:
			t.Errorf("%s: status %d during the restart: %s", o.route, o.status, o.body)
		}
	}
	keys := make([]string, 0, len(byStatus))
	for k := range byStatus {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var summary []string
	for _, k := range keys {
		summary = append(summary, fmt.Sprintf("%s×%d", k, byStatus[k]))
	}
	t.Logf("requests: %d (%s); slowest %v; database down %v, pg_ctl start took %v; first 200 %v after the server accepted connections again, /readyz 200 after %v",
		len(outcomes), strings.Join(summary, ", "), slowest.Round(time.Millisecond), upAt.Sub(downAt).Round(time.Millisecond), upAt.Sub(startAt).Round(time.Millisecond),
		reconnect.Round(time.Millisecond), readyIn.Round(time.Millisecond))

	// Every remix ran to done exactly once: one job per stage, one done event.
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	want := map[string]bool{}
	for _, id := range created {
		want[id] = true
	}
	var attempts int
	waitFor(t, 4*time.Minute, func() bool {
		var pending int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM remix_nodes WHERE video_id IS NOT NULL AND status NOT IN ('done', 'failed')`).Scan(&pending); err != nil {
			t.Fatal(err)
		}
		return pending == 0
	})
	rows, err := conn.Query(ctx, `SELECT n.id::text, n.status,
		(SELECT count(*) FROM river_job j WHERE j.args->>'node_id' = n.id::text AND j.kind = 'kmeme_analyze'),
		(SELECT count(*) FROM river_job j WHERE j.args->>'node_id' = n.id::text AND j.kind = 'kmeme_plan'),
		(SELECT count(*) FROM river_job j WHERE j.args->>'node_id' = n.id::text AND j.kind = 'kmeme_render'),
		(SELECT coalesce(sum(j.attempt), 0) FROM river_job j WHERE j.args->>'node_id' = n.id::text),
		(SELECT count(*) FROM remix_events e WHERE e.node_id = n.id AND e.status = 'done')
		FROM remix_nodes n WHERE n.video_id IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	type nodeRow struct {
		id, status                      string
		analyze, plan, render, attempts int
		doneEvents                      int
	}
	got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (nodeRow, error) {
		var n nodeRow
		err := r.Scan(&n.id, &n.status, &n.analyze, &n.plan, &n.render, &n.attempts, &n.doneEvents)
		return n, err
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	retried := 0
	for _, n := range got {
		seen[n.id] = true
		if !want[n.id] {
			t.Errorf("node %s exists but no creation was answered with it (a creation the client never heard of)", n.id)
		}
		if n.status != "done" || n.analyze != 1 || n.plan != 1 || n.render != 1 || n.doneEvents != 1 {
			t.Errorf("node %s: status %s, jobs analyze/plan/render %d/%d/%d, done events %d; want done, 1/1/1, 1",
				n.id, n.status, n.analyze, n.plan, n.render, n.doneEvents)
		}
		attempts += n.attempts
		if n.attempts > 3 {
			retried++
		}
	}
	for id := range want {
		if !seen[id] {
			t.Errorf("node %s was answered to the client but is not in the database (lost)", id)
		}
	}
	t.Logf("remixes: %d created, %d in the database, job attempts %d over %d jobs (%d nodes retried a stage), idempotent replays %d",
		len(want), len(got), attempts, 3*len(got), retried, replays)
	if t.Failed() {
		var failed []string
		for _, l := range strings.Split(logs.String(), "\n") {
			if strings.Contains(l, `"msg":"request failed"`) && !strings.Contains(l, "the database is unavailable") {
				failed = append(failed, l)
			}
		}
		t.Logf("serve logs of failed requests other than 503:\n%s", tail(strings.Join(failed, "\n"), 8000))
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}
