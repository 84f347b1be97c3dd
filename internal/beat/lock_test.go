package beat

import (
	"math"
	"math/rand"
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

// loudOffbeats is a tune at bpm from start seconds: a soft low note and
// chord on every beat and a louder low note and a bright one on every
// offbeat, as the
// modules android-commando_hiscore (freedroid-data) and circuslinux's
// hiscore carry more on their odd rows than on the beat rows. With noise
// above 0, white noise at that level plays from 0:00.
func loudOffbeats(bpm, dur, start, noise float64) ([]float32, []float64) {
	rng := rand.New(rand.NewSource(int64(bpm)))
	out := make([]float32, int(dur*sr))
	for i := range out {
		out[i] = float32(noise * (2*rng.Float64() - 1))
	}
	p := 60 / bpm
	var beats []float64
	for i := 0; start+float64(i)*p < dur-0.3; i++ {
		t := start + float64(i)*p
		beats = append(beats, math.Round(t*1000)/1000)
		tone(out, t, 130.8, 0.25, 8)
		tone(out, t, 392, 0.1, 10)
		tone(out, t+p/2, 164.8, 0.2, 8)
		tone(out, t+p/2, []float64{659.3, 784, 880, 784}[i%4], 0.1, 10)
	}
	return out, beats
}

// TestMusicFromZeroKeepsItsFirstBeat: when the music starts with the file,
// its first note is a beat even if the offbeats are louder (the four
// modules were tracked half a beat off, F 0); music that comes in at 0.4 s
// under noise that starts at 0:00 is not anchored on the noise's onset.
func TestMusicFromZeroKeepsItsFirstBeat(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ bpm, start, noise float64 }{{125, 0, 0}, {93.75, 0, 0}, {160, 0, 0}, {125, 0.4, 0.05}, {142.9, 0.33, 0.05}} {
		x, ref := loudOffbeats(c.bpm, 20, c.start, c.noise)
		r := Analyze(x, sr, Options{})
		if math.Abs(r.BPM-c.bpm)/c.bpm > 0.01 {
			t.Errorf("%g BPM from %g s: got %.2f (conf %.2f, reason %q)", c.bpm, c.start, r.BPM, r.Confidence, r.Reason)
			continue
		}
		if f := fmeasure(r.Beats, ref, 0.07); f < 0.95 {
			t.Errorf("%g BPM from %g s: beat F %.2f, beats %v", c.bpm, c.start, f, r.Beats[:min(6, len(r.Beats))])
		}
	}
}

// TestMusicAtStart: the loudness of the first frames against the file's
// quiet frames tells music starting with the file from a noise floor the
// music comes in over.
func TestMusicAtStart(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		start float64
		noise float64
		want  bool
	}{{"music at 0:00", 0, 0, true}, {"music at 0:00 over noise", 0, 0.05, true}, {"noise, then music", 0.4, 0.05, false}, {"silence, then music", 0.4, 0, false}} {
		x, _ := loudOffbeats(120, 10, c.start, c.noise)
		if got := musicAtStart(OnsetStrength(x, sr).RMS); got != c.want {
			t.Errorf("%s: musicAtStart %v, want %v", c.name, got, c.want)
		}
	}
}
