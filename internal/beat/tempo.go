package beat

import "math"

// Tempo estimates the tempo of an onset envelope in BPM with a confidence
// in [0,1]. It returns 0 when no tempo can be measured.
func Tempo(env *Envelope, opt Options) (bpm, confidence float64) {
	opt = opt.withDefaults()
	n := len(env.Values)
	minLag := int(math.Floor(60 / opt.MaxBPM * env.Rate))
	maxLag := int(math.Ceil(60 / opt.MinBPM * env.Rate))
	if minLag < 1 || n < 2*maxLag+2 {
		return 0, 0
	}
	acf := bandACF(env, 3*maxLag+3)
	if acf == nil {
		return 0, 0
	}
	// Enhanced score: a beat period also shows at twice and (weaker) three
	// times its lag; adding those favours the true period over its halves.
	best, bestScore := 0, math.Inf(-1)
	score := make([]float64, maxLag+1)
	for lag := minLag; lag <= maxLag; lag++ {
		a := acf[lag]
		s := a + 0.5*math.Min(a, acfAt(acf, 2*float64(lag))) + 0.25*math.Min(a, acfAt(acf, 3*float64(lag)))
		b := 60 * env.Rate / float64(lag)
		prior := math.Exp(-0.5 * math.Pow(math.Log2(b/opt.PriorBPM)/0.9, 2))
		score[lag] = s * prior
		if score[lag] > bestScore && isPeak(acf, lag) {
			best, bestScore = lag, score[lag]
		}
	}
	// The strongest slow periodicity (half bars, bars) fixes the metre the
	// beat must divide; it also survives noise that buries every faster
	// pulse.
	bar, short := barLags(acf, maxLag)
	if bar > 0 && best > 0 && !(divides(bar, best) && divides(short, best)) {
		// A beat that does not divide the bar is a syncopation's spacing
		// (dembow's snare three sixteenths apart): take the best divisor.
		if l := metricalBeat(acf, score, bar, short, minLag, maxLag); l > 0 {
			best = l
		}
	}
	if best == 0 {
		return 0, 0
	}
	peak := acf[best]
	if bar > 0 && peak < acf[bar]/4 {
		// The beat level is buried (music under loud noise) but the bar
		// repeats clearly: the beat is the divisor the faster pulses back.
		if l := metricalBeat(acf, score, bar, short, minLag, maxLag); l > 0 && l != best {
			best = l
		}
		peak = math.Max(peak, acf[bar])
	}
	// Half-time feel: a backbeat at the slow level with a steady sixteenth
	// layer (trap hats) is counted at twice the tempo, as producers do.
	if fast := 60 * env.Rate / float64(best) * 2; fast <= 170 && best/2 >= minLag {
		quarter := acfAt(acf, float64(best)/4)
		ref := math.Max(acf[best], acfAt(acf, float64(best)/2))
		if ref > 0 && quarter > 0.3*ref {
			if l := localPeak(acf, best/2); l > 0 {
				best = l
			}
		}
	}
	lag := parabolic(acf, best)
	bpm = 60 * env.Rate / lag
	// Confidence: the height of the periodicity against the scatter of the
	// autocorrelation elsewhere, squashed to [0,1].
	conf := peak
	var base float64
	cnt := 0
	for l := minLag; l <= maxLag; l++ {
		base += math.Abs(acf[l])
		cnt++
	}
	base /= float64(cnt)
	confidence = clamp01((conf - base) / 0.35)
	return bpm, confidence
}

// barStrength is the autocorrelation a periodicity beyond the tempo range
// must reach to count as a bar: noise and speech stay under 0.1 on the
// generated corpus, music under 5 dB SNR noise keeps 0.25.
const barStrength = 0.16

// barLags returns the strongest autocorrelation peak slower than maxLag
// (a bar, two bars) and the shortest one nearly as strong (a half bar, a
// bar), or zeros when none reaches barStrength. A beat must divide both:
// two bars repeat as well as one, and a waltz's six beats alone would
// admit a two-beat "beat".
func barLags(acf []float64, maxLag int) (long, short int) {
	for l := maxLag + 1; l < len(acf)-1; l++ {
		if isPeak(acf, l) && (long == 0 || acf[l] > acf[long]) {
			long = l
		}
	}
	if long == 0 || acf[long] < barStrength {
		return 0, 0
	}
	for l := maxLag + 1; l <= long; l++ {
		if isPeak(acf, l) && acf[l] >= 0.85*acf[long] {
			return long, l
		}
	}
	return long, long
}

// divides reports whether beat lag l fits a whole number (2 to 8) of
// times into bar lag p, within 3 %.
func divides(p, l int) bool {
	k := math.Round(float64(p) / float64(l))
	return k >= 2 && k <= 8 && math.Abs(float64(p)/(k*float64(l))-1) <= 0.03
}

// metricalBeat picks, among the tempo-range peaks that divide bar lags p
// and q (q ≤ p), the one whose pulses inside p are strongest on average,
// weighed by the tempo score's prior. It returns 0 when no peak divides.
func metricalBeat(acf, score []float64, p, q, minLag, maxLag int) int {
	best, bestScore := 0, 0.0
	for l := minLag; l <= maxLag; l++ {
		if !isPeak(acf, l) || acf[l] <= 0 || !divides(p, l) || !divides(q, l) {
			continue
		}
		k := int(math.Round(float64(p) / float64(l)))
		lag := float64(p) / float64(k)
		// the pulses before p; p itself is common to all
		var pulse float64
		for j := 1; j < k; j++ {
			pulse += acfAt(acf, float64(j)*lag)
		}
		pulse /= float64(k - 1)
		// the prior alone: score[l] over its unweighted value
		prior := 1.0
		if s := acf[l]; s > 0 && score[l] > 0 {
			prior = math.Min(1, score[l]/(s+0.5*math.Min(s, acfAt(acf, 2*float64(l)))+0.25*math.Min(s, acfAt(acf, 3*float64(l)))))
		}
		if v := pulse * prior; v > bestScore {
			best, bestScore = l, v
		}
	}
	return best
}

// localPeak returns the highest lag within ±2 of i.
func localPeak(a []float64, i int) int {
	best := -1
	for j := max(1, i-2); j <= min(len(a)-2, i+2); j++ {
		if best < 0 || a[j] > a[best] {
			best = j
		}
	}
	return best
}

func isPeak(a []float64, i int) bool {
	return i > 0 && i < len(a)-1 && a[i] >= a[i-1] && a[i] >= a[i+1]
}

func acfAt(a []float64, x float64) float64 {
	i := int(x)
	if i+1 >= len(a) || i < 0 {
		return 0
	}
	// the local maximum near x, because multiples of a fractional lag drift
	m := a[i]
	for j := max(0, i-1); j <= min(len(a)-1, i+2); j++ {
		m = math.Max(m, a[j])
	}
	return m
}

func parabolic(a []float64, i int) float64 {
	if i <= 0 || i >= len(a)-1 {
		return float64(i)
	}
	l, c, r := a[i-1], a[i], a[i+1]
	d := l - 2*c + r
	if d >= 0 {
		return float64(i)
	}
	off := 0.5 * (l - r) / d
	if off > 0.5 || off < -0.5 {
		return float64(i)
	}
	return float64(i) + off
}

// bandACF is the mean of the normalised autocorrelations of the band
// envelopes: a kick every bar and a snare every beat each keep their own
// period instead of blurring into an eighth-note grid.
func bandACF(env *Envelope, lags int) []float64 {
	var sum []float64
	used := 0.0
	for k, b := range env.Bands {
		if len(b) < 2 {
			continue
		}
		// the first frame's rise from silence is no periodicity: leave it out
		a := autocorr(highpass(b[1:], int(env.Rate)), lags)
		if a[0] <= 1e-12 {
			continue
		}
		if sum == nil {
			sum = make([]float64, lags)
		}
		for i := range a {
			sum[i] += bandWeight[k] * a[i] / a[0]
		}
		used += bandWeight[k]
	}
	if used == 0 {
		return nil
	}
	for i := range sum {
		sum[i] /= used
	}
	return sum
}

// bandWeight weighs the low, middle and high bands: the bass drum and bass
// line mark beats most reliably across styles.
var bandWeight = [3]float64{0.4, 0.25, 0.35}

// highpass removes the slow trend (a moving mean over about one second)
// and half-wave rectifies, so loudness swells do not look like periodicity.
func highpass(v []float64, win int) []float64 {
	if win < 1 {
		win = 1
	}
	out := make([]float64, len(v))
	var sum float64
	half := win / 2
	// prefix sums make the moving mean O(n)
	pre := make([]float64, len(v)+1)
	for i, x := range v {
		pre[i+1] = pre[i] + x
	}
	for i := range v {
		lo, hi := max(0, i-half), min(len(v), i+half+1)
		sum = (pre[hi] - pre[lo]) / float64(hi-lo)
		if d := v[i] - sum; d > 0 {
			out[i] = d
		}
	}
	return out
}

// autocorr returns the autocorrelation of v for lags [0, n).
func autocorr(v []float64, n int) []float64 {
	mean, _ := meanStd(v)
	x := make([]float64, len(v))
	for i := range v {
		x[i] = v[i] - mean
	}
	out := make([]float64, n)
	for lag := 0; lag < n && lag < len(x); lag++ {
		var s float64
		for i := lag; i < len(x); i++ {
			s += x[i] * x[i-lag]
		}
		out[lag] = s / float64(len(x)-lag) * float64(len(x)) / float64(len(x))
	}
	return out
}

func clamp01(x float64) float64 {
	if x < 0 || x != x {
		return 0
	}
	if x > 1 {
		return 1
	}
	return x
}
