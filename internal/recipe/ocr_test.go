package recipe

import (
	"slices"
	"strings"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/recipe/recipetest"
)

// withText is a talk clip with one person at bust framing and one
// on-screen text read at conf.
func withText(seed uint64, text string, conf float64) *kmeme.Analysis {
	a := recipetest.Speech(seed, 16)
	bust := recipetest.Look{People: 1, Framing: kmeme.FramingBust, Facing: true, Motion: 0.1}
	a = recipetest.Perceive(a, []recipetest.Look{bust}, []recipetest.Text{{T: 0.3, Text: text, Lang: "mixed"}},
		recipetest.Seg(kmeme.AudioSpeech, 0.2, 15.5))
	a.Perception.Texts[0].Confidence = conf
	return a
}

func ocrAdaptations(r *kmeme.Recipe) []kmeme.Adaptation {
	var out []kmeme.Adaptation
	for _, ad := range r.Adaptations {
		if ad.Evidence != nil && ad.Evidence.Kind == kmeme.EvidenceOCR {
			out = append(out, ad)
		}
	}
	return out
}

// TestClassifyCountsScripts: a text is Korean when its Hangul outweighs
// its Latin letters; a short Latin fragment amid Hangul is noise, a loan
// such as POV or OOTD is a word.
func TestClassifyCountsScripts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in    string
		want  script
		clean string
		noise []string
	}{
		{"HH 당했을 때", scriptKorean, "당했을 때", []string{"HH"}},
		{"읽씹 당했을 때 xq", scriptKorean, "읽씹 당했을 때", []string{"xq"}},
		{"POV: 월요일 아침", scriptKorean, "POV: 월요일 아침", nil},
		{"Lt vs 내 친구 POV", scriptKorean, "vs 내 친구 POV", []string{"Lt"}},
		{"POV: me at 3am", scriptEnglish, "POV: me at 3am", nil},
		{"오늘의 OOTD", scriptKorean, "오늘의 OOTD", nil},
		{"OMG 실화냐", scriptKorean, "OMG 실화냐", nil},
		{"me when the snack bag opens", scriptEnglish, "me when the snack bag opens", nil},
		{"Nobody: 나:", scriptEnglish, "Nobody: 나:", nil},
		{"123 !!", scriptNone, "123 !!", nil},
	} {
		sc, clean, noise := classify(tc.in)
		if sc != tc.want || clean != tc.clean || !slices.Equal(noise, tc.noise) {
			t.Errorf("classify(%q) = %v %q %q, want %v %q %q", tc.in, sc, clean, noise, tc.want, tc.clean, tc.noise)
		}
	}
}

// TestHangulWithLatinNoiseIsNotEnglish: OCR's "HH 당했을 때" (a misread
// "읽씹") is Korean text partly read: no adaptation calls it an English
// phrase, none states it as read, and the fragment is not put on screen.
func TestHangulWithLatinNoiseIsNotEnglish(t *testing.T) {
	t.Parallel()
	r := planIn(t, PlanInput{Analysis: withText(301, "HH 당했을 때", 0.93)})
	ads := ocrAdaptations(r)
	if len(ads) != 1 {
		t.Fatalf("OCR adaptations %+v, want one", ads)
	}
	for _, ad := range r.Adaptations {
		if strings.Contains(ad.Reason+ad.Korean+ad.Source, "영어") {
			t.Errorf("Korean text called English: %+v", ad)
		}
	}
	if ad := ads[0]; !ad.Suggestion || !strings.Contains(ad.Source, "일부 글자") {
		t.Errorf("a partly read text is stated as fact: %+v", ad)
	}
	for _, s := range r.Shots {
		for _, x := range []string{s.Overtitle, s.OvertitlePolite, s.Caption.Casual, s.Caption.Polite} {
			if strings.Contains(x, "HH") || strings.Contains(x, "당했을 때") {
				t.Errorf("shot %d shows the unsure reading %q", s.N, x)
			}
		}
	}
	if strings.Contains(r.Concept.Title, "HH") {
		t.Errorf("title %q uses the misread text", r.Concept.Title)
	}
}

// TestUnsureOCRIsCitedAsUncertain: a sure reading is stated with its
// evidence; an unsure one (below OCRSureConf) is offered as a suggestion
// that says it needs checking; a faint one (below OCRMinConf) drives
// nothing — no carried text, no adaptation, no format reason.
func TestUnsureOCRIsCitedAsUncertain(t *testing.T) {
	t.Parallel()
	const text = "팀장님 메시지 왔을 때"
	sure := planIn(t, PlanInput{Analysis: withText(302, text, 0.95)})
	if ads := ocrAdaptations(sure); len(ads) != 1 || ads[0].Suggestion || strings.Contains(ads[0].Source, "확인") {
		t.Errorf("sure reading: %+v", ads)
	}
	unsure := planIn(t, PlanInput{Analysis: withText(302, text, 0.65)})
	ads := ocrAdaptations(unsure)
	if len(ads) != 1 || !ads[0].Suggestion || !strings.Contains(ads[0].Source, "확인 필요") || !strings.Contains(ads[0].Evidence.Detail, "0.65") {
		t.Errorf("unsure reading not cited as uncertain: %+v", ads)
	}
	for _, x := range unsure.Concept.Reasons {
		if x.Evidence.Kind == kmeme.EvidenceOCR && !strings.Contains(x.Detail, "흐릿") {
			t.Errorf("unsure reading counted as sure: %+v", x)
		}
	}
	faint := planIn(t, PlanInput{Analysis: withText(302, text, 0.3)})
	if ads := ocrAdaptations(faint); len(ads) != 0 {
		t.Errorf("faint reading drove adaptations: %+v", ads)
	}
	for _, s := range faint.Shots {
		if s.SourceText != "" {
			t.Errorf("faint reading carried into shot %d: %q", s.N, s.SourceText)
		}
	}
	for _, x := range append(faint.Concept.Reasons, faint.Concept.RunnerUp.Reasons...) {
		if x.Evidence.Kind == kmeme.EvidenceOCR {
			t.Errorf("faint reading is a format reason: %+v", x)
		}
	}
	if strings.Contains(faint.Concept.Title, "팀장님") {
		t.Errorf("faint reading in the title %q", faint.Concept.Title)
	}
}

// TestMisreadHangul: a Hangul word Tesseract split into syllables, or a
// syllable written Korean does not use, is a misreading; natural captions
// with one-syllable words ("옷 한 벌", "안 돼") are not.
func TestMisreadHangul(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want []string
	}{
		// seen on the perception bench: "실화냐 / 진짜 이게 된다고?", "이거 나만 웃겨?"
		{"실화냐\n진짜 이게 된 다 교?", []string{"된 다 교?"}},
		{"이거 번 웃 겨?", []string{"번 웃 겨?"}},
		{"친구가 읽 씹 할 때", []string{"읽 씹 할 때"}},
		{"오 늘 의 OOTD", []string{"오 늘 의"}},
		{"이게 뷁 실화냐", []string{"뷁"}},
		{"갈아입을 옷 한 벌", nil},
		{"진짜 왜 안 돼", nil},
		{"나 vs 내 친구 POV", nil},
		{"MBTI 특 ㅋㅋ", nil},
		{"엄마한테 걸렸을 때", nil},
		{"잘 된 일", nil},
		{"하나 둘 셋 넷", nil},
	} {
		if got := misreadHangul(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("misreadHangul(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestSplitHangulIsNotStatedAsRead: a confident reading with a word split
// into syllables (the bench's "진짜 이게 된 다 교?") is neither the title
// nor a caption; the recipe asks the creator to copy the source caption.
func TestSplitHangulIsNotStatedAsRead(t *testing.T) {
	t.Parallel()
	const text = "실화냐\n진짜 이게 된 다 교?"
	r := planIn(t, PlanInput{Analysis: withText(303, text, 0.92)})
	if strings.Contains(r.Concept.Title, "된 다") || strings.Contains(r.Concept.Title, "실화냐") {
		t.Errorf("title %q uses the misread text", r.Concept.Title)
	}
	for _, s := range r.Shots {
		for _, x := range []string{s.Overtitle, s.OvertitlePolite, s.Caption.Casual, s.Caption.Polite} {
			if strings.Contains(x, "된 다") || strings.Contains(x, "교?") {
				t.Errorf("shot %d shows the misread text %q", s.N, x)
			}
		}
	}
	ads := ocrAdaptations(r)
	if len(ads) != 1 || !ads[0].Suggestion || !strings.Contains(ads[0].Korean, "옮겨 적기") || !strings.Contains(ads[0].Reason, "된 다 교?") {
		t.Errorf("misread text not offered as a copy-it suggestion: %+v", ads)
	}
	// the same caption read cleanly is used as it is
	clean := planIn(t, PlanInput{Analysis: withText(303, "실화냐\n진짜 이게 된다고?", 0.92)})
	if ads := ocrAdaptations(clean); len(ads) != 1 || ads[0].Suggestion {
		t.Errorf("clean reading: %+v", ads)
	}
}

// TestKeptKoreanCaptionIsShown: an adaptation that says a source's Korean
// caption is kept as it is names a shot that shows it; one that fits no
// caption (too long) says to shorten it instead. "오늘의 OOTD" is kept with
// its acronym (perception bench p20: the recipe said it was kept, and no
// shot showed it).
func TestKeptKoreanCaptionIsShown(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"오늘의 OOTD", "MBTI 특 ㅋㅋ", "오늘 회사에서 진짜 말도 안 되는 일이 있었는데 끝까지 들어 봐 진짜 대박이라니까 나만 이래?"} {
		r := planIn(t, PlanInput{Analysis: withText(304, text, 0.95)})
		ads := ocrAdaptations(r)
		if len(ads) != 1 {
			t.Fatalf("%q: OCR adaptations %+v, want one", text, ads)
		}
		ad := ads[0]
		shown := false
		for _, s := range r.Shots {
			shown = shown || strings.Contains(s.Overtitle, text) || strings.Contains(strings.ReplaceAll(s.Caption.Casual, "\n", " "), text)
		}
		if strings.Contains(ad.Reason, "그대로 살림") && !shown {
			t.Errorf("%q: adaptation %+v says the caption is kept; no shot shows it", text, ad)
		}
		if len([]rune(text)) <= 12 && !shown {
			t.Errorf("%q: a short Korean caption is not carried: %+v", text, ad)
		}
		if !shown && !strings.Contains(ad.Korean, "줄인") {
			t.Errorf("%q: a caption too long to carry is not said to be shortened: %+v", text, ad)
		}
	}
}
