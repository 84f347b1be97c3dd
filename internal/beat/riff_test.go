package beat

import (
	"math"
	"testing"
)

// riffTune is one bar of sixteen rows (four a beat) with plucked notes on
// a fixed set of rows, repeated bar after bar: the sparse texture of a
// tracker tune, with silence between the notes. It returns the samples
// and the beat times.
func riffTune(bpm, dur float64, rows []int) ([]float32, []float64) {
	out := make([]float32, int(dur*sr))
	row := 60 / bpm / 4
	pitch := []float64{0, 7, 12, 4, 7, 16, 12, 9, 0, 5, 12, 7, 14, 9, 4, 11}
	var beats []float64
	for bar := 0; float64(bar*16)*row < dur-0.3; bar++ {
		for _, r := range rows {
			t := float64(bar*16+r) * row
			if t >= dur-0.3 {
				break
			}
			amp := 0.15
			if r == 0 {
				amp = 0.25
			}
			tone(out, t, 130.8*math.Pow(2, pitch[r]/12), amp, 7)
		}
		for b := range 4 {
			if t := float64(bar*16+4*b) * row; t < dur-0.3 {
				beats = append(beats, t)
			}
		}
	}
	return out, beats
}

// A sparse riff repeated bar after bar pauses as often as speech does
// (gaps 0.18–0.36), which the beat decision took for speech: "no steady
// beat" for a steady tune. Its notes sit on the grid's sixteenths, where
// syllables do not.
func TestSparseRiffIsSteady(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		bpm  float64
		rows []int
	}{
		{129, []int{0, 4, 5, 6, 7, 8, 14}},
		{112, []int{0, 1, 2, 5, 7, 9, 15}},
		{94, []int{0, 2, 3, 4, 8, 14}},
		{90, []int{0, 1, 2, 10, 12, 13, 14, 15}},
	} {
		x, _ := riffTune(c.bpm, 16, c.rows)
		r := Analyze(x, sr, Options{})
		if r.BPM == 0 {
			t.Errorf("riff %v at %g: no tempo (%q, conf %.2f, gaps %.2f, grid fit %.2f)", c.rows, c.bpm, r.Reason, r.Confidence, r.Gaps, r.GridFit)
			continue
		}
		ok := false
		for _, f := range []float64{1, 2, 0.5} {
			ok = ok || math.Abs(r.BPM/(c.bpm*f)-1) <= 0.04
		}
		if !ok {
			t.Errorf("riff %v at %g: got %.2f BPM", c.rows, c.bpm, r.BPM)
		}
		if r.GridFit < gridMusic {
			t.Errorf("riff %v at %g: grid fit %.2f", c.rows, c.bpm, r.GridFit)
		}
	}
}

// gridFit is near 1 for onsets on the sixteenths and near chance (0.4)
// for onsets spread evenly over the beat.
func TestGridFit(t *testing.T) {
	beats := []float64{0, 0.5, 1, 1.5, 2}
	var on, spread []float64
	for i := range 16 {
		on = append(on, float64(i)*0.125+0.005)
	}
	for i := range 100 {
		spread = append(spread, float64(i)*0.02+0.001)
	}
	if f := gridFit(on, beats); f < 0.99 {
		t.Errorf("onsets on the sixteenths: fit %.2f", f)
	}
	if f := gridFit(spread, beats); f < 0.3 || f > 0.5 {
		t.Errorf("onsets spread evenly: fit %.2f, want about 0.4", f)
	}
	if f := gridFit(nil, beats); f != 0 {
		t.Errorf("no onsets: fit %.2f", f)
	}
}
