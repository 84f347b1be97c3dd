package auth

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// FirebaseConfig configures ID-token verification.
type FirebaseConfig struct {
	ProjectID string
	// CertURL serves {kid: PEM certificate} (Google's securetoken endpoint).
	CertURL string
	// MinRefetch bounds refetches caused by an unknown kid (default 1m).
	MinRefetch time.Duration
	// Leeway is the clock skew allowed on exp, iat and auth_time (default 30s).
	Leeway time.Duration
	Client *http.Client
	Now    func() time.Time
}

// FirebaseVerifier checks Firebase ID tokens: RS256 only, key by kid,
// aud = project, iss = https://securetoken.google.com/<project>, times
// with leeway, sub of 1 to 128 characters. Certificates are cached per
// Cache-Control max-age; when the endpoint is down cached keys still verify.
type FirebaseVerifier struct {
	c FirebaseConfig

	mu        sync.Mutex
	keys      map[string]*rsa.PublicKey
	expires   time.Time
	lastFetch time.Time
	inflight  *certFetch // the fetch under way, nil when none
	fetches   atomic.Int64
}

// NewFirebaseVerifier returns a verifier; no network call is made until a token arrives.
func NewFirebaseVerifier(c FirebaseConfig) *FirebaseVerifier {
	if c.MinRefetch <= 0 {
		c.MinRefetch = time.Minute
	}
	if c.Leeway <= 0 {
		c.Leeway = 30 * time.Second
	}
	if c.Client == nil {
		c.Client = &http.Client{Timeout: 5 * time.Second}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return &FirebaseVerifier{c: c}
}

// Issuer is the iss Firebase tokens of this project carry.
func (f *FirebaseVerifier) Issuer() string { return "https://securetoken.google.com/" + f.c.ProjectID }

// Fetches counts certificate fetches (for tests and metrics).
func (f *FirebaseVerifier) Fetches() int64 { return f.fetches.Load() }

// Verify checks a Firebase ID token and returns its claims.
func (f *FirebaseVerifier) Verify(ctx context.Context, tok string) (*Claims, error) {
	r, err := parseJWT(tok)
	if err != nil {
		return nil, err
	}
	return f.verify(ctx, r)
}

func (f *FirebaseVerifier) verify(ctx context.Context, r *rawJWT) (*Claims, error) {
	if r.header.Alg != "RS256" {
		return nil, unauthorized("the token's algorithm is not accepted")
	}
	if r.header.Kid == "" {
		return nil, unauthorized("the token names no key")
	}
	c := &r.claims
	if len(c.Audience) != 1 || c.Audience[0] != f.c.ProjectID {
		return nil, unauthorized("the token is for another project")
	}
	if c.Issuer != f.Issuer() {
		return nil, unauthorized("the token has the wrong issuer")
	}
	if err := checkTimes(c, f.c.Now(), f.c.Leeway, true); err != nil {
		return nil, err
	}
	if err := checkSubject(c.Subject); err != nil {
		return nil, err
	}
	pub, err := f.key(ctx, r.header.Kid)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(r.signingInput))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], r.signature); err != nil {
		return nil, unauthorized("the token's signature is invalid")
	}
	return c, nil
}

// key returns the public key for kid. A fresh cache answers at once. A
// stale cache still answers for the kids it knows while one refresh runs in
// the background, so a slow or dead endpoint never holds up sign-ins with
// known keys. An unknown kid (a rotation) waits for a refetch, at most one
// at a time and at most once per MinRefetch; concurrent callers share it.
func (f *FirebaseVerifier) key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	f.mu.Lock()
	now := f.c.Now()
	pub, ok := f.keys[kid]
	stale := now.After(f.expires)
	mayFetch := f.lastFetch.IsZero() || now.Sub(f.lastFetch) >= f.c.MinRefetch
	if ok {
		if stale && mayFetch && f.inflight == nil {
			f.startFetch(now)
		}
		f.mu.Unlock()
		return pub, nil
	}
	fl := f.inflight
	if fl == nil && mayFetch {
		fl = f.startFetch(now)
	}
	f.mu.Unlock()
	if fl == nil {
		if f.cached() {
			return nil, unauthorized("the token's key is unknown")
		}
		return nil, &kmeme.Error{Code: kmeme.EUNAVAILABLE, Message: "cannot check the sign-in now", RetryAfterS: 5,
			Err: fmt.Errorf("firebase certificates: the last fetch failed")}
	}
	select {
	case <-fl.done:
	case <-ctx.Done():
		return nil, &kmeme.Error{Code: kmeme.EUNAVAILABLE, Message: "cannot check the sign-in now", RetryAfterS: 5, Err: ctx.Err()}
	}
	f.mu.Lock()
	pub, ok = f.keys[kid]
	cached := f.keys != nil
	f.mu.Unlock()
	switch {
	case ok:
		return pub, nil
	case !cached:
		return nil, &kmeme.Error{Code: kmeme.EUNAVAILABLE, Message: "cannot check the sign-in now", RetryAfterS: 5, Err: fl.err}
	default:
		// On a failed refetch the cached keys keep verifying; this kid is not among them.
		return nil, unauthorized("the token's key is unknown")
	}
}

// certFetch is one certificate fetch that callers may wait on.
type certFetch struct {
	done chan struct{}
	err  error
}

func (f *FirebaseVerifier) cached() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.keys != nil
}

// startFetch begins a fetch detached from any one request (a caller that
// gives up does not cancel it for the others). f.mu is held.
func (f *FirebaseVerifier) startFetch(now time.Time) *certFetch {
	fl := &certFetch{done: make(chan struct{})}
	f.inflight = fl
	f.lastFetch = now
	f.fetches.Add(1)
	go func() {
		d := f.c.Client.Timeout
		if d <= 0 {
			d = 10 * time.Second
		}
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		keys, maxAge, err := f.fetch(ctx)
		f.mu.Lock()
		if err == nil {
			f.keys, f.expires = keys, f.c.Now().Add(maxAge)
		}
		fl.err = err
		f.inflight = nil
		f.mu.Unlock()
		close(fl.done)
	}()
	return fl
}

func (f *FirebaseVerifier) fetch(ctx context.Context) (map[string]*rsa.PublicKey, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.c.CertURL, nil)
	if err != nil {
		return nil, 0, fmt.Errorf("firebase certificates: %w", err)
	}
	resp, err := f.c.Client.Do(req)
	if err != nil {
		return nil, 0, fmt.Errorf("firebase certificates: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, 0, fmt.Errorf("firebase certificates: status %d", resp.StatusCode)
	}
	var certs map[string]string
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&certs); err != nil {
		return nil, 0, fmt.Errorf("firebase certificates: %w", err)
	}
	keys := map[string]*rsa.PublicKey{}
	for kid, p := range certs {
		block, _ := pem.Decode([]byte(p))
		if block == nil {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			continue
		}
		if pub, ok := cert.PublicKey.(*rsa.PublicKey); ok {
			keys[kid] = pub
		}
	}
	if len(keys) == 0 {
		return nil, 0, fmt.Errorf("firebase certificates: no RSA certificates")
	}
	return keys, maxAge(resp.Header.Get("Cache-Control")), nil
}

// maxAge reads Cache-Control max-age; absent means one hour.
func maxAge(cc string) time.Duration {
	for _, d := range strings.Split(cc, ",") {
		d = strings.TrimSpace(d)
		if v, ok := strings.CutPrefix(d, "max-age="); ok {
			if n, err := strconv.Atoi(v); err == nil && n >= 0 {
				return time.Duration(n) * time.Second
			}
		}
	}
	return time.Hour
}
