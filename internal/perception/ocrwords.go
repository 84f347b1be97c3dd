package perception

// Tesseract's readings word by word: parsing its TSV, and putting the
// Korean-only reading's words in where the Korean+English reading turned a
// Korean word into Latin letters.

import (
	"strconv"
	"strings"
	"unicode"
)

// ocrWord is one word tesseract read: its line within the image, its
// horizontal extent in the image's pixels and its confidence (0–100).
type ocrWord struct {
	line   int
	text   string
	x0, x1 int
	conf   float64
}

// ocrResult is what tesseract read in one image.
type ocrResult struct {
	text  string
	conf  float64 // letter-weighted mean word confidence, 0–1
	words []ocrWord
	path  string // the image read
}

// parseTSV turns tesseract's TSV (one page per image) into results: words
// joined by spaces, lines by newlines, confidence the letter-weighted mean.
func parseTSV(out []byte, pages int) []ocrResult {
	words := make([][]ocrWord, pages)
	type lineKey struct{ block, par, line int }
	lineNo := make([]map[lineKey]int, pages)
	// split by hand: a recognised quote mark must not start a CSV field
	for _, row := range strings.Split(string(out), "\n") {
		rec := strings.Split(strings.TrimRight(row, "\r"), "\t")
		if len(rec) < 12 || rec[0] != "5" {
			continue
		}
		n := func(i int) int { v, _ := strconv.Atoi(rec[i]); return v }
		page := n(1) - 1
		if page < 0 || page >= pages {
			continue
		}
		word := strings.TrimSpace(strings.Join(rec[11:], " "))
		conf, _ := strconv.ParseFloat(rec[10], 64)
		if word == "" || conf < 0 {
			continue
		}
		if lineNo[page] == nil {
			lineNo[page] = map[lineKey]int{}
		}
		k := lineKey{n(2), n(3), n(4)}
		ln, ok := lineNo[page][k]
		if !ok {
			ln = len(lineNo[page])
			lineNo[page][k] = ln
		}
		words[page] = append(words[page], ocrWord{line: ln, text: word, x0: n(6), x1: n(6) + n(8), conf: conf})
	}
	res := make([]ocrResult, pages)
	for i := range res {
		res[i] = resultOf(words[i])
	}
	return res
}

// resultOf joins words (in reading order, lines numbered from 0) into a
// result.
func resultOf(words []ocrWord) ocrResult {
	r := ocrResult{words: words}
	var lines []string
	var cur []string
	line := -1
	var sum, n float64
	for _, w := range words {
		if w.line != line && cur != nil {
			lines = append(lines, strings.Join(cur, " "))
			cur = nil
		}
		line = w.line
		cur = append(cur, w.text)
		l := float64(len([]rune(w.text)))
		sum += w.conf * l
		n += l
	}
	if cur != nil {
		lines = append(lines, strings.Join(cur, " "))
	}
	r.text = strings.Join(lines, "\n")
	if n > 0 {
		r.conf = sum / n / 100
	}
	return r
}

// hasLatin reports whether any word holds a Latin letter.
func (r ocrResult) hasLatin() bool {
	for _, w := range r.words {
		if strings.IndexFunc(w.text, isLatin) >= 0 {
			return true
		}
	}
	return false
}

func isLatin(r rune) bool { return r < 128 && unicode.IsLetter(r) }

// preferHangul puts the Korean-only reading's words in place of the words
// the Korean+English reading spelled in Latin letters, where the Korean
// model read Hangul syllables over the same span, at least as surely.
// With English loaded, tesseract reads a dense or rare syllable block as
// Latin ("읽씹할" → "West", "안" → "OF", "내" → "LH"); with Korean alone
// it reads English as digits and symbols ("Me:" → "16:"), which is not
// Hangul and so never replaces a Latin word.
func preferHangul(mixed, kor ocrResult) (ocrResult, bool) {
	out := make([]ocrWord, 0, len(mixed.words))
	changed := false
	var put []ocrWord // the Korean words put in
	for _, w := range mixed.words {
		// a word the Korean words put in already cover (the Latin box
		// swallowed the next syllable: "West" over "읽씹할 때")
		covered := false
		for _, k := range put {
			if ov := min(w.x1, k.x1) - max(w.x0, k.x0); k.line == w.line && 2*ov >= w.x1-w.x0 {
				covered = true
			}
		}
		if covered {
			continue
		}
		if strings.IndexFunc(w.text, isLatin) < 0 {
			out = append(out, w)
			continue
		}
		var over []ocrWord
		var sum float64
		hangul := true
		for _, k := range kor.words {
			if k.line != w.line {
				continue
			}
			ov := min(w.x1, k.x1) - max(w.x0, k.x0)
			if ov <= 0 || 2*ov < min(w.x1-w.x0, k.x1-k.x0) || !hasLetterOrDigit(k.text) {
				// punctuation alone is a speck of the picture beside
				// the caption (":" over a stroke the Latin word took in)
				continue
			}
			over = append(over, k)
			sum += k.conf
			if !hangulWord(k.text) {
				hangul = false
			}
		}
		if len(over) == 0 || !hangul {
			out = append(out, w)
			continue
		}
		// the Korean words must cover the Latin word's span, not a
		// syllable of it
		x0, x1 := over[0].x0, over[len(over)-1].x1
		mean := sum / float64(len(over))
		if 10*(x1-x0) < 7*(w.x1-w.x0) || !(mean > w.conf || mean >= 85 && mean >= w.conf-5) {
			out = append(out, w)
			continue
		}
		for _, k := range over {
			if len(put) > 0 && put[len(put)-1] == k {
				continue
			}
			out = append(out, k)
			put = append(put, k)
		}
		changed = true
	}
	return rebuilt(mixed, out, changed)
}

// rebuilt is mixed with its words replaced by out (same image), when
// changed; else mixed.
func rebuilt(mixed ocrResult, out []ocrWord, changed bool) (ocrResult, bool) {
	if !changed {
		return mixed, false
	}
	r := resultOf(out)
	r.path = mixed.path
	return r, true
}

func hasLetterOrDigit(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

// hangulWord: Hangul syllables, with at most closing punctuation.
func hangulWord(s string) bool {
	n := 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Hangul, r) && r >= 0xAC00 && r <= 0xD7A3:
			n++
		case strings.ContainsRune("?!.,~", r):
		default:
			return false
		}
	}
	return n > 0
}

// digitWord reports a word of two or more digits and nothing else but
// closing punctuation: how the Korean models spell a Latin word in
// capitals whose letters look like digits ("OOTD" → "0010").
func digitWord(s string) bool {
	n := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			n++
		case strings.ContainsRune("?!.,:~", r):
		default:
			return false
		}
	}
	return n >= 2
}

// hasDigitWord reports whether a reading with letters in it holds a word
// digitWord reports: a caption whose other words are words.
func (r ocrResult) hasDigitWord() bool {
	letters, digits := false, false
	for _, w := range r.words {
		if digitWord(w.text) {
			digits = true
		} else if strings.IndexFunc(w.text, unicode.IsLetter) >= 0 {
			letters = true
		}
	}
	return letters && digits
}

// preferLatin puts the English-only reading's word in place of a word the
// Korean+English reading made of digits, where English alone read Latin
// letters over the same span, as many of them as there were digits (one
// more or fewer: "MBTI" read "14871"), and was sure of them: with Korean loaded, tesseract reads capitals such as
// O, T and D as 0, 1 and 0 ("오늘의 OOTD" → "오늘의 0010"); English alone
// reads "OOTD" and reads a number as the same digits, so a real number
// stays.
func preferLatin(mixed, eng ocrResult) (ocrResult, bool) {
	out := append([]ocrWord(nil), mixed.words...)
	changed := false
	for i, w := range out {
		if !digitWord(w.text) {
			continue
		}
		var over []ocrWord
		for _, e := range eng.words {
			ov := min(w.x1, e.x1) - max(w.x0, e.x0)
			if e.line == w.line && ov > 0 && 2*ov >= min(w.x1-w.x0, e.x1-e.x0) {
				over = append(over, e)
			}
		}
		if len(over) != 1 {
			continue
		}
		e := over[0]
		letters := strings.TrimRight(e.text, "?!.,:~")
		if d := len([]rune(e.text)) - len([]rune(w.text)); d < -1 || d > 1 || strings.IndexFunc(letters, func(r rune) bool { return !isLatin(r) }) >= 0 ||
			e.conf < 70 || e.conf < w.conf-10 {
			continue
		}
		out[i].text, out[i].conf = e.text, e.conf
		changed = true
	}
	return rebuilt(mixed, out, changed)
}
