package recipe

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/kmeme-factory/kmeme/internal/josa"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// carried is one on-screen text of the source carried into a planned shot.
type carried struct {
	text    kmeme.ScreenText
	rt      readText
	source  string // the original, for PlannedShot.SourceText
	ot, cap *line  // the Korean to show instead (nil: keep the bank's)
	how     string // Korean: how it was carried over
	korean  string // Korean: the equivalent, for the adaptation
}

// textMap renders a known English meme phrase with its conventional Korean
// equivalent, both registers by hand (shared/korean-short-form.md).
var textMap = []struct {
	re      *regexp.Regexp
	ot      line
	how     string
	literal bool // the Korean is a conventional equivalent, not a re-make
}{
	{regexp.MustCompile(`(?i)^\s*pov\b`), line{"시점: 나", "시점: 저"}, "'POV:'는 '시점:'으로, 뒤는 한국 상황으로 새로 쓰기", true},
	{nobodyRe, line{"아무도 안 시킴", "아무도 안 시켰어요"}, "'Nobody: / Me:'는 '아무도 안 시킴 / 나:'로", true},
	{regexp.MustCompile(`(?i)^\s*me when\b`), line{"딱 내 얘기", "딱 제 얘기"}, "'Me when…'은 '나 ~할 때' 꼴의 한 줄로", true},
	{regexp.MustCompile(`(?i)\bbefore\b`), line{"평소", "평소"}, "'before'는 '평소'로", true},
	{regexp.MustCompile(`(?i)\bafter\b`), line{"약속 있는 날", "약속 있는 날"}, "'after'는 '약속 있는 날'로", true},
	{regexp.MustCompile(`(?i)expectation`), line{"기대", "기대"}, "'Expectation'은 '기대'로", true},
	{regexp.MustCompile(`(?i)reality`), line{"현실", "현실"}, "'Reality'는 '현실'로", true},
	{regexp.MustCompile(`(?i)wait for it|watch till the end`), line{"끝까지 봐", "끝까지 보세요"}, "'Wait for it'은 '끝까지 봐'로", true},
	{regexp.MustCompile(`(?i)\b(omg|oh my god|wtf)\b`), line{"헐", "헐"}, "감탄사는 예능 자막 '헐'로", true},
	{regexp.MustCompile(`(?i)story ?time|true story`), line{"실화", "실화"}, "'storytime'은 '실화' 자막으로", true},
	{regexp.MustCompile(`(?i)when the (bass|beat) drops`), line{"드롭 들어갈 때", "드롭 들어갈 때"}, "'When the bass drops'는 '드롭 들어갈 때'로", true},
}

var latinRe = regexp.MustCompile(`[A-Za-z]`)

var (
	nobodyRe = regexp.MustCompile(`(?i)nobody\s*:`)
	meRe     = regexp.MustCompile(`(?i)(^|\W)me\s*:`)
)

var povRe = regexp.MustCompile(`(?i)^\s*pov\s*[:：]?\s*`)

// povLine renders "POV: <Korean situation>" keeping the situation as it
// was written: "시점: 월요일 아침의 나" (polite "…의 저"), or, when that is
// too wide for an overtitle, "시점: 월요일 아침". ok is false when the
// text after POV is not Korean (the generic "시점: 나" stays).
func povLine(txt string) (line, bool) {
	rest, ok := povSituation(txt)
	if !ok {
		return line{}, false
	}
	for _, l := range []line{
		{"시점: " + rest + "의 나", "시점: " + rest + "의 저"},
		{"시점: " + rest, "시점: " + rest},
		{rest + "의 나", rest + "의 저"},
	} {
		if CheckOvertitle(l.casual) == nil && CheckOvertitle(l.polite) == nil {
			return l, true
		}
	}
	return line{}, false
}

// povSituation is the Korean situation written after "POV:" ("월요일
// 아침 알람" in "POV: 월요일 아침 알람"), tidied; ok is false when there is
// none or it is not Korean.
func povSituation(txt string) (string, bool) {
	rest := sharpen(povRe.ReplaceAllString(txt, ""))
	if rest == "" || !hasHangul(rest) || latinRe.MatchString(rest) {
		return "", false
	}
	return rest, true
}

// povPrefix starts every overtitle that says whose point of view a skit
// takes; a recipe that carries the source's must not add another.
const povPrefix = "시점:"

// sharpen tidies a Korean on-screen text: single spaces, "…" for "...",
// at most three ㅋ or ㅠ in a row, no trailing sentence period, and no
// space that OCR put before a syllable no Korean word starts with.
func sharpen(s string) string {
	s = joinBoundSyllables(Normalize(s))
	for _, c := range []string{"ㅋ", "ㅎ", "ㅠ", "ㅜ", "!", "?"} {
		for strings.Contains(s, strings.Repeat(c, 4)) {
			s = strings.ReplaceAll(s, strings.Repeat(c, 4), strings.Repeat(c, 3))
		}
	}
	return strings.TrimSuffix(s, ".")
}

// boundStart are syllables that only continue a word, never start one:
// the past and future tense markers ("걸렸을", "먹었다", "갔었다", "하겠다")
// and the formal ending ("먹습니다"). OCR of a meme caption sometimes
// splits a word before one ("엄마한테걸 렸을 때").
const boundStart = "렸었았였겠습"

// joinBoundSyllables removes a space between Hangul and a following word
// that starts with a bound syllable.
func joinBoundSyllables(s string) string {
	rs := []rune(s)
	out := make([]rune, 0, len(rs))
	for i, r := range rs {
		if r == ' ' && i > 0 && i+1 < len(rs) && isHangul(rs[i-1]) && strings.ContainsRune(boundStart, rs[i+1]) {
			continue
		}
		out = append(out, r)
	}
	return string(out)
}

func hasHangul(s string) bool {
	for _, r := range s {
		if isHangul(r) {
			return true
		}
	}
	return false
}

// carryTexts maps every source on-screen text (perception) to the planned
// shot where it starts, with its Korean rendering: Korean text kept
// (tidied); a known English meme phrase given its Korean equivalent; any
// other English kept beside the shot as source text, with the bank's
// Korean line in its place.
func carryTexts(a *kmeme.Analysis, bounds []float64) map[int]carried {
	out := map[int]carried{}
	if a.Perception == nil {
		return out
	}
	ts := append([]kmeme.ScreenText(nil), a.Perception.Texts...)
	sort.SliceStable(ts, func(i, j int) bool { return ts[i].Start < ts[j].Start })
	for _, t := range ts {
		rt := read(t)
		if !rt.usable {
			continue // too faint a reading to build on
		}
		txt := rt.raw
		// The shot the text overlaps most (OCR times are approximate: a
		// caption of the next source shot may be seen a frame early).
		// It goes where it starts when it stays there a second or more.
		i, best := 0, -1.0
		end := math.Max(t.End, t.Start+0.5)
		for k := 0; k+1 < len(bounds); k++ {
			ov := math.Min(end, bounds[k+1]) - math.Max(t.Start, bounds[k])
			if t.Start >= bounds[k] && t.Start < bounds[k+1] && ov >= 1 {
				i = k
				break
			}
			if ov > best+1e-9 {
				i, best = k, ov
			}
		}
		if _, taken := out[i]; taken {
			continue
		}
		c := carried{text: t, rt: rt, source: trimRunes(txt, 80)}
		switch {
		case rt.script == scriptKorean && !povRe.MatchString(txt) && rt.misread():
			// Hangul with a stray Latin fragment: a misread word. What it
			// says is not known, so it is not put on screen as read.
			c.how = "원본의 한국어 자막이 일부만 읽혀, 원본을 보고 옮겨 적어야 함"
			c.korean = "원본 자막을 보고 한국어 그대로 같은 자리에"
		case rt.script == scriptKorean && !povRe.MatchString(txt):
			k := sharpen(rt.clean)
			if CheckOvertitleText(k) == nil {
				c.ot = &line{k, k}
			} else if tc, err := Typeset(k); err == nil && CheckCaptionText(tc) == nil {
				c.cap = &line{tc, tc}
			}
			c.how = "원본의 한국어 자막을 그대로 살림"
			c.korean = "'" + trimRunes(k, 30) + "' 그대로, 같은 자리에 예능 자막으로"
			if c.ot == nil && c.cap == nil && CheckKoreanText(k) != nil {
				c.how = "원본의 한국어 자막에 영문 표기가 섞여 있어, 한글로 옮길지 직접 고르기"
				c.korean = "뜻은 그대로, 영문 표기는 한글로 바꾼 예능 자막"
			} else if c.ot == nil && c.cap == nil {
				c.how = "원본의 한국어 자막이 두 줄에 안 들어가 짧게 줄여야 함"
				c.korean = "뜻은 살리고 10자 안쪽으로 줄인 예능 자막"
			}
		default:
			for _, m := range textMap {
				if m.re.MatchString(txt) {
					o := m.ot
					c.ot, c.how = &o, m.how
					c.korean = "'" + o.casual + "' 자막 (원문은 샷의 원본 자막 칸에)"
					if m.re == nobodyRe && meRe.MatchString(txt) {
						// "Nobody: / Me:": the second line is the joke's
						// turn, said under the picture as in Korean remakes
						c.cap = &line{"나:", "나:"}
						c.korean = josa.Quote(o.casual, "과") + " 자막 '나:' (원문은 샷의 원본 자막 칸에)"
					}
					if m.re != textMap[0].re {
						break
					}
					if pov, ok := povLine(txt); ok {
						o = pov
						c.korean = "'" + o.casual + "' 자막 (원문은 샷의 원본 자막 칸에)"
					} else if sit, ok := povSituation(txt); ok {
						// The situation is too wide for an overtitle beside
						// "시점:": it goes on as the shot's caption.
						if tc, err := Typeset(sit); err == nil && CheckCaptionText(tc) == nil {
							c.cap = &line{tc, tc}
							c.how = "'POV:'는 예능 자막 '시점: 나'로, 한국어로 쓴 상황은 그대로 자막으로"
							c.korean = josa.Quote(o.casual, "과") + " 상황 자막 " + josa.Quote(sit, "을") + " 그대로"
						}
					}
					break
				}
			}
			if c.ot == nil {
				c.how = "영어 자막은 직역하지 않고 같은 자리에 한국어 예능 자막으로"
				c.korean = "직역 대신 이 샷의 한국어 자막으로 바꿔 쓰기"
			}
		}
		out[i] = c
	}
	return out
}

// adaptations lists what the remix changes from the source and why, each
// citing where it was seen; what could not be observed is a suggestion.
func adaptations(a *kmeme.Analysis, fm *format, f *features, rec *kmeme.Recipe, in PlanInput) []kmeme.Adaptation {
	var out []kmeme.Adaptation
	// On-screen text carried over, the strongest evidence there is; a
	// reading that is not sure is cited as such and offered, not stated.
	cs := carryTexts(a, boundsOf(rec.Shots))
	// One caption carried to several shots is one adaptation naming them
	// all: the shots are grouped by what they carry first, then each group
	// is said once. At most three groups are cited.
	type group struct {
		first int       // index of its first shot in rec.Shots
		shots []string  // shot numbers
		times []float64 // where the source showed it
	}
	var groups []*group
	byKey := map[string]*group{} // source text + overtitle
	for i, s := range rec.Shots {
		c, ok := cs[i]
		if !ok || s.SourceText == "" {
			continue
		}
		key := s.SourceText + "\x00" + s.Overtitle
		g := byKey[key]
		if g == nil {
			if len(groups) == 3 {
				continue
			}
			g = &group{first: i}
			byKey[key] = g
			groups = append(groups, g)
		}
		g.shots = append(g.shots, itoa(s.N))
		g.times = append(g.times, c.text.Start)
	}
	n := len(groups)
	for _, g := range groups {
		s, c := rec.Shots[g.first], cs[g.first]
		t := c.text.Start
		shots := "샷 " + strings.Join(g.shots, "·")
		at := make([]string, len(g.times))
		for k, x := range g.times {
			at[k] = fmt.Sprintf("%.1f초", x)
		}
		when := strings.Join(at, ", ")
		k := shots + "의 예능 자막 '" + s.Overtitle + "'"
		reason := "영어 밈 문구는 직역하면 웃음이 사라져, 한국에서 쓰는 표현으로 바꿈"
		switch {
		case c.rt.script == scriptKorean && !povRe.MatchString(c.rt.raw):
			reason = "이미 한국어로 된 자막이라 말맛을 그대로 살림"
		case strings.HasPrefix(s.Overtitle, povPrefix):
			if _, ok := povSituation(s.SourceText); ok {
				reason = "'POV:'는 한국에서 쓰는 '시점:'으로 바꾸고, 한국어로 쓴 상황은 그대로 살림"
			}
		}
		if cp := strings.ReplaceAll(s.Caption.Casual, "\n", " "); cp != "" && c.cap != nil && cp == strings.ReplaceAll(c.cap.casual, "\n", " ") {
			k = shots + "의 자막 '" + cp + "'"
			if c.ot != nil && s.Overtitle == c.ot.casual {
				k = shots + "의 예능 자막 " + josa.Quote(s.Overtitle, "과") + " 자막 '" + cp + "'"
			}
		} else if s.Overtitle == "" || c.ot == nil {
			k = shots + "의 한국어 자막"
		}
		if c.rt.script == scriptKorean && !povRe.MatchString(c.rt.raw) && c.ot == nil && c.cap == nil {
			// the source's Korean caption fits no caption as written: the
			// creator shortens or respells it (carryTexts says how)
			k, reason = shots+": "+c.korean, c.how
		}
		ad := kmeme.Adaptation{
			Source: fmt.Sprintf("화면 자막 \"%s\" (%s)", oneLine(s.SourceText), when), Korean: k, Reason: reason,
			Evidence: &kmeme.Evidence{Kind: kmeme.EvidenceOCR, T: tptr(t), Detail: ocrDetail(c.rt)},
		}
		if !c.rt.sure {
			ad.Suggestion = true
			ad.Source = fmt.Sprintf("화면 자막으로 보이는 \"%s\" (%s, %s)", oneLine(s.SourceText), when, c.rt.uncertainNote())
			if c.rt.misread() {
				ad.Korean = shots + ": 원본 자막을 보고 한국어 그대로 옮겨 적기"
				ad.Reason = "한국어 자막이지만 잘못 읽힌 듯한 로마자가 섞여 있어, 확인하지 않은 문구는 자막으로 쓰지 않음"
				if len(c.rt.noise) == 0 {
					ad.Reason = "한국어 자막이지만 '" + c.rt.garbled[0] + "'처럼 글자가 잘못 읽힌 듯해, 확인하지 않은 문구는 자막으로 쓰지 않음"
				}
			} else {
				ad.Korean = "원본 자막이 맞다면 " + k
				ad.Reason = "글자 인식이 확실하지 않아, 원본을 보고 맞는지 확인한 뒤 쓰기"
			}
		}
		out = append(out, ad)
	}
	if n == 0 && a.Semantics != nil && len(a.Semantics.OnScreenText) > 0 {
		t := trimRunes(a.Semantics.OnScreenText[0], 40)
		out = append(out, kmeme.Adaptation{
			Source: "화면 글자 \"" + t + "\"", Korean: "같은 뜻의 짧은 한국어 예능 자막",
			Reason:   "직역보다 상황에 맞는 한국어 표현이 더 빨리 읽히고 웃김",
			Evidence: &kmeme.Evidence{Kind: kmeme.EvidenceGemini, Detail: a.Semantics.OnScreenText[0]},
		})
	}
	// Speech.
	if f.speech >= 0.3 && a.Perception != nil && a.Perception.Speech != nil {
		sp := a.Perception.Speech
		var t0 float64
		for _, s := range sp.Segments {
			if s.Kind == kmeme.AudioSpeech {
				t0 = s.Start
				break
			}
		}
		detail := fmt.Sprintf("말소리 %d%% (%.1f초 분량)", pct(f.speech), sp.SpeechS)
		if len(sp.Transcript) > 0 {
			detail = trimRunes(sp.Transcript[0].Text, 80)
			t0 = sp.Transcript[0].Start
		}
		out = append(out, kmeme.Adaptation{
			Source: fmt.Sprintf("원본의 말 (전체의 %d%%, %.1f초부터)", pct(f.speech), t0), Korean: "내 말투로 대사를 새로 녹음하고, 한 컷에 한 문장씩 자막",
			// the language of the speech is not measured: no claim it is foreign
			Reason:   "말로 웃기는 영상은 말맛이 핵심이라, 원본이 외국어라면 번역하지 말고 한국어로 새로 쓰기",
			Evidence: &kmeme.Evidence{Kind: kmeme.EvidenceSpeech, T: tptr(t0), Detail: detail},
		})
	}
	// Music: only when there is music.
	if f.tempo {
		out = append(out, kmeme.Adaptation{
			Source: fmt.Sprintf("원본 음악 (%.0f BPM, %d/4)", f.bpm, f.meter), Korean: "템포와 분위기가 같은 플랫폼 라이브러리 음원",
			Reason:   "원곡이 한국에서 사용 허가됐는지 확인할 수 없음",
			Evidence: &kmeme.Evidence{Kind: kmeme.EvidenceMusic, Detail: fmt.Sprintf("%.1f BPM, 박 %d개, 신뢰도 %.2f", f.bpm, len(a.Beats), f.tempoConf)},
		})
	}
	// People.
	if f.perceived && f.twoPlus >= 0.3 {
		shot := 0
		for _, s := range a.Perception.Shots {
			if s.People >= 2 {
				shot = s.Shot
				break
			}
		}
		var t float64
		if shot > 0 && shot <= len(a.Shots) {
			t = a.Shots[shot-1].Start
		}
		out = append(out, kmeme.Adaptation{
			Source: fmt.Sprintf("원본의 %d인 장면 (샷 %d)", f.people, shot), Korean: "친구나 가족과 역할을 나눠 같은 인원으로",
			Reason:   "혼자 찍으면 주고받는 호흡이 사라짐",
			Evidence: &kmeme.Evidence{Kind: kmeme.EvidencePeople, T: tptr(t), Detail: fmt.Sprintf("최대 %d명, 2명 이상 샷 %d%%", f.people, pct(f.twoPlus))},
		})
	}
	// The creator's title in English.
	if t := strings.TrimSpace(in.Title); t != "" && latinRe.MatchString(t) && !hasHangul(t) {
		out = append(out, kmeme.Adaptation{
			Source: "제목 \"" + trimRunes(t, 60) + "\"", Korean: "한국어 제목, 예: '" + observedTitle(a, f, fm) + "'",
			Reason:   "한국 시청자는 검색과 추천에서 한국어 제목을 먼저 봄",
			Evidence: &kmeme.Evidence{Kind: kmeme.EvidenceTitle, Detail: t},
		})
	}
	// The format's own convention.
	conv := fm.convention
	conv.Korean = strings.ReplaceAll(conv.Korean, "{count}", countWord(f.meter))
	for _, s := range rec.Shots {
		if s.SourceText != "" && strings.HasPrefix(s.Overtitle, povPrefix) {
			// the source's own 시점 is the example, not the bank's
			conv.Korean = strings.ReplaceAll(conv.Korean, "'시점: 막내'", "'"+s.Overtitle+"'")
			break
		}
	}
	conv.Evidence = &kmeme.Evidence{Kind: kmeme.EvidenceFormat, Detail: fm.name + " 형식의 관례"}
	if fm.id == "lip-sync" && f.speechWhy == "perception" && f.singing < 0.05 {
		// no singing was heard: the source has no lyrics to adapt, so the
		// convention is offered, not stated
		conv.Suggestion = true
		conv.Source = "립싱크할 노래 (원본에서 노랫소리는 확인되지 않음)"
	}
	out = append(out, conv)
	// What was not observed is only suggested.
	sug := fm.suggestion
	sug.Suggestion = true
	out = append(out, sug)
	return out
}

// hashtags follows the platform counts: TikTok 3–5 (one broad), Shorts 3–8
// with #Shorts, Reels 5–15. The platform changes only this packaging.
func hashtags(fm *format, p kmeme.Platform) kmeme.Hashtags {
	var h kmeme.Hashtags
	h.TikTok = dedupe([]string{broadTag[kmeme.PlatformTikTok], fm.mid, fm.tags[0], fm.tags[1], fm.tags[2]})
	h.Shorts = dedupe([]string{broadTag[kmeme.PlatformShorts], "#쇼츠", fm.mid, fm.tags[0], fm.tags[1], fm.tags[2]})
	h.Reels = dedupe(append([]string{broadTag[kmeme.PlatformReels], "#릴스추천", fm.mid, "#밈"}, fm.tags...))
	return h
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		k := strings.ToLower(x)
		if x != "" && !seen[k] {
			seen[k] = true
			out = append(out, x)
		}
	}
	return out
}

// safeZone is the part of a 1080×1920 frame each platform's interface
// covers (shared/korean-short-form.md: top 130–250 px, bottom 320–460 px,
// right 120–180 px; the upper bounds, to be safe on every device).
var safeZone = map[kmeme.Platform]string{
	kmeme.PlatformTikTok: "틱톡: 위 250px, 아래 460px, 오른쪽 180px 비우기(1080×1920 기준)",
	kmeme.PlatformShorts: "쇼츠: 위 250px, 아래 460px, 오른쪽 180px 비우기(1080×1920 기준)",
	kmeme.PlatformReels:  "릴스: 위 250px, 아래 460px, 오른쪽 180px 비우기(1080×1920 기준)",
}

func checklist(a *kmeme.Analysis, fm *format, f *features, rec *kmeme.Recipe, p kmeme.Platform) []string {
	var out []string
	if rec.Concept.EvidenceWeak && rec.Concept.RunnerUp != nil {
		out = append(out, fmt.Sprintf("근거가 약합니다: %s '%s' 중 영상에 맞는 쪽을 고르세요(두 번째로 다시 계획할 수 있음)", josa.Quote(fm.name, "와"), rec.Concept.RunnerUp.Name))
	}
	out = append(out, fm.checklist...)
	switch {
	case f.tempo:
		out = append(out, fmt.Sprintf("메트로놈 앱을 %d BPM에 맞추고 '%s' 카운트를 몸에 익히기", int(math.Round(f.bpm)), countWord(f.meter)))
	case f.speech >= 0.3:
		// a talk format's own list may already say where to cut
		if !slices.ContainsFunc(fm.checklist, func(c string) bool { return strings.Contains(c, "말 사이") }) {
			out = append(out, "말 사이 쉬는 구간을 살려 컷 편집하기")
		}
	default:
		out = append(out, "장면이 바뀌는 곳에서 컷 편집하기")
	}
	return append(out,
		"자막은 안전 영역 안에 — "+safeZone[p],
		"편집 앱에서 timeline.fcpxml 또는 timeline.otio를 열어 컷 위치 확인",
		"게시 전 captions.srt를 올려 자막 타이밍 확인",
	)
}

// latinWords returns the runs of Latin letters in s.
func latinWords(s string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for _, r := range s {
		if r < 128 && (unicode.IsLetter(r) || (b.Len() > 0 && (r == '.' || unicode.IsDigit(r)))) {
			b.WriteRune(r)
			continue
		}
		flush()
	}
	flush()
	return out
}

// boundsOf returns the shot boundaries of planned shots: every start, then
// the last end.
func boundsOf(shots []kmeme.PlannedShot) []float64 {
	out := make([]float64, 0, len(shots)+1)
	for _, s := range shots {
		out = append(out, s.Start)
	}
	if len(shots) > 0 {
		out = append(out, shots[len(shots)-1].End)
	}
	return out
}

// ocrDetail is the evidence detail of a read text: what was read, with
// its confidence when the reading is not sure.
func ocrDetail(rt readText) string {
	d := trimRunes(rt.raw, 80)
	if !rt.sure {
		d += " (인식 신뢰도 " + confText(rt.conf) + ")"
	}
	return d
}

// oneLine puts a caption of several lines on one, lines joined by " / "
// as a meme caption is quoted in running text ("Nobody: / Me:").
func oneLine(s string) string {
	var parts []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, " / ")
}
