package similarity

import (
	"math"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

func analysisAt(bpm float64, cutEveryBeats int, speech bool) *kmeme.Analysis {
	a := &kmeme.Analysis{DurationS: 16}
	beat := 60 / bpm
	if !speech {
		a.Tempo = kmeme.Tempo{BPM: &bpm, Confidence: 0.9}
		for t := 0.0; t < 16; t += beat {
			a.Beats = append(a.Beats, t)
		}
		for i := cutEveryBeats; i < len(a.Beats); i += cutEveryBeats {
			a.Cuts = append(a.Cuts, kmeme.Cut{T: a.Beats[i], Kind: kmeme.CutHard})
		}
		a.CutsOnBeats = len(a.Cuts)
		a.Sections = []kmeme.Section{{Label: kmeme.SectionIntro, Start: 0, End: 4}, {Label: kmeme.SectionBuild, Start: 4, End: 8},
			{Label: kmeme.SectionDrop, Start: 8, End: 14}, {Label: kmeme.SectionOutro, Start: 14, End: 16}}
		a.Energy = kmeme.Energy{Values: []float64{.2, .3, .4, .5, .6, .9, 1, .9, .5}, PeakT: 10}
	} else {
		a.Cuts = []kmeme.Cut{{T: 5.3}, {T: 11.1}}
		a.Sections = []kmeme.Section{{Label: kmeme.SectionSpeech, Start: 0, End: 16}}
		a.Energy = kmeme.Energy{Values: []float64{.5, .4, .5, .6, .4, .5, .5, .4, .5}, PeakT: 3}
	}
	return a
}

func TestFingerprintFindsTheFormat(t *testing.T) {
	t.Parallel()
	dance128 := Fingerprint(analysisAt(128, 2, false))
	dance124 := Fingerprint(analysisAt(124, 2, false)) // same format, another song
	slow4 := Fingerprint(analysisAt(128, 8, false))    // same song, cuts every 8 beats
	talk := Fingerprint(analysisAt(0, 0, true))
	if len(dance128) != FingerprintDim {
		t.Fatalf("dim %d", len(dance128))
	}
	same := Cosine(dance128, dance124)
	if same < 0.98 {
		t.Errorf("same format, other song: cosine %.3f", same)
	}
	if c := Cosine(dance128, slow4); c >= same {
		t.Errorf("another cut rhythm (%.3f) is as close as the same format (%.3f)", c, same)
	}
	if c := Cosine(dance128, talk); c > 0.8 {
		t.Errorf("talking head vs dance: cosine %.3f", c)
	}
	for _, v := range [][]float32{dance128, talk, Fingerprint(nil), Fingerprint(&kmeme.Analysis{DurationS: math.NaN()})} {
		n := 0.0
		for _, x := range v {
			if math.IsNaN(float64(x)) {
				t.Fatal("NaN in fingerprint")
			}
			n += float64(x) * float64(x)
		}
		if math.Abs(n-1) > 1e-5 {
			t.Errorf("norm² %v, want 1", n)
		}
	}
}

func TestTextEmbeddingHangul(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a, b   string
		closer string // b should be closer to a than closer's pair is
	}{
		{"출근길 댄스 챌린지", "출근길에 추는 댄스", "고양이 먹방 브이로그"},
		{"office dance challenge", "dance challenge at the office", "cat eating vlog"},
		{"밈이 웃기다", "밈을 만들자", "주식 투자 방법"},
	}
	for _, c := range cases {
		ea, eb, ec := TextEmbedding(c.a), TextEmbedding(c.b), TextEmbedding(c.closer)
		if len(ea) != TextDim {
			t.Fatalf("dim %d", len(ea))
		}
		if Cosine(ea, eb) <= Cosine(ea, ec)+0.05 {
			t.Errorf("%q~%q %.3f vs %q %.3f", c.a, c.b, Cosine(ea, eb), c.closer, Cosine(ea, ec))
		}
	}
	if !IsZero(TextEmbedding("  !!! ")) {
		t.Error("punctuation only should embed to zero")
	}
	if Cosine(TextEmbedding("Dance"), TextEmbedding("dance")) < 0.999 {
		t.Error("case should not matter")
	}
}

func TestVectorLiteral(t *testing.T) {
	t.Parallel()
	if got := VectorLiteral([]float32{1, -0.5, 0.25}); got != "[1,-0.5,0.25]" {
		t.Errorf("literal %s", got)
	}
}

func TestStripParticle(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"밈을": "밈", "출근길에": "출근길", "회사에서": "회사", "밈": "밈", "dance": "dance", "고양이": "고양"} { // ambiguous: the whole word is kept as a feature too {
		if got := StripParticle(in); got != want {
			t.Errorf("StripParticle(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzTextEmbedding(f *testing.F) {
	for _, s := range []string{"출근길 댄스 챌린지", "office dance", "", "ㅋㅋㅋ", "\xff\xfe", "밈을 밈이 밈"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := TextEmbedding(s)
		if len(v) != TextDim {
			t.Fatalf("dim %d", len(v))
		}
		n := 0.0
		for _, x := range v {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				t.Fatalf("non-finite component for %q", s)
			}
			n += float64(x) * float64(x)
		}
		if n != 0 && math.Abs(n-1) > 1e-4 {
			t.Fatalf("norm² %v for %q", n, s)
		}
	})
}
