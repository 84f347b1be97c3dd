package httpapi

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/render"
)

func (s *Server) handleRemixFile() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if err := ready(s.Content.Remixes != nil && s.Content.Blobs != nil); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		cv, err := s.loadView(ctx, r.PathValue("id"))
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		name := r.PathValue("name")
		var file *kmeme.File
		for i := range cv.Files {
			if cv.Files[i].Name == name {
				file = &cv.Files[i]
			}
		}
		if file == nil {
			writeError(w, r, s.Log, kmeme.Errorf(kmeme.ENOTFOUND, "this remix has no file %q", truncateString(name, 64)))
			return
		}
		rc, size, err := s.Content.Blobs.Open(ctx, file.Key)
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		defer rc.Close()
		h := w.Header()
		h.Set("Content-Type", file.ContentType)
		h.Set("Content-Length", strconv.FormatInt(size, 10))
		h.Set("Cache-Control", "private, max-age=300")
		download := name
		if name == render.FileBundle {
			// One download per remix, so a creator's Downloads folder keeps them apart.
			id := r.PathValue("id") // a UUID, checked by loadView
			download = "kmeme-" + id[:min(8, len(id))] + ".zip"
		}
		h.Set("Content-Disposition", `attachment; filename="`+download+`"`)
		if strings.HasPrefix(file.ContentType, "image/") || file.ContentType == "application/pdf" {
			h.Set("Content-Disposition", `inline; filename="`+name+`"`)
		}
		if rs, ok := rc.(io.ReadSeeker); ok && strings.HasPrefix(file.ContentType, "video/") {
			// Players seek with Range requests.
			h.Set("Content-Disposition", `inline; filename="`+name+`"`)
			h.Del("Content-Length")
			http.ServeContent(w, r, name, time.Time{}, rs)
			return
		}
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			_, _ = io.Copy(w, rc)
		}
	})
}
