package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kmeme-factory/kmeme/internal/blob"
	"github.com/kmeme-factory/kmeme/internal/httpapi"
	"github.com/kmeme-factory/kmeme/internal/importer"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/postgres/pgtest"
	"github.com/kmeme-factory/kmeme/internal/recipe"
	"github.com/kmeme-factory/kmeme/internal/worker"
)

// platformBundle is a server with real PostgreSQL, a local blob store and
// (optionally) real workers running in-process.
type platformBundle struct {
	srv      *httptest.Server
	db       *postgres.DB
	blobDir  string
	blobs    kmeme.BlobStore
	pipe     *worker.Pipeline
	userA    string
	userB    string
	adminID  string
	maxBytes int64
	spoolDir string
}

type platformOpts struct {
	workers       int
	maxUpload     int64
	allowLoopback bool
	importAllow   []netip.AddrPort // the test-only importer allow list
	importTimeout time.Duration
	views         kmeme.Cache
	visibility    kmeme.Visibility
}

// withTestCaller stands in for the trust middleware: X-Test-User names
// the signed-in user.
func withTestCaller(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u := r.Header.Get("X-Test-User"); u != "" {
			role := kmeme.RoleUser
			if r.Header.Get("X-Test-Admin") == "1" {
				role = kmeme.RoleAdmin
			}
			r = r.WithContext(kmeme.WithCaller(r.Context(), &kmeme.Caller{UserID: u, Role: role, Via: "test"}))
		}
		next.ServeHTTP(w, r)
	})
}

func setupPlatform(t *testing.T, o platformOpts) *platformBundle {
	t.Helper()
	ctx := context.Background()
	db := pgtest.NewDB(t)
	blobDir := t.TempDir()
	blobs, err := blob.NewLocal(blobDir)
	if err != nil {
		t.Fatal(err)
	}
	changed := func(ctx context.Context, id string) {
		if o.views != nil {
			_ = o.views.Invalidate(ctx, "recipe:"+id)
		}
	}
	pipe, err := worker.New(db.Pool, worker.Config{Workers: o.workers, MaxAttempts: 2, RetryBase: 50 * time.Millisecond,
		Blobs: blobs, Planner: recipe.NewLocal(), WorkDir: t.TempDir(), Changed: changed})
	if err != nil {
		t.Fatal(err)
	}
	if err := pipe.Start(ctx); err != nil {
		t.Fatal(err)
	}
	hub := postgres.NewProgressHub(db.Pool, nil)
	if err := hub.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if o.maxUpload == 0 {
		o.maxUpload = 20 << 20
	}
	if o.importTimeout == 0 {
		o.importTimeout = 10 * time.Second
	}
	b := &platformBundle{db: db, blobDir: blobDir, blobs: blobs, pipe: pipe, maxBytes: o.maxUpload, spoolDir: t.TempDir()}
	for _, p := range []*string{&b.userA, &b.userB, &b.adminID} {
		*p = uuid.NewString()
		if _, err := db.Pool.Exec(ctx, `INSERT INTO users (id, email) VALUES ($1, $2)`, *p, *p+"@example.com"); err != nil {
			t.Fatal(err)
		}
	}
	d := httpapi.Deps{
		Version: "test", MaxBodyBytes: 4096, Nodes: postgres.NewRemixNodeService(db.Pool),
		Content: httpapi.ContentDeps{
			Remixes: postgres.NewRemixService(db.Pool, pipe), Videos: postgres.NewVideoService(db.Pool, blobs, o.maxUpload),
			Lineage: postgres.NewLineageService(db.Pool), Search: postgres.NewSearchService(db.Pool), Places: postgres.NewPlaceService(db.Pool),
			Blobs: blobs, Progress: hub,
			Importer:       importer.New(importer.Options{MaxBytes: o.maxUpload, Timeout: o.importTimeout, AllowLoopback: o.allowLoopback, Allow: o.importAllow}),
			MaxUploadBytes: o.maxUpload, SpoolDir: b.spoolDir, EventPoll: 500 * time.Millisecond, Views: o.views,
			DefaultVisibility: o.visibility,
		},
	}
	b.srv = httptest.NewServer(withTestCaller(httpapi.NewServer(d)))
	t.Cleanup(func() {
		b.srv.Close()
		sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_ = pipe.StopAndCancel(sctx)
		if err := hub.Stop(sctx); err != nil {
			t.Error(err)
		}
	})
	return b
}

func (b *platformBundle) req(t *testing.T, method, path, user string, body io.Reader, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, b.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if user != "" {
		req.Header.Set("X-Test-User", user)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, data
}

func (b *platformBundle) json(t *testing.T, method, path, user, body string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
		hdr = append(hdr, "Content-Type", "application/json")
	}
	return b.req(t, method, path, user, r, hdr...)
}

func multipartBody(t *testing.T, field, name string, content []byte) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func (b *platformBundle) upload(t *testing.T, user, name string, content []byte) (*http.Response, []byte) {
	t.Helper()
	body, ct := multipartBody(t, "file", name, content)
	return b.req(t, "POST", "/api/videos", user, body, "Content-Type", ct)
}

func (b *platformBundle) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := b.db.Pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// blobFiles lists the files in the blob store.
func (b *platformBundle) blobFiles(t *testing.T) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(b.blobDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// genClip makes a short video with a hard cut and a 120 BPM click track.
func genClip(t *testing.T, secs float64) []byte {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed")
	}
	half := fmt.Sprintf("%.2f", secs/2)
	p := filepath.Join(t.TempDir(), "clip.mp4")
	args := []string{"-hide_banner", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", "testsrc2=s=160x284:r=15:d=" + half,
		"-f", "lavfi", "-i", "mandelbrot=s=160x284:r=15,trim=duration=" + half,
		"-f", "lavfi", "-i", fmt.Sprintf("aevalsrc='0.6*sin(2*PI*1500*t)*exp(-mod(t,0.5)*80)+0.8*sin(2*PI*70*t)*exp(-mod(t,2)*15)':s=22050:d=%.2f", secs),
		"-filter_complex", "[0:v][1:v]concat=n=2:v=1[v]", "-map", "[v]", "-map", "2:a",
		"-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-movflags", "+faststart", p}
	if out, err := exec.Command("ffmpeg", args...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

type sseEvent struct {
	Event string
	Data  map[string]any
}

// follow reads a node's event stream until done or failed.
func (b *platformBundle) follow(t *testing.T, id, user string) []sseEvent {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", b.srv.URL+"/api/remix/"+id+"/events", nil)
	req.Header.Set("X-Test-User", user)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("events: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var (
		evs []sseEvent
		cur sseEvent
	)
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			cur.Event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			_ = json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &cur.Data)
		case line == "":
			if cur.Event != "" {
				evs = append(evs, cur)
				if cur.Event == "done" || cur.Event == "failed" {
					return evs
				}
			}
			cur = sseEvent{}
		}
	}
	t.Fatalf("event stream ended without done/failed: %v (%v)", evs, sc.Err())
	return nil
}

type viewBody struct {
	Node     kmeme.RemixNode    `json:"node"`
	Analysis *kmeme.Analysis    `json:"analysis"`
	Recipe   *kmeme.Recipe      `json:"recipe"`
	Files    []httpapi.FileLink `json:"files"`
}

func TestPlatformEndToEnd(t *testing.T) {
	t.Parallel()
	b := setupPlatform(t, platformOpts{workers: 2})
	clip := genClip(t, 3)

	resp, data := b.upload(t, b.userA, "../../etc/출근길.mp4", clip)
	if resp.StatusCode != 201 {
		t.Fatalf("upload: %d %s", resp.StatusCode, data)
	}
	var video kmeme.Video
	_ = json.Unmarshal(data, &video)
	if video.Filename != "출근길.mp4" || video.SizeBytes != int64(len(clip)) || video.Width != 160 || video.DurationS < 2.5 {
		t.Fatalf("video = %+v", video)
	}
	if resp, data = b.upload(t, b.userA, "again.mp4", clip); resp.StatusCode != 200 || !strings.Contains(string(data), video.ID) {
		t.Fatalf("duplicate upload: %d %s", resp.StatusCode, data)
	}
	if n := len(b.blobFiles(t)); n != 1 {
		t.Fatalf("blob files after duplicate upload = %d, want 1", n)
	}

	create := func(body string) kmeme.RemixNode {
		t.Helper()
		resp, data := b.json(t, "POST", "/api/remix", b.userA, body, "Idempotency-Key", uuid.NewString())
		if resp.StatusCode != 202 {
			t.Fatalf("create remix: %d %s", resp.StatusCode, data)
		}
		var n kmeme.RemixNode
		_ = json.Unmarshal(data, &n)
		if n.Status != kmeme.StatusQueued || n.OwnerID == nil || *n.OwnerID != b.userA {
			t.Fatalf("created node %+v", n)
		}
		return n
	}
	root := create(`{"video_id":"` + video.ID + `","title":"출근길 댄스 챌린지","location":{"lat":37.5665,"lon":126.978,"label":"서울"}}`)
	evs := b.follow(t, root.ID, b.userA)
	last := evs[len(evs)-1]
	if last.Event != "done" || last.Data["percent"].(float64) != 100 {
		t.Fatalf("last event %+v (all %v)", last, evs)
	}
	// Reconnecting after the end gets the end at once, not a hanging stream.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	req, _ := http.NewRequestWithContext(ctx, "GET", b.srv.URL+"/api/remix/"+root.ID+"/events", nil)
	req.Header.Set("X-Test-User", b.userA)
	req.Header.Set("Last-Event-ID", "1000000")
	if resp, err := http.DefaultClient.Do(req); err != nil {
		t.Errorf("reconnect: %v", err)
	} else {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), "event: done") {
			t.Errorf("reconnect after the end: %q", body)
		}
	}
	cancel()
	// Each event's percent is of its own stage: it never goes back within
	// a stage, and a new stage starts again from its own 0.
	stages := map[string]bool{}
	prev, prevStage := -1.0, ""
	for _, e := range evs {
		stage := strings.SplitN(e.Data["stage"].(string), ":", 2)[0]
		stages[stage] = true
		if stage != prevStage {
			prev, prevStage = -1, stage
		}
		if p := e.Data["percent"].(float64); p < prev {
			t.Errorf("%s percent went back from %v to %v", stage, prev, p)
		} else {
			prev = p
		}
	}
	for _, s := range []string{"queued", "analyze", "plan", "render", "done"} {
		if !stages[s] {
			t.Errorf("no %q event in %v", s, evs)
		}
	}

	resp, data = b.json(t, "GET", "/api/remix/"+root.ID, b.userA, "")
	if resp.StatusCode != 200 {
		t.Fatalf("view: %d %s", resp.StatusCode, data)
	}
	var view viewBody
	if err := json.Unmarshal(data, &view); err != nil {
		t.Fatal(err)
	}
	if view.Node.Status != kmeme.StatusDone || view.Analysis == nil || view.Recipe == nil || len(view.Recipe.Shots) == 0 {
		t.Fatalf("view incomplete: %s", data)
	}
	if view.Analysis.DurationS < 2.5 || len(view.Analysis.Cuts) == 0 {
		t.Errorf("analysis of the clip: duration %v cuts %v", view.Analysis.DurationS, view.Analysis.Cuts)
	}
	want := map[string]string{"guide.pdf": "%PDF", "storyboard.png": "\x89PNG", "captions.srt": "1\n", "timeline.otio": "{",
		"timeline.fcpxml": "<?xml", "recipe.json": "{", "recipe.md": "", "analysis.json": "{", "source.mp4": "\x00\x00\x00",
		"preview.mp4": "\x00\x00\x00", "kmeme-bundle.zip": "PK\x03\x04", "timeline.premiere.xml": "<?xml", "timeline.edl": "TITLE: ",
		"subtitles.9x16.ass": "\ufeff[Script Info]", "subtitles.16x9.ass": "\ufeff[Script Info]", "captions.casual.srt": "1\n", "captions.polite.srt": "1\n"}
	got := map[string]bool{}
	for _, f := range view.Files {
		got[f.Name] = true
		resp, body := b.req(t, "GET", f.URL, b.userA, nil)
		if resp.StatusCode != 200 || int64(len(body)) != f.Size || resp.Header.Get("Content-Type") != f.ContentType {
			t.Errorf("file %s: %d, %d bytes (want %d), %s", f.Name, resp.StatusCode, len(body), f.Size, resp.Header.Get("Content-Type"))
			continue
		}
		if prefix, ok := want[f.Name]; ok && !strings.HasPrefix(string(body), prefix) {
			t.Errorf("file %s starts %q", f.Name, body[:min(len(body), 10)])
		}
	}
	// The player seeks in the source with Range requests.
	resp, body := b.req(t, "GET", "/api/remix/"+root.ID+"/files/source.mp4", b.userA, nil, "Range", "bytes=4-7")
	if resp.StatusCode != http.StatusPartialContent || string(body) != "ftyp" {
		t.Errorf("range of the source: %d %q", resp.StatusCode, body)
	}
	// The preview plays on the recipe page: inline, seekable.
	resp, body = b.req(t, "GET", "/api/remix/"+root.ID+"/files/preview.mp4", b.userA, nil, "Range", "bytes=4-7")
	if resp.StatusCode != http.StatusPartialContent || string(body) != "ftyp" || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "inline") {
		t.Errorf("range of the preview: %d %q %s", resp.StatusCode, body, resp.Header.Get("Content-Disposition"))
	}
	resp, _ = b.req(t, "GET", "/api/remix/"+root.ID+"/files/kmeme-bundle.zip", b.userA, nil)
	if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename="kmeme-`+root.ID[:8]+`.zip"` {
		t.Errorf("bundle Content-Disposition %q", cd)
	}
	if !got["keyframe-001.jpg"] || !got["keyframe-002.jpg"] {
		t.Errorf("keyframes of the two shots missing from %v", view.Files)
	}
	for name := range want {
		if !got[name] {
			t.Errorf("view has no %s (files %v)", name, view.Files)
		}
	}
	// Another user sees none of it: the node is private.
	for _, p := range []string{"/api/remix/" + root.ID, "/api/remix/" + root.ID + "/files/guide.pdf", "/api/remix/" + root.ID + "/events", "/api/remix/" + root.ID + "/tree"} {
		if resp, _ := b.req(t, "GET", p, b.userB, nil); resp.StatusCode != 404 {
			t.Errorf("user B GET %s: %d, want 404", p, resp.StatusCode)
		}
	}
	if resp, data := b.json(t, "POST", "/api/remix", b.userB, `{"video_id":"`+video.ID+`"}`); resp.StatusCode != 400 || !strings.Contains(string(data), `"field":"video_id"`) {
		t.Errorf("user B remixing A's video: %d %s", resp.StatusCode, data)
	}

	// A remix of the remix.
	child := create(`{"video_id":"` + video.ID + `","parent_id":"` + root.ID + `","title":"퇴근길 버전"}`)
	if child.Depth != 1 || child.RootID != root.ID {
		t.Fatalf("child lineage %+v", child)
	}
	if evs := b.follow(t, child.ID, b.userA); evs[len(evs)-1].Event != "done" {
		t.Fatalf("child events %v", evs)
	}
	resp, data = b.json(t, "GET", "/api/remix/"+child.ID+"/lineage?direction=ancestors", b.userA, "")
	if resp.StatusCode != 200 || !strings.Contains(string(data), root.ID) {
		t.Errorf("ancestors: %d %s", resp.StatusCode, data)
	}
	resp, data = b.json(t, "GET", "/api/remix/"+root.ID+"/lineage?direction=descendants&depth=3", b.userA, "")
	if resp.StatusCode != 200 || !strings.Contains(string(data), child.ID) {
		t.Errorf("descendants: %d %s", resp.StatusCode, data)
	}
	resp, data = b.json(t, "GET", "/api/remix/"+root.ID+"/tree?depth=5", b.userA, "")
	var tree struct {
		Node struct {
			ID          string `json:"id"`
			Descendants int    `json:"descendants"`
			Children    []struct {
				ID string `json:"id"`
			} `json:"children"`
		} `json:"node"`
		Truncated bool `json:"truncated"`
	}
	_ = json.Unmarshal(data, &tree)
	if resp.StatusCode != 200 || tree.Node.ID != root.ID || len(tree.Node.Children) != 1 || tree.Node.Children[0].ID != child.ID || tree.Truncated || tree.Node.Descendants != 1 {
		t.Errorf("tree: %d %s", resp.StatusCode, data)
	}
	// The same video twice: the structure is identical, so the other is the nearest.
	resp, data = b.json(t, "GET", "/api/remix/"+child.ID+"/similar?k=5", b.userA, "")
	var sim struct {
		Items []kmeme.Scored `json:"items"`
	}
	_ = json.Unmarshal(data, &sim)
	if resp.StatusCode != 200 || len(sim.Items) != 1 || sim.Items[0].Node.ID != root.ID || sim.Items[0].Score < 0.7 {
		t.Errorf("similar: %d %s", resp.StatusCode, data)
	}
	resp, data = b.json(t, "GET", "/api/search?q=%EC%B6%9C%EA%B7%BC%EA%B8%B8", b.userA, "") // 출근길
	_ = json.Unmarshal(data, &sim)
	if resp.StatusCode != 200 || len(sim.Items) == 0 || sim.Items[0].Node.ID != root.ID {
		t.Errorf("search 출근길: %d %s", resp.StatusCode, data)
	}
	resp, data = b.json(t, "GET", "/api/geo/nearby?lat=37.57&lon=126.98&km=5", b.userA, "")
	if resp.StatusCode != 200 || !strings.Contains(string(data), root.ID) || strings.Contains(string(data), child.ID) {
		t.Errorf("nearby: %d %s", resp.StatusCode, data)
	}
	if _, data = b.json(t, "GET", "/api/geo/nearby?lat=37.57&lon=126.98&km=5", b.userB, ""); strings.Contains(string(data), root.ID) {
		t.Errorf("nearby shows a private node to another user: %s", data)
	}
}

func TestIdempotentConcurrentSubmissions(t *testing.T) {
	t.Parallel()
	b := setupPlatform(t, platformOpts{workers: 0})
	v, _, err := postgres.NewVideoService(b.db.Pool, nil, 0).InsertVideo(context.Background(), &kmeme.Video{
		OwnerID: &b.userA, ContentHash: strings.Repeat("ab", 32), SizeBytes: 10, BlobKey: "videos/ab/x"})
	if err != nil {
		t.Fatal(err)
	}
	body := `{"video_id":"` + v.ID + `","title":"같은 요청"}`
	key := uuid.NewString()
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		ids    = map[string]int{}
		status = map[int]int{}
	)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, data := b.json(t, "POST", "/api/remix", b.userA, body, "Idempotency-Key", key)
			var n kmeme.RemixNode
			_ = json.Unmarshal(data, &n)
			mu.Lock()
			ids[n.ID]++
			status[resp.StatusCode]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(ids) != 1 || status[202] != 20 {
		t.Fatalf("20 identical submissions gave ids %v statuses %v", ids, status)
	}
	if n := b.count(t, `SELECT count(*) FROM remix_nodes`); n != 1 {
		t.Errorf("%d nodes, want 1", n)
	}
	if n := b.count(t, `SELECT count(*) FROM river_job WHERE kind = $1`, worker.KindAnalyze); n != 1 {
		t.Errorf("%d jobs, want 1", n)
	}
	resp, data := b.json(t, "POST", "/api/remix", b.userA, `{"video_id":"`+v.ID+`","title":"다른 요청"}`, "Idempotency-Key", key)
	if p := problem(t, resp, data); p.Status != 422 || p.Code != "unprocessable" {
		t.Errorf("same key, other body: %+v", p)
	}
	// The same key from another user is another key.
	resp, data = b.json(t, "POST", "/api/remix", b.userB, `{"title":"B"}`, "Idempotency-Key", key)
	if resp.StatusCode != 201 {
		t.Errorf("other user's key: %d %s", resp.StatusCode, data)
	}
}

func TestUploadRefusalsStoreNothing(t *testing.T) {
	t.Parallel()
	b := setupPlatform(t, platformOpts{maxUpload: 64 << 10})
	clip := genClip(t, 2)
	big := bytes.Repeat([]byte{0}, 200<<10)
	cases := []struct {
		name    string
		content []byte
		status  int
		code    string
	}{
		{"zero bytes", nil, 400, "invalid"},
		{"text", []byte("hello, this is not a video at all\n"), 415, "unsupported"},
		{"png magic", append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1}, 600)...), 415, "unsupported"},
		{"playlist", []byte("#EXTM3U\n#EXT-X-VERSION:3\nhttp://169.254.169.254/x.ts\n"), 415, "unsupported"},
		{"truncated mp4", clip[:len(clip)/3], 415, "unsupported"},
		{"ftyp then garbage", append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), bytes.Repeat([]byte{7}, 4000)...), 415, "unsupported"},
		{"over the limit", big, 413, "too_large"},
	}
	for _, c := range cases {
		resp, data := b.upload(t, b.userA, "x.mp4", c.content)
		p := problem(t, resp, data)
		if p.Status != c.status || p.Code != c.code {
			t.Errorf("%s: %d %s, want %d %s (%s)", c.name, p.Status, p.Code, c.status, c.code, p.Detail)
		}
	}
	// Chunked, with no declared length: cut off at the limit while streaming.
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		fw, _ := mw.CreateFormFile("file", "big.mp4")
		for i := 0; i < 64; i++ {
			if _, err := fw.Write(bytes.Repeat([]byte{1}, 16<<10)); err != nil {
				break
			}
		}
		mw.Close()
		pw.Close()
	}()
	resp, data := b.req(t, "POST", "/api/videos", b.userA, pr, "Content-Type", mw.FormDataContentType())
	if p := problem(t, resp, data); p.Status != 413 {
		t.Errorf("chunked oversize: %+v", p)
	}
	resp, data = b.req(t, "POST", "/api/videos", b.userA, strings.NewReader(`{"url":"x"}`), "Content-Type", "application/json")
	if p := problem(t, resp, data); p.Status != 415 {
		t.Errorf("json to upload: %+v", p)
	}
	body, ct := multipartBody(t, "video", "x.mp4", clip[:1000])
	resp, data = b.req(t, "POST", "/api/videos", b.userA, body, "Content-Type", ct)
	if p := problem(t, resp, data); p.Status != 400 || p.Field != "file" {
		t.Errorf("wrong field name: %+v", p)
	}
	if n := b.count(t, `SELECT count(*) FROM videos`); n != 0 {
		t.Errorf("%d video rows after refusals", n)
	}
	if f := b.blobFiles(t); len(f) != 0 {
		t.Errorf("blobs after refusals: %v", f)
	}
}

func TestImportRefusesInternalAddresses(t *testing.T) {
	t.Parallel()
	b := setupPlatform(t, platformOpts{})
	redirect := httptest.NewServer(http.RedirectHandler("http://169.254.169.254/latest/meta-data/", http.StatusFound))
	defer redirect.Close()
	for _, u := range []string{
		"http://127.0.0.1/", "http://127.1/", "http://0x7f000001/", "http://2130706433/", "http://[::ffff:127.0.0.1]/",
		"http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://[::1]/", "http://localhost/",
		"http://100.64.0.1/", "file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO", "ftp://example.com/x",
		redirect.URL,
	} {
		resp, data := b.json(t, "POST", "/api/videos/import", b.userA, `{"url":"`+u+`"}`)
		if p := problem(t, resp, data); p.Status != 400 || p.Field != "url" {
			t.Errorf("%s: %+v", u, p)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM videos`); n != 0 {
		t.Errorf("%d video rows after refused imports", n)
	}
}

func TestImportFromAllowedServer(t *testing.T) {
	t.Parallel()
	b := setupPlatform(t, platformOpts{allowLoopback: true})
	clip := genClip(t, 2)
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/hop":
			http.Redirect(w, r, "/clip.mp4", http.StatusFound)
		case "/to-metadata":
			http.Redirect(w, r, "http://169.254.169.254/", http.StatusFound)
		case "/to-mapped":
			http.Redirect(w, r, "http://[::ffff:127.0.0.1]/clip.mp4", http.StatusFound)
		case "/to-hex":
			http.Redirect(w, r, "http://0x7f000001/clip.mp4", http.StatusFound)
		case "/to-private":
			http.Redirect(w, r, "http://10.0.0.1/clip.mp4", http.StatusFound)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		default:
			w.Header().Set("Content-Type", "video/mp4")
			w.Write(clip)
		}
	}))
	defer src.Close()
	resp, data := b.json(t, "POST", "/api/videos/import", b.userA, `{"url":"`+src.URL+`/hop"}`)
	if resp.StatusCode != 201 || !strings.Contains(string(data), `"source_url":"`+src.URL+`/clip.mp4"`) {
		t.Fatalf("import: %d %s", resp.StatusCode, data)
	}
	for _, p := range []string{"/to-metadata", "/to-mapped", "/to-hex", "/to-private", "/loop"} {
		resp, data := b.json(t, "POST", "/api/videos/import", b.userA, `{"url":"`+src.URL+p+`"}`)
		if pr := problem(t, resp, data); pr.Status != 400 || pr.Field != "url" {
			t.Errorf("redirect %s: %+v", p, pr)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM videos`); n != 1 {
		t.Errorf("%d video rows, want 1", n)
	}
}

func TestLineagePaginationAndLimits(t *testing.T) {
	t.Parallel()
	b := setupPlatform(t, platformOpts{})
	mk := func(parent string) string {
		body := `{"title":"n","visibility":"public"}`
		if parent != "" {
			body = `{"title":"n","visibility":"public","parent_id":"` + parent + `"}`
		}
		resp, data := b.json(t, "POST", "/api/remix", b.userA, body)
		if resp.StatusCode != 201 {
			t.Fatalf("create: %d %s", resp.StatusCode, data)
		}
		var n kmeme.RemixNode
		_ = json.Unmarshal(data, &n)
		return n.ID
	}
	root := mk("")
	var kids []string
	for i := 0; i < 5; i++ {
		kids = append(kids, mk(root))
	}
	deep := mk(kids[0])
	seen := map[string]bool{}
	after := ""
	for pages := 0; pages < 10; pages++ {
		resp, data := b.json(t, "GET", "/api/remix/"+root+"/lineage?direction=descendants&limit=2&after="+after, "", "")
		var l struct {
			Items []kmeme.RemixNode `json:"items"`
			Next  string            `json:"next"`
		}
		_ = json.Unmarshal(data, &l)
		if resp.StatusCode != 200 || len(l.Items) > 2 {
			t.Fatalf("page: %d %s", resp.StatusCode, data)
		}
		for _, n := range l.Items {
			if seen[n.ID] {
				t.Errorf("%s on two pages", n.ID)
			}
			seen[n.ID] = true
		}
		if l.Next == "" {
			break
		}
		after = l.Next
	}
	if len(seen) != 6 || !seen[deep] {
		t.Errorf("descendants over pages: %d nodes", len(seen))
	}
	resp, data := b.json(t, "GET", "/api/trending?days=1", "", "")
	if resp.StatusCode != 200 || !strings.Contains(string(data), `"remixes":6`) {
		t.Errorf("trending: %d %s", resp.StatusCode, data)
	}
	for _, c := range []struct{ path, field string }{
		{"/api/remix/" + root + "/lineage?limit=101", "limit"},
		{"/api/remix/" + root + "/lineage?depth=51", "depth"},
		{"/api/remix/" + root + "/lineage?direction=sideways", "direction"},
		{"/api/remix/" + root + "/lineage?direction=descendants&after=bogus", "after"},
		{"/api/remix/" + root + "/tree?depth=0", "depth"},
		{"/api/remix/" + root + "/similar?k=51", "k"},
		{"/api/search?q=", "q"},
		{"/api/trending?days=91", "days"},
		{"/api/geo/nearby?lat=100&lon=0", "location.lat"},
		{"/api/geo/nearby?lat=1&lon=1&km=501", "km"},
		{"/api/geo/nearby?lon=1", "lat"},
		{"/api/geo/trends?bbox=1,2,3", "bbox"},
		{"/api/geo/trends?bbox=10,10,0,0", "bbox"},
		{"/api/geo/trends?bbox=0,0,10,10&since=yesterday", "since"},
	} {
		resp, data := b.json(t, "GET", c.path, "", "")
		if p := problem(t, resp, data); p.Status != 400 || p.Field != c.field {
			t.Errorf("%s: %+v", c.path, p)
		}
	}
	resp, data = b.json(t, "GET", "/api/geo/trends?bbox=120,30,135,45", "", "")
	if resp.StatusCode != 200 || !strings.Contains(string(data), `"cells":[]`) {
		t.Errorf("geo trends: %d %s", resp.StatusCode, data)
	}
}

func TestDefaultVisibilityIsASetting(t *testing.T) {
	t.Parallel()
	for _, vis := range []kmeme.Visibility{kmeme.VisibilityPublic, kmeme.VisibilityPrivate} {
		b := setupPlatform(t, platformOpts{visibility: vis})
		resp, data := b.json(t, "POST", "/api/remix", b.userA, `{"title":"기본 공개 설정"}`)
		var n kmeme.RemixNode
		if err := json.Unmarshal(data, &n); err != nil || resp.StatusCode != 201 || n.Visibility != vis {
			t.Fatalf("default %s: %d %s", vis, resp.StatusCode, data)
		}
		want := 404
		if vis == kmeme.VisibilityPublic {
			want = 200
		}
		if resp, _ := b.json(t, "GET", "/api/remix/"+n.ID, b.userB, ""); resp.StatusCode != want {
			t.Errorf("default %s: another user reads it with %d, want %d", vis, resp.StatusCode, want)
		}
		resp, data = b.json(t, "POST", "/api/remix", b.userA, `{"title":"직접 고름","visibility":"private"}`)
		if err := json.Unmarshal(data, &n); err != nil || resp.StatusCode != 201 || n.Visibility != kmeme.VisibilityPrivate {
			t.Errorf("explicit private under default %s: %s", vis, data)
		}
	}
}
