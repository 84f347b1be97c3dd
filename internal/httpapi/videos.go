package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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
)

type importRequest struct {
	URL string `json:"url"`
}

// multipartSlack is what multipart framing may add around the file.
const multipartSlack = 64 << 10

func (s *Server) maxUpload() int64 {
	if s.Content.MaxUploadBytes > 0 {
		return s.Content.MaxUploadBytes
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
	f, err := os.CreateTemp(s.Content.SpoolDir, "kmeme-upload-*")
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
		if err := ready(s.Content.Videos != nil); err != nil {
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
		s.answerIngest(w, r, sp, filename, "")
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
		if err := ready(s.Content.Videos != nil); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		if s.Content.Importer == nil {
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
		res, err := s.Content.Importer.Fetch(ctx, req.URL, sp)
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		s.answerIngest(w, r, sp, cleanFilename(res.Filename), res.FinalURL)
	})
}

// ingest hands a spooled file to the video service, which checks and
// stores it.
// answerIngest stores the spooled upload or import and answers with the
// video: 201 when it is new, 200 when the same bytes were stored before.
func (s *Server) answerIngest(w http.ResponseWriter, r *http.Request, sp *spool, filename, sourceURL string) {
	v, created, err := s.ingest(r.Context(), sp, filename, sourceURL)
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
}

func (s *Server) ingest(ctx context.Context, sp *spool, filename, sourceURL string) (*kmeme.Video, bool, error) {
	var owner *string
	if c := kmeme.CallerFrom(ctx); c != nil {
		id := c.UserID
		owner = &id
	}
	return s.Content.Videos.Ingest(ctx, kmeme.Upload{File: sp.f, Size: sp.size, Hash: sp.hash(),
		Filename: filename, SourceURL: sourceURL, OwnerID: owner})
}

func (s *Server) handleGetVideo() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := ready(s.Content.Videos != nil); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		v, err := s.Content.Videos.GetVideo(r.Context(), r.PathValue("id"))
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
