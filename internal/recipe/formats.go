package recipe

import (
	"fmt"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// line is one piece of text in both registers, each written by hand.
type line struct{ casual, polite string }

// idea is one shot a format can ask for in one role, with the overtitles
// and captions that fit it.
type idea struct {
	film, framing, action string
	overtitles            []line
	captions              []line
}

// format is one meme format the local planner knows: its mechanism (what
// carries across cultures), how its shots are paced, its Korean material
// per shot role, and the adaptation its own convention asks for.
type format struct {
	id, name  string
	mechanism string
	hooks     []string
	titles    []string
	mood      string
	sound     string // kind of sound, by feel; the planner adds the tempo
	// beat is true for formats that live on a steady beat.
	beat bool
	// shotS is the shot length the format wants, in seconds; the planner
	// mixes it with the source's own shot length.
	shotS float64
	// dropFaster is how much shorter shots get in a real drop (1: not at all).
	dropFaster float64
	bank       map[kmeme.ShotRole][]idea
	props      []string
	checklist  []string
	// convention is the adaptation the format's own text convention asks
	// for (evidence kind "format").
	convention kmeme.Adaptation
	// suggestion is offered, worded as a suggestion, about what the
	// planner could not observe.
	suggestion kmeme.Adaptation
	tags       []string // niche hashtags, most specific first
	mid        string   // a mid-size hashtag
	difficulty kmeme.Difficulty
}

// shot roles the planner assigns, in story order.
var roles = []kmeme.ShotRole{kmeme.RoleSetup, kmeme.RoleTurn, kmeme.RolePunchline, kmeme.RoleReaction, kmeme.RoleCTA}

// parseBank reads a format's hand-written material:
//
//	@role film | framing | action
//	= overtitle casual / overtitle polite
//	- caption casual / caption polite
//
// "{count}" in a line is the count of one bar in the clip's metre.
func parseBank(id, src string) map[kmeme.ShotRole][]idea {
	out := map[kmeme.ShotRole][]idea{}
	var cur *idea
	var curRole kmeme.ShotRole
	flush := func() {
		if cur != nil {
			out[curRole] = append(out[curRole], *cur)
		}
		cur = nil
	}
	pair := func(s string) line {
		c, p, ok := strings.Cut(s, " / ")
		if !ok {
			panic(fmt.Sprintf("recipe bank %s: %q has no \" / \" between the registers", id, s))
		}
		return line{strings.TrimSpace(c), strings.TrimSpace(p)}
	}
	for _, raw := range strings.Split(src, "\n") {
		l := strings.TrimSpace(raw)
		switch {
		case l == "":
		case strings.HasPrefix(l, "@"):
			flush()
			r, rest, _ := strings.Cut(l[1:], " ")
			parts := strings.Split(rest, "|")
			if len(parts) != 3 {
				panic(fmt.Sprintf("recipe bank %s: %q wants film | framing | action", id, l))
			}
			curRole = kmeme.ShotRole(r)
			cur = &idea{film: strings.TrimSpace(parts[0]), framing: strings.TrimSpace(parts[1]), action: strings.TrimSpace(parts[2])}
		case strings.HasPrefix(l, "= ") && cur != nil:
			cur.overtitles = append(cur.overtitles, pair(l[2:]))
		case strings.HasPrefix(l, "- ") && cur != nil:
			cur.captions = append(cur.captions, pair(l[2:]))
		default:
			panic(fmt.Sprintf("recipe bank %s: cannot read %q", id, l))
		}
	}
	flush()
	for _, r := range roles {
		if len(out[r]) == 0 {
			panic(fmt.Sprintf("recipe bank %s: no idea for role %s", id, r))
		}
	}
	return out
}

// formatByID returns the library format with id, or nil.
func formatByID(id string) *format {
	for i := range formats {
		if formats[i].id == id {
			return &formats[i]
		}
	}
	return nil
}

// FormatIDs lists the format ids the local planner knows, in library order.
func FormatIDs() []string {
	out := make([]string, len(formats))
	for i := range formats {
		out[i] = formats[i].id
	}
	return out
}

// FormatName returns the Korean name of a format id, or "" when unknown.
func FormatName(id string) string {
	if f := formatByID(id); f != nil {
		return f.name
	}
	return ""
}

func fmtAd(source, korean, reason string) kmeme.Adaptation {
	return kmeme.Adaptation{Source: source, Korean: korean, Reason: reason}
}
