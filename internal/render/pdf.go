package render

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"os"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// PDF page geometry in millimetres (A4 portrait).
const (
	pdfMargin = 15.0
	pdfWidth  = 210.0 - 2*pdfMargin
	pdfBottom = 297.0 - pdfMargin
	pdfThumbW = 18.0
	pdfThumbH = 32.0
)

// GuidePDF writes the creator's guide: concept, sound, a beat/cut timeline
// chart, the shot table with keyframes and both caption registers,
// adaptations, hashtags and the checklist, in Korean with NanumGothic
// embedded. The output is byte-identical for the same input.
func GuidePDF(a *kmeme.Analysis, r *kmeme.Recipe, keyframeDir, fontDir string) ([]byte, error) {
	rp, err := findFont(fontDir, fontRegular)
	if err != nil {
		return nil, err
	}
	bp, err := findFont(fontDir, fontBold)
	if err != nil {
		bp = rp
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	pdf.SetAutoPageBreak(true, pdfMargin)
	epoch := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	pdf.SetCreationDate(epoch)
	pdf.SetModificationDate(epoch)
	pdf.SetCatalogSort(true)
	pdf.SetTitle(r.Concept.Title, true)
	pdf.SetCreator("K-MEME Factory", true)
	for _, f := range [][2]string{{"", rp}, {"B", bp}} {
		style, path := f[0], f[1]
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read font: %w", err)
		}
		pdf.AddUTF8FontFromBytes("nanum", style, b)
	}
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont("nanum", "", 8)
		pdf.SetTextColor(120, 120, 120)
		pdf.CellFormat(0, 5, fmt.Sprintf("K-MEME Factory · %d", pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()

	h := func(size float64, text string) {
		pdf.Ln(2)
		pdf.SetFont("nanum", "B", size)
		pdf.SetTextColor(27, 27, 31)
		pdf.MultiCell(0, size*0.5, text, "", "L", false)
		pdf.Ln(1)
	}
	body := func(text string) {
		pdf.SetFont("nanum", "", 10)
		pdf.SetTextColor(40, 40, 44)
		pdf.MultiCell(0, 5, text, "", "L", false)
	}
	kv := func(k, v string) {
		pdf.SetFont("nanum", "B", 10)
		pdf.SetTextColor(95, 99, 104)
		pdf.CellFormat(30, 5.5, k, "", 0, "L", false, 0, "")
		pdf.SetFont("nanum", "", 10)
		pdf.SetTextColor(27, 27, 31)
		pdf.MultiCell(0, 5.5, v, "", "L", false)
	}

	c := r.Concept
	h(20, c.Title)
	pdf.SetFont("nanum", "", 12)
	pdf.SetTextColor(232, 74, 39)
	pdf.MultiCell(0, 6, c.Hook, "", "L", false)
	pdf.Ln(2)
	kv("밈 포맷", c.Format)
	kv("왜 웃긴가", c.Mechanism)
	kv("플랫폼", fmt.Sprintf("%s · %s · %s", platformName(c.Platform), c.Aspect, clock(c.DurationS)))
	kv("난이도", fmt.Sprintf("%s · 촬영 약 %d분 · 편집 약 %d분", difficultyName(r.Difficulty), r.ShootMin, r.EditMin))

	h(14, "사운드")
	if r.Audio.BPM != nil {
		kv("템포", fmt.Sprintf("%.1f BPM, %d/4박", *r.Audio.BPM, r.Audio.Meter))
	} else {
		kv("템포", "일정한 박자 없음")
	}
	if r.Audio.DropS != nil {
		kv("드롭", fmt.Sprintf("%s (%s마디)", clock(*r.Audio.DropS), r.Audio.DropBar))
	}
	kv("음원 종류", r.Audio.SoundKind)
	for _, n := range r.Audio.Notes {
		body("· " + n)
	}

	h(14, "타임라인")
	timelineChart(pdf, a, r)

	h(14, "샷 리스트")
	thumbs := registerThumbs(pdf, r, keyframeDir)
	for _, s := range r.Shots {
		shotRow(pdf, s, thumbs[s.SourceKeyframe])
	}

	h(14, "현지화")
	for _, ad := range r.Adaptations {
		body(fmt.Sprintf("· %s → %s: %s", ad.Source, ad.Korean, ad.Reason))
	}
	h(14, "해시태그")
	kv("틱톡", strings.Join(r.Hashtags.TikTok, " "))
	kv("쇼츠", strings.Join(r.Hashtags.Shorts, " "))
	kv("릴스", strings.Join(r.Hashtags.Reels, " "))
	h(14, "준비물")
	body("· " + strings.Join(r.Props, "\n· "))
	h(14, "촬영 체크리스트")
	for _, x := range r.Checklist {
		body("□ " + x)
	}
	pdf.Ln(3)
	pdf.SetFont("nanum", "", 8)
	pdf.SetTextColor(120, 120, 120)
	pdf.MultiCell(0, 4, provenanceLine(r.Provenance), "", "L", false)

	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return nil, fmt.Errorf("write guide pdf: %w", err)
	}
	return b.Bytes(), nil
}

// shotRow draws one shot: keyframe on the left, text on the right.
func shotRow(pdf *fpdf.Fpdf, s kmeme.PlannedShot, thumb string) {
	textX := pdfMargin + pdfThumbW + 4
	textW := pdfWidth - pdfThumbW - 4
	lines := []struct {
		bold bool
		text string
	}{}
	head := fmt.Sprintf("#%d  %s–%s", s.N, clock(s.Start), clock(s.End))
	if s.StartBeat != "" {
		head += fmt.Sprintf("  박 %s–%s", s.StartBeat, s.EndBeat)
	}
	head += "  " + sectionName(s.Section)
	lines = append(lines, struct {
		bold bool
		text string
	}{true, head})
	add := func(k, v string) {
		if v != "" {
			lines = append(lines, struct {
				bold bool
				text string
			}{false, k + ": " + v})
		}
	}
	add("촬영", s.Film)
	add("구도", s.Framing)
	add("액션", s.Action)
	add("예능 자막", s.Overtitle)
	add("자막(반말)", strings.ReplaceAll(s.Caption.Casual, "\n", " / "))
	add("자막(존댓말)", strings.ReplaceAll(s.Caption.Polite, "\n", " / "))
	if s.SourceShot > 0 {
		add("원본", fmt.Sprintf("%d번 컷 (%s)", s.SourceShot, clock(s.SourceT)))
	}
	// Measure, then break the page before the row if it does not fit.
	pdf.SetFont("nanum", "", 9)
	height := 0.0
	for _, l := range lines {
		height += 4.4 * float64(countLines(pdf, l.text, textW))
	}
	height = math.Max(height, pdfThumbH) + 3
	if pdf.GetY()+height > pdfBottom-6 {
		pdf.AddPage()
	}
	y := pdf.GetY()
	if thumb != "" {
		pdf.ImageOptions(thumb, pdfMargin, y, pdfThumbW, pdfThumbH, false, fpdf.ImageOptions{ImageType: "JPG"}, 0, "")
	} else {
		pdf.SetFillColor(217, 217, 222)
		pdf.Rect(pdfMargin, y, pdfThumbW, pdfThumbH, "F")
	}
	pdf.SetXY(textX, y)
	for _, l := range lines {
		style := ""
		if l.bold {
			style = "B"
			pdf.SetTextColor(27, 27, 31)
		} else {
			pdf.SetTextColor(50, 50, 54)
		}
		pdf.SetFont("nanum", style, 9)
		pdf.SetX(textX)
		pdf.MultiCell(textW, 4.4, l.text, "", "L", false)
	}
	pdf.SetY(y + height)
	pdf.SetDrawColor(220, 220, 224)
	pdf.Line(pdfMargin, y+height-1.5, pdfMargin+pdfWidth, y+height-1.5)
}

// registerThumbs crops every keyframe the plan uses to 9:16, scales it
// down and registers it with the PDF under its file name. fpdf writes
// images sorted only by pixel width (in map order otherwise), so each
// thumbnail gets its own width, one pixel apart, to keep the file
// byte-identical from run to run.
func registerThumbs(pdf *fpdf.Fpdf, r *kmeme.Recipe, keyframeDir string) map[string]string {
	out := map[string]string{}
	k := 0
	for _, s := range r.Shots {
		name := s.SourceKeyframe
		if _, done := out[name]; done || name == "" {
			continue
		}
		src := loadKeyframe(keyframeDir, name)
		if src == nil {
			out[name] = ""
			continue
		}
		w := 144 + k
		k++
		dst := image.NewRGBA(image.Rect(0, 0, w, int(math.Round(float64(w)*16/9))))
		drawCover(dst, dst.Bounds(), src)
		var b bytes.Buffer
		if err := jpeg.Encode(&b, dst, &jpeg.Options{Quality: 82}); err != nil {
			out[name] = ""
			continue
		}
		pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "JPG"}, &b)
		out[name] = name
	}
	return out
}

// timelineChart draws sections as bands, beats as short ticks, downbeats
// as tall ticks, the planned cuts in red and the source cuts in blue.
func timelineChart(pdf *fpdf.Fpdf, a *kmeme.Analysis, r *kmeme.Recipe) {
	const hgt = 30.0
	if pdf.GetY()+hgt+16 > pdfBottom {
		pdf.AddPage()
	}
	x0, y0 := pdfMargin, pdf.GetY()+2
	d := math.Max(a.DurationS, 0.001)
	xt := func(t float64) float64 { return x0 + pdfWidth*math.Min(math.Max(t/d, 0), 1) }
	pdf.SetFillColor(245, 245, 242)
	pdf.Rect(x0, y0, pdfWidth, hgt, "F")
	for _, s := range a.Sections {
		switch s.Label {
		case kmeme.SectionDrop:
			pdf.SetFillColor(253, 221, 206)
		case kmeme.SectionBuild:
			pdf.SetFillColor(232, 238, 250)
		case kmeme.SectionBreak, kmeme.SectionOutro:
			pdf.SetFillColor(230, 244, 234)
		default:
			pdf.SetFillColor(240, 240, 240)
		}
		pdf.Rect(xt(s.Start), y0, xt(s.End)-xt(s.Start), hgt, "F")
		pdf.SetFont("nanum", "", 6)
		pdf.SetTextColor(95, 99, 104)
		pdf.Text(xt(s.Start)+0.8, y0+3, sectionName(s.Label))
	}
	pdf.SetLineWidth(0.1)
	for _, m := range beatMarks(a) {
		if m.downbeat {
			pdf.SetDrawColor(90, 90, 96)
			pdf.Line(xt(m.t), y0+hgt*0.35, xt(m.t), y0+hgt)
		} else {
			pdf.SetDrawColor(160, 160, 166)
			pdf.Line(xt(m.t), y0+hgt*0.7, xt(m.t), y0+hgt)
		}
	}
	pdf.SetDrawColor(40, 90, 220)
	pdf.SetLineWidth(0.3)
	for _, c := range a.Cuts {
		pdf.Line(xt(c.T), y0+hgt*0.55, xt(c.T), y0+hgt)
	}
	pdf.SetDrawColor(232, 74, 39)
	pdf.SetLineWidth(0.5)
	pdf.SetFont("nanum", "B", 6)
	pdf.SetTextColor(232, 74, 39)
	for i, s := range r.Shots {
		if i > 0 {
			pdf.Line(xt(s.Start), y0+4, xt(s.Start), y0+hgt)
		}
		if xt(s.End)-xt(s.Start) > 3 {
			pdf.Text(xt(s.Start)+0.6, y0+7, fmt.Sprint(s.N))
		}
	}
	pdf.SetLineWidth(0.2)
	// Axis: a label every "nice" number of seconds.
	step := 1.0
	for _, st := range []float64{1, 2, 5, 10, 15, 30, 60} {
		step = st
		if d/st <= 12 {
			break
		}
	}
	pdf.SetFont("nanum", "", 6)
	pdf.SetTextColor(95, 99, 104)
	for t := 0.0; t <= d+1e-9; t += step {
		pdf.Text(xt(t)-1, y0+hgt+3.5, fmt.Sprintf("%gs", t))
	}
	pdf.SetY(y0 + hgt + 5)
	pdf.SetFont("nanum", "", 7)
	pdf.MultiCell(0, 3.5, "빨간 선: 계획한 컷 · 파란 선: 원본 컷 · 긴 눈금: 마디 첫 박 · 짧은 눈금: 박", "", "L", false)
	pdf.Ln(1)
}

// countLines is how many lines MultiCell needs for text at width w. fpdf's
// own SplitText only knows its core fonts, so measure word by word (and
// rune by rune for a word wider than the line).
func countLines(pdf *fpdf.Fpdf, text string, w float64) int {
	w -= 2 * pdf.GetCellMargin()
	n := 0
	for _, para := range strings.Split(text, "\n") {
		n++
		cur := 0.0
		space := pdf.GetStringWidth(" ")
		for i, word := range strings.Fields(para) {
			ww := pdf.GetStringWidth(word)
			if i > 0 && cur+space+ww <= w {
				cur += space + ww
				continue
			}
			if i > 0 {
				n++
			}
			cur = ww
			for cur > w {
				n++
				cur -= w
			}
		}
	}
	return n
}
