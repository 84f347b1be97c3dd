// Package auth signs users in: Firebase ID tokens (RS256, Google's
// certificates by kid), local accounts with argon2id passwords, the
// server's own short-lived access tokens (EdDSA, rotating keys published as
// a JWKS) and rotating refresh tokens with reuse detection.
//
// Token checks are pure: a forged or expired token is refused before any
// database work. JWTs are parsed here with the standard library so that
// every rule (one algorithm per issuer, no "none", no key confusion) is
// visible in one place.
package auth

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// Claims are the JWT claims we read.
type Claims struct {
	Issuer        string   `json:"iss"`
	Subject       string   `json:"sub"`
	Audience      Audience `json:"aud"`
	ExpiresAt     int64    `json:"exp"`
	IssuedAt      int64    `json:"iat"`
	NotBefore     int64    `json:"nbf,omitempty"`
	AuthTime      int64    `json:"auth_time,omitempty"`
	Email         string   `json:"email,omitempty"`
	EmailVerified bool     `json:"email_verified,omitempty"`
	Role          string   `json:"role,omitempty"`
}

// Audience is a JWT aud: one string or a list.
type Audience []string

// UnmarshalJSON accepts a string or an array of strings.
func (a *Audience) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*a = Audience{s}
		return nil
	}
	var l []string
	if err := json.Unmarshal(b, &l); err != nil {
		return err
	}
	*a = l
	return nil
}

// MarshalJSON writes a single audience as a string.
func (a Audience) MarshalJSON() ([]byte, error) {
	if len(a) == 1 {
		return json.Marshal(a[0])
	}
	return json.Marshal([]string(a))
}

// Has reports whether aud contains s.
func (a Audience) Has(s string) bool {
	for _, x := range a {
		if x == s {
			return true
		}
	}
	return false
}

type header struct {
	Alg string `json:"alg"`
	Typ string `json:"typ,omitempty"`
	Kid string `json:"kid,omitempty"`
}

// rawJWT is a compact JWT split into its parts.
type rawJWT struct {
	header       header
	claims       Claims
	signingInput string
	signature    []byte
}

var b64 = base64.RawURLEncoding

// maxTokenBytes bounds what we parse.
const maxTokenBytes = 8 << 10

func unauthorized(format string, args ...any) error {
	return kmeme.Errorf(kmeme.EUNAUTHORIZED, format, args...)
}

// parseJWT splits and decodes a compact JWT without verifying it.
func parseJWT(tok string) (*rawJWT, error) {
	if len(tok) > maxTokenBytes {
		return nil, unauthorized("the token is too long")
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, unauthorized("the token is not a JWT")
	}
	var r rawJWT
	hb, err := b64.DecodeString(parts[0])
	if err != nil || json.Unmarshal(hb, &r.header) != nil {
		return nil, unauthorized("the token header is malformed")
	}
	pb, err := b64.DecodeString(parts[1])
	if err != nil {
		return nil, unauthorized("the token payload is malformed")
	}
	dec := json.NewDecoder(bytes.NewReader(pb))
	if err := dec.Decode(&r.claims); err != nil {
		return nil, unauthorized("the token payload is malformed")
	}
	if r.signature, err = b64.DecodeString(parts[2]); err != nil || len(r.signature) == 0 {
		return nil, unauthorized("the token signature is malformed")
	}
	r.signingInput = parts[0] + "." + parts[1]
	return &r, nil
}

// checkTimes checks exp, nbf, iat and auth_time against now with leeway.
func checkTimes(c *Claims, now time.Time, leeway time.Duration, needAuthTime bool) error {
	n := now.Unix()
	l := int64(leeway / time.Second)
	if c.ExpiresAt == 0 || n > c.ExpiresAt+l {
		return unauthorized("the token has expired")
	}
	if c.IssuedAt == 0 || c.IssuedAt > n+l {
		return unauthorized("the token was issued in the future")
	}
	if c.NotBefore != 0 && c.NotBefore > n+l {
		return unauthorized("the token is not valid yet")
	}
	if needAuthTime && (c.AuthTime == 0 || c.AuthTime > n+l) {
		return unauthorized("the token's auth_time is missing or in the future")
	}
	return nil
}

// checkSubject requires 1 to 128 characters (Firebase's rule, ours too).
func checkSubject(sub string) error {
	if sub == "" || len(sub) > 128 {
		return unauthorized("the token's subject is empty or too long")
	}
	return nil
}

func encodeSegment(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return b64.EncodeToString(b), nil
}
