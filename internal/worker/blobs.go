package worker

// Blob I/O of the stages: copies between the blob store and scratch.

import (
	"context"
	"fmt"
	"io"
	"os"
)

func (p *Pipeline) download(ctx context.Context, key, dst string) error {
	_, err := p.downloadSize(ctx, key, dst)
	return err
}

func (p *Pipeline) downloadSize(ctx context.Context, key, dst string) (int64, error) {
	rc, _, err := p.cfg.Blobs.Open(ctx, key)
	if err != nil {
		return 0, fmt.Errorf("read blob %s: %w", key, err)
	}
	defer rc.Close()
	f, err := os.Create(dst)
	if err != nil {
		return 0, fmt.Errorf("scratch file: %w", err)
	}
	n, err := io.Copy(f, rc)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("copy blob %s: %w", key, err)
	}
	return n, nil
}

func (p *Pipeline) upload(ctx context.Context, src, key, contentType string) error {
	f, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("upload %s: %w", key, err)
	}
	defer f.Close()
	if _, err := p.cfg.Blobs.Put(ctx, key, f, contentType); err != nil {
		return fmt.Errorf("upload %s: %w", key, err)
	}
	return nil
}
