// Package blob keeps files by key: a local directory by default
// (KMEME_DATA_DIR/blobs) and S3-compatible storage when KMEME_BLOB_URL is
// s3://bucket/prefix. Keys are validated the same way for both so that a
// key accepted locally is accepted by S3 and can never escape its root.
package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// MaxKeyLen is the longest key accepted.
const MaxKeyLen = 512

// CheckKey accepts slash-separated keys of lowercase letters, digits, '.',
// '_' and '-', with no empty, "." or ".." segment and no leading slash.
// Keys are made by the server, never by clients, so a bad key is a bug:
// it is refused loudly instead of being cleaned.
func CheckKey(key string) error {
	if key == "" || len(key) > MaxKeyLen {
		return kmeme.Errorf(kmeme.EINVALID, "blob key must be 1 to %d bytes", MaxKeyLen)
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return kmeme.Errorf(kmeme.EINVALID, "blob key %q has an empty or relative segment", key)
		}
		for _, r := range seg {
			ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
			if !ok {
				return kmeme.Errorf(kmeme.EINVALID, "blob key %q has a character outside [a-z0-9._-]", key)
			}
		}
	}
	return nil
}

// checkPrefix accepts a key prefix: a key, optionally ending with "/".
func checkPrefix(prefix string) error {
	return CheckKey(strings.TrimSuffix(prefix, "/"))
}

// Local stores blobs as files under a root directory. Writes go to a
// temporary file in the same directory and are renamed into place, so a
// reader never sees half a file and a crash leaves no partial blob.
type Local struct {
	root string
}

var _ kmeme.BlobStore = (*Local)(nil)

// NewLocal returns a store rooted at dir, creating it if needed.
func NewLocal(dir string) (*Local, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("blob root %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o750); err != nil {
		return nil, fmt.Errorf("create blob root %s: %w", abs, err)
	}
	return &Local{root: abs}, nil
}

// Root returns the directory blobs live in.
func (l *Local) Root() string { return l.root }

func (l *Local) path(key string) string { return filepath.Join(l.root, filepath.FromSlash(key)) }

// Put stores r under key, replacing any earlier content atomically.
func (l *Local) Put(ctx context.Context, key string, r io.Reader, _ string) (int64, error) {
	if err := CheckKey(key); err != nil {
		return 0, err
	}
	p := l.path(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return 0, fmt.Errorf("put %s: %w", key, err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return 0, fmt.Errorf("put %s: %w", key, err)
	}
	tmp := f.Name()
	n, err := io.Copy(f, ctxReader{ctx, r})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, p)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return 0, fmt.Errorf("put %s: %w", key, err)
	}
	return n, nil
}

// Open returns the blob's content and size, or ENOTFOUND.
func (l *Local) Open(_ context.Context, key string) (io.ReadCloser, int64, error) {
	if err := CheckKey(key); err != nil {
		return nil, 0, err
	}
	f, err := os.Open(l.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, &kmeme.Error{Code: kmeme.ENOTFOUND, Message: "no such file", Err: err}
	}
	if err != nil {
		return nil, 0, fmt.Errorf("open blob %s: %w", key, err)
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, 0, &kmeme.Error{Code: kmeme.ENOTFOUND, Message: "no such file", Err: err}
	}
	return f, st.Size(), nil
}

// Delete removes key; a missing key is not an error.
func (l *Local) Delete(_ context.Context, key string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	if err := os.Remove(l.path(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete blob %s: %w", key, err)
	}
	return nil
}

// DeletePrefix removes every key under prefix ("nodes/abc/" removes that
// directory; "nodes/ab" removes keys whose last segment starts with "ab").
func (l *Local) DeletePrefix(_ context.Context, prefix string) error {
	if err := checkPrefix(prefix); err != nil {
		return err
	}
	if strings.HasSuffix(prefix, "/") {
		if err := os.RemoveAll(l.path(strings.TrimSuffix(prefix, "/"))); err != nil {
			return fmt.Errorf("delete blobs under %s: %w", prefix, err)
		}
		return nil
	}
	dir, base := filepath.Split(l.path(prefix))
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("delete blobs under %s: %w", prefix, err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), base) {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("delete blobs under %s: %w", prefix, err)
			}
		}
	}
	return nil
}

// ctxReader stops a copy when the context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Location is a parsed KMEME_BLOB_URL.
type Location struct {
	Scheme string // "file" or "s3"
	Bucket string // s3 only
	Prefix string // s3 key prefix without leading or trailing slash
	Dir    string // file only
}

// ParseURL reads KMEME_BLOB_URL: "" or file:///abs/dir for the local
// directory, s3://bucket/optional/prefix for S3-compatible storage.
func ParseURL(raw string) (Location, error) {
	if raw == "" {
		return Location{Scheme: "file"}, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Location{}, fmt.Errorf("KMEME_BLOB_URL: %w", err)
	}
	switch u.Scheme {
	case "file":
		if u.Host != "" && u.Host != "localhost" {
			return Location{}, fmt.Errorf("KMEME_BLOB_URL: file URLs must have no host, got %q", u.Host)
		}
		return Location{Scheme: "file", Dir: u.Path}, nil
	case "s3":
		if u.Host == "" {
			return Location{}, errors.New("KMEME_BLOB_URL: s3 URL needs a bucket: s3://bucket/prefix")
		}
		if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return Location{}, errors.New("KMEME_BLOB_URL: s3 URL takes no credentials, query or fragment (credentials come from the AWS SDK's chain)")
		}
		prefix := strings.Trim(u.Path, "/")
		if prefix != "" {
			if err := CheckKey(prefix); err != nil {
				return Location{}, fmt.Errorf("KMEME_BLOB_URL: prefix: %w", err)
			}
		}
		return Location{Scheme: "s3", Bucket: u.Host, Prefix: prefix}, nil
	}
	return Location{}, fmt.Errorf("KMEME_BLOB_URL: scheme must be file or s3, got %q", u.Scheme)
}
