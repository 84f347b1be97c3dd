package httpapi_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// TestGetRemixUpgradesV1Recipe: a version-1 recipe stored before v2 is
// served as v2 (format name, adaptations as suggestions); the stored row
// is left as it was.
func TestGetRemixUpgradesV1Recipe(t *testing.T) {
	t.Parallel()
	b := setup(t)
	resp, data := b.do(t, "POST", "/api/remix", `{"title":"옛 레시피"}`)
	if resp.StatusCode != 201 {
		t.Fatalf("create: %d %s", resp.StatusCode, data)
	}
	var n kmeme.RemixNode
	_ = json.Unmarshal(data, &n)
	v1, err := os.ReadFile("../recipe/testdata/v1/music-128bpm.recipe.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.Pool.Exec(context.Background(), `UPDATE remix_nodes SET recipe = $1 WHERE id = $2`, v1, n.ID); err != nil {
		t.Fatal(err)
	}
	resp, data = b.do(t, "GET", "/api/remix/"+n.ID, "")
	if resp.StatusCode != 200 {
		t.Fatalf("get: %d %s", resp.StatusCode, data)
	}
	var view struct {
		Recipe kmeme.Recipe `json:"recipe"`
	}
	if err := json.Unmarshal(data, &view); err != nil {
		t.Fatal(err)
	}
	if view.Recipe.Version != kmeme.RecipeVersion || view.Recipe.Concept.FormatName == "" {
		t.Errorf("served recipe version %q, format name %q", view.Recipe.Version, view.Recipe.Concept.FormatName)
	}
	for i, ad := range view.Recipe.Adaptations {
		if ad.Evidence == nil && !ad.Suggestion {
			t.Errorf("adaptation %d has no evidence and is not a suggestion", i)
		}
	}
	var stored string
	if err := b.db.Pool.QueryRow(context.Background(), `SELECT recipe->>'version' FROM remix_nodes WHERE id = $1`, n.ID).Scan(&stored); err != nil || stored != "1" {
		t.Errorf("stored version %q, %v", stored, err)
	}
}
