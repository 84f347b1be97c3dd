package httpapi_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// The landing's cards: only finished public recipes, with their figures and
// names, never a private or unfinished one; a bad limit is a 400.
func TestShowcaseListsOnlyFinishedPublicRecipes(t *testing.T) {
	t.Parallel()
	b := setupPlatform(t, platformOpts{})
	mk := func(title, vis string) string {
		resp, data := b.json(t, "POST", "/api/remix", b.userA, `{"title":"`+title+`","visibility":"`+vis+`"}`)
		var n kmeme.RemixNode
		if err := json.Unmarshal(data, &n); err != nil || resp.StatusCode != 201 {
			t.Fatalf("create %s: %d %s", title, resp.StatusCode, data)
		}
		return n.ID
	}
	pub, priv, draft := mk("공개 완료", "public"), mk("비공개 완료", "private"), mk("공개 작업중", "public")
	recipe := `{"concept":{"title":"월요병 챌린지","hook":"첫 박에 하품","duration_s":12.5},"audio":{"bpm":120.4},
		"shots":[{"n":1},{"n":2},{"n":3}],"shoot_minutes":15,"edit_minutes":20,"difficulty":"easy"}`
	files := `[{"name":"keyframe-001.jpg","key":"k","size":1,"content_type":"image/jpeg"}]`
	for _, id := range []string{pub, priv} {
		if _, err := b.db.Pool.Exec(context.Background(),
			`UPDATE remix_nodes SET status = 'done', recipe = $2::jsonb, files = $3::jsonb WHERE id = $1`, id, recipe, files); err != nil {
			t.Fatal(err)
		}
	}
	_ = draft
	resp, data := b.json(t, "GET", "/api/recipes/public?limit=6", "", "")
	if resp.StatusCode != 200 {
		t.Fatalf("showcase: %d %s", resp.StatusCode, data)
	}
	var body struct {
		Items []struct {
			ID           string   `json:"id"`
			Title        string   `json:"title"`
			Hook         string   `json:"hook"`
			BPM          *float64 `json:"bpm"`
			ShootMinutes *int     `json:"shoot_minutes"`
			Shots        int      `json:"shots"`
			Keyframe     string   `json:"keyframe"`
		} `json:"items"`
	}
	if err := json.Unmarshal(data, &body); err != nil {
		t.Fatal(err)
	}
	if len(body.Items) != 1 || body.Items[0].ID != pub {
		t.Fatalf("showcase lists %s, want only the finished public recipe %s", data, pub)
	}
	it := body.Items[0]
	if it.Title != "월요병 챌린지" || it.Hook != "첫 박에 하품" || it.BPM == nil || *it.BPM != 120.4 ||
		it.ShootMinutes == nil || *it.ShootMinutes != 15 || it.Shots != 3 || it.Keyframe != "/api/remix/"+pub+"/files/keyframe-001.jpg" {
		t.Errorf("card fields: %s", data)
	}
	if resp, data := b.json(t, "GET", "/api/recipes/public?limit=0", "", ""); resp.StatusCode != 400 {
		t.Errorf("limit=0: %d %s", resp.StatusCode, data)
	}
}
