package render

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // keyframes are JPEG
	"image/png"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// Storyboard layout, in pixels.
const (
	sbMargin  = 24
	sbGap     = 16
	sbThumbW  = 216
	sbThumbH  = 384 // 9:16
	sbTextH   = 170
	sbHeaderH = 120
	sbMaxCols = 4
)

var (
	colBG      = color.RGBA{0xfa, 0xfa, 0xf7, 0xff}
	colInk     = color.RGBA{0x1b, 0x1b, 0x1f, 0xff}
	colMuted   = color.RGBA{0x5f, 0x63, 0x68, 0xff}
	colAccent  = color.RGBA{0xe8, 0x4a, 0x27, 0xff}
	colPlaceBG = color.RGBA{0xd9, 0xd9, 0xde, 0xff}
	colBadge   = color.RGBA{0x12, 0x12, 0x12, 0xd8}
	colWhite   = color.RGBA{0xff, 0xff, 0xff, 0xff}
)

// faces holds the typefaces of one rendering.
type faces struct {
	title, bold, body, small font.Face
}

func loadFaces(fontDir string) (*faces, error) {
	rp, err := findFont(fontDir, fontRegular)
	if err != nil {
		return nil, err
	}
	bp, err := findFont(fontDir, fontBold)
	if err != nil {
		bp = rp
	}
	reg, err := loadFont(rp)
	if err != nil {
		return nil, err
	}
	bold, err := loadFont(bp)
	if err != nil {
		return nil, err
	}
	if !hasGlyph(reg, '가') {
		return nil, kmeme.Errorf(kmeme.EUNAVAILABLE, "font %s has no Hangul glyphs", rp)
	}
	var fs faces
	if fs.title, err = newFace(bold, 34); err != nil {
		return nil, err
	}
	if fs.bold, err = newFace(bold, 19); err != nil {
		return nil, err
	}
	if fs.body, err = newFace(reg, 17); err != nil {
		return nil, err
	}
	if fs.small, err = newFace(reg, 14); err != nil {
		return nil, err
	}
	return &fs, nil
}

// StoryboardPNG draws a keyframe grid: one cell per planned shot with the
// source keyframe it re-makes, its number, timings, beats, overtitle and
// caption. Keyframes are read from keyframeDir; a missing one is drawn as
// a grey card.
func StoryboardPNG(a *kmeme.Analysis, r *kmeme.Recipe, keyframeDir, fontDir string, reg kmeme.Register) ([]byte, error) {
	fs, err := loadFaces(fontDir)
	if err != nil {
		return nil, err
	}
	n := len(r.Shots)
	cols := min(sbMaxCols, max(n, 3))
	rows := (n + cols - 1) / cols
	cellW, cellH := sbThumbW, sbThumbH+sbTextH
	w := 2*sbMargin + cols*cellW + (cols-1)*sbGap
	h := sbHeaderH + sbMargin + rows*cellH + (rows-1)*sbGap + sbMargin
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(colBG), image.Point{}, draw.Src)

	drawText(img, fs.title, colInk, sbMargin, sbMargin+34, clip(fs.title, r.Concept.Title, w-2*sbMargin))
	sub := r.Concept.Hook
	if r.Audio.BPM != nil {
		sub += fmt.Sprintf(" · %.0f BPM", *r.Audio.BPM)
	}
	sub += " · " + clock(r.Concept.DurationS)
	drawText(img, fs.body, colMuted, sbMargin, sbMargin+70, clip(fs.body, sub, w-2*sbMargin))
	drawText(img, fs.small, colMuted, sbMargin, sbMargin+96, clip(fs.small, "포맷: "+r.Concept.Format+" · "+platformName(r.Concept.Platform)+" · 샷 "+fmt.Sprint(n)+"개", w-2*sbMargin))

	for i, s := range r.Shots {
		x := sbMargin + (i%cols)*(cellW+sbGap)
		y := sbHeaderH + sbMargin + (i/cols)*(cellH+sbGap)
		thumb := image.Rect(x, y, x+sbThumbW, y+sbThumbH)
		if kf := loadKeyframe(keyframeDir, s.SourceKeyframe); kf != nil {
			drawCover(img, thumb, kf)
		} else {
			draw.Draw(img, thumb, image.NewUniform(colPlaceBG), image.Point{}, draw.Src)
			drawText(img, fs.small, colMuted, x+14, y+sbThumbH/2, "키프레임 없음")
		}
		badge := image.Rect(x, y, x+64, y+36)
		draw.Draw(img, badge, image.NewUniform(colBadge), image.Point{}, draw.Over)
		drawText(img, fs.bold, colWhite, x+10, y+26, fmt.Sprintf("#%d", s.N))
		if s.Overtitle != "" {
			ow := font.MeasureString(fs.bold, s.Overtitle).Ceil() + 20
			ob := image.Rect(x+sbThumbW/2-ow/2, y+sbThumbH-58, x+sbThumbW/2+ow/2, y+sbThumbH-22)
			draw.Draw(img, ob, image.NewUniform(colAccent), image.Point{}, draw.Over)
			drawText(img, fs.bold, colWhite, ob.Min.X+10, ob.Min.Y+26, s.Overtitle)
		}
		ty := y + sbThumbH + 24
		line := fmt.Sprintf("%s–%s", clock(s.Start), clock(s.End))
		if s.StartBeat != "" {
			line += "  박 " + s.StartBeat
		}
		drawText(img, fs.bold, colInk, x, ty, clip(fs.bold, line, cellW))
		ty += 22
		drawText(img, fs.small, colAccent, x, ty, clip(fs.small, sectionName(s.Section)+" · "+s.Framing, cellW))
		ty += 24
		for _, l := range strings.Split(s.Caption.Text(reg), "\n") {
			if l == "" {
				continue
			}
			drawText(img, fs.body, colInk, x, ty, clip(fs.body, l, cellW))
			ty += 22
		}
		for j, l := range wrap(fs.small, s.Film, cellW) {
			if j == 2 || ty > y+cellH-4 {
				break
			}
			drawText(img, fs.small, colMuted, x, ty, l)
			ty += 18
		}
	}
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("encode storyboard: %w", err)
	}
	return b.Bytes(), nil
}

func drawText(dst draw.Image, face font.Face, c color.Color, x, y int, s string) {
	d := font.Drawer{Dst: dst, Src: image.NewUniform(c), Face: face, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// clip shortens s with "…" until it fits width pixels.
func clip(face font.Face, s string, width int) string {
	if font.MeasureString(face, s).Ceil() <= width {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 && font.MeasureString(face, string(rs)+"…").Ceil() > width {
		rs = rs[:len(rs)-1]
	}
	return string(rs) + "…"
}

// wrap breaks s between words into lines of at most width pixels.
func wrap(face font.Face, s string, width int) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(s) {
		try := strings.TrimSpace(cur + " " + w)
		if cur != "" && font.MeasureString(face, try).Ceil() > width {
			lines = append(lines, cur)
			cur = w
			continue
		}
		cur = try
	}
	if cur != "" {
		lines = append(lines, clip(face, cur, width))
	}
	return lines
}

// loadKeyframe decodes a keyframe JPEG (or PNG), or returns nil.
func loadKeyframe(dir, name string) image.Image {
	if dir == "" || name == "" || name != filepath.Base(name) {
		return nil
	}
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return nil
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil
	}
	return img
}

// drawCover scales src to cover r (cropping the overflow), like CSS
// object-fit: cover.
func drawCover(dst draw.Image, r image.Rectangle, src image.Image) {
	sb := src.Bounds()
	if sb.Empty() {
		return
	}
	rw, rh := float64(r.Dx()), float64(r.Dy())
	sw, sh := float64(sb.Dx()), float64(sb.Dy())
	crop := sb
	if sw/sh > rw/rh { // source wider: crop the sides
		cw := int(sh * rw / rh)
		crop.Min.X = sb.Min.X + (sb.Dx()-cw)/2
		crop.Max.X = crop.Min.X + cw
	} else {
		ch := int(sw * rh / rw)
		crop.Min.Y = sb.Min.Y + (sb.Dy()-ch)/2
		crop.Max.Y = crop.Min.Y + ch
	}
	draw.ApproxBiLinear.Scale(dst, r, src, crop, draw.Src, nil)
}
