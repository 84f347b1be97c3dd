package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// hostileSource serves what a malicious or broken host sends to the URL
// importer and records, per path, how long the importer stayed connected
// and how many body bytes the server managed to write.
type hostileSource struct {
	srv *http.Server
	ln  net.Listener
	mu  sync.Mutex
	log map[string]hostileVisit
}

type hostileVisit struct {
	wrote  int64
	lasted time.Duration
	closed bool // the importer hung up (a write failed or the request context ended)
}

func newHostileSource(t *testing.T, bomb []byte) *hostileSource {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &hostileSource{ln: ln, log: map[string]hostileVisit{}}
	chunk := bytes.Repeat([]byte{0}, 32<<10)
	h.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		var v hostileVisit
		defer func() {
			v.lasted = time.Since(start)
			h.mu.Lock()
			h.log[r.URL.Path] = v
			h.mu.Unlock()
		}()
		write := func(p []byte) bool {
			n, err := w.Write(p)
			v.wrote += int64(n)
			if err == nil {
				w.(http.Flusher).Flush()
			}
			if err != nil {
				v.closed = true
			}
			return err == nil
		}
		// An MP4 header first, so that a body cut short looks like a video.
		mp4 := []byte("\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41")
		switch r.URL.Path {
		case "/slow-drip.mp4": // one byte every 50 ms, forever: never idle, never done
			w.Header().Set("Content-Type", "video/mp4")
			if !write(mp4) {
				return
			}
			t := time.NewTicker(50 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-r.Context().Done():
					v.closed = true
					return
				case <-t.C:
					if !write([]byte{0}) {
						return
					}
				}
			}
		case "/stalled-headers.mp4": // accepts, then never answers
			<-r.Context().Done()
			v.closed = true
		case "/endless.mp4": // chunked, no length, no end
			w.Header().Set("Content-Type", "video/mp4")
			if !write(mp4) {
				return
			}
			for write(chunk) {
			}
		case "/lying-length.mp4": // declares 1000 bytes, sends 32 and hangs up
			w.Header().Set("Content-Type", "video/mp4")
			w.Header().Set("Content-Length", "1000")
			write(mp4)
			for write(chunk) {
			}
		case "/bomb-encoded.mp4": // a gzip bomb the client is asked to inflate
			w.Header().Set("Content-Type", "video/mp4")
			w.Header().Set("Content-Encoding", "gzip")
			write(bomb)
		case "/bomb-plain.mp4": // the same bomb as a plain body named .mp4
			w.Header().Set("Content-Type", "video/mp4")
			write(bomb)
		}
	})}
	go func() { _ = h.srv.Serve(ln) }()
	t.Cleanup(func() { _ = h.srv.Close() })
	return h
}

func (h *hostileSource) addr() netip.AddrPort { return netip.MustParseAddrPort(h.ln.Addr().String()) }
func (h *hostileSource) url(p string) string  { return "http://" + h.ln.Addr().String() + p }

// visit waits for the handler of path to finish (it ends when the importer
// hangs up) and returns what it saw.
func (h *hostileSource) visit(t *testing.T, path string) hostileVisit {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		h.mu.Lock()
		v, ok := h.log[path]
		h.mu.Unlock()
		if ok {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: the importer is still connected after 30s", path)
		}
		time.Sleep(10 * time.Millisecond) // polling the test server's record
	}
}

// gzipBomb is 64 MiB of zeros compressed (about 64 KiB on the wire).
func gzipBomb(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zero := make([]byte, 1<<20)
	for range 64 {
		_, _ = zw.Write(zero)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestImportHostileSources is checklist item 23 through the API: a
// slow-drip server, stalled headers, an endless body, a lying
// Content-Length and a gzip bomb (declared and disguised), served from a
// loopback host only this test's importer may reach (the test-only allow
// list). Each import ends at the configured time or byte limit with a
// problem document, the importer hangs up on the host, and nothing is
// stored: no video row, no blob, no spool file.
func TestImportHostileSources(t *testing.T) {
	t.Parallel()
	bomb := gzipBomb(t)
	src := newHostileSource(t, bomb)
	const maxBytes = 256 << 10
	const timeout = 1500 * time.Millisecond
	b := setupPlatform(t, platformOpts{maxUpload: maxBytes, importTimeout: timeout, importAllow: []netip.AddrPort{src.addr()}})
	cases := []struct {
		path   string
		status int
		detail string // part of the problem's detail
		timed  bool   // ended by the time limit
	}{
		{"/slow-drip.mp4", 400, "did not send the file within 1.5s", true},
		{"/stalled-headers.mp4", 400, "did not send the file within 1.5s", true},
		{"/endless.mp4", 413, "larger than the limit of 262144 bytes", false},
		{"/lying-length.mp4", 400, "could not be fetched", false},
		{"/bomb-encoded.mp4", 400, "compressed (gzip)", false},
		{"/bomb-plain.mp4", 415, "", false},
	}
	var wg sync.WaitGroup
	for _, c := range cases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			resp, data := b.json(t, "POST", "/api/videos/import", b.userA, `{"url":"`+src.url(c.path)+`"}`)
			took := time.Since(start)
			p := problem(t, resp, data)
			if p.Status != c.status || !strings.Contains(p.Detail, c.detail) {
				t.Errorf("%s: %d %q, want %d containing %q", c.path, p.Status, p.Detail, c.status, c.detail)
			}
			v := src.visit(t, c.path)
			if c.timed && (took < timeout || !v.closed) {
				t.Errorf("%s: ended after %v (host saw the hang-up: %v), want the %v limit and a hang-up", c.path, took, v.closed, timeout)
			}
			if c.path == "/endless.mp4" && !v.closed {
				t.Errorf("%s: the importer did not hang up on an endless body", c.path)
			}
			t.Logf("%s: %d after %v; the host wrote %d bytes over %v before the importer hung up",
				c.path, p.Status, took.Round(time.Millisecond), v.wrote, v.lasted.Round(time.Millisecond))
		}()
	}
	wg.Wait()
	if n := b.count(t, `SELECT count(*) FROM videos`); n != 0 {
		t.Errorf("%d video rows after hostile imports", n)
	}
	if files := b.blobFiles(t); len(files) != 0 {
		t.Errorf("blobs stored after hostile imports: %v", files)
	}
	if left, _ := os.ReadDir(b.spoolDir); len(left) != 0 {
		t.Errorf("%d spool files left after hostile imports", len(left))
	}
}
