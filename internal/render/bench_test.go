package render

import (
	"context"
	"fmt"
	"testing"
	"time"

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

// BenchmarkRenderAll is make bench-render: every file of a 20 s and a 60 s
// music recipe (128 BPM, keyframes, a source with sound) including the
// animatic and the bundle, timed per part. The figure that matters is
// preview-x-clip: the animatic's render time over the clip's length
// (under 1 is faster than real time).
func BenchmarkRenderAll(b *testing.B) {
	for _, dur := range []float64{20, 60} {
		b.Run(fmt.Sprintf("%.0fs", dur), func(b *testing.B) {
			a := recipetest.Music(3, dur, 128, 4)
			r, err := recipe.NewLocal().Plan(context.Background(), recipe.PlanInput{Analysis: a})
			if err != nil {
				b.Fatal(err)
			}
			kf := writeKeyframesDir(b, a)
			src := makeSource(b, a)
			dir := b.TempDir()
			var files, preview, bundle time.Duration
			for b.Loop() {
				var t0, tPreview, tBundle time.Time
				t0 = time.Now()
				_, err := WriteAllWith(context.Background(), dir, a, r, Options{KeyframeDir: kf, SourcePath: src, Preview: true, Bundle: true,
					Progress: func(stage string, _ float64) {
						switch {
						case stage == FilePreview && tPreview.IsZero():
							tPreview = time.Now()
						case stage == FileBundle && tBundle.IsZero():
							tBundle = time.Now()
						}
					}})
				if err != nil {
					b.Fatal(err)
				}
				end := time.Now()
				files += tPreview.Sub(t0)
				preview += tBundle.Sub(tPreview)
				bundle += end.Sub(tBundle)
			}
			n := float64(b.N)
			b.ReportMetric(files.Seconds()/n, "files-s")
			b.ReportMetric(preview.Seconds()/n, "preview-s")
			b.ReportMetric(bundle.Seconds()/n, "bundle-s")
			b.ReportMetric(preview.Seconds()/n/dur, "preview-x-clip")
			b.ReportMetric(float64(len(r.Shots)), "shots")
		})
	}
}
