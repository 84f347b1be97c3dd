package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Limits holds what one user may do: request rates (GCRA in Redis, with
// an in-memory fallback) and daily remix quotas.
type Limits struct {
	// RateRead, RateUpload, RateRemix and RateAuth are the GCRA budgets as
	// "N/period" (burst N): KMEME_RATE_READ 120/1m, KMEME_RATE_UPLOAD 10/1m,
	// KMEME_RATE_REMIX 20/1m, KMEME_RATE_AUTH 10/1m.
	RateRead, RateUpload, RateRemix, RateAuth Rate
	// LocalKeys bounds the in-memory fallback limiter (KMEME_RATE_LOCAL_KEYS, default 100000).
	LocalKeys int
	// LocalShare is the fraction of each budget the fallback limiter
	// grants per instance while Redis is down (KMEME_RATE_LOCAL_SHARE,
	// default 1; 1/N with N instances keeps their sum within the budget).
	LocalShare float64

	// QuotaPlans maps plan to remixes per day (KMEME_QUOTA_PLANS, default "free=20,pro=200").
	QuotaPlans map[string]int64
	// QuotaZone is the default day boundary's zone (KMEME_QUOTA_ZONE, default Asia/Seoul).
	QuotaZone string
	// QuotaFlush is the write-behind flush interval (KMEME_QUOTA_FLUSH, default 10s).
	QuotaFlush time.Duration
}

// Rate is a GCRA budget: Count requests per Period, with a burst of Count.
type Rate struct {
	Count  int
	Period time.Duration
}

// String is the "N/period" form.
func (r Rate) String() string { return fmt.Sprintf("%d/%s", r.Count, r.Period) }

// ParseRate reads "N/period" such as "120/1m" or "10/s".
func ParseRate(s string) (Rate, error) {
	n, per, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Rate{}, fmt.Errorf("%q is not N/period such as 120/1m", s)
	}
	c, err := strconv.Atoi(n)
	if err != nil || c < 1 {
		return Rate{}, fmt.Errorf("%q: count must be a positive whole number", s)
	}
	switch per {
	case "s":
		per = "1s"
	case "m":
		per = "1m"
	case "h":
		per = "1h"
	}
	d, err := time.ParseDuration(per)
	if err != nil || d <= 0 {
		return Rate{}, fmt.Errorf("%q: period must be a duration such as 1m", s)
	}
	return Rate{Count: c, Period: d}, nil
}

func (p *parser) rate(name, def string) Rate {
	r, err := ParseRate(p.str(name, def))
	if err != nil {
		p.errs = append(p.errs, fmt.Errorf("%s: %v", name, err))
		r, _ = ParseRate(def)
	}
	return r
}

func (p *parser) plans(name, def string) map[string]int64 {
	out := map[string]int64{}
	for _, kv := range p.list(name, def) {
		k, v, ok := strings.Cut(kv, "=")
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if !ok || err != nil || strings.TrimSpace(k) == "" {
			p.errs = append(p.errs, fmt.Errorf("%s: %q is not plan=limit", name, kv))
			continue
		}
		out[strings.TrimSpace(k)] = n
	}
	return out
}

func loadLimits(p *parser) Limits {
	return Limits{
		RateRead:   p.rate("KMEME_RATE_READ", "120/1m"),
		RateUpload: p.rate("KMEME_RATE_UPLOAD", "10/1m"),
		RateRemix:  p.rate("KMEME_RATE_REMIX", "20/1m"),
		RateAuth:   p.rate("KMEME_RATE_AUTH", "10/1m"),
		LocalKeys:  int(p.int64("KMEME_RATE_LOCAL_KEYS", 100000)),
		LocalShare: p.fraction("KMEME_RATE_LOCAL_SHARE", 1),
		QuotaPlans: p.plans("KMEME_QUOTA_PLANS", "free=20,pro=200"),
		QuotaZone:  p.str("KMEME_QUOTA_ZONE", "Asia/Seoul"),
		QuotaFlush: p.dur("KMEME_QUOTA_FLUSH", 10*time.Second),
	}
}

func (c Limits) validate() []error {
	var errs []error
	if _, ok := c.QuotaPlans["free"]; !ok {
		errs = append(errs, errorf("KMEME_QUOTA_PLANS: must name the free plan, e.g. free=20"))
	}
	for plan, n := range c.QuotaPlans {
		if n < 0 {
			errs = append(errs, errorf("KMEME_QUOTA_PLANS: %s=%d must not be negative", plan, n))
		}
	}
	if _, err := time.LoadLocation(c.QuotaZone); err != nil {
		errs = append(errs, errorf("KMEME_QUOTA_ZONE: %q is not a time zone such as Asia/Seoul", c.QuotaZone))
	}
	if c.QuotaFlush < 100*time.Millisecond {
		errs = append(errs, errorf("KMEME_QUOTA_FLUSH: %s must be at least 100ms", c.QuotaFlush))
	}
	if c.LocalKeys < 100 {
		errs = append(errs, errorf("KMEME_RATE_LOCAL_KEYS: %d must be at least 100", c.LocalKeys))
	}
	return errs
}

// fraction reads a number in (0, 1].
func (p *parser) fraction(name string, def float64) float64 {
	v := p.get.first("", name)
	if v == "" {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || !(f > 0 && f <= 1) {
		p.errs = append(p.errs, fmt.Errorf("%s: %q must be a number above 0 and at most 1, e.g. 0.25", name, v))
		return def
	}
	return f
}
