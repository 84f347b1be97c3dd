package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/httpapi"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/postgres/pgtest"
)

type testBundle struct {
	srv    *httptest.Server
	nodes  *postgres.RemixNodeService
	db     *postgres.DB
	userID string
}

func setup(t *testing.T, mutate ...func(*httpapi.Deps)) *testBundle {
	t.Helper()
	db := pgtest.NewDB(t)
	nodes := postgres.NewRemixNodeService(db.Pool)
	d := httpapi.Deps{
		Version:      "test",
		CORSOrigins:  []string{"https://k-meme.com", "http://localhost:3000"},
		MaxBodyBytes: 4096,
		Nodes:        nodes,
		Ready: []httpapi.ReadyCheck{{Name: "postgres", Check: func(ctx context.Context) (any, error) {
			return nil, db.Ping(ctx)
		}}},
		Access: httpapi.AccessDeps{Consents: postgres.NewConsentStore(db.Pool)},
	}
	for _, m := range mutate {
		m(&d)
	}
	var userID string
	if err := db.Pool.QueryRow(context.Background(), `INSERT INTO users (email) VALUES ('owner@example.com') RETURNING id::text`).Scan(&userID); err != nil {
		t.Fatal(err)
	}
	// The trust middleware is not wired here: the caller comes from the test.
	api := httpapi.NewServer(d)
	signedIn := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Anonymous") == "" {
			r = r.WithContext(kmeme.WithCaller(r.Context(), &kmeme.Caller{UserID: userID, Role: kmeme.RoleUser, Via: "test"}))
		}
		api.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(signedIn)
	t.Cleanup(srv.Close)
	return &testBundle{srv: srv, nodes: nodes, db: db, userID: userID}
}

func (b *testBundle) do(t *testing.T, method, path, body string, hdr ...string) (*http.Response, []byte) {
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
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, data
}

func (b *testBundle) countNodes(t *testing.T) int {
	t.Helper()
	var n int
	if err := b.db.Pool.QueryRow(context.Background(), "SELECT count(*) FROM remix_nodes").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func problem(t *testing.T, resp *http.Response, data []byte) httpapi.Problem {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q for %d: %s", ct, resp.StatusCode, data)
	}
	var p httpapi.Problem
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatalf("problem body %s: %v", data, err)
	}
	if p.Status != resp.StatusCode || p.Code == "" || p.Title == "" || p.RequestID == "" {
		t.Fatalf("incomplete problem %+v", p)
	}
	return p
}

func TestRemixLifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t)
	resp, data := b.do(t, "POST", "/api/remix", `{"title":"출근길 밈","location":{"lat":37.56,"lon":126.97}}`)
	if resp.StatusCode != 201 {
		t.Fatalf("create root: %d %s", resp.StatusCode, data)
	}
	var root kmeme.RemixNode
	_ = json.Unmarshal(data, &root)
	if resp.Header.Get("Location") != "/api/remix/"+root.ID {
		t.Errorf("Location = %q", resp.Header.Get("Location"))
	}
	resp, data = b.do(t, "POST", "/api/remix", `{"title":"리믹스","parent_id":"`+root.ID+`"}`)
	if resp.StatusCode != 201 {
		t.Fatalf("create child: %d %s", resp.StatusCode, data)
	}
	var child kmeme.RemixNode
	_ = json.Unmarshal(data, &child)
	if child.Depth != 1 || child.RootID != root.ID {
		t.Errorf("child lineage %+v", child)
	}

	resp, data = b.do(t, "GET", "/api/remix/"+root.ID, "")
	if resp.StatusCode != 200 {
		t.Fatalf("get: %d %s", resp.StatusCode, data)
	}
	var view struct {
		Node  kmeme.RemixNode `json:"node"`
		Files []any           `json:"files"`
	}
	_ = json.Unmarshal(data, &view)
	if view.Node.Children != 1 || view.Node.Title != "출근길 밈" || view.Files == nil {
		t.Errorf("view = %s", data)
	}

	resp, data = b.do(t, "GET", "/api/me/remixes?limit=1", "")
	var mine struct {
		Items []kmeme.RemixNode `json:"items"`
		Next  string            `json:"next"`
	}
	_ = json.Unmarshal(data, &mine)
	if resp.StatusCode != 200 || len(mine.Items) != 1 || mine.Items[0].ID != child.ID || mine.Next == "" {
		t.Errorf("my remixes: %d %s", resp.StatusCode, data)
	}
	if resp, _ = b.do(t, "GET", "/api/me/remixes", "", "X-Anonymous", "1"); resp.StatusCode != 401 {
		t.Errorf("anonymous my remixes: %d", resp.StatusCode)
	}

	resp, data = b.do(t, "GET", "/api/remix/"+root.ID+"/children?limit=10", "")
	if resp.StatusCode != 200 || !strings.Contains(string(data), child.ID) {
		t.Fatalf("children: %d %s", resp.StatusCode, data)
	}

	resp, data = b.do(t, "DELETE", "/api/remix/"+root.ID, "")
	if p := problem(t, resp, data); p.Status != 409 || p.Code != "conflict" {
		t.Errorf("delete parent: %+v", p)
	}
	if b.countNodes(t) != 2 {
		t.Fatal("refused delete changed the table")
	}
	if resp, _ = b.do(t, "DELETE", "/api/remix/"+child.ID, ""); resp.StatusCode != 204 {
		t.Errorf("delete leaf: %d", resp.StatusCode)
	}
}

func TestBadInputGetsSpecificProblems(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cases := []struct {
		name, method, path, body string
		status                   int
		code, field              string
	}{
		{"malformed json", "POST", "/api/remix", `{"title":`, 400, "invalid", ""},
		{"not an object", "POST", "/api/remix", `[1,2]`, 400, "invalid", ""},
		{"trailing data", "POST", "/api/remix", `{"title":"a"}{"title":"b"}`, 400, "invalid", ""},
		{"unknown field", "POST", "/api/remix", `{"title":"a","parnt_id":"x"}`, 400, "invalid", "parnt_id"},
		{"wrong type", "POST", "/api/remix", `{"title":5}`, 400, "invalid", "title"},
		{"empty body", "POST", "/api/remix", ``, 400, "invalid", ""},
		{"oversize body", "POST", "/api/remix", `{"title":"` + strings.Repeat("가", 3000) + `"}`, 413, "too_large", ""},
		{"invalid parent uuid", "POST", "/api/remix", `{"parent_id":"abc"}`, 400, "invalid", "parent_id"},
		{"missing parent", "POST", "/api/remix", `{"parent_id":"0190a4e2-0000-7000-8000-000000000000"}`, 400, "invalid", "parent_id"},
		{"bad location", "POST", "/api/remix", `{"location":{"lat":100,"lon":0}}`, 400, "invalid", "location.lat"},
		{"invalid id", "GET", "/api/remix/not-a-uuid", "", 400, "invalid", "id"},
		{"unknown id", "GET", "/api/remix/0190a4e2-0000-7000-8000-000000000000", "", 404, "not_found", ""},
		{"delete unknown", "DELETE", "/api/remix/0190a4e2-0000-7000-8000-000000000000", "", 404, "not_found", ""},
		{"bad limit", "GET", "/api/remix/0190a4e2-0000-7000-8000-000000000000/children?limit=1000", "", 400, "invalid", "limit"},
		{"unknown route", "GET", "/api/nope", "", 404, "not_found", ""},
	}
	for _, c := range cases {
		resp, data := b.do(t, c.method, c.path, c.body)
		if resp.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d (%s)", c.name, resp.StatusCode, c.status, data)
			continue
		}
		p := problem(t, resp, data)
		if p.Code != c.code || p.Field != c.field {
			t.Errorf("%s: code %q field %q, want %q %q (%s)", c.name, p.Code, p.Field, c.code, c.field, p.Detail)
		}
	}
	resp, data := b.do(t, "POST", "/api/remix", `{"title":"x"}`, "X-Anonymous", "1")
	if p := problem(t, resp, data); p.Status != 401 || p.Code != "unauthorized" {
		t.Errorf("anonymous create: %+v", p)
	}
	resp, data = b.do(t, "POST", "/api/remix", `{"title":"x"}`, "Content-Type", "text/plain")
	if p := problem(t, resp, data); p.Status != 415 {
		t.Errorf("text/plain body: %+v", p)
	}
	if n := b.countNodes(t); n != 0 {
		t.Errorf("bad requests stored %d nodes", n)
	}
}

func TestSecurityHeadersOnEveryAnswer(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, path := range []string{"/healthz", "/api/remix/bad", "/api/nope", "/openapi.json"} {
		resp, _ := b.do(t, "GET", path, "")
		h := resp.Header
		checks := map[string]string{
			"Strict-Transport-Security": "max-age=63072000; includeSubDomains",
			"X-Content-Type-Options":    "nosniff",
			"X-Frame-Options":           "DENY",
			"X-Xss-Protection":          "0",
		}
		for k, want := range checks {
			if got := h.Get(k); got != want {
				t.Errorf("%s: %s = %q, want %q", path, k, got, want)
			}
		}
		if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || h.Get("Referrer-Policy") == "" || h.Get("Permissions-Policy") == "" {
			t.Errorf("%s: CSP/Referrer/Permissions missing: %v", path, h)
		}
		if strings.HasPrefix(path, "/api/") && h.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: Cache-Control = %q", path, h.Get("Cache-Control"))
		}
		if h.Get("X-Request-ID") == "" {
			t.Errorf("%s: no request id", path)
		}
	}
	resp, _ := b.do(t, "GET", "/healthz", "", "X-Request-ID", "trace-abc_1")
	if resp.Header.Get("X-Request-ID") != "trace-abc_1" {
		t.Errorf("request id not echoed")
	}
	resp, _ = b.do(t, "GET", "/healthz", "", "X-Request-ID", "bad id with spaces")
	if got := resp.Header.Get("X-Request-ID"); got == "bad id with spaces" || got == "" {
		t.Errorf("malformed request id used: %q", got)
	}
}

func TestCORS(t *testing.T) {
	t.Parallel()
	b := setup(t)
	resp, _ := b.do(t, "OPTIONS", "/api/remix", "", "Origin", "http://localhost:3000", "Access-Control-Request-Method", "POST")
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "http://localhost:3000" ||
		resp.Header.Get("Access-Control-Max-Age") != "3600" || !strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "Authorization") ||
		resp.Header.Get("Access-Control-Allow-Methods") != "GET, POST, PUT, DELETE" {
		t.Errorf("allowed preflight: %d %v", resp.StatusCode, resp.Header)
	}
	resp, data := b.do(t, "OPTIONS", "/api/remix", "", "Origin", "https://evil.example", "Access-Control-Request-Method", "POST")
	if resp.StatusCode != 403 || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("foreign preflight: %d %v %s", resp.StatusCode, resp.Header, data)
	}
	resp, _ = b.do(t, "GET", "/healthz", "", "Origin", "https://evil.example")
	if resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("foreign origin allowed on GET")
	}
	resp, _ = b.do(t, "GET", "/healthz", "", "Origin", "https://k-meme.com")
	if resp.Header.Get("Access-Control-Allow-Origin") != "https://k-meme.com" {
		t.Errorf("allowed origin not echoed")
	}
}

func TestReadyzNamesTheFailingPart(t *testing.T) {
	t.Parallel()
	b := setup(t, func(d *httpapi.Deps) {
		d.Ready = append(d.Ready, httpapi.ReadyCheck{Name: "redis", Check: func(context.Context) (any, error) {
			return nil, errors.New("dial tcp: connection refused")
		}})
	})
	resp, data := b.do(t, "GET", "/readyz", "")
	if resp.StatusCode != 503 || !strings.Contains(string(data), `"failing":["redis"]`) || !strings.Contains(string(data), "connection refused") {
		t.Fatalf("readyz: %d %s", resp.StatusCode, data)
	}
	ok := setup(t)
	if resp, data = ok.do(t, "GET", "/readyz", ""); resp.StatusCode != 200 {
		t.Fatalf("healthy readyz: %d %s", resp.StatusCode, data)
	}
}

func TestPanicBecomesProblem(t *testing.T) {
	t.Parallel()
	b := setup(t, func(d *httpapi.Deps) {
		d.Web = http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })
	})
	resp, data := b.do(t, "GET", "/some/page", "")
	p := problem(t, resp, data)
	if p.Status != 500 || strings.Contains(string(data), "boom") {
		t.Fatalf("panic answer leaks or is wrong: %s", data)
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("500 without security headers")
	}
}

func TestOpenAPIAndDocsAndMetrics(t *testing.T) {
	t.Parallel()
	b := setup(t)
	resp, data := b.do(t, "GET", "/openapi.json", "")
	var doc struct {
		OpenAPI    string                    `json:"openapi"`
		Paths      map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(data, &doc); err != nil || resp.StatusCode != 200 {
		t.Fatalf("openapi: %d %v", resp.StatusCode, err)
	}
	if doc.OpenAPI != "3.1.0" || doc.Paths["/api/remix/{id}"]["get"] == nil || doc.Paths["/api/remix"]["post"] == nil {
		t.Errorf("paths missing: %v", doc.Paths)
	}
	node := doc.Components.Schemas["RemixNode"]
	props, _ := node["properties"].(map[string]any)
	if props["parent_id"] == nil || props["depth"] == nil {
		t.Errorf("RemixNode schema = %v", node)
	}
	resp, data = b.do(t, "GET", "/api/schema/recipe.v1.json", "")
	var schema map[string]any
	if err := json.Unmarshal(data, &schema); err != nil || resp.StatusCode != 200 || schema["$schema"] == nil {
		t.Errorf("recipe schema: %d %v", resp.StatusCode, err)
	}
	resp, data = b.do(t, "GET", "/docs", "")
	if resp.StatusCode != 200 || !strings.Contains(string(data), "/api/remix/{id}") {
		t.Errorf("docs: %d", resp.StatusCode)
	}
	b.do(t, "GET", "/api/remix/not-a-uuid", "")
	_, data = b.do(t, "GET", "/metrics", "")
	if !strings.Contains(string(data), `kmeme_http_requests_total{method="GET",route="GET /api/remix/{id}",status="400"} 1`) {
		t.Errorf("metrics lack the request: %s", grep(string(data), "kmeme_http_requests_total"))
	}
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestConsentsRoutes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	type list struct {
		Items []kmeme.Consent `json:"items"`
	}
	resp, data := b.do(t, "GET", "/api/me/consents", "")
	var l list
	if err := json.Unmarshal(data, &l); err != nil || resp.StatusCode != 200 || len(l.Items) != 2 || l.Items[0].Granted {
		t.Fatalf("initial consents: %d %s", resp.StatusCode, data)
	}
	resp, data = b.do(t, "PUT", "/api/me/consents", `{"purpose":"ai_processing","granted":true}`)
	l = list{}
	if err := json.Unmarshal(data, &l); err != nil || resp.StatusCode != 200 || !l.Items[0].Granted || l.Items[0].DecidedAt == nil {
		t.Fatalf("grant: %d %s", resp.StatusCode, data)
	}
	for body, field := range map[string]string{`{"purpose":"sell_my_data","granted":true}`: "purpose", `{"purpose":"marketing"}`: "granted"} {
		resp, data = b.do(t, "PUT", "/api/me/consents", body)
		if p := problem(t, resp, data); p.Status != 400 || p.Field != field {
			t.Errorf("%s: %+v", body, p)
		}
	}
	if resp, _ = b.do(t, "GET", "/api/me/consents", "", "X-Anonymous", "1"); resp.StatusCode != 401 {
		t.Errorf("anonymous consents: %d", resp.StatusCode)
	}
}
