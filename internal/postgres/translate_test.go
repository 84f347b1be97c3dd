package postgres

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// TestTranslateConnectionLossIsUnavailable: a session ended by a database
// restart, failover or a broken socket is a 503 (retry), never a 500.
func TestTranslateConnectionLossIsUnavailable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		err  error
		want string
	}{
		{&pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"}, kmeme.EUNAVAILABLE},
		{&pgconn.PgError{Code: "57P03", Message: "the database system is starting up"}, kmeme.EUNAVAILABLE},
		{&pgconn.PgError{Code: "08006", Message: "connection failure"}, kmeme.EUNAVAILABLE},
		{&pgconn.PgError{Code: "53300", Message: "too many connections"}, kmeme.EUNAVAILABLE},
		{fmt.Errorf("read: %w", io.ErrUnexpectedEOF), kmeme.EUNAVAILABLE},
		{&pgconn.PgError{Code: "23505"}, kmeme.ECONFLICT},
		{&pgconn.PgError{Code: "42P01", Message: "relation does not exist"}, kmeme.EINTERNAL},
		{errors.New("something else"), kmeme.EINTERNAL},
	}
	for _, c := range cases {
		got := translate(c.err, "doing")
		if code := kmeme.ErrorCode(got); code != c.want {
			t.Errorf("%v → %s, want %s", c.err, code, c.want)
		}
		if !errors.Is(got, c.err) {
			t.Errorf("%v: cause lost in %v", c.err, got)
		}
	}
}
