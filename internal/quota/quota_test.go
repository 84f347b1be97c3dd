package quota

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/postgres/pgtest"
	"github.com/kmeme-factory/kmeme/internal/redis"
	"github.com/kmeme-factory/kmeme/internal/redis/redistest"
)

type bundle struct {
	db    *postgres.DB
	rdb   *redis.Client
	svc   *Service
	users *postgres.UserStore
	now   atomic.Int64
}

func setup(t *testing.T, plans map[string]int64) *bundle {
	t.Helper()
	b := &bundle{db: pgtest.NewDB(t), rdb: redistest.New(t, 2*time.Second)}
	b.now.Store(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC).UnixNano())
	b.users = postgres.NewUserStore(b.db.Pool)
	svc, err := New(b.rdb, postgres.NewQuotaStore(b.db.Pool), Config{Plans: plans, Timeout: 5 * time.Second,
		Now: func() time.Time { return time.Unix(0, b.now.Load()) }})
	if err != nil {
		t.Fatal(err)
	}
	b.svc = svc
	return b
}

func (b *bundle) user(t *testing.T, email string) string {
	t.Helper()
	u, err := b.users.CreateLocal(context.Background(), email, "", "", kmeme.RoleUser)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func (b *bundle) ledger(t *testing.T, user, day string) int64 {
	t.Helper()
	n, err := postgres.NewQuotaStore(b.db.Pool).LedgerUsed(context.Background(), user, day)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestTwoHundredConcurrentSpendersGetExactlyN: a quota of N under 200
// concurrent spenders → exactly N accepted, never N+1.
func TestTwoHundredConcurrentSpendersGetExactlyN(t *testing.T) {
	t.Parallel()
	const n = 37
	b := setup(t, map[string]int64{"free": n})
	user := b.user(t, "many@k-meme.com")
	var ok, over atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := b.svc.Spend(context.Background(), user, 1)
			switch kmeme.ErrorCode(err) {
			case "":
				ok.Add(1)
			case kmeme.EQUOTA:
				over.Add(1)
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != n || over.Load() != 200-n {
		t.Fatalf("accepted %d exceeded %d, want exactly %d and %d", ok.Load(), over.Load(), n, 200-n)
	}
	st, err := b.svc.Status(context.Background(), user)
	if err != nil || st.Used != n || st.Left != 0 || st.Limit != n || st.Day != "2026-11-27" {
		t.Fatalf("status = %+v, %v", st, err)
	}
	if err := b.svc.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := b.ledger(t, user, "2026-11-27"); got != n {
		t.Fatalf("ledger = %d, want %d", got, n)
	}
}

// TestCrashBetweenLedgerWriteAndAckNeverDoubleCounts injects a failure
// after the ledger transaction commits and before Redis hears of it.
func TestCrashBetweenLedgerWriteAndAckNeverDoubleCounts(t *testing.T) {
	t.Parallel()
	b := setup(t, map[string]int64{"free": 100})
	ctx := context.Background()
	user := b.user(t, "crash@k-meme.com")
	for i := 0; i < 5; i++ {
		if _, err := b.svc.Spend(ctx, user, 1); err != nil {
			t.Fatal(err)
		}
	}
	crash := errors.New("killed mid-flush")
	b.svc.afterLedger = func() error { return crash }
	if err := b.svc.Flush(ctx); !errors.Is(err, crash) {
		t.Fatalf("flush err = %v, want the injected crash", err)
	}
	if got := b.ledger(t, user, "2026-11-27"); got != 5 {
		t.Fatalf("ledger after crashed flush = %d, want 5", got)
	}
	// Spends continue while the flush is pending.
	if _, err := b.svc.Spend(ctx, user, 1); err != nil {
		t.Fatal(err)
	}
	b.svc.afterLedger = nil
	for i := 0; i < 3; i++ { // replay, then the new delta, then nothing
		if err := b.svc.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := b.ledger(t, user, "2026-11-27"); got != 6 {
		t.Fatalf("ledger after recovery = %d, want 6 (no double count)", got)
	}
	var flushes int
	if err := b.db.Pool.QueryRow(ctx, `SELECT count(*) FROM quota_flushes`).Scan(&flushes); err != nil || flushes != 2 {
		t.Fatalf("flush rows = %d, %v; want 2", flushes, err)
	}
	if n := b.rdb.R.SCard(ctx, b.svc.dirtyKey()).Val(); n != 0 {
		t.Errorf("dirty set still holds %d members", n)
	}
}

// TestRebuildAfterRedisLoss: the counter is rebuilt from the ledger.
func TestRebuildAfterRedisLoss(t *testing.T) {
	t.Parallel()
	b := setup(t, map[string]int64{"free": 4})
	ctx := context.Background()
	user := b.user(t, "lost@k-meme.com")
	for i := 0; i < 3; i++ {
		if _, err := b.svc.Spend(ctx, user, 1); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.svc.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	b.rdb.R.Del(ctx, b.svc.key(user, "2026-11-27"))
	st, err := b.svc.Status(ctx, user)
	if err != nil || st.Used != 3 {
		t.Fatalf("status from the ledger = %+v, %v", st, err)
	}
	if _, err := b.svc.Spend(ctx, user, 1); err != nil {
		t.Fatalf("4th spend after rebuild: %v", err)
	}
	if _, err := b.svc.Spend(ctx, user, 1); kmeme.ErrorCode(err) != kmeme.EQUOTA {
		t.Fatalf("5th spend: err = %v, want quota_exceeded", err)
	}
	if err := b.svc.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := b.ledger(t, user, "2026-11-27"); got != 4 {
		t.Fatalf("ledger = %d, want 4", got)
	}
}

// TestDayBoundaryInUsersZone: the day turns at midnight Asia/Seoul, once.
func TestDayBoundaryInUsersZone(t *testing.T) {
	t.Parallel()
	b := setup(t, map[string]int64{"free": 1})
	ctx := context.Background()
	user := b.user(t, "midnight@k-meme.com")
	// 23:59:59 in Seoul is 14:59:59 UTC.
	b.now.Store(time.Date(2026, 11, 27, 14, 59, 59, 0, time.UTC).UnixNano())
	st, err := b.svc.Spend(ctx, user, 1)
	if err != nil || st.Day != "2026-11-27" || !st.ResetsAt.Equal(time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)) {
		t.Fatalf("spend = %+v, %v", st, err)
	}
	if _, err := b.svc.Spend(ctx, user, 1); kmeme.ErrorCode(err) != kmeme.EQUOTA {
		t.Fatalf("second spend: %v", err)
	}
	b.now.Add(int64(2 * time.Second))
	st, err = b.svc.Spend(ctx, user, 1)
	if err != nil || st.Day != "2026-11-28" || st.Used != 1 {
		t.Fatalf("after midnight = %+v, %v", st, err)
	}
	if _, err := b.svc.Spend(ctx, user, 1); kmeme.ErrorCode(err) != kmeme.EQUOTA {
		t.Fatalf("the day resets once: %v", err)
	}
}

func TestOverrideAndRefund(t *testing.T) {
	t.Parallel()
	b := setup(t, map[string]int64{"free": 1, "pro": 10})
	ctx := context.Background()
	user := b.user(t, "vip@k-meme.com")
	st, err := b.svc.Spend(ctx, user, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.svc.Refund(ctx, user, st.Day, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Spend(ctx, user, 1); err != nil {
		t.Fatalf("after refund: %v", err)
	}
	three := int64(3)
	if err := b.users.SetQuotaOverride(ctx, user, &three); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if _, err := b.svc.Spend(ctx, user, 1); err != nil {
			t.Fatalf("override spend %d: %v", i, err)
		}
	}
	if st, err := b.svc.Spend(ctx, user, 1); kmeme.ErrorCode(err) != kmeme.EQUOTA || st.Limit != 3 {
		t.Fatalf("over override = %+v, %v", st, err)
	}
}

func TestStartStopFlushesOnStop(t *testing.T) {
	t.Parallel()
	b := setup(t, map[string]int64{"free": 5})
	ctx := context.Background()
	user := b.user(t, "loop@k-meme.com")
	b.svc.c.FlushEvery = time.Hour
	if err := b.svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Spend(ctx, user, 2); err != nil {
		t.Fatal(err)
	}
	if err := b.svc.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if got := b.ledger(t, user, "2026-11-27"); got != 2 {
		t.Fatalf("ledger after Stop = %d, want 2", got)
	}
}

// TestRebuildCountsTheDaysRemixes: Redis lost the counter before any flush;
// the day's remixes in PostgreSQL still count.
func TestRebuildCountsTheDaysRemixes(t *testing.T) {
	t.Parallel()
	b := setup(t, map[string]int64{"free": 3})
	b.now.Store(time.Now().UnixNano())
	ctx := context.Background()
	user := b.user(t, "nodes@k-meme.com")
	nodes := postgres.NewRemixNodeService(b.db.Pool)
	for i := 0; i < 2; i++ {
		if _, err := nodes.CreateNode(ctx, kmeme.NewNode{OwnerID: &user, Title: "오늘"}); err != nil {
			t.Fatal(err)
		}
	}
	st, err := b.svc.Status(ctx, user)
	if err != nil || st.Used != 2 || st.Left != 1 {
		t.Fatalf("status without a counter = %+v, %v", st, err)
	}
	if _, err := b.svc.Spend(ctx, user, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Spend(ctx, user, 1); kmeme.ErrorCode(err) != kmeme.EQUOTA {
		t.Fatalf("rebuilt counter allowed a 4th remix: %v", err)
	}
}
