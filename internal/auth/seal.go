package auth

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Signing keys are stored sealed: AES-256-GCM under a key-encryption key
// from the environment (KMEME_KEY_ENCRYPTION_KEY), the signing key's kid as
// additional data. The sealed form names the encryption key's id, so the
// encryption key can be rotated: list the new key first and keep the old
// ones after it; keys sealed under an old id are opened with it and
// sealed again under the current one when the ring loads.

// sealMagic starts a sealed private key: magic, id length, id, nonce, box.
var sealMagic = []byte("KMS1")

// Sealer seals and opens signing keys.
type Sealer struct {
	current string
	keys    map[string]cipher.AEAD
}

// SealKey is one key-encryption key: an id and 32 bytes.
type SealKey struct {
	ID  string
	Key []byte
}

// NewSealer returns a sealer whose first key seals; all keys open.
func NewSealer(keys ...SealKey) (*Sealer, error) {
	if len(keys) == 0 {
		return nil, errors.New("key encryption: no key")
	}
	s := &Sealer{current: keys[0].ID, keys: map[string]cipher.AEAD{}}
	for _, k := range keys {
		if k.ID == "" || len(k.ID) > 64 || strings.ContainsAny(k.ID, ":,") {
			return nil, fmt.Errorf("key encryption: key id %q must be 1 to 64 characters without ':' or ','", k.ID)
		}
		if len(k.Key) != 32 {
			return nil, fmt.Errorf("key encryption: key %q is %d bytes; AES-256 needs 32", k.ID, len(k.Key))
		}
		block, err := aes.NewCipher(k.Key)
		if err != nil {
			return nil, err
		}
		gcm, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		s.keys[k.ID] = gcm
	}
	return s, nil
}

// ParseSealKeys reads "id:base64key,id2:base64key" (32-byte keys, standard
// or URL-safe base64), current key first.
func ParseSealKeys(v string) ([]SealKey, error) {
	var out []SealKey
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		id, b64, ok := strings.Cut(part, ":")
		if !ok {
			return nil, fmt.Errorf("%q must be id:base64-of-32-bytes", part)
		}
		key, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			if key, err = base64.RawURLEncoding.DecodeString(strings.TrimRight(b64, "=")); err != nil {
				return nil, fmt.Errorf("key %q is not base64", id)
			}
		}
		if len(key) != 32 {
			return nil, fmt.Errorf("key %q is %d bytes; it must be 32 (openssl rand -base64 32)", id, len(key))
		}
		out = append(out, SealKey{ID: id, Key: key})
	}
	if len(out) == 0 {
		return nil, errors.New("no key given")
	}
	return out, nil
}

// DevelopmentSealKey derives a key-encryption key for development from a
// local secret (the database URL): stable across restarts, never used in
// production (the configuration refuses to start without a real key).
func DevelopmentSealKey(secret string) SealKey {
	sum := sha256.Sum256([]byte("kmeme development key encryption\x00" + secret))
	return SealKey{ID: "dev", Key: sum[:]}
}

// defaultSealer seals when the ring is given none (tests, tools).
func defaultSealer() *Sealer {
	s, _ := NewSealer(DevelopmentSealKey(""))
	return s
}

// Seal encrypts a private key bound to kid.
func (s *Sealer) Seal(kid string, priv []byte) ([]byte, error) {
	gcm := s.keys[s.current]
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	out := append(append([]byte{}, sealMagic...), byte(len(s.current)))
	out = append(out, s.current...)
	out = append(out, nonce...)
	return gcm.Seal(out, nonce, priv, []byte(kid)), nil
}

// Sealed reports whether b is in the sealed form.
func Sealed(b []byte) bool { return bytes.HasPrefix(b, sealMagic) }

// Open decrypts a sealed private key; stale says it was sealed under a
// key that is no longer the current one.
func (s *Sealer) Open(kid string, b []byte) (priv []byte, stale bool, err error) {
	if !Sealed(b) || len(b) < len(sealMagic)+1 {
		return nil, false, errors.New("not a sealed key")
	}
	n := int(b[len(sealMagic)])
	rest := b[len(sealMagic)+1:]
	if len(rest) < n {
		return nil, false, errors.New("sealed key is truncated")
	}
	id, rest := string(rest[:n]), rest[n:]
	gcm, ok := s.keys[id]
	if !ok {
		return nil, false, fmt.Errorf("signing key %s is sealed under key-encryption key %q, which is not configured (KMEME_KEY_ENCRYPTION_KEY)", kid, id)
	}
	if len(rest) < gcm.NonceSize() {
		return nil, false, errors.New("sealed key is truncated")
	}
	priv, err = gcm.Open(nil, rest[:gcm.NonceSize()], rest[gcm.NonceSize():], []byte(kid))
	if err != nil {
		return nil, false, fmt.Errorf("signing key %s does not open with key-encryption key %q (wrong key?)", kid, id)
	}
	return priv, id != s.current, nil
}
