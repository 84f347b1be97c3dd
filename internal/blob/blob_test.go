package blob

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

func TestCheckKey(t *testing.T) {
	t.Parallel()
	for _, k := range []string{"videos/ab/abcdef", "nodes/0190a4e2-0000-7000-8000-000000000000/files/guide.pdf", "a"} {
		if err := CheckKey(k); err != nil {
			t.Errorf("CheckKey(%q) = %v", k, err)
		}
	}
	for _, k := range []string{"", "/abs", "a//b", "../x", "a/../b", "a/./b", "A/b", "a b", "a\\b", "a/b/", "한글", "a\x00b", strings.Repeat("a", 513)} {
		if err := CheckKey(k); kmeme.ErrorCode(err) != kmeme.EINVALID {
			t.Errorf("CheckKey(%q) = %v, want EINVALID", k, err)
		}
	}
}

func TestLocalStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root := t.TempDir()
	s, err := NewLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.Put(ctx, "nodes/x/files/a.txt", strings.NewReader("hello"), "text/plain")
	if err != nil || n != 5 {
		t.Fatalf("put: %d %v", n, err)
	}
	if _, err := s.Put(ctx, "nodes/x/files/a.txt", strings.NewReader("hello again"), ""); err != nil {
		t.Fatal(err)
	}
	rc, size, err := s.Open(ctx, "nodes/x/files/a.txt")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "hello again" || size != 11 {
		t.Errorf("read %q size %d", b, size)
	}
	// A failed write leaves neither the blob nor a temp file.
	_, err = s.Put(ctx, "nodes/x/files/b.txt", io.MultiReader(strings.NewReader("part"), errReader{}), "")
	if err == nil {
		t.Fatal("put from a failing reader succeeded")
	}
	entries, _ := os.ReadDir(filepath.Join(root, "nodes/x/files"))
	if len(entries) != 1 {
		t.Errorf("files after failed put: %v", entries)
	}
	if _, _, err := s.Open(ctx, "nodes/x/files/b.txt"); kmeme.ErrorCode(err) != kmeme.ENOTFOUND {
		t.Errorf("open missing: %v", err)
	}
	if _, _, err := s.Open(ctx, "nodes/x"); kmeme.ErrorCode(err) != kmeme.ENOTFOUND {
		t.Errorf("open a directory: %v", err)
	}
	if _, err := s.Put(ctx, "../escape", strings.NewReader("x"), ""); kmeme.ErrorCode(err) != kmeme.EINVALID {
		t.Errorf("escape: %v", err)
	}
	if err := s.Delete(ctx, "nodes/x/files/none"); err != nil {
		t.Errorf("delete missing: %v", err)
	}
	_, _ = s.Put(ctx, "nodes/y/k", strings.NewReader("y"), "")
	if err := s.DeletePrefix(ctx, "nodes/x/"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Open(ctx, "nodes/x/files/a.txt"); kmeme.ErrorCode(err) != kmeme.ENOTFOUND {
		t.Errorf("after DeletePrefix: %v", err)
	}
	if _, _, err := s.Open(ctx, "nodes/y/k"); err != nil {
		t.Errorf("DeletePrefix removed a sibling: %v", err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestParseURL(t *testing.T) {
	t.Parallel()
	good := map[string]Location{
		"":                        {Scheme: "file"},
		"file:///var/kmeme":       {Scheme: "file", Dir: "/var/kmeme"},
		"s3://bucket":             {Scheme: "s3", Bucket: "bucket"},
		"s3://bucket/kmeme/prod/": {Scheme: "s3", Bucket: "bucket", Prefix: "kmeme/prod"},
	}
	for in, want := range good {
		got, err := ParseURL(in)
		if err != nil || got != want {
			t.Errorf("ParseURL(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"http://x/y", "s3://", "s3://key:secret@bucket/p", "s3://bucket/Upper", "s3://bucket/a/../b", "file://host/dir", "s3://b/p?x=1"} {
		if _, err := ParseURL(in); err == nil {
			t.Errorf("ParseURL(%q) accepted", in)
		}
	}
	s3 := &S3{prefix: "kmeme/prod"}
	if k := s3.ObjectKey("videos/ab/c"); k != "kmeme/prod/videos/ab/c" {
		t.Errorf("object key %s", k)
	}
}

// TestS3AgainstFake runs the S3 store against an in-process S3-compatible
// server (gofakes3), through the real AWS SDK client and endpoint option.
func TestS3AgainstFake(t *testing.T) {
	backend := s3mem.New()
	faker := gofakes3.New(backend)
	srv := httptest.NewServer(faker.Server())
	defer srv.Close()
	if err := backend.CreateBucket("kmeme"); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	ctx := context.Background()
	loc, err := ParseURL("s3://kmeme/prod")
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewS3(ctx, loc, S3Options{Endpoint: srv.URL, SpoolDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	// A seekable body, and one that is not (spooled first).
	if n, err := s.Put(ctx, "nodes/a/files/guide.pdf", strings.NewReader("%PDF-1.4 hello"), "application/pdf"); err != nil || n != 14 {
		t.Fatalf("put: %d %v", n, err)
	}
	if _, err := s.Put(ctx, "nodes/a/files/b.txt", io.MultiReader(strings.NewReader("not "), strings.NewReader("seekable")), ""); err != nil {
		t.Fatal(err)
	}
	rc, size, err := s.Open(ctx, "nodes/a/files/b.txt")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "not seekable" || size != 12 {
		t.Errorf("read %q %d", b, size)
	}
	if _, err := backend.HeadObject("kmeme", "prod/nodes/a/files/guide.pdf"); err != nil {
		t.Errorf("object not under the prefix: %v", err)
	}
	if _, _, err := s.Open(ctx, "nodes/a/files/none"); kmeme.ErrorCode(err) != kmeme.ENOTFOUND {
		t.Errorf("missing: %v", err)
	}
	if _, err := s.Put(ctx, "../x", strings.NewReader("x"), ""); kmeme.ErrorCode(err) != kmeme.EINVALID {
		t.Errorf("bad key: %v", err)
	}
	_, _ = s.Put(ctx, "nodes/ab/k", strings.NewReader("sibling"), "")
	if err := s.DeletePrefix(ctx, "nodes/a/"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Open(ctx, "nodes/a/files/guide.pdf"); kmeme.ErrorCode(err) != kmeme.ENOTFOUND {
		t.Errorf("after DeletePrefix: %v", err)
	}
	if _, _, err := s.Open(ctx, "nodes/ab/k"); err != nil {
		t.Errorf("DeletePrefix removed nodes/ab: %v", err)
	}
	if err := s.Delete(ctx, "nodes/ab/k"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "nodes/ab/k"); err != nil {
		t.Errorf("delete twice: %v", err)
	}
}

func FuzzCheckKey(f *testing.F) {
	for _, s := range []string{"videos/ab/c", "../x", "a//b", "a/./b", "nodes/x/files/guide.pdf", "/etc/passwd", "a\\..\\b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if CheckKey(key) != nil {
			return
		}
		// An accepted key is a clean relative path that stays under the root.
		if filepath.IsAbs(key) || filepath.Clean(key) != key || key == ".." || strings.HasPrefix(key, "../") || strings.Contains(key, "\\") {
			t.Fatalf("accepted unsafe key %q", key)
		}
		root := "/srv/blobs"
		if p := filepath.Join(root, key); !strings.HasPrefix(p, root+"/") {
			t.Fatalf("key %q escapes to %s", key, p)
		}
	})
}
