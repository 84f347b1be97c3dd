package auth

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// certServer serves Google-style {kid: PEM} certificates.
type certServer struct {
	*httptest.Server
	mu    sync.Mutex
	certs map[string]string
	keys  map[string]*rsa.PrivateKey
	hits  atomic.Int32
	down  atomic.Bool
}

func newCertServer(t *testing.T, kids ...string) *certServer {
	t.Helper()
	cs := &certServer{certs: map[string]string{}, keys: map[string]*rsa.PrivateKey{}}
	for _, kid := range kids {
		cs.add(t, kid)
	}
	cs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cs.hits.Add(1)
		if cs.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		cs.mu.Lock()
		defer cs.mu.Unlock()
		w.Header().Set("Cache-Control", "public, max-age=600, must-revalidate, no-transform")
		_ = json.NewEncoder(w).Encode(cs.certs)
	}))
	t.Cleanup(cs.Close)
	return cs
}

var (
	keyOnce sync.Once
	keyPool []*rsa.PrivateKey
)

// testKey returns one of three RSA keys generated once per run.
func testKey(i int) *rsa.PrivateKey {
	keyOnce.Do(func() {
		for j := 0; j < 3; j++ {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			keyPool = append(keyPool, k)
		}
	})
	return keyPool[i%3]
}

func (cs *certServer) add(t *testing.T, kid string) {
	t.Helper()
	cs.mu.Lock()
	defer cs.mu.Unlock()
	key := testKey(len(cs.keys))
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "securetoken.system.gserviceaccount.com"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cs.certs[kid] = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	cs.keys[kid] = key
}

func sign(t *testing.T, hdr map[string]any, claims map[string]any, signer func(input string) []byte) string {
	t.Helper()
	h, _ := json.Marshal(hdr)
	c, _ := json.Marshal(claims)
	in := b64.EncodeToString(h) + "." + b64.EncodeToString(c)
	return in + "." + b64.EncodeToString(signer(in))
}

func rs256(key *rsa.PrivateKey) func(string) []byte {
	return func(in string) []byte {
		sum := sha256.Sum256([]byte(in))
		sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
		if err != nil {
			panic(err)
		}
		return sig
	}
}

const project = "kmeme-test"

func goodClaims(now time.Time) map[string]any {
	return map[string]any{"iss": "https://securetoken.google.com/" + project, "aud": project, "sub": "firebase-uid-1",
		"iat": now.Add(-time.Minute).Unix(), "exp": now.Add(time.Hour).Unix(), "auth_time": now.Add(-time.Minute).Unix(),
		"email": "a@k-meme.com", "email_verified": true}
}

func with(m map[string]any, k string, v any) map[string]any {
	out := map[string]any{}
	for kk, vv := range m {
		out[kk] = vv
	}
	if v == nil {
		delete(out, k)
	} else {
		out[k] = v
	}
	return out
}

// ForgedFirebaseTokens is the checklist's table of forged tokens; each must
// be refused. Exported to the httpapi tests through ForgedTokens.
func forgedTokens(t *testing.T, cs *certServer, now time.Time) map[string]string {
	t.Helper()
	key := cs.keys["k1"]
	hdr := map[string]any{"alg": "RS256", "kid": "k1", "typ": "JWT"}
	good := goodClaims(now)
	pubDER := x509.MarshalPKCS1PublicKey(&key.PublicKey)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: pubDER})
	valid := sign(t, hdr, good, rs256(key))
	parts := strings.Split(valid, ".")
	tampered, _ := json.Marshal(with(good, "sub", "someone-else"))
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	return map[string]string{
		"alg none": sign(t, map[string]any{"alg": "none", "kid": "k1"}, good, func(string) []byte { return []byte{0} }),
		"alg none empty sig": func() string {
			h, _ := json.Marshal(map[string]any{"alg": "none"})
			c, _ := json.Marshal(good)
			return b64.EncodeToString(h) + "." + b64.EncodeToString(c) + "."
		}(),
		"HS256 with the public key": sign(t, map[string]any{"alg": "HS256", "kid": "k1"}, good, func(in string) []byte {
			m := hmac.New(sha256.New, pubPEM)
			m.Write([]byte(in))
			return m.Sum(nil)
		}),
		"EdDSA from a stranger": sign(t, map[string]any{"alg": "EdDSA", "kid": "k1"}, good, func(in string) []byte { return ed25519.Sign(edKey, []byte(in)) }),
		"unknown kid":           sign(t, map[string]any{"alg": "RS256", "kid": "nope"}, good, rs256(key)),
		"no kid":                sign(t, map[string]any{"alg": "RS256"}, good, rs256(key)),
		"wrong aud":             sign(t, hdr, with(good, "aud", "other-project"), rs256(key)),
		"two auds":              sign(t, hdr, with(good, "aud", []string{project, "other"}), rs256(key)),
		"wrong iss":             sign(t, hdr, with(good, "iss", "https://securetoken.google.com/other-project"), rs256(key)),
		"another project":       sign(t, hdr, with(with(good, "aud", "other"), "iss", "https://securetoken.google.com/other"), rs256(key)),
		"expired":               sign(t, hdr, with(good, "exp", now.Add(-time.Hour).Unix()), rs256(key)),
		"no exp":                sign(t, hdr, with(good, "exp", nil), rs256(key)),
		"future iat":            sign(t, hdr, with(good, "iat", now.Add(time.Hour).Unix()), rs256(key)),
		"future auth_time":      sign(t, hdr, with(good, "auth_time", now.Add(time.Hour).Unix()), rs256(key)),
		"no auth_time":          sign(t, hdr, with(good, "auth_time", nil), rs256(key)),
		"empty sub":             sign(t, hdr, with(good, "sub", ""), rs256(key)),
		"129-char sub":          sign(t, hdr, with(good, "sub", strings.Repeat("x", 129)), rs256(key)),
		"tampered payload":      parts[0] + "." + b64.EncodeToString(tampered) + "." + parts[2],
		"signed by another key": sign(t, hdr, good, rs256(testKey(2))),
		"not a jwt":             "abc.def",
		"garbage":               "!!!.???.***",
	}
}

func TestFirebaseRefusesEveryForgedToken(t *testing.T) {
	t.Parallel()
	cs := newCertServer(t, "k1")
	now := time.Now()
	f := NewFirebaseVerifier(FirebaseConfig{ProjectID: project, CertURL: cs.URL, Now: func() time.Time { return now }})
	ctx := context.Background()
	good := sign(t, map[string]any{"alg": "RS256", "kid": "k1"}, goodClaims(now), rs256(cs.keys["k1"]))
	c, err := f.Verify(ctx, good)
	if err != nil || c.Subject != "firebase-uid-1" || c.Email != "a@k-meme.com" {
		t.Fatalf("valid token: %+v, %v", c, err)
	}
	// Exactly 128 characters is fine.
	edge := sign(t, map[string]any{"alg": "RS256", "kid": "k1"}, with(goodClaims(now), "sub", strings.Repeat("x", 128)), rs256(cs.keys["k1"]))
	if _, err := f.Verify(ctx, edge); err != nil {
		t.Fatalf("128-char sub: %v", err)
	}
	// Small clock skew is tolerated.
	skew := sign(t, map[string]any{"alg": "RS256", "kid": "k1"}, with(goodClaims(now), "iat", now.Add(10*time.Second).Unix()), rs256(cs.keys["k1"]))
	if _, err := f.Verify(ctx, skew); err != nil {
		t.Fatalf("10s skew: %v", err)
	}
	for name, tok := range forgedTokens(t, cs, now) {
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
	cs := newCertServer(t, "k1")
	var nowNS atomic.Int64
	nowNS.Store(time.Now().UnixNano())
	now := func() time.Time { return time.Unix(0, nowNS.Load()) }
	f := NewFirebaseVerifier(FirebaseConfig{ProjectID: project, CertURL: cs.URL, MinRefetch: time.Minute, Now: now})
	ctx := context.Background()
	tok := func(kid string) string {
		cs.mu.Lock()
		key := cs.keys[kid]
		cs.mu.Unlock()
		if key == nil {
			key = testKey(1)
		}
		return sign(t, map[string]any{"alg": "RS256", "kid": kid}, goodClaims(now()), rs256(key))
	}
	for i := 0; i < 5; i++ {
		if _, err := f.Verify(ctx, tok("k1")); err != nil {
			t.Fatal(err)
		}
	}
	if f.Fetches() != 1 {
		t.Fatalf("fetches = %d, want 1 (cached)", f.Fetches())
	}
	// 20 tokens with an unknown kid within the interval: one refetch at most.
	for i := 0; i < 20; i++ {
		if _, err := f.Verify(ctx, tok("k9")); kmeme.ErrorCode(err) != kmeme.EUNAUTHORIZED {
			t.Fatalf("unknown kid: %v", err)
		}
	}
	if f.Fetches() != 1 {
		t.Fatalf("fetches = %d; an unknown kid must wait for the refetch interval", f.Fetches())
	}
	// Google rotates: k2 appears. After the interval one refetch finds it.
	cs.add(t, "k2")
	nowNS.Add(int64(61 * time.Second))
	if _, err := f.Verify(ctx, tok("k2")); err != nil {
		t.Fatalf("rotated key: %v", err)
	}
	if f.Fetches() != 2 {
		t.Fatalf("fetches = %d, want 2", f.Fetches())
	}
	// Past max-age with the endpoint down: cached keys still verify.
	cs.down.Store(true)
	nowNS.Add(int64(20 * time.Minute))
	if _, err := f.Verify(ctx, tok("k1")); err != nil {
		t.Fatalf("endpoint down, cached key: %v", err)
	}
	if f.Fetches() != 3 {
		t.Fatalf("fetches = %d, want a stale-cache refetch attempt", f.Fetches())
	}
	// The attempt counts against the interval: no hammering while down.
	for i := 0; i < 10; i++ {
		_, _ = f.Verify(ctx, tok("k1"))
	}
	if f.Fetches() != 3 {
		t.Fatalf("fetches = %d while down within the interval", f.Fetches())
	}
}

func TestFirebaseEndpointDownWithNoCacheIsUnavailable(t *testing.T) {
	t.Parallel()
	cs := newCertServer(t, "k1")
	cs.down.Store(true)
	now := time.Now()
	f := NewFirebaseVerifier(FirebaseConfig{ProjectID: project, CertURL: cs.URL, Now: func() time.Time { return now }})
	tok := sign(t, map[string]any{"alg": "RS256", "kid": "k1"}, goodClaims(now), rs256(cs.keys["k1"]))
	if _, err := f.Verify(context.Background(), tok); kmeme.ErrorCode(err) != kmeme.EUNAVAILABLE {
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
