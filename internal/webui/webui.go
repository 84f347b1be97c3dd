// Package webui serves the exported Next.js front end embedded in the
// binary. Each HTML page gets a Content-Security-Policy that allows its own
// inline scripts by SHA-256 hash and nothing else inline, so the pages run
// with no 'unsafe-inline' script source.
package webui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strings"
	"time"
)

//go:embed all:dist
var dist embed.FS

// Files returns the embedded build (empty but for .gitkeep when the web
// app was not built).
func Files() fs.FS {
	sub, _ := fs.Sub(dist, "dist")
	return sub
}

// Built reports whether fsys holds an index.html.
func Built(fsys fs.FS) bool {
	_, err := fs.Stat(fsys, "index.html")
	return err == nil
}

var inlineScript = regexp.MustCompile(`(?s)<script(\s[^>]*)?>(.*?)</script>`)

// Options adjust the pages' policies.
type Options struct {
	// FirebaseAuthDomain, when set, lets the sign-in page open Firebase's
	// Google popup: its handler frame, Google's loader script and the token
	// endpoints are allowed, and the opener policy allows popups.
	FirebaseAuthDomain string
	// Meta, when set, names the recipe a /remix/?id= page shows, so a link
	// shared in a messenger gets its Open Graph preview (title,
	// description, image) from the HTML itself, before any script runs.
	Meta MetaFunc
}

// CSP computes the policy for one HTML page with no options.
func CSP(html []byte) string { return Options{}.csp(html) }

func (o Options) csp(html []byte) string {
	var hashes []string
	for _, m := range inlineScript.FindAllSubmatch(html, -1) {
		attrs := string(m[1])
		if strings.Contains(attrs, "src=") || len(m[2]) == 0 {
			continue
		}
		sum := sha256.Sum256(m[2])
		hashes = append(hashes, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
	}
	script := "script-src 'self'"
	if len(hashes) > 0 {
		script += " " + strings.Join(hashes, " ")
	}
	connect, frame := "connect-src 'self'", ""
	if o.FirebaseAuthDomain != "" {
		script += " https://apis.google.com"
		connect += " https://identitytoolkit.googleapis.com https://securetoken.googleapis.com"
		frame = "frame-src https://" + o.FirebaseAuthDomain + "; "
	}
	return "default-src 'self'; " + script + "; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
		"media-src 'self' blob:; font-src 'self'; " + connect + "; " + frame + "object-src 'none'; base-uri 'self'; " +
		"form-action 'self'; frame-ancestors 'none'"
}

type page struct {
	body []byte
	csp  string
	coop string
	// gz and br are the page precompressed (empty when not smaller).
	gz, br []byte
}

// Handler serves fsys: exact files, then "name.html" for clean URLs, then
// 404.html. HTML pages carry their CSP; hashed assets under _next/static
// are cached for a year, everything else revalidates.
func Handler(fsys fs.FS, opts ...Options) http.Handler {
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	coop := "same-origin"
	if o.FirebaseAuthDomain != "" {
		coop = "same-origin-allow-popups" // the Google sign-in popup reports back to its opener
	}
	pages := map[string]page{}
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err == nil {
			pg := page{body: b, csp: o.csp(b), coop: coop}
			pg.gz, _ = fs.ReadFile(fsys, p+".gz")
			pg.br, _ = fs.ReadFile(fsys, p+".br")
			pages[p] = pg
		}
		return nil
	})
	modTime := time.Now()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if name == "" {
			name = "index.html"
		}
		candidates := []string{name, name + ".html", path.Join(name, "index.html")}
		for _, c := range candidates {
			if pg, ok := pages[c]; ok {
				if id := r.URL.Query().Get("id"); id != "" && o.Meta != nil && (c == "remix/index.html" || c == "remix.html") {
					if m, ok := o.Meta(r, id); ok {
						pg.body = InjectMeta(pg.body, m)
						pg.gz, pg.br = nil, nil
					}
				}
				servePage(w, r, pg, http.StatusOK, modTime)
				return
			}
			if c == name && !strings.HasSuffix(c, ".html") {
				if b, err := fs.ReadFile(fsys, c); err == nil {
					if strings.HasPrefix(c, "_next/static/") {
						w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
					} else {
						w.Header().Set("Cache-Control", "no-cache")
					}
					if ct := mime.TypeByExtension(path.Ext(c)); ct != "" {
						w.Header().Set("Content-Type", ct)
					}
					b = pickEncoding(w, r, fsys, c, b)
					http.ServeContent(w, r, c, modTime, bytes.NewReader(b))
					return
				}
			}
		}
		if pg, ok := pages["404.html"]; ok {
			servePage(w, r, pg, http.StatusNotFound, modTime)
			return
		}
		http.NotFound(w, r)
	})
}

func servePage(w http.ResponseWriter, r *http.Request, pg page, status int, mod time.Time) {
	h := w.Header()
	h.Set("Content-Security-Policy", pg.csp)
	h.Set("Cross-Origin-Opener-Policy", pg.coop)
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Add("Vary", "Accept-Encoding")
	body := pg.body
	if enc := acceptEncoding(r); enc == "br" && len(pg.br) > 0 {
		h.Set("Content-Encoding", "br")
		body = pg.br
	} else if enc != "" && len(pg.gz) > 0 && accepts(r, "gzip") {
		h.Set("Content-Encoding", "gzip")
		body = pg.gz
	}
	pg.body = body
	if status != http.StatusOK {
		w.WriteHeader(status)
		_, _ = w.Write(pg.body)
		return
	}
	http.ServeContent(w, r, "page.html", mod, bytes.NewReader(pg.body))
}

// pickEncoding returns the precompressed sibling of file name (name.br or
// name.gz, written at build time by web/scripts/precompress.mjs) when the
// client accepts it, and sets Content-Encoding; otherwise b as it is.
// Responses vary by Accept-Encoding either way.
func pickEncoding(w http.ResponseWriter, r *http.Request, fsys fs.FS, name string, b []byte) []byte {
	if strings.HasSuffix(name, ".br") || strings.HasSuffix(name, ".gz") {
		return b
	}
	w.Header().Add("Vary", "Accept-Encoding")
	if accepts(r, "br") {
		if c, err := fs.ReadFile(fsys, name+".br"); err == nil {
			w.Header().Set("Content-Encoding", "br")
			return c
		}
	}
	if accepts(r, "gzip") {
		if c, err := fs.ReadFile(fsys, name+".gz"); err == nil {
			w.Header().Set("Content-Encoding", "gzip")
			return c
		}
	}
	return b
}

// acceptEncoding is "br" when the client takes brotli, "gzip" for gzip only,
// "" for neither.
func acceptEncoding(r *http.Request) string {
	switch {
	case accepts(r, "br"):
		return "br"
	case accepts(r, "gzip"):
		return "gzip"
	}
	return ""
}

// accepts reports whether Accept-Encoding lists coding with a non-zero q.
func accepts(r *http.Request, coding string) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), coding) {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
