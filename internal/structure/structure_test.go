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
// drop (one verse, start to end), and a middle-level
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
	if len(flat) != 1 || flat[0].Label != "verse" {
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

// clicks is the energy curve (hop 0.25 s) of a steady 120 BPM click
// track as the analysis measured it on the lead's clip: stretches where
// each click falls in one hop (1, 0, 1, 0…) between stretches where it
// straddles two.
var clicks = []float64{0.998, 0.844, 0.983, 0.902, 0.964, 0.945, 0.933, 0.972, 0.887, 0.987, 0.824, 0.996, 0.722, 1, 0, 1, 0, 0.999, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0.999, 0, 0.998, 0, 1, 0, 0.999, 0, 0.999, 0, 1, 0, 1, 0, 0.999, 0.688, 0.996, 0.804, 0.99, 0.873, 0.977, 0.922, 0.953, 0.959, 0.914, 0.98, 0.861, 0.992, 0.786, 0.998, 0.648, 1, 0, 1, 0, 1, 0, 0.999, 0, 1, 0, 0.999, 0, 1, 0, 1, 0, 1, 0, 0}

// TestSectionsFromCurves: labels from generated curves. Steady loudness,
// however it aliases, is one verse with no drop; a drop needs a rise from
// something quieter; an outro is at most the last quarter of the clip.
func TestSectionsFromCurves(t *testing.T) {
	t.Parallel()
	bars := func(dur, bar, first float64) []float64 {
		var out []float64
		for t := first; t < dur; t += bar {
			out = append(out, t)
		}
		return out
	}
	curve := func(f func(t float64) float64, dur float64) Energy {
		e := Energy{HopS: 0.25}
		for t := 0.0; t < dur; t += 0.25 {
			e.Values = append(e.Values, f(t))
		}
		return e
	}
	alternating := curve(func(t float64) float64 { return float64(int(t*4+1) % 2) }, 20)
	for _, tc := range []struct {
		name string
		e    Energy
		db   []float64
		dur  float64
		want string
	}{
		{"lead's click track", Energy{HopS: 0.25, Values: clicks}, bars(20, 2, 3.982), 20, "verse"},
		{"0/1 alternation", alternating, bars(20, 2, 0), 20, "verse"},
		{"flat", curve(func(float64) float64 { return 0.7 }, 20), bars(20, 2, 0), 20, "verse"},
		{"rising", curve(func(t float64) float64 { return 0.3 + 0.03*t }, 20), bars(20, 2, 0), 20, "intro build drop"},
		{"quiet then loud", curve(func(t float64) float64 { return map[bool]float64{true: 0.3, false: 0.9}[t < 8] }, 20), bars(20, 2, 0), 20, "intro drop"},
		{"loud then long quiet", curve(func(t float64) float64 { return map[bool]float64{true: 0.9, false: 0.5}[t < 5] }, 20), bars(20, 2, 0), 20, "verse verse"},
		{"loud, then a short quiet end", curve(func(t float64) float64 { return map[bool]float64{true: 0.4, false: 0.9}[t < 4 || t >= 16] }, 20), bars(20, 2, 0), 20, "intro drop outro"},
	} {
		var got []string
		ss := Sections(tc.e, tc.db, tc.dur, false)
		for _, s := range ss {
			got = append(got, s.Label)
		}
		if g := strings.Join(got, " "); !strings.HasPrefix(g, tc.want) || (tc.want == "verse" && g != "verse") {
			t.Errorf("%s: sections %v, want %s", tc.name, ss, tc.want)
		}
		for _, s := range ss {
			if s.Label == "outro" && s.Start < 0.75*tc.dur {
				t.Errorf("%s: outro %+v is more than the last quarter", tc.name, s)
			}
			if s.Label == "drop" && s.Start == 0 {
				t.Errorf("%s: drop at the start %+v", tc.name, s)
			}
		}
	}
}

// TestSectionsOneRunIsNoIntro: a clip whose louder and quieter bars are
// each too short to stand as a section ends as one run over the whole clip;
// with nothing after it, it is no intro (the recipe would label every shot
// 인트로).
func TestSectionsOneRunIsNoIntro(t *testing.T) {
	t.Parallel()
	var downbeats []float64
	for t := 0.0; t < 24; t += 2 {
		downbeats = append(downbeats, t)
	}
	// one quiet bar, five middle, one loud, five middle
	e := EnergyCurve(loudness([2]float64{2, -40}, [2]float64{10, -20}, [2]float64{2, -8}, [2]float64{10, -20}), 100, 0.25)
	for _, speech := range []bool{false, true} {
		got := Sections(e, downbeats, 24, speech)
		want := "verse"
		if speech {
			want = "speech"
		}
		if len(got) != 1 || got[0].Label != want || got[0].Start != 0 || got[0].End != 24 {
			t.Errorf("speech=%v: sections %+v, want one %s over 0–24 s", speech, got, want)
		}
	}
}
