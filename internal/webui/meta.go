package webui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Meta is what a shared recipe link previews: the page title, a one-line
// description and an absolute image URL (empty for none).
type Meta struct {
	Title       string
	Description string
	Image       string
	URL         string
}

// MetaFunc names the recipe id for the page request r; ok is false when
// there is nothing public to show (unknown, private or unfinished).
type MetaFunc func(r *http.Request, id string) (Meta, bool)

// InjectMeta adds the Open Graph and Twitter card tags of m at the end of
// the page's head. It only adds: React hydrates the head Next rendered, so
// changing Next's <title> or description would be a hydration mismatch,
// while extra tags at the end of the head are skipped (React 19). The web
// app's layout therefore declares no og: tags of its own. Every value is
// HTML-escaped; nothing executable is added, so the CSP hashes stay valid.
func InjectMeta(page []byte, m Meta) []byte {
	esc := html.EscapeString
	var b strings.Builder
	tag := func(attr, name, content string) {
		if content != "" {
			fmt.Fprintf(&b, `<meta %s="%s" content="%s"/>`, attr, name, esc(content))
		}
	}
	tag("property", "og:type", "article")
	tag("property", "og:site_name", "K-MEME 팩토리")
	tag("property", "og:locale", "ko_KR")
	tag("property", "og:title", m.Title)
	tag("property", "og:description", m.Description)
	tag("property", "og:url", m.URL)
	tag("property", "og:image", m.Image)
	card := "summary"
	if m.Image != "" {
		card = "summary_large_image"
	}
	tag("name", "twitter:card", card)
	tag("name", "twitter:title", m.Title)
	tag("name", "twitter:description", m.Description)
	tag("name", "twitter:image", m.Image)
	i := bytes.Index(page, []byte("</head>"))
	if i < 0 {
		return page
	}
	out := make([]byte, 0, len(page)+b.Len())
	out = append(out, page[:i]...)
	out = append(out, b.String()...)
	return append(out, page[i:]...)
}

// MetaFromAPI answers MetaFunc by asking the API itself, in process and
// anonymously (no cookies, no token), for GET /api/remix/{id}: so only a
// public recipe ever gets a preview, and the API's own rules decide. api is
// called per lookup, so the server may be built after this function.
// Answers are kept for ttl (a shared link is fetched by many previews).
func MetaFromAPI(api func() http.Handler, ttl time.Duration) MetaFunc {
	type entry struct {
		m   Meta
		ok  bool
		exp time.Time
	}
	var mu sync.Mutex
	cache := map[string]entry{}
	return func(r *http.Request, id string) (Meta, bool) {
		h := api()
		if h == nil || len(id) > 64 {
			return Meta{}, false
		}
		now := time.Now()
		mu.Lock()
		e, hit := cache[id]
		mu.Unlock()
		if !hit || now.After(e.exp) {
			e = entry{exp: now.Add(ttl)}
			e.m, e.ok = lookup(h, r, id)
			mu.Lock()
			if len(cache) > 2000 {
				clear(cache)
			}
			cache[id] = e
			mu.Unlock()
		}
		if !e.ok {
			return Meta{}, false
		}
		m := e.m
		origin := origin(r)
		m.URL = origin + "/remix/?id=" + id
		if m.Image != "" {
			m.Image = origin + m.Image
		}
		return m, true
	}
}

func origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// recorder is the smallest ResponseWriter for an in-process call.
type recorder struct {
	h      http.Header
	status int
	body   bytes.Buffer
}

func (w *recorder) Header() http.Header { return w.h }
func (w *recorder) WriteHeader(s int) {
	if w.status == 0 {
		w.status = s
	}
}
func (w *recorder) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.body.Len() > 8<<20 {
		return len(p), nil
	}
	return w.body.Write(p)
}

func lookup(h http.Handler, page *http.Request, id string) (Meta, bool) {
	req, err := http.NewRequestWithContext(page.Context(), http.MethodGet, "/api/remix/"+id, nil)
	if err != nil {
		return Meta{}, false
	}
	req.RemoteAddr = page.RemoteAddr
	req.Host = page.Host
	if xf := page.Header.Get("X-Forwarded-For"); xf != "" {
		req.Header.Set("X-Forwarded-For", xf)
	}
	req.Header.Set("Accept", "application/json")
	rec := &recorder{h: http.Header{}}
	h.ServeHTTP(rec, req)
	if rec.status != http.StatusOK {
		return Meta{}, false
	}
	var v struct {
		Node struct {
			Title      string `json:"title"`
			Status     string `json:"status"`
			Visibility string `json:"visibility"`
		} `json:"node"`
		Recipe *struct {
			Concept struct {
				Title string `json:"title"`
				Hook  string `json:"hook"`
			} `json:"concept"`
			Audio struct {
				BPM *float64 `json:"bpm"`
			} `json:"audio"`
			Shots        []json.RawMessage `json:"shots"`
			ShootMinutes int               `json:"shoot_minutes"`
		} `json:"recipe"`
		Files []struct {
			Name string `json:"name"`
			URL  string `json:"url"`
		} `json:"files"`
	}
	if err := json.Unmarshal(rec.body.Bytes(), &v); err != nil || v.Node.Visibility != "public" {
		return Meta{}, false
	}
	m := Meta{Title: strings.TrimSpace(v.Node.Title)}
	var parts []string
	if v.Recipe != nil {
		if t := strings.TrimSpace(v.Recipe.Concept.Title); t != "" {
			m.Title = t
		}
		if hk := strings.TrimSpace(v.Recipe.Concept.Hook); hk != "" {
			parts = append(parts, hk)
		}
		if v.Recipe.Audio.BPM != nil && *v.Recipe.Audio.BPM > 0 {
			parts = append(parts, fmt.Sprintf("%.0f BPM", *v.Recipe.Audio.BPM))
		}
		if v.Recipe.ShootMinutes > 0 {
			parts = append(parts, fmt.Sprintf("촬영 %d분", v.Recipe.ShootMinutes))
		}
		if n := len(v.Recipe.Shots); n > 0 {
			parts = append(parts, fmt.Sprintf("샷 %d개", n))
		}
	}
	if m.Title == "" {
		m.Title = "한국형 리믹스 레시피"
	}
	m.Description = strings.Join(parts, " · ")
	if m.Description == "" {
		m.Description = "바이럴 숏폼을 한국형으로 찍는 레시피"
	}
	for _, want := range []string{"keyframe-001.jpg", "storyboard.png"} {
		for _, f := range v.Files {
			if f.Name == want && strings.HasPrefix(f.URL, "/") && !strings.HasPrefix(f.URL, "//") {
				m.Image = f.URL
				break
			}
		}
		if m.Image != "" {
			break
		}
	}
	return m, true
}
