package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/kmeme-factory/kmeme/internal/postgres/pgtest"
	"github.com/kmeme-factory/kmeme/internal/redis"
	"github.com/kmeme-factory/kmeme/internal/redis/redistest"
)

// doctorEnv is a configuration that passes every check: a migrated test
// database, a private Redis set as the specification says, a blob dir.
type doctorEnv map[string]string

func newDoctorEnv(t *testing.T) doctorEnv {
	t.Helper()
	redisURL, _ := redistest.StartServer(t)
	setRedis(t, redisURL, "1000mb", "allkeys-lru")
	return doctorEnv{
		"KMEME_ENV":          "test",
		"KMEME_DATABASE_URL": pgtest.NewDatabase(t),
		"KMEME_REDIS_URL":    redisURL,
		"KMEME_DATA_DIR":     t.TempDir(),
		"PATH":               os.Getenv("PATH"),
	}
}

func setRedis(t *testing.T, redisURL, maxmemory, policy string) {
	t.Helper()
	c, err := redis.Open(redis.Config{URL: redisURL, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	if err := c.R.ConfigSet(ctx, "maxmemory", maxmemory).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.R.ConfigSet(ctx, "maxmemory-policy", policy).Err(); err != nil {
		t.Fatal(err)
	}
}

// runDoctor runs the command and returns its problem lines.
func runDoctor(t *testing.T, m doctorEnv) (problems []string, out string, err error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err = run(context.Background(), []string{"kmeme", "doctor"}, func(k string) string { return m[k] }, strings.NewReader(""), &stdout, &stderr)
	out = stdout.String()
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "PROBLEM ") {
			problems = append(problems, strings.TrimPrefix(line, "PROBLEM "))
		}
	}
	if (err != nil) != (len(problems) > 0) {
		t.Fatalf("exit error %v does not match %d problem lines:\n%s", err, len(problems), out)
	}
	return problems, out, err
}

// wantOnly fails unless the problems are exactly those matching the
// substrings, one each.
func wantOnly(t *testing.T, problems []string, out string, subs ...string) {
	t.Helper()
	if len(problems) != len(subs) {
		t.Fatalf("want %d problem(s) %q, got %d:\n%s", len(subs), subs, len(problems), out)
	}
	for i, s := range subs {
		if !strings.Contains(problems[i], s) {
			t.Fatalf("problem %d: want %q in %q\n%s", i, s, problems[i], out)
		}
	}
}

func TestDoctorHealthyEnvironment(t *testing.T) {
	m := newDoctorEnv(t)
	problems, out, err := runDoctor(t, m)
	if err != nil {
		t.Fatalf("doctor on a healthy environment: %v %q\n%s", err, problems, out)
	}
	for _, want := range []string{"extension vector", "extension postgis", "extension ltree", "extension pg_trgm",
		"migrations applied", "blobs: write, read back and delete", "maxmemory 1000 MB", "maxmemory-policy allkeys-lru",
		"tools: ffmpeg", "tools: ffprobe", "tools: tesseract", "rate-limit and quota keys share"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	// The probe blob is gone.
	if left, _ := filepath.Glob(filepath.Join(m["KMEME_DATA_DIR"], "blobs", "doctor", "*")); len(left) > 0 {
		t.Errorf("doctor left %v behind", left)
	}
}

func TestDoctorWrongDatabaseURL(t *testing.T) {
	m := newDoctorEnv(t)
	m["KMEME_DATABASE_URL"] = "postgres://postgres:secret@127.0.0.1:1/kmeme?sslmode=disable"
	problems, out, _ := runDoctor(t, m)
	wantOnly(t, problems, out, "postgres: cannot connect to postgres://postgres:xxxxx@127.0.0.1:1/kmeme")
	if strings.Contains(out, "secret") {
		t.Fatalf("password printed:\n%s", out)
	}
}

// A fresh database on the same server: every extension is offered but not
// installed, and nothing is migrated.
func TestDoctorFreshDatabase(t *testing.T) {
	m := newDoctorEnv(t)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, pgtest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "kmeme_doctor_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE template0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	u, _ := url.Parse(pgtest.AdminURL())
	u.Path = "/" + name
	m["KMEME_DATABASE_URL"] = u.String()
	problems, out, _ := runDoctor(t, m)
	wantOnly(t, problems, out,
		"extension vector is not installed in this database",
		"extension postgis is not installed",
		"extension ltree is not installed",
		"extension pg_trgm is not installed",
		"migration(s) not applied (0001_foundation",
		"job queue tables (river_job) are missing")
}

// Migrated once, then a later migration is taken back: doctor names it.
func TestDoctorUnappliedMigration(t *testing.T) {
	m := newDoctorEnv(t)
	ctx := context.Background()
	c, err := pgx.Connect(ctx, m["KMEME_DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var last string
	if err := c.QueryRow(ctx, "DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations) RETURNING version").Scan(&last); err != nil {
		t.Fatal(err)
	}
	problems, out, _ := runDoctor(t, m)
	wantOnly(t, problems, out, "1 migration(s) not applied ("+last+"): run 'kmeme migrate'")
}

func TestDoctorUnwritableBlobDir(t *testing.T) {
	m := newDoctorEnv(t)
	// A file where the blob directory should be: no user, root included, can write under it.
	file := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	m["KMEME_BLOB_URL"] = "file://" + filepath.Join(file, "blobs")
	problems, out, _ := runDoctor(t, m)
	wantOnly(t, problems, out, "blobs: cannot open file://"+filepath.Join(file, "blobs"))
}

func TestDoctorS3Bucket(t *testing.T) {
	backend := s3mem.New()
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	defer srv.Close()
	if err := backend.CreateBucket("kmeme"); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	m := newDoctorEnv(t)
	m["KMEME_BLOB_URL"] = "s3://kmeme/prod"
	m["KMEME_S3_ENDPOINT"] = srv.URL
	problems, out, err := runDoctor(t, m)
	if err != nil || !strings.Contains(out, "blobs: write, read back and delete in s3://kmeme/prod") {
		t.Fatalf("existing bucket: %v %q\n%s", err, problems, out)
	}
	m["KMEME_BLOB_URL"] = "s3://no-such-bucket/prod"
	problems, out, _ = runDoctor(t, m)
	wantOnly(t, problems, out, "blobs: cannot write to s3://no-such-bucket/prod")
}

func TestDoctorRedisEviction(t *testing.T) {
	m := newDoctorEnv(t)
	setRedis(t, m["KMEME_REDIS_URL"], "0", "noeviction") // redis-server's own defaults
	problems, out, _ := runDoctor(t, m)
	wantOnly(t, problems, out, "redis: no memory limit (maxmemory 0)", "redis: maxmemory-policy noeviction: once maxmemory is reached every cache write fails")
	setRedis(t, m["KMEME_REDIS_URL"], "1000mb", "volatile-lru")
	problems, out, _ = runDoctor(t, m)
	wantOnly(t, problems, out, "redis: maxmemory-policy volatile-lru evicts only keys with a TTL")

	killedURL, kill := redistest.StartServer(t)
	kill()
	m["KMEME_REDIS_URL"] = killedURL
	problems, out, _ = runDoctor(t, m)
	wantOnly(t, problems, out, "redis: cannot reach "+killedURL)
}

func TestDoctorMissingTools(t *testing.T) {
	m := newDoctorEnv(t)
	m["KMEME_FFMPEG"] = "/nonexistent/ffmpeg"
	// A PATH with ffprobe and nothing else: tesseract is missing.
	bin := t.TempDir()
	ffprobe, err := lookPath("ffprobe", os.Getenv("PATH"))
	if err != nil {
		t.Skip("no ffprobe on this machine")
	}
	if err := os.Symlink(ffprobe, filepath.Join(bin, "ffprobe")); err != nil {
		t.Fatal(err)
	}
	m["PATH"] = bin
	problems, out, _ := runDoctor(t, m)
	wantOnly(t, problems, out, "tools: ffmpeg not found (KMEME_FFMPEG=/nonexistent/ffmpeg)", "tools: tesseract not found")
}

func TestDoctorBadArguments(t *testing.T) {
	err := run(context.Background(), []string{"kmeme", "doctor", "extra"}, func(string) string { return "" }, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || exitCode(err) != 2 {
		t.Fatalf("want usage error, got %v", err)
	}
}

// TestDoctorAIModels: the doctor asks the provider about each configured
// model: a served one is an ok line, one the provider does not know is a
// problem line naming KMEME_CLAUDE_MODEL, and a model the price table lists
// as retired stops the doctor at the configuration, in one line.
func TestDoctorAIModels(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/v1/models/claude-sonnet-5-5" && r.Header.Get("X-Api-Key") == "k" {
			io.WriteString(w, `{"type":"model","id":"claude-sonnet-5-5","display_name":"Claude Sonnet 5.5","lifecycle":"active","retires_at":null}`)
			return
		}
		w.WriteHeader(404)
		io.WriteString(w, `{"type":"error","error":{"type":"not_found_error","message":"model not found"},"request_id":"req_1"}`)
	}))
	defer srv.Close()
	m := newDoctorEnv(t)
	m["KMEME_ANTHROPIC_API_KEY"], m["KMEME_CLAUDE_BASE_URL"] = "k", srv.URL
	m["GEMINI_API_KEY"] = "exported-for-another-tool"
	problems, out, _ := runDoctor(t, m)
	wantOnly(t, problems, out)
	if !strings.Contains(out, "ok      claude model claude-sonnet-5-5") || !strings.Contains(out, "GEMINI_API_KEY is set but not used") {
		t.Errorf("doctor output:\n%s", out)
	}
	m["KMEME_CLAUDE_MODEL"], m["KMEME_CLAUDE_PRICE_IN_PER_M"], m["KMEME_CLAUDE_PRICE_OUT_PER_M"] = "claude-sonnet-9", "1", "5"
	problems, out, _ = runDoctor(t, m)
	wantOnly(t, problems, out, "KMEME_CLAUDE_MODEL=claude-sonnet-9: Anthropic does not know this model (HTTP 404)")
	m["KMEME_CLAUDE_MODEL"] = "claude-sonnet-4-5"
	var stdout bytes.Buffer
	err := run(context.Background(), []string{"kmeme", "doctor"}, func(k string) string { return m[k] }, strings.NewReader(""), &stdout, io.Discard)
	if err == nil || !strings.Contains(oneLine(err), "KMEME_CLAUDE_MODEL=claude-sonnet-4-5: the model was retired on 2026-11-30") || strings.Contains(oneLine(err), "\n") {
		t.Errorf("retired model: %v", err)
	}
}
