package recipe

import (
	"math"
	"sort"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// span is one planned shot's time range and the section it falls in.
type span struct {
	start, end float64
	section    kmeme.SectionLabel
}

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

// sections returns the analysis sections, or a synthetic layout (intro,
// build, drop around the loudest point, outro) when there are none.
func sections(a *kmeme.Analysis) []kmeme.Section {
	var out []kmeme.Section
	for _, s := range a.Sections {
		if s.End > s.Start && s.Start < a.DurationS {
			out = append(out, s)
		}
	}
	if len(out) > 0 {
		sort.SliceStable(out, func(i, j int) bool { return out[i].Start < out[j].Start })
		return out
	}
	d := a.DurationS
	if !a.HasTempo() {
		return []kmeme.Section{{Label: kmeme.SectionSpeech, Start: 0, End: d}}
	}
	drop := a.Energy.PeakT
	if drop <= d*0.2 || drop >= d*0.85 {
		drop = d * 0.45
	}
	return []kmeme.Section{
		{Label: kmeme.SectionIntro, Start: 0, End: d * 0.15},
		{Label: kmeme.SectionBuild, Start: d * 0.15, End: drop},
		{Label: kmeme.SectionDrop, Start: drop, End: math.Min(d, drop+d*0.35)},
		{Label: kmeme.SectionOutro, Start: math.Min(d, drop+d*0.35), End: d},
	}
}

// sectionAt returns the label of the section holding t.
func sectionAt(secs []kmeme.Section, t float64) kmeme.SectionLabel {
	for _, s := range secs {
		if t >= s.Start && t < s.End {
			return s.Label
		}
	}
	if len(secs) > 0 {
		return secs[len(secs)-1].Label
	}
	return kmeme.SectionBuild
}

// pace is how long a shot lasts in a section relative to the base length:
// the drop cuts twice as fast, breaks breathe.
func pace(l kmeme.SectionLabel) float64 {
	switch l {
	case kmeme.SectionDrop:
		return 0.5
	case kmeme.SectionBreak:
		return 1.5
	}
	return 1
}

// maxShots bounds a plan so a creator can shoot it in an afternoon.
const maxShots = 36

// beatSpans cuts the video on the beat grid: every interior boundary is a
// beat of the analysis; the first shot starts at 0 and the last ends at the
// end of the file.
func beatSpans(a *kmeme.Analysis, g *grid, secs []kmeme.Section, r *rng) []span {
	d := a.DurationS
	// Base shot length in beats: the smallest power of two that lasts at
	// least 1.5 s and keeps the plan under maxShots.
	base := 2
	for float64(base)*g.period < 1.5 {
		base *= 2
	}
	count := func(b int) float64 {
		n := 0.0
		for _, s := range secs {
			n += (s.End - s.Start) / (g.period * math.Max(1, float64(b)*pace(s.Label)))
		}
		return n
	}
	for count(base) > maxShots && base < 1<<10 {
		base *= 2
	}
	accelerate := r.intn(2) == 0 // builds double their cut rate in their second half
	cuts := map[int]bool{}
	for _, s := range secs {
		i0, i1 := g.nearest(s.Start), g.nearest(s.End)
		if s.End >= d {
			i1 = len(g.beats)
		}
		step := int(math.Max(1, math.Round(float64(base)*pace(s.Label))))
		half := i0 + (i1-i0)/2
		for i := i0; i < i1; {
			cuts[i] = true
			st := step
			if accelerate && s.Label == kmeme.SectionBuild && i >= half && step >= 4 {
				st = step / 2
			}
			i += st
		}
	}
	idx := make([]int, 0, len(cuts))
	for i := range cuts {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	minGap := math.Max(0.35, g.period*0.9)
	bounds := []float64{0}
	// The hook shot gets at least a second (unless the clip is tiny), so a
	// pickup beat does not become a flash of a shot.
	firstMin := minGap
	if d >= 4 {
		firstMin = math.Max(minGap, 1.0)
	}
	for _, i := range idx {
		t := g.beats[i]
		gap := minGap
		if len(bounds) == 1 {
			gap = firstMin
		}
		if t-bounds[len(bounds)-1] < gap || d-t < minGap {
			continue
		}
		bounds = append(bounds, t)
	}
	// A last shot shorter than one beat is folded into the one before.
	if len(bounds) > 1 && d-bounds[len(bounds)-1] < g.period {
		bounds = bounds[:len(bounds)-1]
	}
	bounds = append(bounds, d)
	return toSpans(bounds, secs)
}

// speechSpans cuts a video with no steady beat on speech pauses and source
// shot changes, aiming at shots of about 2.5 s (longer for long videos).
func speechSpans(a *kmeme.Analysis, secs []kmeme.Section) []span {
	d := a.DurationS
	target := math.Max(2.5, d/maxShots)
	minLen := math.Min(1.0, d/3)
	maxLen := target * 2
	type cand struct {
		t     float64
		pause bool
	}
	var cs []cand
	for _, p := range a.Pauses {
		if p.End > p.Start {
			cs = append(cs, cand{(p.Start + p.End) / 2, true})
		}
	}
	if len(a.Pauses) == 0 {
		for _, t := range derivedPauses(a) {
			cs = append(cs, cand{t, true})
		}
	}
	for _, c := range a.Cuts {
		cs = append(cs, cand{c.T, false})
	}
	for _, s := range a.Shots {
		cs = append(cs, cand{s.Start, false})
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].t < cs[j].t })
	bounds := []float64{0}
	t := 0.0
	for d-t > maxLen {
		best, bestScore := -1.0, math.Inf(1)
		for _, c := range cs {
			if c.t < t+minLen || c.t > t+maxLen || d-c.t < minLen {
				continue
			}
			score := math.Abs(c.t - (t + target))
			if c.pause {
				score -= 0.5 // a pause is where a speaker breathes: the best cut
			}
			if score < bestScore {
				best, bestScore = c.t, score
			}
		}
		if best < 0 {
			best = t + target
		}
		bounds = append(bounds, best)
		t = best
	}
	if len(bounds) > 1 && d-bounds[len(bounds)-1] < minLen {
		bounds = bounds[:len(bounds)-1]
	}
	bounds = append(bounds, d)
	return toSpans(bounds, secs)
}

// derivedPauses finds breaths when the analysis lists no pauses: dips of
// the loudness curve well below its median, and gaps of at least 0.3 s
// between onsets.
func derivedPauses(a *kmeme.Analysis) []float64 {
	var out []float64
	vs, hop := a.Energy.Values, a.Energy.HopS
	if len(vs) >= 3 && hop > 0 {
		sorted := append([]float64(nil), vs...)
		sort.Float64s(sorted)
		median := sorted[len(sorted)/2]
		for i := 1; i+1 < len(vs); i++ {
			if vs[i] < 0.7*median && vs[i] <= vs[i-1] && vs[i] <= vs[i+1] {
				out = append(out, round3((float64(i)+0.5)*hop))
			}
		}
	}
	for i := 1; i < len(a.Onsets); i++ {
		if gap := a.Onsets[i] - a.Onsets[i-1]; gap >= 0.3 {
			out = append(out, round3((a.Onsets[i]+a.Onsets[i-1])/2))
		}
	}
	sort.Float64s(out)
	return out
}

func toSpans(bounds []float64, secs []kmeme.Section) []span {
	out := make([]span, 0, len(bounds)-1)
	for i := 0; i+1 < len(bounds); i++ {
		s, e := bounds[i], bounds[i+1]
		out = append(out, span{start: s, end: e, section: sectionAt(secs, (s+e)/2)})
	}
	return out
}

// round3 rounds to the millisecond so JSON stays short and stable.
func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
