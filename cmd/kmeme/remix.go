package main

import (
	"context"
	"errors"
)

// TODO: placeholder until this subcommand lands; replace the whole file.
func cmdRemix(_ context.Context, _ env, _ []string) error {
	return errors.New("not implemented yet")
}
