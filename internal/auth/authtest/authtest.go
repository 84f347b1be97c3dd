// Package authtest serves Firebase-style signing certificates and mints
// valid and forged ID tokens for tests.
package authtest

import (
	"crypto"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
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
)

var b64 = base64.RawURLEncoding

// CertServer serves Google-style {kid: PEM certificate} documents with a
// Cache-Control max-age of 600 s.
type CertServer struct {
	*httptest.Server
	mu    sync.Mutex
	certs map[string]string
	keys  map[string]*rsa.PrivateKey
	// Hits counts requests; Down makes the endpoint answer 503.
	Hits atomic.Int32
	Down atomic.Bool
}

// NewCertServer starts a server publishing one certificate per kid.
func NewCertServer(t testing.TB, kids ...string) *CertServer {
	t.Helper()
	cs := &CertServer{certs: map[string]string{}, keys: map[string]*rsa.PrivateKey{}}
	for _, kid := range kids {
		cs.Add(t, kid)
	}
	cs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cs.Hits.Add(1)
		if cs.Down.Load() {
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

// Key returns one of three RSA keys generated once per test binary.
func Key(i int) *rsa.PrivateKey {
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

// Add publishes a certificate for kid (a rotation).
func (cs *CertServer) Add(t testing.TB, kid string) {
	t.Helper()
	cs.mu.Lock()
	defer cs.mu.Unlock()
	key := Key(len(cs.keys))
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "securetoken.system.gserviceaccount.com"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cs.certs[kid] = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	cs.keys[kid] = key
}

// KeyOf returns the private key behind kid (nil when unknown).
func (cs *CertServer) KeyOf(kid string) *rsa.PrivateKey {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.keys[kid]
}

// Sign builds a compact JWT with signer over "header.payload".
func Sign(hdr, claims map[string]any, signer func(input string) []byte) string {
	h, _ := json.Marshal(hdr)
	c, _ := json.Marshal(claims)
	in := b64.EncodeToString(h) + "." + b64.EncodeToString(c)
	return in + "." + b64.EncodeToString(signer(in))
}

// RS256 signs with key.
func RS256(key *rsa.PrivateKey) func(string) []byte {
	return func(in string) []byte {
		sum := sha256.Sum256([]byte(in))
		sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
		if err != nil {
			panic(err)
		}
		return sig
	}
}

// Claims are valid Firebase claims for project and subject at now.
func Claims(project, sub string, now time.Time) map[string]any {
	return map[string]any{"iss": "https://securetoken.google.com/" + project, "aud": project, "sub": sub,
		"iat": now.Add(-time.Minute).Unix(), "exp": now.Add(time.Hour).Unix(), "auth_time": now.Add(-time.Minute).Unix(),
		"email": sub + "@k-meme.com", "email_verified": true}
}

// With returns a copy of m with k set to v (or removed when v is nil).
func With(m map[string]any, k string, v any) map[string]any {
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

// Token is a valid ID token signed with kid's key.
func (cs *CertServer) Token(kid string, claims map[string]any) string {
	return Sign(map[string]any{"alg": "RS256", "kid": kid, "typ": "JWT"}, claims, RS256(cs.KeyOf(kid)))
}

// Forged is the checklist's table of forged tokens against kid "k1" of
// cs: every one must be refused with 401.
func (cs *CertServer) Forged(project string, now time.Time) map[string]string {
	key := cs.KeyOf("k1")
	hdr := map[string]any{"alg": "RS256", "kid": "k1", "typ": "JWT"}
	good := Claims(project, "firebase-uid-1", now)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&key.PublicKey)})
	valid := Sign(hdr, good, RS256(key))
	parts := strings.Split(valid, ".")
	tampered, _ := json.Marshal(With(good, "sub", "someone-else"))
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	rs := RS256(key)
	return map[string]string{
		"alg none": Sign(map[string]any{"alg": "none", "kid": "k1"}, good, func(string) []byte { return []byte{0} }),
		"alg none empty sig": func() string {
			h, _ := json.Marshal(map[string]any{"alg": "none"})
			c, _ := json.Marshal(good)
			return b64.EncodeToString(h) + "." + b64.EncodeToString(c) + "."
		}(),
		"HS256 with the public key": Sign(map[string]any{"alg": "HS256", "kid": "k1"}, good, func(in string) []byte {
			m := hmac.New(sha256.New, pubPEM)
			m.Write([]byte(in))
			return m.Sum(nil)
		}),
		"EdDSA from a stranger": Sign(map[string]any{"alg": "EdDSA", "kid": "k1"}, good, func(in string) []byte { return ed25519.Sign(edKey, []byte(in)) }),
		"unknown kid":           Sign(map[string]any{"alg": "RS256", "kid": "nope"}, good, rs),
		"no kid":                Sign(map[string]any{"alg": "RS256"}, good, rs),
		"wrong aud":             Sign(hdr, With(good, "aud", "other-project"), rs),
		"two auds":              Sign(hdr, With(good, "aud", []string{project, "other"}), rs),
		"wrong iss":             Sign(hdr, With(good, "iss", "https://securetoken.google.com/other-project"), rs),
		"another project":       Sign(hdr, With(With(good, "aud", "other"), "iss", "https://securetoken.google.com/other"), rs),
		"expired":               Sign(hdr, With(good, "exp", now.Add(-time.Hour).Unix()), rs),
		"no exp":                Sign(hdr, With(good, "exp", nil), rs),
		"future iat":            Sign(hdr, With(good, "iat", now.Add(time.Hour).Unix()), rs),
		"future auth_time":      Sign(hdr, With(good, "auth_time", now.Add(time.Hour).Unix()), rs),
		"no auth_time":          Sign(hdr, With(good, "auth_time", nil), rs),
		"empty sub":             Sign(hdr, With(good, "sub", ""), rs),
		"129-char sub":          Sign(hdr, With(good, "sub", strings.Repeat("x", 129)), rs),
		"tampered payload":      parts[0] + "." + b64.EncodeToString(tampered) + "." + parts[2],
		"signed by another key": Sign(hdr, good, RS256(Key(2))),
		"not a jwt":             "abc.def",
		"garbage":               "!!!.???.***",
	}
}
