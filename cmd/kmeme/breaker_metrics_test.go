package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/postgres/pgtest"
	"github.com/kmeme-factory/kmeme/internal/redis/redistest"
)

// TestServeAndWorkerExportBreakers: with both paid providers configured,
// serve's /metrics and the worker's KMEME_METRICS_ADDR listener export
// each provider's circuit-breaker state and trip counter (closed, no trips
// at start). The providers point at a closed port: the model check only
// warns, and no call is made.
func TestServeAndWorkerExportBreakers(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.NewDatabase(t)
	ai := map[string]string{
		"KMEME_GEMINI_API_KEY": "g", "KMEME_GEMINI_BASE_URL": "http://127.0.0.1:1",
		"KMEME_ANTHROPIC_API_KEY": "a", "KMEME_CLAUDE_BASE_URL": "http://127.0.0.1:1",
	}
	extra := map[string]string{"KMEME_WORKERS": "0"}
	for k, v := range ai {
		extra[k] = v
	}
	base, _ := startStack(t, dbURL, extra)

	workerAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	wvars := map[string]string{"KMEME_DATABASE_URL": dbURL, "KMEME_DATA_DIR": t.TempDir(), "KMEME_WORKERS": "1",
		"KMEME_REDIS_URL": redistest.URL(), "KMEME_REDIS_PREFIX": fmt.Sprintf("test:breakers:%d:", time.Now().UnixNano()),
		"KMEME_LOG_LEVEL": "warn", "KMEME_METRICS_ADDR": workerAddr, "KMEME_DB_MIN_CONNS": "0", "KMEME_DB_MAX_CONNS": "4"}
	for k, v := range ai {
		wvars[k] = v
	}
	wlogs := startWorker(t, wvars)
	scrape := func(url string) string {
		resp, err := http.Get(url)
		if err != nil {
			return ""
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	for name, url := range map[string]string{"serve": base + "/metrics", "worker": "http://" + workerAddr + "/metrics"} {
		var body string
		waitFor(t, 60*time.Second, func() bool { body = scrape(url); return body != "" })
		for _, p := range []string{"gemini", "claude"} {
			for _, line := range []string{
				`kmeme_ai_breaker_state{provider="` + p + `",state="closed"} 1`,
				`kmeme_ai_breaker_state{provider="` + p + `",state="open"} 0`,
				`kmeme_ai_breaker_state{provider="` + p + `",state="half-open"} 0`,
				`kmeme_ai_breaker_trips_total{provider="` + p + `"} 0`,
			} {
				if !strings.Contains(body, line+"\n") {
					t.Errorf("%s /metrics lacks %s (worker logs: %s)", name, line, wlogs.String())
				}
			}
		}
	}
}
