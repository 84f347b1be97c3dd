package resilience

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// Breakers holds a process's breakers, one per provider, and exports them
// to Prometheus:
//
//	kmeme_ai_breaker_state{provider,state}  1 for the current state (closed,
//	                                        half-open, open), 0 for the others
//	kmeme_ai_breaker_trips_total{provider}  times the breaker opened
//
// The state is read at scrape time through Breaker.State, so an open
// breaker whose OpenFor has passed is reported half-open even when no call
// has come since.
type Breakers struct {
	mu     sync.Mutex
	byName map[string]*Breaker
	order  []string
	state  *prometheus.Desc
	trips  *prometheus.Desc
}

// NewBreakers returns an empty set; register it on a prometheus.Registerer.
func NewBreakers() *Breakers {
	return &Breakers{
		byName: map[string]*Breaker{},
		state: prometheus.NewDesc("kmeme_ai_breaker_state",
			"AI provider circuit breaker state in this process: 1 for the current state (closed, half-open, open), 0 for the others.",
			[]string{"provider", "state"}, nil),
		trips: prometheus.NewDesc("kmeme_ai_breaker_trips_total",
			"Times the provider's circuit breaker opened in this process (a failed half-open probe reopens it and counts again).",
			[]string{"provider"}, nil),
	}
}

// Breaker returns the set's breaker for s.Name, making it from s the first
// time: every caller of one provider in a process shares one breaker (a
// later call's other settings are ignored). A nil set makes a new,
// unexported breaker each time.
func (bs *Breakers) Breaker(s BreakerSettings) *Breaker {
	if bs == nil {
		return NewBreaker(s)
	}
	bs.mu.Lock()
	defer bs.mu.Unlock()
	if b, ok := bs.byName[s.Name]; ok {
		return b
	}
	b := NewBreaker(s)
	bs.byName[s.Name] = b
	bs.order = append(bs.order, s.Name)
	return b
}

// Describe implements prometheus.Collector.
func (bs *Breakers) Describe(ch chan<- *prometheus.Desc) {
	ch <- bs.state
	ch <- bs.trips
}

// Collect implements prometheus.Collector.
func (bs *Breakers) Collect(ch chan<- prometheus.Metric) {
	bs.mu.Lock()
	list := make([]*Breaker, 0, len(bs.order))
	for _, n := range bs.order {
		list = append(list, bs.byName[n])
	}
	bs.mu.Unlock()
	for _, b := range list {
		cur := b.State()
		for _, st := range []State{Closed, HalfOpen, Open} {
			v := 0.0
			if st == cur {
				v = 1
			}
			ch <- prometheus.MustNewConstMetric(bs.state, prometheus.GaugeValue, v, b.Name(), st.String())
		}
		ch <- prometheus.MustNewConstMetric(bs.trips, prometheus.CounterValue, float64(b.Trips()), b.Name())
	}
}
