package recipe

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/encoding/korean"

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
var latinLoans = func() map[string]bool {
	m := map[string]bool{"POV": true, "OMG": true, "VS": true, "OK": true, "K": true, "NO": true, "YES": true}
	for w := range captionLoans {
		m[w] = true
	}
	return m
}()

// readText is one on-screen text as the planner may use it.
type readText struct {
	raw    string
	script script
	// clean is the text without the Latin fragments that read as OCR noise
	// amid Hangul ("HH 당했을 때" → "당했을 때").
	clean string
	noise []string // those fragments
	// garbled are Hangul runs that read as misread: a word split into
	// syllables ("된 다 교?" for "된다고?") or a syllable Korean is not
	// written in (see misreadHangul)
	garbled []string
	conf    float64
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
	if sc == scriptKorean {
		rt.garbled = misreadHangul(raw)
	}
	rt.usable = raw != "" && sc != scriptNone && t.Confidence >= OCRMinConf
	rt.sure = rt.usable && t.Confidence >= OCRSureConf && !rt.misread()
	return rt
}

// misread: part of the text reads as OCR noise or misread Hangul, so what
// it says is not known.
func (rt readText) misread() bool { return len(rt.noise) > 0 || len(rt.garbled) > 0 }

// uncertainNote says in Korean why a read text is not stated as fact.
func (rt readText) uncertainNote() string {
	if rt.misread() {
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

// loneSyllables are Hangul syllables that stand as words of their own in
// captions: pronouns, adverbs, determiners, counters, short nouns and
// verb forms ("나 또 왜", "옷 한 벌", "안 돼"). A one-syllable word that is
// not one of them — "교", "겨", "읽" — is a piece of a longer word.
var loneSyllables = func() map[rune]bool {
	m := map[rune]bool{}
	for _, r := range "나너내네니저제그이우" + // pronouns, determiners
		"또왜안못잘더꼭좀막참곧늘딱확쭉쫙다걍뭐쫌꽉" + // adverbs
		"한두세새첫온각몇뭔웬" + // determiners, numerals
		"둘셋넷" +
		"밥집옷돈말일날밤낮눈코입손발몸힘술차길물불꿈잠맛적때것거게수줄데번명개살시분초원판컷샷박곡앞뒤옆위속밖끝쪽편짤썰폰톡팬겜꿀짱꽃책방빵" + // nouns
		"벌장잔병권대채곳층" + // counters
		"해돼봐가와줘써자할될갈올볼난넌된간온본산준" + // verb forms
		"어응예아오우음흠헉헐캬크와" { // interjections
		m[r] = true
	}
	return m
}()

// misreadHangul returns the parts of a Korean reading that look misread.
// Tesseract splits a Hangul word it reads poorly into syllables ("이게 된
// 다 교?" for "이게 된다고?", "번 웃 겨?" for "나만 웃겨?"): two or more
// one-syllable words in a row, one of them a syllable that is not a word
// on its own, are such a split. A syllable outside KS X 1001's 2,350 (the
// set written Korean keeps to) is a misread stroke: code page 949, which
// x/text's EUC-KR encoder writes, puts those 2,350 where both bytes are
// 0xA1 or more and the other 8,822 below.
func misreadHangul(s string) []string {
	var out []string
	toks := strings.Fields(s)
	lone := func(tok string) (rune, bool) {
		letters := []rune(strings.TrimFunc(tok, func(r rune) bool { return !unicode.IsLetter(r) }))
		if len(letters) == 1 && letters[0] >= 0xAC00 && letters[0] <= 0xD7A3 {
			return letters[0], true
		}
		return 0, false
	}
	for i := 0; i < len(toks); {
		j, pieces := i, 0
		for j < len(toks) {
			r, ok := lone(toks[j])
			if !ok {
				break
			}
			if !loneSyllables[r] {
				pieces++
			}
			j++
		}
		if j-i >= 2 && pieces > 0 {
			out = append(out, strings.Join(toks[i:j], " "))
		}
		i = max(j, i+1)
	}
	enc := korean.EUCKR.NewEncoder()
	for _, r := range s {
		if r >= 0xAC00 && r <= 0xD7A3 {
			if b, err := enc.String(string(r)); err != nil || len(b) != 2 || b[0] < 0xA1 || b[1] < 0xA1 {
				out = append(out, string(r))
			}
		}
	}
	return out
}
