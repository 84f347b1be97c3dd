package auth

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// KeyStore persists signing keys so that every instance agrees.
type KeyStore interface {
	SigningKeys(ctx context.Context, since time.Time) ([]kmeme.SigningKey, error)
	AddSigningKey(ctx context.Context, k kmeme.SigningKey, now time.Time) error
}

// KeyRing signs the server's access tokens with the newest Ed25519 key and
// verifies with every key not retired longer than an access token lives.
type KeyRing struct {
	store     KeyStore
	issuer    string
	accessTTL time.Duration
	rotation  time.Duration
	minReload time.Duration
	now       func() time.Time
	sealer    *Sealer

	mu         sync.RWMutex
	activeKID  string
	activeKey  ed25519.PrivateKey
	activeAt   time.Time
	public     map[string]ed25519.PublicKey
	lastReload time.Time
}

// KeyRingConfig configures a KeyRing.
type KeyRingConfig struct {
	Issuer    string        // iss and aud of access tokens
	AccessTTL time.Duration // lifetime of access tokens
	Rotation  time.Duration // age at which a new key is made
	// MinReload bounds reloads caused by an unknown kid (default 30s).
	MinReload time.Duration
	Now       func() time.Time
	// Sealer encrypts private keys at rest (default: a development key;
	// the service passes the one from KMEME_KEY_ENCRYPTION_KEY).
	Sealer *Sealer
}

// NewKeyRing returns a ring over store; call Load before use.
func NewKeyRing(store KeyStore, c KeyRingConfig) *KeyRing {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.MinReload <= 0 {
		c.MinReload = 30 * time.Second
	}
	if c.Sealer == nil {
		c.Sealer = defaultSealer()
	}
	return &KeyRing{store: store, issuer: c.Issuer, accessTTL: c.AccessTTL, rotation: c.Rotation,
		minReload: c.MinReload, now: c.Now, sealer: c.Sealer, public: map[string]ed25519.PublicKey{}}
}

// Load reads the keys, making a new active key when there is none or the
// active one is older than the rotation age.
func (k *KeyRing) Load(ctx context.Context) error {
	if err := k.reload(ctx); err != nil {
		return err
	}
	k.mu.RLock()
	stale := k.activeKey == nil || (k.rotation > 0 && k.now().Sub(k.activeAt) >= k.rotation)
	k.mu.RUnlock()
	if stale {
		return k.Rotate(ctx)
	}
	return nil
}

// Rotate makes a new signing key; older keys keep verifying for AccessTTL.
func (k *KeyRing) Rotate(ctx context.Context) error {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return fmt.Errorf("generate signing key: %w", err)
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	kid := k.now().UTC().Format("20060102") + "-" + hex.EncodeToString(b[:])
	sealed, err := k.sealer.Seal(kid, priv.Seed())
	if err != nil {
		return fmt.Errorf("seal signing key: %w", err)
	}
	if err := k.store.AddSigningKey(ctx, kmeme.SigningKey{KID: kid, Alg: "EdDSA", Private: sealed, Public: pub}, k.now()); err != nil {
		return fmt.Errorf("rotate signing key: %w", err)
	}
	return k.reload(ctx)
}

func (k *KeyRing) reload(ctx context.Context) error {
	keys, err := k.store.SigningKeys(ctx, k.now().Add(-k.accessTTL))
	if err != nil {
		return fmt.Errorf("load signing keys: %w", err)
	}
	public := map[string]ed25519.PublicKey{}
	var activeKID string
	var active ed25519.PrivateKey
	var activeAt time.Time
	for _, sk := range keys {
		if sk.Alg != "EdDSA" || len(sk.Public) != ed25519.PublicKeySize {
			continue
		}
		public[sk.KID] = ed25519.PublicKey(sk.Public)
		if sk.RetiredAt != nil || active != nil {
			if !Sealed(sk.Private) && len(sk.Private) == ed25519.SeedSize {
				if err := k.reseal(ctx, sk.KID, sk.Private); err != nil { // no plain key stays at rest
					return err
				}
			}
			continue
		}
		seed, reseal := sk.Private, true // a key stored before sealing: seal it now
		if Sealed(sk.Private) {
			var err error
			if seed, reseal, err = k.sealer.Open(sk.KID, sk.Private); err != nil {
				return err
			}
		}
		if len(seed) != ed25519.SeedSize {
			continue
		}
		if reseal {
			if err := k.reseal(ctx, sk.KID, seed); err != nil {
				return err
			}
		}
		activeKID, active, activeAt = sk.KID, ed25519.NewKeyFromSeed(seed), sk.CreatedAt
	}
	k.mu.Lock()
	k.public, k.activeKID, k.activeKey, k.activeAt, k.lastReload = public, activeKID, active, activeAt, k.now()
	k.mu.Unlock()
	return nil
}

// reseal stores the active key sealed under the current encryption key
// (a plain legacy key, or one sealed under a rotated-out key).
func (k *KeyRing) reseal(ctx context.Context, kid string, seed []byte) error {
	rs, ok := k.store.(interface {
		ResealSigningKey(ctx context.Context, kid string, private []byte) error
	})
	if !ok {
		return nil
	}
	sealed, err := k.sealer.Seal(kid, seed)
	if err != nil {
		return fmt.Errorf("seal signing key: %w", err)
	}
	return rs.ResealSigningKey(ctx, kid, sealed)
}

// Issue signs an access token for a user.
func (k *KeyRing) Issue(userID string, role kmeme.Role) (string, time.Duration, error) {
	k.mu.RLock()
	kid, key := k.activeKID, k.activeKey
	k.mu.RUnlock()
	if key == nil {
		return "", 0, fmt.Errorf("issue token: no signing key loaded")
	}
	now := k.now()
	h, err := encodeSegment(header{Alg: "EdDSA", Typ: "JWT", Kid: kid})
	if err != nil {
		return "", 0, err
	}
	c, err := encodeSegment(Claims{Issuer: k.issuer, Audience: Audience{k.issuer}, Subject: userID, Role: string(role),
		IssuedAt: now.Unix(), ExpiresAt: now.Add(k.accessTTL).Unix()})
	if err != nil {
		return "", 0, err
	}
	sig := ed25519.Sign(key, []byte(h+"."+c))
	return h + "." + c + "." + b64.EncodeToString(sig), k.accessTTL, nil
}

// Verify checks one of our access tokens. An unknown kid reloads the keys
// from the store at most once per MinReload (a key made by another instance).
func (k *KeyRing) Verify(ctx context.Context, tok string) (*Claims, error) {
	r, err := parseJWT(tok)
	if err != nil {
		return nil, err
	}
	return k.verify(ctx, r)
}

func (k *KeyRing) verify(ctx context.Context, r *rawJWT) (*Claims, error) {
	if r.header.Alg != "EdDSA" {
		return nil, unauthorized("the token's algorithm is not accepted")
	}
	c := &r.claims
	if c.Issuer != k.issuer || !c.Audience.Has(k.issuer) {
		return nil, unauthorized("the token was not issued by this server")
	}
	if err := checkTimes(c, k.now(), 5*time.Second, false); err != nil {
		return nil, err
	}
	if err := checkSubject(c.Subject); err != nil {
		return nil, err
	}
	k.mu.RLock()
	pub, ok := k.public[r.header.Kid]
	last := k.lastReload
	k.mu.RUnlock()
	if !ok && k.now().Sub(last) >= k.minReload {
		if err := k.reload(ctx); err != nil {
			return nil, &kmeme.Error{Code: kmeme.EUNAVAILABLE, Message: "cannot check the token now", Err: err}
		}
		k.mu.RLock()
		pub, ok = k.public[r.header.Kid]
		k.mu.RUnlock()
	}
	if !ok {
		return nil, unauthorized("the token's key is unknown")
	}
	if !ed25519.Verify(pub, []byte(r.signingInput), r.signature) {
		return nil, unauthorized("the token's signature is invalid")
	}
	return c, nil
}

// JWK is one public key of a JWKS.
type JWK struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	Use string `json:"use"`
}

// JWKSet is the document at /.well-known/jwks.json.
type JWKSet struct {
	Keys []JWK `json:"keys"`
}

// JWKS returns the public keys that verify current tokens.
func (k *KeyRing) JWKS() JWKSet {
	k.mu.RLock()
	defer k.mu.RUnlock()
	set := JWKSet{Keys: []JWK{}}
	for kid, pub := range k.public {
		set.Keys = append(set.Keys, JWK{Kty: "OKP", Crv: "Ed25519", X: b64.EncodeToString(pub), Kid: kid, Alg: "EdDSA", Use: "sig"})
	}
	return set
}
