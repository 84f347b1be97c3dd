package postgres

import (
	"context"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// ConsentStore keeps users' consent decisions (GDPR Art. 7: recorded, and
// as easy to withdraw as to give).
type ConsentStore struct{ db DBTX }

// NewConsentStore returns a store over a pool or a transaction.
func NewConsentStore(db DBTX) *ConsentStore { return &ConsentStore{db: db} }

// Set records a decision for one purpose, replacing the previous one.
func (s *ConsentStore) Set(ctx context.Context, userID, purpose string, granted bool) error {
	u, err := ParseID("user_id", userID)
	if err != nil {
		return err
	}
	if !kmeme.ValidConsentPurpose(purpose) {
		return kmeme.FieldError("purpose", "unknown purpose %q", truncate(purpose, 40))
	}
	_, err = s.db.Exec(ctx, `INSERT INTO consents (user_id, purpose, granted) VALUES ($1, $2, $3)
		ON CONFLICT (user_id, purpose) DO UPDATE SET granted = EXCLUDED.granted, created_at = now()`, u, purpose, granted)
	return translate(err, "record consent")
}

// List returns every purpose with the user's decision (not granted when
// never decided).
func (s *ConsentStore) List(ctx context.Context, userID string) ([]kmeme.Consent, error) {
	u, err := ParseID("user_id", userID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT purpose, granted, created_at FROM consents WHERE user_id = $1`, u)
	if err != nil {
		return nil, translate(err, "list consents")
	}
	defer rows.Close()
	got := map[string]kmeme.Consent{}
	for rows.Next() {
		var c kmeme.Consent
		var at time.Time
		if err := rows.Scan(&c.Purpose, &c.Granted, &at); err != nil {
			return nil, translate(err, "list consents")
		}
		c.DecidedAt = &at
		got[c.Purpose] = c
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err, "list consents")
	}
	out := make([]kmeme.Consent, 0, len(kmeme.ConsentPurposes))
	for _, p := range kmeme.ConsentPurposes {
		c, ok := got[p]
		if !ok {
			c = kmeme.Consent{Purpose: p}
		}
		out = append(out, c)
	}
	return out, nil
}

// Granted reports whether the user has granted the purpose.
func (s *ConsentStore) Granted(ctx context.Context, userID, purpose string) (bool, error) {
	u, err := ParseID("user_id", userID)
	if err != nil {
		return false, err
	}
	var granted bool
	err = s.db.QueryRow(ctx, `SELECT coalesce((SELECT granted FROM consents WHERE user_id = $1 AND purpose = $2), false)`, u, purpose).Scan(&granted)
	return granted, translate(err, "read consent")
}
