package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/auth/authtest"
	"github.com/kmeme-factory/kmeme/internal/httpapi"
)

func TestAuthConfigWithAndWithoutFirebase(t *testing.T) {
	t.Parallel()
	off := trustSetup(t, trustOptions{})
	a := off.call(t, nil, "GET", "/api/auth/config", "")
	if a.status != 200 || strings.TrimSpace(string(a.body)) != `{"firebase":null}` {
		t.Fatalf("without firebase: %d %s", a.status, a.body)
	}
	// A web config without a verifier is not published either: the
	// browser would get tokens the server refuses.
	half := trustSetup(t, trustOptions{firebaseWeb: &httpapi.FirebaseWeb{APIKey: "AIza-key", AuthDomain: "x.firebaseapp.com", ProjectID: testProject}})
	if a := half.call(t, nil, "GET", "/api/auth/config", ""); strings.TrimSpace(string(a.body)) != `{"firebase":null}` {
		t.Fatalf("web config without verifier: %s", a.body)
	}
	cs := authtest.NewCertServer(t, "k1")
	web := &httpapi.FirebaseWeb{APIKey: "AIzaSyA-public-web-key", AuthDomain: testProject + ".firebaseapp.com", ProjectID: testProject}
	on := trustSetup(t, trustOptions{certURL: cs.URL, firebaseWeb: web})
	a = on.call(t, nil, "GET", "/api/auth/config", "")
	var got struct{ Firebase *httpapi.FirebaseWeb }
	a.json(t, &got)
	if a.status != 200 || got.Firebase == nil || *got.Firebase != *web {
		t.Fatalf("with firebase: %d %s", a.status, a.body)
	}
	if !strings.Contains(string(a.body), `"api_key":"AIzaSyA-public-web-key"`) || !strings.Contains(string(a.body), `"auth_domain"`) {
		t.Fatalf("field names: %s", a.body)
	}
	// Both routes are in the OpenAPI document.
	doc := on.call(t, nil, "GET", "/openapi.json", "")
	for _, p := range []string{`"/api/auth/config"`, `"/api/auth/firebase"`, `"id_token"`} {
		if !strings.Contains(string(doc.body), p) {
			t.Errorf("openapi.json lacks %s", p)
		}
	}
}

func TestFirebaseSignInStartsACookieSession(t *testing.T) {
	t.Parallel()
	cs := authtest.NewCertServer(t, "k1")
	b := trustSetup(t, trustOptions{certURL: cs.URL})
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	tok := cs.Token("k1", authtest.Claims(testProject, "fb-web-1", time.Now()))
	a := b.call(t, browser, "POST", "/api/auth/firebase", fmt.Sprintf(`{"id_token":%q}`, tok), "Origin", "http://localhost:3000")
	var s session
	a.json(t, &s)
	if a.status != 200 || s.User.ID == "" || s.User.Email != "fb-web-1@k-meme.com" || s.AccessToken == "" || s.ExpiresIn <= 0 {
		t.Fatalf("firebase sign-in: %d %s", a.status, a.body)
	}
	if s.RefreshToken != "" {
		t.Errorf("a browser (Origin) got the refresh token in the body")
	}
	cookies := map[string]*http.Cookie{}
	for _, c := range a.header.Values("Set-Cookie") {
		if hc, err := http.ParseSetCookie(c); err == nil {
			cookies[hc.Name] = hc
		}
	}
	for _, name := range []string{"kmeme_session", "kmeme_refresh", "kmeme_csrf"} {
		if cookies[name] == nil || cookies[name].Value == "" {
			t.Fatalf("no %s cookie: %v", name, a.header.Values("Set-Cookie"))
		}
	}
	if !cookies["kmeme_session"].HttpOnly || !cookies["kmeme_refresh"].HttpOnly || cookies["kmeme_refresh"].Path != "/api/auth" {
		t.Errorf("cookie flags: %+v %+v", cookies["kmeme_session"], cookies["kmeme_refresh"])
	}
	// The cookie alone signs /api/me in.
	me := b.call(t, browser, "GET", "/api/me", "")
	var body struct {
		User struct {
			ID          string `json:"id"`
			FirebaseUID string `json:"firebase_uid"`
		}
	}
	me.json(t, &body)
	if me.status != 200 || body.User.ID != s.User.ID || body.User.FirebaseUID != "fb-web-1" {
		t.Fatalf("/api/me with the cookie: %d %s", me.status, me.body)
	}
	// The refresh cookie rotates like a password session's.
	csrf := cookies["kmeme_csrf"].Value
	if r := b.call(t, browser, "POST", "/api/auth/refresh", "", "X-CSRF-Token", csrf); r.status != 200 {
		t.Fatalf("refresh: %d %s", r.status, r.body)
	}
	// A second sign-in finds the same user; an API client gets the refresh token in the body.
	a = b.call(t, nil, "POST", "/api/auth/firebase", fmt.Sprintf(`{"id_token":%q}`, tok))
	var s2 session
	a.json(t, &s2)
	if a.status != 200 || s2.User.ID != s.User.ID || s2.RefreshToken == "" {
		t.Fatalf("second sign-in: %d %s", a.status, a.body)
	}
	var n int
	_ = b.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'login' AND user_id = $1 AND detail->>'via' = 'firebase'`, s.User.ID).Scan(&n)
	if n != 2 {
		t.Errorf("firebase sign-ins in the audit log = %d, want 2", n)
	}
}

func TestFirebaseSignInRefusesBadTokens(t *testing.T) {
	t.Parallel()
	cs := authtest.NewCertServer(t, "k1")
	b := trustSetup(t, trustOptions{certURL: cs.URL})
	now := time.Now()
	claims := authtest.Claims(testProject, "fb-bad-1", now)
	bad := cs.Forged(testProject, now)
	bad["expired an hour ago"] = cs.Token("k1", authtest.With(claims, "exp", now.Add(-time.Hour).Unix()))
	bad["audience of another project"] = cs.Token("k1", authtest.With(claims, "aud", "someone-else"))
	own := b.signup(t, "local@k-meme.com")
	bad["the server's own access token"] = own.AccessToken
	for name, tok := range bad {
		a := b.call(t, nil, "POST", "/api/auth/firebase", fmt.Sprintf(`{"id_token":%q}`, tok))
		if a.status != 401 {
			t.Errorf("%s: %d %s", name, a.status, a.body)
		}
		if len(a.header.Values("Set-Cookie")) != 0 {
			t.Errorf("%s: cookies set on a refused token", name)
		}
	}
	var n int
	_ = b.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM users WHERE firebase_uid IS NOT NULL`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d users created by refused tokens", n)
	}
	for _, body := range []string{`{}`, `{"id_token":""}`, `{"id_token":"   "}`} {
		a := b.call(t, nil, "POST", "/api/auth/firebase", body)
		var p httpapi.Problem
		_ = json.Unmarshal(a.body, &p)
		if a.status != 400 || p.Field != "id_token" {
			t.Errorf("%s: %d %s", body, a.status, a.body)
		}
	}
	// Without a verifier the route refuses every token.
	off := trustSetup(t, trustOptions{})
	if a := off.call(t, nil, "POST", "/api/auth/firebase", fmt.Sprintf(`{"id_token":%q}`, cs.Token("k1", claims))); a.status != 401 {
		t.Fatalf("firebase off: %d %s", a.status, a.body)
	}
}

// TestFirebaseAdminNeedsAVerifiedEmail: anyone can make a Firebase account
// that claims an admin's address; only a verified one gets the role, by
// bearer token and by session exchange alike.
func TestFirebaseAdminNeedsAVerifiedEmail(t *testing.T) {
	t.Parallel()
	cs := authtest.NewCertServer(t, "k1")
	b := trustSetup(t, trustOptions{certURL: cs.URL})
	role := func(a answer) string {
		var me struct{ User struct{ Role string } }
		a.json(t, &me)
		return me.User.Role
	}
	claims := authtest.Claims(testProject, "fb-impostor", time.Now())
	claims["email"], claims["email_verified"] = "admin@k-meme.com", false
	a := b.call(t, nil, "GET", "/api/me", "", "Authorization", "Bearer "+cs.Token("k1", claims))
	if a.status != 200 || role(a) != "user" {
		t.Fatalf("unverified admin e-mail by bearer: %d %s", a.status, a.body)
	}
	a = b.call(t, nil, "POST", "/api/auth/firebase", fmt.Sprintf(`{"id_token":%q}`, cs.Token("k1", claims)), "Origin", "http://localhost:3000")
	var s session
	a.json(t, &s)
	if a.status != 200 || s.User.Role != "user" {
		t.Fatalf("unverified admin e-mail by exchange: %d %s", a.status, a.body)
	}
	owner := authtest.Claims(testProject, "fb-admin", time.Now())
	owner["email"] = "admin@k-meme.com"
	a = b.call(t, nil, "GET", "/api/me", "", "Authorization", "Bearer "+cs.Token("k1", owner))
	if a.status != 200 || role(a) != "admin" {
		t.Fatalf("verified admin e-mail: %d %s", a.status, a.body)
	}
}
