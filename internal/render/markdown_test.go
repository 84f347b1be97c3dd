package render

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// TestMarkdownFooterIsKorean: the AI fallback reaches the creator as a
// Korean note saying which engine wrote the text, never the technical
// reason (that stays in recipe.json and the logs); part and engine names
// and the format are Korean too.
func TestMarkdownFooterIsKorean(t *testing.T) {
	t.Parallel()
	r := fixtures(t)[0].r
	r.Concept.FormatName = "댄스 챌린지"
	r.Provenance.Fallbacks = []string{
		"claude: not configured (set KMEME_ANTHROPIC_API_KEY); the local planner wrote the text",
		"claude: unavailable (context deadline exceeded); the local planner wrote the text",
		"claude: 2 field(s) broke the typesetting or schema rules and were kept from the local plan",
	}
	md := string(Markdown(r))
	for _, bad := range []string{"not configured", "KMEME_", "local planner", "deadline", "field(s)", "대체: claude", "local:", "timing", "pov-skit", r.Concept.Format} {
		if strings.Contains(md, bad) {
			t.Errorf("recipe.md shows %q", bad)
		}
	}
	for _, want := range []string{"이번에는 Claude를 쓸 수 없어 로컬 플래너가 썼습니다", "2개 항목", "로컬 플래너: 타이밍", "**밈 포맷**: 댄스 챌린지"} {
		if !strings.Contains(md, want) {
			t.Errorf("recipe.md lacks %q", want)
		}
	}
	if n := strings.Count(md, "쓸 수 없어 로컬 플래너가 썼습니다"); n != 1 {
		t.Errorf("the same fallback note %d times", n)
	}
	// Offline by choice (no key) is no fallback: no note at all.
	r.Provenance.Fallbacks = []string{"claude: not configured (set KMEME_ANTHROPIC_API_KEY); the local planner wrote the text"}
	if md := string(Markdown(r)); strings.Contains(md, "참고:") {
		t.Errorf("a note for an engine that is not configured: %s", md[strings.LastIndex(md, "\n---\n"):])
	}
	// The footer has no English besides the engines' names.
	foot := md[strings.LastIndex(md, "\n---\n"):]
	for _, w := range regexp.MustCompile(`[A-Za-z]+`).FindAllString(foot, -1) {
		if w != "Claude" && w != "Gemini" && w != "AI" {
			t.Errorf("footer has the English word %q: %s", w, foot)
		}
	}
}

// TestTimedCaptions: a caption timed inside its shot is cued at its own
// times in the SRT, the ASS script and recipe.md, not over the whole shot;
// an untimed one (an older recipe) still lasts its shot.
func TestTimedCaptions(t *testing.T) {
	t.Parallel()
	f := fixtures(t)[0]
	r := f.r
	i := -1
	for k, s := range r.Shots {
		if s.Caption.Casual != "" && s.End-s.Start > 1.2 {
			i = k
			break
		}
	}
	if i < 0 {
		t.Fatal("fixture has no captioned shot")
	}
	s := &r.Shots[i]
	s.Caption.Start, s.Caption.End = s.Start+0.5, s.Start+1.0
	srt := string(SRT(r, "casual"))
	want := srtTime(s.Start+0.5) + " --> " + srtTime(s.Start+1.0)
	if !strings.Contains(srt, want) {
		t.Errorf("SRT lacks the timed cue %q:\n%s", want, srt)
	}
	if strings.Contains(srt, srtTime(s.Start)+" --> "+srtTime(s.End)) {
		t.Errorf("SRT still cues the caption over the whole shot")
	}
	ass := string(ASS(f.a, r, "casual", 1080, 1920))
	for _, l := range strings.Split(ass, "\n") {
		if strings.Contains(l, ",Caption-Casual,"+fmt.Sprintf("S%02d", s.N)+",") && strings.HasPrefix(l, "Dialogue: 1,"+assTime(s.Start)+",") {
			t.Errorf("ASS cues the timed caption from the shot's start: %s", l)
		}
	}
	if md := string(Markdown(r)); !strings.Contains(md, clock(s.Start+0.5)+"–"+clock(s.Start+1.0)) {
		t.Errorf("recipe.md does not say when the caption shows")
	}
}

// TestMarkdownShotTable: the shot table has the beat column only when the
// plan has beats (a talk clip's would be empty from top to bottom), every
// row has as many cells as the header, and an empty cell is a dash.
func TestMarkdownShotTable(t *testing.T) {
	t.Parallel()
	for _, f := range fixtures(t) {
		withBeats := false
		for _, s := range f.r.Shots {
			withBeats = withBeats || s.StartBeat != ""
		}
		md := string(Markdown(f.r))
		i := strings.Index(md, "## 샷 리스트\n\n")
		if i < 0 {
			t.Fatalf("%s: no shot list", f.name)
		}
		lines := strings.Split(md[i:], "\n")[2:]
		header := lines[0]
		if strings.Contains(header, "| 박자 |") != withBeats {
			t.Errorf("%s: beats in plan %v, header %q", f.name, withBeats, header)
		}
		n := strings.Count(header, "|")
		for _, l := range lines[1 : 2+len(f.r.Shots)] {
			if strings.Count(strings.ReplaceAll(l, "\\|", ""), "|") != n {
				t.Errorf("%s: row %q has other cells than the header %q", f.name, l, header)
			}
			if strings.Contains(l, "|  |") {
				t.Errorf("%s: empty cell in %q", f.name, l)
			}
		}
	}
}
