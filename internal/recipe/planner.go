package recipe

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// Local is the offline planning engine: deterministic for the same input,
// no network, no key. It is the default Planner and the fallback of every
// AI planner.
type Local struct{}

var _ kmeme.Planner = (*Local)(nil)

// NewLocal returns the local planner.
func NewLocal() *Local { return &Local{} }

// Plan writes a recipe for in.Analysis. Shot boundaries sit on beats of the
// analysis when it has a tempo, and on speech pauses and shot changes when
// it does not; the plan lasts as long as the source.
func (l *Local) Plan(ctx context.Context, in PlanInput) (*kmeme.Recipe, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	a := in.Analysis
	if a == nil {
		return nil, kmeme.FieldError("analysis", "is required")
	}
	if !(a.DurationS > 0) || math.IsInf(a.DurationS, 0) {
		return nil, kmeme.FieldError("analysis.duration_s", "must be a positive number of seconds, got %v", a.DurationS)
	}
	plat := in.Platform
	if plat == "" {
		plat = kmeme.PlatformTikTok
	}
	if !plat.Valid() {
		return nil, kmeme.FieldError("platform", "must be tiktok, shorts or reels, got %q", plat)
	}
	r := newRNG(fingerprint(a, in.Title, plat))
	f := chooseFormat(a, r)

	secs := sections(a)
	var spans []span
	g := newGrid(a)
	if g != nil {
		spans = beatSpans(a, g, secs, r)
	} else {
		spans = speechSpans(a, secs)
	}

	rec := &kmeme.Recipe{
		Version:    kmeme.RecipeVersion,
		SourceHash: a.ContentHash,
		Difficulty: f.difficulty,
		Provenance: kmeme.Provenance{Parts: map[string]string{
			"timing": kmeme.ProviderLocal, "concept": kmeme.ProviderLocal, "shots": kmeme.ProviderLocal,
			"captions": kmeme.ProviderLocal, "adaptations": kmeme.ProviderLocal, "hashtags": kmeme.ProviderLocal,
		}},
	}
	if a.Semantics != nil {
		rec.Provenance.Parts["semantics"] = kmeme.ProviderGemini
		if m, ok := strings.CutPrefix(a.Semantics.Engine, kmeme.ProviderGemini+":"); ok && m != "" {
			rec.Provenance.Models = map[string]string{kmeme.ProviderGemini: m}
		}
	}
	title := Normalize(in.Title)
	if title == "" {
		title = pick(r, f.titles)
	}
	if rs := []rune(title); len(rs) > 60 {
		title = string(rs[:60])
	}
	rec.Concept = kmeme.Concept{
		Title: title, Hook: pick(r, f.hooks), Mechanism: f.mechanism, Format: f.id,
		Platform: plat, Aspect: "9:16", DurationS: round3(a.DurationS),
	}
	rec.Audio = audioPlan(a, g, secs, f)
	rec.Shots = shots(a, g, spans, f, r)
	rec.Adaptations = adaptations(a, f)
	rec.Hashtags = hashtags(f, r)
	rec.Props = append([]string(nil), f.props...)
	rec.Checklist = checklist(a, f)
	rec.ShootMin, rec.EditMin = effort(rec)
	if len(rec.Shots) > 20 || (g != nil && 60/g.period > 150) {
		rec.Difficulty = harder(rec.Difficulty)
	}
	if err := Validate(rec, a); err != nil {
		return nil, fmt.Errorf("local plan failed its own checks: %w", err)
	}
	return rec, nil
}

// PlanInput is kmeme.PlanInput, named here for callers of this package.
type PlanInput = kmeme.PlanInput

// fingerprint is the seed of a plan: the same analysis, title and platform
// always give the same plan; different videos give different plans.
func fingerprint(a *kmeme.Analysis, title string, p kmeme.Platform) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s|%.3f|%s|%s|", a.ContentHash, a.DurationS, title, p)
	if a.Tempo.BPM != nil {
		fmt.Fprintf(h, "%.2f|", *a.Tempo.BPM)
	}
	for _, b := range a.Beats {
		fmt.Fprintf(h, "%.3f,", b)
	}
	for _, c := range a.Cuts {
		fmt.Fprintf(h, "c%.3f,", c.T)
	}
	for _, s := range a.Shots {
		fmt.Fprintf(h, "s%.3f:%.3f,", s.Start, s.Motion)
	}
	for _, p := range a.Pauses {
		fmt.Fprintf(h, "p%.3f,", p.Start)
	}
	if a.Semantics != nil {
		fmt.Fprintf(h, "|%s|%s", a.Semantics.Format, a.Semantics.Description)
	}
	return h.Sum64()
}

// rng is splitmix64: tiny, fast and fixed forever, so plans never change
// when the Go standard library's generators do.
type rng struct{ s uint64 }

func newRNG(seed uint64) *rng { return &rng{s: seed} }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *rng) intn(n int) int {
	if n <= 0 {
		return 0
	}
	return int(r.next() % uint64(n))
}

func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

func pick(r *rng, xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return xs[r.intn(len(xs))]
}

// chooseFormat scores every format against what was measured (tempo,
// motion, cut rate, what Gemini saw) and adds a little seeded jitter so
// close calls differ between videos.
func chooseFormat(a *kmeme.Analysis, r *rng) *format {
	motion := 0.0
	for _, s := range a.Shots {
		motion += s.Motion
	}
	if len(a.Shots) > 0 {
		motion /= float64(len(a.Shots))
	}
	cutRate := float64(len(a.Cuts)) / a.DurationS
	sem := ""
	if a.Semantics != nil {
		sem = strings.ToLower(a.Semantics.Format + " " + a.Semantics.Description + " " + strings.Join(a.Semantics.Objects, " "))
	}
	best, bestScore := 0, math.Inf(-1)
	for i := range formats {
		f := &formats[i]
		score := 0.0
		switch {
		case f.wantsTempo > 0 && !a.HasTempo():
			score -= 3
		case f.wantsTempo > 0:
			score += 1
		case f.wantsTempo < 0 && !a.HasTempo():
			score += 1.5
		case f.wantsTempo < 0 && a.Tempo.Confidence > 0.5:
			score -= 1
		}
		if f.bpmHi > 0 && a.HasTempo() {
			if bpm := *a.Tempo.BPM; bpm >= f.bpmLo && bpm <= f.bpmHi {
				score += 0.8
			}
		}
		score -= 1.5 * math.Abs(motion-f.motion)
		score -= 0.7 * math.Abs(math.Log((cutRate+0.05)/(f.cutRate+0.05)))
		for _, k := range f.keywords {
			if sem != "" && strings.Contains(sem, k) {
				score += 4
				break
			}
		}
		score += 1.8 * r.float()
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	return &formats[best]
}

func audioPlan(a *kmeme.Analysis, g *grid, secs []kmeme.Section, f *format) kmeme.AudioPlan {
	ap := kmeme.AudioPlan{Mood: f.mood}
	if g == nil {
		ap.SoundKind = f.sound + " (말소리 중심, 배경음은 작게)"
		reason := a.Tempo.Reason
		if reason == "" {
			reason = "일정한 박자 없음"
		}
		ap.Notes = []string{"원본에 일정한 박자가 없습니다(" + reason + "). 컷은 말이 멈추는 곳과 장면이 바뀌는 곳에 맞췄습니다."}
		return ap
	}
	bpm := math.Round(*a.Tempo.BPM*10) / 10
	ap.BPM = &bpm
	ap.Meter = g.meter
	ap.SoundKind = fmt.Sprintf("%d BPM 안팎의 %s", int(math.Round(bpm)), f.sound)
	for _, s := range secs {
		if s.Label == kmeme.SectionDrop {
			i := g.nearest(s.Start)
			t := round3(g.beats[i])
			ap.DropS = &t
			ap.DropBar = g.label(i)
			break
		}
	}
	ap.Notes = []string{
		"원곡 제목 대신 템포와 분위기가 같은 음원을 플랫폼 음원 라이브러리에서 고르세요.",
		fmt.Sprintf("박자는 %d/4, 한 박은 %.2f초입니다.", g.meter, g.period),
	}
	if ap.DropS != nil {
		ap.Notes = append(ap.Notes, fmt.Sprintf("드롭은 %.2f초(%s마디)에 옵니다. 이때 컷이 가장 빨라집니다.", *ap.DropS, ap.DropBar))
	}
	return ap
}

// roleOf maps a shot to what it does in the plan.
func roleOf(i, n int, sec kmeme.SectionLabel, hasTempo bool) role {
	switch {
	case i == 0:
		return roleHook
	case i == n-1 && n > 1:
		return roleOutro
	case !hasTempo && n >= 4 && i == (2*(n-1)+1)/3:
		return roleDrop // the punchline of a spoken piece, two thirds in
	case !hasTempo && n >= 5 && i == 1:
		return roleBuild // set the scene before the talking
	}
	switch sec {
	case kmeme.SectionDrop:
		return roleDrop
	case kmeme.SectionBreak, kmeme.SectionOutro:
		return roleBreak
	case kmeme.SectionSpeech:
		return roleSpeech
	}
	if !hasTempo {
		return roleSpeech
	}
	return roleBuild
}

func ideasFor(f *format, ro role) []idea {
	if xs := f.ideas[ro]; len(xs) > 0 {
		return xs
	}
	switch ro {
	case roleSpeech, roleBreak:
		if xs := f.ideas[roleBuild]; len(xs) > 0 {
			return xs
		}
	}
	return f.ideas[roleHook]
}

// minCaptionS is the shortest shot that carries a dialogue caption: a
// shorter one cannot be read, so it gets only the overtitle.
const minCaptionS = 0.8

// choice is one idea with one of its captions and overtitles.
type choice struct {
	idea      *idea
	caption   *line
	overtitle string
}

// choices lists every (idea, caption) pair of a role, in library order.
func choices(ideas []idea) []choice {
	var out []choice
	for i := range ideas {
		id := &ideas[i]
		n := max(len(id.captions), 1)
		for j := 0; j < n; j++ {
			c := choice{idea: id}
			if j < len(id.captions) {
				c.caption = &id.captions[j]
			}
			if len(id.overtitles) > 0 {
				c.overtitle = id.overtitles[j%len(id.overtitles)]
			}
			out = append(out, c)
		}
	}
	return out
}

func shots(a *kmeme.Analysis, g *grid, spans []span, f *format, r *rng) []kmeme.PlannedShot {
	offset := map[role]int{}
	used := map[role]int{}
	usedCaption := map[string]bool{}
	out := make([]kmeme.PlannedShot, 0, len(spans))
	for i, sp := range spans {
		ro := roleOf(i, len(spans), sp.section, g != nil)
		cs := choices(ideasFor(f, ro))
		if _, ok := offset[ro]; !ok {
			offset[ro] = r.intn(1 << 16)
		}
		k := offset[ro] + used[ro]
		used[ro]++
		// Take the next pair in rotation whose caption this plan has not
		// used yet, so neighbouring shots do not repeat a line.
		ch := cs[k%len(cs)]
		fresh := false
		for j := 0; j < len(cs); j++ {
			c := cs[(k+j)%len(cs)]
			if c.caption == nil || !usedCaption[c.caption.casual] {
				ch, fresh = c, true
				break
			}
		}
		if !fresh {
			// The format's own lines are spent: borrow an unused generic one.
			pool := genericLines[ro]
			for j := 0; j < len(pool); j++ {
				if l := &pool[(k+j)%len(pool)]; !usedCaption[l.casual] {
					ch.caption = l
					break
				}
			}
		}
		ps := kmeme.PlannedShot{
			N: i + 1, Start: round3(sp.start), End: round3(sp.end), Section: sp.section,
			Film: ch.idea.film, Framing: ch.idea.framing, Action: ch.idea.action, Overtitle: ch.overtitle,
		}
		if sp.end-sp.start >= minCaptionS && ch.caption != nil {
			cas, err1 := Typeset(ch.caption.casual)
			pol, err2 := Typeset(ch.caption.polite)
			if err1 == nil && err2 == nil {
				ps.Caption = kmeme.Caption{Casual: cas, Polite: pol}
				usedCaption[ch.caption.casual] = true
			}
		}
		if g != nil {
			ps.StartBeat = g.label(g.nearest(sp.start))
			ps.EndBeat = g.label(g.nearest(sp.end))
		}
		if src := sourceShot(a, sp.start, sp.end); src >= 0 {
			s := a.Shots[src]
			ps.SourceShot = src + 1
			ps.SourceKeyframe = s.Keyframe
			ps.SourceT = round3(s.KeyframeT)
		}
		out = append(out, ps)
	}
	return out
}

// sourceShot returns the index of the source shot overlapping [s,e] most,
// or -1 when the analysis has no shots.
func sourceShot(a *kmeme.Analysis, s, e float64) int {
	best, bestOv := -1, -1.0
	for i, sh := range a.Shots {
		ov := math.Min(e, sh.End) - math.Max(s, sh.Start)
		if ov > bestOv {
			best, bestOv = i, ov
		}
	}
	return best
}

func adaptations(a *kmeme.Analysis, f *format) []kmeme.Adaptation {
	out := append([]kmeme.Adaptation(nil), f.adaptations...)
	if a.Semantics != nil && len(a.Semantics.OnScreenText) > 0 {
		t := a.Semantics.OnScreenText[0]
		if rs := []rune(t); len(rs) > 40 {
			t = string(rs[:40]) + "…"
		}
		out = append(out, kmeme.Adaptation{
			Source: "화면 텍스트 \"" + t + "\"", Korean: "같은 뜻의 짧은 한국어 예능 자막",
			Reason: "직역보다 상황에 맞는 한국어 표현이 더 빨리 읽히고 웃김",
		})
	}
	return append(out, commonAdaptations...)
}

// hashtags follows the platform counts: TikTok 3–5 (one broad), Shorts 3–8
// with #Shorts, Reels 5–15.
func hashtags(f *format, r *rng) kmeme.Hashtags {
	mid := func(n int) []string {
		idx := r.intn(len(moodTags))
		out := make([]string, 0, n)
		for i := 0; i < n; i++ {
			out = append(out, moodTags[(idx+i)%len(moodTags)])
		}
		return out
	}
	niche := func(n int) []string {
		idx := r.intn(len(f.tags))
		out := make([]string, 0, n)
		for i := 0; i < n && i < len(f.tags); i++ {
			out = append(out, f.tags[(idx+i)%len(f.tags)])
		}
		return out
	}
	var h kmeme.Hashtags
	h.TikTok = append([]string{pick(r, broadTags[kmeme.PlatformTikTok])}, mid(2)...)
	h.TikTok = append(h.TikTok, niche(2)...)
	h.Shorts = append([]string{"#Shorts", "#쇼츠"}, mid(2)...)
	h.Shorts = append(h.Shorts, niche(2)...)
	h.Reels = append([]string{"#릴스", "#릴스추천"}, mid(3)...)
	h.Reels = append(h.Reels, niche(len(f.tags))...)
	h.TikTok, h.Shorts, h.Reels = dedupe(h.TikTok), dedupe(h.Shorts), dedupe(h.Reels)
	return h
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	out := xs[:0]
	for _, x := range xs {
		k := strings.ToLower(x)
		if !seen[k] {
			seen[k] = true
			out = append(out, x)
		}
	}
	return out
}

func checklist(a *kmeme.Analysis, f *format) []string {
	out := append([]string(nil), f.checklist...)
	if a.HasTempo() {
		out = append(out, fmt.Sprintf("메트로놈 앱을 %d BPM에 맞추고 박자를 몸에 익히기", int(math.Round(*a.Tempo.BPM))))
	} else {
		out = append(out, "말 사이 쉬는 구간을 살려 컷 편집하기")
	}
	return append(out,
		"자막은 안전 영역 안에: 위 250px, 아래 460px, 오른쪽 180px 비우기(1080×1920 기준)",
		"편집 앱에서 timeline.fcpxml 또는 timeline.otio를 열어 컷 위치 확인",
		"게시 전 captions.srt를 올려 자막 타이밍 확인",
	)
}

func effort(r *kmeme.Recipe) (shoot, edit int) {
	mult := map[kmeme.Difficulty]int{kmeme.DifficultyEasy: 2, kmeme.DifficultyMedium: 3, kmeme.DifficultyHard: 4}[r.Difficulty]
	if mult == 0 {
		mult = 3
	}
	return 10 + len(r.Shots)*mult, 15 + len(r.Shots)*2
}

func harder(d kmeme.Difficulty) kmeme.Difficulty {
	if d == kmeme.DifficultyEasy {
		return kmeme.DifficultyMedium
	}
	return kmeme.DifficultyHard
}
