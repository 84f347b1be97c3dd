package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/httpapi"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/privacy"
	"github.com/kmeme-factory/kmeme/internal/redis"
)

func withPrivacy(db *postgres.DB, rdb *redis.Client) httpapi.Privacy {
	return &privacy.Service{GDPR: postgres.NewGDPRStore(db.Pool), Audit: postgres.NewAuditLog(db.Pool), Redis: rdb}
}

// TestUserACannotReachUserB: guessing ids gets A nothing of B's: private
// remixes answer 404 exactly like ids that do not exist; exports and
// erasures only ever act on the caller.
func TestUserACannotReachUserB(t *testing.T) {
	t.Parallel()
	b := trustSetup(t, trustOptions{privacy: withPrivacy})
	alice := b.signup(t, "alice@k-meme.com")
	bob := b.signup(t, "bob@k-meme.com")
	create := func(s session, body string) string {
		a := b.call(t, nil, "POST", "/api/remix", body, bearer(s)...)
		if a.status != http.StatusCreated && a.status != http.StatusAccepted {
			t.Fatalf("create %s: %d %s", body, a.status, a.body)
		}
		var n struct{ ID string }
		a.json(t, &n)
		return n.ID
	}
	secret := create(bob, `{"title":"밥의 비밀","visibility":"private"}`)
	shared := create(bob, `{"title":"밥의 공개 밈","visibility":"public"}`)
	missing := "0193a1a0-0000-7000-8000-00000000dead"

	notFound := func(who []string, method, path string) {
		t.Helper()
		a := b.call(t, nil, method, path, "", who...)
		if a.status != http.StatusNotFound {
			t.Errorf("%s %s as alice: %d %s, want 404", method, path, a.status, a.body)
			return
		}
		if strings.Contains(string(a.body), "밥") || strings.Contains(string(a.body), bob.User.ID) {
			t.Errorf("%s %s leaks bob's data: %s", method, path, a.body)
		}
	}
	for _, id := range []string{secret, missing} {
		notFound(bearer(alice), "GET", "/api/remix/"+id)
		notFound(bearer(alice), "DELETE", "/api/remix/"+id)
		notFound(bearer(alice), "GET", "/api/remix/"+id+"/children")
		notFound(nil, "GET", "/api/remix/"+id)
	}
	// A public remix is readable by all, changeable by its owner only.
	if a := b.call(t, nil, "GET", "/api/remix/"+shared, "", bearer(alice)...); a.status != 200 {
		t.Errorf("public remix: %d", a.status)
	}
	if a := b.call(t, nil, "DELETE", "/api/remix/"+shared, "", bearer(alice)...); a.status != http.StatusNotFound && a.status != http.StatusForbidden {
		t.Errorf("alice deleting bob's public remix: %d", a.status)
	}
	// A child of bob's private remix cannot be made by guessing its id.
	if a := b.call(t, nil, "POST", "/api/remix", `{"title":"x","parent_id":"`+secret+`"}`, bearer(alice)...); a.status != http.StatusBadRequest && a.status != http.StatusNotFound {
		t.Errorf("remixing bob's private remix: %d %s", a.status, a.body)
	}
	// Alice's export holds only alice.
	a := b.call(t, nil, "GET", "/api/me/export", "", bearer(alice)...)
	if a.status != 200 || !strings.Contains(string(a.body), "alice@k-meme.com") {
		t.Fatalf("export: %d %s", a.status, a.body)
	}
	for _, leak := range []string{"bob@k-meme.com", bob.User.ID, secret, "밥"} {
		if strings.Contains(string(a.body), leak) {
			t.Errorf("alice's export holds %q", leak)
		}
	}
	// Alice erases herself, twice; bob is untouched.
	for i := 0; i < 2; i++ {
		if a := b.call(t, nil, "DELETE", "/api/me", "", bearer(alice)...); a.status != http.StatusNoContent {
			t.Fatalf("erasure %d: %d %s", i, a.status, a.body)
		}
	}
	if a := b.call(t, nil, "GET", "/api/me", "", bearer(alice)...); a.status != http.StatusUnauthorized {
		t.Errorf("erased account's /api/me: %d", a.status)
	}
	if a := b.call(t, nil, "GET", "/api/remix/"+secret, "", bearer(bob)...); a.status != 200 {
		t.Errorf("bob's remix after alice's erasure: %d", a.status)
	}
	if a := b.call(t, nil, "POST", "/api/auth/login", `{"email":"alice@k-meme.com","password":"password-123"}`); a.status != http.StatusUnauthorized {
		t.Errorf("erased account signs in: %d", a.status)
	}
}
