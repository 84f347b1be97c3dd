package recipe

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// formatNoun is what a title calls the format ("… 상황극", "… 썰").
var formatNoun = map[string]string{
	"dance-challenge": "댄스 챌린지", "outfit-transition": "변신 트랜지션", "reaction": "리액션", "pov-skit": "상황극",
	"expectation-reality": "기대 vs 현실", "lip-sync": "립싱크", "food-asmr": "먹방·요리", "vlog-montage": "몽타주",
	"office-relatable": "직장인 공감", "storytime": "썰", "pet-dub": "반려동물 더빙",
}

// observedTitle is the working title when the creator gave none, built
// only from what was observed, never from a bank of stories: the first
// on-screen text read for sure (Korean kept as written, "POV: 월요일 아침"
// as "시점: 월요일 아침"); else what was measured — the tempo or the
// speech, how many people — and the format's name.
func observedTitle(a *kmeme.Analysis, f *features, fm *format) string {
	if a.Perception != nil {
		ts := append([]kmeme.ScreenText(nil), a.Perception.Texts...)
		sort.SliceStable(ts, func(i, j int) bool { return ts[i].Start < ts[j].Start })
		for _, t := range ts {
			rt := read(t)
			if !rt.sure || rt.script != scriptKorean {
				continue
			}
			if povRe.MatchString(rt.raw) {
				if sit, ok := povSituation(rt.raw); ok && len([]rune(sit)) <= 36 {
					return "시점: " + sit
				}
				continue
			}
			if k := sharpen(strings.ReplaceAll(rt.clean, "\n", " ")); CheckKoreanText(k) == nil && len([]rune(k)) <= 40 {
				return k
			}
		}
	}
	var parts []string
	switch {
	case f.tempo:
		parts = append(parts, fmt.Sprintf("%d BPM에 맞춘", int(math.Round(f.bpm))))
	case f.speech >= 0.3:
		parts = append(parts, "말로 풀어 가는")
	case f.silent:
		parts = append(parts, "소리 없이 가는")
	}
	if f.perceived && f.people > 0 {
		parts = append(parts, fmt.Sprintf("%d인", f.people))
	}
	noun := formatNoun[fm.id]
	if noun == "" {
		noun = fm.name
	}
	return strings.Join(append(parts, noun), " ")
}
