package config

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Auth holds sign-in: the server's own accounts and tokens, and Firebase.
type Auth struct {
	// Issuer is the iss of the server's own access tokens (KMEME_AUTH_ISSUER, default "kmeme").
	Issuer string
	// AccessTTL is the lifetime of access tokens and the session cookie
	// (KMEME_AUTH_ACCESS_TTL, default 15m).
	AccessTTL time.Duration
	// RefreshTTL is the lifetime of refresh tokens (KMEME_AUTH_REFRESH_TTL, default 720h).
	RefreshTTL time.Duration
	// KeyRotation is how old the active signing key may grow before a new
	// one is made; old keys keep verifying for AccessTTL more
	// (KMEME_AUTH_KEY_ROTATION, default 720h).
	KeyRotation time.Duration
	// KeyEncryptionKeys seal the signing keys at rest
	// (KMEME_KEY_ENCRYPTION_KEY, "id:base64-of-32-bytes[,old-id:…]", current
	// first; required in production, derived from the database URL in
	// development).
	KeyEncryptionKeys string
	// TokenLeeway is the clock skew allowed on exp, iat and auth_time (KMEME_AUTH_LEEWAY, default 30s).
	TokenLeeway time.Duration
	// CookieSecure marks session cookies Secure (KMEME_COOKIE_SECURE; default
	// true in production, false otherwise).
	CookieSecure bool
	// AdminEmails are given the admin role at sign-in (KMEME_ADMIN_EMAILS, comma-separated).
	AdminEmails []string

	// FirebaseProjectID turns on Firebase ID tokens (KMEME_FIREBASE_PROJECT_ID, default off).
	FirebaseProjectID string
	// FirebaseAPIKey is the Firebase web API key the browser uses for the
	// Google sign-in popup (KMEME_FIREBASE_API_KEY, default empty: the web app
	// shows no Google button). It is public by Firebase's design and needs
	// KMEME_FIREBASE_PROJECT_ID.
	FirebaseAPIKey string
	// FirebaseAuthDomain is the host serving Firebase's sign-in handler
	// (KMEME_FIREBASE_AUTH_DOMAIN, default "<project id>.firebaseapp.com").
	FirebaseAuthDomain string
	// FirebaseCertURL is where Google publishes the signing certificates
	// (KMEME_FIREBASE_CERT_URL, default Google's securetoken endpoint).
	FirebaseCertURL string
	// FirebaseRefetch is the minimum interval between certificate refetches
	// caused by an unknown kid (KMEME_FIREBASE_REFETCH, default 1m).
	FirebaseRefetch time.Duration
}

func loadAuth(p *parser) Auth {
	prod := p.str("KMEME_ENV", "development") == "production"
	a := Auth{
		Issuer:             p.str("KMEME_AUTH_ISSUER", "kmeme"),
		AccessTTL:          p.dur("KMEME_AUTH_ACCESS_TTL", 15*time.Minute),
		RefreshTTL:         p.dur("KMEME_AUTH_REFRESH_TTL", 720*time.Hour),
		KeyRotation:        p.dur("KMEME_AUTH_KEY_ROTATION", 720*time.Hour),
		KeyEncryptionKeys:  p.str("KMEME_KEY_ENCRYPTION_KEY", ""),
		TokenLeeway:        p.dur("KMEME_AUTH_LEEWAY", 30*time.Second),
		CookieSecure:       p.bool("KMEME_COOKIE_SECURE", prod),
		AdminEmails:        p.list("KMEME_ADMIN_EMAILS", ""),
		FirebaseProjectID:  p.str("KMEME_FIREBASE_PROJECT_ID", ""),
		FirebaseAPIKey:     p.str("KMEME_FIREBASE_API_KEY", ""),
		FirebaseAuthDomain: p.str("KMEME_FIREBASE_AUTH_DOMAIN", ""),
		FirebaseCertURL:    p.str("KMEME_FIREBASE_CERT_URL", "https://www.googleapis.com/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com"),
		FirebaseRefetch:    p.dur("KMEME_FIREBASE_REFETCH", time.Minute),
	}
	if a.FirebaseAuthDomain == "" && a.FirebaseProjectID != "" {
		a.FirebaseAuthDomain = a.FirebaseProjectID + ".firebaseapp.com"
	}
	return a
}

// firebaseKeyRE is the shape of a Firebase web API key (Google API keys
// are "AIza" and 35 more URL-safe characters; any URL-safe run is taken).
var firebaseKeyRE = regexp.MustCompile(`^[A-Za-z0-9_-]{20,100}$`)

// hostRE is a host name with an optional port, no scheme or path.
var hostRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$`)

func (c Auth) validate() []error {
	var errs []error
	if c.KeyEncryptionKeys != "" {
		if err := checkSealKeys(c.KeyEncryptionKeys); err != nil {
			errs = append(errs, errorf("KMEME_KEY_ENCRYPTION_KEY: %v", err))
		}
	}
	if c.AccessTTL < time.Minute || c.AccessTTL > 24*time.Hour {
		errs = append(errs, errorf("KMEME_AUTH_ACCESS_TTL: %s must be between 1m and 24h", c.AccessTTL))
	}
	if c.RefreshTTL < c.AccessTTL {
		errs = append(errs, errorf("KMEME_AUTH_REFRESH_TTL: %s must not be shorter than KMEME_AUTH_ACCESS_TTL", c.RefreshTTL))
	}
	if c.KeyRotation < time.Hour {
		errs = append(errs, errorf("KMEME_AUTH_KEY_ROTATION: %s must be at least 1h", c.KeyRotation))
	}
	if c.FirebaseProjectID != "" && !strings.HasPrefix(c.FirebaseCertURL, "https://") && !strings.HasPrefix(c.FirebaseCertURL, "http://127.0.0.1") {
		errs = append(errs, errorf("KMEME_FIREBASE_CERT_URL: %q must be an https URL", c.FirebaseCertURL))
	}
	if c.FirebaseAPIKey != "" {
		if c.FirebaseProjectID == "" {
			errs = append(errs, errorf("KMEME_FIREBASE_API_KEY: needs KMEME_FIREBASE_PROJECT_ID, which verifies the tokens"))
		}
		if !firebaseKeyRE.MatchString(c.FirebaseAPIKey) {
			errs = append(errs, errorf("KMEME_FIREBASE_API_KEY: is not a Firebase web API key (AIza…)"))
		}
	}
	if c.FirebaseAuthDomain != "" && !hostRE.MatchString(c.FirebaseAuthDomain) {
		errs = append(errs, errorf("KMEME_FIREBASE_AUTH_DOMAIN: %q must be a host name such as my-project.firebaseapp.com", c.FirebaseAuthDomain))
	}
	if c.TokenLeeway < 0 || c.TokenLeeway > 5*time.Minute {
		errs = append(errs, errorf("KMEME_AUTH_LEEWAY: %s must be between 0 and 5m", c.TokenLeeway))
	}
	return errs
}

// checkSealKeys checks the shape "id:base64-of-32-bytes[,id:…]" (the auth
// package parses it; config must not import it).
func checkSealKeys(v string) error {
	n := 0
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		id, b64, ok := strings.Cut(part, ":")
		if !ok || id == "" {
			return fmt.Errorf("%q must be id:base64-of-32-bytes, e.g. k1:$(openssl rand -base64 32)", truncateText(part, 12))
		}
		key, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			key, err = base64.RawURLEncoding.DecodeString(strings.TrimRight(b64, "="))
		}
		if err != nil || len(key) != 32 {
			return fmt.Errorf("key %q must be 32 bytes in base64 (openssl rand -base64 32)", id)
		}
		n++
	}
	if n == 0 {
		return fmt.Errorf("no key given")
	}
	return nil
}

func truncateText(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
