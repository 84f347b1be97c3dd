package recipe

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/josa"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// Local is the offline planning engine: deterministic for the same input,
// no network, no key. It is the default Planner and the fallback of every
// AI planner.
type Local struct{}

var _ kmeme.Planner = (*Local)(nil)

// NewLocal returns the local planner.
func NewLocal() *Local { return &Local{} }

// PlanInput is kmeme.PlanInput, named here for callers of this package.
type PlanInput = kmeme.PlanInput

// MinCaptionS is the shortest shot that carries a dialogue caption: a
// caption must stay on screen long enough to read twice.
const MinCaptionS = 1.5

// Plan writes a recipe for in.Analysis from what was measured: the format
// from scored evidence (never the platform, never chance), shots from the
// source's own shots and sections on its bar lines, adaptations that cite
// where they saw what they adapt, and hand-written Korean in both
// registers.
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
	if in.Format != "" && formatByID(in.Format) == nil {
		return nil, kmeme.FieldError("format", "unknown format %q (known: %s)", in.Format, strings.Join(FormatIDs(), ", "))
	}

	f := measure(a, in.Title, in.Parent, a.Sections)
	secs := sections(a, f)
	f.drop = nil
	for i := range secs {
		if secs[i].Label == kmeme.SectionDrop {
			f.drop = &secs[i]
			break
		}
	}
	ranked := scoreFormats(f)
	chosen, runner := ranked[0], ranked[1]
	forced := false
	if in.Format != "" {
		for i := range ranked {
			if ranked[i].f.id == in.Format {
				chosen, forced = ranked[i], true
				if i == 0 {
					runner = ranked[1]
				} else {
					runner = ranked[0]
				}
				break
			}
		}
	}
	fm := chosen.f
	seed := seedOf(a)
	g := newGrid(a)

	rec := &kmeme.Recipe{
		Version:    kmeme.RecipeVersion,
		SourceHash: a.ContentHash,
		Difficulty: fm.difficulty,
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
	rec.Concept = kmeme.Concept{
		Hook: fm.hooks[int((seed>>8)%uint64(len(fm.hooks)))], Mechanism: fm.mechanism, Format: fm.id,
		FormatName: fm.name, Platform: plat, Aspect: "9:16", DurationS: round3(a.DurationS),
		Reasons: topReasons(chosen.reasons, 4),
	}
	if forced {
		rec.Concept.Reasons = append([]kmeme.FormatReason{{
			Detail: "다시 계획: 이 형식을 직접 골랐음", Weight: 0,
			Evidence: kmeme.Evidence{Kind: kmeme.EvidenceFormat, Detail: "요청한 형식 " + fm.id},
		}}, rec.Concept.Reasons...)
	}
	rec.Concept.RunnerUp = &kmeme.FormatAlternative{Format: runner.f.id, Name: runner.f.name, Score: round2(runner.score), Reasons: topReasons(runner.reasons, 3)}
	rec.Concept.EvidenceWeak = !forced && (chosen.score-runner.score < weakMargin || chosen.score < weakFloor)

	bounds := shotBounds(a, g, secs, fm, f.meanShot)
	rec.Shots = planShots(a, g, secs, bounds, fm, f, seed)
	if carriesPOV(carryTexts(a, bounds)) && strings.HasPrefix(rec.Concept.Hook, povPrefix) {
		// The source says whose 시점 it is; a hook with another one contradicts it.
		for k := 1; k < len(fm.hooks); k++ {
			if h := fm.hooks[(int((seed>>8)%uint64(len(fm.hooks)))+k)%len(fm.hooks)]; !strings.HasPrefix(h, povPrefix) {
				rec.Concept.Hook = h
				break
			}
		}
	}
	// The working title: the creator's, or one built from what was
	// observed (never a story from the bank).
	title := Normalize(in.Title)
	if title == "" {
		title = observedTitle(a, f, fm)
	}
	if rs := []rune(title); len(rs) > 60 {
		title = string(rs[:60])
	}
	rec.Concept.Title = title
	rec.Audio = audioPlan(a, g, secs, fm, f, rec.Shots)
	rec.Adaptations = adaptations(a, fm, f, rec, in)
	rec.Hashtags = hashtags(fm, plat)
	rec.Props = append([]string(nil), fm.props...)
	rec.Checklist = checklist(a, fm, f, rec, plat)
	rec.ShootMin, rec.EditMin = effort(rec)
	if len(rec.Shots) > 12 || (g != nil && 60/g.period > 150) {
		rec.Difficulty = harder(rec.Difficulty)
	}
	if err := Validate(rec, a); err != nil {
		return nil, fmt.Errorf("local plan failed its own checks: %w", err)
	}
	if err := CheckGrounded(rec); err != nil {
		return nil, fmt.Errorf("local plan failed its own checks: %w", err)
	}
	return rec, nil
}

// seedOf varies the choice of lines between videos. It depends on the
// video only (not on the title or the platform), so a recipe for another
// platform differs in packaging alone. It never touches the format.
func seedOf(a *kmeme.Analysis) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s|%.3f|%d|%d", a.ContentHash, a.DurationS, len(a.Shots), len(a.Beats))
	for _, c := range a.Cuts {
		fmt.Fprintf(h, "c%.3f,", c.T)
	}
	return h.Sum64()
}

func topReasons(rs []kmeme.FormatReason, n int) []kmeme.FormatReason {
	var out []kmeme.FormatReason
	for _, r := range rs {
		if r.Weight > 0 && len(out) < n {
			out = append(out, r)
		}
	}
	return out
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// countWord is one bar counted aloud in the clip's metre.
func countWord(meter int) string {
	if meter == 3 {
		return "하나 둘 셋"
	}
	return "하나 둘 셋 넷"
}

func planShots(a *kmeme.Analysis, g *grid, secs []kmeme.Section, bounds []float64, fm *format, f *features, seed uint64) []kmeme.PlannedShot {
	var drop *kmeme.Section
	if g != nil && realDrop(secs) {
		drop = f.drop
	}
	rls := assignRoles(bounds, secs, drop, fm.beat)
	bounds, rls = mergeSpent(bounds, rls, fm)
	tp := newTextPicker(fm, seed, countWord(f.meter), dropCue(drop != nil, g != nil))
	carried := carryTexts(a, bounds)
	if carriesPOV(carried) {
		tp.ban = povPrefix
	}
	filmed, firstShot := map[string]int{}, map[string]int{}
	out := make([]kmeme.PlannedShot, 0, len(bounds)-1)
	for i := 0; i+1 < len(bounds); i++ {
		s, e := bounds[i], bounds[i+1]
		id, cap, ot := tp.pick(rls[i], sourceFraming(a, s, e))
		ps := kmeme.PlannedShot{
			N: i + 1, Start: round3(s), End: round3(e), Section: sectionAt(secs, (s+e)/2), Role: rls[i],
			Film: id.film, Framing: id.framing, Action: id.action,
		}
		if n := filmed[id.film+"|"+id.action]; n > 0 {
			// Only a long clip gets here (mergeSpent): the same idea again,
			// said as such, from another framing.
			ps.Framing = otherFraming(id.framing, n)
			ps.Action = fmt.Sprintf("%d번 샷 장면을 %s 다시(%d번째): %s", firstShot[id.film+"|"+id.action], josa.Attach(ps.Framing, "으로"), n+1, id.action)
		} else {
			firstShot[id.film+"|"+id.action] = i + 1
		}
		filmed[id.film+"|"+id.action]++
		if src := sourceShot(a, s, e); src >= 0 {
			sh := a.Shots[src]
			ps.SourceShot = src + 1
			if sh.Keyframe != "" {
				ps.SourceKeyframe = KeyframeFile(src + 1)
			}
			ps.SourceT = round3(sh.KeyframeT)
			if sp := a.Perception.Shot(src + 1); sp != nil && sp.Framing != "" && sp.Framing != kmeme.FramingNone && sp.People > 0 {
				// Beside the shot's own framing, the source's, as measured.
				src := sp.Framing.Korean()
				if sp.People >= 2 {
					src += fmt.Sprintf(", %d명", sp.People)
				}
				if src != ps.Framing {
					ps.Framing += " (원본: " + src + ")"
				}
			}
		}
		if c, ok := carried[i]; ok {
			ps.SourceText = c.source
			if c.ot != nil && tp.used["o:"+c.ot.casual] < 2 {
				ot = c.ot
			}
			if c.cap != nil && tp.used["c:"+c.cap.casual] < 2 {
				cap = c.cap
			}
		}
		tp.prevOT = ""
		if ot != nil && CheckOvertitle(ot.casual) == nil && CheckOvertitle(ot.polite) == nil {
			ps.Overtitle, ps.OvertitlePolite = ot.casual, ot.polite
			tp.used["o:"+ot.casual]++
			tp.prevOT = ot.casual
		}
		if e-s >= MinCaptionS && cap != nil {
			cas, err1 := Typeset(cap.casual)
			pol, err2 := Typeset(cap.polite)
			if err1 == nil && err2 == nil {
				ps.Caption = kmeme.Caption{Casual: cas, Polite: pol}
				ps.Caption.Start, ps.Caption.End = captionSpan(a, g, s, e, longer(cas, pol))
				tp.used["c:"+cap.casual]++
			}
		}
		if g != nil {
			ps.StartBeat = g.label(g.nearest(s))
			ps.EndBeat = g.label(g.nearest(e))
		}
		out = append(out, ps)
	}
	return out
}

// KeyframeFile is the published file name of the keyframe of the 1-based
// source shot n: the name recipe.json gives in source_keyframe, the file
// `kmeme remix` writes beside recipe.json and the service lists among a
// remix's files.
func KeyframeFile(n int) string { return fmt.Sprintf("keyframe-%03d.jpg", n) }

// sourceFraming is the measured framing word ("클로즈업", "바스트",
// "미디엄", "풀샷") of the source shot under [s,e], or "".
func sourceFraming(a *kmeme.Analysis, s, e float64) string {
	src := sourceShot(a, s, e)
	sp := a.Perception.Shot(src + 1)
	if src < 0 || sp == nil || sp.People == 0 {
		return ""
	}
	switch sp.Framing {
	case kmeme.FramingCloseUp:
		return "클로즈업"
	case kmeme.FramingBust:
		return "바스트"
	case kmeme.FramingMedium:
		return "미디엄"
	case kmeme.FramingFull:
		return "풀샷"
	}
	return ""
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

func harder(d kmeme.Difficulty) kmeme.Difficulty {
	if d == kmeme.DifficultyEasy {
		return kmeme.DifficultyMedium
	}
	return kmeme.DifficultyHard
}

func effort(r *kmeme.Recipe) (shoot, edit int) {
	mult := map[kmeme.Difficulty]int{kmeme.DifficultyEasy: 3, kmeme.DifficultyMedium: 4, kmeme.DifficultyHard: 6}[r.Difficulty]
	if mult == 0 {
		mult = 4
	}
	return 10 + len(r.Shots)*mult, 15 + len(r.Shots)*3
}

// longer is whichever of two texts is wider: the caption's time must let
// either register be read.
func longer(x, y string) string {
	if Width(y) > Width(x) {
		return y
	}
	return x
}
