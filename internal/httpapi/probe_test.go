package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/privacy"
	"github.com/kmeme-factory/kmeme/internal/quota"
)

// TestErasureKeepsAnotherUsersSharedVideo: A and B upload the same bytes
// (one content-addressed blob); A's finished remix lists the source among
// its files. Erasing A must not delete the file B's video still needs.
func TestErasureKeepsAnotherUsersSharedVideo(t *testing.T) {
	t.Parallel()
	b := setupPlatform(t, platformOpts{workers: 1})
	clip := genClip(t, 2)
	upload := func(user string) kmeme.Video {
		t.Helper()
		resp, data := b.upload(t, user, "같은영상.mp4", clip)
		if resp.StatusCode != 201 {
			t.Fatalf("upload: %d %s", resp.StatusCode, data)
		}
		var v kmeme.Video
		_ = json.Unmarshal(data, &v)
		return v
	}
	va, vb := upload(b.userA), upload(b.userB)
	remix := func(user, video string) string {
		t.Helper()
		resp, data := b.json(t, "POST", "/api/remix", user, `{"video_id":"`+video+`","title":"공유 영상"}`, "Idempotency-Key", uuid.NewString())
		if resp.StatusCode != 202 {
			t.Fatalf("create remix: %d %s", resp.StatusCode, data)
		}
		var n kmeme.RemixNode
		_ = json.Unmarshal(data, &n)
		if evs := b.follow(t, n.ID, user); evs[len(evs)-1].Event != "done" {
			t.Fatalf("remix of %s: %v", user, evs)
		}
		return n.ID
	}
	remix(b.userA, va.ID)
	if n := b.count(t, `SELECT count(*) FROM remix_nodes WHERE owner_id = $1 AND files::text LIKE '%videos/%'`, b.userA); n != 1 {
		t.Fatalf("A's node does not list the source video among its files (%d)", n)
	}
	svc := &privacy.Service{GDPR: postgres.NewGDPRStore(b.db.Pool), Blobs: b.blobs}
	if err := svc.Erase(context.Background(), b.userA); err != nil {
		t.Fatal(err)
	}
	var key string
	if err := b.db.Pool.QueryRow(context.Background(), `SELECT blob_key FROM videos WHERE id = $1`, vb.ID).Scan(&key); err != nil {
		t.Fatal(err)
	}
	rc, size, err := b.blobs.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("B's video file is gone after A's erasure: %v", err)
	}
	rc.Close()
	if size != int64(len(clip)) {
		t.Fatalf("B's video file has %d bytes, want %d", size, len(clip))
	}
	remix(b.userB, vb.ID)
	// Erasing B, the last owner, does delete the file.
	if err := svc.Erase(context.Background(), b.userB); err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.blobs.Open(context.Background(), key); kmeme.ErrorCode(err) != kmeme.ENOTFOUND {
		t.Fatalf("the last owner's erasure left the file: %v", err)
	}
}

// TestIdempotentRetryAtTheQuotaEdge: the retry of the request that spent
// the last unit gets the stored answer, not 429; 20 concurrent requests
// with one key spend one unit and all get the same remix.
func TestIdempotentRetryAtTheQuotaEdge(t *testing.T) {
	t.Parallel()
	b := trustSetup(t, trustOptions{platform: true, plans: map[string]int64{"free": 2}})
	s := b.signup(t, "edge@k-meme.com")
	if a := b.call(t, nil, "POST", "/api/remix", `{"title":"첫 번째"}`, append(bearer(s), "Idempotency-Key", "first")...); a.status != http.StatusCreated {
		t.Fatalf("first remix: %d %s", a.status, a.body)
	}
	hdr := append(bearer(s), "Idempotency-Key", "last-unit")
	var wg sync.WaitGroup
	answers := make(chan answer, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers <- b.call(t, nil, "POST", "/api/remix", `{"title":"마지막 한 개"}`, hdr...)
		}()
	}
	wg.Wait()
	close(answers)
	ids := map[string]int{}
	for a := range answers {
		if a.status != http.StatusCreated {
			t.Errorf("same-key request: %d %s, want 201 (one unit was left)", a.status, a.body)
			continue
		}
		var n struct{ ID string }
		a.json(t, &n)
		ids[n.ID]++
	}
	if len(ids) > 1 {
		t.Errorf("one key made %d remixes: %v", len(ids), ids)
	}
	// The quota is now spent: a retry of the stored key still gets its 201.
	a := b.call(t, nil, "POST", "/api/remix", `{"title":"마지막 한 개"}`, hdr...)
	if a.status != http.StatusCreated || a.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry of a stored key at the quota edge: %d %s", a.status, a.body)
	}
	if a := b.call(t, nil, "POST", "/api/remix", `{"title":"새 요청"}`, append(bearer(s), "Idempotency-Key", "over")...); a.status != http.StatusTooManyRequests {
		t.Errorf("a new request past the quota: %d %s", a.status, a.body)
	}
	var me struct{ Quota quota.Status }
	b.call(t, nil, "GET", "/api/me", "", bearer(s)...).json(t, &me)
	if me.Quota.Used != 2 {
		t.Errorf("quota used = %d, want 2", me.Quota.Used)
	}
}

// TestNULAndBadUTF8Are400: strings PostgreSQL cannot store (NUL, invalid
// UTF-8) are refused with a 400 problem naming the field, on anonymous
// routes as well as signed-in ones, and nothing is stored.
func TestNULAndBadUTF8Are400(t *testing.T) {
	t.Parallel()
	b := trustSetup(t, trustOptions{platform: true})
	s := b.signup(t, "nul@k-meme.com")
	cases := []struct {
		name, method, path, body string
		auth                     bool
		field                    string
	}{
		{"search q", "GET", "/api/search?q=a%00b", "", false, "q"},
		{"search q bad utf-8", "GET", "/api/search?q=a%ffb", "", false, "q"},
		{"login e-mail", "POST", "/api/auth/login", `{"email":"a\u0000@k-meme.com","password":"password-123"}`, false, "email"},
		{"signup display name", "POST", "/api/auth/signup", `{"email":"new@k-meme.com","password":"password-123","display_name":"밈\u0000러"}`, false, "display_name"},
		{"title", "POST", "/api/remix", `{"title":"챌린지\u0000"}`, true, "title"},
		{"location label", "POST", "/api/remix", `{"title":"장소","location":{"lat":37.5,"lon":127,"label":"서울\u0000"}}`, true, "location.label"},
	}
	for _, c := range cases {
		var hdr []string
		if c.auth {
			hdr = bearer(s)
		}
		a := b.call(t, nil, c.method, c.path, c.body, hdr...)
		var p struct {
			Code  string
			Field string
		}
		_ = json.Unmarshal(a.body, &p)
		if a.status != http.StatusBadRequest || p.Code != "invalid" {
			t.Errorf("%s: %d %s, want a 400 problem", c.name, a.status, a.body)
			continue
		}
		if p.Field != c.field {
			t.Errorf("%s: problem %s does not name the field %q", c.name, a.body, c.field)
		}
	}
	var nodes, users int
	if err := b.db.Pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM remix_nodes), (SELECT count(*) FROM users WHERE email = 'new@k-meme.com')`).Scan(&nodes, &users); err != nil {
		t.Fatal(err)
	}
	if nodes != 0 || users != 0 {
		t.Errorf("refused bodies stored %d nodes and %d accounts", nodes, users)
	}
}

// TestErasedAccountsTokenCannotWrite: after DELETE /api/me the access
// token is still unexpired, but every write answers 401 before doing
// anything: no file reaches the blob store, no consent, no remix.
func TestErasedAccountsTokenCannotWrite(t *testing.T) {
	t.Parallel()
	b := trustSetup(t, trustOptions{platform: true, privacy: withPrivacy})
	s := b.signup(t, "gone@k-meme.com")
	if a := b.call(t, nil, "DELETE", "/api/me", "", bearer(s)...); a.status != http.StatusNoContent {
		t.Fatalf("erasure: %d %s", a.status, a.body)
	}
	clip := genClip(t, 1)
	body, ct := multipartBody(t, "file", "after.mp4", clip)
	req, _ := http.NewRequest("POST", b.srv.URL+"/api/videos", body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+s.AccessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("upload with an erased account's token: %d, want 401", resp.StatusCode)
	}
	var files []string
	_ = filepath.WalkDir(b.blobDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) != 0 {
		t.Errorf("an erased account's upload left files: %v", files)
	}
	for _, w := range []struct{ method, path, body string }{
		{"PUT", "/api/me/consents", `{"purpose":"marketing","granted":true}`},
		{"POST", "/api/remix", `{"title":"유령"}`},
	} {
		if a := b.call(t, nil, w.method, w.path, w.body, bearer(s)...); a.status != http.StatusUnauthorized {
			t.Errorf("%s %s with an erased account's token: %d %s, want 401", w.method, w.path, a.status, a.body)
		}
	}
	var rows int
	if err := b.db.Pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM consents) + (SELECT count(*) FROM remix_nodes) + (SELECT count(*) FROM videos)`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 0 {
		t.Errorf("%d rows written for an erased account", rows)
	}
}

// syncBuffer is a log sink safe for concurrent handlers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// TestRequestLogNamesTheMatchedRoute: signed-in requests (whose context
// the auth middleware replaces) are logged under their route pattern, not
// "unmatched".
func TestRequestLogNamesTheMatchedRoute(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	b := trustSetup(t, trustOptions{platform: true, log: slog.New(slog.NewJSONHandler(&logs, nil))})
	s := b.signup(t, "logs@k-meme.com")
	b.call(t, nil, "GET", "/api/me", "", bearer(s)...)
	b.call(t, nil, "GET", "/api/remix/0193a1a0-0000-7000-8000-00000000dead", "", bearer(s)...)
	routes := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var e struct{ Msg, Route, Path string }
		if json.Unmarshal([]byte(line), &e) == nil && e.Msg == "request" {
			routes[e.Path] = e.Route
		}
	}
	for path, want := range map[string]string{"/api/me": "GET /api/me", "/api/remix/0193a1a0-0000-7000-8000-00000000dead": "GET /api/remix/{id}",
		"/api/auth/signup": "POST /api/auth/signup"} {
		if routes[path] != want {
			t.Errorf("%s logged as route %q, want %q", path, routes[path], want)
		}
	}
}

// TestKoreanPartialWordSearch: "챌린지" finds the public remix titled
// "킬링파트 챌린지", and "킬링" finds it too (a word's start), among
// other public remixes; a private one with the word stays hidden.
func TestKoreanPartialWordSearch(t *testing.T) {
	t.Parallel()
	b := trustSetup(t, trustOptions{platform: true})
	s := b.signup(t, "search@k-meme.com")
	var want string
	for i, title := range []string{"킬링파트 챌린지", "출근길 브이로그", "퇴근길 댄스", "비밀 챌린지"} {
		vis := "public"
		if i == 3 {
			vis = "private"
		}
		a := b.call(t, nil, "POST", "/api/remix", `{"title":"`+title+`","visibility":"`+vis+`"}`, bearer(s)...)
		if a.status != http.StatusCreated {
			t.Fatalf("create %s: %d %s", title, a.status, a.body)
		}
		if i == 0 {
			var n struct{ ID string }
			a.json(t, &n)
			want = n.ID
		}
	}
	for _, q := range []string{"챌린지", "킬링", "킬링파트"} {
		a := b.call(t, nil, "GET", "/api/search?q="+url.QueryEscape(q), "")
		var res struct {
			Items []struct {
				Node struct{ ID, Title string }
			}
		}
		a.json(t, &res)
		found := false
		for _, it := range res.Items {
			found = found || it.Node.ID == want
			if it.Node.Title == "비밀 챌린지" {
				t.Errorf("search %q shows a private remix", q)
			}
		}
		if a.status != 200 || !found {
			t.Errorf("search %q: %d %s, want the remix 킬링파트 챌린지", q, a.status, a.body)
		}
	}
}

// TestPrivateRemixesAreNotCountedPublicly: a public remix's children and
// descendants counts, and trending, count only public remixes: a private
// remix made from it is not disclosed by a number.
func TestPrivateRemixesAreNotCountedPublicly(t *testing.T) {
	t.Parallel()
	b := trustSetup(t, trustOptions{platform: true})
	alice := b.signup(t, "alice-count@k-meme.com")
	bob := b.signup(t, "bob-count@k-meme.com")
	create := func(s session, body string) string {
		t.Helper()
		a := b.call(t, nil, "POST", "/api/remix", body, bearer(s)...)
		if a.status != http.StatusCreated {
			t.Fatalf("create %s: %d %s", body, a.status, a.body)
		}
		var n struct{ ID string }
		a.json(t, &n)
		return n.ID
	}
	root := create(alice, `{"title":"원조 밈","visibility":"public"}`)
	secret := create(bob, `{"title":"비밀 버전","visibility":"private","parent_id":"`+root+`"}`)
	create(bob, `{"title":"비밀의 비밀","visibility":"private","parent_id":"`+secret+`"}`)
	create(bob, `{"title":"공개 버전","visibility":"public","parent_id":"`+root+`"}`)
	var view struct {
		Node struct{ Children, Descendants int }
	}
	a := b.call(t, nil, "GET", "/api/remix/"+root, "")
	a.json(t, &view)
	if view.Node.Children != 1 || view.Node.Descendants != 1 {
		t.Errorf("anonymous view of the root: children %d descendants %d, want 1 and 1 (the private remixes stay hidden): %s", view.Node.Children, view.Node.Descendants, a.body)
	}
	var tr struct {
		Items []struct {
			Node    struct{ ID string }
			Remixes int
		}
	}
	b.call(t, nil, "GET", "/api/trending", "").json(t, &tr)
	for _, it := range tr.Items {
		if it.Node.ID == root && it.Remixes != 1 {
			t.Errorf("trending counts %d remixes of the root, want 1 (public only)", it.Remixes)
		}
	}
	if n := len(tr.Items); n == 0 {
		t.Errorf("trending is empty")
	}
}
