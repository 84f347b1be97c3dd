// Package postgres implements the domain's storage interfaces on PostgreSQL
// (pgx/pgxpool) with pgvector, PostGIS and ltree. Queries are plain,
// parameterised SQL kept next to the code that converts rows into domain
// types; pgx errors are translated into kmeme error codes at this boundary.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// PoolConfig sizes and bounds the pool.
type PoolConfig struct {
	URL              string
	MaxConns         int32         // default 30
	MinConns         int32         // default 20
	StatementTimeout time.Duration // default 5s; 0 keeps the server's
}

// DBTX is what queries need: a pool, a connection or a transaction.
type DBTX interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Begin(ctx context.Context) (pgx.Tx, error)
}

// DB is the connection pool. Waiting for a connection is bounded by the
// caller's context (every request has a deadline).
type DB struct {
	Pool *pgxpool.Pool
}

// Open connects a health-checked pool and pings it.
func Open(ctx context.Context, c PoolConfig) (*DB, error) {
	pc, err := pgxpool.ParseConfig(c.URL)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	if c.MaxConns == 0 {
		c.MaxConns = 30
	}
	if c.MinConns == 0 && c.MaxConns >= 20 {
		c.MinConns = 20
	}
	pc.MaxConns = c.MaxConns
	pc.MinConns = c.MinConns
	pc.HealthCheckPeriod = 15 * time.Second
	pc.MaxConnIdleTime = 5 * time.Minute
	pc.MaxConnLifetime = time.Hour
	pc.ConnConfig.ConnectTimeout = 5 * time.Second
	if c.StatementTimeout > 0 {
		pc.ConnConfig.RuntimeParams["statement_timeout"] = strconv.FormatInt(c.StatementTimeout.Milliseconds(), 10)
	}
	pc.ConnConfig.RuntimeParams["application_name"] = "kmeme"
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("open pool: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	return &DB{Pool: pool}, nil
}

// Close closes the pool.
func (db *DB) Close() { db.Pool.Close() }

// Ping checks the database answers within the context's deadline.
func (db *DB) Ping(ctx context.Context) error { return db.Pool.Ping(ctx) }

// InTx runs fn in a transaction, committing when it returns nil.
func InTx(ctx context.Context, db DBTX, fn func(tx pgx.Tx) error) error {
	tx, err := db.Begin(ctx)
	if err != nil {
		return translate(err, "begin transaction")
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // rollback after commit is a no-op
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return translate(err, "commit")
	}
	return nil
}

// PostgreSQL error codes we translate.
const (
	pgUniqueViolation          = "23505"
	pgForeignKeyViolation      = "23503"
	pgCheckViolation           = "23514"
	pgInvalidText              = "22P02"
	pgQueryCanceled            = "57014"
	pgAdminShutdown            = "57P01"
	pgCrashShutdown            = "57P02"
	pgCannotConnectNow         = "57P03"
	pgTooManyConnections       = "53300"
	pgCharacterNotInRepertoire = "22021"
	pgUntranslatableCharacter  = "22P05"
)

// translate turns pgx and PostgreSQL errors into domain errors, keeping the cause.
func translate(err error, doing string) error {
	if err == nil {
		return nil
	}
	var ke *kmeme.Error
	if errors.As(err, &ke) {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return &kmeme.Error{Code: kmeme.ENOTFOUND, Message: "not found", Err: fmt.Errorf("%s: %w", doing, err)}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case pgUniqueViolation:
			return &kmeme.Error{Code: kmeme.ECONFLICT, Message: "already exists", Err: fmt.Errorf("%s: %w", doing, err)}
		case pgForeignKeyViolation:
			return &kmeme.Error{Code: kmeme.ECONFLICT, Message: "still referenced or refers to something missing", Err: fmt.Errorf("%s: %w", doing, err)}
		case pgCheckViolation, pgInvalidText:
			return &kmeme.Error{Code: kmeme.EINVALID, Message: "invalid value", Err: fmt.Errorf("%s: %w", doing, err)}
		case pgCharacterNotInRepertoire, pgUntranslatableCharacter:
			// The API refuses such text at its boundary; this is the net.
			return &kmeme.Error{Code: kmeme.EINVALID, Message: "the text holds a character that cannot be stored (NUL or invalid UTF-8)", Err: fmt.Errorf("%s: %w", doing, err)}
		case pgQueryCanceled:
			return &kmeme.Error{Code: kmeme.EUNAVAILABLE, Message: "the database took too long", Err: fmt.Errorf("%s: %w", doing, err)}
		case pgAdminShutdown, pgCrashShutdown, pgCannotConnectNow, pgTooManyConnections:
			// The server is restarting, failing over or full: the session
			// ended, the next one will be on a fresh connection.
			return &kmeme.Error{Code: kmeme.EUNAVAILABLE, Message: "the database is unavailable", RetryAfterS: 1, Err: fmt.Errorf("%s: %w", doing, err)}
		}
		if strings.HasPrefix(pe.Code, "08") { // connection exception class
			return &kmeme.Error{Code: kmeme.EUNAVAILABLE, Message: "the database is unavailable", RetryAfterS: 1, Err: fmt.Errorf("%s: %w", doing, err)}
		}
	}
	if errors.Is(err, context.DeadlineExceeded) || pgconn.SafeToRetry(err) || isConnError(err) {
		return &kmeme.Error{Code: kmeme.EUNAVAILABLE, Message: "the database is unavailable", RetryAfterS: 1, Err: fmt.Errorf("%s: %w", doing, err)}
	}
	return fmt.Errorf("%s: %w", doing, err)
}

// isConnError reports a connection that could not be made or broke under
// a query (the server went away mid-statement: EOF, reset, closed conn).
func isConnError(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || pgconn.Timeout(err) || errors.As(err, &ne) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		strings.Contains(err.Error(), "conn closed")
}
