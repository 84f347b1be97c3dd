package recipe

import (
	"context"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/recipe/recipetest"
)

// BenchmarkPlan measures the local planner on a 30 s and a 3 min analysis
// (go test -bench Plan ./internal/recipe).
func BenchmarkPlan(b *testing.B) {
	for _, c := range []struct {
		name string
		a    *kmeme.Analysis
	}{{"30s", recipetest.Music(1, 30, 124, 4)}, {"3min", recipetest.Music(2, 180, 124, 4)}, {"speech3min", recipetest.Speech(3, 180)}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := NewLocal().Plan(context.Background(), PlanInput{Analysis: c.a}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
