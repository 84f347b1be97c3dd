package beat

import "math"

// evenLeadIn re-lays the beats before the music's first onset. Through a
// stretch with nothing to follow (a held pad, a voice with no attack, the
// room before the drums come in) the tracker's beats are guesses that wobble
// by tens of milliseconds, and a tempo fitted over them is off (a 120 BPM
// kick entering at 7.2 s after a pad read 118.6). The lead-in is counted
// back from the first heard beat at the heard beats' own period, so bar
// labels run on evenly from 0:00, and only heard beats set the tempo.
// It returns the beats and the index of the first heard one.
func evenLeadIn(beats, onsets []float64) ([]float64, int) {
	if len(onsets) == 0 || len(beats) < 6 {
		return beats, 0
	}
	first := onsets[0]
	for _, o := range onsets {
		first = math.Min(first, o)
	}
	k := 0
	for k < len(beats) && beats[k] < first-0.07 {
		k++
	}
	heard := beats[k:]
	if k < 2 || len(heard) < 4 {
		return beats, 0
	}
	p := lineSlope(heard)
	if p <= 0 {
		return beats, 0
	}
	var lead []float64
	for t := heard[0] - p; t >= -0.03; t -= p {
		lead = append(lead, math.Max(0, t))
	}
	out := make([]float64, 0, len(lead)+len(heard))
	for i := len(lead) - 1; i >= 0; i-- {
		out = append(out, math.Round(lead[i]*1000)/1000)
	}
	return append(out, heard...), len(lead)
}

// lineSlope is the least-squares slope of x[i] over i: the mean period of
// a steady run of beats.
func lineSlope(x []float64) float64 {
	n := float64(len(x))
	if n < 2 {
		return 0
	}
	var sx, sy, sxx, sxy float64
	for i, b := range x {
		f := float64(i)
		sx += f
		sy += b
		sxx += f * f
		sxy += f * b
	}
	return (n*sxy - sx*sy) / (n*sxx - sx*sx)
}
