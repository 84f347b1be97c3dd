package httpapi

import (
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics holds the Prometheus registry and the HTTP series. Other packages
// register their own collectors on Registry.
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	// RedisErrors counts failed Redis calls by operation.
	RedisErrors *prometheus.CounterVec
}

// NewMetrics makes a registry with Go, process and HTTP metrics.
func NewMetrics() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kmeme_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "kmeme_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
		RedisErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kmeme_redis_errors_total", Help: "Failed Redis calls by operation.",
		}, []string{"op"}),
	}
	reg.MustRegister(m.requests, m.latency, m.RedisErrors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *Metrics) observe(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route, method).Observe(d.Seconds())
}

// poolCollector exports pgxpool statistics.
type poolCollector struct {
	pool                                             *pgxpool.Pool
	total, idle, acquired, maxConns, waits, waitSecs *prometheus.Desc
}

// RegisterPool exports the pool's size, use and waits.
func (m *Metrics) RegisterPool(p *pgxpool.Pool) {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("kmeme_pgxpool_"+name, help, nil, nil)
	}
	m.Registry.MustRegister(&poolCollector{
		pool:     p,
		total:    d("total_conns", "Open connections."),
		idle:     d("idle_conns", "Idle connections."),
		acquired: d("acquired_conns", "Connections in use."),
		maxConns: d("max_conns", "Pool size limit."),
		waits:    d("empty_acquire_total", "Acquires that had to wait for a connection."),
		waitSecs: d("acquire_wait_seconds_total", "Time spent waiting for connections."),
	})
}

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.total, c.idle, c.acquired, c.maxConns, c.waits, c.waitSecs} {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	ch <- prometheus.MustNewConstMetric(c.total, prometheus.GaugeValue, float64(s.TotalConns()))
	ch <- prometheus.MustNewConstMetric(c.idle, prometheus.GaugeValue, float64(s.IdleConns()))
	ch <- prometheus.MustNewConstMetric(c.acquired, prometheus.GaugeValue, float64(s.AcquiredConns()))
	ch <- prometheus.MustNewConstMetric(c.maxConns, prometheus.GaugeValue, float64(s.MaxConns()))
	ch <- prometheus.MustNewConstMetric(c.waits, prometheus.CounterValue, float64(s.EmptyAcquireCount()))
	ch <- prometheus.MustNewConstMetric(c.waitSecs, prometheus.CounterValue, s.EmptyAcquireWaitTime().Seconds())
}
