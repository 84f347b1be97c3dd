package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/kmeme-factory/kmeme/internal/config"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/redis"
)

// The extensions the migrations create; a managed PostgreSQL must offer them.
var doctorExtensions = []string{"vector", "postgis", "ltree", "pg_trgm"}

// The specification's cache settings (deploy/redis.conf).
const (
	specMaxMemory       = 1000 * 1024 * 1024
	specMaxMemoryPolicy = "allkeys-lru"
)

// doctor collects one line per check.
type doctor struct {
	out      io.Writer
	problems int
}

func (d *doctor) ok(format string, args ...any) {
	fmt.Fprintf(d.out, "ok      "+format+"\n", args...)
}

func (d *doctor) problem(format string, args ...any) {
	d.problems++
	msg := strings.Join(strings.Fields(fmt.Sprintf(format, args...)), " ")
	fmt.Fprintln(d.out, "PROBLEM "+msg)
}

func (d *doctor) note(format string, args ...any) {
	fmt.Fprintf(d.out, "note    "+format+"\n", args...)
}

// cmdDoctor checks the configuration in the environment against the live
// services it names: PostgreSQL (connection, extensions, migrations), the
// blob store (write, read back, delete), Redis (connection, memory limit,
// eviction policy) and the media tools. It prints one line per check and
// fails if any check found a problem.
func cmdDoctor(ctx context.Context, e env, args []string) error {
	if len(args) > 0 {
		return usageError{"doctor takes no arguments: it reads the KMEME_* variables"}
	}
	cfg, err := config.FromEnv(e.getenv)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	d := &doctor{out: e.stdout}
	d.postgres(ctx, cfg.DatabaseURL)
	d.blobs(ctx, cfg)
	d.redis(ctx, cfg)
	d.tools(ctx, e.getenv, cfg)
	d.ai(ctx, cfg.AI)
	if d.problems > 0 {
		return fmt.Errorf("doctor: %d problem(s) found", d.problems)
	}
	fmt.Fprintln(e.stdout, "doctor: no problems found")
	return nil
}

// redactURL hides a password in a connection URL.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

func (d *doctor) postgres(ctx context.Context, dbURL string) {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	db, err := postgres.Open(cctx, postgres.PoolConfig{URL: dbURL, MaxConns: 2, MinConns: 0, StatementTimeout: 5 * time.Second})
	if err != nil {
		d.problem("postgres: cannot connect to %s (KMEME_DATABASE_URL): %v", redactURL(dbURL), err)
		return
	}
	defer db.Close()
	var version string
	_ = db.Pool.QueryRow(cctx, "SHOW server_version").Scan(&version)
	d.ok("postgres: connected to %s (PostgreSQL %s)", redactURL(dbURL), version)

	for _, ext := range doctorExtensions {
		var installed, available *string
		err := db.Pool.QueryRow(cctx, `SELECT
			(SELECT extversion FROM pg_extension WHERE extname = $1),
			(SELECT default_version FROM pg_available_extensions WHERE name = $1)`, ext).Scan(&installed, &available)
		switch {
		case err != nil:
			d.problem("postgres: cannot read extension %s: %v", ext, err)
		case installed != nil:
			d.ok("postgres: extension %s %s", ext, *installed)
		case available != nil:
			d.problem("postgres: extension %s is not installed in this database (the server offers %s): run 'kmeme migrate'", ext, *available)
		default:
			d.problem("postgres: extension %s is not available on this server: install it (Debian: %s) or use a PostgreSQL that has it", ext, extPackage(ext))
		}
	}

	pending, err := postgres.PendingMigrations(cctx, db.Pool)
	switch {
	case err != nil:
		d.problem("postgres: cannot read applied migrations: %v", err)
	case len(pending) > 0:
		d.problem("postgres: %d migration(s) not applied (%s): run 'kmeme migrate'", len(pending), strings.Join(pending, ", "))
	default:
		d.ok("postgres: migrations applied")
	}
	var river *string
	if err := db.Pool.QueryRow(cctx, "SELECT to_regclass('river_job')::text").Scan(&river); err != nil {
		d.problem("postgres: cannot look for the job queue: %v", err)
	} else if river == nil {
		d.problem("postgres: the job queue tables (river_job) are missing: run 'kmeme migrate'")
	} else {
		d.ok("postgres: job queue tables present")
	}
}

func extPackage(ext string) string {
	switch ext {
	case "vector":
		return "postgresql-15-pgvector"
	case "postgis":
		return "postgresql-15-postgis-3"
	default:
		return "postgresql-contrib"
	}
}

func (d *doctor) blobs(ctx context.Context, cfg *config.Config) {
	where := cfg.Blobs.URL
	if where == "" {
		where = "file://" + filepath.Join(cfg.DataDir, "blobs") + " (KMEME_DATA_DIR)"
	}
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	store, err := openBlobs(cctx, cfg.DataDir, cfg.Blobs)
	if err != nil {
		d.problem("blobs: cannot open %s: %v", where, err)
		return
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	key := "doctor/" + hex.EncodeToString(b[:]) + ".txt"
	body := []byte("kmeme doctor " + time.Now().UTC().Format(time.RFC3339Nano))
	if _, err := store.Put(cctx, key, bytes.NewReader(body), "text/plain"); err != nil {
		d.problem("blobs: cannot write to %s: %v", where, err)
		return
	}
	rc, _, err := store.Open(cctx, key)
	if err != nil {
		d.problem("blobs: wrote %s but cannot read it back from %s: %v", key, where, err)
		_ = store.Delete(cctx, key)
		return
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(got, body) {
		d.problem("blobs: %s read back differently from %s (%d of %d bytes, %v)", key, where, len(got), len(body), err)
	}
	if err := store.Delete(cctx, key); err != nil {
		d.problem("blobs: cannot delete from %s: %v", where, err)
		return
	}
	if rc, _, err := store.Open(cctx, key); err == nil {
		rc.Close()
		d.problem("blobs: %s is still readable from %s after delete", key, where)
		return
	} else if kmeme.ErrorCode(err) != kmeme.ENOTFOUND {
		d.problem("blobs: after delete, reading %s from %s failed otherwise than not-found: %v", key, where, err)
		return
	}
	d.ok("blobs: write, read back and delete in %s", where)
}

func (d *doctor) redis(ctx context.Context, cfg *config.Config) {
	where := redactURL(cfg.RedisURL)
	timeout := cfg.RedisTimeout
	if timeout < 2*time.Second {
		timeout = 2 * time.Second // a check from afar (Upstash) is not a request
	}
	c, err := redis.Open(redis.Config{URL: cfg.RedisURL, Timeout: timeout, Prefix: cfg.RedisPrefix})
	if err != nil {
		d.problem("redis: %s (KMEME_REDIS_URL): %v", where, err)
		return
	}
	defer c.Close()
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	h := c.Check(cctx)
	if !h.OK {
		d.problem("redis: cannot reach %s (KMEME_REDIS_URL): %s", where, h.Error)
		return
	}
	if h.Error != "" {
		// Some hosted Redis refuse INFO; then the limits cannot be checked.
		d.problem("redis: %s answers PING but not INFO memory (%s): its memory limit and eviction policy cannot be checked", where, h.Error)
		return
	}
	d.ok("redis: connected to %s (Redis %s, PING %.1f ms)", where, h.Version, h.LatencyMS)
	switch {
	case h.MaxMemoryBytes == 0:
		d.problem("redis: no memory limit (maxmemory 0): the cache grows until the machine runs out of memory; set maxmemory 1000mb (deploy/redis.conf)")
	case h.MaxMemoryBytes != specMaxMemory:
		d.ok("redis: maxmemory %d MB (the specification sizes the cache at 1000 MB)", h.MaxMemoryBytes>>20)
	default:
		d.ok("redis: maxmemory 1000 MB")
	}
	switch p := h.MaxMemoryPolicy; {
	case p == specMaxMemoryPolicy:
		d.ok("redis: maxmemory-policy %s", p)
	case p == "noeviction":
		d.problem("redis: maxmemory-policy noeviction: once maxmemory is reached every cache write fails with OOM; the cache needs %s", specMaxMemoryPolicy)
	case strings.HasPrefix(p, "volatile-"):
		d.problem("redis: maxmemory-policy %s evicts only keys with a TTL, so the full cache refuses writes to keys without one; the cache needs %s", p, specMaxMemoryPolicy)
	default:
		d.problem("redis: maxmemory-policy %s: the cache needs %s", p, specMaxMemoryPolicy)
	}
	// The service keeps the cache, the rate limiter and the quota counters
	// in the one database KMEME_REDIS_URL names, so one policy serves all.
	if h.MaxMemoryPolicy != "noeviction" {
		d.note("redis: rate-limit and quota keys share this database with the cache and are evicted under the same policy " +
			"(a quota is rebuilt from PostgreSQL; an evicted rate-limit key starts a fresh budget)")
	}
}

func (d *doctor) tools(ctx context.Context, getenv func(string) string, cfg *config.Config) {
	for _, t := range []struct{ name, path, variable string }{
		{"ffmpeg", cfg.FFmpegPath, "KMEME_FFMPEG"},
		{"ffprobe", cfg.FFprobePath, "KMEME_FFPROBE"},
		{"tesseract", "tesseract", "PATH"},
	} {
		p, err := lookPath(t.path, getenv("PATH"))
		if err != nil {
			d.problem("tools: %s not found (%s=%s): %v", t.name, t.variable, t.path, err)
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		arg := "-version"
		if t.name == "tesseract" {
			arg = "--list-langs"
		}
		out, err := exec.CommandContext(cctx, p, arg).CombinedOutput()
		cancel()
		if err != nil {
			d.problem("tools: %s (%s) does not run: %v", t.name, p, err)
			continue
		}
		if t.name == "tesseract" {
			langs := strings.Fields(string(out))
			missing := []string{}
			for _, l := range []string{"kor", "eng"} {
				if !contains(langs, l) {
					missing = append(missing, l)
				}
			}
			if len(missing) > 0 {
				d.problem("tools: tesseract (%s) lacks language data %s (Debian: tesseract-ocr-%s)", p, strings.Join(missing, ", "), strings.Join(missing, " tesseract-ocr-"))
				continue
			}
		}
		version := "kor, eng"
		if f := strings.Fields(string(out)); t.name != "tesseract" && len(f) >= 3 {
			version = strings.Join(f[:3], " ")
		}
		d.ok("tools: %s %s (%s)", t.name, p, version)
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// lookPath finds name the way exec.LookPath does, in the given PATH (the
// command's environment, which a test sets).
func lookPath(name, path string) (string, error) {
	if strings.Contains(name, "/") {
		if fi, err := os.Stat(name); err != nil {
			return "", err
		} else if fi.IsDir() || fi.Mode()&0o111 == 0 {
			return "", fmt.Errorf("%s is not an executable file", name)
		}
		return name, nil
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("not on PATH")
}
