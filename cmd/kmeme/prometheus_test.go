package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/postgres/pgtest"
	"github.com/kmeme-factory/kmeme/internal/redis/redistest"
)

// promQuery runs an instant query against Prometheus's HTTP API and
// returns the samples as label sets with values.
func promQuery(t *testing.T, base, q string) []map[string]string {
	t.Helper()
	resp, err := http.Get(base + "/api/v1/query?query=" + url.QueryEscape(q))
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	var body struct {
		Status string
		Data   struct {
			Result []struct {
				Metric map[string]string
				Value  [2]any
			}
		}
	}
	if json.NewDecoder(resp.Body).Decode(&body) != nil || body.Status != "success" {
		return nil
	}
	var out []map[string]string
	for _, r := range body.Data.Result {
		m := r.Metric
		if m == nil {
			m = map[string]string{}
		}
		m["__value__"], _ = r.Value[1].(string)
		out = append(out, m)
	}
	return out
}

// TestPrometheusScrapesServeAndWorker runs serve (no workers) and a
// separate `kmeme worker` with its own KMEME_METRICS_ADDR, starts Debian's
// prometheus on deploy/prometheus (targets and intervals rewritten for the
// test), makes a remix the worker processes, and reads real series of both
// process kinds and the recording rules back through Prometheus's HTTP API.
func TestPrometheusScrapesServeAndWorker(t *testing.T) {
	t.Parallel()
	promBin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Skip("prometheus not installed (scripts/setup.sh installs it)")
	}
	dbURL := pgtest.NewDatabase(t)
	clip := genClip(t)
	dataDir := t.TempDir()                                        // serve and worker share the blobs
	prefix := fmt.Sprintf("test:prom:%d:", time.Now().UnixNano()) // shared: the worker invalidates serve's cached views
	base, _ := startStack(t, dbURL, map[string]string{"KMEME_WORKERS": "0", "KMEME_DATA_DIR": dataDir, "KMEME_REDIS_PREFIX": prefix})
	serveAddr := strings.TrimPrefix(base, "http://")

	workerAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	wvars := map[string]string{"KMEME_DATABASE_URL": dbURL, "KMEME_DATA_DIR": dataDir, "KMEME_WORKERS": "1",
		"KMEME_REDIS_URL": redistest.URL(), "KMEME_REDIS_PREFIX": prefix,
		"KMEME_LOG_LEVEL": "warn", "KMEME_METRICS_ADDR": workerAddr, "KMEME_DB_MIN_CONNS": "0", "KMEME_DB_MAX_CONNS": "6"}
	startWorker(t, wvars)
	waitFor(t, 30*time.Second, func() bool {
		resp, err := http.Get("http://" + workerAddr + "/metrics")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == 200
	})

	// Prometheus on the repository's configuration and rules.
	cfg, err := os.ReadFile("../../deploy/prometheus/prometheus.yml")
	if err != nil {
		t.Fatal(err)
	}
	rules, err := os.ReadFile("../../deploy/prometheus/kmeme-rules.yml")
	if err != nil {
		t.Fatal(err)
	}
	conf := strings.NewReplacer(`"127.0.0.1:8080"`, `"`+serveAddr+`"`, `"127.0.0.1:9091"`, `"`+workerAddr+`"`,
		"scrape_interval: 15s", "scrape_interval: 500ms", "evaluation_interval: 15s", "evaluation_interval: 500ms").Replace(string(cfg))
	if !strings.Contains(conf, serveAddr) || !strings.Contains(conf, workerAddr) || !strings.Contains(conf, "500ms") {
		t.Fatalf("deploy/prometheus/prometheus.yml no longer has the targets and intervals this test rewrites:\n%s", conf)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "kmeme-rules.yml"), rules, 0o600); err != nil {
		t.Fatal(err)
	}
	promAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	prom := exec.Command(promBin, "--config.file="+filepath.Join(dir, "prometheus.yml"), "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+promAddr, "--log.level=warn")
	var plogs syncBuffer
	prom.Stdout, prom.Stderr = &plogs, &plogs
	if err := prom.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = prom.Process.Kill(); _ = prom.Wait() })
	promURL := "http://" + promAddr

	// A remix made through serve and run by the worker.
	creator := signUp(t, base, "prometheus@example.com")
	vid := creator.upload(t, clip)
	o := creator.do("create", "POST", "/api/remix", strings.NewReader(`{"title":"지표 챌린지","visibility":"public","video_id":"`+vid+`"}`),
		map[string]string{"Content-Type": "application/json"})
	var node struct{ ID string }
	_ = json.Unmarshal([]byte(o.body), &node)
	if o.status != 202 {
		t.Fatalf("create: %d %s", o.status, o.body)
	}
	waitFor(t, 2*time.Minute, func() bool {
		r := creator.do("view", "GET", "/api/remix/"+node.ID, nil, nil)
		return strings.Contains(r.body, `"status":"done"`)
	})

	// Real series from both process kinds, read back through Prometheus.
	want := []struct{ q, why string }{
		{`up{job="kmeme-serve"} == 1`, "serve scraped"},
		{`up{job="kmeme-worker"} == 1`, "worker scraped"},
		{`sum(kmeme_http_requests_total{job="kmeme-serve",method="POST",status="202"}) >= 1`, "serve's request counter (the remix's 202)"},
		{`kmeme_pgxpool_max_conns{job="kmeme-worker"} == 6`, "worker's pool (KMEME_DB_MAX_CONNS=6)"},
		{`kmeme_jobs{job="kmeme-worker",state="completed"} >= 3`, "worker's queue gauge: analyze, plan and render completed"},
		{`kmeme_ai_budget_month_usd{job="kmeme-worker"} > 0`, "worker's AI budget gauge"},
		{`sum(kmeme:http_requests:rate5m) > 0`, "recording rule over serve"},
		{`kmeme:jobs_waiting`, "recording rule over the queue"},
	}
	for _, w := range want {
		waitFor(t, 30*time.Second, func() bool { return len(promQuery(t, promURL, w.q)) > 0 })
		r := promQuery(t, promURL, w.q)
		t.Logf("%s: %s = %s", w.why, w.q, r[0]["__value__"])
	}
	// Every rule loaded and evaluates without error.
	resp, err := http.Get(promURL + "/api/v1/rules")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var rb struct {
		Data struct {
			Groups []struct {
				Name  string
				Rules []struct {
					Name, Health, LastError string
				}
			}
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&rb); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, g := range rb.Data.Groups {
		for _, r := range g.Rules {
			n++
			if r.Health == "err" {
				t.Errorf("rule %s/%s: %s", g.Name, r.Name, r.LastError)
			}
		}
	}
	if n < 22 {
		t.Errorf("%d rules loaded, want the 22 of deploy/prometheus/kmeme-rules.yml (prometheus logs: %s)", n, plogs.String())
	}
}
