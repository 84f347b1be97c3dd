package kmeme

import (
	"context"
	"io"
)

// Caller is who is making a request, as established by sign-in.
type Caller struct {
	UserID string
	Role   Role
	// Via says how the caller signed in: "local", "firebase" or "session".
	Via string
}

// IsAdmin reports whether the caller has the admin role.
func (c *Caller) IsAdmin() bool { return c != nil && c.Role == RoleAdmin }

type callerKey struct{}

// WithCaller returns a context carrying the caller.
func WithCaller(ctx context.Context, c *Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom returns the signed-in caller, or nil for an anonymous request.
func CallerFrom(ctx context.Context) *Caller {
	c, _ := ctx.Value(callerKey{}).(*Caller)
	return c
}

// CanRead reports whether the caller may see an object with this owner and
// visibility: public objects, their own objects, and admins. Anything else
// answers ENOTFOUND so that ids leak nothing.
func CanRead(c *Caller, ownerID *string, v Visibility) bool {
	if v == VisibilityPublic {
		return true
	}
	return CanChange(c, ownerID)
}

// CanChange reports whether the caller may change or delete an object: its
// owner or an admin. Objects owned by nobody (erased accounts) are admin-only.
func CanChange(c *Caller, ownerID *string) bool {
	if c == nil {
		return false
	}
	if c.IsAdmin() {
		return true
	}
	return ownerID != nil && *ownerID == c.UserID
}

// BlobStore keeps files (source videos, rendered files) by key: a local
// directory by default, S3-compatible storage by configuration.
type BlobStore interface {
	// Put stores r under key and returns the bytes written.
	Put(ctx context.Context, key string, r io.Reader, contentType string) (int64, error)
	// Open returns the content and its size, or ENOTFOUND.
	Open(ctx context.Context, key string) (io.ReadCloser, int64, error)
	// Delete removes key; a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// DeletePrefix removes every key under prefix.
	DeletePrefix(ctx context.Context, prefix string) error
}
