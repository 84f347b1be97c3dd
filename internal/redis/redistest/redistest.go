// Package redistest gives a test its own slice of the local Redis: a
// client whose keys carry a unique prefix, all deleted when the test ends.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/redis"
)

// URL is the Redis tests use (KMEME_TEST_REDIS_URL, default the local server).
func URL() string {
	if u := os.Getenv("KMEME_TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

// New opens a client with a unique key prefix and the given call timeout
// (generous timeouts keep a busy machine from looking like an outage).
func New(t testing.TB, timeout time.Duration) *redis.Client {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	prefix := "test:" + t.Name() + ":" + hex.EncodeToString(b[:]) + ":"
	c, err := redis.Open(redis.Config{URL: URL(), Timeout: timeout, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		if keys, _ := c.R.Keys(ctx, prefix+"*").Result(); len(keys) > 0 {
			c.R.Del(ctx, keys...)
		}
		_ = c.Close()
	})
	return c
}

// StartServer runs a private redis-server on a free loopback port, for
// tests that kill Redis mid-traffic (the shared server is never touched).
// It returns the server's URL and a kill function, also run at cleanup.
func StartServer(t testing.TB) (url string, kill func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command("redis-server", "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Skipf("redis-server: %v", err)
	}
	var once sync.Once
	kill = func() { once.Do(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }) }
	t.Cleanup(kill)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server did not start on %s", addr)
		}
		time.Sleep(10 * time.Millisecond) // waiting for a child process to listen; no signal to wait on
	}
	return "redis://" + addr + "/0", kill
}

// Down opens a client to a loopback port nothing listens on: every call is
// refused, as when Redis is down. The client is closed at cleanup.
func Down(t testing.TB, timeout time.Duration) *redis.Client {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, err := redis.Open(redis.Config{URL: "redis://" + addr, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}
