package perception

import (
	"image"
	"strings"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/media/mediatest"
)

// Digits alone are what a button's rim or a badge reads as ("0000");
// a caption with digits in its words stays.
func TestPlausibleTextRejectsDigitsAlone(t *testing.T) {
	for _, c := range []struct {
		s    string
		want bool
	}{
		{"0000", false},
		{"0 0", false},
		{"2024", false},
		{"엄마한테 걸렸을 때", true},
		{"오늘의 OOTD", true},
		{"MBTI 특 ㅋㅋ", true},
	} {
		if got := plausibleText(c.s, 0.95, 5); got != c.want {
			t.Errorf("plausibleText(%q) = %v, want %v", c.s, got, c.want)
		}
	}
}

// hasGlyphs passes a line of letters and stops an empty image, specks and
// a single blob before they cost a tesseract read.
func TestHasGlyphs(t *testing.T) {
	const lineH = 40
	img := func(rects ...[4]int) *image.Gray {
		g := image.NewGray(image.Rect(0, 0, 300, 80))
		for i := range g.Pix {
			g.Pix[i] = 255
		}
		for _, r := range rects {
			for y := r[1]; y < r[3]; y++ {
				for x := r[0]; x < r[2]; x++ {
					g.Pix[y*g.Stride+x] = 0
				}
			}
		}
		return g
	}
	if hasGlyphs(img(), lineH) {
		t.Error("an empty image has glyphs")
	}
	if hasGlyphs(img([4]int{10, 10, 13, 13}, [4]int{50, 40, 53, 42}, [4]int{90, 20, 94, 24}), lineH) {
		t.Error("specks have glyphs")
	}
	if hasGlyphs(img([4]int{20, 5, 200, 75}), lineH) {
		t.Error("one blob has glyphs")
	}
	// two strokes a letter tall, and a dash of a Hangul part
	if !hasGlyphs(img([4]int{20, 20, 26, 60}, [4]int{40, 20, 46, 60}, [4]int{60, 38, 80, 42}), lineH) {
		t.Error("letter strokes have no glyphs")
	}
}

// A track cut to the middle rows of a caption line while the whole line
// is up reads as other syllables; it goes, the line stays.
func TestMergeTextsDropsSliverOfLine(t *testing.T) {
	line := kmeme.Box{X: 0.13, Y: 0.68, W: 0.29, H: 0.052}
	sliver := kmeme.Box{X: 0.14, Y: 0.708, W: 0.27, H: 0.021}
	out := mergeTexts([]kmeme.ScreenText{
		{Text: "실화냐", Start: 0.75, End: 2.9, Box: line, Confidence: 0.93, Lang: "ko"},
		{Text: "근 오", Start: 1.75, End: 2.75, Box: sliver, Confidence: 0.91, Lang: "ko"},
	})
	if len(out) != 1 || out[0].Text != "실화냐" {
		t.Errorf("texts %+v, want 실화냐 alone", out)
	}
}

// The same when the line's track ends as the sliver's begins (the picture
// behind the caption cut to another shot): the spans touch, they do not
// overlap.
func TestMergeTextsDropsSliverTakingOverFromLine(t *testing.T) {
	line := kmeme.Box{X: 0.13, Y: 0.68, W: 0.29, H: 0.052}
	sliver := kmeme.Box{X: 0.14, Y: 0.708, W: 0.27, H: 0.021}
	out := mergeTexts([]kmeme.ScreenText{
		{Text: "실화냐", Start: 0.75, End: 1.75, Box: line, Confidence: 0.93, Lang: "ko"},
		{Text: "근 오", Start: 1.75, End: 2.75, Box: sliver, Confidence: 0.91, Lang: "ko"},
	})
	if len(out) != 1 || out[0].Text != "실화냐" {
		t.Errorf("texts %+v, want 실화냐 alone", out)
	}
	// a line read surer right after a taller, poorer reading of it (the
	// caption joined to the flag beside it for a sample) is no sliver
	tall := kmeme.Box{X: 0, Y: 0.151, W: 0.824, H: 0.073}
	thin := kmeme.Box{X: 0.176, Y: 0.151, W: 0.648, H: 0.042}
	out = mergeTexts([]kmeme.ScreenText{
		{Text: "시험 ada al 가는 길", Start: 0.75, End: 1.75, Box: tall, Confidence: 0.62, Lang: "ko"},
		{Text: "시험 끝나고 집 가는 길", Start: 1.75, End: 3.25, Box: thin, Confidence: 0.94, Lang: "ko"},
	})
	if len(out) != 1 || out[0].Text != "시험 끝나고 집 가는 길" {
		t.Errorf("texts %+v, want 시험 끝나고 집 가는 길 alone", out)
	}
}

// A track that saw part of a caption line (its left words lost when the
// picture behind changed) does not replace the whole line's reading, even
// read surer; a surer reading of the same width does.
func TestMergeTextsKeepsWholeLine(t *testing.T) {
	whole := kmeme.Box{X: 0.13, Y: 0.69, W: 0.75, H: 0.047}
	part := kmeme.Box{X: 0.37, Y: 0.69, W: 0.51, H: 0.047}
	out := mergeTexts([]kmeme.ScreenText{
		{Text: "나 vs 내 친구 POV", Start: 0.25, End: 1.75, Box: whole, Confidence: 0.91, Lang: "mixed"},
		{Text: "친구 POV", Start: 1.75, End: 2.75, Box: part, Confidence: 0.95, Lang: "mixed"},
	})
	if len(out) != 1 || out[0].Text != "나 vs 내 친구 POV" || out[0].End != 2.75 {
		t.Errorf("texts %+v, want 나 vs 내 친구 POV 0.25–2.75", out)
	}
	out = mergeTexts([]kmeme.ScreenText{
		{Text: "나 vs LH 친구 POV", Start: 0.25, End: 1.75, Box: whole, Confidence: 0.85, Lang: "mixed"},
		{Text: "나 vs 내 친구 POV", Start: 1.75, End: 2.75, Box: whole, Confidence: 0.93, Lang: "mixed"},
	})
	if len(out) != 1 || out[0].Text != "나 vs 내 친구 POV" {
		t.Errorf("texts %+v, want 나 vs 내 친구 POV", out)
	}
}

// An outlined caption over a photo that pans behind it (white shirt and
// collar lines moving through the letters) is one text, read: the
// tracker's signature is the letters' ink, not the picture's.
func TestTextStillCaptionOverPanningPhoto(t *testing.T) {
	need(t, font, gracePath)
	clip := mediatest.FFmpeg(t, "panning.mp4", "-loop", "1", "-i", gracePath, "-vf",
		"scale=-2:1100,crop=540:960:'min(iw-540,t*60)':70,"+drawtext("엄마한테 걸렸을 때", "outline", 640, 0, 3)+",format=yuv420p",
		"-t", "3", "-r", "15", "-c:v", "libx264", "-preset", "ultrafast")
	p := run(t, clip, Options{})
	found := false
	for _, tx := range p.Texts {
		if Similarity(tx.Text, "엄마한테 걸렸을 때") >= 0.8 {
			found = true
		}
	}
	if !found {
		t.Errorf("caption over a pan not read; texts %+v, not measured %v", p.Texts, p.NotMeasured)
	}
}

// A Latin word in capitals in a Korean caption ("오늘의 OOTD", outlined
// white) is read in letters, not the digits the Korean models make of it.
func TestTextCapitalsInKoreanCaption(t *testing.T) {
	need(t, font, noPeople)
	p := run(t, still(t, "ootd.mp4", noPeople, drawtext("오늘의 OOTD", "outline", 150, 0.5, 2.5)), Options{})
	found := false
	for _, tx := range p.Texts {
		if Similarity(tx.Text, "오늘의 OOTD") >= 0.8 {
			found = true
		}
	}
	if !found {
		t.Errorf("오늘의 OOTD not read; texts %+v, not measured %v", p.Texts, p.NotMeasured)
	}
}

// Captions on the rows of the flag beside Grace Hopper's cap (the flag's
// stars joined to the caption's rows, the pole and the cap's rim at its
// ends) are read: the flag is not joined to the line, and a card's ends in
// the dark cap do not turn its polarity.
func TestTextBesideFlag(t *testing.T) {
	need(t, font, gracePath)
	for _, c := range []struct{ name, text, style string }{
		{"card", "Wait for it", "fontcolor=black:box=1:boxcolor=white:boxborderw=11"},
		{"outline", "POV\\: 월요일 아침", "fontcolor=white:borderw=3:bordercolor=black"},
	} {
		t.Run(c.name, func(t *testing.T) {
			text := strings.ReplaceAll(c.text, "\\", "")
			dt := "drawtext=fontfile=" + font + ":text='" + c.text + "':fontsize=37:x=(w-tw)/2:y=150:" + c.style
			clip := mediatest.FFmpeg(t, c.name+"flag.mp4", "-loop", "1", "-i", gracePath, "-vf",
				"crop=512:455:0:0,scale=540:480,pad=540:960:0:0:gray,"+dt+",format=yuv420p",
				"-t", "3", "-r", "15", "-c:v", "libx264", "-preset", "ultrafast")
			p := run(t, clip, Options{})
			found := false
			for _, tx := range p.Texts {
				if Similarity(tx.Text, text) >= 0.8 {
					found = true
				}
			}
			if !found {
				t.Errorf("%s beside the flag not read; texts %+v, not measured %v", text, p.Texts, p.NotMeasured)
			}
		})
	}
}
