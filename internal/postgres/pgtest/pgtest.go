// Package pgtest gives tests their own real PostgreSQL database: a migrated
// template is built once per schema version, and each caller gets a fresh
// copy (CREATE DATABASE … TEMPLATE, well under a second) that is dropped when
// the test ends. Repository tests that need no commit use Tx, a transaction
// rolled back at the end of the test.
package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kmeme-factory/kmeme/internal/postgres"
)

// AdminURL is the server tests use (KMEME_TEST_DATABASE_URL, default the
// local server's "postgres" database). Its user must be able to create databases.
func AdminURL() string {
	if u := os.Getenv("KMEME_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// withDB returns the admin URL pointing at another database.
func withDB(db string) string {
	u, err := url.Parse(AdminURL())
	if err != nil {
		panic(err)
	}
	u.Path = "/" + db
	return u.String()
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// template makes sure a migrated template database for the current
// migrations exists and returns its name.
func template(ctx context.Context) (string, error) {
	templateOnce.Do(func() {
		ms, err := postgres.Migrations()
		if err != nil {
			templateErr = err
			return
		}
		h := sha256.New()
		for _, m := range ms {
			h.Write([]byte(m.Version))
			h.Write([]byte(m.SQL))
		}
		templateName = "kmeme_tmpl_" + hex.EncodeToString(h.Sum(nil))[:12]
		templateErr = buildTemplate(ctx, templateName)
	})
	return templateName, templateErr
}

func buildTemplate(ctx context.Context, name string) error {
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		return fmt.Errorf("pgtest: connect to %s: %w (is PostgreSQL running? run scripts/setup.sh)", AdminURL(), err)
	}
	defer admin.Close(context.Background())
	// Test binaries run in parallel: one builds, the others wait.
	if _, err := admin.Exec(ctx, "SELECT pg_advisory_lock(74156260)"); err != nil {
		return err
	}
	defer admin.Exec(context.Background(), "SELECT pg_advisory_unlock(74156260)") //nolint:errcheck
	var ready bool
	err = admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)", name).Scan(&ready)
	if err != nil || ready {
		return err
	}
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return err
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("pgtest: create template: %w", err)
	}
	pool, err := pgxpool.New(ctx, withDB(name))
	if err != nil {
		return err
	}
	_, err = postgres.Migrate(ctx, pool)
	pool.Close()
	if err != nil {
		return fmt.Errorf("pgtest: migrate template: %w", err)
	}
	if _, err := admin.Exec(ctx, "UPDATE pg_database SET datistemplate = true WHERE datname = $1", name); err != nil {
		return err
	}
	// Old templates from earlier schema versions are dropped.
	rows, err := admin.Query(ctx, `SELECT datname FROM pg_database
		WHERE (datname LIKE 'kmeme_tmpl_%' OR datname LIKE 'kmeme_shared_%') AND substr(datname, length(datname) - 11) <> substr($1, length($1) - 11)`, name)
	if err != nil {
		return err
	}
	old, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, o := range old {
		_, _ = admin.Exec(ctx, "UPDATE pg_database SET datistemplate = false WHERE datname = $1", o)
		_, _ = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{o}.Sanitize()+" WITH (FORCE)")
	}
	return nil
}

// NewDatabase creates a fresh migrated database for t and returns its URL.
// It is dropped when t ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tmpl, err := template(ctx)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "kmeme_t_" + hex.EncodeToString(b[:])
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	defer admin.Close(context.Background())
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE "+pgx.Identifier{tmpl}.Sanitize()); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, AdminURL())
		if err != nil {
			t.Logf("pgtest: drop %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Logf("pgtest: drop %s: %v", name, err)
		}
	})
	return withDB(name)
}

// NewDB creates a fresh migrated database and a small pool on it, both
// closed when t ends.
func NewDB(t testing.TB) *postgres.DB {
	t.Helper()
	dbURL := NewDatabase(t)
	db, err := postgres.Open(context.Background(), postgres.PoolConfig{URL: dbURL, MaxConns: 8, MinConns: 0, StatementTimeout: 30 * time.Second})
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(db.Close)
	return db
}

var (
	sharedOnce sync.Once
	shared     *postgres.DB
	sharedErr  error
)

// sharedDatabase makes sure the database that Tx uses exists for the
// current schema and returns its URL. It is kept between runs: every test
// in it rolls back, so it stays empty.
func sharedDatabase(ctx context.Context) (string, error) {
	tmpl, err := template(ctx)
	if err != nil {
		return "", err
	}
	name := "kmeme_shared_" + tmpl[len("kmeme_tmpl_"):]
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		return "", err
	}
	defer admin.Close(context.Background())
	if _, err := admin.Exec(ctx, "SELECT pg_advisory_lock(74156261)"); err != nil {
		return "", err
	}
	defer admin.Exec(context.Background(), "SELECT pg_advisory_unlock(74156261)") //nolint:errcheck
	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	if !exists {
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE "+pgx.Identifier{tmpl}.Sanitize()); err != nil {
			return "", err
		}
	}
	return withDB(name), nil
}

// Tx returns a transaction on a database shared by all tests; it is rolled
// back when t ends, so tests never see each other's rows.
func Tx(t testing.TB) pgx.Tx {
	t.Helper()
	sharedOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		u, err := sharedDatabase(ctx)
		if err != nil {
			sharedErr = err
			return
		}
		shared, sharedErr = postgres.Open(context.Background(), postgres.PoolConfig{URL: u, MaxConns: 8, MinConns: 0, StatementTimeout: 30 * time.Second})
	})
	if sharedErr != nil {
		t.Fatalf("pgtest: %v", sharedErr)
	}
	tx, err := shared.Pool.Begin(context.Background())
	if err != nil {
		t.Fatalf("pgtest: begin: %v", err)
	}
	t.Cleanup(func() { _ = tx.Rollback(context.Background()) })
	return tx
}
