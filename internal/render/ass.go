package render

import (
	"bytes"
	"fmt"
	"math"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// Aspect frames of the ASS files: each places text by \pos inside that
// frame's safe zone (PlayRes is the frame; players scale it to the video).
var (
	assPortrait  = [2]int{1080, 1920}
	assLandscape = [2]int{1920, 1080}
)

// assEvent is one line of [Events].
type assEvent struct {
	comment    bool // a Comment line: kept for the editor, never drawn
	layer      int
	start, end float64 // seconds
	style      string
	name       string
	text       string // already escaped, with override tags
}

// ASS writes the captions and 예능 overtitles of both registers as an
// Advanced SubStation Alpha script for a w×h frame: each register has its
// own styles (Caption-Casual, Caption-Polite, Overtitle-Casual,
// Overtitle-Polite); reg's lines are Dialogue, the other register's are
// Comment lines an editor flips on in Aegisub or any ASS editor. Every
// line is placed with \pos inside the platform safe zone: overtitles at
// the top in bold yellow NanumSquare with a pop, captions at the bottom
// in NanumGothic Bold; the script names the fallback fonts.
func ASS(a *kmeme.Analysis, r *kmeme.Recipe, reg kmeme.Register, w, h int) []byte {
	return assScript(a, r, reg, w, h, 0, nil)
}

// assScript is ASS with every cue shifted by offset seconds and extra
// events and styles appended (the animatic adds its count-in and labels).
func assScript(a *kmeme.Analysis, r *kmeme.Recipe, reg kmeme.Register, w, h int, offset float64, extra []assEvent) []byte {
	reg = chosenRegister(reg)
	tb := timebaseOf(a)
	z := safeZoneFor(w, h)
	slots := slotsOf(a, r, tb)
	var b bytes.Buffer
	b.WriteString("\ufeff[Script Info]\n")
	fmt.Fprintf(&b, "; K-MEME Factory 자막 템플릿 — %s\n", oneLineText(r.Concept.Title))
	fmt.Fprintf(&b, "; 글꼴: 예능 자막 %s Bold, 대사 자막 %s Bold (Debian/Ubuntu 패키지 fonts-nanum)\n", fontOvertitle, fontCaption)
	fmt.Fprintf(&b, "; 글꼴이 없으면 대체: %s\n", fontFallback)
	fmt.Fprintf(&b, "; 말투: %s 줄이 Dialogue(표시), %s 줄은 Comment(숨김) — 바꾸려면 두 종류를 서로 바꾸세요\n",
		registerName(reg), registerName(otherRegister(reg)))
	fmt.Fprintf(&b, "; 안전 영역: x %d–%d, y %d–%d (플랫폼 UI를 피한 자리)\n", z.Left, z.Right, z.Top, z.Bottom)
	fmt.Fprintf(&b, "Title: %s\nScriptType: v4.00+\nPlayResX: %d\nPlayResY: %d\n", oneLineText(r.Concept.Title), w, h)
	b.WriteString("WrapStyle: 0\nScaledBorderAndShadow: yes\nYCbCr Matrix: None\n\n")

	b.WriteString("[V4+ Styles]\n")
	b.WriteString("Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n")
	capL, ovL := layoutOf(cueCaption, z, 1, 0), layoutOf(cueOvertitle, z, 1, 0)
	for _, rg := range registers {
		suffix := assRegisterSuffix(rg)
		fmt.Fprintf(&b, "Style: Caption-%s,%s,%d,%s,&H000000FF,&H00000000,&H80000000,-1,0,0,0,100,100,0,0,1,%d,1,2,%d,%d,%d,1\n",
			suffix, capL.font, capL.size, capL.assColor, capL.outline, z.Left, w-z.Right, h-z.Bottom)
		fmt.Fprintf(&b, "Style: Overtitle-%s,%s,%d,%s,&H000000FF,&H00000000,&H80000000,-1,0,0,0,100,100,0,0,1,%d,2,8,%d,%d,%d,1\n",
			suffix, ovL.font, ovL.size, ovL.assColor, ovL.outline+1, z.Left, w-z.Right, z.Top)
	}
	if extra != nil {
		unit := float64(min(w, h)) / 1080
		fmt.Fprintf(&b, "Style: Slot,%s,%d,&H00FFFFFF,&H000000FF,&H00000000,&H99000000,-1,0,0,0,100,100,0,0,3,%d,0,7,%d,%d,%d,1\n",
			fontCaption, int(34*unit), max(2, int(8*unit)), z.Left, w-z.Right, z.Top)
		fmt.Fprintf(&b, "Style: Card,%s,%d,&H00FFFFFF,&H000000FF,&H00000000,&H80000000,-1,0,0,0,100,100,0,0,1,%d,0,5,%d,%d,0,1\n",
			fontCaption, int(44*unit), max(1, int(3*unit)), z.Left, w-z.Right)
		fmt.Fprintf(&b, "Style: Count,%s,%d,&H0000E5FF,&H000000FF,&H00000000,&H80000000,-1,0,0,0,100,100,0,0,1,%d,0,5,0,0,0,1\n",
			fontOvertitle, int(150*unit), max(2, int(8*unit)))
	}
	b.WriteString("\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n")
	var events []assEvent
	for _, rg := range registers {
		for _, kind := range []cueKind{cueOvertitle, cueCaption} {
			for _, c := range cuesOf(slots, kind, rg, tb) {
				lay := layoutCue(c, z)
				style, tags := "Caption-"+assRegisterSuffix(rg), fmt.Sprintf(`{\an2\pos(%d,%d)`, lay.cx, lay.y1)
				def := capL.size
				if kind == cueOvertitle {
					style = "Overtitle-" + assRegisterSuffix(rg)
					tags = fmt.Sprintf(`{\an8\pos(%d,%d)\fscx118\fscy118\t(0,140,\fscx100\fscy100)`, lay.cx, lay.y0)
					def = ovL.size
				}
				if lay.size != def {
					tags += fmt.Sprintf(`\fs%d`, lay.size)
				}
				events = append(events, assEvent{
					comment: rg != reg, layer: map[cueKind]int{cueCaption: 1, cueOvertitle: 2}[kind],
					start: offset + tb.seconds(c.f0), end: offset + tb.seconds(c.f1),
					style: style, name: fmt.Sprintf("S%02d", c.shot), text: tags + "}" + assEscape(c.text),
				})
			}
		}
	}
	events = append(events, extra...)
	for _, e := range events {
		kind := "Dialogue"
		if e.comment {
			kind = "Comment"
		}
		fmt.Fprintf(&b, "%s: %d,%s,%s,%s,%s,0,0,0,,%s\n", kind, e.layer, assTime(e.start), assTime(e.end), e.style, e.name, e.text)
	}
	return b.Bytes()
}

func assRegisterSuffix(reg kmeme.Register) string {
	if reg == kmeme.RegisterPolite {
		return "Polite"
	}
	return "Casual"
}

// assTime formats seconds as H:MM:SS.cc.
func assTime(t float64) string {
	cs := int64(math.Round(math.Max(t, 0) * 100))
	return fmt.Sprintf("%d:%02d:%02d.%02d", cs/360000, cs/6000%60, cs/100%60, cs%100)
}

// assEscape makes plain text safe inside an ASS line: braces would open
// override blocks and a backslash would start a tag, so they become their
// full-width forms; line breaks become \N.
func assEscape(s string) string {
	s = strings.NewReplacer("{", "｛", "}", "｝", `\`, "＼", "\r", "").Replace(s)
	return strings.ReplaceAll(s, "\n", `\N`)
}

// oneLineText folds s onto one line for a header field.
func oneLineText(s string) string { return strings.Join(strings.Fields(s), " ") }

// seconds is frame n's time.
func (tb timebase) seconds(n int64) float64 { return float64(n) * float64(tb.Den) / float64(tb.Num) }
