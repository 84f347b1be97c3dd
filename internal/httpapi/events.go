package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// eventData is the JSON of one server-sent progress event.
type eventData struct {
	Stage   string `json:"stage"`
	Percent int    `json:"percent"`
	Status  string `json:"status"`
	Error   string `json:"error,omitempty"`
}

// maxStream bounds one event stream; clients reconnect with Last-Event-ID.
const maxStream = 30 * time.Minute

func (s *Server) handleRemixEvents() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if err := ready(s.Content.Remixes != nil); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		id := r.PathValue("id")
		n, err := s.Nodes.GetNode(ctx, id)
		if err == nil {
			err = s.checkRead(ctx, n)
		}
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		var after int64
		if last := r.Header.Get("Last-Event-ID"); last != "" {
			if v, err := strconv.ParseInt(last, 10, 64); err == nil && v >= 0 {
				after = v
			}
		}
		flusher, _ := w.(http.Flusher)
		rc := http.NewResponseController(w)
		h := w.Header()
		h.Set("Content-Type", "text/event-stream")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Accel-Buffering", "no")
		w.WriteHeader(http.StatusOK)
		ctx, cancel := context.WithTimeout(ctx, maxStream)
		defer cancel()
		var wake <-chan struct{}
		if s.Content.Progress != nil {
			ch, unsub := s.Content.Progress.Subscribe(n.ID)
			defer unsub()
			wake = ch
		}
		poll := s.Content.EventPoll
		if poll <= 0 {
			poll = 2 * time.Second
		}
		ticker := time.NewTicker(poll)
		defer ticker.Stop()
		lastBeat := time.Now()
		send := func(event string, id int64, d eventData) {
			b, _ := json.Marshal(d)
			_ = rc.SetWriteDeadline(time.Now().Add(30 * time.Second))
			if id > 0 {
				fmt.Fprintf(w, "id: %d\n", id)
			}
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b)
			if flusher != nil {
				flusher.Flush()
			}
		}
		if n.Status == kmeme.StatusDraft {
			send("progress", 0, eventData{Stage: "draft", Percent: 0, Status: string(n.Status)})
			return
		}
		for {
			evs, err := s.Content.Remixes.EventsAfter(ctx, n.ID, after, 100)
			if err != nil {
				if ctx.Err() == nil {
					send("error", 0, eventData{Stage: "stream", Status: "error", Error: kmeme.ErrorMessage(err)})
				}
				return
			}
			for _, e := range evs {
				after = e.ID
				d := eventData{Stage: e.Stage, Percent: e.Percent, Status: e.Status, Error: e.Error}
				send("progress", e.ID, d)
				if e.Terminal() {
					send(e.Status, e.ID, d)
					return
				}
			}
			if len(evs) == 100 {
				continue
			}
			if len(evs) == 0 && (n.Status == kmeme.StatusDone || n.Status == kmeme.StatusFailed) {
				// Finished before this stream began and the client has seen
				// the events (Last-Event-ID): say so instead of waiting.
				d := eventData{Stage: string(n.Status), Percent: 100, Status: string(n.Status), Error: n.Error}
				send(string(n.Status), after, d)
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-wake:
			case <-ticker.C:
				if time.Since(lastBeat) > 15*time.Second {
					lastBeat = time.Now()
					fmt.Fprint(w, ": keep-alive\n\n")
					if flusher != nil {
						flusher.Flush()
					}
				}
			}
		}
	})
}
