package auth

import (
	"context"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// memKeys is an in-memory KeyStore for tests without a database.
type memKeys struct{ keys []kmeme.SigningKey }

func (m *memKeys) SigningKeys(context.Context, time.Time) ([]kmeme.SigningKey, error) {
	return m.keys, nil
}
func (m *memKeys) AddSigningKey(_ context.Context, k kmeme.SigningKey, now time.Time) error {
	k.CreatedAt = now
	m.keys = append([]kmeme.SigningKey{k}, m.keys...)
	return nil
}

// FuzzVerify: arbitrary bytes as a bearer token never panic and are never
// accepted by either verifier (none of them carries a valid signature).
func FuzzVerify(f *testing.F) {
	ring := NewKeyRing(&memKeys{}, KeyRingConfig{Issuer: "kmeme", AccessTTL: time.Minute, Rotation: time.Hour, MinReload: time.Hour})
	if err := ring.Load(context.Background()); err != nil {
		f.Fatal(err)
	}
	good, _, _ := ring.Issue("u1", kmeme.RoleUser)
	fb := NewFirebaseVerifier(FirebaseConfig{ProjectID: "p", CertURL: "http://127.0.0.1:1/certs", MinRefetch: time.Hour})
	for _, s := range []string{good, good[:len(good)-2] + "AA", "a.b.c", "..", "e30.e30.", "eyJhbGciOiJub25lIn0.e30.x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		if tok == good {
			return
		}
		if c, err := ring.Verify(context.Background(), tok); err == nil {
			t.Fatalf("accepted %q as %+v", tok, c)
		}
		if c, err := fb.Verify(context.Background(), tok); err == nil {
			t.Fatalf("firebase accepted %q as %+v", tok, c)
		}
	})
}
