package recipe

import (
	"fmt"
	"math"
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
		// The tempo in the format's range: a beat format says it with its
		// beat, in one reason; another format on its own.
		inRange := ""
		if r := bpmRange[fm.id]; f.tempo && r[1] > 0 && f.bpm >= r[0] && f.bpm <= r[1] {
			inRange = fmt.Sprintf("이 형식의 %.0f–%.0f BPM 안", r[0], r[1])
		}
		// The sound: a beat format needs a beat, a talk format lives on speech.
		switch {
		case fm.beat && f.tempo:
			w, why := 1.0+0.5*f.tempoConf, fmt.Sprintf("%.0f BPM의 일정한 박자", f.bpm)
			if inRange != "" {
				w, why, inRange = w+0.6, why+" ("+inRange+")", ""
			}
			s.add(w, why, musicEv(bpmDetail))
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
		if inRange != "" {
			s.add(0.6, fmt.Sprintf("템포 %.0f BPM이 %s", f.bpm, inRange), musicEv(bpmDetail))
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

func trimRunes(s string, n int) string {
	s = strings.TrimSpace(strings.Trim(s, " —"))
	if rs := []rune(s); len(rs) > n {
		return string(rs[:n]) + "…"
	}
	return s
}
