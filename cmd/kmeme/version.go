package main

import (
	"context"
	"fmt"
	"runtime"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func cmdVersion(_ context.Context, e env, _ []string) error {
	fmt.Fprintf(e.stdout, "kmeme %s (%s)\n", version, runtime.Version())
	return nil
}
