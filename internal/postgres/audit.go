package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// AuditLog appends to audit_log.
type AuditLog struct{ db DBTX }

// NewAuditLog returns the log.
func NewAuditLog(db DBTX) *AuditLog { return &AuditLog{db: db} }

// AuditEntry is one row.
type AuditEntry struct {
	ID        int64           `json:"id"`
	UserID    *string         `json:"user_id,omitempty"`
	Action    string          `json:"action"`
	IP        string          `json:"ip,omitempty"`
	Detail    json.RawMessage `json:"detail,omitempty"`
	CreatedAt time.Time       `json:"created_at"`
}

// Record appends an entry; userID may be "" (failed sign-in of an unknown account).
func (a *AuditLog) Record(ctx context.Context, userID, action, ip string, detail map[string]any) error {
	var uid *uuid.UUID
	if u, err := uuid.Parse(userID); err == nil {
		uid = &u
	}
	if detail == nil {
		detail = map[string]any{}
	}
	d, err := json.Marshal(detail)
	if err != nil {
		return err
	}
	_, err = a.db.Exec(ctx, `INSERT INTO audit_log (user_id, action, ip, detail) VALUES ($1, $2, $3, $4)`, uid, action, ip, d)
	return translate(err, "record audit entry")
}

// ForUser lists a user's entries, oldest first.
func (a *AuditLog) ForUser(ctx context.Context, userID string) ([]AuditEntry, error) {
	uid, err := ParseID("user_id", userID)
	if err != nil {
		return nil, err
	}
	rows, err := a.db.Query(ctx, `SELECT id, user_id::text, action, ip, detail, created_at FROM audit_log WHERE user_id = $1 ORDER BY id`, uid)
	if err != nil {
		return nil, translate(err, "list audit entries")
	}
	defer rows.Close()
	out := []AuditEntry{}
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, &e.UserID, &e.Action, &e.IP, &e.Detail, &e.CreatedAt); err != nil {
			return nil, translate(err, "scan audit entry")
		}
		out = append(out, e)
	}
	return out, translate(rows.Err(), "list audit entries")
}
