package beat

import "math"

// lowWeight is how much the bass-band flux adds to the full-band flux the
// tracker follows: kick drums and bass notes sit on the beat, while a loud
// syncopated snare (dembow's three-three-two) would pull the beats off it.
const lowWeight = 0.15

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

// onTheBass moves a grid that sits between the bass hits onto them: when
// the bass half a beat after the tracked beats are at least
// twice those on them, the tracker followed something between the beats
// (a hi-hat on the offbeat is loud in the full band and the bass weighs
// only lowWeight) and a listener taps the kick. The new beats are the
// midpoints of the old ones, plus one before the first when it falls in
// the file (within 30 ms of 0:00 it is 0:00) and one after the last.
func onTheBass(env *Envelope, beats []float64, dur float64) []float64 {
	n := len(beats)
	if n < 8 {
		return beats
	}
	// the bass power just after t: the largest linear power of the low
	// mel bands over the next 60 ms (a log-domain flux would count a soft
	// noise hit rising out of silence as much as a kick)
	if len(env.Mel) == 0 {
		return beats
	}
	lowAt := func(t float64) float64 {
		f := int(math.Round(t * env.Rate))
		var best float64
		for j := max(0, f-1); j <= min(len(env.Mel)-1, f+5); j++ {
			var s float64
			for b := 0; b < lowBins && b < len(env.Mel[j]); b++ {
				s += math.Pow(10, float64(env.Mel[j][b])/10)
			}
			best = math.Max(best, s)
		}
		return best
	}
	mids := make([]float64, 0, n+1)
	if t := beats[0] - (beats[1]-beats[0])/2; t >= -0.03 {
		mids = append(mids, math.Max(0, t))
	}
	var on, off float64
	for i := 0; i+1 < n; i++ {
		m := (beats[i] + beats[i+1]) / 2
		mids = append(mids, m)
		on += lowAt(beats[i])
		off += lowAt(m)
	}
	if off < 2*on || off <= 0 {
		return beats
	}
	if t := beats[n-1] + (beats[n-1]-beats[n-2])/2; t < dur {
		mids = append(mids, t)
	}
	for i := range mids {
		mids[i] = math.Round(mids[i]*1000) / 1000
	}
	return mids
}
