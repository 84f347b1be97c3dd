package redis_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/redis"
	"github.com/kmeme-factory/kmeme/internal/redis/redistest"
)

func TestCheckReportsMemoryAndPolicy(t *testing.T) {
	t.Parallel()
	c, err := redis.Open(redis.Config{URL: redistest.URL(), Prefix: "test:" + t.Name() + ":"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	h := c.Check(context.Background())
	if !h.OK || h.UsedMemoryBytes <= 0 || h.MaxMemoryPolicy == "" || h.Version == "" {
		t.Fatalf("health = %+v", h)
	}
	if got := c.Key("recipe", "42"); got != "test:"+t.Name()+":recipe:42" {
		t.Errorf("Key = %q", got)
	}
}

func TestCheckFailsFastWhenRedisIsSilent(t *testing.T) {
	t.Parallel()
	// A listener that accepts and never answers: a hung Redis.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			defer conn.Close()
		}
	}()
	c, err := redis.Open(redis.Config{URL: "redis://" + ln.Addr().String(), Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	h := c.Check(context.Background())
	if h.OK || h.Error == "" {
		t.Fatalf("health of a silent server = %+v", h)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("check took %v; the timeout is 100ms", el)
	}
}

func TestOpenRejectsBadURL(t *testing.T) {
	t.Parallel()
	if _, err := redis.Open(redis.Config{URL: "http://x"}); err == nil {
		t.Fatal("want error")
	}
}

func TestParseInfo(t *testing.T) {
	t.Parallel()
	m := redis.ParseInfo("# Memory\r\nused_memory:1024\r\nmaxmemory_policy:allkeys-lru\r\n\r\n# Server\r\nredis_version:7.0.15\r\n")
	if m["used_memory"] != "1024" || m["maxmemory_policy"] != "allkeys-lru" || m["redis_version"] != "7.0.15" {
		t.Fatalf("ParseInfo = %v", m)
	}
}
