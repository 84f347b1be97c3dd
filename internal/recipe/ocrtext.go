package recipe

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// OCR confidence thresholds for on-screen text (the perception stage's
// ScreenText.Confidence, 0–1; 0 means it was not reported).
const (
	// OCRSureConf is the confidence from which a read text is stated as
	// what the video shows; below it a recipe cites the text as uncertain.
	OCRSureConf = 0.8
	// OCRMinConf is the confidence below which a read text drives nothing:
	// no format reason, no carried text, no adaptation, no title.
	OCRMinConf = 0.5
)

// script is the writing system an on-screen text is in, by counting.
type script int

const (
	scriptNone    script = iota // no letters
	scriptKorean                // Hangul majority
	scriptEnglish               // Latin majority
)

// latinLoans are Latin tokens Korean captions use as words; amid Hangul
// they are part of the text, not OCR noise.
var latinLoans = map[string]bool{
	"POV": true, "OMG": true, "VS": true, "OK": true, "TMI": true, "MZ": true, "ASMR": true, "OOTD": true,
	"MBTI": true, "BGM": true, "SNS": true, "PC": true, "CEO": true, "K": true, "NO": true, "YES": true,
}

// readText is one on-screen text as the planner may use it.
type readText struct {
	raw    string
	script script
	// clean is the text without the Latin fragments that read as OCR noise
	// amid Hangul ("HH 당했을 때" → "당했을 때").
	clean string
	noise []string // those fragments
	conf  float64
	// sure: confident and free of noise, so it may be stated as seen.
	sure bool
	// usable: confident enough to drive anything at all.
	usable bool
}

// classify counts scripts: a Hangul syllable carries about as much as two
// or three Latin letters, so it counts double. A text is Korean when its
// weighted Hangul outweighs its Latin; a short Latin fragment (up to three
// letters, not a loan such as POV or OMG) amid Hangul is OCR noise, not an
// English phrase.
func classify(s string) (script, string, []string) {
	ko, en, loan := 0, 0, 0
	for _, r := range s {
		switch {
		case isHangul(r):
			ko++
		case r < 128 && unicode.IsLetter(r):
			en++
		}
	}
	for _, tok := range strings.Fields(s) {
		if l := strings.TrimFunc(tok, func(r rune) bool { return !unicode.IsLetter(r) }); latinLoans[strings.ToUpper(l)] {
			loan += len(l)
		}
	}
	if ko > 0 {
		// amid Hangul a loan (vs, POV) is part of the Korean text:
		// "Lt vs 내 친구 POV", a misread "나 vs 내 친구 POV", is Korean
		// with one noisy fragment, not an English phrase
		en -= loan
	}
	switch {
	case ko == 0 && en == 0:
		return scriptNone, strings.TrimSpace(s), nil
	case 2*ko < en:
		return scriptEnglish, strings.TrimSpace(s), nil
	}
	var keep, noise []string
	for _, tok := range strings.Fields(s) {
		letters := strings.TrimFunc(tok, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		latin, hangul := 0, 0
		for _, r := range letters {
			if r < 128 && unicode.IsLetter(r) {
				latin++
			} else if isHangul(r) {
				hangul++
			}
		}
		if latin > 0 && hangul == 0 && latin <= 3 && !latinLoans[strings.ToUpper(letters)] {
			noise = append(noise, tok)
			continue
		}
		keep = append(keep, tok)
	}
	return scriptKorean, strings.Join(keep, " "), noise
}

// read prepares one on-screen text for the planner.
func read(t kmeme.ScreenText) readText {
	raw := strings.TrimSpace(t.Text)
	sc, clean, noise := classify(raw)
	rt := readText{raw: raw, script: sc, clean: clean, noise: noise, conf: t.Confidence}
	rt.usable = raw != "" && sc != scriptNone && t.Confidence >= OCRMinConf
	rt.sure = rt.usable && t.Confidence >= OCRSureConf && len(noise) == 0
	return rt
}

// uncertainNote says in Korean why a read text is not stated as fact.
func (rt readText) uncertainNote() string {
	if len(rt.noise) > 0 {
		return "일부 글자가 제대로 읽히지 않음"
	}
	return "인식 신뢰도 " + confText(rt.conf) + ", 확인 필요"
}

func confText(c float64) string {
	if c <= 0 {
		return "알 수 없음"
	}
	return fmt.Sprintf("%.2f", c)
}
