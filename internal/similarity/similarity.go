// Package similarity turns analyses and text into vectors for pgvector:
// a structural fingerprint of a video (tempo, cut rhythm relative to the
// beat, energy shape, section layout) so that the same meme format is found
// even under another song, and a hashed character n-gram embedding of
// titles and recipe text that works for Hangul with no model download.
// Everything here is pure Go and deterministic.
package similarity

import (
	"hash/fnv"
	"math"
	"strings"
	"unicode"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// Dimensions of the two vectors, matching the columns of remix_nodes.
const (
	FingerprintDim = 32
	TextDim        = 256
)

// Fingerprint returns the unit-length structural vector of a. Layout:
//
//	0–2   tempo: BPM/200, has-tempo, confidence
//	3–4   cuts per beat, share of cuts on a beat
//	5–10  histogram of cut intervals in beats (≤0.75, ~1, ~2, ~4, ~8, longer)
//	11–18 energy curve resampled to 8 points
//	19–24 share of the duration in each section label
//	25    where the loudest stretch is, as a share of the duration
//	26–29 hook score, hook cut density, onset density, mean shot motion
//	30    duration, log-scaled (1 at 60 s)
//	31    a constant, so that no vector is zero
func Fingerprint(a *kmeme.Analysis) []float32 {
	v := make([]float64, FingerprintDim)
	if a == nil {
		v[31] = 1
		return unit(v)
	}
	dur := a.DurationS
	if !(dur > 0) {
		dur = 1
	}
	beatLen := 0.5 // seconds per "beat" when there is no tempo: a brisk speech rhythm
	if a.HasTempo() {
		bpm := *a.Tempo.BPM
		v[0] = clamp(bpm/200, 0, 1.5)
		v[1] = 1
		v[2] = clamp(a.Tempo.Confidence, 0, 1)
		if bpm > 0 {
			beatLen = 60 / bpm
		}
	}
	nBeats := dur / beatLen
	if len(a.Beats) > 1 {
		nBeats = float64(len(a.Beats))
	}
	if nBeats > 0 {
		v[3] = clamp(float64(len(a.Cuts))/nBeats, 0, 2)
	}
	if len(a.Cuts) > 0 {
		v[4] = clamp(float64(a.CutsOnBeats)/float64(len(a.Cuts)), 0, 1)
	}
	// Cut intervals in beats, including the first shot from 0.
	prev := 0.0
	var hist [6]float64
	total := 0.0
	for _, c := range a.Cuts {
		d := (c.T - prev) / beatLen
		prev = c.T
		if d <= 0 {
			continue
		}
		hist[intervalBin(d)]++
		total++
	}
	if total > 0 {
		for i := range hist {
			v[5+i] = hist[i] / total
		}
	}
	for i, x := range resample(a.Energy.Values, 8) {
		v[11+i] = clamp(x, 0, 1)
	}
	labels := []kmeme.SectionLabel{kmeme.SectionIntro, kmeme.SectionBuild, kmeme.SectionDrop,
		kmeme.SectionBreak, kmeme.SectionOutro, kmeme.SectionSpeech}
	for _, s := range a.Sections {
		for i, l := range labels {
			if s.Label == l && s.End > s.Start {
				v[19+i] += (s.End - s.Start) / dur
			}
		}
	}
	v[25] = clamp(a.Energy.PeakT/dur, 0, 1)
	v[26] = clamp(a.Hook.Score, 0, 1)
	v[27] = clamp(a.Hook.CutDensity/4, 0, 1.5)
	v[28] = clamp(a.Hook.OnsetDensity/8, 0, 1.5)
	if len(a.Shots) > 0 {
		m := 0.0
		for _, s := range a.Shots {
			m += s.Motion
		}
		v[29] = clamp(m/float64(len(a.Shots)), 0, 1)
	}
	v[30] = clamp(math.Log1p(dur)/math.Log1p(60), 0, 2)
	v[31] = 0.5
	for i := range v {
		if math.IsNaN(v[i]) || math.IsInf(v[i], 0) {
			v[i] = 0
		}
	}
	return unit(v)
}

// intervalBin places an interval measured in beats into one of six bins.
func intervalBin(beats float64) int {
	switch {
	case beats <= 0.75:
		return 0
	case beats <= 1.5:
		return 1
	case beats <= 3:
		return 2
	case beats <= 6:
		return 3
	case beats <= 12:
		return 4
	}
	return 5
}

// resample averages xs into n equal stretches (zeros when xs is empty).
func resample(xs []float64, n int) []float64 {
	out := make([]float64, n)
	if len(xs) == 0 {
		return out
	}
	for i := 0; i < n; i++ {
		lo := i * len(xs) / n
		hi := (i + 1) * len(xs) / n
		if hi <= lo {
			hi = lo + 1
		}
		if hi > len(xs) {
			hi = len(xs)
			lo = min(lo, hi-1)
		}
		s := 0.0
		for _, x := range xs[lo:hi] {
			s += x
		}
		out[i] = s / float64(hi-lo)
	}
	return out
}

// TextEmbedding returns the unit-length hashed n-gram vector of text.
// Words give their whole form, and their character 2- and 3-grams (with a
// boundary mark) so that inflected Korean words (밈이, 밈을) and spelling
// variants still share most features. Hangul syllables also count alone,
// since Korean words are short. Empty text gives a zero vector.
func TextEmbedding(text string) []float32 {
	v := make([]float64, TextDim)
	for _, w := range Words(text) {
		add(v, "w:"+w, 1.0)
		if stem := StripParticle(w); stem != w {
			add(v, "w:"+stem, 1.0)
		}
		rs := []rune("^" + w + "$")
		for n := 2; n <= 3; n++ {
			for i := 0; i+n <= len(rs); i++ {
				add(v, string(rs[i:i+n]), 0.7)
			}
		}
		for _, r := range w {
			if isHangul(r) {
				add(v, "s:"+string(r), 0.5)
			}
		}
	}
	return unit(v)
}

// particles are common Korean postpositions, longest first.
var particles = []string{"에서는", "으로는", "에서", "으로", "에게", "한테", "까지", "부터", "처럼", "이랑",
	"이", "가", "을", "를", "은", "는", "에", "의", "도", "로", "와", "과", "랑", "만"}

// StripParticle removes one trailing Korean particle from a Hangul word of
// at least two syllables (밈을 → 밈, 출근길에 → 출근길), so inflected
// forms share the stem's feature.
func StripParticle(w string) string {
	rs := []rune(w)
	if len(rs) < 2 || !isHangul(rs[len(rs)-1]) {
		return w
	}
	for _, p := range particles {
		pr := []rune(p)
		if len(rs) > len(pr) && string(rs[len(rs)-len(pr):]) == p {
			return string(rs[:len(rs)-len(pr)])
		}
	}
	return w
}

// Words lowercases text and splits it into runs of letters and digits.
func Words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

func isHangul(r rune) bool { return r >= 0xAC00 && r <= 0xD7A3 || r >= 0x3131 && r <= 0x318E }

// add hashes a feature into v with a sign bit, so that collisions cancel
// on average instead of piling up.
func add(v []float64, feature string, w float64) {
	h := fnv.New64a()
	h.Write([]byte(feature))
	x := h.Sum64()
	i := int(x % uint64(len(v)))
	if x>>63 == 1 {
		w = -w
	}
	v[i] += w
}

func unit(v []float64) []float32 {
	n := 0.0
	for _, x := range v {
		n += x * x
	}
	out := make([]float32, len(v))
	if n == 0 {
		return out
	}
	n = math.Sqrt(n)
	for i, x := range v {
		out[i] = float32(x / n)
	}
	return out
}

func clamp(x, lo, hi float64) float64 {
	if math.IsNaN(x) {
		return lo
	}
	return math.Max(lo, math.Min(hi, x))
}

// Cosine returns the cosine similarity of two vectors of equal length (0
// when either is zero).
func Cosine(a, b []float32) float64 {
	if len(a) != len(b) {
		return 0
	}
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

// IsZero reports whether every component of v is zero.
func IsZero(v []float32) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}

// VectorLiteral formats v as pgvector's text form, "[1,2,3]".
func VectorLiteral(v []float32) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, x := range v {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconvFloat(x))
	}
	b.WriteByte(']')
	return b.String()
}
