package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime"
	"net/http"
	"os"
	"path"
	"strings"
	"unicode"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/media"
)

type importRequest struct {
	URL string `json:"url"`
}

// multipartSlack is what multipart framing may add around the file.
const multipartSlack = 64 << 10

func (s *Server) maxUpload() int64 {
	if s.Platform.MaxUploadBytes > 0 {
		return s.Platform.MaxUploadBytes
	}
	return 200 << 20
}

// spool is a file being received: written to a temporary file while its
// SHA-256 is computed, so nothing reaches the blob store before it has
// been checked.
type spool struct {
	f    *os.File
	h    hash.Hash
	size int64
}

func (s *Server) newSpool() (*spool, error) {
	f, err := os.CreateTemp(s.Platform.SpoolDir, "kmeme-upload-*")
	if err != nil {
		return nil, fmt.Errorf("spool upload: %w", err)
	}
	return &spool{f: f, h: sha256.New()}, nil
}

func (sp *spool) Write(p []byte) (int, error) {
	n, err := sp.f.Write(p)
	sp.h.Write(p[:n])
	sp.size += int64(n)
	return n, err
}

func (sp *spool) remove() {
	_ = sp.f.Close()
	_ = os.Remove(sp.f.Name())
}

func (sp *spool) hash() string { return hex.EncodeToString(sp.h.Sum(nil)) }

func (s *Server) handleUploadVideo() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if err := s.platformReady(); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		limit := s.maxUpload()
		// Refuse by the declared length before reading a byte.
		if r.ContentLength > limit+multipartSlack {
			w.Header().Set("Connection", "close")
			writeError(w, r, s.Log, kmeme.Errorf(kmeme.ETOOLARGE, "the upload is %d bytes; the limit is %d", r.ContentLength, limit))
			return
		}
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "multipart/form-data" {
			writeError(w, r, s.Log, kmeme.Errorf(kmeme.EUNSUPPORTED, "send the video as multipart/form-data with a field named file"))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit+multipartSlack)
		mr, err := r.MultipartReader()
		if err != nil {
			writeError(w, r, s.Log, kmeme.Errorf(kmeme.EINVALID, "malformed multipart body"))
			return
		}
		var (
			sp       *spool
			filename string
		)
		defer func() {
			if sp != nil {
				sp.remove()
			}
		}()
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				writeError(w, r, s.Log, uploadError(err, limit))
				return
			}
			if part.FormName() != "file" || sp != nil {
				_, err = io.Copy(io.Discard, io.LimitReader(part, 1<<20))
				part.Close()
				if err != nil {
					writeError(w, r, s.Log, uploadError(err, limit))
					return
				}
				continue
			}
			filename = cleanFilename(part.FileName())
			if sp, err = s.newSpool(); err != nil {
				writeError(w, r, s.Log, err)
				return
			}
			n, err := io.Copy(sp, io.LimitReader(part, limit+1))
			part.Close()
			if err != nil {
				writeError(w, r, s.Log, uploadError(err, limit))
				return
			}
			if n > limit {
				writeError(w, r, s.Log, kmeme.Errorf(kmeme.ETOOLARGE, "the file is larger than the limit of %d bytes", limit))
				return
			}
		}
		if sp == nil {
			writeError(w, r, s.Log, kmeme.FieldError("file", "is missing: send the video in a multipart field named file"))
			return
		}
		v, created, err := s.ingest(ctx, sp, filename, "")
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		status := http.StatusOK
		if created {
			status = http.StatusCreated
		}
		w.Header().Set("Location", "/api/videos/"+v.ID)
		writeJSON(w, status, v)
	})
}

func uploadError(err error, limit int64) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return kmeme.Errorf(kmeme.ETOOLARGE, "the upload is larger than the limit of %d bytes", limit)
	}
	return &kmeme.Error{Code: kmeme.EINVALID, Message: "the upload was cut short or is not valid multipart", Err: err}
}

// cleanFilename keeps a display name: the last path element, printable,
// at most 255 bytes. It is never used as a path.
func cleanFilename(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	if name == "." || name == "/" || name == ".." {
		return ""
	}
	name = strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) {
			return -1
		}
		return r
	}, name)
	if len(name) > 255 {
		name = name[:255]
	}
	return name
}

func (s *Server) handleImportVideo() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if err := s.platformReady(); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		if s.Platform.Importer == nil {
			writeError(w, r, s.Log, kmeme.Errorf(kmeme.EUNAVAILABLE, "URL import is not configured"))
			return
		}
		var req importRequest
		if err := decodeJSON(w, r, s.MaxBodyBytes, &req); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		if strings.TrimSpace(req.URL) == "" {
			writeError(w, r, s.Log, kmeme.FieldError("url", "is required"))
			return
		}
		sp, err := s.newSpool()
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		defer sp.remove()
		res, err := s.Platform.Importer.Fetch(ctx, req.URL, sp)
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		v, created, err := s.ingest(ctx, sp, cleanFilename(res.Filename), res.FinalURL)
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		status := http.StatusOK
		if created {
			status = http.StatusCreated
		}
		w.Header().Set("Location", "/api/videos/"+v.ID)
		writeJSON(w, status, v)
	})
}

// sniffVideo accepts the containers short-form videos come in, by their
// magic bytes: ISO BMFF (mp4, mov, m4v, 3gp), Matroska/WebM, AVI, MPEG-TS.
func sniffVideo(head []byte) error {
	switch {
	case len(head) >= 12 && bytes.Equal(head[4:8], []byte("ftyp")):
		return nil
	case len(head) >= 4 && bytes.Equal(head[:4], []byte{0x1A, 0x45, 0xDF, 0xA3}):
		return nil
	case len(head) >= 12 && bytes.Equal(head[:4], []byte("RIFF")) && bytes.Equal(head[8:12], []byte("AVI ")):
		return nil
	case len(head) >= 189 && head[0] == 0x47 && head[188] == 0x47:
		return nil
	}
	return kmeme.Errorf(kmeme.EUNSUPPORTED, "not a video this service accepts (MP4, MOV, WebM, MKV, AVI or MPEG-TS), judging by its first bytes")
}

// ingest checks a spooled file (size, magic bytes, ffprobe), stores it
// under its content hash and records the video row. Nothing is stored
// when a check fails.
func (s *Server) ingest(ctx context.Context, sp *spool, filename, sourceURL string) (*kmeme.Video, bool, error) {
	if sp.size == 0 {
		return nil, false, kmeme.FieldError("file", "is empty (0 bytes)")
	}
	if err := sp.f.Sync(); err != nil {
		return nil, false, fmt.Errorf("spool upload: %w", err)
	}
	head := make([]byte, 512)
	n, _ := sp.f.ReadAt(head, 0)
	if err := sniffVideo(head[:n]); err != nil {
		return nil, false, err
	}
	if bytes.Equal(head[4:8], []byte("ftyp")) {
		if err := checkBoxes(sp.f, sp.size); err != nil {
			return nil, false, err
		}
	}
	info, err := media.Probe(ctx, sp.f.Name(), media.Limits{MaxFileBytes: s.maxUpload()})
	if err != nil {
		return nil, false, err
	}
	if info.Video == nil {
		return nil, false, kmeme.Errorf(kmeme.EUNSUPPORTED, "the file has no video stream")
	}
	hash := sp.hash()
	key := "videos/" + hash[:2] + "/" + hash
	if _, err := sp.f.Seek(0, io.SeekStart); err != nil {
		return nil, false, fmt.Errorf("spool upload: %w", err)
	}
	if _, err := s.Platform.Blobs.Put(ctx, key, sp.f, "video/"+containerOf(info.Format)); err != nil {
		return nil, false, err
	}
	info.Path = "" // a server path is nobody's business
	mediaJSON, _ := json.Marshal(info)
	var owner *string
	if c := kmeme.CallerFrom(ctx); c != nil {
		id := c.UserID
		owner = &id
	}
	v, created, err := s.Platform.Store.InsertVideo(ctx, &kmeme.Video{
		OwnerID: owner, ContentHash: hash, SizeBytes: sp.size, BlobKey: key, Filename: filename, SourceURL: sourceURL,
		DurationS: info.DurationS, Width: info.Video.Width, Height: info.Video.Height, FPS: info.Video.FPS,
		Format: info.Format, Media: mediaJSON,
	})
	return v, created, err
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

func containerOf(format string) string {
	switch {
	case strings.Contains(format, "mp4"), strings.Contains(format, "mov"):
		return "mp4"
	case strings.Contains(format, "webm"), strings.Contains(format, "matroska"):
		return "webm"
	}
	return "octet-stream"
}

func (s *Server) handleGetVideo() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.platformReady(); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		v, err := s.Platform.Store.GetVideo(r.Context(), r.PathValue("id"))
		if err == nil && !canChange(kmeme.CallerFrom(r.Context()), v.OwnerID) {
			err = kmeme.Errorf(kmeme.ENOTFOUND, "not found")
		}
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		writeJSON(w, http.StatusOK, v)
	})
}
