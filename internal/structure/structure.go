// Package structure describes the shape of a clip: its loudness curve,
// sections aligned to bars (intro, build, drop, break, outro), the hook of
// the first seconds, pauses, and how many cuts land on beats. It takes
// times and curves and returns times; it imports nothing of ours.
package structure

import (
	"math"
	"sort"
)

// Energy is a loudness curve normalised to [0,1].
type Energy struct {
	HopS           float64
	Values         []float64
	MeanDB, PeakDB float64
	PeakT          float64
}

// EnergyCurve resamples frame loudness (dBFS at rate frames per second) to
// one value every hopS seconds, normalised so the loudest is 1 and 50 dB
// below it is 0.
func EnergyCurve(rmsDB []float64, rate, hopS float64) Energy {
	e := Energy{HopS: hopS}
	if len(rmsDB) == 0 || rate <= 0 || hopS <= 0 {
		return e
	}
	per := max(1, int(math.Round(hopS*rate)))
	var sumPow float64
	peak := math.Inf(-1)
	for i := 0; i < len(rmsDB); i += per {
		var p float64
		n := 0
		for j := i; j < min(len(rmsDB), i+per); j++ {
			p += math.Pow(10, rmsDB[j]/10)
			n++
		}
		db := 10 * math.Log10(p/float64(n)+1e-12)
		e.Values = append(e.Values, db)
		sumPow += p
		if db > peak {
			peak = db
			e.PeakT = float64(i) / rate
		}
	}
	e.MeanDB = round2(10 * math.Log10(sumPow/float64(len(rmsDB))+1e-12))
	e.PeakDB = round2(peak)
	// the loudest stretch: the best two-second mean
	win := max(1, int(2/hopS))
	best := math.Inf(-1)
	for i := 0; i+win <= len(e.Values); i++ {
		var s float64
		for _, v := range e.Values[i : i+win] {
			s += v
		}
		if s > best {
			best = s
			e.PeakT = round2(float64(i) * hopS)
		}
	}
	for i, v := range e.Values {
		e.Values[i] = round2(clamp01((v - (peak - 50)) / 50))
	}
	return e
}

// Section is a labelled stretch.
type Section struct {
	Label            string
	Start, End       float64
	StartBar, EndBar int // 1-based, 0 without bars
	Energy           float64
}

// Sections splits the clip at bar lines (downbeats) into stretches of
// similar loudness and names them from the loudness and its changes. The
// curve is first smoothed over about a second in the power domain, so a
// click or a kick (loud, silent, loud… from one hop to the next) reads as
// the steady level it is. A drop is the loudest level reached by a clear
// rise (dropRise) from a quieter stretch just before it; a middle stretch
// leading into a louder one is a build, a middle stretch that does not a
// verse, a quiet stretch between louder ones a break; the first quieter
// stretch is the intro and the last one the outro only when it is the end
// of the clip (it starts in the last outroShare of it). A clip whose
// loudness does not change is one verse: no drop, no intro, no outro.
// Without downbeats it uses two-second blocks and, when speech is true,
// labels everything "speech".
func Sections(e Energy, downbeats []float64, duration float64, speech bool) []Section {
	if duration <= 0 || len(e.Values) == 0 {
		return nil
	}
	if speech && len(downbeats) < 2 {
		return []Section{{Label: "speech", Start: 0, End: round2(duration), Energy: round2(mean(e.Values))}}
	}
	bounds := downbeats
	withBars := len(downbeats) >= 2
	if !withBars {
		bounds = nil
		for t := 0.0; t < duration; t += 2 {
			bounds = append(bounds, t)
		}
	}
	sm := Smooth(e, 1)
	// units: [bounds[i], bounds[i+1]); the first starts at 0, the last ends at duration
	type unit struct {
		start, end, energy float64
		bar                int
	}
	var units []unit
	for i := range bounds {
		s := bounds[i]
		if i == 0 {
			s = 0
		}
		en := duration
		if i+1 < len(bounds) {
			en = bounds[i+1]
		}
		if en-s <= 0 {
			continue
		}
		units = append(units, unit{s, en, meanRange(sm, s, en), i + 1})
	}
	if len(units) == 0 {
		return nil
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, u := range units {
		lo, hi = math.Min(lo, u.energy), math.Max(hi, u.energy)
	}
	if hi-lo < flatEnergy {
		// No stretch is clearly louder than another: nothing here is a
		// drop, an intro or an outro; the clip is one verse.
		return flatSections(func(i int) (float64, float64, float64, int) {
			u := units[i]
			return u.start, u.end, u.energy, u.bar
		}, len(units), withBars, speech)
	}
	level := func(x float64) int {
		r := (x - lo) / (hi - lo)
		switch {
		case r >= 0.7:
			return 2
		case r >= 0.35:
			return 1
		}
		return 0
	}
	// group runs of the same level, then merge runs shorter than two units
	type run struct{ a, b, lvl int }
	var runs []run
	for i, u := range units {
		l := level(u.energy)
		if n := len(runs); n > 0 && runs[n-1].lvl == l {
			runs[n-1].b = i
			continue
		}
		runs = append(runs, run{i, i, l})
	}
	for changed := true; changed && len(runs) > 1; {
		changed = false
		for i, r := range runs {
			if r.b-r.a+1 >= 2 {
				continue
			}
			j := i - 1
			if j < 0 || (i+1 < len(runs) && runs[i+1].b-runs[i+1].a > runs[j].b-runs[j].a) {
				j = i + 1
			}
			if j < i {
				runs[j].b = r.b
			} else {
				runs[j].a = r.a
			}
			runs = append(runs[:i], runs[i+1:]...)
			changed = true
			break
		}
	}
	// neighbours that ended up on the same level are one section
	for i := 1; i < len(runs); {
		if runs[i].lvl == runs[i-1].lvl {
			runs[i-1].b = runs[i].b
			runs = append(runs[:i], runs[i+1:]...)
			continue
		}
		i++
	}
	runEnergy := func(a, b int) float64 {
		var en float64
		for _, u := range units[a : b+1] {
			en += u.energy
		}
		return en / float64(b-a+1)
	}
	out := make([]Section, 0, len(runs))
	for i, r := range runs {
		en := runEnergy(r.a, r.b)
		var lbl string
		louderNext := i+1 < len(runs) && runs[i+1].lvl > r.lvl
		rose := i > 0 && runs[i-1].lvl < r.lvl && en-runEnergy(runs[i-1].a, runs[i-1].b) >= dropRise
		switch {
		case len(runs) == 1 && speech:
			lbl = "speech"
		case len(runs) == 1:
			// one level from start to end: nothing comes before or after
			// it, so it is no intro (nor a drop), whatever its loudness
			lbl = "verse"
		case r.lvl == 2 && rose:
			lbl = "drop"
		case r.lvl == 2:
			lbl = "verse" // loud from the start, or no clear rise into it
		case i == 0:
			lbl = "intro"
		case i == len(runs)-1 && units[r.a].start >= (1-outroShare)*duration:
			lbl = "outro"
		case i == len(runs)-1:
			lbl = "verse" // a long quieter ending is not an outro
		case louderNext:
			lbl = "build"
		case r.lvl == 0:
			lbl = "break" // a quiet stretch between louder ones
		default:
			lbl = "verse" // the middle level, not leading into anything louder
		}
		s := Section{Label: lbl, Start: round2(units[r.a].start), End: round2(units[r.b].end), Energy: round2(en)}
		if withBars {
			s.StartBar, s.EndBar = units[r.a].bar, units[r.b].bar
		}
		out = append(out, s)
	}
	return out
}

// flatEnergy is the spread of unit loudness below which a clip has no
// louder part: no drop, no build.
const flatEnergy = 0.08

// dropRise is the least rise of loudness (on the 50 dB scale of Energy:
// 0.12 is 6 dB) from the stretch before into a drop.
const dropRise = 0.12

// outroShare is the largest share of the clip, at its end, an outro may
// take.
const outroShare = 0.25

// Smooth returns a copy of e whose values are the power mean over a
// centred window of about windowS seconds (values are read as dB on
// Energy's 50 dB scale), so alternating loud and silent hops, as a click
// track or a kick gives, become their steady level.
func Smooth(e Energy, windowS float64) Energy {
	out := e
	out.Values = make([]float64, len(e.Values))
	half := 0
	if e.HopS > 0 {
		half = int(math.Round(windowS / e.HopS / 2))
	}
	for i := range e.Values {
		var p float64
		n := 0
		for j := max(0, i-half); j <= min(len(e.Values)-1, i+half); j++ {
			p += math.Pow(10, e.Values[j]*50/10)
			n++
		}
		out.Values[i] = round2(clamp01(10 * math.Log10(p/float64(n)) / 50))
	}
	return out
}

// flatSections makes the units of a clip with even loudness one section:
// a verse (or speech, for a talking clip with bars). Nothing in it is
// louder or quieter, so no intro, outro or drop is claimed.
func flatSections(unit func(int) (start, end, energy float64, bar int), n int, withBars, speech bool) []Section {
	body := "verse"
	if speech {
		body = "speech"
	}
	type part struct {
		label string
		a, b  int
	}
	parts := []part{{body, 0, n - 1}}
	out := make([]Section, 0, len(parts))
	for _, p := range parts {
		s0, _, _, bar0 := unit(p.a)
		_, e1, _, bar1 := unit(p.b)
		var en float64
		for i := p.a; i <= p.b; i++ {
			_, _, e, _ := unit(i)
			en += e
		}
		s := Section{Label: p.label, Start: round2(s0), End: round2(e1), Energy: round2(en / float64(p.b-p.a+1))}
		if withBars {
			s.StartBar, s.EndBar = bar0, bar1
		}
		out = append(out, s)
	}
	return out
}

// Hook measures the first window seconds.
type Hook struct {
	WindowS, CutDensity, OnsetDensity, Motion, Score float64
	Cuts                                             int
}

// MeasureHook counts cuts and onsets in the first window seconds and the
// mean motion there (motion sampled at fps), and combines them into a
// score in [0,1]: about two cuts a second, five onsets a second or strong
// motion each saturate their share.
func MeasureHook(window, duration float64, cuts, onsets []float64, motion []float32, fps float64) Hook {
	if duration > 0 && duration < window {
		window = duration
	}
	h := Hook{WindowS: window}
	if window <= 0 {
		return h
	}
	for _, c := range cuts {
		if c < window {
			h.Cuts++
		}
	}
	no := 0
	for _, o := range onsets {
		if o < window {
			no++
		}
	}
	h.CutDensity = round2(float64(h.Cuts) / window)
	h.OnsetDensity = round2(float64(no) / window)
	if fps > 0 && len(motion) > 0 {
		n := min(len(motion), int(window*fps))
		var s float64
		for _, m := range motion[:n] {
			s += float64(m)
		}
		if n > 0 {
			h.Motion = round2(clamp01(s / float64(n) * 4))
		}
	}
	h.Score = round2(clamp01(0.4*math.Min(1, h.CutDensity/2) + 0.3*math.Min(1, h.OnsetDensity/5) + 0.3*h.Motion))
	return h
}

// Interval is a time range.
type Interval struct{ Start, End float64 }

// Pauses returns stretches of at least minS seconds quieter than 35 dB
// under the clip's loud level (95th percentile), from frame loudness in
// dBFS at rate frames per second.
func Pauses(rmsDB []float64, rate, minS float64) []Interval {
	if len(rmsDB) == 0 || rate <= 0 {
		return nil
	}
	s := append([]float64(nil), rmsDB...)
	sort.Float64s(s)
	loud := s[int(0.95*float64(len(s)-1))]
	thr := math.Max(loud-35, -70)
	var out []Interval
	start := -1
	flush := func(end int) {
		if start >= 0 && float64(end-start)/rate >= minS {
			out = append(out, Interval{round2(float64(start) / rate), round2(float64(end) / rate)})
		}
		start = -1
	}
	for i, v := range rmsDB {
		if v < thr {
			if start < 0 {
				start = i
			}
		} else {
			flush(i)
		}
	}
	flush(len(rmsDB))
	return out
}

// CutsOnBeats counts cuts within tol seconds of some beat.
func CutsOnBeats(cuts, beats []float64, tol float64) int {
	n := 0
	for _, c := range cuts {
		i := sort.SearchFloat64s(beats, c)
		for _, j := range []int{i - 1, i} {
			if j >= 0 && j < len(beats) && math.Abs(beats[j]-c) <= tol {
				n++
				break
			}
		}
	}
	return n
}

func meanRange(e Energy, a, b float64) float64 {
	i, j := int(a/e.HopS), int(math.Ceil(b/e.HopS))
	i = max(0, min(i, len(e.Values)-1))
	j = max(i+1, min(j, len(e.Values)))
	return mean(e.Values[i:j])
}

func mean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func round2(x float64) float64 { return math.Round(x*1000) / 1000 }

func clamp01(x float64) float64 {
	if x < 0 || x != x {
		return 0
	}
	if x > 1 {
		return 1
	}
	return x
}
