package httpapi

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// ReadyCheck is one part of readiness. Check returns extra detail to show
// (may be nil) and an error when the part is not ready.
type ReadyCheck struct {
	Name  string
	Check func(ctx context.Context) (detail any, err error)
}

type healthBody struct {
	Status string `json:"status"`
}

type checkResult struct {
	OK        bool    `json:"ok"`
	LatencyMS float64 `json:"latency_ms"`
	Error     string  `json:"error,omitempty"`
	Detail    any     `json:"detail,omitempty"`
}

type readyBody struct {
	Status  string                 `json:"status"`
	Version string                 `json:"version,omitempty"`
	Failing []string               `json:"failing,omitempty"`
	Checks  map[string]checkResult `json:"checks"`
}

func (s *Server) handleHealthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, healthBody{Status: "ok"})
	})
}

// handleReadyz runs every check concurrently, each bounded to 2 s, and
// answers 503 naming the parts that fail.
func (s *Server) handleReadyz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := readyBody{Status: "ready", Version: s.Version, Checks: map[string]checkResult{}}
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, c := range s.Ready {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
				defer cancel()
				start := time.Now()
				detail, err := c.Check(ctx)
				res := checkResult{OK: err == nil, LatencyMS: float64(time.Since(start).Microseconds()) / 1000, Detail: detail}
				if err != nil {
					res.Error = err.Error()
				}
				mu.Lock()
				body.Checks[c.Name] = res
				if err != nil {
					body.Failing = append(body.Failing, c.Name)
				}
				mu.Unlock()
			}()
		}
		wg.Wait()
		status := http.StatusOK
		if len(body.Failing) > 0 {
			body.Status = "not ready: " + joinSorted(body.Failing)
			status = http.StatusServiceUnavailable
		}
		writeJSON(w, status, body)
	})
}

func (s *Server) handleMetrics() http.Handler {
	return promhttp.HandlerFor(s.Metrics.Registry, promhttp.HandlerOpts{})
}
