package perception

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/media/mediatest"
)

// A two-line caption whose short second line touches the long first one
// where the outlines meet (outlined white over Grace Hopper's face, the
// lines a quarter of the size apart, as the bench draws them) is read
// whole. On the old line finder the second line's rows, under a third of
// the first line's texty blocks, were dropped as the gap below it, and the
// first line's crop took in the top of the second.
func TestTextTwoLinesShortUnderLong(t *testing.T) {
	need(t, font, gracePath)
	const caption = "친구가 카톡 읽씹할 때\n내 마음"
	// the bench's sizes on a 720×1280 frame (seed 2 p18, p25)
	for _, size := range []int{48, 63} {
		t.Run(itoa(size), func(t *testing.T) {
			tf := filepath.Join(t.TempDir(), "caption.txt")
			if err := os.WriteFile(tf, []byte(caption), 0o600); err != nil {
				t.Fatal(err)
			}
			dt := "drawtext=fontfile=" + font + ":textfile=" + tf + ":fontsize=" + itoa(size) + ":line_spacing=" + itoa(size/4) +
				":x=(w-tw)/2:y=560:fontcolor=white:borderw=" + itoa(max(3, size/12)) + ":bordercolor=black:enable='between(t,0.5,2.5)'"
			clip := mediatest.FFmpeg(t, "twoline.mp4", "-loop", "1", "-i", gracePath, "-vf",
				"scale=720:1280:force_original_aspect_ratio=increase,crop=720:1280,"+dt+",format=yuv420p",
				"-t", "3", "-r", "15", "-c:v", "libx264", "-preset", "ultrafast")
			p := run(t, clip, Options{})
			// the lines, not tesseract's spelling of rare syllables on a
			// face, are what is tested: two lines, the second "내 마음"
			found := false
			for _, tx := range p.Texts {
				lines := strings.Split(tx.Text, "\n")
				if len(lines) == 2 && Similarity(lines[1], "내 마음") >= 0.8 && Similarity(lines[0], "친구가 카톡 읽씹할 때") >= 0.5 {
					found = true
				}
			}
			if !found {
				var got []string
				for _, tx := range p.Texts {
					got = append(got, tx.Text)
				}
				t.Errorf("%q not read; texts %q, not measured %v", caption, got, p.NotMeasured)
			}
		})
	}
}
