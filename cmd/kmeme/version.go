package main

import (
	"context"
	"fmt"
	"runtime"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func cmdVersion(_ context.Context, e env, _ []string) error {
	fmt.Fprintf(e.stdout, "kmeme %s (%s, engine %s)\n", version, runtime.Version(), kmeme.Engine())
	return nil
}
