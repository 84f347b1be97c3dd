// Package redis wraps go-redis for K-MEME Factory: bounded timeouts on every
// call, a key prefix for isolation, and the cache health check the
// specification asks for (PING latency, memory, eviction policy). Nothing
// durable lives only in Redis.
package redis

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Config configures the client.
type Config struct {
	URL     string        // redis:// or rediss:// (Upstash)
	Timeout time.Duration // bound on dial, read and write; default 200ms
	Prefix  string        // prepended to every key
}

// Client is a go-redis client with a key prefix.
type Client struct {
	R      *goredis.Client
	prefix string
}

// Open parses the URL and returns a client; it does not require Redis to be
// up (the service must start and serve from PostgreSQL when it is not).
func Open(c Config) (*Client, error) {
	opt, err := goredis.ParseURL(c.URL)
	if err != nil {
		return nil, fmt.Errorf("parse redis url: %w", err)
	}
	if c.Timeout <= 0 {
		c.Timeout = 200 * time.Millisecond
	}
	opt.DialTimeout = c.Timeout
	opt.ReadTimeout = c.Timeout
	opt.WriteTimeout = c.Timeout
	opt.PoolTimeout = c.Timeout
	opt.MaxRetries = 0    // callers decide; a slow Redis must not multiply latency
	opt.DialerRetries = 1 // a dead Redis fails in one dial timeout, not five
	opt.ContextTimeoutEnabled = true
	return &Client{R: goredis.NewClient(opt), prefix: c.Prefix}, nil
}

// Close closes the connections.
func (c *Client) Close() error { return c.R.Close() }

// Key returns the full key for a logical key such as "recipe:{id}".
func (c *Client) Key(parts ...string) string { return c.prefix + strings.Join(parts, ":") }

// Health is the cache health check.
type Health struct {
	OK              bool    `json:"ok"`
	LatencyMS       float64 `json:"latency_ms"`
	UsedMemoryBytes int64   `json:"used_memory_bytes,omitempty"`
	MaxMemoryBytes  int64   `json:"maxmemory_bytes,omitempty"`
	MaxMemoryPolicy string  `json:"maxmemory_policy,omitempty"`
	Version         string  `json:"version,omitempty"`
	Error           string  `json:"error,omitempty"`
}

// Check pings Redis and reads its memory section.
func (c *Client) Check(ctx context.Context) Health {
	start := time.Now()
	if err := c.R.Ping(ctx).Err(); err != nil {
		return Health{Error: "ping: " + err.Error(), LatencyMS: ms(time.Since(start))}
	}
	h := Health{OK: true, LatencyMS: ms(time.Since(start))}
	info, err := c.R.Info(ctx, "memory", "server").Result()
	if err != nil {
		h.Error = "info: " + err.Error()
		return h
	}
	fields := ParseInfo(info)
	h.UsedMemoryBytes, _ = strconv.ParseInt(fields["used_memory"], 10, 64)
	h.MaxMemoryBytes, _ = strconv.ParseInt(fields["maxmemory"], 10, 64)
	h.MaxMemoryPolicy = fields["maxmemory_policy"]
	h.Version = fields["redis_version"]
	return h
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// ParseInfo reads the key:value lines of an INFO reply.
func ParseInfo(info string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(info, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if k, v, ok := strings.Cut(line, ":"); ok {
			out[k] = v
		}
	}
	return out
}
