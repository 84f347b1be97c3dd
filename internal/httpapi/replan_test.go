package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// TestReplanWithRunnerUp: a finished remix is planned again with its
// runner-up format through POST /api/remix/{id}/replan: 202, then the
// recipe has that format (and the first winner as the new runner-up) and
// the files are rendered again. A bad format is a 400 naming the field,
// another user's remix is a 404, and a refused re-plan loses nothing.
func TestReplanWithRunnerUp(t *testing.T) {
	t.Parallel()
	b := setupPlatform(t, platformOpts{workers: 1})
	resp, data := b.upload(t, b.userA, "replan.mp4", genClip(t, 3))
	if resp.StatusCode != 201 {
		t.Fatalf("upload: %d %s", resp.StatusCode, data)
	}
	var video struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(data, &video)
	resp, data = b.json(t, "POST", "/api/remix", b.userA, `{"video_id":"`+video.ID+`","title":"다시 계획"}`, "Idempotency-Key", uuid.NewString())
	if resp.StatusCode != 202 {
		t.Fatalf("create: %d %s", resp.StatusCode, data)
	}
	var n kmeme.RemixNode
	_ = json.Unmarshal(data, &n)
	if evs := b.follow(t, n.ID, b.userA); evs[len(evs)-1].Event != "done" {
		t.Fatalf("first run: %v", evs)
	}
	view := func() viewBody {
		t.Helper()
		resp, data := b.json(t, "GET", "/api/remix/"+n.ID, b.userA, "")
		var v viewBody
		if resp.StatusCode != 200 || json.Unmarshal(data, &v) != nil {
			t.Fatalf("view: %d %s", resp.StatusCode, data)
		}
		return v
	}
	first := view()
	if first.Recipe == nil || first.Recipe.Concept.RunnerUp == nil {
		t.Fatalf("first recipe has no runner-up: %+v", first.Recipe)
	}
	winner, runner := first.Recipe.Concept.Format, first.Recipe.Concept.RunnerUp.Format

	for _, c := range []struct {
		user, body string
		status     int
		want       string
	}{
		{b.userA, `{"format":"interpretive-dance"}`, 400, `"field":"format"`},
		{b.userA, `{"format":`, 400, ""},
		{b.userB, `{"format":"` + runner + `"}`, 404, ""},
	} {
		resp, data := b.json(t, "POST", "/api/remix/"+n.ID+"/replan", c.user, c.body)
		if resp.StatusCode != c.status || !strings.Contains(string(data), c.want) {
			t.Errorf("replan %s as %s: %d %s", c.body, c.user, resp.StatusCode, data)
		}
	}
	if v := view(); v.Recipe == nil || v.Recipe.Concept.Format != winner || v.Node.Status != kmeme.StatusDone {
		t.Fatalf("a refused re-plan changed the remix: %+v", v.Node)
	}

	resp, data = b.json(t, "POST", "/api/remix/"+n.ID+"/replan", b.userA, `{"format":"`+runner+`"}`)
	if resp.StatusCode != 202 {
		t.Fatalf("replan: %d %s", resp.StatusCode, data)
	}
	var queued kmeme.RemixNode
	_ = json.Unmarshal(data, &queued)
	if queued.Status == kmeme.StatusDone {
		t.Errorf("re-planned node answered as %s", queued.Status)
	}
	if resp, _ := b.json(t, "POST", "/api/remix/"+n.ID+"/replan", b.userA, `{"format":"`+winner+`"}`); resp.StatusCode != 409 && resp.StatusCode != 202 {
		t.Errorf("second re-plan while the first runs: %d", resp.StatusCode)
	}
	deadline := time.Now().Add(2 * time.Minute)
	var v viewBody
	for {
		v = view()
		if v.Node.Status == kmeme.StatusDone && v.Recipe != nil && v.Recipe.Concept.Format != winner {
			break
		}
		if v.Node.Status == kmeme.StatusFailed || time.Now().After(deadline) {
			t.Fatalf("re-plan did not finish: %+v", v.Node)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if v.Recipe.Concept.Format != runner || v.Recipe.Concept.RunnerUp == nil || v.Recipe.Concept.RunnerUp.Format != winner {
		t.Errorf("re-planned format %s (runner-up %+v), want %s with %s as runner-up", v.Recipe.Concept.Format, v.Recipe.Concept.RunnerUp, runner, winner)
	}
	files := map[string]bool{}
	for _, f := range v.Files {
		files[f.Name] = true
	}
	for _, s := range v.Recipe.Shots {
		if s.SourceKeyframe != "" && !files[s.SourceKeyframe] {
			t.Errorf("shot %d names %s, not among the files", s.N, s.SourceKeyframe)
		}
	}
	if !files["recipe.json"] || !files["guide.pdf"] {
		t.Errorf("files after the re-plan: %v", files)
	}
}
