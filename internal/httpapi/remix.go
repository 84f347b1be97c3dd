package httpapi

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

type createRemixRequest struct {
	Title      string          `json:"title,omitempty"`
	ParentID   *string         `json:"parent_id,omitempty"`
	VideoID    *string         `json:"video_id,omitempty"`
	Location   *kmeme.Location `json:"location,omitempty"`
	Visibility string          `json:"visibility,omitempty"`
}

type nodeBody = kmeme.RemixNode

type nodeList struct {
	Items []*kmeme.RemixNode `json:"items"`
	Next  string             `json:"next"`
}

// FileLink names one downloadable file of a remix.
type FileLink struct {
	Name        string `json:"name"`
	URL         string `json:"url"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
}

// remixView is the recipe view: the node, what was measured, the recipe and its files.
type remixView struct {
	Node     *kmeme.RemixNode `json:"node"`
	Analysis json.RawMessage  `json:"analysis"`
	Recipe   json.RawMessage  `json:"recipe"`
	Files    []FileLink       `json:"files"`
}

func (s *Server) handleCreateRemix() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req createRemixRequest
		if err := decodeJSON(w, r, s.MaxBodyBytes, &req); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		n, err := s.Nodes.CreateNode(r.Context(), kmeme.NewNode{
			Title: strings.TrimSpace(req.Title), ParentID: req.ParentID, VideoID: req.VideoID,
			Location: req.Location, Visibility: kmeme.Visibility(req.Visibility),
		})
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		w.Header().Set("Location", "/api/remix/"+n.ID)
		writeJSON(w, http.StatusCreated, n)
	})
}

func (s *Server) handleGetRemix() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := s.Nodes.GetNode(r.Context(), r.PathValue("id"))
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		view := remixView{Node: n, Recipe: n.Recipe, Files: []FileLink{}}
		n.Recipe = nil
		writeJSON(w, http.StatusOK, view)
	})
}

func (s *Server) handleDeleteRemix() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.Nodes.DeleteNode(r.Context(), r.PathValue("id")); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func (s *Server) handleListChildren() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := pageFrom(r)
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		items, next, err := s.Nodes.ListChildren(r.Context(), r.PathValue("id"), p)
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

// pageFrom reads ?limit= and ?after=.
func pageFrom(r *http.Request) (kmeme.Page, error) {
	q := r.URL.Query()
	p := kmeme.Page{After: q.Get("after")}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100 {
			return p, kmeme.FieldError("limit", "must be a whole number from 1 to 100")
		}
		p.Limit = n
	}
	return p, nil
}

func joinSorted(ss []string) string {
	c := append([]string(nil), ss...)
	sort.Strings(c)
	return strings.Join(c, ", ")
}
