// Package ingest checks a received video before anything is stored: its
// size, its container by magic bytes, the integrity of an ISO BMFF file's
// top-level boxes, and ffprobe's reading of its streams. The video service
// (postgres.VideoService) runs it before the blob store and the database
// see the file.
package ingest

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/media"
)

// Checked is what the checks learned about an upload.
type Checked struct {
	Info *media.Info
	// ContentType is the media type the stored copy is served under.
	ContentType string
}

// Check accepts u or says why not (EINVALID, EUNSUPPORTED, ETOOLARGE);
// tools' ffprobe reads it, maxBytes bounds what it is asked to read.
func Check(ctx context.Context, tools media.Tools, u kmeme.Upload, maxBytes int64) (*Checked, error) {
	if u.Size == 0 {
		return nil, kmeme.FieldError("file", "is empty (0 bytes)")
	}
	if err := u.File.Sync(); err != nil {
		return nil, fmt.Errorf("spool upload: %w", err)
	}
	head := make([]byte, 512)
	n, _ := u.File.ReadAt(head, 0)
	container, err := sniffVideo(head[:n])
	if err != nil {
		return nil, err
	}
	if container.Name == "mp4" || container.Name == "mov" { // ISO BMFF
		if err := checkBoxes(u.File, u.Size); err != nil {
			return nil, err
		}
	}
	info, err := tools.Probe(ctx, u.File.Name(), media.Limits{MaxFileBytes: maxBytes})
	if err != nil {
		return nil, err
	}
	if info.Video == nil {
		return nil, kmeme.Errorf(kmeme.EUNSUPPORTED, "the file has no video stream")
	}
	return &Checked{Info: info, ContentType: container.MIME}, nil
}

// sniffVideo accepts the containers short-form videos come in, by their
// magic bytes (media.SniffContainer): MP4, MOV, WebM, MKV, AVI, MPEG-TS.
func sniffVideo(head []byte) (media.Container, error) {
	if c, ok := media.SniffContainer(head); ok {
		return c, nil
	}
	return media.Container{}, kmeme.Errorf(kmeme.EUNSUPPORTED, "not a video this service accepts (MP4, MOV, WebM, MKV, AVI or MPEG-TS), judging by its first bytes")
}

// checkBoxes walks the top-level boxes of an ISO BMFF file (MP4, MOV):
// a box running past the end of the file means the upload was truncated,
// which players and ffprobe often do not notice until playback fails.
func checkBoxes(r io.ReaderAt, size int64) error {
	var off int64
	hdr := make([]byte, 16)
	for boxes := 0; off < size; boxes++ {
		if boxes > 10000 {
			return kmeme.Errorf(kmeme.EUNSUPPORTED, "the file has too many top-level boxes")
		}
		if size-off < 8 {
			return kmeme.Errorf(kmeme.EUNSUPPORTED, "the file is truncated (a partial box header at byte %d)", off)
		}
		if _, err := r.ReadAt(hdr[:8], off); err != nil {
			return kmeme.Errorf(kmeme.EUNSUPPORTED, "the file could not be read")
		}
		n := int64(binary.BigEndian.Uint32(hdr[:4]))
		hl := int64(8)
		switch n {
		case 0: // runs to the end of the file
			return nil
		case 1:
			if _, err := r.ReadAt(hdr[8:16], off+8); err != nil {
				return kmeme.Errorf(kmeme.EUNSUPPORTED, "the file is truncated (a partial box header at byte %d)", off)
			}
			n = int64(binary.BigEndian.Uint64(hdr[8:16]))
			hl = 16
		}
		if n < hl || n > size-off {
			return kmeme.Errorf(kmeme.EUNSUPPORTED, "the file is truncated or corrupt: box %q at byte %d claims %d bytes, %d remain", hdr[4:8], off, n, size-off)
		}
		off += n
	}
	return nil
}
