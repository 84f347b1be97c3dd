package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/kmeme-factory/kmeme/internal/lifecycle"
)

// metricsListener adds to a.services a listener serving the process's
// /metrics (and /healthz) on KMEME_METRICS_ADDR, for processes with no API
// listener (kmeme worker). An empty address adds nothing. The address is
// bound here, so that a taken port stops the start before any job runs.
func (a *app) metricsListener(addr string) error {
	if addr == "" {
		return nil
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("configuration: KMEME_METRICS_ADDR %q is not host:port: %w", addr, err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s (KMEME_METRICS_ADDR): %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(a.metrics.Registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 60 * time.Second}
	a.services.Add("metrics listener", &lifecycle.HTTPServer{Server: srv, Listener: ln, OnError: func(err error) {
		a.log.Error("metrics listener stopped", "err", err.Error())
	}})
	a.closers = append(a.closers, func() { _ = ln.Close() }) // when the start fails before serving
	a.log.Info("metrics listening", "addr", ln.Addr().String())
	return nil
}

// registerJobMetrics exports the pipeline queue and the month's AI spend,
// read from PostgreSQL at scrape time (every process sees the same queue;
// the rules aggregate with max).
func (a *app) registerJobMetrics() {
	a.metrics.Registry.MustRegister(&jobCollector{a: a,
		jobs: prometheus.NewDesc("kmeme_jobs", "Pipeline jobs in the River queue by state (available, running, retryable, scheduled, discarded, completed…).",
			[]string{"state"}, nil),
		oldest: prometheus.NewDesc("kmeme_jobs_oldest_available_seconds", "Age of the oldest pipeline job waiting for a worker (0 when none waits).", nil, nil),
		spend:  prometheus.NewDesc("kmeme_ai_spend_month_usd", "AI spend recorded in the ai_calls ledger this calendar month (UTC).", nil, nil),
		budget: prometheus.NewDesc("kmeme_ai_budget_month_usd", "Monthly AI budget (KMEME_AI_BUDGET_USD).", nil, nil),
		up:     prometheus.NewDesc("kmeme_jobs_scrape_ok", "1 when the queue could be read from PostgreSQL at this scrape.", nil, nil),
	})
}

type jobCollector struct {
	a                               *app
	jobs, oldest, spend, budget, up *prometheus.Desc
}

func (c *jobCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.jobs, c.oldest, c.spend, c.budget, c.up} {
		ch <- d
	}
}

var jobStates = []string{"available", "running", "retryable", "scheduled", "pending", "completed", "cancelled", "discarded"}

func (c *jobCollector) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(c.budget, prometheus.GaugeValue, c.a.ai.BudgetUSD)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts := map[string]float64{}
	var oldest, spend float64
	err := func() error {
		rows, err := c.a.db.Pool.Query(ctx, `SELECT state::text, count(*) FROM river_job WHERE kind LIKE 'kmeme\_%' GROUP BY state`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			var n int64
			if err := rows.Scan(&s, &n); err != nil {
				return err
			}
			counts[s] = float64(n)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if err := c.a.db.Pool.QueryRow(ctx, `SELECT coalesce(extract(epoch FROM now() - min(scheduled_at)), 0)::float8
			FROM river_job WHERE kind LIKE 'kmeme\_%' AND state = 'available'`).Scan(&oldest); err != nil {
			return err
		}
		return c.a.db.Pool.QueryRow(ctx, `SELECT coalesce(sum(cost_usd), 0)::float8 FROM ai_calls
			WHERE created_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`).Scan(&spend)
	}()
	if err != nil {
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
	for _, s := range jobStates {
		ch <- prometheus.MustNewConstMetric(c.jobs, prometheus.GaugeValue, counts[s], s)
	}
	ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, oldest)
	ch <- prometheus.MustNewConstMetric(c.spend, prometheus.GaugeValue, spend)
}
