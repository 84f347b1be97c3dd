// Package config reads K-MEME Factory's configuration from environment
// variables into one struct, once, at start. Every field documents its
// variable and default; defaults work on a developer machine with the local
// PostgreSQL and Redis. Validate names the variable at fault.
package config

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultCORSOrigins are the origins the specification allows.
const DefaultCORSOrigins = "https://k-meme.com,https://admin.k-meme.com,http://localhost:3000"

// Config is the whole configuration.
type Config struct {
	// Env is "development" or "production" (KMEME_ENV, default development).
	// Production requires TLS-facing settings such as secure cookies.
	Env string

	// DatabaseURL is the PostgreSQL URL (KMEME_DATABASE_URL, falls back to
	// DATABASE_URL; default postgres://postgres@127.0.0.1:5432/kmeme?sslmode=disable).
	DatabaseURL string
	// DBMaxConns caps the pool (KMEME_DB_MAX_CONNS, default 30: the
	// specification's pool_size 20 + max_overflow 10).
	DBMaxConns int32
	// DBMinConns is the steady pool size kept open (KMEME_DB_MIN_CONNS, default 20).
	DBMinConns int32
	// DBStatementTimeout bounds every statement (KMEME_DB_STATEMENT_TIMEOUT, default 5s).
	DBStatementTimeout time.Duration

	// RedisURL is the Redis URL (KMEME_REDIS_URL, falls back to REDIS_URL;
	// default redis://127.0.0.1:6379/0). Use rediss:// for Upstash.
	RedisURL string
	// RedisTimeout bounds every Redis call (KMEME_REDIS_TIMEOUT, default 200ms).
	RedisTimeout time.Duration
	// RedisPrefix is prepended to every key (KMEME_REDIS_PREFIX, default empty).
	RedisPrefix string

	// HTTPAddr is where `kmeme serve` listens (KMEME_HTTP_ADDR, default 127.0.0.1:8080).
	HTTPAddr string
	// CORSOrigins are the allowed browser origins (KMEME_CORS_ORIGINS,
	// comma-separated, default the specification's three).
	CORSOrigins []string
	// TrustedProxies are the CIDRs of load balancers whose X-Forwarded-For
	// is believed for the client's address (KMEME_TRUSTED_PROXIES,
	// comma-separated, default none: the peer address is the client).
	TrustedProxies []netip.Prefix
	// MaxBodyBytes caps JSON request bodies (KMEME_MAX_BODY_BYTES, default 1 MiB).
	MaxBodyBytes int64
	// ReadHeaderTimeout, ReadTimeout, WriteTimeout and IdleTimeout are the
	// server's (KMEME_HTTP_READ_HEADER_TIMEOUT 5s, KMEME_HTTP_READ_TIMEOUT 120s,
	// KMEME_HTTP_WRITE_TIMEOUT 0 = none so that event streams and downloads
	// can run, KMEME_HTTP_IDLE_TIMEOUT 120s). Handlers set their own deadlines.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	// RequestTimeout bounds ordinary API handlers (KMEME_REQUEST_TIMEOUT, default 15s).
	RequestTimeout time.Duration
	// ShutdownTimeout is the grace period on SIGTERM (KMEME_SHUTDOWN_TIMEOUT, default 20s).
	ShutdownTimeout time.Duration

	// LogLevel is debug, info, warn or error (KMEME_LOG_LEVEL, default info).
	LogLevel string
	// OTLPEndpoint turns on OpenTelemetry tracing over OTLP/HTTP
	// (KMEME_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT; default off).
	OTLPEndpoint string
	// SentryDSN turns on error reporting to Sentry (KMEME_SENTRY_DSN or SENTRY_DSN; default off).
	SentryDSN string

	// DataDir holds local blobs and working files (KMEME_DATA_DIR, default ./var/data).
	DataDir string
	// FFmpegPath and FFprobePath name the media tools (KMEME_FFMPEG, KMEME_FFPROBE;
	// default ffmpeg and ffprobe on PATH).
	FFmpegPath  string
	FFprobePath string

	// DefaultVisibility is a new remix's visibility when the creator does
	// not say (KMEME_DEFAULT_VISIBILITY, private or public; default private).
	DefaultVisibility string

	// Jobs is the pipeline's workers, attempts and timeouts (jobs.go).
	Jobs Jobs
	// Blobs is where files are kept (jobs.go).
	Blobs Blobs
	// Uploads is the limits of received videos (jobs.go).
	Uploads Uploads
	// Auth is sign-in: accounts, tokens, signing keys, Firebase (auth.go).
	Auth Auth
	// Limits is rate limits and daily quotas (limits.go).
	Limits Limits
	// Privacy is how long personal content is kept (privacy.go).
	Privacy Privacy
	// AI holds the paid AI providers, their models, prices and budget (ai.go).
	AI AI
}

// getter reads one variable; "" means unset.
type getter func(string) string

// first returns the first non-empty variable among names, or def.
func (g getter) first(def string, names ...string) string {
	for _, n := range names {
		if v := strings.TrimSpace(g(n)); v != "" {
			return v
		}
	}
	return def
}

// parser collects the first error while reading typed values.
type parser struct {
	get  getter
	errs []error
}

func (p *parser) str(name, def string) string { return p.get.first(def, name) }

func (p *parser) int64(name string, def int64) int64 {
	v := p.get.first("", name)
	if v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		p.errs = append(p.errs, fmt.Errorf("%s: %q is not a whole number", name, v))
		return def
	}
	return n
}

func (p *parser) dur(name string, def time.Duration) time.Duration {
	v := p.get.first("", name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		p.errs = append(p.errs, fmt.Errorf("%s: %q is not a duration such as 5s or 200ms", name, v))
		return def
	}
	return d
}

func (p *parser) bool(name string, def bool) bool {
	v := p.get.first("", name)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		p.errs = append(p.errs, fmt.Errorf("%s: %q is not true or false", name, v))
		return def
	}
	return b
}

func (p *parser) list(name, def string) []string {
	var out []string
	for _, s := range strings.Split(p.get.first(def, name), ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (p *parser) prefixes(name string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range p.list(name, "") {
		pf, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				p.errs = append(p.errs, fmt.Errorf("%s: %q is not an address or CIDR such as 10.0.0.0/8", name, s))
				continue
			}
			pf = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, pf.Masked())
	}
	return out
}

// FromEnv reads the configuration with getenv (os.Getenv in production) and validates it.
func FromEnv(getenv func(string) string) (*Config, error) {
	p := &parser{get: getter(getenv)}
	c := &Config{
		Env:                p.str("KMEME_ENV", "development"),
		DatabaseURL:        p.get.first("postgres://postgres@127.0.0.1:5432/kmeme?sslmode=disable", "KMEME_DATABASE_URL", "DATABASE_URL"),
		DBMaxConns:         int32(p.int64("KMEME_DB_MAX_CONNS", 30)),
		DBMinConns:         int32(p.int64("KMEME_DB_MIN_CONNS", 20)),
		DBStatementTimeout: p.dur("KMEME_DB_STATEMENT_TIMEOUT", 5*time.Second),
		RedisURL:           p.get.first("redis://127.0.0.1:6379/0", "KMEME_REDIS_URL", "REDIS_URL"),
		RedisTimeout:       p.dur("KMEME_REDIS_TIMEOUT", 200*time.Millisecond),
		RedisPrefix:        p.str("KMEME_REDIS_PREFIX", ""),
		HTTPAddr:           p.str("KMEME_HTTP_ADDR", "127.0.0.1:8080"),
		CORSOrigins:        p.list("KMEME_CORS_ORIGINS", DefaultCORSOrigins),
		TrustedProxies:     p.prefixes("KMEME_TRUSTED_PROXIES"),
		MaxBodyBytes:       p.int64("KMEME_MAX_BODY_BYTES", 1<<20),
		ReadHeaderTimeout:  p.dur("KMEME_HTTP_READ_HEADER_TIMEOUT", 5*time.Second),
		ReadTimeout:        p.dur("KMEME_HTTP_READ_TIMEOUT", 120*time.Second),
		WriteTimeout:       p.dur("KMEME_HTTP_WRITE_TIMEOUT", 0),
		IdleTimeout:        p.dur("KMEME_HTTP_IDLE_TIMEOUT", 120*time.Second),
		RequestTimeout:     p.dur("KMEME_REQUEST_TIMEOUT", 15*time.Second),
		ShutdownTimeout:    p.dur("KMEME_SHUTDOWN_TIMEOUT", 20*time.Second),
		LogLevel:           p.str("KMEME_LOG_LEVEL", "info"),
		OTLPEndpoint:       p.get.first("", "KMEME_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"),
		SentryDSN:          p.get.first("", "KMEME_SENTRY_DSN", "SENTRY_DSN"),
		DataDir:            p.str("KMEME_DATA_DIR", "./var/data"),
		FFmpegPath:         p.str("KMEME_FFMPEG", "ffmpeg"),
		FFprobePath:        p.str("KMEME_FFPROBE", "ffprobe"),
		DefaultVisibility:  p.str("KMEME_DEFAULT_VISIBILITY", "private"),
		Jobs:               loadJobs(p),
		Blobs:              loadBlobs(p),
		Uploads:            loadUploads(p),
		Auth:               loadAuth(p),
		Limits:             loadLimits(p),
		Privacy:            loadPrivacy(p),
	}
	ai, err := AIFromEnv(getenv)
	if err != nil {
		p.errs = append(p.errs, err)
	}
	c.AI = ai
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// Validate checks ranges and formats; every message names the variable.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.Env != "development" && c.Env != "production" && c.Env != "test" {
		bad("KMEME_ENV: %q must be development, production or test", c.Env)
	}
	if c.Env == "production" && c.Auth.KeyEncryptionKeys == "" {
		bad("KMEME_KEY_ENCRYPTION_KEY: required in production to seal the token signing keys (k1:$(openssl rand -base64 32))")
	}
	if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		bad("KMEME_DATABASE_URL: must be a postgres:// URL")
	}
	if c.DBMaxConns < 1 || c.DBMaxConns > 1000 {
		bad("KMEME_DB_MAX_CONNS: %d must be between 1 and 1000", c.DBMaxConns)
	}
	if c.DBMinConns < 0 || c.DBMinConns > c.DBMaxConns {
		bad("KMEME_DB_MIN_CONNS: %d must be between 0 and KMEME_DB_MAX_CONNS (%d)", c.DBMinConns, c.DBMaxConns)
	}
	if c.DBStatementTimeout < 0 {
		bad("KMEME_DB_STATEMENT_TIMEOUT: must not be negative")
	}
	if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
		bad("KMEME_REDIS_URL: must be a redis:// or rediss:// URL")
	}
	if c.RedisTimeout <= 0 {
		bad("KMEME_REDIS_TIMEOUT: must be positive")
	}
	if c.HTTPAddr == "" || !strings.Contains(c.HTTPAddr, ":") {
		bad("KMEME_HTTP_ADDR: %q must be host:port", c.HTTPAddr)
	}
	for _, o := range c.CORSOrigins {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			bad("KMEME_CORS_ORIGINS: %q is not an origin such as https://k-meme.com", o)
		}
	}
	if c.MaxBodyBytes < 1024 {
		bad("KMEME_MAX_BODY_BYTES: %d must be at least 1024", c.MaxBodyBytes)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("KMEME_LOG_LEVEL: %q must be debug, info, warn or error", c.LogLevel)
	}
	if c.DataDir == "" {
		bad("KMEME_DATA_DIR: must not be empty")
	}
	if c.DefaultVisibility != "private" && c.DefaultVisibility != "public" {
		bad("KMEME_DEFAULT_VISIBILITY: %q must be private or public", c.DefaultVisibility)
	}
	for _, section := range [][]error{c.Jobs.validate(), c.Blobs.validate(), c.Uploads.validate(),
		c.Auth.validate(), c.Limits.validate(), c.Privacy.validate()} {
		errs = append(errs, section...)
	}
	return errors.Join(errs...)
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
