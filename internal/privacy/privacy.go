// Package privacy answers GDPR export and erasure across PostgreSQL, Redis
// and blob storage, and purges source videos past the retention period.
package privacy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/lifecycle"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/redis"
)

// Service is GDPR export and erasure of one user, and the retention loop.
type Service struct {
	GDPR  *postgres.GDPRStore
	Audit *postgres.AuditLog
	Redis *redis.Client // optional
	Blobs kmeme.BlobStore
	Log   *slog.Logger
	// RetentionDays purges source videos older than this (0 = keep).
	RetentionDays int
	// RetentionEvery is how often the retention loop runs (default 1h).
	RetentionEvery time.Duration
	Now            func() time.Time

	mu        sync.Mutex
	retention *lifecycle.Periodic // from Start
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.New(slog.DiscardHandler)
}

// Document is the GDPR export: one machine-readable JSON document.
type Document struct {
	Format     string           `json:"format"`
	ExportedAt time.Time        `json:"exported_at"`
	Postgres   *postgres.Export `json:"postgres"`
	Redis      map[string]any   `json:"redis"`
	Blobs      []BlobEntry      `json:"blobs"`
	Notes      []string         `json:"notes"`
}

// BlobEntry is one stored file of the user.
type BlobEntry struct {
	Key  string `json:"key"`
	Size int64  `json:"size"`
}

// Export gathers what every store holds about the user.
func (s *Service) Export(ctx context.Context, userID string) (any, error) {
	pg, err := s.GDPR.Export(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", userID, err)
	}
	doc := &Document{Format: "kmeme-export/v1", ExportedAt: s.now().UTC(), Postgres: pg, Redis: map[string]any{}, Blobs: []BlobEntry{},
		Notes: []string{
			"postgres: your account, uploads, remixes, daily quota history, AI calls made for you, consents, sessions (no token values), audit entries and the stored answers of your retried requests (idempotency keys)",
			"redis: today's quota counters and rate-limit state, short-lived",
			"blobs: the files stored for your uploads and remixes (download them through the API)",
		}}
	ub, err := s.GDPR.Blobs(ctx, userID)
	if err != nil {
		return nil, err
	}
	if s.Redis != nil {
		keys, err := s.userRedisKeys(ctx, userID, ub.Email, nil)
		if err != nil {
			doc.Notes = append(doc.Notes, "redis was unavailable during this export")
		}
		for _, k := range keys {
			if strings.Contains(k, ":quota:") {
				h, _ := s.Redis.R.HGetAll(ctx, k).Result()
				doc.Redis[k] = h
			} else {
				doc.Redis[k] = "rate-limit state"
			}
		}
	}
	if s.Blobs != nil {
		for _, k := range ub.Keys {
			rc, size, err := s.Blobs.Open(ctx, k)
			if err != nil {
				continue
			}
			rc.Close()
			doc.Blobs = append(doc.Blobs, BlobEntry{Key: k, Size: size})
		}
	}
	if s.Audit != nil {
		_ = s.Audit.Record(ctx, userID, kmeme.AuditExport, "", nil)
	}
	return doc, nil
}

// Erase removes the user everywhere: blobs first (so that a failure leaves
// the rows that find them for the next attempt), then PostgreSQL in one
// transaction, then Redis. Repeating it is harmless.
func (s *Service) Erase(ctx context.Context, userID string) error {
	ub, err := s.GDPR.Blobs(ctx, userID)
	if err != nil {
		return fmt.Errorf("erase %s: %w", userID, err)
	}
	if s.Blobs != nil {
		for _, k := range ub.Keys {
			if err := s.Blobs.Delete(ctx, k); err != nil {
				return fmt.Errorf("erase %s: delete blob: %w", userID, err)
			}
		}
		for _, p := range ub.Prefixes {
			if err := s.Blobs.DeletePrefix(ctx, p); err != nil {
				return fmt.Errorf("erase %s: delete blobs: %w", userID, err)
			}
		}
	}
	rep, err := s.GDPR.Erase(ctx, userID)
	if err != nil {
		return fmt.Errorf("erase %s: %w", userID, err)
	}
	if s.Redis != nil {
		keys, err := s.userRedisKeys(ctx, userID, ub.Email, append(append([]string{}, ub.NodeIDs...), ub.UniqueHashes...))
		if err == nil && len(keys) > 0 {
			err = s.Redis.R.Del(ctx, keys...).Err()
		}
		if err == nil {
			err = s.removeDirty(ctx, userID)
		}
		if err != nil {
			// Redis holds only short-lived counters and caches (TTL ≤ 3 days).
			s.log().Warn("erasure: redis cleanup failed; keys expire on their own", "err", err.Error())
		}
	}
	s.log().Info("user erased", "found", rep.Found, "nodes_deleted", rep.NodesDeleted, "nodes_kept", rep.NodesKept, "jobs_deleted", rep.JobsDeleted)
	return nil
}

// userRedisKeys finds the user's quota and rate-limit keys (the
// per-account sign-in limit is keyed by e-mail), and — when mentions is
// not nil — cached entries naming one of them (the user's nodes, the
// hashes of content only they uploaded) plus similar-result caches, which
// may list their nodes.
func (s *Service) userRedisKeys(ctx context.Context, userID, email string, mentioned []string) ([]string, error) {
	patterns := []string{s.Redis.Key("quota", userID, "*"), s.Redis.Key("rl", "*", "u:"+userID)}
	if email != "" {
		patterns = append(patterns, s.Redis.Key("rl", "*", "acct:"+globEscape(kmeme.NormalizeEmail(email))))
	}
	cacheAt := -1
	if mentioned != nil {
		cacheAt = len(patterns)
		patterns = append(patterns, s.Redis.Key("cache", "*"))
	}
	var out []string
	for i, p := range patterns {
		iter := s.Redis.R.Scan(ctx, 0, p, 500).Iterator()
		for iter.Next(ctx) {
			k := iter.Val()
			if i == cacheAt && !mentions(k, mentioned) && !strings.Contains(k, ":similar:") {
				continue
			}
			out = append(out, k)
		}
		if err := iter.Err(); err != nil {
			return out, err
		}
	}
	return out, nil
}

// globEscape quotes Redis glob characters in s.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '*', '?', '[', ']', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func mentions(k string, ids []string) bool {
	for _, id := range ids {
		if strings.Contains(k, id) {
			return true
		}
	}
	return false
}

// removeDirty drops the user's members from the quota flusher's set.
func (s *Service) removeDirty(ctx context.Context, userID string) error {
	key := s.Redis.Key("quota", "dirty")
	members, err := s.Redis.R.SMembers(ctx, key).Result()
	if err != nil {
		return err
	}
	var drop []any
	for _, m := range members {
		if strings.HasPrefix(m, userID+"|") {
			drop = append(drop, m)
		}
	}
	if len(drop) == 0 {
		return nil
	}
	return s.Redis.R.SRem(ctx, key, drop...).Err()
}

// PurgeOnce deletes the files of source videos older than the retention
// period and clears their blob keys; analyses and recipes stay.
func (s *Service) PurgeOnce(ctx context.Context) (int, error) {
	if s.RetentionDays <= 0 || s.Blobs == nil {
		return 0, nil
	}
	before := s.now().AddDate(0, 0, -s.RetentionDays)
	n := 0
	for {
		stale, err := s.GDPR.StaleVideos(ctx, before, 100)
		if err != nil {
			return n, err
		}
		if len(stale) == 0 {
			return n, nil
		}
		var errs []error
		for _, v := range stale {
			if err := s.Blobs.Delete(ctx, v.BlobKey); err != nil {
				errs = append(errs, fmt.Errorf("purge %s: %w", v.ID, err))
				continue
			}
			if err := s.GDPR.MarkPurged(ctx, v.BlobKey); err != nil {
				errs = append(errs, err)
				continue
			}
			n++
		}
		if len(errs) > 0 {
			return n, errors.Join(errs...)
		}
	}
}

// Start runs the retention purge at once and then every RetentionEvery
// until Stop (or until ctx ends); it does nothing when retention is off.
// It is an error to start the loop twice.
func (s *Service) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.retention != nil {
		return lifecycle.ErrStarted
	}
	if s.RetentionDays <= 0 {
		return nil
	}
	every := s.RetentionEvery
	if every <= 0 {
		every = time.Hour
	}
	s.retention = &lifecycle.Periodic{Every: every, RunAtStart: true, Task: func(ctx context.Context) {
		if n, err := s.PurgeOnce(ctx); err != nil {
			s.log().Warn("retention purge failed", "purged", n, "err", err.Error())
		} else if n > 0 {
			s.log().Info("retention purge", "purged", n, "days", s.RetentionDays)
		}
	}}
	return s.retention.Start(ctx)
}

// Stop stops the retention loop, waiting for a running purge.
func (s *Service) Stop(ctx context.Context) error {
	s.mu.Lock()
	r := s.retention
	s.mu.Unlock()
	if r == nil {
		return nil
	}
	return r.Stop(ctx)
}
