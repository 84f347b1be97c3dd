package auth

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/auth/authtest"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

const project = "kmeme-test"

func TestFirebaseRefusesEveryForgedToken(t *testing.T) {
	t.Parallel()
	cs := authtest.NewCertServer(t, "k1")
	now := time.Now()
	f := NewFirebaseVerifier(FirebaseConfig{ProjectID: project, CertURL: cs.URL, Now: func() time.Time { return now }})
	ctx := context.Background()
	good := authtest.Claims(project, "firebase-uid-1", now)
	c, err := f.Verify(ctx, cs.Token("k1", good))
	if err != nil || c.Subject != "firebase-uid-1" || c.Email != "firebase-uid-1@k-meme.com" {
		t.Fatalf("valid token: %+v, %v", c, err)
	}
	for name, claims := range map[string]map[string]any{
		"128-char sub": authtest.With(good, "sub", strings.Repeat("x", 128)),
		"10s skew":     authtest.With(good, "iat", now.Add(10*time.Second).Unix()),
	} {
		if _, err := f.Verify(ctx, cs.Token("k1", claims)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, tok := range cs.Forged(project, now) {
		if _, err := f.Verify(ctx, tok); kmeme.ErrorCode(err) != kmeme.EUNAUTHORIZED {
			t.Errorf("%s: err = %v, want unauthorized", name, err)
		}
	}
}

// TestFirebaseKeyRotationAndRefetchLimits: keys are cached per max-age; an
// unknown kid refetches at most once per interval; the endpoint down keeps
// cached keys verifying.
func TestFirebaseKeyRotationAndRefetchLimits(t *testing.T) {
	t.Parallel()
	cs := authtest.NewCertServer(t, "k1")
	var nowNS atomic.Int64
	nowNS.Store(time.Now().UnixNano())
	now := func() time.Time { return time.Unix(0, nowNS.Load()) }
	f := NewFirebaseVerifier(FirebaseConfig{ProjectID: project, CertURL: cs.URL, MinRefetch: time.Minute, Now: now})
	ctx := context.Background()
	tok := func(kid string) string {
		key := cs.KeyOf(kid)
		if key == nil {
			key = authtest.Key(1)
		}
		return authtest.Sign(map[string]any{"alg": "RS256", "kid": kid}, authtest.Claims(project, "u", now()), authtest.RS256(key))
	}
	for i := 0; i < 5; i++ {
		if _, err := f.Verify(ctx, tok("k1")); err != nil {
			t.Fatal(err)
		}
	}
	if f.Fetches() != 1 {
		t.Fatalf("fetches = %d, want 1 (cached)", f.Fetches())
	}
	for i := 0; i < 20; i++ {
		if _, err := f.Verify(ctx, tok("k9")); kmeme.ErrorCode(err) != kmeme.EUNAUTHORIZED {
			t.Fatalf("unknown kid: %v", err)
		}
	}
	if f.Fetches() != 1 {
		t.Fatalf("fetches = %d; an unknown kid must wait for the refetch interval", f.Fetches())
	}
	cs.Add(t, "k2")
	nowNS.Add(int64(61 * time.Second))
	if _, err := f.Verify(ctx, tok("k2")); err != nil {
		t.Fatalf("rotated key: %v", err)
	}
	if f.Fetches() != 2 {
		t.Fatalf("fetches = %d, want 2", f.Fetches())
	}
	cs.Down.Store(true)
	nowNS.Add(int64(20 * time.Minute))
	if _, err := f.Verify(ctx, tok("k1")); err != nil {
		t.Fatalf("endpoint down, cached key: %v", err)
	}
	if f.Fetches() != 3 {
		t.Fatalf("fetches = %d, want a stale-cache refetch attempt", f.Fetches())
	}
	waitHits(t, cs.Hits.Load, 3) // the refresh runs in the background
	for i := 0; i < 10; i++ {
		_, _ = f.Verify(ctx, tok("k1"))
	}
	if f.Fetches() != 3 || cs.Hits.Load() != 3 {
		t.Fatalf("fetches = %d, hits %d while down within the interval", f.Fetches(), cs.Hits.Load())
	}
}

func TestFirebaseEndpointDownWithNoCacheIsUnavailable(t *testing.T) {
	t.Parallel()
	cs := authtest.NewCertServer(t, "k1")
	cs.Down.Store(true)
	now := time.Now()
	f := NewFirebaseVerifier(FirebaseConfig{ProjectID: project, CertURL: cs.URL, Now: func() time.Time { return now }})
	if _, err := f.Verify(context.Background(), cs.Token("k1", authtest.Claims(project, "u", now))); kmeme.ErrorCode(err) != kmeme.EUNAVAILABLE {
		t.Fatalf("err = %v, want unavailable", err)
	}
}

func TestMaxAge(t *testing.T) {
	t.Parallel()
	for cc, want := range map[string]time.Duration{
		"public, max-age=19302, must-revalidate": 19302 * time.Second,
		"no-cache":                               time.Hour,
		"":                                       time.Hour,
		"max-age=abc":                            time.Hour,
	} {
		if got := maxAge(cc); got != want {
			t.Errorf("maxAge(%q) = %v, want %v", cc, got, want)
		}
	}
}
