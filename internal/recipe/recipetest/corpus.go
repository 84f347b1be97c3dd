package recipetest

import (
	"fmt"
	"math"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// Look is what a synthetic perception stage saw in every shot.
type Look struct {
	People  int
	Framing kmeme.Framing
	Facing  bool
	Motion  float64 // subject motion
}

// Text is an on-screen text at a time.
type Text struct {
	T    float64
	Text string
	Lang string
}

// Perceive adds a perception to a: a look for every shot (looks taken in
// turn, shot by shot), the texts, and the speech segments (kind,
// start, end).
func Perceive(a *kmeme.Analysis, looks []Look, texts []Text, segs ...kmeme.AudioSegment) *kmeme.Analysis {
	p := &kmeme.Perception{Engines: map[string]string{"faces": "synthetic", "text": "synthetic", "speech": "synthetic"}}
	for i, s := range a.Shots {
		l := looks[i%len(looks)]
		p.Shots = append(p.Shots, kmeme.ShotPerception{
			Shot: i + 1, People: l.People, Faces: l.People, Framing: l.Framing, FacingCamera: l.Facing,
			Camera: kmeme.CameraStatic, SubjectMotion: l.Motion, SampledT: []float64{s.Start, s.KeyframeT},
		})
	}
	for _, t := range texts {
		lang := t.Lang
		if lang == "" {
			lang = "en"
		}
		p.Texts = append(p.Texts, kmeme.ScreenText{Text: t.Text, Start: t.T, End: math.Min(a.DurationS, t.T+2), Where: kmeme.TextTop,
			Box: kmeme.Box{X: 0.1, Y: 0.2, W: 0.8, H: 0.08}, InSafeZone: true, Lang: lang, Confidence: 0.9})
	}
	if a.Audio != nil {
		sp := &kmeme.SpeechInfo{Segments: segs}
		for _, s := range segs {
			if s.Kind == kmeme.AudioSpeech {
				sp.SpeechS += s.End - s.Start
			}
		}
		sp.SpeechS = round3(sp.SpeechS)
		sp.SpeechShare = round3(sp.SpeechS / a.DurationS)
		if sp.SpeechS > 0 {
			sp.SyllablesPerS = 5.5
		}
		p.Speech = sp
	} else {
		p.NotMeasured = append(p.NotMeasured, kmeme.NotMeasured{What: "speech", Reason: "no audio stream"})
	}
	a.Perception = p
	return a
}

// Seg is a shorthand for an audio segment.
func Seg(k kmeme.AudioKind, s, e float64) kmeme.AudioSegment {
	return kmeme.AudioSegment{Kind: k, Start: s, End: e}
}

// Silent returns an analysis of a clip with no audio stream: shots only.
func Silent(seed uint64, dur float64, cuts ...float64) *kmeme.Analysis {
	a := &kmeme.Analysis{
		Version: kmeme.AnalysisVersion, ContentHash: fmt.Sprintf("%064x", seed+5000), DurationS: dur,
		Video: &kmeme.VideoInfo{Width: 1080, Height: 1920, FPS: 30},
		Tempo: kmeme.Tempo{Reason: "no audio track"}, Beats: []float64{}, Downbeats: []float64{},
	}
	prev := 0.0
	for i, t := range append(cuts, dur) {
		if t < dur {
			a.Cuts = append(a.Cuts, kmeme.Cut{T: t, Kind: kmeme.CutHard, Start: t, End: t, Confidence: 0.9})
		}
		a.Shots = append(a.Shots, kmeme.Shot{Start: prev, End: t, KeyframeT: round3((prev + t) / 2),
			Keyframe: fmt.Sprintf("shot-%03d.jpg", i+1), Motion: 0.2})
		prev = t
	}
	return a
}

// Clip is one entry of the planner corpus: an analysis, a title and the
// format a Korean creator would pick for it ("" when several fit).
type Clip struct {
	Name   string
	A      *kmeme.Analysis
	Title  string
	Expect string
}

// Corpus is the planner's test and benchmark corpus: synthetic analyses
// shaped like the formats the planner knows, each with and without a
// perception stage, plus a silent clip and a talk clip with no perception.
func Corpus() []Clip {
	full := func(p int) Look { return Look{People: p, Framing: kmeme.FramingFull, Facing: true, Motion: 0.5} }
	bust := Look{People: 1, Framing: kmeme.FramingBust, Facing: true, Motion: 0.1}
	close1 := Look{People: 1, Framing: kmeme.FramingCloseUp, Facing: true, Motion: 0.12}
	medium := Look{People: 1, Framing: kmeme.FramingMedium, Facing: true, Motion: 0.2}
	none := Look{Framing: kmeme.FramingNone}
	music := func(a *kmeme.Analysis) kmeme.AudioSegment { return Seg(kmeme.AudioMusic, 0, a.DurationS) }

	var out []Clip
	add := func(name, title, expect string, a *kmeme.Analysis) {
		out = append(out, Clip{Name: name, A: a, Title: title, Expect: expect})
	}

	dance := Music(101, 20, 124, 4)
	add("dance", "", "dance-challenge", Perceive(dance, []Look{full(1), full(1), full(2)}, nil, music(dance)))
	add("dance-bare", "", "", Music(101, 20, 124, 4))

	tr := Music(102, 15, 128, 4)
	trText := []Text{{T: 0.4, Text: "before"}}
	if len(tr.Sections) > 2 {
		trText = append(trText, Text{T: tr.Sections[2].Start + 0.1, Text: "after"})
	}
	add("transition", "", "outfit-transition", Perceive(tr, []Look{medium}, trText, music(tr)))

	re := Music(103, 14, 100, 4)
	add("reaction", "", "reaction", Perceive(re, []Look{close1}, []Text{{T: 5, Text: "OMG"}}, music(re)))

	pov := Speech(104, 18)
	add("pov", "", "pov-skit", Perceive(pov, []Look{bust, {People: 2, Framing: kmeme.FramingMedium, Facing: true, Motion: 0.2}},
		[]Text{{T: 0.2, Text: "POV: your first day at the new job"}}, speechSegs(pov)...))

	er := Music(105, 16, 110, 4)
	erText := []Text{{T: 0.3, Text: "Expectation"}, {T: er.DurationS * 0.5, Text: "Reality"}}
	add("expect-reality", "", "expectation-reality", Perceive(er, []Look{medium}, erText, music(er)))

	ls := Music(106, 18, 92, 4)
	add("lipsync", "", "lip-sync", Perceive(ls, []Look{close1}, nil, Seg(kmeme.AudioSinging, 0, 18)))

	food := Music(107, 22, 96, 4)
	add("food", "편의점 라면 레시피", "food-asmr", Perceive(food, []Look{none}, []Text{{T: 1, Text: "재료 3개면 끝", Lang: "ko"}}, music(food)))

	vl := fastCuts(Music(108, 24, 118, 4))
	add("vlog", "", "vlog-montage", Perceive(vl, []Look{none, medium, none, full(1)}, nil, music(vl)))

	of := Speech(109, 20)
	add("office", "", "office-relatable", Perceive(of, []Look{bust, {People: 2, Framing: kmeme.FramingMedium, Motion: 0.15}},
		[]Text{{T: 0.5, Text: "팀장님 메시지 왔을 때", Lang: "ko"}}, speechSegs(of)...))

	st := Speech(110, 26)
	add("storytime", "", "storytime", Perceive(st, []Look{bust}, nil, speechSegs(st)...))
	add("storytime-bare", "", "", Speech(110, 26))

	pet := Music(111, 15, 108, 4)
	pet.Semantics = &kmeme.Semantics{Format: "pet video", Description: "a cat stares at a snack bag and grabs it", Objects: []string{"cat"}, Engine: "gemini:test"}
	add("pet", "", "pet-dub", Perceive(pet, []Look{none}, []Text{{T: 2, Text: "me when the snack bag opens"}}, music(pet)))

	add("silent", "", "", Silent(112, 12, 4.1, 8.3))

	w := Music(113, 18, 126, 3)
	add("waltz-dance", "우리 동네 댄스 챌린지", "dance-challenge", Perceive(w, []Look{full(2)}, nil, music(w)))
	return out
}

// speechSegs turns an analysis's pauses into speech segments between them.
func speechSegs(a *kmeme.Analysis) []kmeme.AudioSegment {
	var out []kmeme.AudioSegment
	t := 0.2
	for _, p := range a.Pauses {
		if p.Start > t {
			out = append(out, Seg(kmeme.AudioSpeech, t, p.Start))
		}
		out = append(out, Seg(kmeme.AudioSilence, p.Start, p.End))
		t = p.End
	}
	if a.DurationS-t > 0.2 {
		out = append(out, Seg(kmeme.AudioSpeech, t, a.DurationS-0.1))
	}
	return out
}

// fastCuts replaces a's cuts with one every two beats (a montage's rhythm).
func fastCuts(a *kmeme.Analysis) *kmeme.Analysis {
	a.Cuts = nil
	for i, t := range a.Beats {
		if i%2 == 0 && t > 0.5 && a.DurationS-t > 0.5 {
			a.Cuts = append(a.Cuts, kmeme.Cut{T: t, Kind: kmeme.CutHard, Start: t, End: t, Confidence: 0.9})
		}
	}
	a.Shots = nil
	prev := 0.0
	for i := 0; i <= len(a.Cuts); i++ {
		e := a.DurationS
		if i < len(a.Cuts) {
			e = a.Cuts[i].T
		}
		a.Shots = append(a.Shots, kmeme.Shot{Start: prev, End: e, KeyframeT: round3((prev + e) / 2), Keyframe: fmt.Sprintf("shot-%03d.jpg", i+1), Motion: 0.4})
		prev = e
	}
	return a
}
