package beat

import (
	"math"
	"math/rand"
	"testing"
)

const sr = 22050

// drumTrack synthesises a kick on every downbeat, a snare-like noise burst
// on the other beats and a hi-hat tick on off-beats, at bpm for dur seconds.
func drumTrack(bpm float64, meter int, dur float64, seed int64) []float32 {
	rng := rand.New(rand.NewSource(seed))
	out := make([]float32, int(dur*sr))
	period := 60 / bpm
	add := func(t float64, f func(k int) float64, n int) {
		s := int(t * sr)
		for k := 0; k < n && s+k < len(out); k++ {
			out[s+k] += float32(f(k))
		}
	}
	for i := 0; float64(i)*period < dur; i++ {
		t := 0.25 + float64(i)*period
		if i%meter == 0 {
			add(t, func(k int) float64 {
				x := float64(k) / sr
				return 0.8 * math.Sin(2*math.Pi*(60+80*math.Exp(-x*30))*x) * math.Exp(-x*12)
			}, sr/3)
		} else {
			add(t, func(k int) float64 { return 0.35 * (rng.Float64()*2 - 1) * math.Exp(-float64(k)/sr*25) }, sr/6)
		}
		add(t+period/2, func(k int) float64 { return 0.1 * (rng.Float64()*2 - 1) * math.Exp(-float64(k)/sr*80) }, sr/20)
	}
	return out
}

func fmeasure(est, ref []float64, tol float64) float64 {
	used := make([]bool, len(est))
	hit := 0
	for _, r := range ref {
		for i, e := range est {
			if !used[i] && math.Abs(e-r) <= tol {
				used[i] = true
				hit++
				break
			}
		}
	}
	if len(est) == 0 || len(ref) == 0 {
		return 0
	}
	p, rc := float64(hit)/float64(len(est)), float64(hit)/float64(len(ref))
	if p+rc == 0 {
		return 0
	}
	return 2 * p * rc / (p + rc)
}

func TestAnalyzeDrums(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		bpm   float64
		meter int
	}{{90, 4}, {120, 4}, {128, 4}, {120, 3}, {100, 3}} {
		x := drumTrack(tc.bpm, tc.meter, 12, 1)
		r := Analyze(x, sr, Options{})
		if math.Abs(r.BPM-tc.bpm)/tc.bpm > 0.02 {
			t.Errorf("bpm %g/%d: got %.2f (conf %.2f, reason %q)", tc.bpm, tc.meter, r.BPM, r.Confidence, r.Reason)
			continue
		}
		var ref, refDown []float64
		for i := 0; 0.25+float64(i)*60/tc.bpm < 12; i++ {
			ref = append(ref, 0.25+float64(i)*60/tc.bpm)
			if i%tc.meter == 0 {
				refDown = append(refDown, ref[len(ref)-1])
			}
		}
		if f := fmeasure(r.Beats, ref, 0.07); f < 0.9 {
			t.Errorf("bpm %g: beat F %.2f, beats %v", tc.bpm, f, r.Beats)
		}
		if r.Meter != tc.meter {
			t.Errorf("bpm %g: meter %d, want %d", tc.bpm, r.Meter, tc.meter)
		}
		if f := fmeasure(r.Downbeats, refDown, 0.07); f < 0.8 {
			t.Errorf("bpm %g: downbeat F %.2f", tc.bpm, f)
		}
	}
}

func TestAnalyzeNoBeat(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewSource(2))
	noise := make([]float32, 8*sr)
	for i := range noise {
		noise[i] = float32(0.3 * rng.NormFloat64())
	}
	for _, tc := range []struct {
		name   string
		x      []float32
		reason string
	}{
		{"empty", nil, ReasonNoAudio},
		{"short", make([]float32, sr), ReasonTooShort},
		{"silence", make([]float32, 8*sr), ReasonSilence},
		{"noise", noise, ReasonNoBeat},
	} {
		r := Analyze(tc.x, sr, Options{})
		if r.BPM != 0 || r.Reason != tc.reason {
			t.Errorf("%s: bpm %.1f conf %.2f reason %q, want reason %q", tc.name, r.BPM, r.Confidence, r.Reason, tc.reason)
		}
	}
}
