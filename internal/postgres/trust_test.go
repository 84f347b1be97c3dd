package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/postgres/pgtest"
)

func TestUserStore(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t) // a conflict aborts a transaction, so no shared rolled-back one here
	ctx := context.Background()
	users := postgres.NewUserStore(db.Pool)
	u, err := users.CreateLocal(ctx, " Ha.Neul@K-Meme.com ", "$argon2id$h", "하늘", kmeme.RoleUser)
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "ha.neul@k-meme.com" || u.TimeZone != "Asia/Seoul" || u.Plan != "free" || u.PasswordHash != "$argon2id$h" {
		t.Fatalf("created %+v", u)
	}
	if _, err := users.CreateLocal(ctx, "HA.NEUL@k-meme.com", "x", "", kmeme.RoleUser); kmeme.ErrorCode(err) != kmeme.ECONFLICT {
		t.Fatalf("duplicate e-mail: %v", err)
	}
	got, err := users.ByEmail(ctx, "ha.neul@K-MEME.com")
	if err != nil || got.ID != u.ID {
		t.Fatalf("ByEmail = %+v, %v", got, err)
	}
	for _, id := range []string{"not-a-uuid", "0193a1a0-0000-7000-8000-000000000001"} {
		if _, err := users.ByID(ctx, id); kmeme.ErrorCode(err) != kmeme.ENOTFOUND {
			t.Errorf("ByID(%s) = %v", id, err)
		}
	}
	// Firebase: a verified e-mail links to the existing account; an
	// unverified one makes a separate account without the e-mail.
	linked, err := users.UpsertFirebase(ctx, "fb-1", "ha.neul@k-meme.com", true, kmeme.RoleUser)
	if err != nil || linked.ID != u.ID || linked.FirebaseUID != "fb-1" {
		t.Fatalf("link = %+v, %v", linked, err)
	}
	again, _ := users.UpsertFirebase(ctx, "fb-1", "", false, kmeme.RoleUser)
	if again.ID != u.ID {
		t.Fatal("second Firebase sign-in made another account")
	}
	other, err := users.UpsertFirebase(ctx, "fb-2", "someone@k-meme.com", false, kmeme.RoleUser)
	if err != nil || other.ID == u.ID || other.Email != "" {
		t.Fatalf("unverified = %+v, %v", other, err)
	}
	five := int64(5)
	if err := users.SetQuotaOverride(ctx, u.ID, &five); err != nil {
		t.Fatal(err)
	}
	if err := users.SetRole(ctx, u.ID, kmeme.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	got, _ = users.ByID(ctx, u.ID)
	if got.DailyQuotaOverride == nil || *got.DailyQuotaOverride != 5 || got.Role != kmeme.RoleAdmin {
		t.Fatalf("after override and role: %+v", got)
	}
	if err := users.SetQuotaOverride(ctx, "0193a1a0-0000-7000-8000-000000000001", nil); kmeme.ErrorCode(err) != kmeme.ENOTFOUND {
		t.Fatalf("override of nobody: %v", err)
	}
}

func TestRefreshTokensRotateAndDetectReuse(t *testing.T) {
	t.Parallel()
	tx := pgtest.Tx(t)
	ctx := context.Background()
	u, err := postgres.NewUserStore(tx).CreateLocal(ctx, "rt@k-meme.com", "h", "", kmeme.RoleUser)
	if err != nil {
		t.Fatal(err)
	}
	tokens := postgres.NewTokenStore(tx)
	now := time.Now()
	if err := tokens.IssueRefresh(ctx, u.ID, "", "first", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	g, err := tokens.SpendRefresh(ctx, "first", now)
	if err != nil || g.UserID != u.ID || g.Family == "" {
		t.Fatalf("spend = %+v, %v", g, err)
	}
	if err := tokens.IssueRefresh(ctx, u.ID, g.Family, "second", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.SpendRefresh(ctx, "first", now); kmeme.ErrorCode(err) != kmeme.EUNAUTHORIZED {
		t.Fatalf("reuse: %v", err)
	}
	if _, err := tokens.SpendRefresh(ctx, "second", now); kmeme.ErrorCode(err) != kmeme.EUNAUTHORIZED {
		t.Fatalf("the family must be revoked after reuse: %v", err)
	}
	for name, tok := range map[string]string{"unknown": "nope", "empty": ""} {
		if _, err := tokens.SpendRefresh(ctx, tok, now); kmeme.ErrorCode(err) != kmeme.EUNAUTHORIZED {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Expiry and logout.
	_ = tokens.IssueRefresh(ctx, u.ID, "", "old", now.Add(-time.Second))
	if _, err := tokens.SpendRefresh(ctx, "old", now); kmeme.ErrorCode(err) != kmeme.EUNAUTHORIZED {
		t.Fatalf("expired: %v", err)
	}
	_ = tokens.IssueRefresh(ctx, u.ID, "", "live", now.Add(time.Hour))
	if err := tokens.RevokeRefresh(ctx, "live", now); err != nil {
		t.Fatal(err)
	}
	if _, err := tokens.SpendRefresh(ctx, "live", now); kmeme.ErrorCode(err) != kmeme.EUNAUTHORIZED {
		t.Fatalf("revoked: %v", err)
	}
	var stored int
	_ = tx.QueryRow(ctx, `SELECT count(*) FROM refresh_tokens WHERE token_hash = convert_to('live', 'UTF8')`).Scan(&stored)
	if stored != 0 {
		t.Fatal("refresh tokens are stored in the clear")
	}
}

func TestSigningKeysRetire(t *testing.T) {
	t.Parallel()
	tx := pgtest.Tx(t)
	ctx := context.Background()
	tokens := postgres.NewTokenStore(tx)
	t0 := time.Now().Add(-time.Hour)
	for i, kid := range []string{"k1", "k2"} {
		if err := tokens.AddSigningKey(ctx, kmeme.SigningKey{KID: kid, Alg: "EdDSA", Private: []byte{1}, Public: []byte{2}}, t0.Add(time.Duration(i)*30*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	// k1 was retired when k2 came (t0+30m); asked for keys retired after t0+31m, only k2 is left.
	keys, err := tokens.SigningKeys(ctx, t0.Add(31*time.Minute))
	if err != nil || len(keys) != 1 || keys[0].KID != "k2" || keys[0].RetiredAt != nil {
		t.Fatalf("keys after k1 aged out = %+v, %v", keys, err)
	}
	keys, _ = tokens.SigningKeys(ctx, t0.Add(-time.Minute))
	if len(keys) != 2 || keys[1].RetiredAt == nil {
		t.Fatalf("keys still verifying = %+v", keys)
	}
}
