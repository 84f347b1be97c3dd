package perception

// OCR text after tesseract: cleaning, plausibility, language, placement,
// and merging the readings of neighbouring frames.

import (
	"math"
	"strings"
	"unicode"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// Safe zone of a 9:16 short-form screen (the planner's numbers on
// 1080×1920: 250 px top bar, 460 px bottom caption area, 180 px of buttons
// on the right), as shares of the frame.
const (
	safeTop    = 250.0 / 1920
	safeBottom = 1 - 460.0/1920
	safeRight  = 1 - 180.0/1080
)

// placement is where the box sits and whether it is clear of the interface.
func placement(b kmeme.Box) (kmeme.TextPosition, bool) {
	cy := b.Y + b.H/2
	where := kmeme.TextMiddle
	switch {
	case cy < 1.0/3:
		where = kmeme.TextTop
	case cy > 2.0/3:
		where = kmeme.TextBottom
	}
	safe := b.Y >= safeTop && b.Y+b.H <= safeBottom && b.X+b.W <= safeRight
	return where, safe
}

// cleanText trims what OCR adds around a caption: stray punctuation at the
// ends and repeated spaces.
func cleanText(s string) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.Join(strings.Fields(l), " ")
		l = strings.TrimFunc(l, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("?!:.)\"'~♡♥…", r)
		})
		l = strings.TrimLeft(l, ".:)~")
		if l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// joinSyllables undoes tesseract's habit of spacing Korean syllables
// apart: three or more single-syllable tokens in a row become one word.
func joinSyllables(s string) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		// punctuation alone between words is outline noise; ? and ! join
		// the word before
		var toks []string
		for _, t := range strings.Fields(l) {
			if strings.IndexFunc(t, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 {
				if k := strings.Trim(t, "?!"); k == "" && len(toks) > 0 {
					toks[len(toks)-1] += t
				}
				continue
			}
			toks = append(toks, t)
		}
		var out []string
		run := []string{}
		flush := func() {
			if len(run) >= 3 {
				out = append(out, strings.Join(run, ""))
			} else {
				out = append(out, run...)
			}
			run = run[:0]
		}
		for _, t := range toks {
			r := []rune(t)
			if len(r) == 1 && unicode.Is(unicode.Hangul, r[0]) {
				run = append(run, t)
				continue
			}
			flush()
			out = append(out, t)
		}
		flush()
		lines = append(lines, strings.Join(out, " "))
	}
	return strings.Join(lines, "\n")
}

// plausibleText rejects what a texture reads as: few letters, a low
// confidence, or mostly symbols.
func plausibleText(s string, conf float64, seen int) bool {
	letters, other := 0, 0
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
		case unicode.Is(unicode.Hangul, r) || unicode.IsLetter(r) || unicode.IsDigit(r):
			letters++
		default:
			other++
		}
	}
	if letters < 2 || other > letters || strayJamo(s) || digitsOnly(s) {
		return false
	}
	min := 0.6
	if seen < 2 || letters <= 3 {
		// a region seen once, or two or three letters: what a texture
		// reads as at a middling confidence
		min = 0.8
	}
	return conf >= min
}

// digitsOnly reports a reading with digits and no letter: what the edge
// of a button, a stripe or a badge reads as ("0000", "0"); a meme caption
// says something in words.
func digitsOnly(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return false
		}
	}
	return strings.IndexFunc(s, unicode.IsDigit) >= 0
}

// strayJamo reports lone Hangul jamo or full-width Latin, what a
// misread outline turns into (ㅋㅋ, ㅎㅎ, ㅠㅠ repeated are words).
func strayJamo(s string) bool {
	rs := []rune(s)
	for i, r := range rs {
		if r >= 0xFF01 && r <= 0xFF5E {
			return true
		}
		if r >= 0x3131 && r <= 0x318E {
			rep := (i > 0 && rs[i-1] == r) || (i+1 < len(rs) && rs[i+1] == r)
			if !rep {
				return true
			}
		}
	}
	return false
}

// language is "ko", "en" or "mixed" from the letters.
func language(s string) string {
	ko, en := 0, 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Hangul, r):
			ko++
		case r < 128 && unicode.IsLetter(r):
			en++
		}
	}
	switch {
	case ko > 0 && en == 0:
		return "ko"
	case en > 0 && ko == 0:
		return "en"
	case ko == 0 && en == 0:
		return "ko"
	case float64(ko) >= 0.9*float64(ko+en):
		return "ko"
	case float64(en) >= 0.9*float64(ko+en):
		return "en"
	default:
		return "mixed"
	}
}

// mergeTexts joins the same text seen in consecutive tracks (a flicker, a
// lost sample) and stacks lines of one caption shown together.
func mergeTexts(in []kmeme.ScreenText) []kmeme.ScreenText {
	in = dropSlivers(in)
	// same text, same place, touching in time
	var out []kmeme.ScreenText
	for _, t := range in {
		merged := false
		for k := range out {
			o := &out[k]
			touch := t.Start <= o.End+1.2 && t.End >= o.Start-1.2
			sim := Similarity(o.Text, t.Text)
			// two readings of one caption at one place, one sample apart
			// (the tracker split it when the picture behind changed): the
			// better reading stands for both
			near := t.Start <= o.End+0.6 && t.End >= o.Start-0.6 && (sim >= 0.4 || math.Min(o.Confidence, t.Confidence) < 0.75) && boxOverlap(o.Box, t.Box) > 0.6
			if touch && sim >= 0.8 && boxOverlap(o.Box, t.Box) > 0.3 || near {
				o.Start, o.End = math.Min(o.Start, t.Start), math.Max(o.End, t.End)
				if betterReading(t, *o) {
					o.Text, o.Confidence, o.Lang = t.Text, t.Confidence, t.Lang
				}
				o.Box = unionBox(o.Box, t.Box)
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, t)
		}
	}
	// the same caption read again at the same place after a stretch where
	// it was missed: the spans stay as observed, but both carry the surer
	// reading (one reading spaced "엄마한테걸 렸을 때", another right)
	for i := range out {
		for j := range out {
			o, t := &out[i], out[j]
			if i != j && t.Confidence > o.Confidence && Similarity(o.Text, t.Text) >= 0.85 && boxOverlap(o.Box, t.Box) > 0.5 {
				o.Text, o.Confidence, o.Lang = t.Text, t.Confidence, t.Lang
			}
		}
	}
	// lines of one caption: stacked, shown over the same span
	var res []kmeme.ScreenText
	used := make([]bool, len(out))
	for i := range out {
		if used[i] {
			continue
		}
		cur := out[i]
		for j := i + 1; j < len(out); j++ {
			if used[j] {
				continue
			}
			o := out[j]
			span := math.Min(cur.End, o.End) - math.Max(cur.Start, o.Start)
			short := math.Min(cur.End-cur.Start, o.End-o.Start)
			above := o.Box.Y < cur.Box.Y
			gap := o.Box.Y - (cur.Box.Y + cur.Box.H)
			if above {
				gap = cur.Box.Y - (o.Box.Y + o.Box.H)
			}
			hOverlap := math.Min(cur.Box.X+cur.Box.W, o.Box.X+o.Box.W) - math.Max(cur.Box.X, o.Box.X)
			lineH := math.Min(cur.Box.H, o.Box.H)
			if span >= 0.5*short && gap > -0.5*lineH && gap < 1.2*lineH && hOverlap > 0 {
				if above {
					cur.Text = o.Text + "\n" + cur.Text
				} else {
					cur.Text += "\n" + o.Text
				}
				cur.Start, cur.End = math.Min(cur.Start, o.Start), math.Max(cur.End, o.End)
				cur.Box = unionBox(cur.Box, o.Box)
				cur.Confidence = round3((cur.Confidence + o.Confidence) / 2)
				cur.Lang = language(cur.Text)
				used[j] = true
			}
		}
		res = append(res, cur)
	}
	return res
}

// betterReading reports whether t's reading of a caption should stand for
// o's: the surer one, unless the other's box is a quarter wider and read
// surely enough (0.8): the narrower track saw part of the line ("친구 POV"
// at 0.95 a sample after "나 vs 내 친구 POV" at 0.91).
func betterReading(t, o kmeme.ScreenText) bool {
	switch {
	case t.Box.W >= 1.25*o.Box.W && t.Confidence >= 0.8:
		return true
	case o.Box.W >= 1.25*t.Box.W && o.Confidence >= 0.8:
		return false
	}
	return t.Confidence > o.Confidence
}

// dropSlivers removes a text whose box lies inside a taller text's box
// while both are up, or as one takes over from the other: the tracker cut
// one caption line thinner in some samples (its x-height rows alone), and
// that sliver reads as other syllables ("실화냐" cut to its middle read
// "근 오"). A track lost when the picture behind changes and a sliver
// track starting in the next sample touch in time (each span is padded by
// half a sample), so touching counts, when the sliver is read no surer
// than the line: a line read surer after a taller, poorer reading (the
// caption joined to a texture beside it for a sample) is no sliver.
func dropSlivers(in []kmeme.ScreenText) []kmeme.ScreenText {
	var out []kmeme.ScreenText
	for i, t := range in {
		sliver := false
		for j, o := range in {
			if i == j {
				continue
			}
			span := math.Min(t.End, o.End) - math.Max(t.Start, o.Start)
			if (span > 0 || span > -0.05 && t.Confidence <= o.Confidence) && t.Box.H < 0.7*o.Box.H && boxOverlap(t.Box, o.Box) >= 0.8 && t.Box.W <= o.Box.W {
				sliver = true
				break
			}
		}
		if !sliver {
			out = append(out, t)
		}
	}
	return out
}

func boxOverlap(a, b kmeme.Box) float64 {
	ix := math.Min(a.X+a.W, b.X+b.W) - math.Max(a.X, b.X)
	iy := math.Min(a.Y+a.H, b.Y+b.H) - math.Max(a.Y, b.Y)
	if ix <= 0 || iy <= 0 {
		return 0
	}
	return ix * iy / math.Min(a.W*a.H, b.W*b.H)
}

func unionBox(a, b kmeme.Box) kmeme.Box {
	x0, y0 := math.Min(a.X, b.X), math.Min(a.Y, b.Y)
	x1, y1 := math.Max(a.X+a.W, b.X+b.W), math.Max(a.Y+a.H, b.Y+b.H)
	return kmeme.Box{X: round3(x0), Y: round3(y0), W: round3(x1 - x0), H: round3(y1 - y0)}
}

// Similarity is the normalised character similarity of two texts (1 minus
// the edit distance over the longer length), ignoring spaces, line breaks
// and case: the measure the bench scores with.
func Similarity(a, b string) float64 {
	ra, rb := normRunes(a), normRunes(b)
	if len(ra) == 0 && len(rb) == 0 {
		return 1
	}
	n := max(len(ra), len(rb))
	return 1 - float64(editDistance(ra, rb))/float64(n)
}

func normRunes(s string) []rune {
	var out []rune
	for _, r := range strings.ToLower(s) {
		if !unicode.IsSpace(r) {
			out = append(out, r)
		}
	}
	return out
}

func editDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
