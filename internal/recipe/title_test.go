package recipe

import (
	"strings"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/recipe/recipetest"
)

// TestTitleFromObservedContent: without a creator's title, the working
// title carries the on-screen text read for sure ("읽씹 당했을 때" stays,
// "POV: 월요일 아침" becomes "시점: 월요일 아침"), and otherwise names only
// what was measured; no clip gets a story from a title bank ("택배 기사님
// 썰" on a clip that never showed a parcel).
func TestTitleFromObservedContent(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{"읽씹 당했을 때": "읽씹 당했을 때", "POV: 월요일 아침": "시점: 월요일 아침"} {
		r := planIn(t, PlanInput{Analysis: withText(311, text, 0.95)})
		if r.Concept.Title != want {
			t.Errorf("text %q: title %q, want %q", text, r.Concept.Title, want)
		}
	}
	// Every word a title bank would bring must have been observed.
	var bankWords []string
	for _, fm := range formats {
		for _, bt := range fm.titles {
			for _, w := range strings.Fields(bt) {
				if len([]rune(w)) >= 2 { // a topic, not a counter such as 컷
					bankWords = append(bankWords, w)
				}
			}
		}
	}
	for _, c := range recipetest.Corpus() {
		r := planIn(t, PlanInput{Analysis: c.A})
		observed := formatNoun[r.Concept.Format] + " " + r.Concept.FormatName
		if p := c.A.Perception; p != nil {
			for _, x := range p.Texts {
				observed += " " + x.Text
			}
		}
		for _, w := range bankWords {
			if strings.Contains(r.Concept.Title, w) && !strings.Contains(observed, w) {
				t.Errorf("%s: title %q has %q, which nothing observed says", c.Name, r.Concept.Title, w)
			}
		}
		if c.A.HasTempo() && !strings.Contains(r.Concept.Title, "BPM") && !hasCarriedKorean(r) {
			t.Errorf("%s: title %q does not say the measured tempo", c.Name, r.Concept.Title)
		}
		if !c.A.HasTempo() && r.Audio.BPM == nil && strings.Contains(r.Concept.Title, "BPM") {
			t.Errorf("%s: title %q claims a tempo", c.Name, r.Concept.Title)
		}
	}
	// A talk clip says it is talk, a clip with people says how many.
	talk := planIn(t, PlanInput{Analysis: withText(312, "x", 0.95)})
	if !strings.Contains(talk.Concept.Title, "말로") || !strings.Contains(talk.Concept.Title, "1인") {
		t.Errorf("talk clip title %q", talk.Concept.Title)
	}
	// The creator's own title wins.
	if r := planIn(t, PlanInput{Analysis: withText(313, "읽씹 당했을 때", 0.95), Title: "답장 기다리는 중"}); r.Concept.Title != "답장 기다리는 중" {
		t.Errorf("creator's title replaced: %q", r.Concept.Title)
	}
}

func hasCarriedKorean(r *kmeme.Recipe) bool {
	for _, s := range r.Shots {
		if s.SourceText != "" && hasHangul(s.SourceText) {
			return true
		}
	}
	return false
}

// TestSpeechLanguageNotClaimed: the language of the speech is not
// measured, so the speech adaptation does not assume it is foreign (it
// may be Korean already); translation is only a condition.
func TestSpeechLanguageNotClaimed(t *testing.T) {
	t.Parallel()
	r := planIn(t, PlanInput{Analysis: withText(321, "x", 0.95)})
	n := 0
	for _, ad := range r.Adaptations {
		if ad.Evidence == nil || ad.Evidence.Kind != kmeme.EvidenceSpeech {
			continue
		}
		n++
		if strings.Contains(ad.Korean, "한국어 대사로") || (strings.Contains(ad.Reason, "번역") && !strings.Contains(ad.Reason, "외국어라면")) {
			t.Errorf("speech adaptation assumes a foreign language: %+v", ad)
		}
	}
	if n != 1 {
		t.Errorf("%d speech adaptations, want 1", n)
	}
}
