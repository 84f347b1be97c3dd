package main

import (
	"context"
	"errors"

	"github.com/kmeme-factory/kmeme/internal/httpapi"
)

// cmdWorker runs the job workers alone, for scaling out on other machines:
// every worker process takes pipeline jobs from the same PostgreSQL queue.
func cmdWorker(ctx context.Context, e env, _ []string) error {
	a, err := openApp(ctx, e)
	if err != nil {
		return err
	}
	defer a.close()
	if a.cfg.Jobs.Workers == 0 {
		return errors.New("KMEME_WORKERS is 0: a worker process with no workers has nothing to do")
	}
	var deps httpapi.Deps
	if err := a.content(ctx, &deps, true); err != nil {
		return err
	}
	a.registerJobMetrics()
	if err := a.metricsListener(e.getenv("KMEME_METRICS_ADDR")); err != nil {
		return err
	}
	if err := a.startServices(ctx); err != nil {
		return err
	}
	defer a.stopServices()
	a.log.Info("worker running", "workers", a.cfg.Jobs.Workers)
	<-ctx.Done()
	a.log.Info("worker stopping: finishing running jobs", "grace", a.cfg.ShutdownTimeout.String())
	return nil
}
