package perception

import "testing"

// The Korean-only reading replaces Latin words the mixed model made of
// Korean syllables, and never replaces real English.
func TestPreferHangul(t *testing.T) {
	// word rows as tesseract's TSV gives them: line, text, left, width, conf
	tsv := func(rows ...[5]any) []byte {
		out := ""
		for _, r := range rows {
			out += "5\t1\t1\t1\t" + itoa(r[0].(int)+1) + "\t1\t" + itoa(r[2].(int)) + "\t10\t" + itoa(r[3].(int)) + "\t40\t" + itoa(r[4].(int)) + "\t" + r[1].(string) + "\n"
		}
		return []byte(out)
	}
	cases := []struct {
		name        string
		mixed, kor  []byte
		want        string
		wantChanged bool
	}{
		{"rare syllables read as Latin, its box over the next word",
			tsv([5]any{0, "친구가", 40, 190, 90}, [5]any{0, "West", 453, 300, 33}, [5]any{0, "때", 693, 61, 97}),
			tsv([5]any{0, "친구가", 40, 190, 90}, [5]any{0, "읽", 453, 54, 93}, [5]any{0, "씹", 522, 59, 40}, [5]any{0, "할", 596, 57, 84}, [5]any{0, "때", 693, 60, 97}),
			"친구가 읽 씹 할 때", true},
		{"one syllable read as capitals",
			tsv([5]any{0, "나", 81, 69, 88}, [5]any{0, "vs", 175, 71, 85}, [5]any{0, "LH", 278, 65, 92}, [5]any{0, "POV", 559, 159, 97}),
			tsv([5]any{0, "나", 81, 69, 88}, [5]any{0, "5", 175, 71, 36}, [5]any{0, "내", 278, 65, 91}, [5]any{0, "00\\", 598, 120, 45}),
			"나 vs 내 POV", true},
		{"a speck read as punctuation beside the syllables (seed 2 p25)",
			tsv([5]any{0, "AIDE", 16, 406, 39}, [5]any{0, "카", 296, 71, 80}, [5]any{0, "톡", 367, 45, 91}, [5]any{0, "SPAS", 452, 205, 15}, [5]any{0, "때", 684, 61, 97}),
			tsv([5]any{0, ":", 16, 17, 0}, [5]any{0, "친", 56, 56, 89}, [5]any{0, "구", 127, 61, 93}, [5]any{0, "가", 198, 54, 80}, [5]any{0, "카", 296, 56, 80}, [5]any{0, "톡", 367, 45, 91},
				[5]any{0, "읽", 455, 51, 82}, [5]any{0, "찜", 526, 58, 0}, [5]any{0, "할", 597, 46, 96}, [5]any{0, "때", 684, 61, 97}),
			"친 구 가 카 톡 읽 찜 할 때", true},
		{"English stays English",
			tsv([5]any{0, "Me", 36, 112, 97}, [5]any{0, "coffee", 547, 229, 94}),
			tsv([5]any{0, "\"/1@", 32, 116, 0}, [5]any{0, "(0[1[606@", 547, 229, 0}),
			"Me coffee", false},
		{"a surer Latin word is kept against a doubtful syllable",
			tsv([5]any{0, "it", 300, 40, 95}),
			tsv([5]any{0, "주", 300, 40, 60}),
			"it", false},
		{"a syllable covering part of a word does not replace it",
			tsv([5]any{0, "coffee", 100, 200, 50}),
			tsv([5]any{0, "커", 100, 60, 95}),
			"coffee", false},
		{"another line is not looked at",
			tsv([5]any{0, "OF", 100, 60, 50}),
			tsv([5]any{0, "가", 400, 60, 95}, [5]any{1, "안", 100, 60, 95}),
			"OF", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, k := parseTSV(c.mixed, 1)[0], parseTSV(c.kor, 1)[0]
			got, changed := preferHangul(m, k)
			if got.text != c.want || changed != c.wantChanged {
				t.Errorf("got %q (changed %v), want %q (changed %v)", got.text, changed, c.want, c.wantChanged)
			}
		})
	}
}

// A region shown again unchanged is recognised, a changed one is not.
func TestSameCrop(t *testing.T) {
	a := crop{w: 10, h: 4, pix: make([]byte, 40)}
	b := crop{w: 10, h: 4, pix: make([]byte, 40)}
	for i := range a.pix {
		a.pix[i] = byte(i * 6)
		b.pix[i] = byte(i*6 + 3)
	}
	if !sameCrop(a, b) {
		t.Error("a re-encoded copy is not the same crop")
	}
	for i := 0; i < 20; i++ {
		b.pix[i] = 255 - a.pix[i]
	}
	if sameCrop(a, b) {
		t.Error("a crop with half its pixels changed is the same")
	}
	b.h, b.pix = 5, make([]byte, 50)
	if sameCrop(a, b) {
		t.Error("crops of different sizes are the same")
	}
}

// English alone replaces the digits the Korean models made of capitals,
// never a number, and never a word of another length.
func TestPreferLatin(t *testing.T) {
	tsv := func(rows ...[5]any) []byte {
		out := ""
		for _, r := range rows {
			out += "5\t1\t1\t1\t" + itoa(r[0].(int)+1) + "\t1\t" + itoa(r[2].(int)) + "\t10\t" + itoa(r[3].(int)) + "\t40\t" + itoa(r[4].(int)) + "\t" + r[1].(string) + "\n"
		}
		return []byte(out)
	}
	cases := []struct {
		name        string
		mixed, eng  []byte
		want        string
		wantChanged bool
	}{
		{"capitals read as digits",
			tsv([5]any{0, "오", 40, 73, 93}, [5]any{0, "늘", 152, 94, 93}, [5]any{0, "의", 254, 8, 71}, [5]any{0, "0010", 301, 223, 95}),
			tsv([5]any{0, "25°]", 40, 222, 45}, [5]any{0, "OOTD", 301, 223, 90}),
			"오 늘 의 OOTD", true},
		{"a number stays",
			tsv([5]any{0, "퇴근", 40, 120, 93}, [5]any{0, "50", 200, 60, 93}, [5]any{0, "분", 280, 60, 93}),
			tsv([5]any{0, "EA", 40, 120, 40}, [5]any{0, "50", 200, 60, 90}, [5]any{0, "=", 280, 60, 30}),
			"퇴근 50 분", false},
		{"one digit more than letters",
			tsv([5]any{0, "14871", 40, 160, 77}, [5]any{0, "특", 220, 60, 93}, [5]any{0, "ㅋㅋ", 300, 90, 80}),
			tsv([5]any{0, "MBTI", 40, 160, 91}, [5]any{0, "=", 220, 60, 30}, [5]any{0, "aa", 300, 90, 40}),
			"MBTI 특 ㅋㅋ", true},
		{"a Latin word of another length does not replace the digits",
			tsv([5]any{0, "이거", 40, 120, 93}, [5]any{0, "100", 200, 90, 93}),
			tsv([5]any{0, "Ol", 40, 120, 40}, [5]any{0, "IOOKS", 200, 90, 90}),
			"이거 100", false},
		{"a doubtful English reading does not",
			tsv([5]any{0, "이거", 40, 120, 93}, [5]any{0, "0010", 200, 90, 95}),
			tsv([5]any{0, "Ol", 40, 120, 40}, [5]any{0, "OOTD", 200, 90, 65}),
			"이거 0010", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, e := parseTSV(c.mixed, 1)[0], parseTSV(c.eng, 1)[0]
			got, changed := preferLatin(m, e)
			if got.text != c.want || changed != c.wantChanged {
				t.Errorf("got %q (changed %v), want %q (changed %v)", got.text, changed, c.want, c.wantChanged)
			}
		})
	}
}
