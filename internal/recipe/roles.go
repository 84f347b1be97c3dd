// Shot roles and the hand-written lines each shot gets: which shot sets
// up, turns, lands the punchline, reacts or calls to action, and the
// picker that hands out ideas, captions and overtitles without repeats.

package recipe

import (
	"fmt"
	"hash/fnv"
	"math"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

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
	fm   *format
	seed uint64
	// fills "{count}" (countWord) and "{drop}" (dropCue) in bank lines
	fills   *strings.Replacer
	used    map[string]int
	ideaUse map[string]int
	prev    string // the previous shot's idea
	prevOT  string // the previous shot's overtitle
	// ban is a prefix of bank lines that would contradict an observed
	// on-screen text ("시점:" when the source's own 시점 is carried).
	ban string
}

func (p *textPicker) banned(s string) bool { return p.ban != "" && strings.HasPrefix(s, p.ban) }

// newTextPicker starts a picker over fm's bank; count says how the bars
// are counted ("{count}") and drop when the punchline lands ("{drop}").
func newTextPicker(fm *format, seed uint64, count, drop string) *textPicker {
	return &textPicker{fm: fm, seed: seed, fills: strings.NewReplacer("{count}", count, "{drop}", drop),
		used: map[string]int{}, ideaUse: map[string]int{}}
}

func (p *textPicker) fill(s string) string { return p.fills.Replace(s) }

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
	id.action = p.fill(id.action)
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

// dropCue is what a bank action's "{drop}" says: the drop's first beat
// when the music has a drop; without one (or without music) the shot's
// own first beat, or its first frame when there is no beat at all.
func dropCue(drop, beat bool) string {
	switch {
	case drop:
		return "드롭 첫 박에"
	case beat:
		return "이 샷 첫 박에"
	}
	return "이 샷이 시작하자마자"
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
