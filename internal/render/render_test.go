package render

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/image/font/gofont/goregular"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/recipe"
	"github.com/kmeme-factory/kmeme/internal/recipe/recipetest"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

type fixture struct {
	name string
	a    *kmeme.Analysis
	r    *kmeme.Recipe
}

// fixtures are stored analyses and recipes (testdata/NAME.analysis.json,
// NAME.recipe.json): the golden files depend on nothing but the writers.
// The music recipe has hand-written polite overtitles on some shots; the
// speech one (29.97 fps, no tempo) has none.
func fixtures(t testing.TB) []fixture {
	t.Helper()
	var out []fixture
	for _, name := range []string{"music", "speech"} {
		f := fixture{name: name, a: &kmeme.Analysis{}, r: &kmeme.Recipe{}}
		for _, p := range []struct {
			file string
			v    any
		}{{name + ".analysis.json", f.a}, {name + ".recipe.json", f.r}} {
			b, err := os.ReadFile(filepath.Join("testdata", p.file))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, p.v); err != nil {
				t.Fatalf("%s: %v", p.file, err)
			}
		}
		out = append(out, f)
	}
	return out
}

// planned are recipes the current planner writes for synthetic analyses:
// the structural tests run on them too, so the writers keep working for
// whatever valid recipe the planner produces.
func planned(t testing.TB) []fixture {
	t.Helper()
	var out []fixture
	for _, f := range []struct {
		name string
		a    *kmeme.Analysis
		p    kmeme.Platform
	}{
		{"planned-music", recipetest.Music(42, 16, 128, 4), kmeme.PlatformTikTok},
		{"planned-waltz", recipetest.Music(7, 11, 96, 3), kmeme.PlatformReels},
		{"planned-speech", recipetest.Speech(42, 12), kmeme.PlatformShorts},
	} {
		r, err := recipe.NewLocal().Plan(context.Background(), recipe.PlanInput{Analysis: f.a, Platform: f.p})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fixture{f.name, f.a, r})
	}
	return out
}

func allFixtures(t testing.TB) []fixture { return append(fixtures(t), planned(t)...) }

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/render -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test ./internal/render -update and review the diff", name)
	}
}

func TestGoldenFiles(t *testing.T) {
	t.Parallel()
	for _, f := range fixtures(t) {
		golden(t, f.name+".srt", SRT(f.r, kmeme.RegisterCasual))
		golden(t, f.name+".polite.srt", SRT(f.r, kmeme.RegisterPolite))
		golden(t, f.name+".md", Markdown(f.r))
		o, err := OTIO(f.a, f.r, "file:///media/source.mp4", kmeme.RegisterCasual)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, f.name+".otio", o)
		x, err := FCPXML(f.a, f.r, "file:///media/source.mp4", kmeme.RegisterCasual)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, f.name+".fcpxml", x)
		xm, err := XMEML(f.a, f.r, "file:///media/source.mp4", kmeme.RegisterCasual)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, f.name+".premiere.xml", xm)
		golden(t, f.name+".edl", EDL(f.a, f.r))
		golden(t, f.name+".9x16.ass", ASS(f.a, f.r, kmeme.RegisterCasual, 1080, 1920))
	}
}

func TestSRT(t *testing.T) {
	t.Parallel()
	for _, f := range fixtures(t) {
		cues := strings.Split(strings.TrimSpace(string(SRT(f.r, kmeme.RegisterCasual))), "\n\n")
		re := regexp.MustCompile(`^(\d+)\n(\d\d):(\d\d):(\d\d),(\d\d\d) --> (\d\d):(\d\d):(\d\d),(\d\d\d)\n(.+)(\n.+)?$`)
		want := 0
		for _, s := range f.r.Shots {
			if s.Caption.Casual != "" {
				want++
			}
		}
		if len(cues) != want || want == 0 {
			t.Fatalf("%s: %d cues, want %d", f.name, len(cues), want)
		}
		prevEnd := -1.0
		for i, c := range cues {
			m := re.FindStringSubmatch(c)
			if m == nil {
				t.Fatalf("%s: cue %d malformed: %q", f.name, i+1, c)
			}
			if n, _ := strconv.Atoi(m[1]); n != i+1 {
				t.Errorf("cue numbered %d, want %d", n, i+1)
			}
			sec := func(h, mi, s, ms string) float64 {
				a, _ := strconv.Atoi(h)
				b, _ := strconv.Atoi(mi)
				c, _ := strconv.Atoi(s)
				d, _ := strconv.Atoi(ms)
				return float64(a*3600+b*60+c) + float64(d)/1000
			}
			st, en := sec(m[2], m[3], m[4], m[5]), sec(m[6], m[7], m[8], m[9])
			if en <= st || st < prevEnd-1e-9 {
				t.Errorf("cue %d times %.3f–%.3f overlap or run backwards", i+1, st, en)
			}
			prevEnd = en
			for _, l := range strings.Split(strings.TrimPrefix(c, m[1]+"\n"), "\n")[1:] {
				if recipe.Width(l) > recipe.MaxLineUnits {
					t.Errorf("cue line %q too wide", l)
				}
			}
		}
	}
	if got := srtTime(3723.4567); got != "01:02:03,457" {
		t.Errorf("srtTime = %s", got)
	}
}

func xmllint(t *testing.T, b []byte) {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not installed (Debian package libxml2-utils)")
	}
	p := filepath.Join(t.TempDir(), "t.fcpxml")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "--noout", p).CombinedOutput(); err != nil {
		t.Fatalf("xmllint: %v\n%s", err, out)
	}
}

// writeKeyframes makes small JPEG keyframes for every shot of a.
func writeKeyframes(t *testing.T, a *kmeme.Analysis) string { return writeKeyframesDir(t, a) }

func writeKeyframesDir(t testing.TB, a *kmeme.Analysis) string {
	t.Helper()
	dir := t.TempDir()
	for i, s := range a.Shots {
		img := image.NewRGBA(image.Rect(0, 0, 90, 160))
		for y := 0; y < 160; y++ {
			for x := 0; x < 90; x++ {
				img.Set(x, y, color.RGBA{uint8(40 * i), uint8(x * 2), uint8(y), 255})
			}
		}
		var b bytes.Buffer
		if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 70}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, s.Keyframe), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestGuidePDFHasKoreanText(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (Debian package poppler-utils)")
	}
	f := fixtures(t)[0]
	kf := writeKeyframes(t, f.a)
	b, err := GuidePDF(f.a, f.r, kf, "")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	again, err := GuidePDF(f.a, f.r, kf, "")
	if err != nil || !bytes.Equal(b, again) {
		t.Errorf("second rendering differs (err %v)", err)
	}
	p := filepath.Join(t.TempDir(), "guide.pdf")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", p, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	want := []string{f.r.Concept.Title, "샷 리스트", "촬영 체크리스트"}
	for _, s := range f.r.Shots {
		for _, c := range []string{s.Caption.Casual, s.Caption.Polite} {
			for _, l := range strings.Split(c, "\n") {
				if l != "" {
					want = append(want, l)
				}
			}
		}
	}
	for _, w := range want {
		if !strings.Contains(text, strings.Join(strings.Fields(w), " ")) {
			t.Errorf("pdftotext output lacks %q", w)
		}
	}
	if n := bytes.Count(b, []byte("/Subtype /Image")); n == 0 {
		t.Error("guide.pdf embeds no keyframe images")
	}
	if !bytes.Contains(b, []byte("FontFile2")) {
		t.Error("guide.pdf embeds no TrueType font")
	}
}

// TestStoryboardShowsHangul renders the storyboard and checks that the
// first caption line is drawn with real Hangul glyphs: the pixels where it
// sits equal a NanumGothic rendering of the text, carry ink, and differ
// from what a font without Hangul (boxes) would draw.
func TestStoryboardShowsHangul(t *testing.T) {
	t.Parallel()
	f := fixtures(t)[0]
	kf := writeKeyframes(t, f.a)
	b, err := StoryboardPNG(f.a, f.r, kf, "", kmeme.RegisterCasual)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	cols := min(sbMaxCols, max(len(f.r.Shots), 3))
	if w := img.Bounds().Dx(); w != 2*sbMargin+cols*sbThumbW+(cols-1)*sbGap {
		t.Errorf("width %d", w)
	}
	line := strings.Split(f.r.Shots[0].Caption.Casual, "\n")[0]
	if line == "" {
		t.Fatal("first shot has no caption")
	}
	x, base := sbMargin, sbHeaderH+sbMargin+sbThumbH+24+22+24
	region := image.Rect(x, base-20, x+sbThumbW, base+6)

	fs, err := loadFaces("")
	if err != nil {
		t.Fatal(err)
	}
	withNanum := image.NewRGBA(img.Bounds())
	fill(withNanum, colBG)
	drawText(withNanum, fs.body, colInk, x, base, line)
	goFont, err := loadFontBytes(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	goFace, _ := newFace(goFont, 17)
	withBoxes := image.NewRGBA(img.Bounds())
	fill(withBoxes, colBG)
	drawText(withBoxes, goFace, colInk, x, base, line)

	ink, diffNanum, diffBoxes := 0, 0, 0
	for y := region.Min.Y; y < region.Max.Y; y++ {
		for xx := region.Min.X; xx < region.Max.X; xx++ {
			got := color.RGBAModel.Convert(img.At(xx, y))
			if got != color.RGBAModel.Convert(colBG) {
				ink++
			}
			if got != withNanum.At(xx, y) {
				diffNanum++
			}
			if got != withBoxes.At(xx, y) {
				diffBoxes++
			}
		}
	}
	if ink < 100 {
		t.Errorf("caption region has %d inked pixels; Hangul not drawn", ink)
	}
	if diffNanum != 0 {
		t.Errorf("caption region differs from a NanumGothic rendering in %d pixels", diffNanum)
	}
	if diffBoxes < 50 {
		t.Errorf("caption region looks like .notdef boxes (%d differing pixels)", diffBoxes)
	}
}

func fill(m *image.RGBA, c color.RGBA) {
	for i := 0; i < len(m.Pix); i += 4 {
		m.Pix[i], m.Pix[i+1], m.Pix[i+2], m.Pix[i+3] = c.R, c.G, c.B, c.A
	}
}

func TestFontWithoutHangulIsRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, fontRegular), goregular.TTF, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := loadFaces(dir)
	if kmeme.ErrorCode(err) != kmeme.EUNAVAILABLE {
		t.Fatalf("err = %v, want EUNAVAILABLE", err)
	}
}

func TestWriteAll(t *testing.T) {
	t.Parallel()
	f := fixtures(t)[1]
	dir := filepath.Join(t.TempDir(), "out")
	var seen []string
	paths, err := WriteAllWith(context.Background(), dir, f.a, f.r, Options{Progress: func(s string, _ float64) { seen = append(seen, s) }})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{FileAnalysis, FileRecipe, FileMarkdown, FileSRT, FileSRTCasual, FileSRTPolite, FileASS, FileASSWide, FileOTIO, FileFCPXML, FileXMEML, FileEDL, FileStoryboard, FileGuide}
	if len(paths) != len(want) {
		t.Fatalf("wrote %v", paths)
	}
	for i, p := range paths {
		st, err := os.Stat(p)
		if err != nil || filepath.Base(p) != want[i] || st.Size() == 0 {
			t.Errorf("file %s: %v", p, err)
		}
	}
	if len(seen) != len(want)+1 || seen[len(seen)-1] != "done" {
		t.Errorf("progress %v", seen)
	}
	var back kmeme.Recipe
	rb, _ := os.ReadFile(filepath.Join(dir, FileRecipe))
	if err := json.Unmarshal(rb, &back); err != nil || recipe.Validate(&back, f.a) != nil {
		t.Errorf("recipe.json does not round-trip: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(want) {
		t.Errorf("directory holds %d entries (temporary files left?)", len(entries))
	}
}

func TestWriteAllBadInput(t *testing.T) {
	t.Parallel()
	f := fixtures(t)[0]
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := WriteAll(context.Background(), filepath.Join(file, "out"), f.a, f.r, "")
	if err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("unwritable dir: err = %v, want a one-line error", err)
	}
	if _, err := WriteAll(context.Background(), t.TempDir(), f.a, &kmeme.Recipe{}, ""); kmeme.ErrorCode(err) != kmeme.EINVALID {
		t.Errorf("empty recipe: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := WriteAll(ctx, t.TempDir(), f.a, f.r, ""); err == nil {
		t.Error("cancelled context: no error")
	}
}

func TestTimebase(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		fps      float64
		num, den int64
		fcp      string // 45 frames
	}{
		{30, 30, 1, "45/30s"}, {29.97, 30000, 1001, "45045/30000s"}, {23.976, 24000, 1001, "45045/24000s"},
		{25, 25, 1, "45/25s"}, {0, 30, 1, "45/30s"}, {59.94, 60000, 1001, "45045/60000s"},
	} {
		a := &kmeme.Analysis{Video: &kmeme.VideoInfo{FPS: c.fps}}
		tb := timebaseOf(a)
		if tb.Num != c.num || tb.Den != c.den {
			t.Errorf("fps %v: %d/%d", c.fps, tb.Num, tb.Den)
		}
		if got := tb.fcp(45); got != c.fcp {
			t.Errorf("fps %v: 45 frames = %s, want %s", c.fps, got, c.fcp)
		}
	}
	if got := (timebase{30, 1}).fcp(45); got != "45/30s" {
		t.Errorf("fcp(45) at 30 fps = %s, want 45/30s", got)
	}
	if got := (timebase{30, 1}).fcp(60); got != "2s" {
		t.Errorf("fcp(60) at 30 fps = %s", got)
	}
}

// TestWriteAllAudioOnly: no video stream, no shots, no keyframes — every
// file is still written and the timelines fall back to a 1080×1920 30 fps grid.
func TestWriteAllAudioOnly(t *testing.T) {
	t.Parallel()
	a := recipetest.Music(5, 9, 100, 3)
	a.Video, a.Shots, a.Cuts = nil, nil, nil
	r, err := recipe.NewLocal().Plan(context.Background(), recipe.PlanInput{Analysis: a})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := WriteAll(context.Background(), dir, a, r, ""); err != nil {
		t.Fatal(err)
	}
	x, _ := os.ReadFile(filepath.Join(dir, FileFCPXML))
	if !bytes.Contains(x, []byte(`frameDuration="1/30s" width="1080" height="1920"`)) || !bytes.Contains(x, []byte(`hasVideo="0"`)) {
		t.Errorf("audio-only fcpxml resources: %s", x[:400])
	}
	xmllint(t, x)
}
