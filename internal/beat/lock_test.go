package beat

import (
	"math"
	"testing"
)

// sixteenthPickup is a steady 4/4 tune at bpm from 0:00 (a low note and a
// chord on every beat) with a louder note a sixteenth before every beat
// but the first, as the module AnarchyMenu1.mod (freedroid-data) has notes
// on rows 3, 7, 11, 15 of every sixteen besides its beats.
func sixteenthPickup(bpm, dur float64) ([]float32, []float64) {
	out := make([]float32, int(dur*sr))
	p := 60 / bpm
	var beats []float64
	for i := 0; float64(i)*p < dur-0.3; i++ {
		t := float64(i) * p
		beats = append(beats, math.Round(t*1000)/1000)
		tone(out, t, 110, 0.5, 9)
		tone(out, t, 440, 0.2, 12)
		if i > 0 {
			tone(out, t-p/4, 660, 0.42, 14)
		}
	}
	return out, beats
}

// TestNoSlipOntoASixteenth: the grid followed the louder sixteenth, a
// quarter beat early, bending its period at the start to get there (the
// module above: F 0.07 at 107.35 BPM for 107.14); the music starts on the
// beat at 0:00, and the beats must stay on the beat from there to the end
// at the tune's tempo.
func TestNoSlipOntoASixteenth(t *testing.T) {
	t.Parallel()
	for _, bpm := range []float64{107.14, 125} {
		x, ref := sixteenthPickup(bpm, 30)
		r := Analyze(x, sr, Options{})
		if math.Abs(r.BPM-bpm)/bpm > 0.003 {
			t.Errorf("%g BPM: got %.2f (conf %.2f, reason %q)", bpm, r.BPM, r.Confidence, r.Reason)
			continue
		}
		if f := fmeasure(r.Beats, ref, 0.07); f < 0.95 {
			t.Errorf("%g BPM: beat F %.2f, beats %v", bpm, f, r.Beats[:min(8, len(r.Beats))])
		}
		if len(r.Beats) == 0 || r.Beats[0] > 0.03 {
			t.Errorf("%g BPM: first beat %v, want 0:00", bpm, r.Beats[:min(1, len(r.Beats))])
		}
	}
}

// TestSteadyOnTheGrid: a tune whose tempo shows in only some stretches
// but whose many onsets keep to the beat grid's sixteenths is music (two
// tracker modules measured consistency 0.67 and 0.17, grid fit 0.98 and
// 0.99, and were refused); an uneven pulse is still refused when the
// onsets fall anywhere (speech fits 0.41–0.46) or are too few to tell.
func TestSteadyOnTheGrid(t *testing.T) {
	opt := Options{}.withDefaults()
	for _, c := range []struct {
		conf, cons, gaps, fit float64
		n                     int
		want                  bool
	}{
		{0.74, 0.67, 0.02, 0.98, 120, true},
		{0.72, 0.17, 0.00, 0.99, 150, true},
		{0.74, 0.67, 0.02, 0.46, 120, false}, // onsets anywhere
		{0.74, 0.67, 0.02, 0.98, 10, false},  // too few onsets to tell
		{0.20, 1.00, 0.00, 1.00, 120, false}, // no periodicity at all
		{0.63, 0.75, 0.25, 0.44, 40, false},  // talk: pauses, onsets anywhere
		{0.80, 1.00, 0.00, 0.50, 80, true},   // a steady tune with few sixteenths
	} {
		if got := steady(c.conf, c.cons, c.gaps, c.fit, c.n, opt); got != c.want {
			t.Errorf("steady(conf %.2f, cons %.2f, gaps %.2f, fit %.2f, %d onsets) = %v, want %v", c.conf, c.cons, c.gaps, c.fit, c.n, got, c.want)
		}
	}
}
