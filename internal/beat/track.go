package beat

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
