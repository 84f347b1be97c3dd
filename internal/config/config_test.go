package config

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	t.Parallel()
	c, err := FromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.DBMaxConns != 30 || c.DBMinConns != 20 {
		t.Errorf("pool = %d/%d, want 20 steady and 30 max", c.DBMinConns, c.DBMaxConns)
	}
	if c.HTTPAddr != "127.0.0.1:8080" || c.RedisTimeout != 200*time.Millisecond {
		t.Errorf("unexpected defaults: %+v", c)
	}
	if c.DefaultVisibility != "private" {
		t.Errorf("default visibility = %q", c.DefaultVisibility)
	}
	if len(c.CORSOrigins) != 3 || c.CORSOrigins[2] != "http://localhost:3000" {
		t.Errorf("CORS origins = %v", c.CORSOrigins)
	}
}

func TestOverridesAndFallbacks(t *testing.T) {
	t.Parallel()
	c, err := FromEnv(env(map[string]string{
		"DATABASE_URL":          "postgres://u@db:5432/x",
		"KMEME_REDIS_URL":       "rediss://default:pw@upstash.example:6379",
		"KMEME_CORS_ORIGINS":    " https://a.example , ",
		"KMEME_DB_MAX_CONNS":    "8",
		"KMEME_DB_MIN_CONNS":    "2",
		"KMEME_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.TrustedProxies) != 2 || c.TrustedProxies[1].String() != "192.0.2.7/32" {
		t.Errorf("trusted proxies = %v", c.TrustedProxies)
	}
	if c.DatabaseURL != "postgres://u@db:5432/x" || c.DBMaxConns != 8 || len(c.CORSOrigins) != 1 {
		t.Errorf("overrides not applied: %+v", c)
	}
}

func TestInvalidValuesNameTheVariable(t *testing.T) {
	t.Parallel()
	cases := map[string]map[string]string{
		"KMEME_DB_MAX_CONNS":         {"KMEME_DB_MAX_CONNS": "many"},
		"KMEME_DB_MIN_CONNS":         {"KMEME_DB_MIN_CONNS": "40"},
		"KMEME_REDIS_TIMEOUT":        {"KMEME_REDIS_TIMEOUT": "fast"},
		"KMEME_DATABASE_URL":         {"KMEME_DATABASE_URL": "mysql://x"},
		"KMEME_REDIS_URL":            {"KMEME_REDIS_URL": "http://x"},
		"KMEME_CORS_ORIGINS":         {"KMEME_CORS_ORIGINS": "k-meme.com"},
		"KMEME_LOG_LEVEL":            {"KMEME_LOG_LEVEL": "loud"},
		"KMEME_HTTP_ADDR":            {"KMEME_HTTP_ADDR": "8080"},
		"KMEME_ENV":                  {"KMEME_ENV": "staging"},
		"KMEME_MAX_BODY_BYTES":       {"KMEME_MAX_BODY_BYTES": "10"},
		"KMEME_WORKERS":              {"KMEME_WORKERS": "-1"},
		"KMEME_DB_STATEMENT_TIMEOUT": {"KMEME_DB_STATEMENT_TIMEOUT": "-1s"},
		"KMEME_TRUSTED_PROXIES":      {"KMEME_TRUSTED_PROXIES": "10.0.0.0/8,proxy.local"},
		"KMEME_DEFAULT_VISIBILITY":   {"KMEME_DEFAULT_VISIBILITY": "friends"},
	}
	for name, vars := range cases {
		_, err := FromEnv(env(vars))
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%v: error %v does not name %s", vars, err, name)
		}
	}
}
