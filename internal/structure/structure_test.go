package structure

import (
	"math"
	"strings"
	"testing"
)

// loudness builds a frame-loudness curve (dBFS, 100 frames/s) from
// stretches of (seconds, level).
func loudness(parts ...[2]float64) []float64 {
	var out []float64
	for _, p := range parts {
		for range int(p[0] * 100) {
			out = append(out, p[1])
		}
	}
	return out
}

func TestSections(t *testing.T) {
	t.Parallel()
	// 120 BPM, 4/4: a bar is 2 s. Quiet intro 4 bars, build 2, loud drop 4, quiet outro 2.
	rms := loudness([2]float64{8, -40}, [2]float64{4, -22}, [2]float64{8, -8}, [2]float64{4, -40})
	var downbeats []float64
	for t := 0.0; t < 24; t += 2 {
		downbeats = append(downbeats, t)
	}
	e := EnergyCurve(rms, 100, 0.25)
	if math.Abs(e.PeakDB+8) > 0.5 || e.PeakT < 12 || e.PeakT > 18 {
		t.Errorf("peak %.1f dB at %.2f s", e.PeakDB, e.PeakT)
	}
	got := Sections(e, downbeats, 24, false)
	want := []struct {
		label      string
		start, end float64
	}{{"intro", 0, 8}, {"build", 8, 12}, {"drop", 12, 20}, {"outro", 20, 24}}
	if len(got) != len(want) {
		t.Fatalf("sections %+v", got)
	}
	for i, w := range want {
		if got[i].Label != w.label || got[i].Start != w.start || got[i].End != w.end {
			t.Errorf("section %d = %+v, want %+v", i, got[i], w)
		}
		if got[i].StartBar == 0 {
			t.Errorf("section %d has no bar numbers", i)
		}
	}
	if s := Sections(e, nil, 24, true); len(s) != 1 || s[0].Label != "speech" {
		t.Errorf("speech sections %+v", s)
	}
}

func TestHookPausesCutsOnBeats(t *testing.T) {
	t.Parallel()
	h := MeasureHook(3, 10, []float64{0.5, 1.5, 2.9, 4}, []float64{0.1, 0.6, 1.1, 5}, []float32{0.1, 0.1, 0.1, 0.1}, 1)
	if h.Cuts != 3 || h.CutDensity != 1 || h.OnsetDensity != 1 || h.Score <= 0 || h.Score > 1 {
		t.Errorf("hook %+v", h)
	}
	if h := MeasureHook(3, 2, nil, nil, nil, 0); h.WindowS != 2 {
		t.Errorf("short clip window %.1f", h.WindowS)
	}
	p := Pauses(loudness([2]float64{2, -10}, [2]float64{1, -60}, [2]float64{2, -10}, [2]float64{0.2, -60}, [2]float64{1, -10}), 100, 0.4)
	if len(p) != 1 || p[0].Start != 2 || p[0].End != 3 {
		t.Errorf("pauses %+v", p)
	}
	if n := CutsOnBeats([]float64{0.52, 1.2, 2.0}, []float64{0.5, 1.0, 1.5, 2.0}, 0.07); n != 2 {
		t.Errorf("cuts on beats %d, want 2", n)
	}
}

func FuzzSections(f *testing.F) {
	f.Add([]byte{10, 200, 30, 40}, 3.0, uint8(4))
	f.Fuzz(func(t *testing.T, levels []byte, dur float64, bars uint8) {
		if len(levels) > 5000 || math.IsNaN(dur) || dur > 1e4 {
			return
		}
		rms := make([]float64, len(levels))
		for i, l := range levels {
			rms[i] = -float64(l) / 3
		}
		e := EnergyCurve(rms, 100, 0.25)
		var db []float64
		for i := range int(bars) {
			db = append(db, float64(i)*dur/float64(bars+1))
		}
		for _, s := range Sections(e, db, dur, bars == 0) {
			if s.End < s.Start || s.Energy < 0 || s.Energy > 1 {
				t.Fatalf("section %+v", s)
			}
		}
	})
}

// TestSectionsFlatAndVerse: a track whose loudness never changes has no
// drop (a bar of intro and outro around a verse), and a middle-level
// stretch that leads into nothing louder is a verse, not a break.
func TestSectionsFlatAndVerse(t *testing.T) {
	t.Parallel()
	var downbeats []float64
	for t := 0.0; t < 24; t += 2 {
		downbeats = append(downbeats, t)
	}
	flat := Sections(EnergyCurve(loudness([2]float64{24, -12}), 100, 0.25), downbeats, 24, false)
	labels := map[string]bool{}
	for _, s := range flat {
		labels[s.Label] = true
	}
	if labels["drop"] || !labels["verse"] || flat[0].Label != "intro" || flat[len(flat)-1].Label != "outro" {
		t.Errorf("flat track sections %+v", flat)
	}
	if flat[0].Start != 0 || flat[len(flat)-1].End != 24 {
		t.Errorf("flat sections do not cover the clip: %+v", flat)
	}
	// quiet intro 2 bars, loud drop 3 bars, middle level 4 bars, quiet 3 bars
	v := Sections(EnergyCurve(loudness([2]float64{4, -40}, [2]float64{6, -8}, [2]float64{8, -24}, [2]float64{6, -40}), 100, 0.25), downbeats, 24, false)
	got := []string{}
	for _, s := range v {
		got = append(got, s.Label)
	}
	if strings.Join(got, " ") != "intro drop verse outro" {
		t.Errorf("sections %v, want intro drop verse outro", got)
	}
	if s := Sections(EnergyCurve(loudness([2]float64{12, -20}), 100, 0.25), nil, 12, true); len(s) != 1 || s[0].Label != "speech" {
		t.Errorf("speech sections %+v", s)
	}
}
