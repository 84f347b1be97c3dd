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

// assignRoles gives every shot its job in the joke. With a drop the
// music makes, the shots in it are the punchline (a beat format's killing
// part; the first of them for a talk format) and the shot before it the
// turn; without one, the punchline lands two thirds in. Shots before the
// turn set up, shots after the punchline react, the last one calls to
// action.
func assignRoles(bounds []float64, secs []kmeme.Section, drop *kmeme.Section, beat bool) []kmeme.ShotRole {
	n := len(bounds) - 1
	out := make([]kmeme.ShotRole, n)
	switch n {
	case 1:
		out[0] = kmeme.RolePunchline
		return out
	case 2:
		out[0], out[1] = kmeme.RoleSetup, kmeme.RolePunchline
		return out
	case 3:
		out[0], out[1], out[2] = kmeme.RoleSetup, kmeme.RolePunchline, kmeme.RoleCTA
		return out
	}
	last := n - 1
	p0, p1 := -1, -1
	if drop != nil {
		for i := 1; i < last; i++ {
			mid := (bounds[i] + bounds[i+1]) / 2
			if mid >= drop.Start && mid < drop.End {
				if p0 < 0 {
					p0 = i
				}
				p1 = i
			}
		}
	}
	if p0 < 0 {
		p0 = max(1, min(int(math.Round(float64(n)*0.6)), last-1))
		p1 = p0
	}
	// A beat format's killing part may run three shots; a talk or sight
	// gag lands in one or two.
	p1 = min(p1, p0+1+boolInt(beat))
	for i := range out {
		switch {
		case i == last:
			out[i] = kmeme.RoleCTA
		case i >= p0 && i <= p1:
			out[i] = kmeme.RolePunchline
		case i == p0-1 && i > 0:
			out[i] = kmeme.RoleTurn
		case i < p0:
			out[i] = kmeme.RoleSetup
		default:
			out[i] = kmeme.RoleReaction
		}
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// textPicker hands out hand-written lines: a role's ideas in library order
// (the format's core shot first), never the same idea twice in a row, each
// caption once, each overtitle at most twice (MaxRepeats) and never on two
// neighbouring shots. The seed only rotates which caption of an idea comes
// first, so different videos read differently.
type textPicker struct {
	fm      *format
	seed    uint64
	count   string
	used    map[string]int
	ideaUse map[string]int
	prev    string // the previous shot's idea
	prevOT  string // the previous shot's overtitle
	// ban is a prefix of bank lines that would contradict an observed
	// on-screen text ("시점:" when the source's own 시점 is carried).
	ban string
}

func (p *textPicker) banned(s string) bool { return p.ban != "" && strings.HasPrefix(s, p.ban) }

func (p *textPicker) fill(s string) string { return strings.ReplaceAll(s, "{count}", p.count) }

// pick returns the idea, caption and overtitle for the next shot of role r.
// For setup and reaction shots an idea framed like the source shot
// (framing, measured; "" when unknown) comes first among equally used ones;
// turn, punchline and call to action keep the format's core order.
func (p *textPicker) pick(r kmeme.ShotRole, framing string) (idea, *line, *line) {
	ideas := p.fm.bank[r]
	key := func(i int) string { return string(r) + "#" + itoa(i) }
	order := make([]int, 0, len(ideas))
	for u := 0; len(order) < len(ideas); u++ {
		var same, other []int
		for i := range ideas {
			if p.ideaUse[key(i)] != u {
				continue
			}
			if framing != "" && (r == kmeme.RoleSetup || r == kmeme.RoleReaction) && strings.Contains(ideas[i].framing, framing) {
				same = append(same, i)
			} else {
				other = append(other, i)
			}
		}
		order = append(append(order, same...), other...)
	}
	if len(order) > 1 && key(order[0]) == p.prev {
		order = append(order[1:], order[0])
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%d|%s", p.seed, r)
	rot := int(h.Sum64() % 7)
	chosen := order[0]
	var cap *line
	// A caption is said once; when the role's lines are spent the shot goes
	// without one (its overtitle still speaks) rather than repeat.
	for _, i := range order {
		if key(i) == p.prev && len(order) > 1 {
			continue
		}
		if p.ideaUse[key(i)] > p.ideaUse[key(order[0])] {
			break // a fresh idea without a caption beats a repeated one
		}
		cs := ideas[i].captions
		for x := range cs {
			c := cs[(rot+x)%len(cs)]
			if p.used["c:"+p.fill(c.casual)] == 0 && !p.banned(c.casual) {
				chosen, cap = i, &line{p.fill(c.casual), p.fill(c.polite)}
				break
			}
		}
		if cap != nil {
			break
		}
	}
	id := ideas[chosen]
	var ot *line
	for limit := 1; limit <= MaxRepeats && ot == nil; limit++ {
		for _, o := range id.overtitles {
			v := p.fill(o.casual)
			if p.used["o:"+v] < limit && v != p.prevOT && !p.banned(v) {
				ot = &line{v, p.fill(o.polite)}
				break
			}
		}
	}
	p.ideaUse[key(chosen)]++
	p.prev = key(chosen)
	return id, cap, ot
}

// mergeSpent joins neighbouring shots of one role while the role has
// more shots than the format has ideas for it: the shortest such pair
// becomes one longer shot, so no shot idea (film and action) is planned
// twice. Roles are contiguous runs, so a role's shots are neighbours. A
// merged shot stays at most maxMerged(fm) long; a long clip that still has
// more shots than ideas films the spent ones again from another framing
// (planShots says so).
func mergeSpent(bounds []float64, rls []kmeme.ShotRole, fm *format) ([]float64, []kmeme.ShotRole) {
	limit := math.Max(2.5*fm.shotS, 6)
	bounds = append([]float64(nil), bounds...)
	rls = append([]kmeme.ShotRole(nil), rls...)
	for {
		count := map[kmeme.ShotRole]int{}
		for _, r := range rls {
			count[r]++
		}
		best, bestLen := -1, math.Inf(1)
		for i := 0; i+1 < len(rls); i++ {
			r := rls[i]
			if rls[i+1] != r || len(fm.bank[r]) == 0 || count[r] <= len(fm.bank[r]) {
				continue
			}
			if l := bounds[i+2] - bounds[i]; l < bestLen && l <= limit {
				best, bestLen = i, l
			}
		}
		if best < 0 {
			return bounds, rls
		}
		bounds = append(bounds[:best+1], bounds[best+2:]...)
		rls = append(rls[:best+1], rls[best+2:]...)
	}
}

func planShots(a *kmeme.Analysis, g *grid, secs []kmeme.Section, bounds []float64, fm *format, f *features, seed uint64) []kmeme.PlannedShot {
	var drop *kmeme.Section
	if g != nil && realDrop(secs) {
		drop = f.drop
	}
	rls := assignRoles(bounds, secs, drop, fm.beat)
	bounds, rls = mergeSpent(bounds, rls, fm)
	tp := &textPicker{fm: fm, seed: seed, count: countWord(f.meter), used: map[string]int{}, ideaUse: map[string]int{}}
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
		if drop == nil {
			ps.Action = withoutDrop(ps.Action, g != nil)
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

// withoutDrop rewords a bank action that times itself on the drop for a
// clip whose music has none (or no music at all): the shot's first beat,
// or its first frame when there is no beat, takes the drop's place.
func withoutDrop(action string, beat bool) string {
	first := "이 샷 첫 박에"
	if !beat {
		first = "이 샷이 시작하자마자"
	}
	action = strings.ReplaceAll(action, "드롭 첫 박에", first)
	return strings.ReplaceAll(action, "드롭에 맞춰", first)
}

// carriesPOV reports whether an observed on-screen text says whose point
// of view the clip takes (it is carried as a "시점:" overtitle).
func carriesPOV(cs map[int]carried) bool {
	for _, c := range cs {
		if c.ot != nil && strings.HasPrefix(c.ot.casual, povPrefix) {
			return true
		}
	}
	return false
}

// otherFraming is a framing other than f for the n-th repeat of a shot.
func otherFraming(f string, n int) string {
	all := []string{"클로즈업", "미디엄샷", "풀샷", "바스트샷"}
	var rest []string
	for _, x := range all {
		if !strings.Contains(f, strings.TrimSuffix(x, "샷")) {
			rest = append(rest, x)
		}
	}
	return rest[(n-1)%len(rest)]
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
