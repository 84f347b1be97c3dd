package postgres

import (
	"context"
	"encoding/json"

	"github.com/jackc/pgx/v5"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// MaxIdempotencyKeyLen is the longest Idempotency-Key accepted.
const MaxIdempotencyKeyLen = 200

// Replay is the stored answer of an earlier request with the same key.
type Replay struct {
	Status   int
	Response json.RawMessage
}

// ClaimIdempotencyKey claims (scope, key) for a request whose body hashes
// to requestHash, inside tx. It returns nil when the claim is new (the
// caller goes on and calls SaveIdempotentResponse before committing), the
// stored answer when the same request was made before, and EUNPROCESSABLE
// when the key was used with another body. A concurrent claim of the same
// key waits on the unique index until the first transaction ends, so
// identical concurrent submissions do the work once.
func ClaimIdempotencyKey(ctx context.Context, tx pgx.Tx, scope, key, requestHash string) (*Replay, error) {
	if len(key) == 0 || len(key) > MaxIdempotencyKeyLen {
		return nil, kmeme.FieldError("Idempotency-Key", "must be 1 to %d characters", MaxIdempotencyKeyLen)
	}
	tag, err := tx.Exec(ctx, `INSERT INTO idempotency_keys (scope, key, request_hash) VALUES ($1, $2, $3)
		ON CONFLICT (scope, key) DO NOTHING`, scope, key, requestHash)
	if err != nil {
		return nil, translate(err, "claim idempotency key")
	}
	if tag.RowsAffected() == 1 {
		return nil, nil
	}
	var (
		hash   string
		status int
		resp   []byte
	)
	if err := tx.QueryRow(ctx, `SELECT request_hash, status, response FROM idempotency_keys WHERE scope = $1 AND key = $2`,
		scope, key).Scan(&hash, &status, &resp); err != nil {
		return nil, translate(err, "read idempotency key")
	}
	if hash != requestHash {
		return nil, kmeme.Errorf(kmeme.EUNPROCESSABLE, "this Idempotency-Key was used with a different request body")
	}
	if status == 0 {
		return nil, kmeme.Errorf(kmeme.ECONFLICT, "a request with this Idempotency-Key is still being processed")
	}
	return &Replay{Status: status, Response: resp}, nil
}

// SaveIdempotentResponse records the answer for a claimed key.
func SaveIdempotentResponse(ctx context.Context, tx pgx.Tx, scope, key string, status int, response []byte) error {
	_, err := tx.Exec(ctx, `UPDATE idempotency_keys SET status = $3, response = $4 WHERE scope = $1 AND key = $2`,
		scope, key, status, response)
	return translate(err, "save idempotent response")
}

// PurgeIdempotencyKeys deletes keys older than the retention (24 h is usual).
func (s *RemixService) PurgeIdempotencyKeys(ctx context.Context, olderThanHours int) (int64, error) {
	tag, err := s.db.Exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)`, olderThanHours)
	if err != nil {
		return 0, translate(err, "purge idempotency keys")
	}
	return tag.RowsAffected(), nil
}
