package webui

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestCSPHashesInlineScriptsOnly(t *testing.T) {
	t.Parallel()
	inline := `self.__next_f.push([1,"x"])`
	html := []byte(`<html><script src="/_next/a.js"></script><script>` + inline + `</script><script async=""></script></html>`)
	sum := sha256.Sum256([]byte(inline))
	want := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	csp := CSP(html)
	if !strings.Contains(csp, "script-src 'self' "+want) {
		t.Fatalf("csp %q lacks %s", csp, want)
	}
	if strings.Contains(csp, "unsafe-inline'; img") && strings.Contains(csp, "script-src 'self' 'unsafe-inline'") {
		t.Fatalf("csp allows inline scripts: %q", csp)
	}
	if strings.Count(csp, "sha256-") != 1 {
		t.Errorf("expected one hash: %q", csp)
	}
}

func TestHandlerServesPagesAssetsAnd404(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"index.html":             {Data: []byte("<html>home</html>")},
		"remix.html":             {Data: []byte("<html>remix<script>1</script></html>")},
		"404.html":               {Data: []byte("<html>없음</html>")},
		"_next/static/app-1.js":  {Data: []byte("console.log(1)")},
		"fonts/pretendard.woff2": {Data: []byte("font")},
	}
	h := Handler(fsys)
	cases := []struct {
		path, want string
		status     int
		cache      string
	}{
		{"/", "home", 200, "no-cache"},
		{"/remix", "remix", 200, "no-cache"},
		{"/_next/static/app-1.js", "console.log(1)", 200, "public, max-age=31536000, immutable"},
		{"/fonts/pretendard.woff2", "font", 200, "no-cache"},
		{"/nope", "없음", 404, "no-cache"},
		{"/../../etc/passwd", "없음", 404, "no-cache"},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, c.path, nil))
		if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.want) {
			t.Errorf("%s: %d %q", c.path, rec.Code, rec.Body.String())
		}
		if got := rec.Header().Get("Cache-Control"); got != c.cache {
			t.Errorf("%s: Cache-Control %q, want %q", c.path, got, c.cache)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/remix", nil))
	if !strings.Contains(rec.Header().Get("Content-Security-Policy"), "sha256-") {
		t.Errorf("page CSP lacks the inline script hash: %q", rec.Header().Get("Content-Security-Policy"))
	}
}

func TestFirebaseOptionOpensOnlyWhatThePopupNeeds(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"login.html": {Data: []byte("<html>login</html>")}}
	for _, c := range []struct {
		domain, coop string
		allowed      bool
	}{{"", "same-origin", false}, {"kmeme-prod.firebaseapp.com", "same-origin-allow-popups", true}} {
		rec := httptest.NewRecorder()
		Handler(fsys, Options{FirebaseAuthDomain: c.domain}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/login", nil))
		csp := rec.Header().Get("Content-Security-Policy")
		for _, src := range []string{"https://apis.google.com", "frame-src https://kmeme-prod.firebaseapp.com", "https://identitytoolkit.googleapis.com"} {
			if strings.Contains(csp, src) != c.allowed {
				t.Errorf("domain %q: CSP %q, %s allowed = %v", c.domain, csp, src, !c.allowed)
			}
		}
		if got := rec.Header().Get("Cross-Origin-Opener-Policy"); got != c.coop {
			t.Errorf("domain %q: COOP %q, want %q", c.domain, got, c.coop)
		}
		if !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("framing allowed: %q", csp)
		}
	}
}

func TestPrecompressedAssetsAndPagesByAcceptEncoding(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"index.html":           {Data: []byte("<html>home</html>")},
		"index.html.br":        {Data: []byte("BR-HOME")},
		"_next/static/a.js":    {Data: []byte("console.log(1)")},
		"_next/static/a.js.gz": {Data: []byte("GZ-JS")},
		"_next/static/a.js.br": {Data: []byte("BR-JS")},
		"_next/static/b.css":   {Data: []byte("body{}")},
	}
	h := Handler(fsys)
	cases := []struct{ path, accept, body, enc, ctype string }{
		{"/_next/static/a.js", "gzip, deflate, br", "BR-JS", "br", "javascript"},
		{"/_next/static/a.js", "gzip", "GZ-JS", "gzip", "javascript"},
		{"/_next/static/a.js", "br;q=0, gzip", "GZ-JS", "gzip", "javascript"},
		{"/_next/static/a.js", "", "console.log(1)", "", "javascript"},
		{"/_next/static/b.css", "br", "body{}", "", "css"},
		{"/", "br", "BR-HOME", "br", "text/html"},
		{"/", "gzip", "<html>home</html>", "", "text/html"},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, c.path, nil)
		if c.accept != "" {
			req.Header.Set("Accept-Encoding", c.accept)
		}
		h.ServeHTTP(rec, req)
		if rec.Body.String() != c.body || rec.Header().Get("Content-Encoding") != c.enc ||
			!strings.Contains(rec.Header().Get("Content-Type"), c.ctype) || !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s (Accept-Encoding %q): body %q, encoding %q, type %q, vary %q", c.path, c.accept, rec.Body.String(),
				rec.Header().Get("Content-Encoding"), rec.Header().Get("Content-Type"), rec.Header().Get("Vary"))
		}
	}
}

func TestRecipePageCarriesItsOpenGraphPreview(t *testing.T) {
	t.Parallel()
	page := `<html><head><title>K-MEME 팩토리</title><meta name="description" content="기본 설명"/>` +
		`</head><body><script>1</script></body></html>`
	fsys := fstest.MapFS{"remix/index.html": {Data: []byte(page)}, "index.html": {Data: []byte("<html><head><title>x</title></head></html>")}}
	// The API the previews ask: one public recipe, one private.
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Cookie") != "" || r.Header.Get("Authorization") != "" {
			t.Errorf("preview lookup carries credentials")
		}
		switch r.URL.Path {
		case "/api/remix/pub":
			_, _ = w.Write([]byte(`{"node":{"title":"작업명","status":"done","visibility":"public"},
				"recipe":{"concept":{"title":"월요병 <챌린지>","hook":"첫 박에 하품"},"audio":{"bpm":120.4},"shots":[{},{}],"shoot_minutes":15},
				"files":[{"name":"storyboard.png","url":"/api/remix/pub/files/storyboard.png"},{"name":"keyframe-001.jpg","url":"/api/remix/pub/files/keyframe-001.jpg"}]}`))
		case "/api/remix/priv":
			_, _ = w.Write([]byte(`{"node":{"title":"비밀","visibility":"private"}}`))
		default:
			http.NotFound(w, r)
		}
	})
	h := Handler(fsys, Options{Meta: MetaFromAPI(func() http.Handler { return api }, time.Minute)})
	get := func(target string) string {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.Host = "k-meme.test"
		req.Header.Set("Cookie", "kmeme_session=secret")
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("%s: %d", target, rec.Code)
		}
		return rec.Body.String()
	}
	body := get("/remix/?id=pub")
	for _, want := range []string{
		`<meta property="og:title" content="월요병 &lt;챌린지&gt;"/>`,
		`<meta property="og:description" content="첫 박에 하품 · 120 BPM · 촬영 15분 · 샷 2개"/>`,
		`<meta property="og:image" content="http://k-meme.test/api/remix/pub/files/keyframe-001.jpg"/>`,
		`<meta property="og:url" content="http://k-meme.test/remix/?id=pub"/>`,
		`<meta name="twitter:card" content="summary_large_image"/>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("recipe page lacks %s:\n%s", want, body)
		}
	}
	// Next's head is left as rendered (React hydrates it); the tags come after it.
	if !strings.Contains(body, `<title>K-MEME 팩토리</title><meta name="description" content="기본 설명"/><meta property="og:type"`) ||
		strings.Count(body, `property="og:title"`) != 1 {
		t.Errorf("preview tags not appended after Next's head:\n%s", body)
	}
	for _, target := range []string{"/remix/?id=priv", "/remix/?id=missing", "/remix/"} {
		if b := get(target); strings.Contains(b, "og:") || strings.Contains(b, "비밀") || !strings.Contains(b, "기본 설명") {
			t.Errorf("%s: a preview for a recipe that is not public:\n%s", target, b)
		}
	}
}
