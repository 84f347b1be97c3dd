package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// QuotaStore is the PostgreSQL side of daily quotas: each user's plan and
// override, and the write-behind ledger with idempotent flushes.
type QuotaStore struct{ db DBTX }

// NewQuotaStore returns the store.
func NewQuotaStore(db DBTX) *QuotaStore { return &QuotaStore{db: db} }

// QuotaUser reads a user's plan, override and zone.
func (s *QuotaStore) QuotaUser(ctx context.Context, userID string) (*kmeme.QuotaUser, error) {
	uid, err := ParseID("user_id", userID)
	if err != nil {
		return nil, err
	}
	var q kmeme.QuotaUser
	var o *int32
	if err := s.db.QueryRow(ctx, `SELECT plan, daily_quota_override, time_zone FROM users WHERE id = $1`, uid).Scan(&q.Plan, &o, &q.TimeZone); err != nil {
		return nil, translate(err, "read quota user")
	}
	if o != nil {
		v := int64(*o)
		q.Override = &v
	}
	return &q, nil
}

// LedgerUsed is the flushed use of a user's day (0 when none).
func (s *QuotaStore) LedgerUsed(ctx context.Context, userID, day string) (int64, error) {
	uid, err := ParseID("user_id", userID)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.db.QueryRow(ctx, `SELECT used FROM quota_ledger WHERE user_id = $1 AND day = $2::date`, uid, day).Scan(&n)
	if err == pgx.ErrNoRows {
		return 0, nil
	}
	return n, translate(err, "read quota ledger")
}

// CountRemixesSince counts the user's nodes created since t.
func (s *QuotaStore) CountRemixesSince(ctx context.Context, userID string, t time.Time) (int64, error) {
	return NewUserStore(s.db).CountRemixesSince(ctx, userID, t)
}

// ApplyFlush adds delta to the ledger once per flush id, in one
// transaction: a flush replayed after a crash finds its id and does nothing.
func (s *QuotaStore) ApplyFlush(ctx context.Context, flushID, userID, day string, delta int64) (bool, error) {
	uid, err := ParseID("user_id", userID)
	if err != nil {
		return false, err
	}
	applied := false
	err = InTx(ctx, s.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO quota_flushes (flush_id, user_id, day, delta) VALUES ($1, $2, $3::date, $4)
			ON CONFLICT (flush_id) DO NOTHING`, flushID, uid, day, delta)
		if err != nil {
			return translate(err, "record quota flush")
		}
		if tag.RowsAffected() == 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `INSERT INTO quota_ledger (user_id, day, used) VALUES ($1, $2::date, $3)
			ON CONFLICT (user_id, day) DO UPDATE SET used = quota_ledger.used + EXCLUDED.used, updated_at = now()`, uid, day, delta); err != nil {
			return translate(err, "apply quota flush")
		}
		applied = true
		return nil
	})
	return applied, err
}

// QuotaDay is one day of a user's ledger.
type QuotaDay struct {
	Day  string `json:"day"`
	Used int64  `json:"used"`
}

// History lists a user's ledger, oldest first.
func (s *QuotaStore) History(ctx context.Context, userID string) ([]QuotaDay, error) {
	uid, err := ParseID("user_id", userID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT to_char(day, 'YYYY-MM-DD'), used FROM quota_ledger WHERE user_id = $1 ORDER BY day`, uid)
	if err != nil {
		return nil, translate(err, "quota history")
	}
	defer rows.Close()
	out := []QuotaDay{}
	for rows.Next() {
		var d QuotaDay
		if err := rows.Scan(&d.Day, &d.Used); err != nil {
			return nil, translate(err, "quota history")
		}
		out = append(out, d)
	}
	return out, translate(rows.Err(), "quota history")
}
