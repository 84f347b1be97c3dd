package recipe

import (
	"fmt"
	"math"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/recipe/recipetest"
)

// slideshow is clip-1-like: 20 s at 120 BPM, four 5 s source shots (cuts
// on the bar lines at 5, 10 and 15 s), no speech.
func slideshow() *kmeme.Analysis {
	bpm := 120.0
	a := &kmeme.Analysis{
		Version: kmeme.AnalysisVersion, ContentHash: fmt.Sprintf("%064x", 777), DurationS: 20,
		Video: &kmeme.VideoInfo{Width: 720, Height: 1280, FPS: 30}, Audio: &kmeme.AudioInfo{SampleRate: 44100, Channels: 1},
		Tempo: kmeme.Tempo{BPM: &bpm, Confidence: 1}, Meter: 4,
	}
	for t := 0.0; t < 20; t += 0.5 {
		a.Beats = append(a.Beats, t)
		if math.Mod(t, 2) == 0 {
			a.Downbeats = append(a.Downbeats, t)
		}
	}
	for i, t := range []float64{5, 10, 15, 20} {
		if t < 20 {
			a.Cuts = append(a.Cuts, kmeme.Cut{T: t, Kind: kmeme.CutHard, Start: t, End: t, Confidence: 0.9})
		}
		a.Shots = append(a.Shots, kmeme.Shot{Start: t - 5, End: t, KeyframeT: t - 2.5, Keyframe: fmt.Sprintf("shot-%03d.jpg", i+1), Motion: 0.05})
	}
	a.Sections = []kmeme.Section{{Label: kmeme.SectionVerse, Start: 0, End: 20, Energy: 0.5}}
	none := recipetest.Look{Framing: kmeme.FramingNone}
	return recipetest.Perceive(a, []recipetest.Look{none}, []recipetest.Text{{T: 0, Text: "POV: 월요일 아침", Lang: "mixed"}},
		recipetest.Seg(kmeme.AudioMusic, 0, 20))
}

// talk is clip-2-like: one 12.4 s shot of Korean speech in three
// sentences with pauses between them.
func talk() *kmeme.Analysis {
	a := recipetest.Speech(901, 12.4)
	a.Cuts, a.Pauses = nil, []kmeme.Interval{{Start: 4.64, End: 5.89}, {Start: 8.09, End: 9.35}}
	a.Shots = []kmeme.Shot{{Start: 0, End: 12.4, KeyframeT: 6, Keyframe: "shot-001.jpg"}}
	none := recipetest.Look{Framing: kmeme.FramingNone}
	return recipetest.Perceive(a, []recipetest.Look{none}, nil,
		recipetest.Seg(kmeme.AudioSilence, 0, 0.48), recipetest.Seg(kmeme.AudioSpeech, 0.48, 4.64),
		recipetest.Seg(kmeme.AudioSilence, 4.64, 5.89), recipetest.Seg(kmeme.AudioSpeech, 5.89, 8.09),
		recipetest.Seg(kmeme.AudioSilence, 8.09, 9.35), recipetest.Seg(kmeme.AudioSpeech, 9.35, 11.21))
}

// TestCaptionTiming: every caption is timed, 1.5–3 s on screen (long
// enough to read twice), inside its shot; on a beat clip it starts with
// its shot and ends on a beat; on a talk clip it starts where the speech
// in its shot starts and does not outstay that speech by more than its
// reading time needs.
func TestCaptionTiming(t *testing.T) {
	t.Parallel()
	check := func(name string, a *kmeme.Analysis, r *kmeme.Recipe) (n int) {
		for _, s := range r.Shots {
			c := s.Caption
			if c.Casual == "" {
				continue
			}
			n++
			l := c.End - c.Start
			if c.End == 0 || l < MinCaptionS-1e-6 || l > MaxCaptionS+1e-6 || c.Start < s.Start-0.0015 || c.End > s.End+0.0015 {
				t.Errorf("%s shot %d (%.2f–%.2f): caption %.2f–%.2f", name, s.N, s.Start, s.End, c.Start, c.End)
			}
			if need := readTime(longer(c.Casual, c.Polite)); l < math.Min(need, s.End-s.Start)-0.002 {
				t.Errorf("%s shot %d: %q on screen %.2f s, needs %.2f s", name, s.N, c.Casual, l, need)
			}
		}
		return n
	}
	var times []float64
	for _, c := range recipetest.Corpus() {
		r := planIn(t, PlanInput{Analysis: c.A, Title: c.Title})
		check(c.Name, c.A, r)
		for _, s := range r.Shots {
			if s.Caption.Casual != "" {
				times = append(times, s.Caption.End-s.Caption.Start)
			}
		}
	}
	sortF(times)
	if m := times[len(times)/2]; m < 1.5 || m > 3 {
		t.Errorf("median caption time %.2f s", m)
	}

	a := slideshow()
	r := planIn(t, PlanInput{Analysis: a})
	if check("slideshow", a, r) == 0 {
		t.Fatal("slideshow: no captions")
	}
	long := 0
	for _, s := range r.Shots {
		if c := s.Caption; c.Casual != "" && s.End-s.Start > MaxCaptionS {
			long++
			if math.Abs(c.Start-s.Start) > 1e-6 || math.Abs(c.End*2-math.Round(c.End*2)) > 1e-6 {
				t.Errorf("slideshow shot %d (%.2f–%.2f): caption %.2f–%.2f is not on the beat", s.N, s.Start, s.End, c.Start, c.End)
			}
		}
	}
	if long == 0 {
		t.Errorf("slideshow: no shot longer than %.0f s, the test tests nothing: %+v", MaxCaptionS, r.Shots)
	}

	a = talk()
	r = planIn(t, PlanInput{Analysis: a})
	if check("talk", a, r) == 0 {
		t.Fatal("talk: no captions")
	}
	for _, s := range r.Shots {
		c := s.Caption
		if c.Casual == "" || s.End-s.Start <= MaxCaptionS {
			continue
		}
		for _, seg := range a.Perception.Speech.Segments {
			if seg.Kind != kmeme.AudioSpeech || math.Min(seg.End, s.End)-math.Max(seg.Start, s.Start) < 0.5 {
				continue
			}
			if want := math.Max(seg.Start, s.Start); math.Abs(c.Start-want) > 1e-3 && c.End < s.End-1e-3 {
				t.Errorf("talk shot %d (%.2f–%.2f): caption starts %.2f, the speech at %.2f", s.N, s.Start, s.End, c.Start, want)
			}
			if c.End > math.Max(seg.End, c.Start+readTime(longer(c.Casual, c.Polite)))+1e-3 {
				t.Errorf("talk shot %d: caption ends %.2f after the speech (%.2f) with time to spare", s.N, c.End, seg.End)
			}
			break
		}
	}
}
