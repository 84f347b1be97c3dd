package recipe

import (
	"math"
	"sort"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/structure"
)

// sections returns the analysis sections, re-derived from the loudness
// curve when the stored ones say nothing (one label start to finish, as
// older analyses did), and a truthful minimum when there is no curve: one
// speech section for talk, intro/verse/outro by position otherwise. A
// drop is never invented.
func sections(a *kmeme.Analysis, f *features) []kmeme.Section {
	var out []kmeme.Section
	for _, s := range a.Sections {
		if s.End > s.Start && s.Start < a.DurationS {
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	talk := f.speech >= 0.5 && !a.HasTempo()
	if len(out) > 0 && !degenerate(out, a.DurationS) {
		return out
	}
	if len(out) > 0 && talk && out[0].Label == kmeme.SectionSpeech {
		return out
	}
	e := structure.Energy{HopS: a.Energy.HopS, Values: a.Energy.Values, MeanDB: a.Energy.MeanDB, PeakDB: a.Energy.PeakDB, PeakT: a.Energy.PeakT}
	var downbeats []float64
	if a.HasTempo() {
		downbeats = a.Downbeats
	}
	if e.HopS > 0 && len(e.Values) > 0 {
		if ss := structure.Sections(e, downbeats, a.DurationS, talk); len(ss) > 0 {
			out = out[:0]
			for _, s := range ss {
				out = append(out, kmeme.Section{Label: kmeme.SectionLabel(s.Label), Start: s.Start, End: math.Min(s.End, a.DurationS), StartBar: s.StartBar, EndBar: s.EndBar, Energy: s.Energy})
			}
			out[len(out)-1].End = a.DurationS
			return out
		}
	}
	d := a.DurationS
	if talk {
		return []kmeme.Section{{Label: kmeme.SectionSpeech, Start: 0, End: d}}
	}
	if d < 6 {
		return []kmeme.Section{{Label: kmeme.SectionVerse, Start: 0, End: d}}
	}
	return []kmeme.Section{
		{Label: kmeme.SectionIntro, Start: 0, End: round3(d * 0.15)},
		{Label: kmeme.SectionVerse, Start: round3(d * 0.15), End: round3(d * 0.85)},
		{Label: kmeme.SectionOutro, Start: round3(d * 0.85), End: d},
	}
}

// degenerate reports whether sections carry no structure: one label (not
// speech) over at least 90 % of the clip.
func degenerate(secs []kmeme.Section, d float64) bool {
	cover := map[kmeme.SectionLabel]float64{}
	for _, s := range secs {
		cover[s.Label] += s.End - s.Start
	}
	for l, c := range cover {
		if l != kmeme.SectionSpeech && c >= 0.9*d && d >= 6 {
			return true
		}
	}
	return false
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
	return kmeme.SectionVerse
}

// realDrop reports whether the clip has a drop the music makes: a drop
// section clearly louder than the rest.
func realDrop(secs []kmeme.Section) bool {
	var drop, rest, nd, nr float64
	for _, s := range secs {
		l := s.End - s.Start
		if s.Label == kmeme.SectionDrop {
			drop += s.Energy * l
			nd += l
		} else {
			rest += s.Energy * l
			nr += l
		}
	}
	if nd == 0 {
		return false
	}
	if nr == 0 {
		return false
	}
	return drop/nd >= rest/nr+0.1
}

// cand is a place a shot may start: a beat (with tempo) or a time (a
// pause, a source cut, a speech boundary), and how much the source asks
// for a cut there.
type cand struct {
	t     float64
	beat  int // index into grid.beats, -1 without tempo
	bonus float64
	cut   bool // a source cut is here
	bar   bool // a bar line
}

// candidates lists where shots may start, from the source: with a tempo,
// every beat (bar lines and the beats nearest source cuts and section
// starts preferred); without, source cuts, pauses, speech boundaries and
// a half-second grid as the last resort.
func candidates(a *kmeme.Analysis, g *grid, secs []kmeme.Section) []cand {
	d := a.DurationS
	var cuts []float64
	for _, c := range a.Cuts {
		if c.T > 0 && c.T < d {
			cuts = append(cuts, c.T)
		}
	}
	if len(cuts) == 0 {
		for _, s := range a.Shots {
			if s.Start > 0 && s.Start < d {
				cuts = append(cuts, s.Start)
			}
		}
	}
	if g != nil {
		down := map[int]bool{}
		for _, t := range a.Downbeats {
			i := g.nearest(t)
			if math.Abs(g.beats[i]-t) < 0.5*g.period {
				down[i] = true
			}
		}
		if len(down) == 0 {
			for i := g.phase; i < len(g.beats); i += g.meter {
				down[i] = true
			}
		}
		cs := make([]cand, len(g.beats))
		for i, b := range g.beats {
			cs[i] = cand{t: b, beat: i, bar: down[i]}
			if down[i] {
				cs[i].bonus += 0.6
			}
		}
		for _, c := range cuts {
			i := g.nearest(c)
			if math.Abs(g.beats[i]-c) <= 0.5*g.period {
				cs[i].bonus += 1.6
				cs[i].cut = true
			}
		}
		for _, s := range secs[min(1, len(secs)):] {
			i := g.nearest(s.Start)
			if math.Abs(g.beats[i]-s.Start) <= 0.5*g.period {
				cs[i].bonus += 0.9
				if s.Label == kmeme.SectionDrop {
					cs[i].bonus += 0.6
				}
			}
		}
		return cs
	}
	var cs []cand
	pauses := make([]float64, 0, len(a.Pauses))
	for _, p := range a.Pauses {
		if p.End > p.Start {
			pauses = append(pauses, round3((p.Start+p.End)/2))
		}
	}
	if len(pauses) == 0 {
		pauses = derivedPauses(a)
	}
	for _, t := range pauses {
		cs = append(cs, cand{t: t, beat: -1, bonus: 1.5})
	}
	for _, t := range cuts {
		cs = append(cs, cand{t: t, beat: -1, bonus: 1.5, cut: true})
	}
	if p := a.Perception; p != nil && p.Speech != nil {
		for _, s := range p.Speech.Segments {
			if s.Kind == kmeme.AudioSpeech {
				cs = append(cs, cand{t: round3(s.Start), beat: -1, bonus: 0.8}, cand{t: round3(s.End), beat: -1, bonus: 0.8})
			}
		}
	}
	for t := 0.5; t < d; t += 0.5 {
		cs = append(cs, cand{t: round3(t), beat: -1})
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].t < cs[j].t })
	// merge candidates closer than 50 ms, keeping the strongest
	var out []cand
	for _, c := range cs {
		if c.t <= 0 || c.t >= d {
			continue
		}
		if n := len(out); n > 0 && c.t-out[n-1].t < 0.05 {
			if c.bonus > out[n-1].bonus {
				c.cut = c.cut || out[n-1].cut
				out[n-1] = c
			} else {
				out[n-1].cut = out[n-1].cut || c.cut
			}
			continue
		}
		out = append(out, c)
	}
	return out
}

// shotBounds chooses shot boundaries from the candidates by dynamic
// programming: each shot costs its squared relative distance from the
// target length of its section (shorter in a real drop when the format
// cuts faster there), each boundary earns its candidate's bonus (a source
// cut, a bar line, a section start, a pause). The target length is then
// adjusted until the shot count is within [minN, maxN].
func shotBounds(a *kmeme.Analysis, g *grid, secs []kmeme.Section, fm *format, srcMean float64) []float64 {
	d := a.DurationS
	cs := candidates(a, g, secs)
	minN, maxN := shotCountRange(d)
	L := math.Sqrt(fm.shotS * math.Min(math.Max(srcMean, 1.2), 8))
	// A shot carries one caption, which should stay 1.5–3 s on screen.
	L = math.Min(math.Max(L, 1.6), 3.0)
	if maxN > 10 {
		L = math.Max(L, d/float64(maxN))
	}
	drop := 1.0
	if g != nil && realDrop(secs) {
		drop = fm.dropFaster
	}
	// Too many or too few shots: every shot gets a price (or a reward) on
	// top of its length cost until the count is in range.
	var best []float64
	lambda := 0.0
	for iter := 0; iter < 40; iter++ {
		b := dpBounds(d, cs, secs, L, drop, g, lambda)
		best = b
		n := len(b) - 1
		if n > maxN {
			lambda += 0.4
			continue
		}
		if n < minN {
			lambda -= 0.4
			continue
		}
		break
	}
	return best
}

// shotCountRange is how many shots a clip of d seconds should have: 3–10
// for a 10–30 s meme, fewer for a tiny clip, more (up to 24) for a long one.
func shotCountRange(d float64) (int, int) {
	switch {
	case d < 3:
		return 1, 2
	case d < 6:
		return 2, 3
	case d < 10:
		return 3, 5
	case d <= 30:
		return 3, 10
	}
	return max(4, int(d/8)), min(24, max(10, int(math.Ceil(d/3.5))))
}

func dpBounds(d float64, cs []cand, secs []kmeme.Section, L, dropF float64, g *grid, lambda float64) []float64 {
	pts := make([]cand, 0, len(cs)+2)
	pts = append(pts, cand{t: 0, beat: -1})
	minLen := math.Min(1.2, d/2)
	if g != nil {
		minLen = math.Min(math.Max(1.2, g.period), d/2)
	}
	for _, c := range cs {
		if c.t >= minLen*0.5 && d-c.t >= minLen*0.5 {
			pts = append(pts, c)
		}
	}
	pts = append(pts, cand{t: d, beat: -1})
	n := len(pts)
	cost := make([]float64, n)
	prev := make([]int, n)
	for j := 1; j < n; j++ {
		cost[j] = math.Inf(1)
		prev[j] = -1
		for i := j - 1; i >= 0; i-- {
			l := pts[j].t - pts[i].t
			if l > 4*L+2 {
				break
			}
			if math.IsInf(cost[i], 1) {
				continue
			}
			target := L
			if sectionAt(secs, (pts[i].t+pts[j].t)/2) == kmeme.SectionDrop {
				target *= dropF
			}
			x := (l - target) / target
			c := cost[i] + 3*x*x + lambda
			if l < minLen {
				c += 50 // a flash of a shot cannot be filmed or read
			}
			if i == 0 && l < MinCaptionS && d >= 6 {
				c += 20 // the opening shot carries the hook caption
			}
			if j < n-1 {
				c -= pts[j].bonus
			}
			if c < cost[j] {
				cost[j], prev[j] = c, i
			}
		}
		if prev[j] < 0 { // nothing reachable within the window: join the nearest
			prev[j] = j - 1
			cost[j] = cost[j-1] + 100
		}
	}
	var out []float64
	for j := n - 1; j > 0; j = prev[j] {
		out = append(out, pts[j].t)
	}
	out = append(out, 0)
	for i, k := 0, len(out)-1; i < k; i, k = i+1, k-1 {
		out[i], out[k] = out[k], out[i]
	}
	return out
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

// round3 rounds to the millisecond so JSON stays short and stable.
func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// Caption on-screen time (shared/korean-short-form.md): long enough to
// read twice at about 12 characters a second, between MinCaptionS and
// MaxCaptionS.
const (
	MaxCaptionS  = 3.0
	readingSpeed = 12.0 // width units a second
)

// readTime is how long caption text needs on screen: read twice.
func readTime(text string) float64 {
	return math.Min(math.Max(2*Width(strings.ReplaceAll(text, "\n", ""))/readingSpeed, MinCaptionS), MaxCaptionS)
}

// captionSpan is when the caption of the shot [s,e] is on screen. A shot of
// at most MaxCaptionS carries it throughout. In a longer one it starts
// where the speech in the shot starts (or with the shot) and ends where
// that speech ends; without speech it ends on the first beat after its
// reading time (at least 2 s), or after that time without a tempo —
// always 1.5–3 s and inside the shot.
func captionSpan(a *kmeme.Analysis, g *grid, s, e float64, text string) (float64, float64) {
	if e-s <= MaxCaptionS+1e-9 {
		return round3(s), round3(e)
	}
	need := readTime(text)
	start, end := s, -1.0
	if p := a.Perception; p != nil && p.Speech != nil {
		for _, seg := range p.Speech.Segments {
			if seg.Kind != kmeme.AudioSpeech && seg.Kind != kmeme.AudioSinging {
				continue
			}
			if math.Min(seg.End, e)-math.Max(seg.Start, s) < 0.5 {
				continue
			}
			start = math.Max(s, seg.Start)
			end = math.Min(math.Max(seg.End, start+need), start+MaxCaptionS)
			break
		}
	}
	if end < 0 {
		target := math.Max(need, 2.0)
		end = start + target
		if g != nil {
			// the first beat once it has been read, else the last one
			// that still gives the reading time
			first, last := -1.0, -1.0
			for _, b := range g.beats {
				l := b - start
				if l < need-1e-9 || l > MaxCaptionS+1e-9 {
					continue
				}
				if first < 0 && l >= target-1e-9 {
					first = b
				}
				last = b
			}
			if first >= 0 {
				end = first
			} else if last >= 0 {
				end = last
			}
		}
	}
	if end > e {
		end = e
	}
	if end-start < need {
		start = math.Max(s, end-need) // the shot ends first: start earlier
	}
	return round3(start), round3(end)
}
