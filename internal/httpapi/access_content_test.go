package httpapi_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/quota"
)

// TestIdempotentReplaysAreNotCharged: 20 concurrent submissions with one
// Idempotency-Key make one remix and spend one unit of the daily quota;
// replays and conflicts are refunded.
func TestIdempotentReplaysAreNotCharged(t *testing.T) {
	t.Parallel()
	b := trustSetup(t, trustOptions{platform: true, plans: map[string]int64{"free": 5}})
	s := b.signup(t, "twice@k-meme.com")
	hdr := append(bearer(s), "Idempotency-Key", "same-click")
	var wg sync.WaitGroup
	statuses := make(chan answer, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- b.call(t, nil, "POST", "/api/remix", `{"title":"한 번만"}`, hdr...)
		}()
	}
	wg.Wait()
	close(statuses)
	created := 0
	for a := range statuses {
		switch {
		case a.status == http.StatusCreated && a.header.Get("Idempotent-Replayed") != "true":
			created++
		case a.status < 300 && a.header.Get("Idempotent-Replayed") == "true":
		case a.status == http.StatusConflict || a.status == http.StatusTooManyRequests:
		default:
			t.Errorf("unexpected answer %d %s", a.status, a.body)
		}
	}
	if created != 1 {
		t.Fatalf("created %d remixes, want 1", created)
	}
	var me struct{ Quota quota.Status }
	b.call(t, nil, "GET", "/api/me", "", bearer(s)...).json(t, &me)
	if me.Quota.Used != 1 {
		t.Fatalf("quota used = %d after one remix and 19 replays, want 1", me.Quota.Used)
	}
}
