// The sound plan: what music or voice the remix uses, and why.

package recipe

import (
	"fmt"
	"math"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/josa"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// audioPlan says what sound to use, and never claims music the source does
// not have.
func audioPlan(a *kmeme.Analysis, g *grid, secs []kmeme.Section, fm *format, f *features, shots []kmeme.PlannedShot) kmeme.AudioPlan {
	ap := kmeme.AudioPlan{Mood: fm.mood}
	if g == nil {
		switch {
		case f.silent:
			ap.SoundKind = "원본에 소리 없음: 자막만으로 보여 주거나 새 음원을 골라 깔기"
			ap.Notes = []string{"원본에 들리는 소리가 없습니다(" + koreanTempoReason(a) + "). 박자 정보가 없어 컷은 장면이 바뀌는 곳에 맞췄습니다."}
		case f.speech >= 0.3:
			ap.SoundKind = "말소리 그대로, 배경음은 넣더라도 아주 작게"
			ap.Notes = []string{fmt.Sprintf("원본은 말소리 위주이고 일정한 박자가 없습니다(%s). 컷은 말이 멈추는 곳과 장면이 바뀌는 곳에 맞췄습니다.", speechNote(f, a))}
		default:
			ap.SoundKind = "일정한 박자 없는 원본 소리: 분위기에 맞는 음원을 새로 고르기"
			ap.Notes = []string{"원본 소리에 일정한 박자가 없습니다(" + koreanTempoReason(a) + "). 컷은 소리가 잦아드는 곳과 장면이 바뀌는 곳에 맞췄습니다."}
		}
		return ap
	}
	bpm := math.Round(*a.Tempo.BPM*10) / 10
	ap.BPM = &bpm
	ap.Meter = g.meter
	ap.SoundKind = fmt.Sprintf("%d BPM 안팎의 %s", int(math.Round(bpm)), fm.sound)
	if realDrop(secs) {
		for _, s := range secs {
			if s.Label == kmeme.SectionDrop {
				i := g.nearest(s.Start)
				t := round3(g.beats[i])
				ap.DropS = &t
				ap.DropBar = g.label(i)
				break
			}
		}
	}
	ap.Notes = []string{
		"원곡 제목 대신 템포와 분위기가 같은 음원을 플랫폼 음원 라이브러리에서 고르세요.",
		fmt.Sprintf("박자는 %d/4, 한 박은 %.2f초, 한 마디는 %s 셉니다.", g.meter, g.period, josa.Quote(countWord(g.meter), "로")),
	}
	if ap.DropS != nil {
		if dropCutsFaster(shots, secs) {
			ap.Notes = append(ap.Notes, fmt.Sprintf("드롭은 %.2f초(%s마디)에 옵니다. 음악이 커지는 이 구간에서 컷이 빨라집니다.", *ap.DropS, ap.DropBar))
		} else {
			ap.Notes = append(ap.Notes, fmt.Sprintf("드롭은 %.2f초(%s마디)에 옵니다. 가장 센 장면(펀치라인)을 여기에 맞추세요.", *ap.DropS, ap.DropBar))
		}
	} else if t, sound := beatEntry(a, g); t > 0 {
		lead := fmt.Sprintf("처음 %.1f초는 박이 없고", t)
		if sound {
			lead = fmt.Sprintf("처음 %.1f초는 박 없이 소리만 깔리고", t)
		}
		at := "이 순간에 장면을 바꾸면 음악과 맞습니다."
		for _, s := range shots {
			if math.Abs(s.Start-t) <= 0.12 {
				at = fmt.Sprintf("샷 %d이 이 박에 시작합니다.", s.N)
				break
			}
		}
		ap.Notes = append(ap.Notes, fmt.Sprintf("%s, 박은 %.1f초부터 들어옵니다. 드롭은 따로 없고 %s", lead, t, at))
	} else {
		ap.Notes = append(ap.Notes, "음악의 세기가 고르게 이어져 드롭이 없습니다. 컷 속도는 처음부터 끝까지 같게 갑니다.")
	}
	if a.Tempo.BPMAlt != nil && *a.Tempo.BPMAlt > 0 {
		ap.Notes = append(ap.Notes, fmt.Sprintf("%.0f BPM으로 세어도 맞습니다(반 박 또는 두 배 박). 안무나 컷을 그 박에 맞춰도 됩니다.", *a.Tempo.BPMAlt))
	}
	if len(a.Tempo.Changes) > 0 {
		c := a.Tempo.Changes[0]
		ap.Notes = append(ap.Notes, fmt.Sprintf("%.1f초에서 템포가 %.0f BPM으로 바뀝니다.", c.T, c.BPM))
	}
	return ap
}

// beatEntry finds a beat that comes in late: no onset at all in the first
// stretch (at least 2 s and three beats), as when a held pad or a voice
// runs before the drums. It returns the first onset's time (0 when the
// onsets start with the clip) and whether the stretch before it has sound
// (the energy curve above a tenth of its peak), so the notes never call a
// pad silence or an entry evenness.
func beatEntry(a *kmeme.Analysis, g *grid) (float64, bool) {
	if len(a.Onsets) == 0 {
		return 0, false
	}
	first := a.Onsets[0]
	for _, o := range a.Onsets {
		first = math.Min(first, o)
	}
	if first < math.Max(2, 3*g.period) || first > a.DurationS-2*g.period {
		return 0, false
	}
	sound := false
	if e := a.Energy; e.HopS > 0 {
		var sum float64
		var n int
		for i, v := range e.Values {
			if float64(i)*e.HopS < first-e.HopS {
				sum += v
				n++
			}
		}
		sound = n > 0 && sum/float64(n) > 0.1
	}
	return round3(first), sound
}

// dropCutsFaster reports whether the planned shots in the drop are, on
// average, clearly shorter than the others: the audio notes say the cuts
// speed up only when they do.
func dropCutsFaster(shots []kmeme.PlannedShot, secs []kmeme.Section) bool {
	var in, out, ni, no float64
	for _, s := range shots {
		if sectionAt(secs, (s.Start+s.End)/2) == kmeme.SectionDrop {
			in += s.End - s.Start
			ni++
		} else {
			out += s.End - s.Start
			no++
		}
	}
	return ni > 0 && no > 0 && in/ni < 0.85*out/no
}

func speechNote(f *features, a *kmeme.Analysis) string {
	if f.speechWhy == "perception" {
		return fmt.Sprintf("말소리가 전체의 %d%%", pct(f.speech))
	}
	return "박자 분석 결과: " + koreanTempoReason(a)
}

// koreanTempoReason says in Korean why the tempo stage found no beat; the
// stage's own reason is English and never shown.
func koreanTempoReason(a *kmeme.Analysis) string {
	r := strings.ToLower(a.Tempo.Reason)
	switch {
	case a.Audio == nil || strings.Contains(r, "no audio"):
		return "오디오 트랙 없음"
	case strings.Contains(r, "silen"):
		return "무음"
	case strings.Contains(r, "speech"):
		return "말소리 위주"
	}
	return "일정한 박자 없음"
}
