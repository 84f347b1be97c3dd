package postgres_test

import (
	"context"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/postgres/pgtest"
)

func TestConsentsAreRecordedAndWithdrawn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tx := pgtest.Tx(t)
	s := postgres.NewConsentStore(tx)
	var user string
	if err := tx.QueryRow(ctx, `INSERT INTO users DEFAULT VALUES RETURNING id::text`).Scan(&user); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.Granted(ctx, user, kmeme.ConsentAIProcessing); err != nil || ok {
		t.Fatalf("undecided consent = %v, %v; want not granted", ok, err)
	}
	if err := s.Set(ctx, user, kmeme.ConsentAIProcessing, true); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.Granted(ctx, user, kmeme.ConsentAIProcessing); !ok {
		t.Fatal("granted consent not seen")
	}
	if err := s.Set(ctx, user, kmeme.ConsentAIProcessing, false); err != nil {
		t.Fatal(err)
	}
	list, err := s.List(ctx, user)
	if err != nil || len(list) != len(kmeme.ConsentPurposes) {
		t.Fatalf("list = %v, %v", list, err)
	}
	if list[0].Purpose != kmeme.ConsentAIProcessing || list[0].Granted || list[0].DecidedAt == nil {
		t.Errorf("withdrawn consent listed as %+v", list[0])
	}
	if list[1].DecidedAt != nil || list[1].Granted {
		t.Errorf("undecided purpose listed as %+v", list[1])
	}
	if err := s.Set(ctx, user, "sell_my_data", true); kmeme.ErrorCode(err) != kmeme.EINVALID {
		t.Errorf("unknown purpose: %v", err)
	}
}
