package beat

import (
	"math"
	"testing"
)

// padThenKick is a held two-note pad from 0:00 (no attack after the first
// few milliseconds) and a swept sine kick every beat from entry seconds.
func padThenKick(bpm, dur, entry float64) ([]float32, []float64) {
	out := make([]float32, int(dur*sr))
	for i := range out {
		t := float64(i) / sr
		out[i] = float32(0.12 * math.Min(1, t*50) * (math.Sin(2*math.Pi*220*t) + math.Sin(2*math.Pi*330*t)))
	}
	p := 60 / bpm
	var kicks []float64
	for t := entry; t < dur-0.2; t += p {
		kicks = append(kicks, t)
		s := int(t * sr)
		phase := 0.0
		for k := 0; k < sr*15/100 && s+k < len(out); k++ {
			x := float64(k) / sr
			hz := 120 - (120-45)*x/0.15
			phase += 2 * math.Pi * hz / sr
			out[s+k] += float32(0.7 * math.Sin(phase) * math.Exp(-x*14))
		}
	}
	return out, kicks
}

func near(xs []float64, x, tol float64) bool {
	for _, v := range xs {
		if math.Abs(v-x) <= tol {
			return true
		}
	}
	return false
}

// TestLeadInBeforeTheDrums: with a pad before a kick that enters at 7.2 s
// the tempo is the kick's (it read 118.6 for 120 when the wobbling beats the
// tracker laid through the pad took part in the fit), the lead-in beats are
// even at that period, and the heard beats sit on the kicks,
// bar 1 of the heard music starts on its first kick, and every downbeat is
// one of the reported beats (they were placed on the unevened ones).
func TestLeadInBeforeTheDrums(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ bpm, entry float64 }{{120, 7.2}, {100, 6}, {128, 4.7}} {
		x, kicks := padThenKick(c.bpm, 14.4, c.entry)
		r := Analyze(x, sr, Options{})
		if r.BPM == 0 {
			t.Errorf("%g BPM from %g s: no tempo (%q)", c.bpm, c.entry, r.Reason)
			continue
		}
		if math.Abs(r.BPM-c.bpm) > 0.3 {
			t.Errorf("%g BPM from %g s: tempo %.2f", c.bpm, c.entry, r.BPM)
		}
		var heard, lead []float64
		for _, b := range r.Beats {
			if b >= c.entry-0.07 {
				heard = append(heard, b)
			} else {
				lead = append(lead, b)
			}
		}
		if f := fmeasure(heard, kicks, 0.07); f < 0.95 {
			t.Errorf("%g BPM from %g s: beat F %.2f on the kicks", c.bpm, c.entry, f)
		}
		p := 60 / c.bpm
		for i := 1; i < len(lead); i++ {
			if i == 1 && lead[0] == 0 {
				continue // a beat within 30 ms of 0:00 is put at 0:00
			}
			if d := lead[i] - lead[i-1]; math.Abs(d-p) > 0.006 {
				t.Errorf("%g BPM from %g s: lead-in beats %v uneven (%.3f for %.3f)", c.bpm, c.entry, lead, d, p)
				break
			}
		}
		if len(heard) > 0 && !near(r.Downbeats, heard[0], 0.001) {
			t.Errorf("%g BPM from %g s: no downbeat on the kick's entry %.3f (downbeats %v)", c.bpm, c.entry, heard[0], r.Downbeats)
		}
		for _, d := range r.Downbeats {
			if !near(r.Beats, d, 0.001) {
				t.Errorf("%g BPM from %g s: downbeat %.3f is not a beat", c.bpm, c.entry, d)
				break
			}
		}
		if len(lead) > 0 && len(heard) > 0 && math.Abs(heard[0]-lead[len(lead)-1]-p) > 0.01 {
			t.Errorf("%g BPM from %g s: lead-in ends %.3f before the first heard beat", c.bpm, c.entry, heard[0]-lead[len(lead)-1])
		}
	}
}
