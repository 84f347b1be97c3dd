package kmeme

import (
	"context"
	"strings"
	"time"
)

// UserRecord is a user with what sign-in and quotas need beyond User.
type UserRecord struct {
	User
	PasswordHash       string
	DailyQuotaOverride *int64
}

// NormalizeEmail is the form e-mail addresses are compared and stored in.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// RefreshGrant is what a spent refresh token proves.
type RefreshGrant struct {
	UserID string
	Family string
}

// SigningKey is one of the server's token signing keys.
type SigningKey struct {
	KID       string
	Alg       string
	Private   []byte
	Public    []byte
	CreatedAt time.Time
	RetiredAt *time.Time
}

// QuotaUser is what a quota decision needs about a user.
type QuotaUser struct {
	Plan     string
	Override *int64
	TimeZone string
}

// Audit actions: what the audit log records.
const (
	AuditSignup       = "signup"
	AuditLogin        = "login"
	AuditLoginFailed  = "login_failed"
	AuditRefreshReuse = "refresh_reuse"
	AuditLogout       = "logout"
	AuditExport       = "export"
	AuditErasure      = "erasure"
	AuditQuotaSet     = "admin_quota_override"
	AuditConsent      = "consent"
)

// UserStore keeps accounts.
type UserStore interface {
	// CreateLocal inserts a local account; a taken e-mail is ECONFLICT.
	CreateLocal(ctx context.Context, email, passwordHash, displayName string, role Role) (*UserRecord, error)
	// ByEmail and ByID return the account or ENOTFOUND.
	ByEmail(ctx context.Context, email string) (*UserRecord, error)
	ByID(ctx context.Context, id string) (*UserRecord, error)
	// Exists reports whether the account is still there (not erased).
	Exists(ctx context.Context, id string) (bool, error)
	// UpsertFirebase finds or makes the account of a Firebase user.
	UpsertFirebase(ctx context.Context, uid, email string, emailVerified bool, role Role) (*UserRecord, error)
	// SetQuotaOverride sets (nil: clears) a user's daily remix limit.
	SetQuotaOverride(ctx context.Context, id string, limit *int64) error
}

// TokenStore keeps refresh tokens (by hash), rotated within families.
type TokenStore interface {
	IssueRefresh(ctx context.Context, userID, family, token string, expires time.Time) error
	// SpendRefresh marks a token used and returns its grant; a token
	// presented twice revokes its whole family.
	SpendRefresh(ctx context.Context, token string, now time.Time) (*RefreshGrant, error)
	RevokeRefresh(ctx context.Context, token string, now time.Time) error
}

// AuditLog appends what happened to an account; userID may be "" (a
// failed sign-in of an unknown account).
type AuditLog interface {
	Record(ctx context.Context, userID, action, ip string, detail map[string]any) error
}

// ConsentStore records what each user agreed to.
type ConsentStore interface {
	// Set grants or withdraws one purpose (EINVALID for an unknown one).
	Set(ctx context.Context, userID, purpose string, granted bool) error
	// List answers every purpose with the user's decision.
	List(ctx context.Context, userID string) ([]Consent, error)
}
