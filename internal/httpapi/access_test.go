package httpapi_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/kmeme-factory/kmeme/internal/auth"
	"github.com/kmeme-factory/kmeme/internal/auth/authtest"
	"github.com/kmeme-factory/kmeme/internal/blob"
	"github.com/kmeme-factory/kmeme/internal/httpapi"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/postgres/pgtest"
	"github.com/kmeme-factory/kmeme/internal/quota"
	"github.com/kmeme-factory/kmeme/internal/ratelimit"
	"github.com/kmeme-factory/kmeme/internal/redis"
	"github.com/kmeme-factory/kmeme/internal/redis/redistest"
)

// countingDB counts every statement: the forged-token tests require zero.
type countingDB struct {
	postgres.DBTX
	n atomic.Int64
}

func (c *countingDB) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	c.n.Add(1)
	return c.DBTX.Exec(ctx, sql, args...)
}

func (c *countingDB) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	c.n.Add(1)
	return c.DBTX.Query(ctx, sql, args...)
}

func (c *countingDB) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	c.n.Add(1)
	return c.DBTX.QueryRow(ctx, sql, args...)
}

func (c *countingDB) Begin(ctx context.Context) (pgx.Tx, error) {
	c.n.Add(1)
	return c.DBTX.Begin(ctx)
}

type trustOptions struct {
	redisURL string
	// timeout bounds Redis calls (default 5s: generous, so that a busy
	// machine does not turn into a simulated outage).
	timeout time.Duration
	budgets map[string]ratelimit.Budget
	now     func() time.Time
	plans   map[string]int64
	certURL string
	// firebaseWeb is published by GET /api/auth/config.
	firebaseWeb *httpapi.FirebaseWeb
	privacy     func(*postgres.DB, *redis.Client) httpapi.Privacy
	// platform turns on the platform's storage (idempotency, videos).
	platform bool
	// log receives the server's logs (default: discarded).
	log *slog.Logger
}

type trustBundle struct {
	srv     *httptest.Server
	db      *postgres.DB
	rdb     *redis.Client
	counted *countingDB
	svc     *auth.Service
	quota   *quota.Service
	// blobDir holds the platform's files (with platform).
	blobDir string
}

const testProject = "kmeme-test"

func trustSetup(t *testing.T, o trustOptions) *trustBundle {
	t.Helper()
	db := pgtest.NewDB(t)
	if o.redisURL == "" {
		o.redisURL = redistest.URL()
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	prefix := "test:" + t.Name() + ":" + hex.EncodeToString(b[:]) + ":"
	if o.timeout == 0 {
		o.timeout = 5 * time.Second
	}
	rdb, err := redis.Open(redis.Config{URL: o.redisURL, Timeout: o.timeout, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		if keys, _ := rdb.R.Keys(ctx, prefix+"*").Result(); len(keys) > 0 {
			rdb.R.Del(ctx, keys...)
		}
		rdb.Close()
	})
	counted := &countingDB{DBTX: db.Pool}
	users := postgres.NewUserStore(counted)
	tokens := postgres.NewTokenStore(counted)
	ring := auth.NewKeyRing(tokens, auth.KeyRingConfig{Issuer: "kmeme", AccessTTL: 15 * time.Minute, Rotation: 24 * time.Hour})
	if err := ring.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	svc := &auth.Service{Users: users, Tokens: tokens, Audit: postgres.NewAuditLog(db.Pool), Keys: ring,
		Params: auth.PasswordParams{Memory: 1024, Time: 1, Threads: 1}, RefreshTTL: 24 * time.Hour, AdminEmails: []string{"admin@k-meme.com"}}
	if o.certURL != "" {
		svc.Firebase = auth.NewFirebaseVerifier(auth.FirebaseConfig{ProjectID: testProject, CertURL: o.certURL})
	}
	if o.budgets == nil {
		o.budgets = map[string]ratelimit.Budget{"read": {Count: 10000, Period: time.Minute}, "remix": {Count: 10000, Period: time.Minute}, "auth": {Count: 10000, Period: time.Minute}}
	}
	lim := ratelimit.New(rdb, ratelimit.Config{Budgets: o.budgets, Now: o.now, Timeout: o.timeout})
	if o.plans == nil {
		o.plans = map[string]int64{"free": 100}
	}
	q, err := quota.New(rdb, postgres.NewQuotaStore(db.Pool), quota.Config{Plans: o.plans, Timeout: o.timeout})
	if err != nil {
		t.Fatal(err)
	}
	d := httpapi.Deps{
		Log:     o.log,
		Version: "test", CORSOrigins: []string{"http://localhost:3000"}, MaxBodyBytes: 4096,
		Nodes: postgres.NewRemixNodeService(db.Pool),
		Access: httpapi.AccessDeps{Auth: svc, Limiter: lim, Quota: q, Users: postgres.NewUserStore(db.Pool),
			Audit: postgres.NewAuditLog(db.Pool), Costs: postgres.NewCostLedger(db.Pool, 50), FirebaseWeb: o.firebaseWeb,
			Consents: postgres.NewConsentStore(db.Pool)},
	}
	if o.privacy != nil {
		d.Access.Privacy = o.privacy(db, rdb)
	}
	blobDir := ""
	if o.platform {
		blobDir = t.TempDir()
		blobs, err := blob.NewLocal(blobDir)
		if err != nil {
			t.Fatal(err)
		}
		d.Content = httpapi.ContentDeps{Remixes: postgres.NewRemixService(db.Pool, nil), Videos: postgres.NewVideoService(db.Pool, blobs, 0),
			Lineage: postgres.NewLineageService(db.Pool), Search: postgres.NewSearchService(db.Pool), Places: postgres.NewPlaceService(db.Pool),
			Blobs: blobs, SpoolDir: t.TempDir()}
	}
	srv := httptest.NewServer(httpapi.NewServer(d))
	t.Cleanup(srv.Close)
	return &trustBundle{srv: srv, db: db, rdb: rdb, counted: counted, svc: svc, quota: q, blobDir: blobDir}
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("decode %d %s: %v", a.status, a.body, err)
	}
}

func (b *trustBundle) call(t *testing.T, c *http.Client, method, path, body string, hdr ...string) answer {
	t.Helper()
	req, err := http.NewRequest(method, b.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, data}
}

type session struct {
	User struct {
		ID    string `json:"id"`
		Email string `json:"email"`
		Role  string `json:"role"`
	} `json:"user"`
	AccessToken  string `json:"access_token"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
}

func (b *trustBundle) signup(t *testing.T, email string) session {
	t.Helper()
	a := b.call(t, nil, "POST", "/api/auth/signup", fmt.Sprintf(`{"email":%q,"password":"password-123"}`, email))
	if a.status != http.StatusCreated {
		t.Fatalf("signup %s: %d %s", email, a.status, a.body)
	}
	var s session
	a.json(t, &s)
	return s
}

func bearer(s session) []string { return []string{"Authorization", "Bearer " + s.AccessToken} }

func TestAuthFlowCookiesCSRFAndRefreshRotation(t *testing.T) {
	t.Parallel()
	b := trustSetup(t, trustOptions{})
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	origin := []string{"Origin", "http://localhost:3000"}

	a := b.call(t, browser, "POST", "/api/auth/signup", `{"email":"Mina@K-meme.com","password":"password-123","display_name":"미나"}`, origin...)
	if a.status != http.StatusCreated {
		t.Fatalf("signup: %d %s", a.status, a.body)
	}
	var s session
	a.json(t, &s)
	if s.User.Email != "mina@k-meme.com" || s.User.Role != "user" || s.AccessToken == "" || s.ExpiresIn != 900 || s.RefreshToken != "" {
		t.Fatalf("browser signup answer = %+v (the refresh token must stay in its httpOnly cookie)", s)
	}
	cookies := map[string]*http.Cookie{}
	for _, c := range (&http.Response{Header: a.header}).Cookies() {
		cookies[c.Name] = c
	}
	if c := cookies["kmeme_session"]; c == nil || !c.HttpOnly || c.Path != "/" {
		t.Errorf("session cookie = %+v", c)
	}
	if c := cookies["kmeme_refresh"]; c == nil || !c.HttpOnly || c.Path != "/api/auth" {
		t.Errorf("refresh cookie = %+v", c)
	}
	if c := cookies["kmeme_csrf"]; c == nil || c.HttpOnly || c.Value == "" {
		t.Errorf("csrf cookie = %+v", c)
	}
	csrf := cookies["kmeme_csrf"].Value

	// The same e-mail again is a conflict; bad input names the field.
	for _, tc := range []struct {
		body  string
		want  int
		field string
	}{
		{`{"email":"mina@k-meme.com","password":"password-123"}`, 409, "email"},
		{`{"email":"nope","password":"password-123"}`, 400, "email"},
		{`{"email":"x@k-meme.com","password":"short"}`, 400, "password"},
		{`{"email":"x@k-meme.com","password":"password-123","admin":true}`, 400, "admin"},
	} {
		a := b.call(t, nil, "POST", "/api/auth/signup", tc.body)
		var p httpapi.Problem
		a.json(t, &p)
		if a.status != tc.want || p.Field != tc.field {
			t.Errorf("signup %s = %d %+v", tc.body, a.status, p)
		}
	}

	// Cookie session: reads work; unsafe methods need the CSRF header.
	if a := b.call(t, browser, "GET", "/api/me", ""); a.status != 200 {
		t.Fatalf("GET /api/me by cookie: %d %s", a.status, a.body)
	}
	if a := b.call(t, browser, "POST", "/api/remix", `{"title":"x"}`); a.status != http.StatusForbidden {
		t.Fatalf("cookie POST without CSRF: %d %s", a.status, a.body)
	}
	if a := b.call(t, browser, "POST", "/api/remix", `{"title":"x"}`, "X-CSRF-Token", "wrong"); a.status != http.StatusForbidden {
		t.Fatalf("cookie POST with a wrong CSRF token: %d", a.status)
	}
	// Bearer: no CSRF needed.
	var me struct {
		User  struct{ ID string }
		Quota quota.Status
	}
	a = b.call(t, nil, "GET", "/api/me", "", bearer(s)...)
	a.json(t, &me)
	if a.status != 200 || me.User.ID != s.User.ID || me.Quota.Limit != 100 || me.Quota.Left != 100 || me.Quota.Plan != "free" {
		t.Fatalf("GET /api/me = %d %s", a.status, a.body)
	}
	if a.header.Get("Cache-Control") != "no-store" {
		t.Errorf("authenticated answer Cache-Control = %q", a.header.Get("Cache-Control"))
	}

	// Login: wrong password and unknown e-mail look the same.
	wrong := b.call(t, nil, "POST", "/api/auth/login", `{"email":"mina@k-meme.com","password":"password-124"}`)
	unknown := b.call(t, nil, "POST", "/api/auth/login", `{"email":"who@k-meme.com","password":"password-124"}`)
	if wrong.status != 401 || unknown.status != 401 {
		t.Fatalf("bad logins: %d %d", wrong.status, unknown.status)
	}
	var pw, pu httpapi.Problem
	wrong.json(t, &pw)
	unknown.json(t, &pu)
	if pw.Detail != pu.Detail {
		t.Errorf("login errors differ: %q vs %q (account enumeration)", pw.Detail, pu.Detail)
	}
	// API client login (no Origin): the refresh token comes in the body.
	a = b.call(t, nil, "POST", "/api/auth/login", `{"email":"mina@k-meme.com","password":"password-123"}`)
	var api session
	a.json(t, &api)
	if a.status != 200 || api.RefreshToken == "" {
		t.Fatalf("API login: %d %s", a.status, a.body)
	}
	// Rotation: the old token works once; reusing it revokes the family.
	a = b.call(t, nil, "POST", "/api/auth/refresh", fmt.Sprintf(`{"refresh_token":%q}`, api.RefreshToken))
	var next session
	a.json(t, &next)
	if a.status != 200 || next.RefreshToken == "" || next.RefreshToken == api.RefreshToken {
		t.Fatalf("refresh: %d %s", a.status, a.body)
	}
	if a := b.call(t, nil, "POST", "/api/auth/refresh", fmt.Sprintf(`{"refresh_token":%q}`, api.RefreshToken)); a.status != 401 {
		t.Fatalf("reused refresh token: %d", a.status)
	}
	if a := b.call(t, nil, "POST", "/api/auth/refresh", fmt.Sprintf(`{"refresh_token":%q}`, next.RefreshToken)); a.status != 401 {
		t.Fatalf("successor after reuse must be revoked too: %d", a.status)
	}
	// Browser refresh through the cookie, with CSRF; then logout revokes it.
	if a := b.call(t, browser, "POST", "/api/auth/refresh", "", origin...); a.status != http.StatusForbidden {
		t.Fatalf("cookie refresh without CSRF: %d %s", a.status, a.body)
	}
	if a := b.call(t, browser, "POST", "/api/auth/refresh", "", append(origin, "X-CSRF-Token", csrf)...); a.status != 200 {
		t.Fatalf("cookie refresh: %d %s", a.status, a.body)
	}
	var newCSRF string
	u, _ := http.NewRequest("GET", b.srv.URL+"/", nil)
	for _, c := range jar.Cookies(u.URL) {
		if c.Name == "kmeme_csrf" {
			newCSRF = c.Value
		}
	}
	if a := b.call(t, browser, "POST", "/api/auth/logout", "", "X-CSRF-Token", newCSRF); a.status != http.StatusNoContent {
		t.Fatalf("logout: %d %s", a.status, a.body)
	}
	if a := b.call(t, browser, "GET", "/api/me", ""); a.status != 401 {
		t.Fatalf("after logout /api/me = %d", a.status)
	}
	var revoked int
	if err := b.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM refresh_tokens WHERE revoked_at IS NULL AND used_at IS NULL`).Scan(&revoked); err != nil {
		t.Fatal(err)
	}
	if revoked != 0 { // the API family was revoked by reuse, the browser's by logout
		t.Errorf("live refresh tokens = %d, want 0", revoked)
	}
	// The audit log has the sign-ins.
	var n int
	_ = b.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action IN ('signup','login','login_failed','refresh_reuse','logout')`).Scan(&n)
	if n < 6 {
		t.Errorf("audit entries = %d", n)
	}
	// JWKS publishes the key that verifies.
	var set auth.JWKSet
	a = b.call(t, nil, "GET", "/.well-known/jwks.json", "")
	a.json(t, &set)
	if len(set.Keys) != 1 || set.Keys[0].Kty != "OKP" || set.Keys[0].Alg != "EdDSA" {
		t.Fatalf("jwks = %s", a.body)
	}
}

// TestForgedTokensAre401BeforeAnyDatabaseWork: every forged token of the
// checklist → 401, and not one statement reaches PostgreSQL.
func TestForgedTokensAre401BeforeAnyDatabaseWork(t *testing.T) {
	t.Parallel()
	cs := authtest.NewCertServer(t, "k1")
	b := trustSetup(t, trustOptions{certURL: cs.URL})
	forged := cs.Forged(testProject, time.Now())
	forged["bearer with no token"] = " "
	b.counted.n.Store(0)
	for name, tok := range forged {
		for _, path := range []string{"/api/me", "/api/remix/0193a1a0-0000-7000-8000-000000000001"} {
			a := b.call(t, nil, "GET", path, "", "Authorization", "Bearer "+tok)
			if a.status != 401 {
				t.Errorf("%s on %s: %d %s", name, path, a.status, a.body)
			}
		}
	}
	if n := b.counted.n.Load(); n != 0 {
		t.Fatalf("%d database statements for forged tokens, want 0", n)
	}
	// A valid Firebase token signs in and links a user on first use.
	good := cs.Token("k1", authtest.Claims(testProject, "fb-uid-7", time.Now()))
	a := b.call(t, nil, "GET", "/api/me", "", "Authorization", "Bearer "+good)
	var me struct {
		User struct {
			ID          string `json:"id"`
			Email       string `json:"email"`
			FirebaseUID string `json:"firebase_uid"`
		}
	}
	a.json(t, &me)
	if a.status != 200 || me.User.FirebaseUID != "fb-uid-7" || me.User.Email != "fb-uid-7@k-meme.com" {
		t.Fatalf("firebase sign-in: %d %s", a.status, a.body)
	}
	a2 := b.call(t, nil, "GET", "/api/me", "", "Authorization", "Bearer "+good)
	var me2 struct{ User struct{ ID string } }
	a2.json(t, &me2)
	if me2.User.ID != me.User.ID {
		t.Fatal("second Firebase sign-in made another user")
	}
}

// TestThousandConcurrentRequestsOneUser: 1,000 concurrent requests from one
// user against 10/s (GCRA, burst 10, clock pinned) → exactly 10 pass, every
// rejection is 429 with Retry-After and RateLimit headers.
func TestThousandConcurrentRequestsOneUser(t *testing.T) {
	t.Parallel()
	pinned := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	// A generous Redis timeout: on a timeout the limiter fails open to the
	// per-instance limiter, which is by design but not what this measures.
	b := trustSetup(t, trustOptions{now: func() time.Time { return pinned }, timeout: 10 * time.Second,
		budgets: map[string]ratelimit.Budget{"read": {Count: 10, Period: time.Second}, "auth": {Count: 100, Period: time.Second}}})
	s := b.signup(t, "busy@k-meme.com")
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 200, MaxIdleConnsPerHost: 200}}
	var ok, limited atomic.Int32
	var bad atomic.Value
	var wg sync.WaitGroup
	for i := 0; i < 1000; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("GET", b.srv.URL+"/api/me", nil)
			req.Header.Set("Authorization", "Bearer "+s.AccessToken)
			resp, err := client.Do(req)
			if err != nil {
				bad.Store(err.Error())
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			switch resp.StatusCode {
			case 200:
				ok.Add(1)
			case 429:
				limited.Add(1)
				h := resp.Header
				if h.Get("Retry-After") != "1" || h.Get("RateLimit-Limit") != "10" || h.Get("RateLimit-Remaining") != "0" || h.Get("RateLimit-Reset") == "" {
					bad.Store(fmt.Sprint(h))
				}
			default:
				bad.Store(resp.Status)
			}
		}()
	}
	wg.Wait()
	if v := bad.Load(); v != nil {
		t.Errorf("unexpected answer: %v", v)
	}
	if ok.Load() != 10 || limited.Load() != 990 {
		t.Fatalf("passed %d, limited %d; want exactly 10 and 990", ok.Load(), limited.Load())
	}
}

func TestSignInAttemptsLimitedPerAccount(t *testing.T) {
	t.Parallel()
	b := trustSetup(t, trustOptions{budgets: map[string]ratelimit.Budget{"read": {Count: 100, Period: time.Minute}, "auth": {Count: 5, Period: time.Hour}}})
	b.signup(t, "target@k-meme.com") // 1 of the IP's 5
	for i := 0; i < 4; i++ {
		if a := b.call(t, nil, "POST", "/api/auth/login", `{"email":"target@k-meme.com","password":"guess-guess"}`); a.status != 401 {
			t.Fatalf("attempt %d: %d", i, a.status)
		}
	}
	a := b.call(t, nil, "POST", "/api/auth/login", `{"email":"target@k-meme.com","password":"guess-guess"}`)
	var p httpapi.Problem
	a.json(t, &p)
	if a.status != 429 || p.Code != "rate_limited" || a.header.Get("Retry-After") == "" {
		t.Fatalf("6th sign-in attempt: %d %s", a.status, a.body)
	}
}

func TestQuotaSpentOnSuccessRefundedOnFailure(t *testing.T) {
	t.Parallel()
	b := trustSetup(t, trustOptions{plans: map[string]int64{"free": 2}})
	s := b.signup(t, "maker@k-meme.com")
	// A refused request (bad body) costs nothing.
	if a := b.call(t, nil, "POST", "/api/remix", `{"title":1}`, bearer(s)...); a.status != 400 {
		t.Fatalf("bad body: %d %s", a.status, a.body)
	}
	for i := 0; i < 2; i++ {
		if a := b.call(t, nil, "POST", "/api/remix", `{"title":"밈"}`, bearer(s)...); a.status != 201 {
			t.Fatalf("remix %d: %d %s", i, a.status, a.body)
		}
	}
	a := b.call(t, nil, "POST", "/api/remix", `{"title":"밈"}`, bearer(s)...)
	var p httpapi.Problem
	a.json(t, &p)
	if a.status != 429 || p.Code != "quota_exceeded" || a.header.Get("Retry-After") == "" {
		t.Fatalf("over quota: %d %s", a.status, a.body)
	}
	var me struct{ Quota quota.Status }
	b.call(t, nil, "GET", "/api/me", "", bearer(s)...).json(t, &me)
	if me.Quota.Used != 2 || me.Quota.Left != 0 {
		t.Fatalf("quota = %+v", me.Quota)
	}
	// Anonymous callers cannot spend: the route needs sign-in.
	if a := b.call(t, nil, "POST", "/api/remix", `{"title":"밈"}`); a.status != 401 {
		t.Fatalf("anonymous remix: %d", a.status)
	}
}

func TestAdminRoutesNeedTheAdminRole(t *testing.T) {
	t.Parallel()
	b := trustSetup(t, trustOptions{plans: map[string]int64{"free": 2}})
	user := b.signup(t, "user@k-meme.com")
	admin := b.signup(t, "admin@k-meme.com")
	if admin.User.Role != "admin" {
		t.Fatalf("KMEME_ADMIN_EMAILS account role = %q", admin.User.Role)
	}
	body := `{"daily_limit":7}`
	for _, tc := range []struct {
		who          []string
		method, path string
		body         string
		want         int
	}{
		{nil, "GET", "/api/admin/costs?month=2026-11", "", 401},
		{bearer(user), "GET", "/api/admin/costs?month=2026-11", "", 403},
		{bearer(user), "PUT", "/api/admin/users/" + user.User.ID + "/quota", body, 403},
		{bearer(admin), "GET", "/api/admin/costs?month=2026-11", "", 200},
		{bearer(admin), "GET", "/api/admin/costs?month=2026-13", "", 400},
		{bearer(admin), "PUT", "/api/admin/users/" + user.User.ID + "/quota", `{"daily_limit":-1}`, 400},
		{bearer(admin), "PUT", "/api/admin/users/0193a1a0-0000-7000-8000-000000000001/quota", body, 404},
		{bearer(admin), "PUT", "/api/admin/users/" + user.User.ID + "/quota", body, 204},
	} {
		if a := b.call(t, nil, tc.method, tc.path, tc.body, tc.who...); a.status != tc.want {
			t.Errorf("%s %s: %d %s, want %d", tc.method, tc.path, a.status, a.body, tc.want)
		}
	}
	var me struct{ Quota quota.Status }
	b.call(t, nil, "GET", "/api/me", "", bearer(user)...).json(t, &me)
	if me.Quota.Limit != 7 {
		t.Fatalf("override not applied: %+v", me.Quota)
	}
}

// TestRedisStoppedMidTraffic: reads keep answering (limits fall back to the
// local limiter), paid-AI routes refuse with 503.
func TestRedisStoppedMidTraffic(t *testing.T) {
	t.Parallel()
	url, kill := redistest.StartServer(t)
	b := trustSetup(t, trustOptions{redisURL: url, timeout: 500 * time.Millisecond, budgets: map[string]ratelimit.Budget{
		"read": {Count: 50, Period: time.Hour}, "remix": {Count: 100, Period: time.Hour}, "auth": {Count: 100, Period: time.Hour}}})
	s := b.signup(t, "steady@k-meme.com")
	if a := b.call(t, nil, "POST", "/api/remix", `{"title":"before"}`, bearer(s)...); a.status != 201 {
		t.Fatalf("remix before the outage: %d %s", a.status, a.body)
	}
	for i := 0; i < 5; i++ {
		if a := b.call(t, nil, "GET", "/api/me", "", bearer(s)...); a.status != 200 || a.header.Get("RateLimit-Remaining") != fmt.Sprint(49-i) {
			t.Fatalf("read %d before: %d remaining %s", i, a.status, a.header.Get("RateLimit-Remaining"))
		}
	}
	kill()
	start := time.Now()
	// The fallback starts from the 5 reads Redis counted: 45 remain, not
	// a second budget of 50.
	for i := 0; i < 60; i++ {
		a := b.call(t, nil, "GET", "/api/me", "", bearer(s)...)
		if i < 45 && a.status != 200 {
			t.Fatalf("read %d during the outage: %d %s", i, a.status, a.body)
		}
		if i >= 45 && a.status != 429 {
			t.Fatalf("read %d: the local limiter must go on from Redis's count (5 spent of 50): %d", i, a.status)
		}
	}
	if el := time.Since(start); el > 30*time.Second { // generous: the machine is shared
		t.Errorf("60 reads took %v during the outage", el)
	}
	a := b.call(t, nil, "POST", "/api/remix", `{"title":"during"}`, bearer(s)...)
	var p httpapi.Problem
	a.json(t, &p)
	if a.status != 503 || p.Code != "unavailable" || a.header.Get("Retry-After") == "" {
		t.Fatalf("paid route during the outage: %d %s", a.status, a.body)
	}
}
