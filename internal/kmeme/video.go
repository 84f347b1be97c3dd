package kmeme

import (
	"context"
	"encoding/json"
	"os"
	"time"
)

// Video is an uploaded or imported source file. The same content uploaded
// twice by one owner is one row; the blob is content-addressed, so the
// same bytes from different owners share one stored file.
type Video struct {
	ID          string          `json:"id"`
	OwnerID     *string         `json:"owner_id"`
	ContentHash string          `json:"content_hash"`
	SizeBytes   int64           `json:"size_bytes"`
	BlobKey     string          `json:"-"`
	Filename    string          `json:"filename"`
	SourceURL   string          `json:"source_url,omitempty"`
	DurationS   float64         `json:"duration_s"`
	Width       int             `json:"width"`
	Height      int             `json:"height"`
	FPS         float64         `json:"fps"`
	Format      string          `json:"format"`
	Media       json.RawMessage `json:"media,omitempty"`
	CreatedAt   time.Time       `json:"created_at"`
}

// Upload is a received file waiting to be checked and stored: spooled to
// a local file while its SHA-256 was computed, so nothing reaches the blob
// store before the checks pass.
type Upload struct {
	File      *os.File
	Size      int64
	Hash      string // SHA-256 of the content, hex
	Filename  string // display name, never a path
	SourceURL string // where an import came from ("" for an upload)
	OwnerID   *string
}

// VideoService ingests and reads source videos.
type VideoService interface {
	// Ingest checks an upload (size, container, probe), stores it under its
	// content hash and records it; it reports whether the video is new (the
	// owner's same content answers the existing row). Nothing is stored
	// when a check fails.
	Ingest(ctx context.Context, u Upload) (*Video, bool, error)
	// GetVideo returns the video or ENOTFOUND.
	GetVideo(ctx context.Context, id string) (*Video, error)
}

// File is one rendered (or source) file of a remix, as stored with the node.
type File struct {
	Name        string `json:"name"`
	Key         string `json:"key"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
}
