package recipe

import (
	"strings"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

func TestWidth(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want float64
	}{
		{"", 0},
		{"가", 1},
		{"a", 0.5},
		{"1", 0.5},
		{" ", 0.5},
		{"!", 0.5},
		{"…", 0.5},
		{"이거 실화?", 5},
		{"POV 상황극", 5},
		{"漢字", 2},
	} {
		if got := Width(c.in); got != c.want {
			t.Errorf("Width(%q) = %g, want %g", c.in, got, c.want)
		}
	}
}

func TestTypeset(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, in, want string
		wantErr        bool
	}{
		{"empty", "  ", "", false},
		{"short stays one line", "이거 나만 몰랐어?", "이거 나만 몰랐어?", false},
		{"exactly 16 units", "가나다라마바사아자차카타파하가나", "가나다라마바사아자차카타파하가나", false},
		{"spaces normalised and ellipsis", "잠깐  이게 ...", "잠깐 이게 …", false},
		{"balanced break between eojeol", "여러분도 이 챌린지 해 보고 친구 태그해 주세요", "여러분도 이 챌린지 해 보고\n친구 태그해 주세요", false},
		{"no lone syllable on last line", "가나다라마바사아자차카타파하하 가", "", true},
		{"word longer than a line", "가나다라마바사아자차카타파하가나다", "", true},
		{"three lines needed", "가나다라마바사아 자차카타파하가나 다라마바사아자차 카타", "", true},
		{"latin counts half", "Before and after 완전 다른 사람이 됐어요", "Before and after 완전\n다른 사람이 됐어요", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Typeset(c.in)
			if c.wantErr {
				if err == nil || kmeme.ErrorCode(err) != kmeme.EINVALID {
					t.Fatalf("Typeset(%q) = %q, %v; want EINVALID", c.in, got, err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("Typeset(%q) = %q, %v; want %q", c.in, got, err, c.want)
			}
			if err := CheckCaption(got); err != nil {
				t.Fatalf("CheckCaption(%q): %v", got, err)
			}
			if strings.ReplaceAll(got, "\n", " ") != Normalize(c.in) {
				t.Fatalf("Typeset changed the words: %q -> %q", c.in, got)
			}
		})
	}
}

func TestCheckCaptionRejects(t *testing.T) {
	t.Parallel()
	for _, c := range []string{
		"가나다라마바사아자차카타파하가나다", // 17 units
		"하나 둘\n셋 넷\n다섯 여섯",  // 3 lines
		"가나다라마 바사아자차\n가",    // lone syllable
		"가나다라마 바사아자차\n가!",   // lone syllable with punctuation
		" 앞 공백\n있음",         // padded line
	} {
		if err := CheckCaption(c); err == nil {
			t.Errorf("CheckCaption(%q) = nil, want an error", c)
		}
	}
	if err := CheckOvertitle("가나다라마바사아자차카"); err == nil {
		t.Error("CheckOvertitle accepted 11 units")
	}
	if err := CheckOvertitle("킬링 파트"); err != nil {
		t.Errorf("CheckOvertitle(킬링 파트): %v", err)
	}
}

// TestLibraryMaterialFits proves every caption and overtitle in the format
// library, in both registers and with the count of either metre filled
// in, can be set within the rules and has no English, so no plan ever
// drops one; that every role has material; and that the two registers are
// written apart (a polite line is not the casual one with 요 appended).
func TestLibraryMaterialFits(t *testing.T) {
	t.Parallel()
	ids := map[string]bool{}
	lines := 0
	for _, f := range formats {
		if ids[f.id] {
			t.Errorf("duplicate format id %q", f.id)
		}
		ids[f.id] = true
		if len(f.tags) < 3 || len(f.titles) == 0 || len(f.hooks) == 0 || f.convention.Korean == "" || f.suggestion.Korean == "" {
			t.Errorf("format %s lacks tags, titles, hooks or adaptations", f.id)
		}
		for _, ro := range roles {
			if len(f.bank[ro]) == 0 {
				t.Errorf("format %s has no %s ideas", f.id, ro)
			}
		}
		for ro, ideas := range f.bank {
			for _, id := range ideas {
				for _, meter := range []int{3, 4} {
					fill := func(s string) string { return strings.ReplaceAll(s, "{count}", countWord(meter)) }
					for _, o := range id.overtitles {
						for _, s := range []string{fill(o.casual), fill(o.polite)} {
							if err := CheckOvertitleText(s); err != nil {
								t.Errorf("%s/%s: %v", f.id, ro, err)
							}
						}
					}
					for _, l := range id.captions {
						lines++
						for _, s := range []string{fill(l.casual), fill(l.polite)} {
							c, err := Typeset(s)
							if err == nil {
								err = CheckCaptionText(c)
							}
							if err != nil {
								t.Errorf("%s/%s: %v", f.id, ro, err)
							}
						}
						if ro == kmeme.RoleCTA && (l.polite == l.casual || !strings.ContainsAny(l.polite, "요다죠")) {
							t.Errorf("%s/%s: the call to action %q has no polite form (%q)", f.id, ro, l.casual, l.polite)
						}
					}
				}
				withDrop := newTextPicker(nil, 0, "", dropCue(true, true)).fill(id.action)
				noBeat := newTextPicker(nil, 0, "", dropCue(false, false)).fill(id.action)
				for _, s := range []string{id.film, id.framing, withDrop, noBeat} {
					if err := CheckKoreanText(s); err != nil {
						t.Errorf("%s/%s: %v", f.id, ro, err)
					}
				}
			}
		}
	}
	if len(formats) < 10 {
		t.Errorf("library has %d formats, want at least 10", len(formats))
	}
	if lines/2 < 150 {
		t.Errorf("the line bank has %d captions, want at least 150", lines/2)
	}
}
