package beat

import "math"

// Tightness is how strongly the tracker holds to the tempo (Ellis 2007).
const tightness = 100

// latencyS is subtracted from beat times: the spectral flux of a centred
// window rises a few milliseconds after a note's attack. Measured on the
// generated corpus.
const latencyS = 0.0

// Track places beats on the onset envelope at the given tempo by dynamic
// programming: each beat maximises onset strength plus the best score of a
// previous beat about one period earlier.
func Track(env *Envelope, bpm float64) []float64 {
	n := len(env.Values)
	if bpm <= 0 || n == 0 {
		return nil
	}
	period := 60 * env.Rate / bpm
	if period < 2 || float64(n) < 2*period {
		return nil
	}
	v := beatStrength(env)
	if v == nil {
		return nil
	}
	// local score: the envelope smoothed with a Gaussian a period wide
	half := int(math.Round(period))
	kern := make([]float64, 2*half+1)
	for i := range kern {
		x := float64(i-half) * 32 / period
		kern[i] = math.Exp(-0.5 * x * x)
	}
	local := make([]float64, n)
	for i := range n {
		var s float64
		for k, w := range kern {
			j := i + k - half
			if j >= 0 && j < n {
				s += v[j] * w
			}
		}
		local[i] = s
	}
	lo, hi := int(math.Round(2*period)), int(math.Round(period/2))
	txwt := make([]float64, lo-hi+1)
	for k := range txwt {
		off := float64(lo - k)
		l := math.Log(off / period)
		txwt[k] = -tightness * l * l
	}
	cum := make([]float64, n)
	back := make([]int, n)
	maxLocal := 0.0
	for _, x := range local {
		maxLocal = math.Max(maxLocal, x)
	}
	first := true
	for i := range n {
		best, arg := math.Inf(-1), -1
		for k := range txwt {
			j := i - lo + k
			if j < 0 {
				continue
			}
			if s := cum[j] + txwt[k]; s > best {
				best, arg = s, j
			}
		}
		if arg < 0 || (first && local[i] < 0.01*maxLocal) {
			cum[i] = local[i]
			back[i] = -1
		} else {
			cum[i] = local[i] + best
			back[i] = arg
		}
		if local[i] >= 0.01*maxLocal {
			first = false
		}
	}
	// the last beat: the latest local maximum of the cumulative score that
	// is at least half the median of all local maxima
	var peaks []float64
	for i := 1; i < n-1; i++ {
		if cum[i] > cum[i-1] && cum[i] >= cum[i+1] {
			peaks = append(peaks, cum[i])
		}
	}
	if len(peaks) == 0 {
		return nil
	}
	med := percentile(peaks, 0.5)
	last := -1
	for i := n - 2; i >= 1; i-- {
		if cum[i] > cum[i-1] && cum[i] >= cum[i+1] && cum[i] >= 0.5*med {
			last = i
			break
		}
	}
	if last < 0 {
		return nil
	}
	var frames []int
	for i := last; i >= 0; i = back[i] {
		frames = append(frames, i)
		if back[i] >= i {
			break
		}
	}
	for l, r := 0, len(frames)-1; l < r; l, r = l+1, r-1 {
		frames[l], frames[r] = frames[r], frames[l]
	}
	frames = trimWeak(frames, local)
	frames = trimIrregular(frames, period)
	out := make([]float64, 0, len(frames))
	for _, f := range frames {
		t := snap(v, f, 2)/env.Rate - latencyS
		if t < 0 {
			t = 0
		}
		out = append(out, t)
	}
	return out
}

// lowWeight is how much the bass-band flux adds to the full-band flux the
// tracker follows: kick drums and bass notes sit on the beat, while a loud
// syncopated snare (dembow's three-three-two) would pull the beats off it.
const lowWeight = 0.3

// beatStrength is the envelope the tracker follows: the full-band flux
// plus lowWeight times the bass-band flux, each in units of its standard
// deviation. It returns nil for a flat envelope.
func beatStrength(env *Envelope) []float64 {
	_, sd := meanStd(env.Values)
	if sd == 0 {
		return nil
	}
	_, sdLow := meanStd(env.Low)
	out := make([]float64, len(env.Values))
	for i, x := range env.Values {
		out[i] = x / sd
		if sdLow > 0 && i < len(env.Low) {
			out[i] += lowWeight * env.Low[i] / sdLow
		}
	}
	return out
}

// trimWeak drops leading and trailing beats whose local score is under
// half the RMS of all beats' scores: silence before and after the music.
func trimWeak(frames []int, local []float64) []int {
	if len(frames) == 0 {
		return frames
	}
	var ss float64
	for _, f := range frames {
		ss += local[f] * local[f]
	}
	thr := 0.5 * math.Sqrt(ss/float64(len(frames)))
	a, b := 0, len(frames)
	for a < b && local[frames[a]] < thr {
		a++
	}
	for b > a && local[frames[b-1]] < thr {
		b--
	}
	return frames[a:b]
}

// snap moves frame f to the strongest envelope peak within ±r frames,
// with sub-frame parabolic interpolation.
func snap(v []float64, f, r int) float64 {
	best := f
	for j := max(0, f-r); j <= min(len(v)-1, f+r); j++ {
		if v[j] > v[best] {
			best = j
		}
	}
	if v[best] <= v[f]*1.2 { // no clear peak nearby: trust the grid
		best = f
	}
	return parabolic(v, best)
}

// trimIrregular drops beats at either end whose spacing is off the period
// by more than 10 %: the tracker wandering into silence or off-beats.
func trimIrregular(frames []int, period float64) []int {
	ok := func(a, b int) bool { return math.Abs(float64(b-a)-period) <= 0.1*period+1 }
	for len(frames) > 2 && !ok(frames[len(frames)-2], frames[len(frames)-1]) {
		frames = frames[:len(frames)-1]
	}
	for len(frames) > 2 && !ok(frames[0], frames[1]) {
		frames = frames[1:]
	}
	return frames
}
