package auth_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"strings"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/auth"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/postgres/pgtest"
)

// TestSigningKeysAreEncryptedAtRest: the private half of a signing key is
// never in PostgreSQL as a plain Ed25519 seed; another instance with the
// same key-encryption key signs and verifies with it.
func TestSigningKeysAreEncryptedAtRest(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	ctx := context.Background()
	store := postgres.NewTokenStore(db.Pool)
	cfg := auth.KeyRingConfig{Issuer: "kmeme", AccessTTL: 15 * time.Minute, Rotation: 24 * time.Hour}
	a := auth.NewKeyRing(store, cfg)
	if err := a.Load(ctx); err != nil {
		t.Fatal(err)
	}
	var priv, pub []byte
	if err := db.Pool.QueryRow(ctx, `SELECT private_key, public_key FROM signing_keys`).Scan(&priv, &pub); err != nil {
		t.Fatal(err)
	}
	if len(priv) == ed25519.SeedSize && bytes.Equal(ed25519.NewKeyFromSeed(priv).Public().(ed25519.PublicKey), pub) {
		t.Fatal("signing_keys.private_key holds the plain Ed25519 seed")
	}
	b := auth.NewKeyRing(store, cfg)
	if err := b.Load(ctx); err != nil {
		t.Fatal(err)
	}
	tok, _, err := b.Issue("0193a1a0-0000-7000-8000-000000000001", kmeme.RoleUser)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Verify(ctx, tok); err != nil {
		t.Fatalf("a token the second instance signed with the stored key: %v", err)
	}
}

// TestKeyEncryptionKeyRotation: listing a new key-encryption key first
// re-seals the active signing key under it at load; the old key can then
// be dropped; a ring without the right key refuses to load, saying why.
func TestKeyEncryptionKeyRotation(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	ctx := context.Background()
	store := postgres.NewTokenStore(db.Pool)
	k1 := auth.SealKey{ID: "k1", Key: bytes.Repeat([]byte{1}, 32)}
	k2 := auth.SealKey{ID: "k2", Key: bytes.Repeat([]byte{2}, 32)}
	ring := func(keys ...auth.SealKey) (*auth.KeyRing, error) {
		s, err := auth.NewSealer(keys...)
		if err != nil {
			t.Fatal(err)
		}
		r := auth.NewKeyRing(store, auth.KeyRingConfig{Issuer: "kmeme", AccessTTL: 15 * time.Minute, Rotation: 24 * time.Hour, Sealer: s})
		return r, r.Load(ctx)
	}
	a, err := ring(k1)
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := a.Issue("0193a1a0-0000-7000-8000-000000000002", kmeme.RoleUser)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ring(k2); err == nil || !strings.Contains(err.Error(), `"k1"`) {
		t.Fatalf("a ring without k1 loaded: %v", err)
	}
	if _, err := ring(k2, k1); err != nil {
		t.Fatal(err)
	}
	c, err := ring(k2)
	if err != nil {
		t.Fatalf("after re-sealing under k2, k1 is no longer needed: %v", err)
	}
	if _, err := c.Verify(ctx, tok); err != nil {
		t.Fatalf("the same signing key after re-sealing: %v", err)
	}
	var n int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM signing_keys`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("signing keys = %d (%v), want the one key re-sealed, not a new one", n, err)
	}
	if _, err := auth.ParseSealKeys("k3:" + strings.Repeat("A", 10)); err == nil {
		t.Error("a short key was accepted")
	}
}
