package privacy

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/cache"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/ratelimit"
)

// TestErasureReachesSignInLimitAndAnalysisCache: the per-account sign-in
// budget (keyed by e-mail) and the analysis cached under the hash of the
// user's own content go with the account, written by the real limiter and
// cache; an analysis of content another user also uploaded stays. The
// export holds the user's Idempotency-Key records.
func TestErasureReachesSignInLimitAndAnalysisCache(t *testing.T) {
	t.Parallel()
	w := setup(t)
	ctx := context.Background()
	erin := w.person(t, "erin", "")
	frank := w.person(t, "frank", "")
	// frank also uploaded a copy of erin's second video.
	shared := strings.Repeat("5a", 32)
	w.exec(t, `INSERT INTO videos (owner_id, content_hash, size_bytes, blob_key) VALUES ($1, $3, 1, 'videos/5a/x'), ($2, $3, 1, 'videos/5a/x')`, erin.id, frank.id, shared)

	lim := ratelimit.New(w.rdb, ratelimit.Config{Budgets: map[string]ratelimit.Budget{"auth": {Count: 10, Period: time.Minute}}, Timeout: time.Second})
	if r, err := lim.Allow(ctx, "auth", "acct:"+erin.email, false); err != nil || !r.Allowed || r.Local {
		t.Fatalf("sign-in attempt: %+v %v", r, err)
	}
	analyses := cache.New(w.rdb, cache.Options{Name: "analysis", Timeout: time.Second, LockTTL: time.Minute})
	for _, h := range []string{erin.hash, shared} {
		if _, err := analyses.GetOrLoad(ctx, "analysis:v"+kmeme.AnalysisVersion+":"+h, time.Hour, func(context.Context) ([]byte, error) {
			return []byte(`{"content_hash":"` + h + `","tempo":{"bpm":120}}`), nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	// Gemini's answers about the content, kept as the service keeps them
	// (internal/cache, name "gemini", the describer's key by content hash).
	answers := cache.New(w.rdb, cache.Options{Name: "gemini", Timeout: time.Second})
	for _, h := range []string{erin.hash, shared} {
		if err := answers.Set(ctx, "gemini:sha256:"+h+":gemini-3.8-flash", []byte(`{"format":"dance"}`), time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	count := func(pattern string) int {
		keys, err := w.rdb.R.Keys(ctx, w.rdb.Key(pattern)).Result()
		if err != nil {
			t.Fatal(err)
		}
		return len(keys)
	}
	if count("*acct:"+erin.email+"*") != 1 || count("cache:analysis:*"+erin.hash+"*") == 0 {
		t.Fatal("the limiter or the cache did not write the keys this test expects")
	}

	doc, err := w.svc.Export(ctx, erin.id)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(doc)
	var parsed struct {
		Postgres struct {
			IdempotencyKeys []struct {
				Key      string          `json:"key"`
				Response json.RawMessage `json:"response"`
			} `json:"idempotency_keys"`
		} `json:"postgres"`
	}
	_ = json.Unmarshal(raw, &parsed)
	if len(parsed.Postgres.IdempotencyKeys) != 1 || parsed.Postgres.IdempotencyKeys[0].Key != "k1" || !strings.Contains(string(parsed.Postgres.IdempotencyKeys[0].Response), erin.id) {
		t.Errorf("export's idempotency_keys = %+v", parsed.Postgres.IdempotencyKeys)
	}
	if !strings.Contains(string(raw), "acct:"+erin.email) {
		t.Error("export does not list the sign-in limit state kept under the e-mail")
	}

	if err := w.svc.Erase(ctx, erin.id); err != nil {
		t.Fatal(err)
	}
	if n := count("*" + erin.email + "*"); n != 0 {
		t.Errorf("%d redis keys still name erin's e-mail", n)
	}
	if n := count("cache:analysis:*" + erin.hash + "*"); n != 0 {
		t.Errorf("%d cached analyses of erin's own content survive", n)
	}
	if n := count("cache:analysis:*" + shared + "*"); n == 0 {
		t.Error("the cached analysis of content frank also uploaded was deleted")
	}
	if n := count("cache:gemini:*" + erin.hash + "*"); n != 0 {
		t.Errorf("%d cached Gemini answers about erin's own content survive", n)
	}
	if n := count("cache:gemini:*" + shared + "*"); n != 1 {
		t.Errorf("%d cached Gemini answers about shared content, want 1 kept", n)
	}
}
