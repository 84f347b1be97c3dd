package postgres

import (
	"context"
	"crypto/sha256"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// TokenStore keeps rotating refresh tokens (hashed) and the server's signing keys.
type TokenStore struct{ db DBTX }

// NewTokenStore returns the store.
func NewTokenStore(db DBTX) *TokenStore { return &TokenStore{db: db} }

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// IssueRefresh stores a new refresh token. family is "" for a new sign-in.
func (s *TokenStore) IssueRefresh(ctx context.Context, userID, family, token string, expires time.Time) error {
	uid, err := ParseID("user_id", userID)
	if err != nil {
		return err
	}
	fam := uuid.New()
	if family != "" {
		if fam, err = uuid.Parse(family); err != nil {
			return kmeme.Errorf(kmeme.EINVALID, "bad token family")
		}
	}
	_, err = s.db.Exec(ctx, `INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)`,
		uid, fam, hashToken(token), expires)
	return translate(err, "issue refresh token")
}

// errRefreshInvalid answers unknown, expired and revoked refresh tokens alike.
var errRefreshInvalid = kmeme.Errorf(kmeme.EUNAUTHORIZED, "the refresh token is invalid or expired; sign in again")

// SpendRefresh marks a refresh token used and returns its grant; the caller
// issues the successor in the same family. A token presented twice (reuse:
// likely stolen) revokes its whole family.
func (s *TokenStore) SpendRefresh(ctx context.Context, token string, now time.Time) (*kmeme.RefreshGrant, error) {
	var g *kmeme.RefreshGrant
	reused := false
	err := InTx(ctx, s.db, func(tx pgx.Tx) error {
		var id, user, fam uuid.UUID
		var used, revoked *time.Time
		var expires time.Time
		err := tx.QueryRow(ctx, `SELECT id, user_id, family_id, used_at, revoked_at, expires_at FROM refresh_tokens
			WHERE token_hash = $1 FOR UPDATE`, hashToken(token)).Scan(&id, &user, &fam, &used, &revoked, &expires)
		if err == pgx.ErrNoRows {
			return errRefreshInvalid
		}
		if err != nil {
			return translate(err, "find refresh token")
		}
		if used != nil || revoked != nil {
			if _, err := tx.Exec(ctx, `UPDATE refresh_tokens SET revoked_at = coalesce(revoked_at, $2) WHERE family_id = $1`, fam, now); err != nil {
				return translate(err, "revoke family")
			}
			reused = used != nil && revoked == nil
			return nil
		}
		if !now.Before(expires) {
			return errRefreshInvalid
		}
		if _, err := tx.Exec(ctx, `UPDATE refresh_tokens SET used_at = $2 WHERE id = $1`, id, now); err != nil {
			return translate(err, "spend refresh token")
		}
		g = &kmeme.RefreshGrant{UserID: user.String(), Family: fam.String()}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if g == nil {
		if reused {
			return nil, kmeme.Errorf(kmeme.EUNAUTHORIZED, "this refresh token was already used; every session of this sign-in is revoked")
		}
		return nil, errRefreshInvalid
	}
	return g, nil
}

// RevokeRefresh revokes the family of a refresh token (logout). Unknown tokens are ignored.
func (s *TokenStore) RevokeRefresh(ctx context.Context, token string, now time.Time) error {
	_, err := s.db.Exec(ctx, `UPDATE refresh_tokens SET revoked_at = coalesce(revoked_at, $2)
		WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)`, hashToken(token), now)
	return translate(err, "revoke refresh token")
}

// SigningKeys lists keys not retired before `since`, newest first.
func (s *TokenStore) SigningKeys(ctx context.Context, since time.Time) ([]kmeme.SigningKey, error) {
	rows, err := s.db.Query(ctx, `SELECT kid, alg, private_key, public_key, created_at, retired_at FROM signing_keys
		WHERE retired_at IS NULL OR retired_at > $1 ORDER BY created_at DESC, kid`, since)
	if err != nil {
		return nil, translate(err, "list signing keys")
	}
	defer rows.Close()
	var out []kmeme.SigningKey
	for rows.Next() {
		var k kmeme.SigningKey
		if err := rows.Scan(&k.KID, &k.Alg, &k.Private, &k.Public, &k.CreatedAt, &k.RetiredAt); err != nil {
			return nil, translate(err, "scan signing key")
		}
		out = append(out, k)
	}
	return out, translate(rows.Err(), "list signing keys")
}

// ResealSigningKey replaces a key's stored private half (sealed again
// under the current key-encryption key).
func (s *TokenStore) ResealSigningKey(ctx context.Context, kid string, private []byte) error {
	_, err := s.db.Exec(ctx, `UPDATE signing_keys SET private_key = $2 WHERE kid = $1`, kid, private)
	return translate(err, "reseal signing key")
}

// AddSigningKey stores a new key and retires the others as of now: they
// keep verifying until their tokens expire. Running this from two instances
// at once is harmless; the newest key signs.
func (s *TokenStore) AddSigningKey(ctx context.Context, k kmeme.SigningKey, now time.Time) error {
	return InTx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE signing_keys SET retired_at = $1 WHERE retired_at IS NULL`, now); err != nil {
			return translate(err, "retire signing keys")
		}
		_, err := tx.Exec(ctx, `INSERT INTO signing_keys (kid, alg, private_key, public_key, created_at) VALUES ($1, $2, $3, $4, $5)`,
			k.KID, k.Alg, k.Private, k.Public, now)
		return translate(err, "add signing key")
	})
}
