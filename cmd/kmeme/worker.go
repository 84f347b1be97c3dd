package main

import (
	"context"

	"github.com/kmeme-factory/kmeme/internal/httpapi"
)

// cmdWorker runs the job workers alone, for scaling out on other machines.
func cmdWorker(ctx context.Context, e env, _ []string) error {
	a, err := openApp(ctx, e)
	if err != nil {
		return err
	}
	defer a.close()
	var deps httpapi.Deps
	stop, err := a.platform(ctx, &deps, true)
	if err != nil {
		return err
	}
	defer stop()
	a.log.Info("worker running")
	<-ctx.Done()
	return nil
}
