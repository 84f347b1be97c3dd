package auth

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/auth/authtest"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// waitHits polls a request counter until it reaches want (background
// fetches finish on their own schedule).
func waitHits(t *testing.T, hits func() int32, want int32) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for hits() != want {
		if time.Now().After(deadline) {
			t.Fatalf("cert endpoint hits = %d, want %d", hits(), want)
		}
		time.Sleep(5 * time.Millisecond) // polling a counter another goroutine moves
	}
}

// stallingCerts fronts a CertServer with a switch that makes the endpoint
// hang (a black hole, not a quick 503) until released, and counts requests.
type stallingCerts struct {
	*httptest.Server
	hits    atomic.Int32
	stalled atomic.Bool
	release chan struct{}
}

func newStallingCerts(t *testing.T, cs *authtest.CertServer) *stallingCerts {
	s := &stallingCerts{release: make(chan struct{})}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		if s.stalled.Load() {
			select {
			case <-s.release:
			case <-r.Context().Done():
				return
			}
		}
		resp, err := http.Get(cs.URL)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.Header().Set("Cache-Control", resp.Header.Get("Cache-Control"))
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	t.Cleanup(s.Close)
	return s
}

// TestFirebaseRotationPerMaxAgeAndStalledEndpoint is checklist item 17 on
// a local cert server: keys are kept for the endpoint's max-age (600 s)
// and re-read after it, so a retired key stops verifying and a new one
// starts; 50 concurrent tokens with an unknown kid cause one request; with
// the endpoint hanging, tokens with cached keys verify at once while the
// one refresh waits, and unknown kids wait for that same refresh.
func TestFirebaseRotationPerMaxAgeAndStalledEndpoint(t *testing.T) {
	t.Parallel()
	cs := authtest.NewCertServer(t, "k1")
	certs := newStallingCerts(t, cs)
	var nowNS atomic.Int64
	nowNS.Store(time.Now().UnixNano())
	now := func() time.Time { return time.Unix(0, nowNS.Load()) }
	f := NewFirebaseVerifier(FirebaseConfig{ProjectID: project, CertURL: certs.URL, MinRefetch: time.Minute, Now: now,
		Client: &http.Client{Timeout: 30 * time.Second}})
	ctx := context.Background()
	tok := func(kid string) string {
		key := cs.KeyOf(kid)
		if key == nil {
			key = authtest.Key(2)
		}
		return authtest.Sign(map[string]any{"alg": "RS256", "kid": kid}, authtest.Claims(project, "u", now()), authtest.RS256(key))
	}
	verifyAll := func(n int, kid string) []error {
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() { defer wg.Done(); _, errs[i] = f.Verify(ctx, tok(kid)) }()
		}
		wg.Wait()
		return errs
	}
	if _, err := f.Verify(ctx, tok("k1")); err != nil {
		t.Fatal(err)
	}
	waitHits(t, certs.hits.Load, 1)

	// 50 concurrent tokens signed with a kid nobody published: one request.
	nowNS.Add(int64(2 * time.Minute))
	for _, err := range verifyAll(50, "k-unknown") {
		if kmeme.ErrorCode(err) != kmeme.EUNAUTHORIZED {
			t.Fatalf("unknown kid: %v", err)
		}
	}
	waitHits(t, certs.hits.Load, 2)

	// Rotation: the endpoint adds k2. Within max-age k1 verifies from the
	// cache; k2 is unknown and fetched (the refetch interval has passed).
	cs.Add(t, "k2")
	nowNS.Add(int64(2 * time.Minute))
	if _, err := f.Verify(ctx, tok("k2")); err != nil {
		t.Fatalf("new kid after rotation: %v", err)
	}
	waitHits(t, certs.hits.Load, 3)
	for _, err := range verifyAll(20, "k1") {
		if err != nil {
			t.Fatalf("old kid within max-age: %v", err)
		}
	}
	if certs.hits.Load() != 3 {
		t.Fatalf("hits %d: a fresh cache must not refetch", certs.hits.Load())
	}

	// The endpoint now hangs and the cache goes stale (past max-age 600 s).
	certs.stalled.Store(true)
	nowNS.Add(int64(11 * time.Minute))
	for _, err := range verifyAll(30, "k1") { // returns while the refresh hangs
		if err != nil {
			t.Fatalf("cached key with the endpoint hanging: %v", err)
		}
	}
	waitHits(t, certs.hits.Load, 4) // exactly one refresh is waiting on the endpoint
	unknown := make(chan []error, 1)
	go func() { unknown <- verifyAll(10, "k3") }() // waits for that refresh, adds none
	cs.Add(t, "k3")
	select {
	case errs := <-unknown:
		t.Fatalf("unknown kid answered before the hanging refresh ended: %v", errs[0])
	case <-time.After(100 * time.Millisecond): // a negative check: nothing may arrive
	}
	close(certs.release)
	for _, err := range <-unknown {
		if err != nil {
			t.Fatalf("kid published during the refresh: %v", err)
		}
	}
	if h := certs.hits.Load(); h != 4 {
		t.Fatalf("hits %d, want 4: waiting callers share the one refresh", h)
	}
	if f.Fetches() != 4 {
		t.Fatalf("fetches %d, want 4", f.Fetches())
	}
}
