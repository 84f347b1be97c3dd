package privacy

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/postgres/pgtest"
	"github.com/kmeme-factory/kmeme/internal/redis"
	"github.com/kmeme-factory/kmeme/internal/redis/redistest"
)

// dirBlobs is a small BlobStore over a temp dir (the tests' own, so that
// they do not depend on another package's storage).
type dirBlobs struct{ dir string }

func (d dirBlobs) path(key string) string { return filepath.Join(d.dir, filepath.FromSlash(key)) }

func (d dirBlobs) Put(_ context.Context, key string, r io.Reader, _ string) (int64, error) {
	p := d.path(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return 0, err
	}
	f, err := os.Create(p)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return io.Copy(f, r)
}

func (d dirBlobs) Open(_ context.Context, key string) (io.ReadCloser, int64, error) {
	f, err := os.Open(d.path(key))
	if err != nil {
		return nil, 0, kmeme.Errorf(kmeme.ENOTFOUND, "no blob")
	}
	st, _ := f.Stat()
	return f, st.Size(), nil
}

func (d dirBlobs) Delete(_ context.Context, key string) error {
	if err := os.Remove(d.path(key)); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

func (d dirBlobs) DeletePrefix(_ context.Context, prefix string) error {
	return os.RemoveAll(d.path(strings.TrimSuffix(prefix, "/")))
}

type person struct {
	id, email, hash string
	nodes           []string
}

type world struct {
	db    *postgres.DB
	rdb   *redis.Client
	blobs dirBlobs
	svc   *Service
}

func setup(t *testing.T) *world {
	t.Helper()
	w := &world{db: pgtest.NewDB(t), rdb: redistest.New(t, 2*time.Second), blobs: dirBlobs{t.TempDir()}}
	w.svc = &Service{GDPR: postgres.NewGDPRStore(w.db.Pool), Audit: postgres.NewAuditLog(w.db.Pool), Redis: w.rdb, Blobs: w.blobs}
	return w
}

func (w *world) exec(t *testing.T, sql string, args ...any) {
	t.Helper()
	if _, err := w.db.Pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// person makes a user with a video (file in blobs), a root node with
// rendered files and an analysis naming the video's hash, and a leaf remix.
func (w *world) person(t *testing.T, name string, parent string) *person {
	t.Helper()
	ctx := context.Background()
	u, err := postgres.NewUserStore(w.db.Pool).CreateLocal(ctx, name+"@k-meme.com", "$argon2id$x", name, kmeme.RoleUser)
	if err != nil {
		t.Fatal(err)
	}
	content := []byte("video bytes of " + name)
	sum := sha256.Sum256(content)
	hash := hex.EncodeToString(sum[:])
	key := "videos/" + hash[:2] + "/" + hash
	if _, err := w.blobs.Put(ctx, key, bytes.NewReader(content), "video/mp4"); err != nil {
		t.Fatal(err)
	}
	var videoID string
	if err := w.db.Pool.QueryRow(ctx, `INSERT INTO videos (owner_id, content_hash, size_bytes, blob_key, filename, media)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id::text`, u.ID, hash, len(content), key, name+"-dance.mp4",
		fmt.Sprintf(`{"path":"/tmp/%s.mp4"}`, hash)).Scan(&videoID); err != nil {
		t.Fatal(err)
	}
	p := &person{id: u.ID, email: u.Email, hash: hash}
	nodes := postgres.NewRemixNodeService(w.db.Pool)
	owner := u.ID
	in := kmeme.NewNode{OwnerID: &owner, VideoID: &videoID, Title: name + "의 챌린지", Visibility: kmeme.VisibilityPublic}
	if parent != "" {
		in.ParentID = &parent
	}
	root, err := nodes.CreateNode(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	fileKey := "nodes/" + root.ID + "/files/guide.pdf"
	if _, err := w.blobs.Put(ctx, fileKey, strings.NewReader("guide for "+name+" "+hash), "application/pdf"); err != nil {
		t.Fatal(err)
	}
	w.exec(t, `UPDATE remix_nodes SET analysis = $2, files = $3, location = ST_MakePoint(126.98, 37.57)::geography, location_label = $4 WHERE id = $1`,
		root.ID, fmt.Sprintf(`{"content_hash":%q,"tempo":120}`, hash), fmt.Sprintf(`[{"name":"guide.pdf","key":%q,"size":10}]`, fileKey), name+"네 집 앞")
	leaf, err := nodes.CreateNode(ctx, kmeme.NewNode{OwnerID: &owner, ParentID: &root.ID, Title: name + " 2탄"})
	if err != nil {
		t.Fatal(err)
	}
	p.nodes = []string{root.ID, leaf.ID}
	w.exec(t, `INSERT INTO river_job (args, kind) VALUES ($1, 'analyze')`, fmt.Sprintf(`{"node_id":%q}`, leaf.ID))
	w.exec(t, `INSERT INTO ai_calls (provider, model, cost_usd, user_id, node_id, error) VALUES ('claude', 'sonnet', 0.02, $1, $2, $3)`, u.ID, root.ID, "for "+u.Email)
	w.exec(t, `INSERT INTO audit_log (user_id, action, ip, detail) VALUES ($1, 'login', '203.0.113.9', $2)`, u.ID, fmt.Sprintf(`{"email":%q}`, u.Email))
	w.exec(t, `INSERT INTO consents (user_id, purpose, granted) VALUES ($1, 'analytics', true)`, u.ID)
	w.exec(t, `INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at) VALUES ($1, gen_random_uuid(), $2, now() + interval '1 day')`, u.ID, []byte(name))
	w.exec(t, `INSERT INTO quota_ledger (user_id, day, used) VALUES ($1, '2026-11-26', 3)`, u.ID)
	w.exec(t, `INSERT INTO quota_flushes (flush_id, user_id, day, delta) VALUES ($1, $2, '2026-11-26', 3)`, "f-"+name, u.ID)
	w.exec(t, `INSERT INTO idempotency_keys (scope, key, request_hash, response) VALUES ($1, 'k1', 'h', $2)`, u.ID, fmt.Sprintf(`{"owner_id":%q}`, u.ID))
	ctx2 := context.Background()
	w.rdb.R.HSet(ctx2, w.rdb.Key("quota", u.ID, "2026-11-27"), "used", 2, "flushed", 0)
	w.rdb.R.SAdd(ctx2, w.rdb.Key("quota", "dirty"), u.ID+"|2026-11-27")
	w.rdb.R.Set(ctx2, w.rdb.Key("rl", "read", "u:"+u.ID), "123", time.Hour)
	w.rdb.R.Set(ctx2, w.rdb.Key("cache", "views", "recipe:"+root.ID), `{"title":"`+name+`"}`, time.Hour)
	return p
}

// TestEraseLeavesNoTrace: after erasure a search of every store for the
// user's id, e-mail and file hash finds nothing but anonymous aggregates;
// the node in someone else's lineage stays, owned by nobody.
func TestEraseLeavesNoTrace(t *testing.T) {
	t.Parallel()
	w := setup(t)
	ctx := context.Background()
	alice := w.person(t, "alice", "")
	bob := w.person(t, "bob", alice.nodes[0]) // bob remixed alice's root

	doc, err := w.svc.Export(ctx, alice.id)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(doc)
	for _, want := range []string{alice.email, alice.hash, "alice-dance.mp4", alice.nodes[1], `"used": 3`, "sonnet", "analytics", "203.0.113.9", "rate-limit state"} {
		if !strings.Contains(string(raw), strings.ReplaceAll(want, `": `, `":`)) && !strings.Contains(string(raw), want) {
			t.Errorf("export lacks %q", want)
		}
	}
	for _, leak := range []string{bob.email, bob.hash, bob.id, "argon2id", "token_hash"} {
		if strings.Contains(string(raw), leak) {
			t.Errorf("export of alice holds %q", leak)
		}
	}

	if err := w.svc.Erase(ctx, alice.id); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Erase(ctx, alice.id); err != nil {
		t.Fatalf("second erasure: %v", err)
	}

	needles := []string{alice.id, alice.email, alice.hash, "alice"}
	// PostgreSQL: every text-like column of every table in public.
	rows, err := w.db.Pool.Query(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = 'public' AND data_type IN ('text', 'jsonb', 'json', 'character varying', 'uuid', 'ARRAY', 'USER-DEFINED', 'bytea')
		AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE')`)
	if err != nil {
		t.Fatal(err)
	}
	type col struct{ table, column string }
	var cols []col
	for rows.Next() {
		var c col
		_ = rows.Scan(&c.table, &c.column)
		cols = append(cols, c)
	}
	rows.Close()
	if len(cols) < 30 {
		t.Fatalf("only %d columns to search", len(cols))
	}
	for _, c := range cols {
		for _, n := range needles {
			var hits int
			q := fmt.Sprintf(`SELECT count(*) FROM %q WHERE %q::text ILIKE '%%' || $1 || '%%'`, c.table, c.column)
			if err := w.db.Pool.QueryRow(ctx, q, n).Scan(&hits); err != nil {
				t.Fatalf("%s.%s: %v", c.table, c.column, err)
			}
			if hits > 0 {
				t.Errorf("%s.%s still holds %q in %d rows", c.table, c.column, n, hits)
			}
		}
	}
	// Redis: every key of this test, names and values.
	keys, _ := w.rdb.R.Keys(ctx, w.rdb.Key("*")).Result()
	for _, k := range keys {
		var val string
		switch w.rdb.R.Type(ctx, k).Val() {
		case "string":
			val = w.rdb.R.Get(ctx, k).Val()
		case "hash":
			val = fmt.Sprint(w.rdb.R.HGetAll(ctx, k).Val())
		case "set":
			val = fmt.Sprint(w.rdb.R.SMembers(ctx, k).Val())
		}
		for _, n := range needles {
			if strings.Contains(k, n) || strings.Contains(val, n) {
				t.Errorf("redis %s = %q still holds %q", k, val, n)
			}
		}
	}
	// Blobs: names and contents.
	_ = filepath.Walk(w.blobs.dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return nil
		}
		data, _ := os.ReadFile(p)
		for _, n := range needles {
			if strings.Contains(p, n) || bytes.Contains(data, []byte(n)) {
				t.Errorf("blob %s still holds %q", p, n)
			}
		}
		return nil
	})

	// Anonymous aggregates and other people's things remain.
	var calls int
	var cost float64
	_ = w.db.Pool.QueryRow(ctx, `SELECT count(*), sum(cost_usd) FROM ai_calls WHERE user_id IS NULL`).Scan(&calls, &cost)
	if calls != 1 || cost != 0.02 {
		t.Errorf("anonymous ai calls = %d, $%v", calls, cost)
	}
	var owner *string
	var title string
	var children int
	if err := w.db.Pool.QueryRow(ctx, `SELECT owner_id::text, title, children_count FROM remix_nodes WHERE id = $1`, alice.nodes[0]).Scan(&owner, &title, &children); err != nil {
		t.Fatalf("alice's root in bob's lineage must stay: %v", err)
	}
	if owner != nil || title != "" || children != 1 {
		t.Errorf("kept node owner %v title %q children %d", owner, title, children)
	}
	var gone int
	_ = w.db.Pool.QueryRow(ctx, `SELECT count(*) FROM remix_nodes WHERE id = $1`, alice.nodes[1]).Scan(&gone)
	if gone != 0 {
		t.Error("alice's leaf remix was not deleted")
	}
	var bobs int
	_ = w.db.Pool.QueryRow(ctx, `SELECT count(*) FROM remix_nodes WHERE owner_id = $1`, bob.id).Scan(&bobs)
	if bobs != 2 {
		t.Errorf("bob's nodes = %d, want 2", bobs)
	}
	if _, _, err := w.blobs.Open(ctx, "videos/"+bob.hash[:2]+"/"+bob.hash); err != nil {
		t.Error("bob's video file was deleted")
	}
	if n := w.rdb.R.Exists(ctx, w.rdb.Key("quota", bob.id, "2026-11-27")).Val(); n != 1 {
		t.Error("bob's quota counter was deleted")
	}
	var erasures int
	_ = w.db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'erasure' AND user_id IS NULL`).Scan(&erasures)
	if erasures != 1 {
		t.Errorf("erasure audit entries = %d, want 1 (the repeat found nobody)", erasures)
	}
}

func TestSharedVideoFileSurvivesOneOwnersErasure(t *testing.T) {
	t.Parallel()
	w := setup(t)
	ctx := context.Background()
	a := w.person(t, "carol", "")
	b := w.person(t, "dave", "")
	// dave uploads the very same bytes as carol: one content-addressed file.
	w.exec(t, `INSERT INTO videos (owner_id, content_hash, size_bytes, blob_key) VALUES ($1, $2, 1, $3)`, b.id, a.hash, "videos/"+a.hash[:2]+"/"+a.hash)
	if err := w.svc.Erase(ctx, a.id); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.blobs.Open(ctx, "videos/"+a.hash[:2]+"/"+a.hash); err != nil {
		t.Fatal("a file another owner still uses was deleted")
	}
}

func TestRetentionPurgesOldSourcesKeepsAnalyses(t *testing.T) {
	t.Parallel()
	w := setup(t)
	ctx := context.Background()
	p := w.person(t, "erin", "")
	w.exec(t, `UPDATE videos SET created_at = now() - interval '40 days' WHERE owner_id = $1`, p.id)
	fresh := w.person(t, "frank", "")
	w.svc.RetentionDays = 30
	n, err := w.svc.PurgeOnce(ctx)
	if err != nil || n != 1 {
		t.Fatalf("purged %d, %v; want 1", n, err)
	}
	if _, _, err := w.blobs.Open(ctx, "videos/"+p.hash[:2]+"/"+p.hash); err == nil {
		t.Error("old source video still stored")
	}
	if _, _, err := w.blobs.Open(ctx, "videos/"+fresh.hash[:2]+"/"+fresh.hash); err != nil {
		t.Error("fresh source video purged")
	}
	var analysis []byte
	if err := w.db.Pool.QueryRow(ctx, `SELECT analysis FROM remix_nodes WHERE id = $1`, p.nodes[0]).Scan(&analysis); err != nil || len(analysis) == 0 {
		t.Fatalf("analysis gone: %v", err)
	}
	if n, _ := w.svc.PurgeOnce(ctx); n != 0 {
		t.Errorf("second purge = %d", n)
	}
	// The loop starts and stops cleanly.
	w.svc.RetentionEvery = time.Hour
	if err := w.svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Stop(ctx); err != nil {
		t.Fatal(err)
	}
}
