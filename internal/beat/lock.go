package beat

import "math"

// A tracked path may bend its period for a few beats to move its phase
// onto a louder subdivision (an offbeat bass, the sixteenth before the
// beat) and stay there: every beat after the bend gains a little, more
// than the bend costs. Music played to a clock does not bend, so the
// path is compared with the best rigid grid (one period, one phase over
// the whole span): when the rigid grid's beats carry nearly as much as
// the path's, the rigid grid is taken, its period and phase refined by
// least squares over the onsets on it. Between rigid grids, the one with
// a beat on the music's first onset is taken unless it carries clearly
// less: music mostly begins on a beat, and where two phases carry onsets
// alike the one the first note sits on is the one a listener counts.

const (
	// lockSlack is how much of a beat's reward (see trackDBN), on
	// average per beat, the rigid grid may carry less than the tracked
	// path and still be taken: the package's generated music and the
	// bench's tracker modules measured at most 0.064, speech 0.09–0.34.
	lockSlack = 0.15
	// lockSpan is how far (as a fraction) the rigid period is searched
	// around the path's mean period.
	lockSpan = 0.012
	// anchorLoss is how much of a beat's reward, on average per beat,
	// the rigid grid through the first onset may carry less than the best
	// rigid grid and still be taken. AnarchyMenu1.mod (freedroid-data),
	// tracked a sixteenth early, measured 0.20 for its true phase; first
	// onsets off the beat (noise before the music, a pickup) cost
	// 0.32–2.8 on the bench's dev items. Four dev modules whose first
	// note is on the beat cost 0.47–1.15 (an offbeat bass, arpeggios on
	// every row) and stay on the louder phase: energy alone cannot
	// choose there.
	anchorLoss = 0.25
	// startLoss is anchorLoss when the music starts with the file (see
	// musicAtStart) and its first onset is at 0:00: a module's pattern
	// row 0 is its first beat, and its offbeat rows may carry more energy
	// (an arpeggio or a syncopated bass on every other row). Four dev
	// modules whose first note is on the beat at 0:00 (android-commando,
	// sanxion, circuslinux hiscore, open-invaders gamesong) cost
	// 0.47–1.15 and were tracked half or a quarter of a beat off; the
	// bench's noisy items, whose noise starts at 0:00 and the music
	// later, cost 1.1–2.8 but do not count as music at the start.
	startLoss = 1.5
	// startWindow is how near 0:00 the first onset must be to count as
	// the music starting with the file.
	startWindow = 0.03
)

// debugLock, when set, is told the scores per beat (a tuning aid).
var debugLock func(t0, path, rigid, anchored float64, n int)

// lockGrid returns the rigid grid that replaces tr, or tr. atStart says
// the sound at 0:00 is the music (see musicAtStart).
func lockGrid(v []float64, rate float64, tr trackResult, atStart bool) trackResult {
	n := len(tr.beats)
	if n < 8 {
		return tr
	}
	ref := percentile(v, 0.99)
	if ref <= 0 {
		return tr
	}
	// the reward of a beat at t, as the tracker counts it, from the
	// strongest frame within one of t
	rw := func(t float64) float64 {
		f := int(math.Round(t * rate))
		if f < 0 || f >= len(v) {
			return -1
		}
		m := v[f]
		for j := max(0, f-1); j <= min(len(v)-1, f+1); j++ {
			m = math.Max(m, v[j])
		}
		return beatGain*m/ref - 1
	}
	var path float64
	for _, b := range tr.beats {
		path += rw(b)
	}
	p0 := (tr.beats[n-1] - tr.beats[0]) / float64(n-1)
	lo, hi := tr.beats[0]-p0/2, tr.beats[n-1]+p0/2
	grid := func(p, phase float64) float64 { // phase in [lo, lo+p)
		var s float64
		for t := phase; t < hi; t += p {
			s += rw(t)
		}
		return s
	}
	step := 1 / (2 * rate)
	bestS, bestP, bestPh := math.Inf(-1), 0.0, 0.0
	t0 := firstOnset(v, rate)
	ancS, ancP := math.Inf(-1), 0.0
	for i := 0; i <= 48; i++ {
		k := (i + 1) / 2 // 0, 1, -1, 2, -2…: of equal grids the one nearest the path's period
		if i%2 == 0 {
			k = -k
		}
		p := p0 * (1 + lockSpan*float64(k)/24)
		for ph := lo; ph < lo+p; ph += step {
			if s := grid(p, ph); s > bestS {
				bestS, bestP, bestPh = s, p, ph
			}
		}
		if t0 >= 0 && t0 < hi {
			for d := -1; d <= 1; d++ {
				ph := t0 + float64(d)/rate
				for ph-p >= lo {
					ph -= p
				}
				if s := grid(p, ph); s > ancS {
					ancS, ancP = s, p
				}
			}
		}
	}
	nb := float64(n)
	if debugLock != nil {
		debugLock(t0, path/nb, bestS/nb, ancS/nb, n)
	}
	if (path-bestS)/nb > lockSlack {
		return tr
	}
	p, ph := bestP, bestPh
	loss := anchorLoss
	if atStart && t0 >= 0 && t0 <= startWindow {
		loss = startLoss
	}
	if t0 >= 0 && (bestS-ancS)/nb <= loss {
		p, ph = ancP, t0
		for ph-p >= lo {
			ph -= p
		}
	}
	p, ph = fitGrid(v, rate, p, ph, hi, ref)
	out := trackResult{}
	for t := ph; t < hi; t += p {
		if t < 0 {
			continue
		}
		f := int(math.Round(t * rate))
		x := snapTo(v, f, 1, t*rate) / rate
		if len(out.beats) > 0 {
			out.periods = append(out.periods, x-out.beats[len(out.beats)-1])
		}
		out.beats = append(out.beats, x)
	}
	if len(out.beats) < 4 {
		return tr
	}
	return out
}

// musicAtStart reports whether the sound in the first frames (the first
// 35 ms) is music starting with the file rather than a noise floor the
// music comes in over later: it is at least startRise dB louder than the
// file's quiet frames (its 10th percentile of loudness). Modules starting
// on their first note measured 3.7–18 dB over it; generated music under
// noise (5–10 dB SNR), whose noise starts at 0:00, 1.4–8.4 dB under it.
func musicAtStart(rms []float64) bool {
	if len(rms) < 4 {
		return false
	}
	return math.Max(rms[0], math.Max(rms[1], rms[2])) >= percentile(rms, 0.1)+startRise
}

// startRise is the least rise over the quiet frames for musicAtStart.
const startRise = 2.0

// firstOnset is the time of the first clear onset of v (a peak of at least
// 0.3 of its 95th percentile), or -1.
func firstOnset(v []float64, rate float64) float64 {
	ref := percentile(v, 0.95)
	if ref <= 0 {
		return -1
	}
	for f, x := range v {
		if x < 0.3*ref {
			continue
		}
		for f+1 < len(v) && v[f+1] > v[f] {
			f++
		}
		return float64(f) / rate
	}
	return -1
}

// fitGrid refines a rigid grid (period p, first beat ph, up to hi) by
// least squares: the onset peaks within a frame of its beats, where a
// beat is rewarded, fix the line t = ph + k·p far more exactly than the
// search's step (whose score cannot tell grids a frame apart at either
// end). It keeps the grid when too few beats have a peak or the fit moves
// the period more than the search did.
func fitGrid(v []float64, rate, p, ph, hi, ref float64) (float64, float64) {
	var ks, xs []float64
	k := 0
	for t := ph; t < hi; t, k = t+p, k+1 {
		f := int(math.Round(t * rate))
		if f < 1 || f >= len(v)-1 {
			continue
		}
		best := f
		for j := f - 1; j <= f+1; j++ {
			if j >= 1 && j < len(v)-1 && v[j] > v[best] {
				best = j
			}
		}
		if beatGain*v[best]/ref-1 <= 0 || !isPeak(v, best) {
			continue
		}
		ks = append(ks, float64(k))
		xs = append(xs, parabolic(v, best)/rate)
	}
	n := float64(len(ks))
	if n < 8 {
		return p, ph
	}
	var sk, sx, skk, skx float64
	for i := range ks {
		sk += ks[i]
		sx += xs[i]
		skk += ks[i] * ks[i]
		skx += ks[i] * xs[i]
	}
	d := n*skk - sk*sk
	if d <= 0 {
		return p, ph
	}
	b := (n*skx - sk*sx) / d
	a := (sx - b*sk) / n
	if math.Abs(b/p-1) > lockSpan || math.Abs(a-ph) > 1.5/rate {
		return p, ph
	}
	return b, a
}
