// The timing side of the sound classifier: onsets, whether they keep a
// machine's grid, the syllable-rate modulation of the loudness and the
// syllable count.

package perception

import (
	"math"
	"sort"
)

// findOnsets returns the frames where the loudness jumps (9 dB within 50
// ms) to a local peak: syllable starts in talk, hits in music.
func findOnsets(fr []soundFrame) []int {
	var out []int
	for i := 5; i < len(fr); i++ {
		if fr[i].silent && fr[i].db < silenceDBFS {
			continue
		}
		if fr[i].db-fr[i-5].db < 9 {
			continue
		}
		peak := true
		for k := max(0, i-5); k <= min(len(fr)-1, i+5); k++ {
			if fr[k].db > fr[i].db || (fr[k].db == fr[i].db && k < i) {
				peak = false
				break
			}
		}
		if peak && (len(out) == 0 || i-out[len(out)-1] >= 8) {
			out = append(out, i)
		}
	}
	return out
}

// periodicOnsets reports whether the onsets within two seconds of frame i
// (four seconds of them near the clip's ends)
// all sit on one steady grid: a metronome, a drum machine or a programmed
// beat (a kick on every beat and a hit between some of them), not talk,
// whose syllables come irregularly. The grid's step is 150 ms to 1 s; every
// onset lies within 30 ms of a grid line, at least five lines are hit and
// at least half of the lines between the first and the last onset. Random
// syllable onsets pass that with a chance far below one in a thousand per
// window (each would have to land in a 60 ms slot of the step).
func periodicOnsets(onsets []int, i, n int, memo map[[2]int]bool) bool {
	// four seconds, shifted inwards at the ends of the clip
	lo := max(0, min(i-200, n-400))
	a := sort.SearchInts(onsets, lo)
	b := sort.SearchInts(onsets, lo+400)
	if b-a < 5 {
		return false
	}
	key := [2]int{a, b}
	if v, ok := memo[key]; ok {
		return v
	}
	v := evenGaps(onsets[a:b]) || onGrid(onsets[a:b])
	memo[key] = v
	return v
}

// evenGaps: every gap between the onsets within 30 ms of their median, at
// least four gaps of 150 ms or more: a click track, even near the edges of
// the clip where the window holds few onsets.
func evenGaps(win []int) bool {
	gaps := make([]int, 0, len(win)-1)
	for k := 1; k < len(win); k++ {
		gaps = append(gaps, win[k]-win[k-1])
	}
	sorted := append([]int(nil), gaps...)
	sort.Ints(sorted)
	med := sorted[len(sorted)/2]
	if med < 15 {
		return false
	}
	for _, g := range gaps {
		if g-med > 3 || med-g > 3 {
			return false
		}
	}
	return true
}

// onGrid is periodicOnsets' test on one window of onsets (frame indices,
// ascending). Steps are tried every quarter frame so that the grid drifts
// less than two frames across the window.
func onGrid(win []int) bool {
	span := float64(win[len(win)-1] - win[0])
	for p := 15.0; p <= 100; p += 0.25 {
		// the phase: the circular mean of the onsets modulo the step
		var sx, sy float64
		for _, o := range win {
			th := 2 * math.Pi * float64(o-win[0]) / p
			sx += math.Cos(th)
			sy += math.Sin(th)
		}
		if math.Hypot(sx, sy) < 0.8*float64(len(win)) {
			continue // the onsets do not share a phase at this step
		}
		phase := math.Atan2(sy, sx) / (2 * math.Pi) * p
		lines := map[int]bool{}
		ok := true
		for _, o := range win {
			d := (float64(o-win[0]) - phase) / p
			k := math.Round(d)
			if math.Abs(d-k)*p > 3 {
				ok = false
				break
			}
			lines[int(k)] = true
		}
		// the chance that onsets at random all land within three frames
		// of some grid line (two of them fix the step and the phase); the
		// bound keeps it near 3 % over the 341 steps tried (and the steps are not independent)
		chance := math.Pow(7/p, float64(len(win)-2))
		if ok && chance <= 1e-4 && len(lines) >= 5 && float64(len(lines)) >= 0.5*(span/p+1) {
			return true
		}
	}
	return false
}

// modulation is the share of the loudness envelope's variance at 2–8 Hz
// (syllable rate), from a small DFT of the de-meaned envelope.
func modulation(env []float64) float64 {
	n := len(env)
	if n < 20 {
		return 0
	}
	mean := 0.0
	for _, v := range env {
		mean += math.Max(v, silenceDBFS)
	}
	mean /= float64(n)
	x := make([]float64, n)
	for i, v := range env {
		x[i] = math.Max(v, silenceDBFS) - mean
	}
	// the whole spectrum's power from the signal's (Parseval: the bins
	// 1…n/2 hold half of n·Σx², less the mean's bin, with the Nyquist bin
	// counted once), so the DFT is only needed in the band
	var sq, x0, xNyq float64
	for i, xi := range x {
		sq += xi * xi
		x0 += xi
		if i%2 == 0 {
			xNyq += xi
		} else {
			xNyq -= xi
		}
	}
	total := float64(n)*sq - x0*x0
	if n%2 == 0 {
		total += xNyq * xNyq
	}
	total /= 2
	band := 0.0
	cos, sin := dftTable(n)
	for k := 1; k <= n/2; k++ {
		if hz := float64(k) / (float64(n) * hopS); hz < 2 || hz > 8 {
			continue
		}
		var re, im float64
		j := 0
		for _, xi := range x {
			re += xi * cos[j]
			im -= xi * sin[j]
			if j += k; j >= n {
				j -= n
			}
		}
		band += re*re + im*im
	}
	if total == 0 {
		return 0
	}
	return band / total
}

// dftTable is cos and sin of 2πj/n for j < n, computed once per n (the
// modulation DFT runs every 50 ms over windows of one size).
func dftTable(n int) ([]float64, []float64) {
	dftMu.Lock()
	defer dftMu.Unlock()
	if t, ok := dftCache[n]; ok {
		return t[0], t[1]
	}
	c, s := make([]float64, n), make([]float64, n)
	for j := range c {
		c[j] = math.Cos(2 * math.Pi * float64(j) / float64(n))
		s[j] = math.Sin(2 * math.Pi * float64(j) / float64(n))
	}
	dftCache[n] = [2][]float64{c, s}
	return c, s
}

// countSyllables counts loudness peaks at least 3 dB over the dips on
// both sides and 80 ms apart: one per syllable nucleus.
func countSyllables(fr []soundFrame) int {
	n := len(fr)
	if n < 5 {
		return 0
	}
	sm := make([]float64, n)
	for i := range fr {
		s, c := 0.0, 0
		for k := max(0, i-2); k <= min(n-1, i+2); k++ {
			s += math.Max(fr[k].db, silenceDBFS)
			c++
		}
		sm[i] = s / float64(c)
	}
	count, last := 0, -100
	for i := 1; i < n-1; i++ {
		if sm[i] < sm[i-1] || sm[i] < sm[i+1] || i-last < 8 {
			continue
		}
		lmin, rmin := sm[i], sm[i]
		for k := i; k >= max(0, i-25); k-- {
			lmin = math.Min(lmin, sm[k])
		}
		for k := i; k <= min(n-1, i+25); k++ {
			rmin = math.Min(rmin, sm[k])
		}
		if sm[i]-lmin >= 3 && sm[i]-rmin >= 3 {
			count++
			last = i
		}
	}
	return count
}
