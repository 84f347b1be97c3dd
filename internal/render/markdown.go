package render

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/josa"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// Markdown writes the recipe for a person to read, in Korean.
func Markdown(r *kmeme.Recipe) []byte {
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	c := r.Concept
	p("# %s\n\n", c.Title)
	p("> %s\n\n", c.Hook)
	name := c.FormatName
	if name == "" {
		name = c.Format
	}
	p("- **밈 포맷**: %s\n", name)
	if len(c.Reasons) > 0 {
		var why []string
		for _, x := range c.Reasons {
			if len(why) < 3 && x.Detail != "" {
				why = append(why, x.Detail)
			}
		}
		p("- **이 포맷인 이유**: %s", strings.Join(why, "; "))
		if c.RunnerUp != nil && c.RunnerUp.Name != "" {
			p(" (다음 후보: %s)", c.RunnerUp.Name)
		}
		p("\n")
	}
	p("- **왜 웃긴가**: %s\n", c.Mechanism)
	p("- **플랫폼**: %s · %s · %s\n", platformName(c.Platform), c.Aspect, clock(c.DurationS))
	p("- **난이도**: %s · 촬영 약 %d분 · 편집 약 %d분\n\n", difficultyName(r.Difficulty), r.ShootMin, r.EditMin)

	p("## 사운드\n\n")
	if r.Audio.BPM != nil {
		p("- **템포**: %.1f BPM, %d/4박\n", *r.Audio.BPM, r.Audio.Meter)
	} else {
		p("- **템포**: 일정한 박자 없음\n")
	}
	if r.Audio.DropS != nil {
		p("- **드롭**: %s (%s마디)\n", clock(*r.Audio.DropS), r.Audio.DropBar)
	}
	p("- **음원 종류**: %s (%s 분위기)\n", r.Audio.SoundKind, r.Audio.Mood)
	for _, n := range r.Audio.Notes {
		p("- %s\n", n)
	}

	p("\n## 샷 리스트\n\n")
	// the beat column only when the plan has beats (a talk clip has none);
	// an empty cell says so with a dash
	withBeats := false
	for _, s := range r.Shots {
		withBeats = withBeats || s.StartBeat != ""
	}
	cols := []string{"#", "시간", "박자", "구간", "촬영", "구도", "액션", "예능 자막", "자막 시간", "자막(반말)", "자막(존댓말)", "원본 컷"}
	if !withBeats {
		cols = slices.Delete(cols, 2, 3)
	}
	p("| %s |\n", strings.Join(cols, " | "))
	p("|%s\n", strings.Repeat("---|", len(cols)))
	dash := func(s string) string {
		if s == "" {
			return "—"
		}
		return cell(s)
	}
	for _, s := range r.Shots {
		row := []string{fmt.Sprint(s.N), clock(s.Start) + "–" + clock(s.End)}
		if withBeats {
			beats := ""
			if s.StartBeat != "" {
				beats = s.StartBeat + "–" + s.EndBeat
			}
			row = append(row, dash(beats))
		}
		capTime := ""
		if s.Caption.Casual != "" {
			st, en := s.Caption.Span(s)
			capTime = clock(st) + "–" + clock(en)
		}
		src := ""
		if s.SourceShot > 0 {
			src = fmt.Sprint(s.SourceShot)
		}
		row = append(row, sectionName(s.Section), dash(s.Film), dash(s.Framing), dash(s.Action), dash(s.Overtitle),
			dash(capTime), dash(s.Caption.Casual), dash(s.Caption.Polite), dash(src))
		p("| %s |\n", strings.Join(row, " | "))
	}

	p("\n## 현지화\n\n")
	for _, a := range r.Adaptations {
		tag := ""
		if a.Suggestion {
			tag = "(제안) "
		}
		p("- %s%s → **%s**: %s\n", tag, a.Source, a.Korean, a.Reason)
	}
	p("\n## 해시태그\n\n")
	p("- 틱톡: %s\n- 유튜브 쇼츠: %s\n- 인스타그램 릴스: %s\n",
		strings.Join(r.Hashtags.TikTok, " "), strings.Join(r.Hashtags.Shorts, " "), strings.Join(r.Hashtags.Reels, " "))
	p("\n## 준비물\n\n")
	for _, x := range r.Props {
		p("- %s\n", x)
	}
	p("\n## 촬영 체크리스트\n\n")
	for _, x := range r.Checklist {
		p("- [ ] %s\n", x)
	}
	p("\n---\n%s\n", provenanceLine(r.Provenance))
	return b.Bytes()
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	return strings.ReplaceAll(s, "\n", "<br>")
}

// clock formats seconds as m:ss.s.
func clock(t float64) string {
	if t < 0 {
		t = 0
	}
	m := int(t) / 60
	return fmt.Sprintf("%d:%04.1f", m, t-float64(m*60))
}

func platformName(p kmeme.Platform) string {
	switch p {
	case kmeme.PlatformShorts:
		return "유튜브 쇼츠"
	case kmeme.PlatformReels:
		return "인스타그램 릴스"
	}
	return "틱톡"
}

func difficultyName(d kmeme.Difficulty) string {
	switch d {
	case kmeme.DifficultyEasy:
		return "쉬움"
	case kmeme.DifficultyHard:
		return "어려움"
	}
	return "보통"
}

func sectionName(l kmeme.SectionLabel) string {
	switch l {
	case kmeme.SectionIntro:
		return "인트로"
	case kmeme.SectionVerse:
		return "벌스"
	case kmeme.SectionBuild:
		return "빌드업"
	case kmeme.SectionDrop:
		return "드롭"
	case kmeme.SectionBreak:
		return "브레이크"
	case kmeme.SectionOutro:
		return "아웃트로"
	case kmeme.SectionSpeech:
		return "말"
	}
	return string(l)
}

// provenanceLine says who wrote what, for the footer of every file, in
// Korean: which engine wrote which part and, when an AI engine did not
// answer, that the local planner wrote the text instead. The technical
// reason stays in recipe.json (provenance.fallbacks) and the logs.
func provenanceLine(p kmeme.Provenance) string {
	engines := map[string][]string{}
	for _, part := range []string{"timing", "concept", "shots", "captions", "adaptations", "hashtags", "semantics"} {
		if e, ok := p.Parts[part]; ok {
			engines[e] = append(engines[e], partName[part])
		}
	}
	var xs []string
	for _, e := range []string{kmeme.ProviderLocal, kmeme.ProviderGemini, kmeme.ProviderClaude} {
		if len(engines[e]) == 0 {
			continue
		}
		name := engineName(e)
		if m := p.Models[e]; m != "" {
			name += " (" + m + ")"
		}
		xs = append(xs, name+": "+strings.Join(engines[e], ", "))
	}
	s := "작성 엔진 — " + strings.Join(xs, " · ") + fmt.Sprintf(" · AI 비용 $%.4f", p.CostUSD)
	seen := map[string]bool{}
	for _, f := range p.Fallbacks {
		if n := fallbackNote(f); n != "" && !seen[n] {
			seen[n] = true
			s += "\n\n" + n
		}
	}
	return s
}

// partName is the Korean name of a recipe part in the footer.
var partName = map[string]string{
	"timing": "타이밍", "concept": "콘셉트", "shots": "샷 구성", "captions": "자막", "adaptations": "현지화",
	"hashtags": "해시태그", "semantics": "장면 설명",
}

// engineName is the name a creator knows an engine by.
func engineName(e string) string {
	switch e {
	case kmeme.ProviderLocal:
		return "로컬 플래너"
	case kmeme.ProviderGemini:
		return "Gemini"
	case kmeme.ProviderClaude:
		return "Claude"
	}
	return e
}

// fallbackNote says one provenance fallback ("claude: unavailable (…);
// the local planner wrote the text") in Korean for the creator: which
// engine stood in for which, without the technical reason. An engine that
// is not configured is no fallback and gets no note ("").
func fallbackNote(f string) string {
	prov, rest, _ := strings.Cut(f, ":")
	who := engineName(strings.TrimSpace(strings.ToLower(prov)))
	if who == strings.TrimSpace(strings.ToLower(prov)) {
		who = "AI"
	}
	var n int
	if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d field", &n); err == nil && n > 0 {
		return fmt.Sprintf("참고: %s가 쓴 글 중 %d개 항목은 자막 규칙에 맞지 않아 로컬 플래너의 글을 그대로 두었습니다.", who, n)
	}
	if strings.HasPrefix(strings.TrimSpace(rest), "not configured") {
		// No key set: working offline is the creator's choice, not a
		// fallback; the engine line above already names the local planner.
		return ""
	}
	return fmt.Sprintf("참고: 이번에는 %s 쓸 수 없어 로컬 플래너가 썼습니다.", josa.Attach(who, "를"))
}
