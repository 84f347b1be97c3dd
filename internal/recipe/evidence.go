package recipe

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// features are the measured facts the format choice rests on. Every one
// comes from the analysis (tempo, cuts, motion, sections), the perception
// stage (people, framing, on-screen text, speech), the creator's title,
// what Gemini described, or the parent recipe; none is guessed.
type features struct {
	d         float64
	tempo     bool
	bpm       float64
	tempoConf float64
	meter     int
	silent    bool    // no audio stream, or the tempo stage heard silence
	speech    float64 // share of the clip that is speech, -1 when not measured
	singing   float64 // share that is singing
	music     float64 // share that is music
	speechWhy string  // where the speech share comes from

	shots    int
	cutRate  float64 // cuts per second
	meanShot float64 // mean source shot length, seconds
	motion   float64 // mean motion of the source shots

	perceived     bool
	people        int     // the most people any shot shows
	withPeople    float64 // share of shots with a person
	onePerson     float64 // share of shots with exactly one person
	twoPlus       float64 // share of shots with two or more people
	facing        float64 // share of shots whose person faces the camera
	tight         float64 // share of shots framed close-up or bust
	wide          float64 // share of shots framed full
	subjectMotion float64 // mean subject motion across shots
	peopleShot    int     // a representative shot for the people facts (1-based)

	texts  []kmeme.ScreenText
	title  string
	sem    string // what Gemini described, lower-cased
	semSrc *kmeme.Semantics
	parent string // the parent recipe's format
	drop   *kmeme.Section
}

func measure(a *kmeme.Analysis, title string, parent *kmeme.Recipe, secs []kmeme.Section) *features {
	f := &features{d: a.DurationS, speech: -1, title: strings.TrimSpace(title)}
	f.tempo = a.HasTempo()
	if f.tempo {
		f.bpm, f.tempoConf = *a.Tempo.BPM, a.Tempo.Confidence
		f.meter = a.Meter
		if f.meter != 3 {
			f.meter = 4
		}
	}
	reason := strings.ToLower(a.Tempo.Reason)
	f.silent = a.Audio == nil || strings.Contains(reason, "silen") || strings.Contains(reason, "no audio")
	if p := a.Perception; p != nil && p.Speech != nil {
		var sp, sg, mu float64
		for _, s := range p.Speech.Segments {
			l := math.Max(0, s.End-s.Start)
			switch s.Kind {
			case kmeme.AudioSpeech:
				sp += l
			case kmeme.AudioSinging:
				sg += l
			case kmeme.AudioMusic:
				mu += l
			}
		}
		f.speech, f.singing, f.music = sp/f.d, sg/f.d, mu/f.d
		if p.Speech.SpeechShare > 0 {
			f.speech = p.Speech.SpeechShare
		}
		f.speechWhy = "perception"
		if sp+sg+mu == 0 && p.Speech.SpeechShare == 0 {
			f.silent = f.silent || len(p.Speech.Segments) > 0
		}
	} else if !f.tempo && !f.silent {
		// Without the perception stage, the tempo stage's own verdict and the
		// speech sections are what we know about the sound.
		sp := 0.0
		for _, s := range secs {
			if s.Label == kmeme.SectionSpeech {
				sp += s.End - s.Start
			}
		}
		if sp > 0 || strings.Contains(reason, "speech") {
			f.speech = math.Max(sp/f.d, 0.6)
			f.speechWhy = "tempo"
		}
	}
	f.shots = len(a.Shots)
	f.cutRate = float64(len(a.Cuts)) / f.d
	if f.shots > 0 {
		for _, s := range a.Shots {
			f.motion += s.Motion
		}
		f.motion /= float64(f.shots)
		f.meanShot = f.d / float64(f.shots)
	} else {
		f.meanShot = f.d
	}
	if p := a.Perception; p != nil && len(p.Shots) > 0 {
		f.perceived = true
		n := float64(len(p.Shots))
		best := -1.0
		for _, s := range p.Shots {
			f.people = max(f.people, s.People)
			if s.People > 0 {
				f.withPeople++
			}
			if s.People == 1 {
				f.onePerson++
			}
			if s.People >= 2 {
				f.twoPlus++
			}
			if s.FacingCamera {
				f.facing++
			}
			switch s.Framing {
			case kmeme.FramingCloseUp, kmeme.FramingBust:
				f.tight++
			case kmeme.FramingFull:
				f.wide++
			}
			f.subjectMotion += s.SubjectMotion
			if score := float64(s.People) + boolf(s.FacingCamera); s.People > 0 && score > best {
				best, f.peopleShot = score, s.Shot
			}
		}
		f.withPeople /= n
		f.onePerson /= n
		f.twoPlus /= n
		f.facing /= n
		f.tight /= n
		f.wide /= n
		f.subjectMotion /= n
	}
	if a.Perception != nil {
		f.texts = a.Perception.Texts
	}
	if a.Semantics != nil {
		f.semSrc = a.Semantics
		f.sem = strings.ToLower(a.Semantics.Format + " " + a.Semantics.Description + " " + strings.Join(a.Semantics.Objects, " "))
	}
	if parent != nil {
		f.parent = parent.Concept.Format
	}
	for i := range secs {
		if secs[i].Label == kmeme.SectionDrop {
			f.drop = &secs[i]
			break
		}
	}
	return f
}

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
	{"nobody", regexp.MustCompile(`(?i)nobody\s*:|아무도\s*안`), map[string]float64{"pov-skit": 3.0, "reaction": 1.0}, "'아무도 안 시킴 / 나:' 자막"},
	{"me-when", regexp.MustCompile(`(?i)(^|\W)me when\b|(^|\W)when (you|your|ur|u|my)\b`), map[string]float64{"pov-skit": 2.0, "reaction": 1.5}, "'me when ~' 자막"},
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

// scored is one format with its score and reasons.
type scored struct {
	f       *format
	score   float64
	reasons []kmeme.FormatReason
}

func (s *scored) add(w float64, detail string, ev kmeme.Evidence) {
	if w == 0 {
		return
	}
	s.score += w
	s.reasons = append(s.reasons, kmeme.FormatReason{Detail: detail, Weight: math.Round(w*100) / 100, Evidence: ev})
}

func tptr(t float64) *float64 { v := round3(t); return &v }

func pct(x float64) int { return int(math.Round(100 * x)) }

// scoreFormats scores every format on f. There is no random term: the
// same evidence always gives the same scores, and the platform is not an
// input at all.
func scoreFormats(f *features) []scored {
	out := make([]scored, len(formats))
	musicEv := func(d string) kmeme.Evidence { return kmeme.Evidence{Kind: kmeme.EvidenceMusic, Detail: d} }
	bpmDetail := ""
	if f.tempo {
		bpmDetail = fmt.Sprintf("%.0f BPM, 신뢰도 %.2f, %d/4", f.bpm, f.tempoConf, f.meter)
	}
	for i := range formats {
		fm := &formats[i]
		s := &out[i]
		s.f = fm
		// The sound: a beat format needs a beat, a talk format lives on speech.
		switch {
		case fm.beat && f.tempo:
			s.add(1.0+0.5*f.tempoConf, fmt.Sprintf("%.0f BPM의 일정한 박자", f.bpm), musicEv(bpmDetail))
		case fm.beat && f.silent:
			s.add(-4, "원본에 소리가 없어 박자에 맞출 수 없음", musicEv("오디오 없음 또는 무음"))
		case fm.beat:
			s.add(-3, "원본에 일정한 박자가 없음", musicEv("박자 검출 안 됨"))
		}
		if f.speech >= 0 {
			ev := kmeme.Evidence{Kind: kmeme.EvidenceSpeech, Detail: fmt.Sprintf("말소리 %d%%", pct(f.speech))}
			switch fm.id {
			case "storytime":
				if f.speech >= 0.5 {
					s.add(2.5*f.speech, fmt.Sprintf("말소리가 전체의 %d%%", pct(f.speech)), ev)
				}
			case "pov-skit", "office-relatable":
				if f.speech >= 0.3 {
					s.add(1.2*f.speech, fmt.Sprintf("대사가 있음 (말소리 %d%%)", pct(f.speech)), ev)
				}
			case "dance-challenge", "vlog-montage":
				if f.speech >= 0.5 {
					s.add(-1.5*f.speech, fmt.Sprintf("음악보다 말소리가 많음 (%d%%)", pct(f.speech)), ev)
				}
			}
		}
		if fm.id == "lip-sync" {
			sev := kmeme.Evidence{Kind: kmeme.EvidenceSpeech, Detail: fmt.Sprintf("노래 %d%%", pct(f.singing))}
			switch {
			case f.singing >= 0.3:
				s.add(2.0, fmt.Sprintf("노래가 전체의 %d%%", pct(f.singing)), sev)
			case f.speechWhy == "perception" && f.singing < 0.05:
				// a lip-sync needs a voice to mouth; the sound was measured
				// and none was heard singing
				s.add(-1.0, "노랫소리가 들리지 않음", sev)
			}
		}
		// Tempo ranges.
		if f.tempo {
			r := bpmRange[fm.id]
			lo, hi := r[0], r[1]
			if hi > 0 && f.bpm >= lo && f.bpm <= hi {
				s.add(0.6, fmt.Sprintf("템포 %.0f BPM이 이 형식의 %.0f–%.0f BPM 안", f.bpm, lo, hi), musicEv(bpmDetail))
			}
		}
		// The source's cut rhythm.
		cutEv := kmeme.Evidence{Kind: kmeme.EvidenceCuts, Detail: fmt.Sprintf("컷 %d개, 평균 샷 %.1f초", max(0, f.shots-1), f.meanShot)}
		switch fm.id {
		case "vlog-montage":
			if f.cutRate >= 0.6 {
				s.add(math.Min(2, 1.5*f.cutRate), fmt.Sprintf("컷이 초당 %.1f개로 빠름", f.cutRate), cutEv)
			} else {
				s.add(-1, fmt.Sprintf("컷이 초당 %.1f개로 몽타주엔 느림", f.cutRate), cutEv)
			}
		case "storytime", "lip-sync", "reaction":
			if f.cutRate <= 0.25 {
				s.add(0.7, fmt.Sprintf("컷이 드묾 (평균 샷 %.1f초)", f.meanShot), cutEv)
			}
		case "outfit-transition", "expectation-reality":
			if f.shots >= 2 && f.shots <= 5 {
				s.add(0.6, fmt.Sprintf("장면이 %d개로 전후가 나뉨", f.shots), cutEv)
			}
		}
		if f.drop != nil && fm.id == "outfit-transition" && f.tempo && f.shots >= 2 {
			s.add(0.5, fmt.Sprintf("%.1f초에 드롭이 있어 변신 컷을 둘 자리가 있음", f.drop.Start), kmeme.Evidence{Kind: kmeme.EvidenceMusic, T: tptr(f.drop.Start), Detail: "드롭 구간 시작"})
		}
		// Motion.
		mot := f.motion
		motDetail := fmt.Sprintf("평균 움직임 %.2f", f.motion)
		if f.perceived {
			mot, motDetail = f.subjectMotion, fmt.Sprintf("인물 움직임 %.2f", f.subjectMotion)
		}
		motEv := kmeme.Evidence{Kind: kmeme.EvidenceMotion, Detail: motDetail}
		// Frame difference mixes camera, cuts and subject; the perception
		// stage's subject motion is the better measure and counts more.
		mw := 0.6
		if f.perceived {
			mw = 1.2
		}
		switch fm.id {
		case "dance-challenge":
			if mot >= 0.35 {
				s.add(mw, "화면 속 움직임이 큼", motEv)
			} else if mot < 0.15 {
				s.add(-0.8, "화면 속 움직임이 작음", motEv)
			}
		case "storytime", "reaction", "lip-sync":
			if mot < 0.25 {
				s.add(0.4, "화면 속 움직임이 작음", motEv)
			}
		}
		// People and framing.
		if f.perceived {
			pev := kmeme.Evidence{Kind: kmeme.EvidencePeople, Detail: fmt.Sprintf("최대 %d명, 인물 있는 샷 %d%%, 정면 %d%%, 클로즈업·바스트 %d%%", f.people, pct(f.withPeople), pct(f.facing), pct(f.tight))}
			if f.peopleShot > 0 {
				pev.Detail += fmt.Sprintf(" (대표 샷 %d)", f.peopleShot)
			}
			switch fm.id {
			case "storytime":
				if f.onePerson >= 0.6 && f.facing >= 0.5 {
					s.add(1.5, "한 사람이 카메라를 보고 있음", pev)
				}
			case "lip-sync":
				if f.onePerson >= 0.6 && f.tight >= 0.5 {
					s.add(1.2, "한 사람 얼굴이 가까이 잡힘", pev)
				}
			case "reaction":
				if f.tight >= 0.5 && f.facing >= 0.5 {
					s.add(1.2, "정면 얼굴이 가까이 잡힘", pev)
				}
			case "dance-challenge":
				if f.wide >= 0.4 && f.withPeople >= 0.6 {
					s.add(1.3, "전신이 잡힌 샷이 많음", pev)
				}
			case "pov-skit", "office-relatable":
				if f.twoPlus >= 0.3 {
					s.add(0.8, "두 사람 이상 나오는 샷이 있음", pev)
				}
			case "food-asmr", "pet-dub":
				if f.withPeople <= 0.3 {
					s.add(0.8, "사람이 거의 나오지 않음", pev)
				}
			case "vlog-montage":
				if f.withPeople <= 0.6 && f.shots >= 5 {
					s.add(0.5, "사람 없는 풍경·사물 컷이 섞여 있음", pev)
				}
			}
			if f.withPeople <= 0.2 {
				switch fm.id {
				case "storytime", "lip-sync", "reaction", "dance-challenge":
					s.add(-1.5, "사람이 거의 나오지 않음", pev)
				}
			}
		}
		// On-screen text patterns.
		seen := map[string]bool{}
		// A faint reading drives nothing; an unsure one counts half and
		// says so.
		for _, t := range f.texts {
			rt := read(t)
			if !rt.usable {
				continue
			}
			w0, note := 1.0, ""
			if !rt.sure {
				w0, note = 0.5, ", 흐릿하게 읽힘"
			}
			for _, p := range textPatterns {
				if w := p.formats[fm.id]; w > 0 && !seen[p.id] && p.re.MatchString(rt.clean) {
					seen[p.id] = true
					s.add(w*w0, fmt.Sprintf("화면에 %s (%.1f초%s)", p.korean, t.Start, note), kmeme.Evidence{Kind: kmeme.EvidenceOCR, T: tptr(t.Start), Detail: ocrDetail(rt)})
				}
			}
		}
		// The creator's title and Gemini's description.
		if k := matchKeyword(strings.ToLower(f.title), keywords[fm.id]); k != "" {
			s.add(3.5, "제목에 '"+koreanKeyword(k)+"'", kmeme.Evidence{Kind: kmeme.EvidenceTitle, Detail: f.title})
		}
		if f.semSrc != nil {
			if k := matchKeyword(f.sem, keywords[fm.id]); k != "" {
				s.add(3.0, "영상 설명 모델이 '"+koreanKeyword(k)+"' 장면으로 봄", kmeme.Evidence{Kind: kmeme.EvidenceGemini, Detail: trimRunes(f.semSrc.Format+" — "+f.semSrc.Description, 120)})
			}
			for _, t := range f.semSrc.OnScreenText {
				for _, p := range textPatterns {
					if w := p.formats[fm.id]; w > 0 && !seen[p.id] && p.re.MatchString(t) {
						seen[p.id] = true
						s.add(w*0.8, "영상 설명 모델이 본 화면 글자에 "+p.korean, kmeme.Evidence{Kind: kmeme.EvidenceGemini, Detail: t})
					}
				}
			}
		}
		if f.parent == fm.id {
			s.add(0.8, "부모 레시피와 같은 형식", kmeme.Evidence{Kind: kmeme.EvidenceParent, Detail: fm.id})
		}
	}
	// Highest score first; on a tie, library order (stable sort).
	sort.SliceStable(out, func(i, j int) bool { return out[i].score > out[j].score })
	for i := range out {
		sort.SliceStable(out[i].reasons, func(a, b int) bool { return out[i].reasons[a].Weight > out[i].reasons[b].Weight })
	}
	return out
}

// bpmRange is the tempo a beat format feels right at.
var bpmRange = map[string][2]float64{
	"dance-challenge": {95, 135}, "outfit-transition": {115, 160}, "lip-sync": {70, 110}, "vlog-montage": {100, 130},
}

// weakMargin is the score gap below which the two best formats are
// offered side by side: the evidence does not separate them.
const weakMargin = 1.0

// weakFloor is the best score below which the evidence is weak.
const weakFloor = 2.0

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

func trimRunes(s string, n int) string {
	s = strings.TrimSpace(strings.Trim(s, " —"))
	if rs := []rune(s); len(rs) > n {
		return string(rs[:n]) + "…"
	}
	return s
}
