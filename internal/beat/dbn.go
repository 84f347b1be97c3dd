package beat

import (
	"math"
	"sort"
)

// The beat tracker is a hidden Markov model over tempo and beat phase in
// the spirit of Krebs, Böck and Widmer (2015): the hidden state is the
// beat period τ (in frames) and the frames since the last beat; the phase
// moves one frame a frame, a beat happens when it wraps, and only then may
// the period change, at a cost that grows with the size of the change.
// Because the phase can only advance, a half-beat slip needs many beats of
// a wrong tempo and costs far more than the music gains from it: the grid
// stays on one phase unless the music really changes.
//
// With rewards only at beats (a score of the onset strength there), the Viterbi recursion collapses to one over
// beat times: B_τ(t) = r(t) + max_τ' [B_τ'(t−τ') − λ|τ/τ'−1|], which costs
// O(frames × periods²) and no per-phase state.

const (
	// upsample is the tracker's resolution in envelope frames: two states
	// per frame make the period steps about 1 % at 120 BPM.
	upsample = 2
	// tempoSpan is how far (as a fraction) the tracked tempo may wander
	// from the global estimate.
	tempoSpan = 0.12
	// changeCost is λ: the log-probability cost of a relative period
	// change of 1 (Krebs et al. use 100).
	changeCost = 100.0
	// beatGain weighs a beat's onset strength against the cost of a
	// period change: four times the strength (in units of the 99th
	// percentile) minus one is the reward of a beat. Chosen on the dev
	// corpus against a saturating log-odds reward, which tied drums on
	// the beat with hats off it.
	beatGain = 4.0
)

// trackResult is the tracked grid: beat times in seconds and the period of
// each beat interval in seconds.
type trackResult struct {
	beats   []float64
	periods []float64
}

// trackDBN tracks beats on the strength curve v (one value per envelope
// frame, at rate frames a second) around bpm.
func trackDBN(v []float64, rate, bpm float64) trackResult {
	n0 := len(v)
	if n0 < 4 || bpm <= 0 {
		return trackResult{}
	}
	// the reward of a beat grows with the strength over its 99th
	// percentile without saturating, so the loudest onsets (the drums on
	// the beat) keep their edge over the rest; a beat on nothing costs 1
	ref := percentile(v, 0.99)
	if ref <= 0 {
		return trackResult{}
	}
	n := n0 * upsample
	r := make([]float64, n)
	for i := range n {
		// linear interpolation between envelope frames
		x := float64(i) / upsample
		j := int(x)
		f := x - float64(j)
		y := v[j]
		if j+1 < n0 {
			y = (1-f)*v[j] + f*v[j+1]
		}
		r[i] = beatGain*math.Max(0, y/ref) - 1
	}
	p0 := 60 * rate * upsample / bpm
	lo := int(math.Floor(p0 * (1 - tempoSpan)))
	hi := int(math.Ceil(p0 * (1 + tempoSpan)))
	lo = max(lo, 2)
	if hi >= n {
		return trackResult{}
	}
	nt := hi - lo + 1
	// cost[k'][k]: moving from period lo+k' to lo+k
	cost := make([][]float64, nt)
	for a := range nt {
		cost[a] = make([]float64, nt)
		for b := range nt {
			cost[a][b] = changeCost * math.Abs(float64(lo+b)/float64(lo+a)-1)
		}
	}
	// B[t*nt+k]: best score of a path with a beat at t whose period is lo+k
	B := make([]float64, n*nt)
	back := make([]int16, n*nt) // the previous beat's period index, -1 for the first beat
	neg := math.Inf(-1)
	for t := range n {
		for k := range nt {
			tau := lo + k
			best, arg := neg, -1
			if t < tau { // the first beat: anywhere in the first period
				best = 0
			}
			for kp := range nt {
				tp := t - (lo + kp)
				if tp < 0 {
					continue
				}
				if s := B[tp*nt+kp] - cost[kp][k]; s > best {
					best, arg = s, kp
				}
			}
			B[t*nt+k] = r[t] + best
			back[t*nt+k] = int16(arg)
		}
	}
	// the last beat: within one period of the end
	bt, bk, bs := -1, -1, neg
	for k := range nt {
		for t := max(0, n-(lo+k)); t < n; t++ {
			if s := B[t*nt+k]; s > bs {
				bt, bk, bs = t, k, s
			}
		}
	}
	if bt < 0 {
		return trackResult{}
	}
	var frames []int
	var taus []int
	for t, k := bt, bk; ; {
		frames = append(frames, t)
		taus = append(taus, lo+k)
		kp := int(back[t*nt+k])
		if kp < 0 {
			break
		}
		t -= lo + kp
		k = kp
	}
	for l, q := 0, len(frames)-1; l < q; l, q = l+1, q-1 {
		frames[l], frames[q] = frames[q], frames[l]
		taus[l], taus[q] = taus[q], taus[l]
	}
	out := trackResult{}
	for i, f := range frames {
		x := float64(f) / upsample
		out.beats = append(out.beats, snapTo(v, int(math.Round(x)), 1, x)/rate)
		if i > 0 {
			out.periods = append(out.periods, float64(f-frames[i-1])/upsample/rate)
		}
	}
	return out
}

// tempoChanges finds where the tracked tempo moves and stays moved: the
// median period over eight beats leaves the current level by more than
// 4 %. The change is placed where the new period took the majority of the
// window; global is unused except to refuse nonsense.
func tempoChanges(beats, periods []float64, global float64) []Change {
	const win = 8
	if len(periods) < 2*win || global <= 0 || len(beats) < len(periods) {
		return nil
	}
	level := func(i int) float64 { // median period of the window starting at beat i
		w := append([]float64(nil), periods[i:i+win]...)
		sort.Float64s(w)
		return (w[win/2-1] + w[win/2]) / 2
	}
	var out []Change
	cur := level(0)
	for i := 1; i+win <= len(periods); i++ {
		p := level(i)
		if math.Abs(p/cur-1) <= 0.04 {
			continue
		}
		j := min(len(periods)-win, i+win/2) // the window now wholly after the change
		cur = level(j)
		out = append(out, Change{T: beats[i+win/2], BPM: 60 / cur})
		i = j
	}
	return out
}

// Change is a point where the tracked tempo really changes.
type Change struct {
	T, BPM float64
}

// snapTo moves a beat at sub-frame position x (nearest frame f) to the
// strongest envelope peak within ±r frames when one stands clearly above
// the grid position, with parabolic interpolation; otherwise it keeps x.
func snapTo(v []float64, f, r int, x float64) float64 {
	f = max(0, min(len(v)-1, f))
	best := f
	for j := max(0, f-r); j <= min(len(v)-1, f+r); j++ {
		if v[j] > v[best] {
			best = j
		}
	}
	if best == f || v[best] <= v[f]*1.2 {
		return x
	}
	return parabolic(v, best)
}
