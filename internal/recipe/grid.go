// The beat grid the plan snaps to, and its bar labels.

package recipe

import (
	"math"
	"sort"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// grid is the beat grid of an analysis: beat times inside the file, the
// meter and the index of the first downbeat.
type grid struct {
	beats  []float64
	meter  int
	phase  int // index in beats of the first downbeat
	period float64
	// downs are the indices in beats of the analysis downbeats, increasing:
	// bar labels count them, so a bar the analysis found longer or shorter
	// than the meter is labelled as the analysis says.
	downs []int
}

func newGrid(a *kmeme.Analysis) *grid {
	if !a.HasTempo() {
		return nil
	}
	var bs []float64
	for _, b := range a.Beats {
		if b >= 0 && b <= a.DurationS && !math.IsNaN(b) {
			bs = append(bs, b)
		}
	}
	sort.Float64s(bs)
	if len(bs) < 2 {
		return nil
	}
	g := &grid{beats: bs, meter: a.Meter}
	if g.meter != 3 && g.meter != 4 {
		g.meter = 4
	}
	g.period = (bs[len(bs)-1] - bs[0]) / float64(len(bs)-1)
	for _, d := range a.Downbeats {
		if i := g.nearest(d); len(g.downs) == 0 || i > g.downs[len(g.downs)-1] {
			g.downs = append(g.downs, i)
		}
	}
	if len(g.downs) > 0 {
		g.phase = g.downs[0]
	}
	return g
}

// nearest returns the index of the beat closest to t.
func (g *grid) nearest(t float64) int {
	i := sort.SearchFloat64s(g.beats, t)
	if i == len(g.beats) {
		return i - 1
	}
	if i > 0 && t-g.beats[i-1] < g.beats[i]-t {
		return i - 1
	}
	return i
}

// label is the bar.beat position of beat i ("3.1" is the first beat of the
// third bar). Bars are the analysis downbeats: bar k starts at the k-th
// downbeat and its beats count from there. Beats before the first
// downbeat are in bar 0 (a pickup); beats after the last one continue at
// the meter.
func (g *grid) label(i int) string {
	k := sort.SearchInts(g.downs, i+1) - 1 // the last downbeat at or before i
	if k < 0 {
		rel := i - g.phase
		bar := floorDiv(rel, g.meter) + 1
		beat := rel - floorDiv(rel, g.meter)*g.meter + 1
		return itoa(bar) + "." + itoa(beat)
	}
	rel := i - g.downs[k]
	bar, beat := k+1, rel+1
	if k == len(g.downs)-1 { // after the last downbeat: the meter goes on
		bar, beat = k+1+rel/g.meter, rel%g.meter+1
	}
	return itoa(bar) + "." + itoa(beat)
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
