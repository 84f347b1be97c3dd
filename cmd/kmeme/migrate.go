package main

import (
	"context"
	"fmt"

	"github.com/kmeme-factory/kmeme/internal/config"
	"github.com/kmeme-factory/kmeme/internal/postgres"
)

func cmdMigrate(ctx context.Context, e env, _ []string) error {
	cfg, err := config.FromEnv(e.getenv)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	db, err := postgres.Open(ctx, postgres.PoolConfig{URL: cfg.DatabaseURL, MaxConns: 2, MinConns: 0})
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := postgres.Migrate(ctx, db.Pool)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(e.stdout, "migrations: up to date")
		return nil
	}
	for _, v := range applied {
		fmt.Fprintln(e.stdout, "applied", v)
	}
	return nil
}
