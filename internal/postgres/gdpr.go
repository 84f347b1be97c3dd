package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// GDPRStore exports and erases one user's data in PostgreSQL.
//
// Erasure policy: the user's nodes are deleted leaf-first; a node that
// still has remixes by other people (it sits in their lineage) stays, owned
// by nobody, with its personal fields cleared (title, place, files, video
// link, error, text embedding, the analysis's content hash). Its structural
// analysis and recipe stay because other people's remixes build on them;
// its visibility is unchanged. Videos, sessions, quota ledger, consents and
// idempotency records are deleted; AI-call rows and audit entries stay as
// anonymous aggregates (user id, IP and details cleared). Pending jobs of
// the user's nodes are deleted. Erasing twice is harmless.
type GDPRStore struct{ db DBTX }

// NewGDPRStore returns the store.
func NewGDPRStore(db DBTX) *GDPRStore { return &GDPRStore{db: db} }

// UserBlobs lists what the user's data holds in blob storage.
type UserBlobs struct {
	// Keys are blobs only this user's rows reference (safe to delete).
	Keys []string
	// Prefixes are per-node folders (nodes/<id>/) of the user's nodes.
	Prefixes []string
	// NodeIDs are every node the user owns.
	NodeIDs []string
	// Hashes are the content hashes of the user's videos.
	Hashes []string
	// UniqueHashes are the hashes no other owner's video has: caches
	// keyed by them (the analysis cache) describe only this user's content.
	UniqueHashes []string
	// Email is the account's e-mail ("" when the account is gone): the
	// per-account sign-in limit is keyed by it.
	Email string
}

// Blobs finds the user's blobs. Keys lists every file the user's rows
// name (their videos' files, their nodes' files — which include the source
// video a remix plays) that no other row references: a blob shared by
// content hash with another user's video or named in another user's node
// files is never listed, whichever of the user's rows names it.
func (s *GDPRStore) Blobs(ctx context.Context, userID string) (*UserBlobs, error) {
	uid, err := ParseID("user_id", userID)
	if err != nil {
		return nil, err
	}
	out := &UserBlobs{}
	rows, err := s.db.Query(ctx, `WITH cand AS (
			SELECT v.blob_key AS k FROM videos v WHERE v.owner_id = $1 AND v.blob_key <> ''
			UNION
			SELECT f->>'key' FROM remix_nodes n
				CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(n.files) = 'array' THEN n.files ELSE '[]'::jsonb END) f
			WHERE n.owner_id = $1 AND coalesce(f->>'key', '') <> '')
		SELECT c.k FROM cand c
		WHERE NOT EXISTS (SELECT 1 FROM videos o WHERE o.blob_key = c.k AND o.owner_id IS DISTINCT FROM $1)
		  AND NOT EXISTS (SELECT 1 FROM remix_nodes o WHERE o.owner_id IS DISTINCT FROM $1
			AND o.files @> jsonb_build_array(jsonb_build_object('key', c.k)))
		ORDER BY c.k`, uid)
	if err != nil {
		return nil, translate(err, "list user blobs")
	}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return nil, translate(err, "list user blobs")
		}
		out.Keys = append(out.Keys, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, translate(err, "list user blobs")
	}
	if err := s.db.QueryRow(ctx, `SELECT coalesce(array_agg(content_hash), '{}'),
			coalesce(array_agg(content_hash) FILTER (WHERE NOT EXISTS (SELECT 1 FROM videos o
				WHERE o.content_hash = v.content_hash AND o.owner_id IS DISTINCT FROM $1)), '{}'),
			coalesce((SELECT email FROM users WHERE id = $1), '')
		FROM videos v WHERE owner_id = $1`, uid).Scan(&out.Hashes, &out.UniqueHashes, &out.Email); err != nil {
		return nil, translate(err, "list user hashes")
	}
	if err := s.db.QueryRow(ctx, `SELECT coalesce(array_agg(id::text), '{}') FROM remix_nodes WHERE owner_id = $1`, uid).Scan(&out.NodeIDs); err != nil {
		return nil, translate(err, "list user nodes")
	}
	for _, id := range out.NodeIDs {
		out.Prefixes = append(out.Prefixes, "nodes/"+id+"/")
	}
	return out, nil
}

// ErasureReport says what an erasure did.
type ErasureReport struct {
	Found        bool `json:"found"`
	NodesDeleted int  `json:"nodes_deleted"`
	NodesKept    int  `json:"nodes_kept"`
	JobsDeleted  int  `json:"jobs_deleted"`
}

// Erase removes the user from PostgreSQL in one transaction (see the type's
// policy). A user that does not exist is not an error.
func (s *GDPRStore) Erase(ctx context.Context, userID string) (*ErasureReport, error) {
	uid, err := ParseID("user_id", userID)
	if err != nil {
		return nil, err
	}
	rep := &ErasureReport{}
	err = InTx(ctx, s.db, func(tx pgx.Tx) error {
		var x uuid.UUID
		if err := tx.QueryRow(ctx, `SELECT id FROM users WHERE id = $1 FOR UPDATE`, uid).Scan(&x); err == pgx.ErrNoRows {
			return nil
		} else if err != nil {
			return translate(err, "lock user")
		}
		rep.Found = true
		var nodeIDs []string
		if err := tx.QueryRow(ctx, `SELECT coalesce(array_agg(id::text), '{}') FROM remix_nodes WHERE owner_id = $1`, uid).Scan(&nodeIDs); err != nil {
			return translate(err, "list nodes")
		}
		tag, err := tx.Exec(ctx, `DELETE FROM river_job WHERE state <> 'running'
			AND (args->>'node_id' = ANY($1) OR args::text LIKE '%' || $2 || '%')`, nodeIDs, userID)
		if err != nil {
			return translate(err, "delete jobs")
		}
		rep.JobsDeleted = int(tag.RowsAffected())
		nodes := NewRemixNodeService(tx)
		for {
			var leaves []string
			if err := tx.QueryRow(ctx, `SELECT coalesce(array_agg(id::text ORDER BY depth DESC), '{}') FROM remix_nodes
				WHERE owner_id = $1 AND children_count = 0`, uid).Scan(&leaves); err != nil {
				return translate(err, "list leaf nodes")
			}
			if len(leaves) == 0 {
				break
			}
			for _, id := range leaves {
				if err := nodes.DeleteNode(ctx, id); err != nil {
					return err
				}
				rep.NodesDeleted++
			}
		}
		tag, err = tx.Exec(ctx, `UPDATE remix_nodes SET owner_id = NULL, title = '', location = NULL, location_label = '',
			files = NULL, video_id = NULL, error = '', text_embedding = NULL,
			analysis = CASE WHEN analysis IS NULL THEN NULL ELSE analysis - 'content_hash' END, updated_at = now()
			WHERE owner_id = $1`, uid)
		if err != nil {
			return translate(err, "anonymise nodes")
		}
		rep.NodesKept = int(tag.RowsAffected())
		steps := []struct{ doing, sql string }{
			{"delete videos", `DELETE FROM videos WHERE owner_id = $1`},
			{"anonymise ai calls", `UPDATE ai_calls SET user_id = NULL, error = '' WHERE user_id = $1`},
			{"delete idempotency keys", `DELETE FROM idempotency_keys WHERE scope = $1::text`},
			{"anonymise audit", `UPDATE audit_log SET user_id = NULL, ip = '', detail = '{}' WHERE user_id = $1 OR detail::text LIKE '%' || $1::text || '%'`},
			{"delete user", `DELETE FROM users WHERE id = $1`},
			{"record erasure", `INSERT INTO audit_log (action) SELECT 'erasure' WHERE $1::uuid IS NOT NULL`},
		}
		for _, st := range steps {
			if _, err := tx.Exec(ctx, st.sql, uid); err != nil {
				return translate(err, st.doing)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// Export is the PostgreSQL part of a GDPR export.
type Export struct {
	Account      json.RawMessage `json:"account"`
	Videos       json.RawMessage `json:"videos"`
	Nodes        json.RawMessage `json:"nodes"`
	QuotaHistory json.RawMessage `json:"quota_history"`
	AICalls      json.RawMessage `json:"ai_calls"`
	Consents     json.RawMessage `json:"consents"`
	Sessions     json.RawMessage `json:"sessions"`
	Audit        json.RawMessage `json:"audit_log"`
	// IdempotencyKeys are the stored answers of the user's retried
	// requests (they hold the created remix: title, place).
	IdempotencyKeys json.RawMessage `json:"idempotency_keys"`
}

// Export gathers every row about the user as JSON.
func (s *GDPRStore) Export(ctx context.Context, userID string) (*Export, error) {
	uid, err := ParseID("user_id", userID)
	if err != nil {
		return nil, err
	}
	var e Export
	parts := []struct {
		dst *json.RawMessage
		sql string
	}{
		{&e.Account, `SELECT to_jsonb(u) - 'password_hash' || jsonb_build_object('has_password', u.password_hash IS NOT NULL AND u.password_hash <> '')
			FROM users u WHERE id = $1`},
		{&e.Videos, `SELECT coalesce(jsonb_agg(to_jsonb(v) - 'blob_key' ORDER BY created_at), '[]') FROM videos v WHERE owner_id = $1`},
		{&e.Nodes, `SELECT coalesce(jsonb_agg(to_jsonb(n) - 'embedding' - 'text_embedding' - 'location' - 'path'
			|| jsonb_build_object('lat', ST_Y(n.location::geometry), 'lon', ST_X(n.location::geometry)) ORDER BY id), '[]')
			FROM remix_nodes n WHERE owner_id = $1`},
		{&e.QuotaHistory, `SELECT coalesce(jsonb_agg(jsonb_build_object('day', day, 'used', used) ORDER BY day), '[]') FROM quota_ledger WHERE user_id = $1`},
		{&e.AICalls, `SELECT coalesce(jsonb_agg(to_jsonb(c) ORDER BY id), '[]') FROM ai_calls c WHERE user_id = $1`},
		{&e.Consents, `SELECT coalesce(jsonb_agg(to_jsonb(c) ORDER BY purpose), '[]') FROM consents c WHERE user_id = $1`},
		{&e.Sessions, `SELECT coalesce(jsonb_agg(jsonb_build_object('created_at', created_at, 'expires_at', expires_at, 'used_at', used_at,
			'revoked_at', revoked_at) ORDER BY created_at), '[]') FROM refresh_tokens WHERE user_id = $1`},
		{&e.Audit, `SELECT coalesce(jsonb_agg(jsonb_build_object('action', action, 'ip', ip, 'detail', detail, 'created_at', created_at) ORDER BY id), '[]')
			FROM audit_log WHERE user_id = $1`},
		{&e.IdempotencyKeys, `SELECT coalesce(jsonb_agg(jsonb_build_object('key', key, 'status', status, 'response', response,
			'created_at', created_at) ORDER BY created_at, key), '[]') FROM idempotency_keys WHERE scope = $1::text`},
	}
	for _, p := range parts {
		var b []byte
		if err := s.db.QueryRow(ctx, p.sql, uid).Scan(&b); err != nil {
			return nil, translate(err, "export")
		}
		*p.dst = b
	}
	return &e, nil
}

// StaleVideo is a source video past the retention period.
type StaleVideo struct {
	ID      string
	BlobKey string
}

// StaleVideos lists videos created before `before` whose file is still
// kept, skipping files that a newer video shares.
func (s *GDPRStore) StaleVideos(ctx context.Context, before time.Time, limit int) ([]StaleVideo, error) {
	rows, err := s.db.Query(ctx, `SELECT v.id::text, v.blob_key FROM videos v WHERE v.created_at < $1 AND v.blob_key <> ''
		AND NOT EXISTS (SELECT 1 FROM videos o WHERE o.blob_key = v.blob_key AND o.created_at >= $1)
		ORDER BY v.created_at LIMIT $2`, before, limit)
	if err != nil {
		return nil, translate(err, "list stale videos")
	}
	defer rows.Close()
	var out []StaleVideo
	for rows.Next() {
		var v StaleVideo
		if err := rows.Scan(&v.ID, &v.BlobKey); err != nil {
			return nil, translate(err, "list stale videos")
		}
		out = append(out, v)
	}
	return out, translate(rows.Err(), "list stale videos")
}

// MarkPurged clears a video's blob key after its file was deleted (the row,
// its analysis and its recipes stay).
func (s *GDPRStore) MarkPurged(ctx context.Context, blobKey string) error {
	_, err := s.db.Exec(ctx, `UPDATE videos SET blob_key = '' WHERE blob_key = $1`, blobKey)
	return translate(err, "mark video purged")
}
