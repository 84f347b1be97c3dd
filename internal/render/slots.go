package render

import (
	"fmt"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// slot is one planned shot on the frame grid: the placeholder an editor
// drops their own clip into. Slots are contiguous by construction: each
// starts on the frame the previous one ended, the first at frame 0 and
// the last ends on the source's last frame, so durations sum to the video.
type slot struct {
	shot   kmeme.PlannedShot
	f0, f1 int64 // [f0, f1) in frames of the timeline's timebase
	name   string
}

// slotsOf lays the recipe's shots on tb's frame grid.
func slotsOf(a *kmeme.Analysis, r *kmeme.Recipe, tb timebase) []slot {
	total := tb.frames(a.DurationS)
	out := make([]slot, 0, len(r.Shots))
	prev := int64(0)
	for i, s := range r.Shots {
		f1 := tb.frames(s.End)
		if i == len(r.Shots)-1 && total > prev {
			f1 = total
		}
		if f1 <= prev { // a shot shorter than a frame still gets one
			f1 = prev + 1
		}
		out = append(out, slot{shot: s, f0: prev, f1: f1, name: slotName(s)})
		prev = f1
	}
	return out
}

// slotName is the placeholder's title, "S03 · 미디엄샷 · 3.1마디": shot
// number, framing and where it starts on the bar grid (or the clock when
// the source has no steady beat).
func slotName(s kmeme.PlannedShot) string {
	where := clock(s.Start)
	if s.StartBeat != "" {
		where = s.StartBeat + "마디"
	}
	framing := strings.TrimSpace(s.Framing)
	if framing == "" {
		framing = "자유 구도"
	}
	return fmt.Sprintf("S%02d · %s · %s", s.N, framing, where)
}

// overtitleOf is the shot's 예능 overtitle in reg: the hand-written polite
// one when there is one, else the casual one (overtitles are mostly
// exclamations that have no register).
func overtitleOf(s kmeme.PlannedShot, reg kmeme.Register) string {
	if reg == kmeme.RegisterPolite && strings.TrimSpace(s.OvertitlePolite) != "" {
		return s.OvertitlePolite
	}
	return s.Overtitle
}

// cueKind is the layer a text cue belongs to.
type cueKind string

const (
	cueCaption   cueKind = "caption"
	cueOvertitle cueKind = "overtitle"
)

// textCue is one caption or overtitle of one register on the frame grid.
type textCue struct {
	kind   cueKind
	reg    kmeme.Register
	shot   int // 1-based shot number
	f0, f1 int64
	text   string // lines separated by "\n"
}

// registers in the order files list them.
var registers = []kmeme.Register{kmeme.RegisterCasual, kmeme.RegisterPolite}

// registerName is the Korean name editors see on tracks and styles.
func registerName(reg kmeme.Register) string {
	if reg == kmeme.RegisterPolite {
		return "존댓말"
	}
	return "반말"
}

// chosenRegister is reg, or casual when reg is not a register.
func chosenRegister(reg kmeme.Register) kmeme.Register {
	if reg.Valid() {
		return reg
	}
	return kmeme.RegisterCasual
}

// cuesOf returns the non-empty cues of one kind and register, one per shot:
// an overtitle over its whole slot, a caption over its own span when it is
// timed (tb is the slots' frame grid).
func cuesOf(slots []slot, kind cueKind, reg kmeme.Register, tb timebase) []textCue {
	var out []textCue
	for _, sl := range slots {
		text := sl.shot.Caption.Text(reg)
		if kind == cueOvertitle {
			text = overtitleOf(sl.shot, reg)
		}
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		c := textCue{kind: kind, reg: reg, shot: sl.shot.N, f0: sl.f0, f1: sl.f1, text: text}
		if kind == cueCaption && sl.shot.Caption.End > 0 {
			// A timed caption: its own span on the frame grid, inside the slot.
			st, en := sl.shot.Caption.Span(sl.shot)
			f0, f1 := max(sl.f0, tb.frames(st)), min(sl.f1, tb.frames(en))
			if en >= sl.shot.End {
				f1 = sl.f1
			}
			if f1 > f0 {
				c.f0, c.f1 = f0, f1
			}
		}
		out = append(out, c)
	}
	return out
}

// frameSize is the picture size of the timelines: the source's, or
// 1080×1920 when the source has no video.
func frameSize(a *kmeme.Analysis) (w, h int, hasVideo bool) {
	if a.Video != nil && a.Video.Width > 0 && a.Video.Height > 0 {
		return a.Video.Width, a.Video.Height, true
	}
	return 1080, 1920, false
}

// safeZone is the rectangle of a frame where text stays clear of the
// platform's own interface, in the frame's pixels.
type safeZone struct {
	W, H                     int // the frame
	Left, Top, Right, Bottom int // the inner rectangle's edges
}

// CenterX is the middle of the safe rectangle (not of the frame: the
// right-hand column of buttons makes the 9:16 safe zone off-centre).
func (z safeZone) CenterX() int { return (z.Left + z.Right) / 2 }

// Contains reports whether the rectangle (x0,y0)-(x1,y1) lies inside.
func (z safeZone) Contains(x0, y0, x1, y1 int) bool {
	return x0 >= z.Left && y0 >= z.Top && x1 <= z.Right && y1 <= z.Bottom
}

// safeZoneFor returns the safe zone of a w×h frame. Portrait frames take
// the TikTok/Reels/Shorts margins of docs/korean-short-form (for
// 1080×1920: top 250, bottom 460, right 180, left 60 px), landscape and
// square frames the 16:9 player margins (5 % at the sides and top, 15 % at
// the bottom for the controls). Margins scale with the frame.
func safeZoneFor(w, h int) safeZone {
	if h > w {
		return safeZone{W: w, H: h,
			Left: w * 60 / 1080, Right: w - w*180/1080,
			Top: h * 250 / 1920, Bottom: h - h*460/1920}
	}
	return safeZone{W: w, H: h,
		Left: w * 5 / 100, Right: w - w*5/100,
		Top: h * 5 / 100, Bottom: h - h*15/100}
}

// portrait reports whether the recipe's aspect is portrait (9:16 unless
// the recipe says otherwise).
func portrait(r *kmeme.Recipe) bool {
	var w, h int
	if _, err := fmt.Sscanf(r.Concept.Aspect, "%d:%d", &w, &h); err != nil || w <= 0 || h <= 0 {
		return true
	}
	return h >= w
}

// textLayout is where and how one cue is set: the same numbers feed the
// FCPXML titles, the xmeml text generators, the ASS events and the
// animatic, so every editor shows the text in the same place.
type textLayout struct {
	font          string
	size, outline int // pixels of the frame
	cx            int // horizontal centre
	y0, y1        int // top and bottom of the text block
	top           bool
	fcpColor      string // "r g b a", 0–1
	assColor      string // &HAABBGGRR
}

// Fonts of the text layers (Debian fonts-nanum). Overtitles use the bold
// rounded-square face variety shows use; captions the plain gothic.
const (
	fontOvertitle = "NanumSquare"
	fontCaption   = "NanumGothic"
	// fontFallback is named in every file that names a font.
	fontFallback = "NanumGothic → Noto Sans CJK KR (fonts-noto-cjk) → 시스템의 다른 한글 글꼴"
)

// layoutOf places a cue of kind with the given number of lines and
// longest line width (in Hangul-width units) inside z. Overtitles sit at
// the top of the safe zone, captions at its bottom; a line too wide for
// the zone gets a smaller size so it never crosses the edge.
func layoutOf(kind cueKind, z safeZone, lines int, units float64) textLayout {
	portraitFrame := z.H > z.W
	unit := float64(z.H) / 1080 // landscape sizes are per 1080 lines
	if portraitFrame {
		unit = float64(z.W) / 1080
	}
	l := textLayout{cx: z.CenterX()}
	base := 0.0
	if kind == cueOvertitle {
		l.font, l.top = fontOvertitle, true
		l.fcpColor, l.assColor = "1 0.9 0 1", "&H0000E5FF"
		base = 76
		if !portraitFrame {
			base = 72
		}
	} else {
		l.font = fontCaption
		l.fcpColor, l.assColor = "1 1 1 1", "&H00FFFFFF"
		base = 52
		if !portraitFrame {
			base = 56
		}
	}
	size := base * unit
	if w := float64(z.Right - z.Left); units > 0 && size*units > 0.94*w {
		size = 0.94 * w / units
	}
	l.size = max(8, int(size))
	l.outline = max(1, l.size/12)
	lineH := l.size * 6 / 5
	pad := l.size / 4
	lines = max(1, lines)
	if l.top {
		l.y0 = z.Top + pad
		l.y1 = l.y0 + lines*lineH
	} else {
		l.y1 = z.Bottom - pad
		l.y0 = l.y1 - lines*lineH
	}
	return l
}

// textUnits is the width of the widest line of s in Hangul-width units:
// Hangul, CJK and full-width characters count 1, everything else ½.
func textUnits(s string) float64 {
	best := 0.0
	for _, line := range strings.Split(s, "\n") {
		u := 0.0
		for _, r := range line {
			if r >= 0x1100 && (r <= 0x115f || (r >= 0x2e80 && r <= 0xa4cf) || (r >= 0xac00 && r <= 0xd7a3) ||
				(r >= 0xf900 && r <= 0xfaff) || (r >= 0xff00 && r <= 0xff60)) {
				u++
			} else {
				u += 0.5
			}
		}
		best = max(best, u)
	}
	return best
}

// layoutCue is layoutOf for one cue's text.
func layoutCue(c textCue, z safeZone) textLayout {
	return layoutOf(c.kind, z, strings.Count(c.text, "\n")+1, textUnits(c.text))
}
