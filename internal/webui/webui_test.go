package webui

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
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
