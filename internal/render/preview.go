package render

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/image/draw"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/media"
)

// PreviewOptions tune Preview. The zero value renders 540×960 at 15 fps
// in silence.
type PreviewOptions struct {
	// KeyframeDir holds the keyframes named in the recipe's shots; a shot
	// without one gets a placeholder card with what to film.
	KeyframeDir string
	// SourcePath is the source video whose sound plays under the preview;
	// empty, or a source without audio, gives silence (said on screen).
	SourcePath string
	// FontDir is searched first for the Nanum fonts.
	FontDir  string
	Register kmeme.Register
	// Width and Height of the video; default 540×960 for a portrait
	// recipe, 960×540 otherwise.
	Width, Height int
	// FPS of the video; default 15 (enough for beat pulses, cheap to encode).
	FPS int
	// Limits bound the ffmpeg runs (the analysis defaults when zero).
	Limits media.Limits
	// Tools are the ffmpeg and ffprobe that run (PATH's by default).
	Tools media.Tools
	// Source, when the caller already probed SourcePath, says whether it
	// has sound without running ffprobe again.
	Source *media.Info
	// Progress, when set, is told the fraction encoded.
	Progress func(frac float64)
}

// PreviewInfo says what Preview made, for a caller or a test reading the
// video back.
type PreviewInfo struct {
	Width, Height, FPS int
	// CountInS is the count-in before the plan starts; the plan's time t
	// is at CountInS+t in the video.
	CountInS  float64
	DurationS float64 // the whole video
	Silent    bool    // no source sound: the preview plays clicks only
	// Counts are the count-in beats' times in the video.
	Counts []float64
	// Pulses are the beats of the plan, in video time.
	Pulses []float64
}

// preview layout in the 1080-wide (portrait) or 1080-high (landscape)
// reference frame of the ASS script.
const (
	pvSlotGap = 18 // between the overtitle block and the slot label
	pvDotR    = 11
	pvDotLitR = 17
	pvDotStep = 54
	pvPulseS  = 0.15 // how long a beat dot stays lit
)

// Preview renders the animatic preview.mp4 at out: a count-in (one bar
// at the recipe's tempo, counted in Korean, with clicks), then every
// planned shot as its keyframe (dimmed) or a placeholder card with what to
// film, its slot name, the 예능 overtitle at the top and the caption at the
// bottom of the platform safe zone in the Nanum fonts (the ASS of the
// chosen register burned by libass), a row of beat dots pulsing on every
// beat, over the source's sound shifted by the count-in.
func Preview(ctx context.Context, out string, a *kmeme.Analysis, r *kmeme.Recipe, o PreviewOptions) (*PreviewInfo, error) {
	if a == nil || r == nil || len(r.Shots) == 0 {
		return nil, kmeme.Errorf(kmeme.EINVALID, "preview needs an analysis and a recipe with shots")
	}
	reg := chosenRegister(o.Register)
	refW, refH := assPortrait[0], assPortrait[1]
	w, h := 540, 960
	if !portrait(r) {
		refW, refH, w, h = assLandscape[0], assLandscape[1], 960, 540
	}
	if o.Width > 0 && o.Height > 0 {
		w, h = o.Width&^1, o.Height&^1
	}
	fps := o.FPS
	if fps <= 0 {
		fps = 15
	}
	fontPath, err := findFont(o.FontDir, fontRegular)
	if err != nil {
		return nil, err
	}
	lim := o.Limits.WithDefaults()
	info := &PreviewInfo{Width: w, Height: h, FPS: fps}

	// The sound: the source's first audio stream, when it has one.
	audio := ""
	if o.SourcePath != "" {
		mi, err := o.Source, error(nil)
		if mi == nil {
			mi, err = o.Tools.Probe(ctx, o.SourcePath, lim)
		}
		if err == nil && mi.Audio != nil {
			audio = o.SourcePath
		} else if err != nil && ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	info.Silent = audio == ""

	// Count-in: one bar at the tempo (하나 둘 셋 넷 in 4/4), or three
	// counts of 0.6 s when there is no steady beat.
	counts, period := 3, 0.6
	if r.Audio.BPM != nil && *r.Audio.BPM > 30 && *r.Audio.BPM < 300 {
		period = 60 / *r.Audio.BPM
		counts = 4
		if m := max(r.Audio.Meter, a.Meter); m >= 2 && m <= 7 {
			counts = m
		}
	}
	info.CountInS = float64(counts) * period
	for i := range counts {
		info.Counts = append(info.Counts, float64(i)*period)
	}
	marks := beatMarks(a)
	for _, m := range marks {
		info.Pulses = append(info.Pulses, info.CountInS+m.t)
	}
	total := info.CountInS + a.DurationS
	nFrames := int(math.Ceil(total * float64(fps)))
	info.DurationS = float64(nFrames) / float64(fps)

	tb := timebaseOf(a)
	slots := slotsOf(a, r, tb)
	z := safeZoneFor(refW, refH)
	scale := float64(w) / float64(refW)

	// Text: the editor's ASS of the chosen register, shifted by the
	// count-in, plus the count-in, the slot labels and the cards.
	ovLine := layoutOf(cueOvertitle, z, 1, 0)
	labelY := ovLine.y1 + pvSlotGap
	dotsY := labelY + 2*int(34*float64(min(refW, refH))/1080) + pvDotLitR + 12
	var extra []assEvent
	title := assEscape(oneLineText(r.Concept.Title))
	extra = append(extra, assEvent{layer: 3, start: 0, end: info.CountInS, style: "Card", name: "count-in",
		text: fmt.Sprintf(`{\an5\pos(%d,%d)}레시피 미리보기\N%s`, z.CenterX(), z.Top+(z.Bottom-z.Top)/4, title)})
	words := countWords(counts)
	for i, t := range info.Counts {
		extra = append(extra, assEvent{layer: 4, start: t, end: t + period*0.9, style: "Count", name: "count-in",
			text: fmt.Sprintf(`{\an5\pos(%d,%d)\fscx130\fscy130\t(0,120,\fscx100\fscy100)}%s`, z.CenterX(), (z.Top+z.Bottom)/2, words[i])})
	}
	if info.Silent {
		extra = append(extra, assEvent{layer: 3, start: 0, end: total, style: "Slot", name: "silent",
			text: fmt.Sprintf(`{\an1\pos(%d,%d)}원본에 소리가 없어 무음 미리보기예요`, z.Left, z.Bottom-int(float64(z.Bottom-z.Top)*0.22))})
	}
	for _, sl := range slots {
		t0, t1 := info.CountInS+tb.seconds(sl.f0), info.CountInS+tb.seconds(sl.f1)
		extra = append(extra, assEvent{layer: 3, start: t0, end: t1, style: "Slot", name: fmt.Sprintf("S%02d", sl.shot.N),
			text: fmt.Sprintf(`{\an7\pos(%d,%d)}%s`, z.Left, labelY, assEscape(sl.name))})
		if loadKeyframe(o.KeyframeDir, sl.shot.SourceKeyframe) == nil {
			card := assEscape(oneLineText(sl.shot.Film))
			if act := oneLineText(sl.shot.Action); act != "" {
				card += `\N\N{\fs30}` + assEscape(act)
			}
			extra = append(extra, assEvent{layer: 3, start: t0, end: t1, style: "Card", name: fmt.Sprintf("S%02d", sl.shot.N),
				text: fmt.Sprintf(`{\an5\pos(%d,%d)\q0}%s`, z.CenterX(), (z.Top+z.Bottom)/2, card)})
		}
	}
	scratch, err := os.MkdirTemp(filepath.Dir(out), ".preview-*")
	if err != nil {
		return nil, fmt.Errorf("preview scratch: %w", err)
	}
	defer os.RemoveAll(scratch)
	assPath := filepath.Join(scratch, "preview.ass")
	if err := writeFileAtomic(assPath, assScript(a, r, reg, refW, refH, info.CountInS, extra)); err != nil {
		return nil, err
	}

	// Pictures: one base frame per shot, the count-in card, then dots.
	countCard := solidFrame(w, h, color.RGBA{0x17, 0x18, 0x1c, 0xff})
	bases := make([][]byte, len(slots))
	for i, sl := range slots {
		if kf := loadKeyframe(o.KeyframeDir, sl.shot.SourceKeyframe); kf != nil {
			m := image.NewRGBA(image.Rect(0, 0, w, h))
			drawCover(m, m.Bounds(), kf)
			bases[i] = rgbOf(m, 0.62)
		} else {
			bases[i] = placeholderFrame(w, h, z, scale)
		}
	}
	meter := counts
	if r.Audio.BPM == nil {
		meter = 4
	}
	dotsX0 := float64(z.CenterX()) - float64(meter-1)*pvDotStep/2
	frame := make([]byte, w*h*3)
	frames := func(wr io.Writer) error {
		si, mi := 0, 0
		for i := range nFrames {
			if err := ctx.Err(); err != nil {
				return err
			}
			t := float64(i) / float64(fps)
			lit, down := -1, false
			if t < info.CountInS {
				copy(frame, countCard)
				k := min(counts-1, int(t/period))
				if t-float64(k)*period < pvPulseS+0.1 {
					lit, down = k, k == 0
				}
			} else {
				st := t - info.CountInS
				for si < len(slots)-1 && st >= tb.seconds(slots[si].f1) {
					si++
				}
				copy(frame, bases[si])
				for mi < len(marks)-1 && marks[mi+1].t <= st {
					mi++
				}
				if len(marks) > 0 && st >= marks[mi].t && st-marks[mi].t < pvPulseS {
					lit, down = beatInBar(marks[mi].name)%meter, marks[mi].downbeat
				}
			}
			for d := range meter {
				cx, cy := (dotsX0+float64(d)*pvDotStep)*scale, float64(dotsY)*scale
				switch {
				case d == lit && down:
					fillCircle(frame, w, h, cx, cy, pvDotLitR*scale, colAccent)
				case d == lit:
					fillCircle(frame, w, h, cx, cy, pvDotLitR*scale, colWhite)
				default:
					fillCircle(frame, w, h, cx, cy, pvDotR*scale, color.RGBA{0x8a, 0x8d, 0x93, 0xff})
				}
			}
			if _, err := wr.Write(frame); err != nil {
				return err
			}
		}
		return nil
	}
	var clicks []media.Click
	for i, t := range info.Counts {
		f := 1000.0
		if i == 0 {
			f = 1600
		}
		clicks = append(clicks, media.Click{T: t, FreqHz: f})
	}
	err = o.Tools.Encode(ctx, lim, media.EncodeJob{
		Width: w, Height: h, FPS: fps, NumFrames: nFrames, Frames: frames,
		AudioPath: audio, AudioDelayS: info.CountInS, Clicks: clicks,
		SubtitlesPath: assPath, FontsDir: filepath.Dir(fontPath), Out: out, Progress: o.Progress,
	})
	if err != nil {
		return nil, fmt.Errorf("preview: %w", err)
	}
	return info, nil
}

// countWords are the count-in words, 하나 둘 셋 넷…, as many as counts.
func countWords(n int) []string {
	all := []string{"하나", "둘", "셋", "넷", "다섯", "여섯", "일곱"}
	return all[:min(n, len(all))]
}

// beatInBar is the 0-based beat of a beat mark's name: "bar 3" is 0,
// "3.2" is 1.
func beatInBar(name string) int {
	if strings.HasPrefix(name, "bar ") {
		return 0
	}
	var bar, beat int
	if _, err := fmt.Sscanf(name, "%d.%d", &bar, &beat); err != nil || beat < 1 {
		return 0
	}
	return beat - 1
}

// rgbOf packs m as RGB24, each channel multiplied by dim.
func rgbOf(m *image.RGBA, dim float64) []byte {
	b := m.Bounds()
	out := make([]byte, 0, b.Dx()*b.Dy()*3)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := m.Pix[(y-b.Min.Y)*m.Stride:]
		for x := 0; x < b.Dx(); x++ {
			out = append(out, byte(float64(row[4*x])*dim), byte(float64(row[4*x+1])*dim), byte(float64(row[4*x+2])*dim))
		}
	}
	return out
}

func solidFrame(w, h int, c color.RGBA) []byte {
	out := make([]byte, w*h*3)
	for i := 0; i < len(out); i += 3 {
		out[i], out[i+1], out[i+2] = c.R, c.G, c.B
	}
	return out
}

// placeholderFrame is the card of a shot without a keyframe: a dark frame
// with a dashed outline of the safe zone, where the creator's clip goes.
func placeholderFrame(w, h int, z safeZone, scale float64) []byte {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(m, m.Bounds(), &image.Uniform{color.RGBA{0x26, 0x28, 0x30, 0xff}}, image.Point{}, draw.Src)
	r := image.Rect(int(float64(z.Left)*scale), int(float64(z.Top)*scale), int(float64(z.Right)*scale), int(float64(z.Bottom)*scale))
	dash := color.RGBA{0x5a, 0x5e, 0x6a, 0xff}
	for x := r.Min.X; x < r.Max.X; x++ {
		if (x/8)%2 == 0 {
			m.Set(x, r.Min.Y, dash)
			m.Set(x, r.Max.Y-1, dash)
		}
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		if (y/8)%2 == 0 {
			m.Set(r.Min.X, y, dash)
			m.Set(r.Max.X-1, y, dash)
		}
	}
	return rgbOf(m, 1)
}

// fillCircle paints a disc into an RGB24 frame.
func fillCircle(pix []byte, w, h int, cx, cy, rad float64, c color.RGBA) {
	for y := max(0, int(cy-rad)); y <= min(h-1, int(cy+rad)); y++ {
		for x := max(0, int(cx-rad)); x <= min(w-1, int(cx+rad)); x++ {
			dx, dy := float64(x)-cx, float64(y)-cy
			if dx*dx+dy*dy <= rad*rad {
				i := (y*w + x) * 3
				pix[i], pix[i+1], pix[i+2] = c.R, c.G, c.B
			}
		}
	}
}
