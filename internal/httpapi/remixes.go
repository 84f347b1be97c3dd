package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/recipe"
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

// cachedView is what recipe:{id} holds: the view plus the stored file keys.
type cachedView struct {
	View  remixView    `json:"view"`
	Files []kmeme.File `json:"files"`
}

func (s *Server) handleCreateRemix() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		var req createRemixRequest
		if err := decodeJSON(w, r, s.MaxBodyBytes, &req); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		caller := kmeme.CallerFrom(ctx)
		in := kmeme.NewNode{
			Title: strings.TrimSpace(req.Title), ParentID: req.ParentID, VideoID: req.VideoID,
			Location: req.Location, Visibility: kmeme.Visibility(req.Visibility),
		}
		if caller != nil {
			id := caller.UserID
			in.OwnerID = &id
			if in.Visibility == "" {
				in.Visibility = s.Content.DefaultVisibility
			}
		} else if in.Visibility == "" {
			in.Visibility = kmeme.VisibilityPublic // anonymous remixes could not be read back otherwise
		}
		if err := in.Validate(); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		if in.ParentID != nil {
			p, err := s.Nodes.GetNode(ctx, *in.ParentID)
			if kmeme.ErrorCode(err) == kmeme.EINVALID {
				err = kmeme.FieldError("parent_id", "%s", kmeme.ErrorMessage(err))
			}
			if kmeme.ErrorCode(err) == kmeme.ENOTFOUND || (err == nil && !kmeme.CanRead(caller, p.OwnerID, p.Visibility)) {
				err = kmeme.FieldError("parent_id", "no remix with id %s", *in.ParentID)
			}
			if err != nil {
				writeError(w, r, s.Log, err)
				return
			}
		}
		if s.Content.Remixes == nil {
			// Without platform storage only drafts can be made.
			if in.VideoID != nil {
				writeError(w, r, s.Log, ready(false))
				return
			}
			if err := chargeQuota(ctx); err != nil {
				writeError(w, r, s.Log, err)
				return
			}
			n, err := s.Nodes.CreateNode(ctx, in)
			if err != nil {
				writeError(w, r, s.Log, err)
				return
			}
			w.Header().Set("Location", "/api/remix/"+n.ID)
			writeJSON(w, http.StatusCreated, n)
			return
		}
		status := http.StatusCreated
		if in.VideoID != nil {
			if err := ready(s.Content.Videos != nil); err != nil {
				writeError(w, r, s.Log, err)
				return
			}
			v, err := s.Content.Videos.GetVideo(ctx, *in.VideoID)
			if kmeme.ErrorCode(err) == kmeme.ENOTFOUND || (err == nil && !canChange(caller, v.OwnerID)) {
				err = kmeme.FieldError("video_id", "no video with id %s", *in.VideoID)
			}
			if err != nil {
				writeError(w, r, s.Log, err)
				return
			}
			in.Status = kmeme.StatusQueued
			status = http.StatusAccepted
		}
		scope := "anonymous"
		if caller != nil {
			scope = caller.UserID
		}
		canon, _ := json.Marshal(req)
		sum := sha256.Sum256(canon)
		res, err := s.Content.Remixes.Create(ctx, kmeme.CreateRemix{
			Node: in, IdempotencyKey: r.Header.Get("Idempotency-Key"), Scope: scope, RequestHash: hex.EncodeToString(sum[:]),
			Status: status, Charge: chargeQuota,
		})
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		if res.Replayed {
			var n kmeme.RemixNode
			_ = json.Unmarshal(res.Body, &n)
			w.Header().Set("Idempotent-Replayed", "true")
			w.Header().Set("Location", "/api/remix/"+n.ID)
			writeRaw(w, res.Status, res.Body)
			return
		}
		node := res.Node
		if node.ParentID != nil {
			// Every ancestor's counters changed.
			if ids := pathIDs(node.Path); len(ids) > 1 {
				s.invalidateViews(ctx, ids[:len(ids)-1]...)
			}
		}
		w.Header().Set("Location", "/api/remix/"+node.ID)
		writeRaw(w, res.Status, res.Body)
	})
}

// pathIDs turns an ltree path of hex labels back into UUID strings.
func pathIDs(path string) []string {
	var out []string
	for _, l := range strings.Split(path, ".") {
		if len(l) == 32 {
			out = append(out, l[0:8]+"-"+l[8:12]+"-"+l[12:16]+"-"+l[16:20]+"-"+l[20:32])
		}
	}
	return out
}

func writeRaw(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
	if len(body) == 0 || body[len(body)-1] != '\n' {
		_, _ = w.Write([]byte("\n"))
	}
}

// loadView returns the cached or freshly read view of a node, checking
// that the caller may see it.
//
// A recipe stored in an older published version is served in the current
// one (recipe.Decode).
func (s *Server) loadView(ctx context.Context, id string) (*cachedView, error) {
	if s.Content.Remixes == nil {
		n, err := s.Nodes.GetNode(ctx, id)
		if err != nil {
			return nil, err
		}
		v := &cachedView{View: remixView{Node: n, Recipe: upgradeRecipe(n.Recipe), Files: []FileLink{}}}
		n.Recipe = nil
		return v, s.checkRead(ctx, n)
	}
	if err := kmeme.CheckID("id", id); err != nil {
		return nil, err
	}
	load := func(ctx context.Context) ([]byte, error) {
		nv, err := s.Content.Remixes.View(ctx, id)
		if err != nil {
			return nil, err
		}
		n := nv.Node
		cv := cachedView{View: remixView{Node: n, Analysis: nv.Analysis, Recipe: upgradeRecipe(n.Recipe), Files: []FileLink{}}}
		n.Recipe = nil
		if nv.Files != nil {
			if err := json.Unmarshal(nv.Files, &cv.Files); err != nil {
				return nil, fmt.Errorf("decode files of %s: %w", id, err)
			}
		}
		for _, f := range cv.Files {
			cv.View.Files = append(cv.View.Files, FileLink{Name: f.Name, URL: "/api/remix/" + n.ID + "/files/" + f.Name, Size: f.Size, ContentType: f.ContentType})
		}
		return json.Marshal(cv)
	}
	var (
		b   []byte
		err error
	)
	if s.Content.Views != nil {
		b, err = s.Content.Views.GetOrLoad(ctx, "recipe:"+id, recipeTTL, load)
	} else {
		b, err = load(ctx)
	}
	if err != nil {
		return nil, err
	}
	var cv cachedView
	if err := json.Unmarshal(b, &cv); err != nil {
		return nil, fmt.Errorf("decode view of %s: %w", id, err)
	}
	return &cv, s.checkRead(ctx, cv.View.Node)
}

func (s *Server) checkRead(ctx context.Context, n *kmeme.RemixNode) error {
	if !kmeme.CanRead(kmeme.CallerFrom(ctx), n.OwnerID, n.Visibility) {
		return kmeme.Errorf(kmeme.ENOTFOUND, "not found")
	}
	return nil
}

func (s *Server) handleGetRemix() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cv, err := s.loadView(r.Context(), r.PathValue("id"))
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		writeJSON(w, http.StatusOK, cv.View)
	})
}

func (s *Server) handleDeleteRemix() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		id := r.PathValue("id")
		n, err := s.Nodes.GetNode(ctx, id)
		if err == nil && !canChange(kmeme.CallerFrom(ctx), n.OwnerID) {
			err = kmeme.Errorf(kmeme.ENOTFOUND, "not found")
		}
		if err == nil {
			err = s.Nodes.DeleteNode(ctx, id)
		}
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		s.invalidateViews(ctx, pathIDs(n.Path)...)
		if s.Content.Blobs != nil {
			if err := s.Content.Blobs.DeletePrefix(ctx, "nodes/"+n.ID+"/"); err != nil {
				s.Log.WarnContext(ctx, "delete node files", "node_id", n.ID, "err", err.Error())
			}
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func (s *Server) handleListChildren() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		p, err := pageFrom(r)
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		parent, err := s.Nodes.GetNode(ctx, r.PathValue("id"))
		if err == nil {
			err = s.checkRead(ctx, parent)
		}
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		items, next, err := s.Nodes.ListChildren(ctx, parent.ID, p)
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		caller := kmeme.CallerFrom(ctx)
		visible := []*kmeme.RemixNode{}
		for _, n := range items {
			if kmeme.CanRead(caller, n.OwnerID, n.Visibility) {
				visible = append(visible, n)
			}
		}
		writeJSON(w, http.StatusOK, nodeList{Items: visible, Next: next})
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

func truncateString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// upgradeRecipe returns a stored recipe in the current version
// (recipe.Decode: a v1 recipe gains its format name and its adaptations
// become suggestions). A document Decode does not know is served as it is
// stored: reading never loses it.
func upgradeRecipe(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 || string(raw) == "null" {
		return raw
	}
	r, err := recipe.Decode(raw)
	if err != nil {
		return raw
	}
	b, err := json.Marshal(r)
	if err != nil {
		return raw
	}
	return b
}
