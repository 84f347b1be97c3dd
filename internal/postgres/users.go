package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// UserStore keeps accounts: local (e-mail and argon2id hash) and Firebase-linked.
type UserStore struct{ db DBTX }

// NewUserStore returns the store.
func NewUserStore(db DBTX) *UserStore { return &UserStore{db: db} }

const userCols = `id::text, coalesce(email, ''), display_name, role, plan, coalesce(firebase_uid, ''), time_zone, created_at, coalesce(password_hash, ''), daily_quota_override`

func scanUser(row pgx.Row) (*kmeme.UserRecord, error) {
	var u kmeme.UserRecord
	var role string
	var override *int32
	if err := row.Scan(&u.ID, &u.Email, &u.DisplayName, &role, &u.Plan, &u.FirebaseUID, &u.TimeZone, &u.CreatedAt, &u.PasswordHash, &override); err != nil {
		return nil, err
	}
	u.Role = kmeme.Role(role)
	if override != nil {
		v := int64(*override)
		u.DailyQuotaOverride = &v
	}
	return &u, nil
}

// CreateLocal inserts a local account; a taken e-mail is ECONFLICT.
func (s *UserStore) CreateLocal(ctx context.Context, email, passwordHash, displayName string, role kmeme.Role) (*kmeme.UserRecord, error) {
	u, err := scanUser(s.db.QueryRow(ctx, `INSERT INTO users (email, password_hash, display_name, role)
		VALUES ($1, $2, $3, $4) RETURNING `+userCols, kmeme.NormalizeEmail(email), passwordHash, displayName, string(role)))
	if err != nil {
		err = translate(err, "create user")
		if kmeme.ErrorCode(err) == kmeme.ECONFLICT {
			return nil, &kmeme.Error{Code: kmeme.ECONFLICT, Field: "email", Message: "an account with this e-mail exists", Err: err}
		}
		return nil, err
	}
	return u, nil
}

// ByEmail finds a user by e-mail (ENOTFOUND when none).
func (s *UserStore) ByEmail(ctx context.Context, email string) (*kmeme.UserRecord, error) {
	u, err := scanUser(s.db.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE email = $1`, kmeme.NormalizeEmail(email)))
	return u, translate(err, "find user by email")
}

// ByID finds a user by id (ENOTFOUND when none or malformed).
func (s *UserStore) ByID(ctx context.Context, id string) (*kmeme.UserRecord, error) {
	uid, err := ParseID("id", id)
	if err != nil {
		return nil, kmeme.Errorf(kmeme.ENOTFOUND, "no such user")
	}
	u, err := scanUser(s.db.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, uid))
	return u, translate(err, "find user")
}

// Exists reports whether the account is live (one primary-key probe): an
// erased account's unexpired access token must not write.
func (s *UserStore) Exists(ctx context.Context, id string) (bool, error) {
	uid, err := ParseID("id", id)
	if err != nil {
		return false, nil
	}
	var ok bool
	err = s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE id = $1)`, uid).Scan(&ok)
	return ok, translate(err, "check account")
}

// UpsertFirebase returns the user linked to a Firebase uid, creating it (or
// linking an existing account with the same verified e-mail) on first sign-in.
func (s *UserStore) UpsertFirebase(ctx context.Context, uid, email string, emailVerified bool, role kmeme.Role) (*kmeme.UserRecord, error) {
	if u, err := scanUser(s.db.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE firebase_uid = $1`, uid)); err == nil {
		return u, nil
	} else if err != pgx.ErrNoRows {
		return nil, translate(err, "find firebase user")
	}
	if email != "" && emailVerified {
		u, err := scanUser(s.db.QueryRow(ctx, `UPDATE users SET firebase_uid = $1, updated_at = now()
			WHERE email = $2 AND firebase_uid IS NULL RETURNING `+userCols, uid, kmeme.NormalizeEmail(email)))
		if err == nil {
			return u, nil
		}
		if err != pgx.ErrNoRows {
			return nil, translate(err, "link firebase user")
		}
	}
	var em *string
	if email != "" && emailVerified {
		e := kmeme.NormalizeEmail(email)
		em = &e
	}
	u, err := scanUser(s.db.QueryRow(ctx, `INSERT INTO users (firebase_uid, email, role) VALUES ($1, $2, $3)
		ON CONFLICT (firebase_uid) DO UPDATE SET updated_at = now() RETURNING `+userCols, uid, em, string(role)))
	return u, translate(err, "create firebase user")
}

// SetRole changes a user's role.
func (s *UserStore) SetRole(ctx context.Context, id string, role kmeme.Role) error {
	uid, err := ParseID("id", id)
	if err != nil {
		return err
	}
	tag, err := s.db.Exec(ctx, `UPDATE users SET role = $2, updated_at = now() WHERE id = $1`, uid, string(role))
	if err != nil {
		return translate(err, "set role")
	}
	if tag.RowsAffected() == 0 {
		return kmeme.Errorf(kmeme.ENOTFOUND, "no such user")
	}
	return nil
}

// SetQuotaOverride sets (or with nil clears) a user's daily quota override.
func (s *UserStore) SetQuotaOverride(ctx context.Context, id string, limit *int64) error {
	uid, err := ParseID("id", id)
	if err != nil {
		return kmeme.Errorf(kmeme.ENOTFOUND, "no such user")
	}
	tag, err := s.db.Exec(ctx, `UPDATE users SET daily_quota_override = $2, updated_at = now() WHERE id = $1`, uid, limit)
	if err != nil {
		return translate(err, "set quota override")
	}
	if tag.RowsAffected() == 0 {
		return kmeme.Errorf(kmeme.ENOTFOUND, "no such user")
	}
	return nil
}

// CountRemixesSince counts the user's nodes created at or after since (the
// quota rebuild's view of "the day's jobs").
func (s *UserStore) CountRemixesSince(ctx context.Context, id string, since time.Time) (int64, error) {
	uid, err := ParseID("id", id)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.db.QueryRow(ctx, `SELECT count(*) FROM remix_nodes WHERE owner_id = $1 AND created_at >= $2`, uid, since).Scan(&n)
	return n, translate(err, "count remixes")
}
