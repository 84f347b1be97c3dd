package main

import (
	"context"
	"fmt"
	"log/slog"
	"os/exec"

	"github.com/kmeme-factory/kmeme/internal/config"
	"github.com/kmeme-factory/kmeme/internal/httpapi"
	"github.com/kmeme-factory/kmeme/internal/lifecycle"
	"github.com/kmeme-factory/kmeme/internal/media"
	"github.com/kmeme-factory/kmeme/internal/observe"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/redis"
)

// app holds the long-lived dependencies shared by serve and worker.
type app struct {
	cfg     *config.Config
	ai      config.AI // AI providers, prices and budget, read once
	log     *slog.Logger
	db      *postgres.DB
	redis   *redis.Client
	metrics *httpapi.Metrics
	closers []func()
	// services are the background loops the wiring added (job workers,
	// progress hub, flushers, purges); startServices starts them.
	services lifecycle.Group
}

// openApp reads the configuration and connects to PostgreSQL and Redis.
// Redis being down is not fatal: the API serves from PostgreSQL.
func openApp(ctx context.Context, e env) (*app, error) {
	cfg, err := config.FromEnv(e.getenv)
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	a := &app{cfg: cfg, ai: cfg.AI, log: observe.Logger(e.stderr, cfg.LogLevel), metrics: httpapi.NewMetrics()}
	stop, err := observe.Setup(ctx, observe.Config{Service: "kmeme", Version: version, Environment: cfg.Env,
		OTLPEndpoint: cfg.OTLPEndpoint, SentryDSN: cfg.SentryDSN})
	if err != nil {
		return nil, err
	}
	a.closers = append(a.closers, func() { _ = stop(context.Background()) })
	a.db, err = postgres.Open(ctx, postgres.PoolConfig{URL: cfg.DatabaseURL, MaxConns: cfg.DBMaxConns,
		MinConns: cfg.DBMinConns, StatementTimeout: cfg.DBStatementTimeout})
	if err != nil {
		a.close()
		return nil, err
	}
	a.closers = append(a.closers, a.db.Close)
	a.metrics.Registry.MustRegister(postgres.NewPoolCollector(a.db.Pool))
	a.redis, err = redis.Open(redis.Config{URL: cfg.RedisURL, Timeout: cfg.RedisTimeout, Prefix: cfg.RedisPrefix})
	if err != nil {
		a.close()
		return nil, err
	}
	a.closers = append(a.closers, func() { _ = a.redis.Close() })
	return a, nil
}

// mediaTools are the configured ffmpeg and ffprobe (KMEME_FFMPEG, KMEME_FFPROBE).
func (a *app) mediaTools() media.Tools {
	return media.Tools{FFmpeg: a.cfg.FFmpegPath, FFprobe: a.cfg.FFprobePath}
}

// mediaTools are the ffmpeg and ffprobe the one-shot commands run: the
// server's KMEME_FFMPEG and KMEME_FFPROBE, PATH's when unset.
func (e env) mediaTools() media.Tools {
	return media.Tools{FFmpeg: e.getenv("KMEME_FFMPEG"), FFprobe: e.getenv("KMEME_FFPROBE")}
}

// startServices starts the background services in the order they were
// added. They run until stopServices, not until ctx ends: after a signal
// the HTTP server drains first, with the loops and running jobs still at
// work, and then they stop within KMEME_SHUTDOWN_TIMEOUT.
func (a *app) startServices(ctx context.Context) error {
	return a.services.Start(context.WithoutCancel(ctx))
}

// stopServices stops the background services in reverse order, letting
// running jobs finish within KMEME_SHUTDOWN_TIMEOUT.
func (a *app) stopServices() {
	ctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
	defer cancel()
	if err := a.services.Stop(ctx); err != nil {
		a.log.Warn("background services did not stop cleanly", "err", err.Error())
	}
}

func (a *app) close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
	a.closers = nil
}

// readyChecks are the parts /readyz reports.
func (a *app) readyChecks() []httpapi.ReadyCheck {
	ffmpegErr := func() error {
		for _, tool := range []string{a.cfg.FFmpegPath, a.cfg.FFprobePath} {
			if _, err := exec.LookPath(tool); err != nil {
				return fmt.Errorf("%s not found", tool)
			}
		}
		return nil
	}()
	return []httpapi.ReadyCheck{
		{Name: "postgres", Check: func(ctx context.Context) (any, error) {
			if err := a.db.Ping(ctx); err != nil {
				return nil, err
			}
			s := a.db.Pool.Stat()
			return map[string]int32{"total_conns": s.TotalConns(), "idle_conns": s.IdleConns(), "max_conns": s.MaxConns()}, nil
		}},
		{Name: "migrations", Check: func(ctx context.Context) (any, error) {
			pending, err := postgres.PendingMigrations(ctx, a.db.Pool)
			if err != nil {
				return nil, err
			}
			if len(pending) > 0 {
				return pending, fmt.Errorf("%d pending; run kmeme migrate", len(pending))
			}
			return nil, nil
		}},
		{Name: "redis", Check: func(ctx context.Context) (any, error) {
			h := a.redis.Check(ctx)
			if !h.OK {
				a.metrics.RedisErrors.WithLabelValues("health").Inc()
				return h, fmt.Errorf("%s", h.Error)
			}
			return h, nil
		}},
		{Name: "ffmpeg", Check: func(context.Context) (any, error) { return nil, ffmpegErr }},
	}
}
