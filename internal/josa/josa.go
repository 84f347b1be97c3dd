// Package josa picks Korean particles by the final consonant (받침) of the
// word they follow: 이/가, 은/는, 을/를, 와/과, 으로/로 (ㄹ takes 로),
// 이에요/예요, 이라/라, 아/야. A word that ends in a digit or a Latin
// letter is read aloud the Korean way ("3" 삼 → 받침, "K" 케이 → none).
package josa

import (
	"regexp"
	"strings"
	"unicode"
)

// Particle pairs: the form after a 받침, the form after a vowel.
var pairs = map[string][2]string{
	"이": {"이", "가"}, "가": {"이", "가"},
	"은": {"은", "는"}, "는": {"은", "는"},
	"을": {"을", "를"}, "를": {"을", "를"},
	"과": {"과", "와"}, "와": {"과", "와"},
	"으로": {"으로", "로"}, "로": {"으로", "로"},
	"이에요": {"이에요", "예요"}, "예요": {"이에요", "예요"},
	"이라": {"이라", "라"}, "라": {"이라", "라"},
	"이라는": {"이라는", "라는"}, "라는": {"이라는", "라는"},
	"아": {"아", "야"}, "야": {"아", "야"},
	"이나": {"이나", "나"}, "나": {"이나", "나"},
	"이랑": {"이랑", "랑"}, "랑": {"이랑", "랑"},
}

// Of returns the form of particle p (either form of a pair: "이" or "가")
// that follows word. An unknown particle is returned as it is.
func Of(word, p string) string {
	pair, ok := pairs[p]
	if !ok {
		return p
	}
	final, has := lastSound(word)
	if !has {
		return pair[1]
	}
	if (pair[0] == "으로") && final == 8 { // ㄹ받침: 로
		return pair[1]
	}
	if final == 0 {
		return pair[1]
	}
	return pair[0]
}

// Attach returns word followed by the right form of particle p.
func Attach(word, p string) string { return word + Of(word, p) }

// Quote returns 'word' followed by the right form of p: '립싱크'와.
func Quote(word, p string) string { return "'" + word + "'" + Of(word, p) }

// lastSound is the index of the final consonant of the last sounded
// character of word (0 for none, 8 for ㄹ, as in Unicode's jongseong
// order), and whether such a character was found. Closing quotes,
// brackets, punctuation and spaces are skipped.
func lastSound(word string) (int, bool) {
	r := []rune(strings.TrimSpace(word))
	for i := len(r) - 1; i >= 0; i-- {
		c := r[i]
		switch {
		case c >= 0xAC00 && c <= 0xD7A3:
			return int(c-0xAC00) % 28, true
		case c >= '0' && c <= '9':
			// 영 일 이 삼 사 오 육 칠 팔 구
			return [...]int{16, 8, 0, 16, 0, 0, 1, 8, 8, 0}[c-'0'], true
		case unicode.IsLetter(c) && c < 0x80:
			// English letter names: L 엘, M 엠, N 엔, R 알 end in a consonant
			switch unicode.ToUpper(c) {
			case 'L', 'R':
				return 8, true
			case 'M':
				return 16, true
			case 'N':
				return 4, true
			}
			return 0, true
		case unicode.IsLetter(c):
			return 0, true
		}
	}
	return 0, false
}

var quoted = regexp.MustCompile(`'([^'\n]+)'(으로|이에요|예요|과|와|로|이|가|은|는|을|를)([\s.,!?)]|$)`)

// Wrong is one quoted word followed by the wrong form of a particle.
type Wrong struct{ Word, Got, Want string }

// Check finds, in s, the first 'quoted word' followed by the wrong form
// of a particle ('립싱크'과 for '립싱크'와), or nil.
func Check(s string) *Wrong {
	for _, m := range quoted.FindAllStringSubmatch(s, -1) {
		if want := Of(m[1], m[2]); want != m[2] {
			return &Wrong{Word: m[1], Got: m[2], Want: want}
		}
	}
	return nil
}
