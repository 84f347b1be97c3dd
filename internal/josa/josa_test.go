package josa

import "testing"

func TestOf(t *testing.T) {
	for _, c := range []struct{ word, p, want string }{
		{"변신 트랜지션", "와", "과"},
		{"립싱크", "과", "와"},
		{"하나 둘 셋 넷", "으로", "으로"},
		{"하나 둘 셋", "으로", "으로"},
		{"하나 둘", "으로", "로"}, // ㄹ받침
		{"하나 둘 셋 넷 다섯 여섯", "로", "으로"},
		{"서울", "으로", "로"},
		{"존댓말", "이", "이"},
		{"반말", "는", "은"},
		{"나", "이", "가"},
		{"월요일 아침의 나", "은", "는"},
		{"막내", "을", "를"},
		{"POV", "이", "가"},
		{"3", "을", "을"},
		{"2", "는", "는"},
		{"'연습'", "이에요", "이에요"},
		{"고양이", "이에요", "예요"},
		{"MBTI", "와", "와"},
		{"", "이", "가"},
		{"댄스 챌린지(후보)", "과", "와"},
		{"x", "ㅁ", "ㅁ"},
	} {
		if got := Of(c.word, c.p); got != c.want {
			t.Errorf("Of(%q, %q) = %q, want %q", c.word, c.p, got, c.want)
		}
	}
	if got := Quote("변신 트랜지션", "와"); got != "'변신 트랜지션'과" {
		t.Errorf("Quote = %q", got)
	}
}

func TestCheck(t *testing.T) {
	for _, c := range []struct {
		s    string
		want string // "" for no problem, else Want
	}{
		{"'변신 트랜지션'와 '립싱크' 중", "과"},
		{"'변신 트랜지션'과 '립싱크' 중", ""},
		{"한 마디는 '하나 둘 셋 넷'로 셉니다.", "으로"},
		{"한 마디는 '하나 둘'로 셉니다.", ""},
		{"한 마디는 '하나 둘'으로 셉니다.", "로"},
		{"'연습'이라는 말", ""},
		{"'나'이 웃는다", "가"},
		{"그냥 문장", ""},
	} {
		w := Check(c.s)
		switch {
		case c.want == "" && w != nil:
			t.Errorf("Check(%q) = %+v, want nil", c.s, *w)
		case c.want != "" && (w == nil || w.Want != c.want):
			t.Errorf("Check(%q) = %+v, want %q", c.s, w, c.want)
		}
	}
}
