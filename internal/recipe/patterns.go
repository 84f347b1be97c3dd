// What words say about a format: on-screen text conventions, title and
// description keywords, and their Korean names for the reasons.

package recipe

import (
	"regexp"
	"strings"
)

// textPattern is an on-screen text convention of a meme format, in English
// and Korean.
type textPattern struct {
	id      string
	re      *regexp.Regexp
	formats map[string]float64
	korean  string // what the pattern is called in a reason
}

var textPatterns = []textPattern{
	{"pov", regexp.MustCompile(`(?i)(^|\W)pov\b|시점\s*:`), map[string]float64{"pov-skit": 3.5, "office-relatable": 0.8}, "'시점(POV):' 자막"},
	// one idea in two languages: the reason names the one on screen (the
	// shared id counts it once)
	{"nobody", regexp.MustCompile(`(?i)nobody\s*:`), map[string]float64{"pov-skit": 3.0, "reaction": 1.0}, "'아무도: / 나:' 형식의 영어 자막"},
	{"nobody", regexp.MustCompile(`아무도\s*안`), map[string]float64{"pov-skit": 3.0, "reaction": 1.0}, "'아무도 안 ~ / 나:' 한국어 자막"},
	{"me-when", regexp.MustCompile(`(?i)(^|\W)me when\b|(^|\W)when (you|your|ur|u|my)\b`), map[string]float64{"pov-skit": 2.0, "reaction": 1.5}, "'~할 때의 나' 형식의 영어 자막"},
	// "엄마한테 걸렸을 때", "나 혼자 야근할 때": a situation, the reaction or
	// the skit follows
	{"situation", situationRe, map[string]float64{"pov-skit": 2.0, "reaction": 2.0}, "'~할 때' 상황 자막"},
	{"before-after", regexp.MustCompile(`(?i)\bbefore\b|\bafter\b|비포|애프터|평소`), map[string]float64{"outfit-transition": 3.5, "expectation-reality": 1.0}, "'전 / 후' 대비 자막"},
	{"expect-reality", regexp.MustCompile(`(?i)expectation|reality|\bvs\.?\b|기대|현실`), map[string]float64{"expectation-reality": 3.5}, "'기대 / 현실' 자막"},
	{"exclaim", regexp.MustCompile(`(?i)\b(omg|oh my god|wtf|no way)\b|헐|대박|실화냐`), map[string]float64{"reaction": 2.5}, "감탄 자막"},
	{"story", regexp.MustCompile(`(?i)story ?time|true story|썰|실화`), map[string]float64{"storytime": 3.0}, "'썰·실화' 자막"},
	{"recipe", regexp.MustCompile(`(?i)recipe|\bstep\b|레시피|재료|\d+\s*(g|ml)\b|스푼`), map[string]float64{"food-asmr": 3.0}, "레시피·재료 자막"},
	{"office", regexp.MustCompile(`(?i)\bboss\b|\boffice\b|\bmeeting\b|팀장|회사|출근|퇴근|야근`), map[string]float64{"office-relatable": 3.0, "pov-skit": 0.5}, "직장 상황 자막"},
	{"day", regexp.MustCompile(`(?i)\bday in\b|\bvlog\b|\d{1,2}:\d{2}\s*(am|pm)?|하루|일상`), map[string]float64{"vlog-montage": 2.5}, "시각·일상 자막"},
	{"dance", regexp.MustCompile(`(?i)\bdance\b|challenge|챌린지|안무`), map[string]float64{"dance-challenge": 3.0}, "챌린지 자막"},
	{"pet", regexp.MustCompile(`(?i)\bcat\b|\bdog\b|\bpuppy\b|\bkitten\b|고양이|강아지|냥|멍|집사`), map[string]float64{"pet-dub": 3.0}, "반려동물 자막"},
}

// situationRe matches "…ㄹ 때" / "…을 때" / "…던 때": a clause ending in
// the prospective or retrospective modifier before 때 (걸렸을 때, 할 때, 볼
// 때, 혼났던 때). Every syllable with a final ㄹ is listed, as Go's
// regexp has no decomposition of Hangul.
var situationRe = func() *regexp.Regexp {
	var b strings.Builder
	for lv := 0; lv < 19*21; lv++ {
		b.WriteRune(rune(0xAC00 + lv*28 + 8)) // final consonant ㄹ
	}
	return regexp.MustCompile(`([` + b.String() + `]|던)\s*때(마다|는|엔|면)?(\s|$|[^가-힣])`)
}()

// keyword lists for titles and Gemini's description, per format.
var keywords = map[string][]string{
	"dance-challenge":     {"dance", "challenge", "choreo", "댄스", "춤", "안무", "챌린지"},
	"outfit-transition":   {"transition", "outfit", "ootd", "glow up", "transformation", "before", "after", "변신", "트랜지션", "출근룩", "코디"},
	"reaction":            {"reaction", "react", "리액션", "반응", "표정"},
	"pov-skit":            {"pov", "skit", "sketch", "상황극", "시점", "nobody"},
	"expectation-reality": {"expectation", "reality", "기대", "현실"},
	"lip-sync":            {"lip sync", "lipsync", "lip-sync", "립싱크", "singing", "노래"},
	"food-asmr":           {"food", "cook", "recipe", "eat", "asmr", "먹방", "요리", "레시피", "라면", "편의점"},
	"vlog-montage":        {"vlog", "day in", "montage", "daily", "브이로그", "일상", "하루"},
	"office-relatable":    {"office", "work", "boss", "job", "회사", "직장", "팀장", "출근", "퇴근", "야근"},
	"storytime":           {"storytime", "story time", "true story", "talking", "썰", "실화", "사연"},
	"pet-dub":             {"cat", "dog", "pet", "puppy", "kitten", "animal", "고양이", "강아지", "냥이", "댕댕", "반려", "집사"},
}

func matchKeyword(hay string, ks []string) string {
	if hay == "" {
		return ""
	}
	for _, k := range ks {
		if isASCII(k) {
			if wordIn(hay, k) {
				return k
			}
		} else if strings.Contains(hay, k) {
			return k
		}
	}
	return ""
}

// wordIn reports whether the ASCII word k occurs in hay not glued to other
// Latin letters ("cat" in "my cat", not in "education").
func wordIn(hay, k string) bool {
	isLetter := func(b byte) bool { return b >= 'a' && b <= 'z' }
	for i := 0; ; {
		j := strings.Index(hay[i:], k)
		if j < 0 {
			return false
		}
		j += i
		e := j + len(k)
		if (j == 0 || !isLetter(hay[j-1])) && (e == len(hay) || !isLetter(hay[e])) {
			return true
		}
		i = j + 1
	}
}

func isASCII(s string) bool {
	for _, r := range s {
		if r > 127 {
			return false
		}
	}
	return true
}

// koreanKeyword names an English keyword in Korean for a reason line, so
// no English leaks into Korean text.
func koreanKeyword(k string) string {
	m := map[string]string{
		"dance": "댄스", "challenge": "챌린지", "choreo": "안무", "transition": "트랜지션", "outfit": "코디", "ootd": "오늘의 코디",
		"glow up": "변신", "transformation": "변신", "before": "전", "after": "후", "reaction": "리액션", "react": "리액션",
		"pov": "시점", "skit": "상황극", "sketch": "상황극", "nobody": "아무도 안 시킴", "expectation": "기대", "reality": "현실",
		"lip sync": "립싱크", "lipsync": "립싱크", "lip-sync": "립싱크", "singing": "노래", "food": "음식", "cook": "요리",
		"recipe": "레시피", "eat": "먹방", "asmr": "소리", "vlog": "브이로그", "day in": "하루", "montage": "몽타주", "daily": "일상",
		"office": "회사", "work": "일", "boss": "상사", "job": "직장", "storytime": "썰", "story time": "썰", "true story": "실화",
		"talking": "이야기", "cat": "고양이", "dog": "강아지", "pet": "반려동물", "puppy": "강아지", "kitten": "고양이", "animal": "동물",
	}
	if v, ok := m[k]; ok {
		return v
	}
	return k
}
