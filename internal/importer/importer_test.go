package importer

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

func TestCheckAddr(t *testing.T) {
	t.Parallel()
	cases := []struct {
		addr     string
		loopback bool
		ok       bool
	}{
		{"127.0.0.1", false, false},
		{"127.0.0.1", true, true},
		{"127.255.255.254", false, false},
		{"::1", false, false},
		{"::1", true, true},
		{"::ffff:127.0.0.1", true, false}, // mapped: refused even when loopback is allowed
		{"::ffff:8.8.8.8", false, false},
		{"10.0.0.1", true, false},
		{"172.16.5.4", false, false},
		{"192.168.1.1", false, false},
		{"169.254.169.254", true, false},
		{"fe80::1", false, false},
		{"fd00:ec2::254", false, false},
		{"100.64.0.1", false, false},
		{"100.127.255.255", false, false},
		{"0.0.0.0", true, false},
		{"::", false, false},
		{"224.0.0.1", false, false},
		{"ff02::1", false, false},
		{"255.255.255.255", false, false},
		{"64:ff9b::7f00:1", false, false},
		{"8.8.8.8", false, true},
		{"2606:4700:4700::1111", false, true},
		{"100.128.0.1", false, true},
	}
	for _, c := range cases {
		err := CheckAddr(netip.MustParseAddr(c.addr), c.loopback)
		if (err == nil) != c.ok {
			t.Errorf("CheckAddr(%s, loopback=%v) = %v, want ok=%v", c.addr, c.loopback, err, c.ok)
		}
	}
}

func TestCheckURL(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"https://example.com/v.mp4", "http://8.8.8.8/x", "http://127.0.0.1:8080/x", "http://localhost/x"} {
		if _, err := CheckURL(u); err != nil {
			t.Errorf("CheckURL(%s) = %v (the dialer decides on these)", u, err)
		}
	}
	for _, u := range []string{"file:///etc/passwd", "gopher://127.0.0.1/", "ftp://example.com/", "javascript:alert(1)",
		"http://user:pw@example.com/", "http:///nohost", "http://0x7f000001/", "http://127.1/", "http://2130706433/",
		"http://0177.0.0.1/", "http://[::ffff:127.0.0.1]/", "http://10.1.2.3/", "http://169.254.169.254/", "//example.com/x",
		"http://" + strings.Repeat("a", 2100) + ".com/"} {
		_, err := CheckURL(u)
		if kmeme.ErrorCode(err) != kmeme.EINVALID {
			t.Errorf("CheckURL(%.60s) = %v, want EINVALID", u, err)
		}
	}
}

func TestFetchLimits(t *testing.T) {
	t.Parallel()
	body := bytes.Repeat([]byte("v"), 5000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			w.Write(body)
		case "/big":
			w.Header().Set("Content-Length", "100000000")
			w.Write(body)
		case "/endless":
			for i := 0; i < 1000; i++ {
				if _, err := w.Write(body); err != nil {
					return
				}
			}
		case "/gzip":
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(body)
		case "/slow":
			w.Write(body[:10])
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		case "/404":
			http.NotFound(w, r)
		case "/r1", "/r2", "/r3", "/r4":
			n := r.URL.Path[2] - '0'
			http.Redirect(w, r, "/r"+string('0'+n+1), http.StatusFound)
		case "/r5":
			w.Write(body)
		}
	}))
	defer srv.Close()
	im := New(Options{MaxBytes: 10000, Timeout: 500 * time.Millisecond, AllowLoopback: true})
	var buf bytes.Buffer
	res, err := im.Fetch(context.Background(), srv.URL+"/ok", &buf)
	if err != nil || res.Size != 5000 || buf.Len() != 5000 || res.Filename != "ok" {
		t.Fatalf("ok: %v %+v", err, res)
	}
	cases := map[string]string{
		"/big": kmeme.ETOOLARGE, "/endless": kmeme.ETOOLARGE, "/gzip": kmeme.EINVALID, "/slow": kmeme.EINVALID,
		"/404": kmeme.EINVALID, "/r1": kmeme.EINVALID,
	}
	for p, code := range cases {
		start := time.Now()
		_, err := im.Fetch(context.Background(), srv.URL+p, &bytes.Buffer{})
		if kmeme.ErrorCode(err) != code {
			t.Errorf("%s: %v, want %s", p, err, code)
		}
		if time.Since(start) > 3*time.Second {
			t.Errorf("%s took %s", p, time.Since(start))
		}
	}
	// Three redirects are followed, four are not.
	if _, err := im.Fetch(context.Background(), srv.URL+"/r2", &bytes.Buffer{}); err != nil {
		t.Errorf("three redirects: %v", err)
	}
	// Without the test switch, loopback is refused at connect time.
	_, err = New(Options{}).Fetch(context.Background(), srv.URL+"/ok", &bytes.Buffer{})
	if kmeme.ErrorCode(err) != kmeme.EINVALID || !strings.Contains(kmeme.ErrorMessage(err), "loopback") {
		t.Errorf("default policy fetched loopback: %v", err)
	}
}

func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{"http://example.com/a.mp4", "http://0x7f000001/", "http://127.1/", "http://[::ffff:127.0.0.1]/",
		"https://169.254.169.254/", "file:///etc/passwd", "http://10.0.0.1:80/", "http://2130706433/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := CheckURL(raw)
		if err != nil {
			if kmeme.ErrorCode(err) != kmeme.EINVALID {
				t.Fatalf("CheckURL(%q) = %v, want EINVALID", raw, err)
			}
			return
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			t.Fatalf("accepted scheme %q", u.Scheme)
		}
		host := u.Hostname()
		if a, err := netip.ParseAddr(host); err == nil {
			// Only plain loopback passes here; the dialer refuses it later.
			if CheckAddr(a, false) != nil && !(a.IsLoopback() && !a.Is4In6()) {
				t.Fatalf("accepted internal address %s in %q", a, raw)
			}
		} else if numericHost.MatchString(host) {
			t.Fatalf("accepted numeric host %q", host)
		}
	})
}

// TestAllowListIsExact: the test-only allow list admits the one address
// and port it names, not the rest of loopback.
func TestAllowListIsExact(t *testing.T) {
	t.Parallel()
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("v")) }))
	defer ok.Close()
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("v")) }))
	defer other.Close()
	im := New(Options{Allow: []netip.AddrPort{netip.MustParseAddrPort(ok.Listener.Addr().String())}})
	if _, err := im.Fetch(context.Background(), ok.URL+"/x", &bytes.Buffer{}); err != nil {
		t.Errorf("allowed address: %v", err)
	}
	_, err := im.Fetch(context.Background(), other.URL+"/x", &bytes.Buffer{})
	if kmeme.ErrorCode(err) != kmeme.EINVALID || !strings.Contains(kmeme.ErrorMessage(err), "loopback") {
		t.Errorf("another loopback port: %v", err)
	}
}
