package recipe

import (
	"strings"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/recipe/recipetest"
)

// TestSituationPattern: "…ㄹ/을/던 때" is a situation caption; 때 in
// other words is not.
func TestSituationPattern(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"엄마한테 걸렸을 때", true},
		{"나 혼자 야근할 때", true},
		{"월급 들어올 때마다", true},
		{"올 때 메로나", true},
		{"시험 망했던 때!", true},
		{"그때 그 사람", false},
		{"이때다 싶어서", false},
		{"비 때문에", false},
		{"때밀이 체험", false},
	} {
		if got := situationRe.MatchString(tc.in); got != tc.want {
			t.Errorf("situation(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// caughtClip is a clip like one a creator made: a beat bed without a drop
// (flat sections), one person in three framings, a "…했을 때" caption at the
// top, the sound measured: no speech, no singing.
func caughtClip(flatDrop bool) *kmeme.Analysis {
	a := recipetest.Music(11, 12, 100, 4)
	if flatDrop {
		a.Sections = []kmeme.Section{{Label: kmeme.SectionVerse, Start: 0, End: 12, Energy: 0.5}}
	}
	looks := []recipetest.Look{
		{People: 1, Framing: kmeme.FramingMedium, Facing: true, Motion: 0.05},
		{People: 1, Framing: kmeme.FramingBust, Facing: true, Motion: 0.05},
		{People: 1, Framing: kmeme.FramingCloseUp, Facing: true, Motion: 0.05},
	}
	return recipetest.Perceive(a, looks, []recipetest.Text{{T: 0, Text: "엄마한테 걸렸을 때", Lang: "ko"}},
		recipetest.Seg(kmeme.AudioMusic, 0, 12))
}

// TestSituationCaptionAndNoSinging: a situation caption over a beat with
// nobody singing is a reaction or a skit, not a lip-sync; and lip-sync,
// when it is offered, says it heard no singing.
func TestSituationCaptionAndNoSinging(t *testing.T) {
	t.Parallel()
	a := caughtClip(true)
	r := planIn(t, PlanInput{Analysis: a, Platform: kmeme.PlatformTikTok})
	if f := r.Concept.Format; f != "reaction" && f != "pov-skit" {
		t.Fatalf("format %s, want reaction or pov-skit (reasons %+v)", f, r.Concept.Reasons)
	}
	cited := false
	for _, rs := range r.Concept.Reasons {
		if strings.Contains(rs.Detail, "상황 자막") {
			cited = true
		}
	}
	if !cited {
		t.Errorf("the situation caption is not among the reasons: %+v", r.Concept.Reasons)
	}
	for _, sc := range scoreFormats(measure(a, "", nil, a.Sections)) {
		if sc.f.id != "lip-sync" {
			continue
		}
		heard := false
		for _, rs := range sc.reasons {
			if strings.Contains(rs.Detail, "노랫소리가 들리지 않음") && rs.Weight < 0 {
				heard = true
			}
		}
		if !heard {
			t.Errorf("lip-sync reasons do not say no singing was heard: %+v", sc.reasons)
		}
	}
	// a lip-sync planned on it anyway (the creator's title asks) offers
	// its lyrics convention, it does not state it
	r = planIn(t, PlanInput{Analysis: caughtClip(true), Title: "립싱크 챌린지", Platform: kmeme.PlatformTikTok})
	if r.Concept.Format != "lip-sync" {
		t.Fatalf("titled lip-sync: format %s", r.Concept.Format)
	}
	for _, ad := range r.Adaptations {
		if strings.Contains(ad.Source, "립싱크") && !ad.Suggestion {
			t.Errorf("lip-sync convention stated as observed: %+v", ad)
		}
	}
}

// TestNoDropNoDropCue: without a drop in the music no shot is told to hit
// the drop; with one, the bank's drop cue stays.
func TestNoDropNoDropCue(t *testing.T) {
	t.Parallel()
	for _, flat := range []bool{true, false} {
		cues := 0
		for _, title := range []string{"립싱크 챌린지", "댄스 챌린지", "출근룩 변신"} {
			r := planIn(t, PlanInput{Analysis: caughtClip(flat), Title: title, Platform: kmeme.PlatformTikTok})
			n := 0
			for _, s := range r.Shots {
				if strings.Contains(s.Action, "드롭") {
					n++
				}
			}
			if flat && n > 0 {
				t.Errorf("%s without a drop: %d shots cue the drop: %+v", title, n, r.Shots)
			}
			cues += n
		}
		if !flat && cues == 0 {
			t.Errorf("with a drop no shot of the three formats cues it: the rewrite is not conditional")
		}
	}
	for _, c := range []struct {
		drop, beat bool
		want       string
	}{{true, true, "드롭 첫 박에"}, {false, true, "이 샷 첫 박에"}, {false, false, "이 샷이 시작하자마자"}} {
		if got := dropCue(c.drop, c.beat); got != c.want {
			t.Errorf("dropCue(%v, %v) = %q, want %q", c.drop, c.beat, got, c.want)
		}
	}
}

// TestBankTimesTheDropThroughThePlaceholder: an action that cues the drop
// says so with "{drop}", which the picker fills from the music; a literal
// "드롭" in an action would be planned on a clip that has none.
func TestBankTimesTheDropThroughThePlaceholder(t *testing.T) {
	t.Parallel()
	placeholders := 0
	for _, f := range formats {
		for ro, ideas := range f.bank {
			for _, id := range ideas {
				if strings.Contains(id.action, "드롭") {
					t.Errorf("%s/%s: action %q names the drop literally; use {drop}", f.id, ro, id.action)
				}
				if strings.Contains(id.action, "{drop}") {
					placeholders++
				}
				tp := newTextPicker(nil, 0, countWord(4), dropCue(false, true))
				if got := tp.fill(id.action); strings.ContainsAny(got, "{}") {
					t.Errorf("%s/%s: %q fills to %q", f.id, ro, id.action, got)
				}
			}
		}
	}
	if placeholders == 0 {
		t.Error("no action cues the drop: the drop-led formats lost their timing")
	}
}

// TestOneCaptionCarriedTwiceIsOneAdaptation: a caption read again later
// (two texts, one reading) is cited once, with both times and both shots.
func TestOneCaptionCarriedTwiceIsOneAdaptation(t *testing.T) {
	t.Parallel()
	a := caughtClip(true)
	tx := a.Perception.Texts[0]
	tx.Start, tx.End = 7.8, 11.8
	a.Perception.Texts = append(a.Perception.Texts, tx)
	r := planIn(t, PlanInput{Analysis: a, Platform: kmeme.PlatformTikTok})
	var got []kmeme.Adaptation
	for _, ad := range ocrAdaptations(r) {
		if strings.Contains(ad.Source, "엄마한테 걸렸을 때") {
			got = append(got, ad)
		}
	}
	carried := 0
	for _, s := range r.Shots {
		if s.SourceText != "" {
			carried++
		}
	}
	if carried < 2 {
		t.Fatalf("the caption reached %d shot(s) only, want 2", carried)
	}
	if len(got) != 1 || !strings.Contains(got[0].Source, "0.0초, 7.8초") || !strings.Contains(got[0].Korean, "·") {
		t.Errorf("adaptations of the caption: %+v", got)
	}
}

// TestSharpenJoinsASplitWord: OCR split "걸렸을" before a syllable no word
// starts with; sharpen joins it and leaves real word spaces alone.
func TestSharpenJoinsASplitWord(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"엄마한테걸 렸을 때":  "엄마한테걸렸을 때",
		"밥 먹 었다":      "밥 먹었다",
		"내일 가 겠습니다":   "내일 가겠습니다",
		"말 했어 진짜로":    "말 했어 진짜로",
		"POV: 월요일 아침": "POV: 월요일 아침",
		"ok 었":        "ok 었",
	} {
		if got := sharpen(in); got != want {
			t.Errorf("sharpen(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLongPOVSituationIsKept: "POV: 월요일 아침 알람" is too wide for an
// overtitle beside "시점:"; the situation is not lost to the generic
// "시점: 나" but carried as the shot's caption, the title and the
// adaptation say it.
func TestLongPOVSituationIsKept(t *testing.T) {
	t.Parallel()
	a := recipetest.Music(12, 14.4, 100, 4)
	looks := []recipetest.Look{{People: 0}, {People: 0}, {People: 0}}
	a = recipetest.Perceive(a, looks, []recipetest.Text{{T: 0, Text: "POV: 월요일 아침 알람", Lang: "mixed"}},
		recipetest.Seg(kmeme.AudioMusic, 0, 14.4))
	if _, ok := povLine("POV: 월요일 아침 알람"); ok {
		t.Fatal("the case needs a situation too wide for an overtitle")
	}
	r := planIn(t, PlanInput{Analysis: a, Platform: kmeme.PlatformTikTok})
	if r.Concept.Title != "시점: 월요일 아침 알람" {
		t.Errorf("title %q, want the observed situation", r.Concept.Title)
	}
	s := r.Shots[0]
	if s.Overtitle != "시점: 나" || strings.ReplaceAll(s.Caption.Casual, "\n", " ") != "월요일 아침 알람" {
		t.Errorf("shot 1 overtitle %q caption %q, want 시점: 나 over the situation", s.Overtitle, s.Caption.Casual)
	}
	found := false
	for _, ad := range r.Adaptations {
		if strings.Contains(ad.Source, "POV: 월요일 아침 알람") {
			found = true
			if !strings.Contains(ad.Korean, "'시점: 나'와 자막 '월요일 아침 알람'") {
				t.Errorf("adaptation %q does not say both lines", ad.Korean)
			}
		}
	}
	if !found {
		t.Errorf("no adaptation cites the POV caption: %+v", r.Adaptations)
	}
}
