package httpapi

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientIPBelievesOnlyTrustedProxies(t *testing.T) {
	t.Parallel()
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	cases := []struct {
		name, peer, xff, want string
		trusted               []netip.Prefix
	}{
		{"no proxies configured", "203.0.113.9:1234", "1.2.3.4", "203.0.113.9", nil},
		{"untrusted peer's header ignored", "203.0.113.9:1234", "1.2.3.4", "203.0.113.9", trusted},
		{"trusted proxy", "10.0.0.2:80", "198.51.100.7", "198.51.100.7", trusted},
		{"spoofed left entries skipped", "10.0.0.2:80", "6.6.6.6, 198.51.100.7, 10.1.1.1", "198.51.100.7", trusted},
		{"garbage stops the walk", "10.0.0.2:80", "198.51.100.7, nonsense", "10.0.0.2", trusted},
		{"ipv4-mapped peer", "[::ffff:10.0.0.2]:80", "198.51.100.8", "198.51.100.8", trusted},
	}
	for _, c := range cases {
		var got string
		h := withClientIP(c.trusted)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = clientIP(r) }))
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
		if got != c.want {
			t.Errorf("%s: client ip %q, want %q", c.name, got, c.want)
		}
	}
}
