package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/postgres/pgtest"
	"github.com/kmeme-factory/kmeme/internal/redis/redistest"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startWorker runs `kmeme worker` with vars as its environment until the
// test ends (the stop is checked), and returns its log.
func startWorker(t *testing.T, vars map[string]string) *syncBuffer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"kmeme", "worker"}, func(k string) string { return vars[k] }, strings.NewReader(""), io.Discard, logs)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("worker: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("worker did not stop within 30s")
		}
	})
	return logs
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func waitFor(t *testing.T, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v", d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v: %s", url, err, b)
		}
	}
	return resp.StatusCode
}

// TestServeSurvivesRedisDeath runs the real binary's run() on a free port
// with its own Redis, kills that Redis, and checks that /readyz says so
// while the recipe view keeps answering from PostgreSQL.
func TestServeSurvivesRedisDeath(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.NewDatabase(t)
	redisURL, killRedis := redistest.StartServer(t)
	port := freePort(t)
	vars := map[string]string{
		"KMEME_DATABASE_URL": dbURL,
		"KMEME_REDIS_URL":    redisURL,
		"KMEME_HTTP_ADDR":    fmt.Sprintf("127.0.0.1:%d", port),
		"KMEME_DB_MIN_CONNS": "0",
		"KMEME_DB_MAX_CONNS": "8",
		"KMEME_WORKERS":      "0",
		"KMEME_DATA_DIR":     t.TempDir(),
		"KMEME_REDIS_PREFIX": "test:serve:",
	}
	getenv := func(k string) string { return vars[k] }
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"kmeme", "serve"}, getenv, strings.NewReader(""), io.Discard, &logs) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop within 30s of cancel")
		}
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitFor(t, 20*time.Second, func() bool {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == 200
	})
	if code := getJSON(t, base+"/readyz", nil); code != 200 {
		t.Fatalf("readyz before: %d; logs: %s", code, logs.String())
	}
	signup, err := http.Post(base+"/api/auth/signup", "application/json",
		strings.NewReader(`{"email":"redis-test@example.com","password":"correct horse battery staple"}`))
	if err != nil {
		t.Fatal(err)
	}
	var session struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(signup.Body).Decode(&session)
	signup.Body.Close()
	if signup.StatusCode != 201 || session.AccessToken == "" {
		t.Fatalf("signup: %d", signup.StatusCode)
	}
	req, _ := http.NewRequest("POST", base+"/api/remix", strings.NewReader(`{"title":"레디스 없이도","visibility":"public"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+session.AccessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var node struct{ ID string }
	_ = json.NewDecoder(resp.Body).Decode(&node)
	resp.Body.Close()
	if resp.StatusCode != 201 || node.ID == "" {
		t.Fatalf("create: %d", resp.StatusCode)
	}

	killRedis()
	var ready struct {
		Failing []string `json:"failing"`
	}
	if code := getJSON(t, base+"/readyz", &ready); code != 503 || len(ready.Failing) == 0 || ready.Failing[0] != "redis" {
		t.Fatalf("readyz after killing redis: %d %+v", code, ready)
	}
	start := time.Now()
	if code := getJSON(t, base+"/api/remix/"+node.ID, nil); code != 200 {
		t.Fatalf("recipe view of a public remix without redis: %d", code)
	}
	if el := time.Since(start); el > 3*time.Second {
		t.Errorf("recipe view took %v without redis", el)
	}
	if !strings.Contains(logs.String(), `"msg":"listening"`) {
		t.Errorf("no listening log line: %s", logs.String())
	}
}

func TestRunUsage(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"kmeme"}, os.Getenv, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "serve") {
		t.Fatalf("help: %v %q", err, out.String())
	}
	err := run(context.Background(), []string{"kmeme", "explode"}, os.Getenv, nil, io.Discard, io.Discard)
	if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "unknown command") {
		t.Fatalf("unknown command: %v", err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"kmeme", "version"}, os.Getenv, nil, &out, io.Discard); err != nil || !strings.HasPrefix(out.String(), "kmeme ") {
		t.Fatalf("version: %v %q", err, out.String())
	}
}

func TestServeRejectsBadConfigurationInOneLine(t *testing.T) {
	t.Parallel()
	getenv := func(k string) string {
		if k == "KMEME_DB_MAX_CONNS" {
			return "lots"
		}
		return ""
	}
	err := run(context.Background(), []string{"kmeme", "serve"}, getenv, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(oneLine(err), "KMEME_DB_MAX_CONNS") || strings.Contains(oneLine(err), "\n") {
		t.Fatalf("bad config: %v", err)
	}
}

// TestServeRejectsRetiredModelInOneLine: `kmeme serve` (and `kmeme worker`)
// with a retired or unpriced model stop at start, in one line naming the
// variable, before touching a database.
func TestServeRejectsRetiredModelInOneLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{"KMEME_ANTHROPIC_API_KEY": "k", "KMEME_CLAUDE_MODEL": "claude-sonnet-4-5"}, "KMEME_CLAUDE_MODEL=claude-sonnet-4-5: the model was retired on 2026-11-30; use claude-sonnet-5-5"},
		{map[string]string{"KMEME_GEMINI_API_KEY": "k", "KMEME_GEMINI_MODEL": "gemini-2.5-flash"}, "KMEME_GEMINI_MODEL=gemini-2.5-flash: the model was retired on 2026-12-01"},
		{map[string]string{"KMEME_GEMINI_API_KEY": "k", "KMEME_GEMINI_MODEL": "gemini-next"}, "KMEME_GEMINI_MODEL=gemini-next: no price"},
	} {
		for _, cmd := range []string{"serve", "worker"} {
			err := run(context.Background(), []string{"kmeme", cmd}, func(k string) string { return tc.vars[k] }, nil, io.Discard, io.Discard)
			if err == nil || !strings.Contains(oneLine(err), tc.want) || strings.Contains(oneLine(err), "\n") {
				t.Errorf("%s %v: %v", cmd, tc.vars, err)
			}
		}
	}
}
