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
// library can be set within the rules, so no plan ever drops one.
func TestLibraryMaterialFits(t *testing.T) {
	t.Parallel()
	ids := map[string]bool{}
	for _, f := range formats {
		if ids[f.id] {
			t.Errorf("duplicate format id %q", f.id)
		}
		ids[f.id] = true
		for _, ro := range []role{roleHook, roleBuild, roleDrop, roleOutro} {
			if len(f.ideas[ro]) == 0 {
				t.Errorf("format %s has no %s ideas", f.id, ro)
			}
		}
		if len(f.tags) < 2 || len(f.titles) == 0 || len(f.hooks) == 0 || len(f.adaptations) == 0 {
			t.Errorf("format %s lacks tags, titles, hooks or adaptations", f.id)
		}
		for ro, ideas := range f.ideas {
			for _, id := range ideas {
				for _, o := range id.overtitles {
					if err := CheckOvertitle(o); err != nil {
						t.Errorf("%s/%s: %v", f.id, ro, err)
					}
				}
				for _, l := range id.captions {
					for _, s := range []string{l.casual, l.polite} {
						if _, err := Typeset(s); err != nil {
							t.Errorf("%s/%s: %v", f.id, ro, err)
						}
					}
				}
			}
		}
	}
	if len(formats) < 10 {
		t.Errorf("library has %d formats, want at least 10", len(formats))
	}
}

func TestGenericMaterialFits(t *testing.T) {
	t.Parallel()
	for ro, lines := range genericLines {
		for _, l := range lines {
			for _, s := range []string{l.casual, l.polite} {
				if _, err := Typeset(s); err != nil {
					t.Errorf("%s: %v", ro, err)
				}
			}
		}
	}
}
