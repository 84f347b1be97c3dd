package render

import (
	"fmt"
	"math"
	"sort"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// beatMark is one beat of the analysis, named by its bar position.
type beatMark struct {
	t        float64
	name     string // "bar 3" for a downbeat, "3.2" for another beat
	downbeat bool
}

// beatMarks names every beat inside the file by bar and beat. Bars count
// from the first downbeat; beats before it belong to bar 0 (a pickup).
func beatMarks(a *kmeme.Analysis) []beatMark {
	if !a.HasTempo() {
		return nil
	}
	beats := append([]float64(nil), a.Beats...)
	sort.Float64s(beats)
	downs := append([]float64(nil), a.Downbeats...)
	sort.Float64s(downs)
	isDown := func(t float64) bool {
		i := sort.SearchFloat64s(downs, t-0.040)
		return i < len(downs) && math.Abs(downs[i]-t) <= 0.040
	}
	var out []beatMark
	bar, beat := 0, 0
	for _, t := range beats {
		if t < 0 || t > a.DurationS {
			continue
		}
		if isDown(t) {
			bar++
			beat = 1
			out = append(out, beatMark{t: t, name: fmt.Sprintf("bar %d", bar), downbeat: true})
			continue
		}
		beat++
		out = append(out, beatMark{t: t, name: fmt.Sprintf("%d.%d", bar, beat)})
	}
	return out
}
