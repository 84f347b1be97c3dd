package postgres

import (
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// poolCollector exports pgxpool statistics.
type poolCollector struct {
	pool                                             *pgxpool.Pool
	total, idle, acquired, maxConns, waits, waitSecs *prometheus.Desc
}

// NewPoolCollector exports the pool's size, use and waits as
// kmeme_pgxpool_* series.
func NewPoolCollector(p *pgxpool.Pool) prometheus.Collector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("kmeme_pgxpool_"+name, help, nil, nil)
	}
	return &poolCollector{
		pool:     p,
		total:    d("total_conns", "Open connections."),
		idle:     d("idle_conns", "Idle connections."),
		acquired: d("acquired_conns", "Connections in use."),
		maxConns: d("max_conns", "Pool size limit."),
		waits:    d("empty_acquire_total", "Acquires that had to wait for a connection."),
		waitSecs: d("acquire_wait_seconds_total", "Time spent waiting for connections."),
	}
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
