package render

import (
	"context"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/recipe"
	"github.com/kmeme-factory/kmeme/internal/recipe/recipetest"
)

// BenchmarkWriteAll measures writing every file for a 3-minute plan with
// keyframes (go test -bench WriteAll ./internal/render).
func BenchmarkWriteAll(b *testing.B) {
	a := recipetest.Music(2, 180, 124, 4)
	r, err := recipe.NewLocal().Plan(context.Background(), recipe.PlanInput{Analysis: a})
	if err != nil {
		b.Fatal(err)
	}
	kf := writeKeyframesDir(b, a)
	dir := b.TempDir()
	for b.Loop() {
		if _, err := WriteAll(context.Background(), dir, a, r, kf); err != nil {
			b.Fatal(err)
		}
	}
}
