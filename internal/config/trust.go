package config

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Trust holds caching, rate-limit, quota, sign-in and privacy settings (issue 6).
type Trust struct {
	// AuthIssuer is the iss of the server's own access tokens (KMEME_AUTH_ISSUER, default "kmeme").
	AuthIssuer string
	// AccessTTL is the lifetime of access tokens and the session cookie
	// (KMEME_AUTH_ACCESS_TTL, default 15m).
	AccessTTL time.Duration
	// RefreshTTL is the lifetime of refresh tokens (KMEME_AUTH_REFRESH_TTL, default 720h).
	RefreshTTL time.Duration
	// KeyRotation is how old the active signing key may grow before a new
	// one is made; old keys keep verifying for AccessTTL more
	// (KMEME_AUTH_KEY_ROTATION, default 720h).
	KeyRotation time.Duration
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
	// KeyEncryptionKeys seal the signing keys at rest
	// (KMEME_KEY_ENCRYPTION_KEY, "id:base64-of-32-bytes[,old-id:…]", current
	// first; required in production, derived from the database URL in
	// development).
	KeyEncryptionKeys string
	// TokenLeeway is the clock skew allowed on exp, iat and auth_time (KMEME_AUTH_LEEWAY, default 30s).
	TokenLeeway time.Duration

	// RateRead, RateUpload, RateRemix and RateAuth are the GCRA budgets as
	// "N/period" (burst N): KMEME_RATE_READ 120/1m, KMEME_RATE_UPLOAD 10/1m,
	// KMEME_RATE_REMIX 20/1m, KMEME_RATE_AUTH 10/1m.
	RateRead, RateUpload, RateRemix, RateAuth Rate
	// LocalLimiterKeys bounds the in-memory fallback limiter (KMEME_RATE_LOCAL_KEYS, default 100000).
	LocalLimiterKeys int
	// LocalLimiterShare is the fraction of each budget the fallback limiter
	// grants per instance while Redis is down (KMEME_RATE_LOCAL_SHARE,
	// default 1; 1/N with N instances keeps their sum within the budget).
	LocalLimiterShare float64

	// QuotaPlans maps plan to remixes per day (KMEME_QUOTA_PLANS, default "free=20,pro=200").
	QuotaPlans map[string]int64
	// QuotaZone is the default day boundary's zone (KMEME_QUOTA_ZONE, default Asia/Seoul).
	QuotaZone string
	// QuotaFlush is the write-behind flush interval (KMEME_QUOTA_FLUSH, default 10s).
	QuotaFlush time.Duration

	// RetentionDays purges source videos older than this, keeping analyses
	// and recipes (KMEME_RETENTION_DAYS, default 0 = keep).
	RetentionDays int
}

// Rate is a GCRA budget: Count requests per Period, with a burst of Count.
type Rate struct {
	Count  int
	Period time.Duration
}

// String is the "N/period" form.
func (r Rate) String() string { return fmt.Sprintf("%d/%s", r.Count, r.Period) }

// ParseRate reads "N/period" such as "120/1m" or "10/s".
func ParseRate(s string) (Rate, error) {
	n, per, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Rate{}, fmt.Errorf("%q is not N/period such as 120/1m", s)
	}
	c, err := strconv.Atoi(n)
	if err != nil || c < 1 {
		return Rate{}, fmt.Errorf("%q: count must be a positive whole number", s)
	}
	switch per {
	case "s":
		per = "1s"
	case "m":
		per = "1m"
	case "h":
		per = "1h"
	}
	d, err := time.ParseDuration(per)
	if err != nil || d <= 0 {
		return Rate{}, fmt.Errorf("%q: period must be a duration such as 1m", s)
	}
	return Rate{Count: c, Period: d}, nil
}

func (p *parser) rate(name, def string) Rate {
	r, err := ParseRate(p.str(name, def))
	if err != nil {
		p.errs = append(p.errs, fmt.Errorf("%s: %v", name, err))
		r, _ = ParseRate(def)
	}
	return r
}

func (p *parser) plans(name, def string) map[string]int64 {
	out := map[string]int64{}
	for _, kv := range p.list(name, def) {
		k, v, ok := strings.Cut(kv, "=")
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if !ok || err != nil || strings.TrimSpace(k) == "" {
			p.errs = append(p.errs, fmt.Errorf("%s: %q is not plan=limit", name, kv))
			continue
		}
		out[strings.TrimSpace(k)] = n
	}
	return out
}

func loadTrust(p *parser) Trust {
	prod := p.str("KMEME_ENV", "development") == "production"
	t := Trust{
		AuthIssuer:         p.str("KMEME_AUTH_ISSUER", "kmeme"),
		AccessTTL:          p.dur("KMEME_AUTH_ACCESS_TTL", 15*time.Minute),
		RefreshTTL:         p.dur("KMEME_AUTH_REFRESH_TTL", 720*time.Hour),
		KeyRotation:        p.dur("KMEME_AUTH_KEY_ROTATION", 720*time.Hour),
		CookieSecure:       p.bool("KMEME_COOKIE_SECURE", prod),
		AdminEmails:        p.list("KMEME_ADMIN_EMAILS", ""),
		FirebaseProjectID:  p.str("KMEME_FIREBASE_PROJECT_ID", ""),
		FirebaseAPIKey:     p.str("KMEME_FIREBASE_API_KEY", ""),
		FirebaseAuthDomain: p.str("KMEME_FIREBASE_AUTH_DOMAIN", ""),
		FirebaseCertURL:    p.str("KMEME_FIREBASE_CERT_URL", "https://www.googleapis.com/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com"),
		FirebaseRefetch:    p.dur("KMEME_FIREBASE_REFETCH", time.Minute),
		TokenLeeway:        p.dur("KMEME_AUTH_LEEWAY", 30*time.Second),
		KeyEncryptionKeys:  p.str("KMEME_KEY_ENCRYPTION_KEY", ""),
		RateRead:           p.rate("KMEME_RATE_READ", "120/1m"),
		RateUpload:         p.rate("KMEME_RATE_UPLOAD", "10/1m"),
		RateRemix:          p.rate("KMEME_RATE_REMIX", "20/1m"),
		RateAuth:           p.rate("KMEME_RATE_AUTH", "10/1m"),
		LocalLimiterKeys:   int(p.int64("KMEME_RATE_LOCAL_KEYS", 100000)),
		LocalLimiterShare:  p.fraction("KMEME_RATE_LOCAL_SHARE", 1),
		QuotaPlans:         p.plans("KMEME_QUOTA_PLANS", "free=20,pro=200"),
		QuotaZone:          p.str("KMEME_QUOTA_ZONE", "Asia/Seoul"),
		QuotaFlush:         p.dur("KMEME_QUOTA_FLUSH", 10*time.Second),
		RetentionDays:      int(p.int64("KMEME_RETENTION_DAYS", 0)),
	}
	if t.FirebaseAuthDomain == "" && t.FirebaseProjectID != "" {
		t.FirebaseAuthDomain = t.FirebaseProjectID + ".firebaseapp.com"
	}
	return t
}

// firebaseKeyRE is the shape of a Firebase web API key (Google API keys
// are "AIza" and 35 more URL-safe characters; any URL-safe run is taken).
var firebaseKeyRE = regexp.MustCompile(`^[A-Za-z0-9_-]{20,100}$`)

// hostRE is a host name with an optional port, no scheme or path.
var hostRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$`)

func (c Trust) validate() []error {
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
	if _, ok := c.QuotaPlans["free"]; !ok {
		errs = append(errs, errorf("KMEME_QUOTA_PLANS: must name the free plan, e.g. free=20"))
	}
	for plan, n := range c.QuotaPlans {
		if n < 0 {
			errs = append(errs, errorf("KMEME_QUOTA_PLANS: %s=%d must not be negative", plan, n))
		}
	}
	if _, err := time.LoadLocation(c.QuotaZone); err != nil {
		errs = append(errs, errorf("KMEME_QUOTA_ZONE: %q is not a time zone such as Asia/Seoul", c.QuotaZone))
	}
	if c.QuotaFlush < 100*time.Millisecond {
		errs = append(errs, errorf("KMEME_QUOTA_FLUSH: %s must be at least 100ms", c.QuotaFlush))
	}
	if c.RetentionDays < 0 {
		errs = append(errs, errorf("KMEME_RETENTION_DAYS: %d must not be negative", c.RetentionDays))
	}
	if c.LocalLimiterKeys < 100 {
		errs = append(errs, errorf("KMEME_RATE_LOCAL_KEYS: %d must be at least 100", c.LocalLimiterKeys))
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

// fraction reads a number in (0, 1].
func (p *parser) fraction(name string, def float64) float64 {
	v := p.get.first("", name)
	if v == "" {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || !(f > 0 && f <= 1) {
		p.errs = append(p.errs, fmt.Errorf("%s: %q must be a number above 0 and at most 1, e.g. 0.25", name, v))
		return def
	}
	return f
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
