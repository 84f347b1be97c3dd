package recipe

import (
	"strings"
	"unicode"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// Caption layout limits (Netflix Korean timed-text guide, see
// shared/korean-short-form.md).
const (
	// MaxLineUnits is the widest caption line in width units.
	MaxLineUnits = 16.0
	// MaxLines is the most lines a caption may have.
	MaxLines = 2
	// MaxOvertitleUnits is the widest 예능-style overtitle (one line).
	MaxOvertitleUnits = 10.0
)

// RuneWidth is the width of r in caption units: Hangul and other wide
// (CJK, emoji) characters count 1; Latin letters, digits, spaces and
// punctuation count ½.
func RuneWidth(r rune) float64 {
	switch {
	case r < 0x1100:
		return 0.5 // ASCII and Latin-1, Latin Extended: letters, digits, spaces, punctuation
	case isHangul(r), unicode.Is(unicode.Han, r), unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r):
		return 1
	case r == '…' || r == '·' || r == '~' || unicode.IsPunct(r) || unicode.IsSpace(r):
		return 0.5
	case unicode.Is(unicode.Latin, r) || unicode.IsDigit(r):
		return 0.5
	}
	return 1
}

// Width is the width of s in caption units.
func Width(s string) float64 {
	w := 0.0
	for _, r := range s {
		w += RuneWidth(r)
	}
	return w
}

func isHangul(r rune) bool {
	return (r >= 0xAC00 && r <= 0xD7A3) || (r >= 0x1100 && r <= 0x11FF) || (r >= 0x3130 && r <= 0x318F)
}

// syllables counts Hangul syllables and other letters in s: the units a
// reader sees as "words' pieces". Punctuation and spaces do not count.
func syllables(s string) int {
	n := 0
	for _, r := range s {
		if isHangul(r) || unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

// Normalize folds runs of white space to one space, trims the ends and
// replaces "..." by the single ellipsis character.
func Normalize(s string) string {
	s = strings.ReplaceAll(s, "...", "…")
	return strings.Join(strings.Fields(s), " ")
}

// Typeset lays a caption out in at most two lines of at most 16 units,
// breaking only between eojeol (space-separated words) and never leaving a
// lone syllable on a line. It returns the lines joined by "\n", or an
// EINVALID error when the text cannot be set within the rules.
func Typeset(text string) (string, error) {
	text = Normalize(text)
	if text == "" {
		return "", nil
	}
	if Width(text) <= MaxLineUnits {
		return text, nil
	}
	words := strings.Split(text, " ")
	best, bestScore := "", -1.0
	for i := 1; i < len(words); i++ {
		a := strings.Join(words[:i], " ")
		b := strings.Join(words[i:], " ")
		wa, wb := Width(a), Width(b)
		if wa > MaxLineUnits || wb > MaxLineUnits || syllables(a) < 2 || syllables(b) < 2 {
			continue
		}
		// Prefer balanced lines; on a tie, the shorter top line (a pyramid
		// reads faster). A one-syllable eojeol at the break ("해", "수",
		// "더") usually leans on its neighbour, so keep it with it.
		score := abs(wa-wb) + 0.01*boolf(wa > wb)
		if syllables(words[i-1]) == 1 || syllables(words[i]) == 1 {
			score += 3.5
		}
		if bestScore < 0 || score < bestScore {
			best, bestScore = a+"\n"+b, score
		}
	}
	if bestScore < 0 {
		return "", kmeme.Errorf(kmeme.EINVALID, "caption %q does not fit %d lines of %g units", text, MaxLines, MaxLineUnits)
	}
	return best, nil
}

// CheckCaption reports why a typeset caption (lines joined by "\n") breaks
// the rules, or nil when it obeys them. That breaks fall between eojeol
// cannot be seen in the result alone; Typeset guarantees it by splitting
// only at spaces.
func CheckCaption(c string) error {
	if c == "" {
		return nil
	}
	lines := strings.Split(c, "\n")
	if len(lines) > MaxLines {
		return kmeme.Errorf(kmeme.EINVALID, "caption %q has %d lines (max %d)", c, len(lines), MaxLines)
	}
	for _, l := range lines {
		if l != strings.TrimSpace(l) || l == "" {
			return kmeme.Errorf(kmeme.EINVALID, "caption %q has an empty or padded line", c)
		}
		if w := Width(l); w > MaxLineUnits {
			return kmeme.Errorf(kmeme.EINVALID, "caption line %q is %g units wide (max %g)", l, w, MaxLineUnits)
		}
		if len(lines) > 1 && syllables(l) < 2 {
			return kmeme.Errorf(kmeme.EINVALID, "caption line %q is a lone syllable", l)
		}
	}
	return nil
}

// CheckOvertitle reports why an overtitle breaks the rules (one line, at
// most 10 units), or nil.
func CheckOvertitle(s string) error {
	if strings.Contains(s, "\n") {
		return kmeme.Errorf(kmeme.EINVALID, "overtitle %q has more than one line", s)
	}
	if w := Width(s); w > MaxOvertitleUnits {
		return kmeme.Errorf(kmeme.EINVALID, "overtitle %q is %g units wide (max %g)", s, w, MaxOvertitleUnits)
	}
	return nil
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func boolf(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
