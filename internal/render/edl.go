package render

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// EDL writes the slots as a CMX3600 edit decision list: one black (BL)
// video event per planned shot, cut to cut, record times from 00:00:00:00
// at the nominal frame rate (non-drop frame), each followed by
// "* FROM CLIP NAME:" with the slot's name, "* COMMENT:" with what to
// film, and "* LOC:" locators on the beats inside it (downbeats RED, other
// beats GREEN). Event lines are ASCII; the comments are UTF-8, which
// Premiere Pro and DaVinci Resolve read.
func EDL(a *kmeme.Analysis, r *kmeme.Recipe) []byte {
	tb := timebaseOf(a)
	slots := slotsOf(a, r, tb)
	marks := beatMarks(a)
	var b bytes.Buffer
	fmt.Fprintf(&b, "TITLE: %s\nFCM: NON-DROP FRAME\n\n", edlTitle(r.Concept.Title))
	for i, sl := range slots {
		d := sl.f1 - sl.f0
		fmt.Fprintf(&b, "%03d  %-8s V     C        %s %s %s %s\n", i+1, "BL",
			edlTimecode(0, tb), edlTimecode(d, tb), edlTimecode(sl.f0, tb), edlTimecode(sl.f1, tb))
		fmt.Fprintf(&b, "* FROM CLIP NAME: %s\n", sl.name)
		if film := oneLineText(sl.shot.Film); film != "" {
			fmt.Fprintf(&b, "* COMMENT: %s\n", film)
		}
		for _, m := range marks {
			if mf := tb.frames(m.t); mf >= sl.f0 && mf < sl.f1 {
				col := "GREEN"
				if m.downbeat {
					col = "RED"
				}
				fmt.Fprintf(&b, "* LOC: %s %-7s %s\n", edlTimecode(mf, tb), col, m.name)
			}
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// edlTitle keeps the printable ASCII of a title (CMX3600 titles are ASCII,
// at most 70 characters), or names the file when nothing is left.
func edlTitle(s string) string {
	var out []rune
	for _, r := range s {
		if r >= 0x20 && r < 0x7f {
			out = append(out, r)
		}
	}
	t := strings.TrimSpace(string(out))
	if t == "" {
		t = "KMEME REMIX TEMPLATE"
	}
	if len(t) > 70 {
		t = t[:70]
	}
	return t
}

// nominalFPS is the timecode rate: 30 for 29.97, 24 for 23.976.
func nominalFPS(tb timebase) int64 { return int64(math.Round(tb.rate())) }

// edlTimecode writes frame n as HH:MM:SS:FF at the nominal rate.
func edlTimecode(n int64, tb timebase) string {
	fps := nominalFPS(tb)
	return fmt.Sprintf("%02d:%02d:%02d:%02d", n/(3600*fps), n/(60*fps)%60, n/fps%60, n%fps)
}

// EDLEvent is one parsed event of a CMX3600 list. Times are frames.
type EDLEvent struct {
	Num           int
	Reel, Track   string
	Transition    string
	TransitionDur int64 // frames of a dissolve or wipe; 0 on a cut
	SrcIn, SrcOut int64
	RecIn, RecOut int64
	ClipName      string
	Comments      []string
	Locators      []EDLLocator
}

// EDLLocator is a "* LOC:" marker.
type EDLLocator struct {
	Frame int64
	Color string
	Name  string
}

// EDLList is a parsed CMX3600 list.
type EDLList struct {
	Title     string
	DropFrame bool
	Events    []EDLEvent
}

var (
	edlEventRe = regexp.MustCompile(`^(\d{3,6}) +(\S{1,8}) +(V|A|A2|AA|B|A/V|AA/V) +(C|D|W\d{3}|K|KB|KO)( +\d{3})? +(\d\d:\d\d:\d\d[:;]\d\d) +(\d\d:\d\d:\d\d[:;]\d\d) +(\d\d:\d\d:\d\d[:;]\d\d) +(\d\d:\d\d:\d\d[:;]\d\d) *$`)
	edlLocRe   = regexp.MustCompile(`^\* LOC: (\d\d:\d\d:\d\d[:;]\d\d) +(WHITE|RED|GREEN|BLUE|CYAN|MAGENTA|YELLOW|BLACK)\b ?(.*)$`)
	edlColors  = "WHITE RED GREEN BLUE CYAN MAGENTA YELLOW BLACK"
)

// ParseEDL reads a CMX3600 list strictly, at fps frames per second
// (nominal), and rejects what an editor would choke on or silently
// misread: a missing TITLE or FCM header, an event line of the wrong
// shape, timecode fields out of range, events numbered out of order,
// source and record durations that differ on a cut, record times that run
// backwards or overlap, a locator outside its event, and any other line.
func ParseEDL(b []byte, fps int) (*EDLList, error) {
	if fps <= 0 || fps > 120 {
		return nil, fmt.Errorf("edl: frame rate %d", fps)
	}
	out := &EDLList{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	ln, sawFCM := 0, false
	var cur *EDLEvent
	var prevRecOut int64
	fail := func(format string, a ...any) error {
		return fmt.Errorf("edl line %d: %s", ln, fmt.Sprintf(format, a...))
	}
	tc := func(s string) (int64, error) {
		if strings.Contains(s, ";") {
			return 0, fmt.Errorf("drop-frame timecode %s in a non-drop list", s)
		}
		p := strings.Split(s, ":")
		var v [4]int64
		for i := range p {
			v[i], _ = strconv.ParseInt(p[i], 10, 64)
		}
		if v[1] > 59 || v[2] > 59 || v[3] >= int64(fps) {
			return 0, fmt.Errorf("timecode %s out of range at %d fps", s, fps)
		}
		return ((v[0]*60+v[1])*60+v[2])*int64(fps) + v[3], nil
	}
	for sc.Scan() {
		ln++
		line := strings.TrimRight(sc.Text(), "\r")
		switch {
		case strings.TrimSpace(line) == "":
			continue
		case ln == 1 || (out.Title == "" && !strings.HasPrefix(line, "TITLE:")):
			if !strings.HasPrefix(line, "TITLE: ") || strings.TrimSpace(line[7:]) == "" {
				return nil, fail("the list must start with TITLE: name")
			}
			out.Title = strings.TrimSpace(line[7:])
		case strings.HasPrefix(line, "FCM: "):
			switch line[5:] {
			case "NON-DROP FRAME":
			case "DROP FRAME":
				out.DropFrame = true
				return nil, fail("drop-frame lists are not written by us and not accepted")
			default:
				return nil, fail("unknown FCM %q", line[5:])
			}
			sawFCM = true
		case line[0] >= '0' && line[0] <= '9':
			if !sawFCM {
				return nil, fail("event before the FCM line")
			}
			m := edlEventRe.FindStringSubmatch(line)
			if m == nil {
				return nil, fail("malformed event %q", line)
			}
			ev := EDLEvent{Reel: m[2], Track: m[3], Transition: m[4]}
			ev.Num, _ = strconv.Atoi(m[1])
			if ev.Num != len(out.Events)+1 {
				return nil, fail("event %d out of order (expected %d)", ev.Num, len(out.Events)+1)
			}
			if m[5] != "" {
				ev.TransitionDur, _ = strconv.ParseInt(strings.TrimSpace(m[5]), 10, 64)
			} else if ev.Transition != "C" {
				return nil, fail("transition %s needs a duration", ev.Transition)
			}
			var err error
			for i, dst := range []*int64{&ev.SrcIn, &ev.SrcOut, &ev.RecIn, &ev.RecOut} {
				if *dst, err = tc(m[6+i]); err != nil {
					return nil, fail("%v", err)
				}
			}
			switch {
			case ev.SrcOut <= ev.SrcIn || ev.RecOut <= ev.RecIn:
				return nil, fail("event %d has no duration", ev.Num)
			case ev.Transition == "C" && ev.SrcOut-ev.SrcIn != ev.RecOut-ev.RecIn:
				return nil, fail("event %d: source lasts %d frames, record %d", ev.Num, ev.SrcOut-ev.SrcIn, ev.RecOut-ev.RecIn)
			case ev.RecIn < prevRecOut:
				return nil, fail("event %d starts at frame %d, before the previous event ends (%d)", ev.Num, ev.RecIn, prevRecOut)
			}
			prevRecOut = ev.RecOut
			out.Events = append(out.Events, ev)
			cur = &out.Events[len(out.Events)-1]
		case strings.HasPrefix(line, "*"):
			if cur == nil {
				return nil, fail("comment before the first event")
			}
			switch {
			case strings.HasPrefix(line, "* FROM CLIP NAME: "):
				cur.ClipName = strings.TrimSpace(line[len("* FROM CLIP NAME: "):])
			case strings.HasPrefix(line, "* LOC:"):
				m := edlLocRe.FindStringSubmatch(line)
				if m == nil {
					return nil, fail("malformed locator %q (colours: %s)", line, edlColors)
				}
				f, err := tc(m[1])
				if err != nil {
					return nil, fail("%v", err)
				}
				if f < cur.RecIn || f >= cur.RecOut {
					return nil, fail("locator at frame %d outside event %d [%d,%d)", f, cur.Num, cur.RecIn, cur.RecOut)
				}
				cur.Locators = append(cur.Locators, EDLLocator{Frame: f, Color: m[2], Name: strings.TrimSpace(m[3])})
			default:
				cur.Comments = append(cur.Comments, strings.TrimSpace(strings.TrimPrefix(line, "*")))
			}
		default:
			return nil, fail("unrecognised line %q", line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("edl: %w", err)
	}
	switch {
	case out.Title == "":
		return nil, fmt.Errorf("edl: empty list")
	case !sawFCM:
		return nil, fmt.Errorf("edl: no FCM line")
	case len(out.Events) == 0:
		return nil, fmt.Errorf("edl: no events")
	}
	return out, nil
}
