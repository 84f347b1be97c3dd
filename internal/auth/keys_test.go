package auth

import (
	"context"
	"crypto/ed25519"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/auth/authtest"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/postgres/pgtest"
)

// TestKeyRotationAcrossInstances: two instances share keys through
// PostgreSQL; a rotation on one is picked up by the other on the first
// unknown kid; old tokens verify until they expire; the JWKS publishes
// what verifies.
func TestKeyRotationAcrossInstances(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	store := postgres.NewTokenStore(db.Pool)
	var nowNS atomic.Int64
	nowNS.Store(time.Date(2026, 11, 27, 5, 0, 0, 0, time.UTC).UnixNano())
	now := func() time.Time { return time.Unix(0, nowNS.Load()) }
	cfg := KeyRingConfig{Issuer: "kmeme", AccessTTL: 15 * time.Minute, Rotation: 24 * time.Hour, MinReload: time.Nanosecond, Now: now}
	a, b := NewKeyRing(store, cfg), NewKeyRing(store, cfg)
	ctx := context.Background()
	if err := a.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if len(a.JWKS().Keys) != 1 || len(b.JWKS().Keys) != 1 || a.JWKS().Keys[0].Kid != b.JWKS().Keys[0].Kid {
		t.Fatalf("instances disagree: %+v %+v", a.JWKS(), b.JWKS())
	}
	old, _, err := a.Issue("0193a1a0-0000-7000-8000-000000000001", kmeme.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	fresh, _, _ := a.Issue("0193a1a0-0000-7000-8000-000000000001", kmeme.RoleUser)
	nowNS.Add(int64(time.Second))
	for name, tok := range map[string]string{"old on a": old, "fresh on b": fresh} {
		r := a
		if strings.HasSuffix(name, "b") {
			r = b
		}
		if c, err := r.Verify(ctx, tok); err != nil || c.Subject != "0193a1a0-0000-7000-8000-000000000001" {
			t.Fatalf("%s: %+v, %v", name, c, err)
		}
	}
	if len(b.JWKS().Keys) != 2 {
		t.Fatalf("b's JWKS after reload = %d keys, want 2", len(b.JWKS().Keys))
	}
	// The JWKS key verifies the token (what a third party would do).
	for _, k := range a.JWKS().Keys {
		pub, _ := b64.DecodeString(k.X)
		parts := strings.Split(fresh, ".")
		sig, _ := b64.DecodeString(parts[2])
		if ed25519.Verify(pub, []byte(parts[0]+"."+parts[1]), sig) {
			goto verified
		}
	}
	t.Fatal("no JWKS key verifies the fresh token")
verified:
	// An access token's lifetime later, the retired key is gone and its tokens expired.
	nowNS.Add(int64(16 * time.Minute))
	if _, err := a.Verify(ctx, old); kmeme.ErrorCode(err) != kmeme.EUNAUTHORIZED {
		t.Fatalf("old token after expiry: %v", err)
	}
	if err := a.reload(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(a.JWKS().Keys); n != 1 {
		t.Fatalf("JWKS keeps %d keys after the retired one aged out", n)
	}
	// Rotation age reached: Load makes a new key.
	nowNS.Add(int64(25 * time.Hour))
	kid := a.JWKS().Keys[0].Kid
	if err := a.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if a.activeKID == kid {
		t.Fatal("Load did not rotate an old key")
	}
}

func TestLocalTokenForgeries(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	now := time.Now()
	ring := NewKeyRing(postgres.NewTokenStore(db.Pool), KeyRingConfig{Issuer: "kmeme", AccessTTL: 15 * time.Minute, Rotation: time.Hour,
		MinReload: time.Hour, Now: func() time.Time { return now }})
	if err := ring.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	good, _, _ := ring.Issue("u1", kmeme.RoleUser)
	parts := strings.Split(good, ".")
	_, stranger, _ := ed25519.GenerateKey(nil)
	forge := func(hdr, claims map[string]any, key ed25519.PrivateKey) string {
		return authtest.Sign(hdr, claims, func(in string) []byte { return ed25519.Sign(key, []byte(in)) })
	}
	claims := map[string]any{"iss": "kmeme", "aud": "kmeme", "sub": "u1", "role": "admin", "iat": now.Unix(), "exp": now.Add(time.Minute).Unix()}
	for name, tok := range map[string]string{
		"stranger's key, our kid": forge(map[string]any{"alg": "EdDSA", "kid": ring.activeKID}, claims, stranger),
		"role escalation":         parts[0] + "." + b64.EncodeToString([]byte(`{"iss":"kmeme","aud":"kmeme","sub":"u1","role":"admin","iat":1,"exp":9999999999}`)) + "." + parts[2],
		"alg none":                authtest.Sign(map[string]any{"alg": "none", "kid": ring.activeKID}, claims, func(string) []byte { return []byte{0} }),
		"wrong issuer":            forge(map[string]any{"alg": "EdDSA", "kid": ring.activeKID}, authtest.With(claims, "iss", "x"), ring.activeKey),
	} {
		if _, err := ring.Verify(context.Background(), tok); kmeme.ErrorCode(err) != kmeme.EUNAUTHORIZED {
			t.Errorf("%s: %v", name, err)
		}
	}
}
