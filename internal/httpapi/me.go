package httpapi

import (
	"net/http"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/quota"
)

type meBody struct {
	User  kmeme.User    `json:"user"`
	Quota *quota.Status `json:"quota,omitempty"`
}

func (s *Server) handleMe() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := kmeme.CallerFrom(r.Context())
		u, err := s.Access.Users.ByID(r.Context(), c.UserID)
		if err != nil {
			if kmeme.ErrorCode(err) == kmeme.ENOTFOUND {
				err = kmeme.Errorf(kmeme.EUNAUTHORIZED, "the account no longer exists")
			}
			writeError(w, r, s.Log, err)
			return
		}
		body := meBody{User: u.User}
		if s.Access.Quota != nil {
			if st, err := s.Access.Quota.Status(r.Context(), c.UserID); err == nil {
				body.Quota = &st
			} else {
				s.Log.WarnContext(r.Context(), "quota status failed", "err", err.Error())
			}
		}
		writeJSON(w, http.StatusOK, body)
	})
}

func (s *Server) handleExport() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := kmeme.CallerFrom(r.Context())
		doc, err := s.Access.Privacy.Export(r.Context(), c.UserID)
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		w.Header().Set("Content-Disposition", `attachment; filename="kmeme-export.json"`)
		writeJSON(w, http.StatusOK, doc)
	})
}

func (s *Server) handleErase() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := kmeme.CallerFrom(r.Context())
		if err := s.Access.Privacy.Erase(r.Context(), c.UserID); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		s.clearCookies(w)
		w.WriteHeader(http.StatusNoContent)
	})
}

func (s *Server) handleMyRemixes() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := kmeme.CallerFrom(r.Context())
		if c == nil {
			writeError(w, r, s.Log, kmeme.Errorf(kmeme.EUNAUTHORIZED, "sign in first"))
			return
		}
		p, err := pageFrom(r)
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		items, next, err := s.Nodes.ListOwned(r.Context(), c.UserID, p)
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		if items == nil {
			items = []*kmeme.RemixNode{}
		}
		writeJSON(w, http.StatusOK, nodeList{Items: items, Next: next})
	})
}
