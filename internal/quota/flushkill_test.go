package quota

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/postgres/pgtest"
	"github.com/kmeme-factory/kmeme/internal/redis"
	"github.com/kmeme-factory/kmeme/internal/redis/redistest"
)

// The flusher child: the test binary run again with these variables set
// spends units and flushes, blocking at the flush point the parent names,
// where the parent kills it with SIGKILL.
const (
	envChild  = "KMEME_QUOTA_FLUSH_CHILD" // "after-ledger" or "in-ledger-tx"
	envDB     = "KMEME_QUOTA_FLUSH_DB"
	envPrefix = "KMEME_QUOTA_FLUSH_PREFIX"
	envUser   = "KMEME_QUOTA_FLUSH_USER"
	envSpend  = "KMEME_QUOTA_FLUSH_SPEND"
	envNow    = "KMEME_QUOTA_FLUSH_NOW"
	envMark   = "KMEME_QUOTA_FLUSH_MARK"
)

var plans = map[string]int64{"free": 100}

// TestQuotaFlushChild is the child's body; it does nothing in a normal run.
func TestQuotaFlushChild(t *testing.T) {
	mode := os.Getenv(envChild)
	if mode == "" {
		t.Skip("run by TestQuotaFlusherKilled as its child process")
	}
	ctx := context.Background()
	db, err := postgres.Open(ctx, postgres.PoolConfig{URL: os.Getenv(envDB), MaxConns: 2, MinConns: 0, StatementTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	rdb, err := redis.Open(redis.Config{URL: redistest.URL(), Timeout: 5 * time.Second, Prefix: os.Getenv(envPrefix)})
	if err != nil {
		t.Fatal(err)
	}
	now, _ := strconv.ParseInt(os.Getenv(envNow), 10, 64)
	svc, err := New(rdb, postgres.NewQuotaStore(db.Pool), Config{Plans: plans, Timeout: 5 * time.Second,
		Now: func() time.Time { return time.Unix(0, now) }})
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(os.Getenv(envSpend))
	for range n {
		if _, err := svc.Spend(ctx, os.Getenv(envUser), 1); err != nil {
			t.Fatal(err)
		}
	}
	mark := func() {
		if err := os.WriteFile(os.Getenv(envMark), []byte("at the flush point\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	switch mode {
	case "after-ledger":
		// The ledger transaction has committed; the Redis acknowledgement
		// has not been sent.
		svc.afterLedger = func() error { mark(); select {} }
	case "in-ledger-tx":
		// The parent holds the ledger row; this flush waits inside its
		// transaction, and the parent marks it when it sees the wait.
	}
	err = svc.Flush(ctx)
	t.Fatalf("flush returned (%v) instead of being killed at the flush point", err)
}

// TestQuotaFlusherKilled is checklist item 10: a process running the
// write-behind flush is killed with SIGKILL at the flush point — after the
// ledger commit but before the Redis acknowledgement, or inside the ledger
// transaction — and a fresh process then flushes. The ledger never counts
// a unit twice, nothing spent is lost while Redis keeps its counter, and
// when Redis loses the counter too, reconciliation rebuilds it from the
// ledger and the day's remixes.
func TestQuotaFlusherKilled(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"after-ledger", "in-ledger-tx", "in-ledger-tx+redis-lost"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			flushKill(t, mode)
		})
	}
}

func flushKill(t *testing.T, mode string) {
	ctx := context.Background()
	dbURL := pgtest.NewDatabase(t)
	db, err := postgres.Open(ctx, postgres.PoolConfig{URL: dbURL, MaxConns: 4, MinConns: 0, StatementTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rdb := redistest.New(t, 5*time.Second)
	now := time.Now()
	parent, err := New(rdb, postgres.NewQuotaStore(db.Pool), Config{Plans: plans, Timeout: 5 * time.Second, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	users := postgres.NewUserStore(db.Pool)
	u, err := users.CreateLocal(ctx, "flusher@example.com", "", "", kmeme.RoleUser)
	if err != nil {
		t.Fatal(err)
	}
	day, _, _ := parent.Day("", now)
	ledger := func() int64 {
		n, err := postgres.NewQuotaStore(db.Pool).LedgerUsed(ctx, u.ID, day)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Each unit is a remix, as in the service: the rebuild counts them.
	spend := func(svc *Service, n int) {
		for range n {
			if _, err := svc.Spend(ctx, u.ID, 1); err != nil {
				t.Fatal(err)
			}
			if _, err := postgres.NewRemixNodeService(db.Pool).CreateNode(ctx, kmeme.NewNode{OwnerID: &u.ID, Title: "킬 테스트"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	const before, inFlight = 3, 5
	spend(parent, before)
	if err := parent.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := ledger(); got != before {
		t.Fatalf("ledger after the first flush: %d, want %d", got, before)
	}

	// The child spends inFlight more (as remixes) and flushes.
	for range inFlight {
		if _, err := postgres.NewRemixNodeService(db.Pool).CreateNode(ctx, kmeme.NewNode{OwnerID: &u.ID, Title: "킬 테스트"}); err != nil {
			t.Fatal(err)
		}
	}
	childMode := mode
	var hold pgx.Tx
	if mode != "after-ledger" {
		childMode = "in-ledger-tx"
		// Hold the ledger row so the child's flush waits inside its transaction.
		hold, err = db.Pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer hold.Rollback(ctx) //nolint:errcheck
		if _, err := hold.Exec(ctx, `SELECT used FROM quota_ledger WHERE user_id = $1 FOR UPDATE`, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	markFile := filepath.Join(t.TempDir(), "mark")
	cmd := exec.Command(os.Args[0], "-test.run=^TestQuotaFlushChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), envChild+"="+childMode, envDB+"="+dbURL, envPrefix+"="+rdb.Key(""), envUser+"="+u.ID,
		envSpend+"="+strconv.Itoa(inFlight), envNow+"="+strconv.FormatInt(now.UnixNano(), 10), envMark+"="+markFile)
	var out syncBuf
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	waitUntil(t, 60*time.Second, exited, &out, func() bool {
		if childMode == "after-ledger" {
			_, err := os.Stat(markFile)
			return err == nil
		}
		var waiting int
		_ = db.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
			AND wait_event_type = 'Lock' AND query LIKE '%quota_ledger%'`).Scan(&waiting)
		return waiting > 0
	})
	var childBackends []int32
	if hold != nil {
		rows, _ := db.Pool.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)
		childBackends, _ = pgx.CollectRows(rows, pgx.RowTo[int32])
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = <-exited
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child did not die by SIGKILL: %v\n%s", err, out.String())
	}
	if hold != nil {
		// Let the dead client's transaction run into its missing COMMIT.
		if err := hold.Rollback(ctx); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, 30*time.Second, nil, &out, func() bool {
			var alive int
			_ = db.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1)`, childBackends).Scan(&alive)
			return alive == 0
		})
	}
	var flushes int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM quota_flushes WHERE user_id = $1`, u.ID).Scan(&flushes); err != nil {
		t.Fatal(err)
	}
	afterKill := ledger()
	switch childMode {
	case "after-ledger":
		if afterKill != before+inFlight || flushes != 2 {
			t.Fatalf("after a kill past the ledger commit: ledger %d, flushes %d; want %d, 2", afterKill, flushes, before+inFlight)
		}
	default:
		if afterKill != before || flushes != 1 {
			t.Fatalf("after a kill inside the ledger transaction: ledger %d, flushes %d; want %d, 1 (rolled back)", afterKill, flushes, before)
		}
	}

	if mode == "in-ledger-tx+redis-lost" {
		// Redis lost the counter too (restart without persistence): the
		// counter is rebuilt from the ledger and the day's remixes.
		if err := rdb.R.Del(ctx, parent.key(u.ID, day)).Err(); err != nil {
			t.Fatal(err)
		}
	}
	// A fresh process flushes: the pending flush is replayed by its id.
	fresh, err := New(rdb, postgres.NewQuotaStore(db.Pool), Config{Plans: plans, Timeout: 5 * time.Second, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	st, err := fresh.Status(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.Used != before+inFlight {
		t.Errorf("used after the kill: %d, want %d (nothing spent is lost)", st.Used, before+inFlight)
	}
	spend(fresh, 1) // rebuilds a lost counter from ledger and remixes
	for range 2 {   // a second flush has nothing left to do
		if err := fresh.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	want := int64(before + inFlight + 1)
	if got := ledger(); got != want {
		t.Errorf("ledger after recovery: %d, want %d (never double-counted, nothing lost)", got, want)
	}
	if st, err := fresh.Status(ctx, u.ID); err != nil || st.Used != want {
		t.Errorf("status after recovery: %+v %v, want used %d", st, err, want)
	}
	h, err := rdb.R.HGetAll(ctx, parent.key(u.ID, day)).Result()
	if err != nil || h["used"] != fmt.Sprint(want) || h["flushed"] != fmt.Sprint(want) || h["pid"] != "" {
		t.Errorf("redis counter after recovery: %v %v, want used = flushed = %d and no pending flush", h, err, want)
	}
	t.Logf("%s: ledger %d right after the kill, %d after recovery (spent %d); flush rows %d before recovery",
		mode, afterKill, ledger(), want, flushes)
}

// waitUntil polls ok until it holds, failing if the deadline passes or
// the child exits first.
func waitUntil(t *testing.T, d time.Duration, exited chan error, out *syncBuf, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		select {
		case err := <-exited:
			t.Fatalf("child exited before the flush point: %v\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("flush point not reached within %v\n%s", d, out.String())
		}
		time.Sleep(10 * time.Millisecond) // polling another process
	}
}

// syncBuf collects the child's output.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
