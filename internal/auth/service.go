package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// Service runs sign-up, sign-in, refresh and sign-out, and turns a bearer
// token into a caller.
type Service struct {
	Users    kmeme.UserStore
	Tokens   kmeme.TokenStore
	Audit    kmeme.AuditLog
	Keys     *KeyRing
	Firebase *FirebaseVerifier // nil: Firebase sign-in is off
	Params   PasswordParams
	// RefreshTTL is the lifetime of a refresh token.
	RefreshTTL time.Duration
	// AdminEmails get the admin role at sign-up and Firebase sign-in.
	AdminEmails []string
	Now         func() time.Time

	hashOnce  sync.Once
	hashSlots chan struct{}
}

// maxConcurrentHashes bounds argon2id work at once: each hash holds
// Params.Memory (19 MiB by default), so a burst of sign-ins from many IPs
// must queue rather than exhaust memory.
const maxConcurrentHashes = 4

// hashing runs fn holding one of the hashing slots, or gives up with
// EUNAVAILABLE when ctx ends first.
func (s *Service) hashing(ctx context.Context, fn func()) error {
	s.hashOnce.Do(func() { s.hashSlots = make(chan struct{}, maxConcurrentHashes) })
	select {
	case s.hashSlots <- struct{}{}:
	case <-ctx.Done():
		return &kmeme.Error{Code: kmeme.EUNAVAILABLE, RetryAfterS: 1, Message: "too many sign-ins at once; try again", Err: ctx.Err()}
	}
	defer func() { <-s.hashSlots }()
	fn()
	return nil
}

// Session is what a successful sign-in answers.
type Session struct {
	User         kmeme.User
	AccessToken  string
	ExpiresIn    time.Duration
	RefreshToken string
	RefreshTTL   time.Duration
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) roleFor(email string) kmeme.Role {
	if email != "" && slices.Contains(s.AdminEmails, kmeme.NormalizeEmail(email)) {
		return kmeme.RoleAdmin
	}
	return kmeme.RoleUser
}

// firebaseRole gives the admin role only to a verified e-mail in
// AdminEmails: anyone can create a Firebase account that claims an
// address, but only its owner can verify it.
func (s *Service) firebaseRole(c *Claims) kmeme.Role {
	if !c.EmailVerified {
		return kmeme.RoleUser
	}
	return s.roleFor(c.Email)
}

// FirebaseLogin verifies a Firebase ID token, links or creates its user,
// records the sign-in and starts a session, as Login does for passwords.
func (s *Service) FirebaseLogin(ctx context.Context, token, ip string) (*Session, error) {
	if s.Firebase == nil {
		return nil, unauthorized("Firebase sign-in is not enabled")
	}
	c, err := s.Firebase.Verify(ctx, token)
	if err != nil {
		return nil, err
	}
	u, err := s.Users.UpsertFirebase(ctx, c.Subject, c.Email, c.EmailVerified, s.firebaseRole(c))
	if err != nil {
		return nil, err
	}
	_ = s.Audit.Record(ctx, u.ID, kmeme.AuditLogin, ip, map[string]any{"via": "firebase"})
	return s.newSession(ctx, &u.User, "")
}

// checkEmail validates an e-mail address.
func checkEmail(email string) error {
	email = strings.TrimSpace(email)
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || len(email) > 254 || !strings.Contains(email[strings.LastIndex(email, "@"):], ".") {
		return kmeme.FieldError("email", "is not an e-mail address")
	}
	return nil
}

// Signup creates a local account and signs it in.
func (s *Service) Signup(ctx context.Context, email, password, displayName, ip string) (*Session, error) {
	if err := checkEmail(email); err != nil {
		return nil, err
	}
	if err := CheckPassword(password); err != nil {
		return nil, err
	}
	displayName = strings.TrimSpace(displayName)
	if len([]rune(displayName)) > 60 {
		return nil, kmeme.FieldError("display_name", "must be at most 60 characters")
	}
	var hash string
	var err error
	if herr := s.hashing(ctx, func() { hash, err = HashPassword(password, s.Params) }); herr != nil {
		return nil, herr
	}
	if err != nil {
		return nil, err
	}
	u, err := s.Users.CreateLocal(ctx, email, hash, displayName, s.roleFor(email))
	if err != nil {
		return nil, err
	}
	_ = s.Audit.Record(ctx, u.ID, kmeme.AuditSignup, ip, nil)
	return s.newSession(ctx, &u.User, "")
}

// dummyHash keeps the timing of an unknown e-mail like a wrong password's.
var dummyHash, _ = HashPassword("not a real password", DefaultPasswordParams)

var errBadLogin = kmeme.Errorf(kmeme.EUNAUTHORIZED, "wrong e-mail or password")

// Login checks a local account's password.
func (s *Service) Login(ctx context.Context, email, password, ip string) (*Session, error) {
	if len(password) > 4*MaxPasswordLen {
		return nil, errBadLogin
	}
	u, err := s.Users.ByEmail(ctx, email)
	if err != nil && kmeme.ErrorCode(err) != kmeme.ENOTFOUND {
		return nil, err
	}
	hash := dummyHash // an unknown e-mail costs the same as a wrong password
	if u != nil && u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	ok := false
	if err := s.hashing(ctx, func() { ok = VerifyPassword(password, hash) }); err != nil {
		return nil, err
	}
	if u == nil || u.PasswordHash == "" {
		_ = s.Audit.Record(ctx, "", kmeme.AuditLoginFailed, ip, nil)
		return nil, errBadLogin
	}
	if !ok {
		_ = s.Audit.Record(ctx, u.ID, kmeme.AuditLoginFailed, ip, nil)
		return nil, errBadLogin
	}
	_ = s.Audit.Record(ctx, u.ID, kmeme.AuditLogin, ip, map[string]any{"via": "local"})
	return s.newSession(ctx, &u.User, "")
}

// Refresh spends a refresh token and returns a new session in the same
// family; a reused token revokes the family.
func (s *Service) Refresh(ctx context.Context, refreshToken, ip string) (*Session, error) {
	if refreshToken == "" || len(refreshToken) > 200 {
		return nil, unauthorized("no refresh token")
	}
	g, err := s.Tokens.SpendRefresh(ctx, refreshToken, s.now())
	if err != nil {
		if strings.Contains(kmeme.ErrorMessage(err), "already used") {
			_ = s.Audit.Record(ctx, "", kmeme.AuditRefreshReuse, ip, nil)
		}
		return nil, err
	}
	u, err := s.Users.ByID(ctx, g.UserID)
	if err != nil {
		return nil, unauthorized("the account no longer exists")
	}
	return s.newSession(ctx, &u.User, g.Family)
}

// Logout revokes the refresh token's family.
func (s *Service) Logout(ctx context.Context, refreshToken, userID, ip string) error {
	if refreshToken != "" {
		if err := s.Tokens.RevokeRefresh(ctx, refreshToken, s.now()); err != nil {
			return err
		}
	}
	if userID != "" {
		_ = s.Audit.Record(ctx, userID, kmeme.AuditLogout, ip, nil)
	}
	return nil
}

func (s *Service) newSession(ctx context.Context, u *kmeme.User, family string) (*Session, error) {
	access, ttl, err := s.Keys.Issue(u.ID, u.Role)
	if err != nil {
		return nil, err
	}
	refresh := randomToken()
	if err := s.Tokens.IssueRefresh(ctx, u.ID, family, refresh, s.now().Add(s.RefreshTTL)); err != nil {
		return nil, err
	}
	return &Session{User: *u, AccessToken: access, ExpiresIn: ttl, RefreshToken: refresh, RefreshTTL: s.RefreshTTL}, nil
}

func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return b64.EncodeToString(b[:])
}

// RandomToken returns 256 random bits, base64url (CSRF tokens).
func RandomToken() string { return randomToken() }

// Authenticate turns a bearer token into a caller. Our own tokens (EdDSA)
// are checked without the database; Firebase tokens (RS256) are fully
// verified before the account is looked up or created. Every failure is
// EUNAUTHORIZED (or EUNAVAILABLE when keys cannot be fetched).
func (s *Service) Authenticate(ctx context.Context, token string) (*kmeme.Caller, error) {
	r, err := parseJWT(token)
	if err != nil {
		return nil, err
	}
	switch r.header.Alg {
	case "EdDSA":
		c, err := s.Keys.verify(ctx, r)
		if err != nil {
			return nil, err
		}
		role := kmeme.Role(c.Role)
		if role != kmeme.RoleAdmin {
			role = kmeme.RoleUser
		}
		return &kmeme.Caller{UserID: c.Subject, Role: role, Via: "local"}, nil
	case "RS256":
		if s.Firebase == nil {
			return nil, unauthorized("Firebase sign-in is not enabled")
		}
		c, err := s.Firebase.verify(ctx, r)
		if err != nil {
			return nil, err
		}
		u, err := s.Users.UpsertFirebase(ctx, c.Subject, c.Email, c.EmailVerified, s.firebaseRole(c))
		if err != nil {
			return nil, err
		}
		return &kmeme.Caller{UserID: u.ID, Role: u.Role, Via: "firebase"}, nil
	}
	return nil, unauthorized("the token's algorithm is not accepted")
}

// IsUnauthorized reports whether err is a credentials failure.
func IsUnauthorized(err error) bool {
	var ke *kmeme.Error
	return errors.As(err, &ke) && ke.Code == kmeme.EUNAUTHORIZED
}
