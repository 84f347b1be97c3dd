package config

import (
	"strings"
	"testing"
	"time"
)

func TestTrustDefaultsAndErrors(t *testing.T) {
	t.Parallel()
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	c, err := FromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	tr := c.Trust
	if tr.AccessTTL != 15*time.Minute || tr.QuotaZone != "Asia/Seoul" || tr.QuotaPlans["free"] != 20 ||
		tr.RateRead != (Rate{120, time.Minute}) || tr.CookieSecure {
		t.Errorf("defaults = %+v", tr)
	}
	c, err = FromEnv(env(map[string]string{"KMEME_ENV": "production", "KMEME_RATE_AUTH": "5/s", "KMEME_ADMIN_EMAILS": "a@x.kr, b@x.kr"}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Trust.CookieSecure || c.Trust.RateAuth != (Rate{5, time.Second}) || len(c.Trust.AdminEmails) != 2 {
		t.Errorf("production = %+v", c.Trust)
	}
	for _, tc := range []struct{ k, v, want string }{
		{"KMEME_RATE_READ", "lots", "KMEME_RATE_READ"},
		{"KMEME_RATE_READ", "0/1m", "KMEME_RATE_READ"},
		{"KMEME_QUOTA_PLANS", "pro=5", "KMEME_QUOTA_PLANS"},
		{"KMEME_QUOTA_PLANS", "free=x", "KMEME_QUOTA_PLANS"},
		{"KMEME_QUOTA_ZONE", "Mars/Olympus", "KMEME_QUOTA_ZONE"},
		{"KMEME_AUTH_ACCESS_TTL", "1s", "KMEME_AUTH_ACCESS_TTL"},
		{"KMEME_RETENTION_DAYS", "-1", "KMEME_RETENTION_DAYS"},
	} {
		_, err := FromEnv(env(map[string]string{tc.k: tc.v}))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s=%s: err = %v, want it to name %s", tc.k, tc.v, err, tc.want)
		}
	}
}
