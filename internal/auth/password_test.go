package auth

import (
	"strings"
	"testing"
)

var testParams = PasswordParams{Memory: 1024, Time: 1, Threads: 1}

func TestPasswordHashAndVerify(t *testing.T) {
	t.Parallel()
	h, err := HashPassword("correct horse 배터리", testParams)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash = %s", h)
	}
	h2, _ := HashPassword("correct horse 배터리", testParams)
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	for _, tc := range []struct {
		pw, hash string
		want     bool
	}{
		{"correct horse 배터리", h, true},
		{"correct horse 배터리 ", h, false},
		{"", h, false},
		{"correct horse 배터리", "", false},
		{"correct horse 배터리", "$argon2i$v=19$m=1024,t=1,p=1$AAAA$AAAA", false},
		{"correct horse 배터리", "$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAA", false},
		{"correct horse 배터리", strings.Replace(h, "$v=19$", "$v=16$", 1), false},
	} {
		if got := VerifyPassword(tc.pw, tc.hash); got != tc.want {
			t.Errorf("VerifyPassword(%q, %.30s…) = %v", tc.pw, tc.hash, got)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	t.Parallel()
	for pw, ok := range map[string]bool{"short": false, "eight888": true, strings.Repeat("가", 128): true, strings.Repeat("a", 129): false} {
		if err := CheckPassword(pw); (err == nil) != ok {
			t.Errorf("CheckPassword(len %d) = %v", len(pw), err)
		}
	}
}

func TestCheckEmail(t *testing.T) {
	t.Parallel()
	for e, ok := range map[string]bool{"a@k-meme.com": true, "a@localhost": false, "not-an-email": false, "A <a@b.co>": false, "": false} {
		if err := checkEmail(e); (err == nil) != ok {
			t.Errorf("checkEmail(%q) = %v", e, err)
		}
	}
}
