package render

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"flag"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
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

func fixtures(t *testing.T) []fixture {
	t.Helper()
	music := recipetest.Music(42, 16, 128, 4)
	ntsc := recipetest.Speech(42, 12) // 29.97 fps
	var out []fixture
	for _, f := range []struct {
		name string
		a    *kmeme.Analysis
		p    kmeme.Platform
	}{{"music", music, kmeme.PlatformTikTok}, {"speech", ntsc, kmeme.PlatformShorts}} {
		r, err := recipe.NewLocal().Plan(context.Background(), recipe.PlanInput{Analysis: f.a, Platform: f.p})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fixture{f.name, f.a, r})
	}
	return out
}

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
		o, err := OTIO(f.a, f.r, "file:///media/source.mp4")
		if err != nil {
			t.Fatal(err)
		}
		golden(t, f.name+".otio", o)
		x, err := FCPXML(f.a, f.r, "file:///media/source.mp4")
		if err != nil {
			t.Fatal(err)
		}
		golden(t, f.name+".fcpxml", x)
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

// TestOTIOStructure checks timeline.otio against OpenTimelineIO's
// documented serialization (docs/tutorials/otio-serialized-schema.md and
// the sample files in its repository): schema names and versions, integer
// frame values at the source rate, one clip per shot, markers on beats.
func TestOTIOStructure(t *testing.T) {
	t.Parallel()
	for _, f := range fixtures(t) {
		b, err := OTIO(f.a, f.r, "")
		if err != nil {
			t.Fatal(err)
		}
		var tl map[string]any
		if err := json.Unmarshal(b, &tl); err != nil {
			t.Fatalf("otio is not JSON: %v", err)
		}
		tb := timebaseOf(f.a)
		var walk func(v any)
		schemas := map[string]int{}
		walk = func(v any) {
			switch x := v.(type) {
			case map[string]any:
				if s, ok := x["OTIO_SCHEMA"].(string); ok {
					schemas[s]++
					if s == "RationalTime.1" {
						val, rate := x["value"].(float64), x["rate"].(float64)
						if val != math.Trunc(val) || val < 0 {
							t.Errorf("RationalTime value %v is not a whole frame", val)
						}
						if math.Abs(rate-tb.rate()) > 1e-9 {
							t.Errorf("rate %v, want %v", rate, tb.rate())
						}
					}
				}
				for _, c := range x {
					walk(c)
				}
			case []any:
				for _, c := range x {
					walk(c)
				}
			}
		}
		walk(tl)
		if tl["OTIO_SCHEMA"] != "Timeline.1" || schemas["Stack.1"] != 1 || schemas["Track.1"] != 1 {
			t.Errorf("%s: top-level schemas %v", f.name, schemas)
		}
		if schemas["Clip.2"] != len(f.r.Shots) {
			t.Errorf("%s: %d clips for %d shots", f.name, schemas["Clip.2"], len(f.r.Shots))
		}
		if schemas["MissingReference.1"] != len(f.r.Shots) {
			t.Errorf("%s: without a source URL clips need MissingReference.1: %v", f.name, schemas)
		}
		track := tl["tracks"].(map[string]any)["children"].([]any)[0].(map[string]any)
		if track["kind"] != "Video" {
			t.Errorf("track kind %v", track["kind"])
		}
		// Clips are contiguous and add up to the plan.
		var sum float64
		for i, c := range track["children"].([]any) {
			sr := c.(map[string]any)["source_range"].(map[string]any)
			st := sr["start_time"].(map[string]any)["value"].(float64)
			if st != sum {
				t.Errorf("%s: clip %d starts at frame %v, previous ended at %v", f.name, i+1, st, sum)
			}
			sum += sr["duration"].(map[string]any)["value"].(float64)
			if c.(map[string]any)["active_media_reference_key"] != "DEFAULT_MEDIA" {
				t.Errorf("clip %d lacks active_media_reference_key", i+1)
			}
		}
		if want := float64(tb.frames(f.a.DurationS)); sum != want {
			t.Errorf("%s: clips last %v frames, source %v", f.name, sum, want)
		}
		markers := track["markers"].([]any)
		if len(markers) != len(beatMarks(f.a)) || schemas["Marker.3"] != len(markers) {
			t.Errorf("%s: %d markers for %d beats", f.name, len(markers), len(beatMarks(f.a)))
		}
		downs := 0
		for _, m := range markers {
			mm := m.(map[string]any)
			if mm["color"].(map[string]any)["name"] == "RED" {
				downs++
				if !strings.HasPrefix(mm["name"].(string), "bar ") {
					t.Errorf("downbeat marker named %v", mm["name"])
				}
			}
		}
		if f.a.HasTempo() && downs != len(f.a.Downbeats) {
			t.Errorf("%s: %d downbeat markers, analysis has %d downbeats", f.name, downs, len(f.a.Downbeats))
		}
	}
}

type xmlFCP struct {
	Version   string `xml:"version,attr"`
	Resources struct {
		Format struct {
			FrameDuration string `xml:"frameDuration,attr"`
		} `xml:"format"`
		Asset struct {
			Duration string `xml:"duration,attr"`
			MediaRep struct {
				Src string `xml:"src,attr"`
			} `xml:"media-rep"`
		} `xml:"asset"`
	} `xml:"resources"`
	Sequence struct {
		Duration string `xml:"duration,attr"`
		Clips    []struct {
			Offset   string `xml:"offset,attr"`
			Start    string `xml:"start,attr"`
			Duration string `xml:"duration,attr"`
			Markers  []struct {
				Start string `xml:"start,attr"`
				Value string `xml:"value,attr"`
			} `xml:"marker"`
		} `xml:"spine>asset-clip"`
	} `xml:"library>event>project>sequence"`
}

// parseFCPTime reads "n/ds" or "ns" into numerator/denominator.
func parseFCPTime(t *testing.T, s string) (int64, int64) {
	t.Helper()
	m := regexp.MustCompile(`^(\d+)(?:/(\d+))?s$`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("time %q is not a rational FCPXML time", s)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	d := int64(1)
	if m[2] != "" {
		d, _ = strconv.ParseInt(m[2], 10, 64)
	}
	return n, d
}

// TestFCPXMLStructure checks timeline.fcpxml against Apple's documented
// structure (fcpxml › resources › format/asset › media-rep; library ›
// event › project › sequence › spine › asset-clip › marker), rational
// times on the frame grid, and well-formedness with xmllint.
func TestFCPXMLStructure(t *testing.T) {
	t.Parallel()
	for _, f := range fixtures(t) {
		b, err := FCPXML(f.a, f.r, "file:///media/a%20b.mp4")
		if err != nil {
			t.Fatal(err)
		}
		var doc xmlFCP
		if err := xml.Unmarshal(b, &doc); err != nil {
			t.Fatalf("fcpxml: %v", err)
		}
		if doc.Version != FCPXMLVersion {
			t.Errorf("version %q", doc.Version)
		}
		fdN, fdD := parseFCPTime(t, doc.Resources.Format.FrameDuration)
		tb := timebaseOf(f.a)
		if fdN != tb.Den || fdD != tb.Num {
			t.Errorf("frameDuration %s for %v fps", doc.Resources.Format.FrameDuration, tb.rate())
		}
		// onGrid returns the frame number of an FCPXML time, failing when
		// it is not a whole number of frames.
		onGrid := func(s string) int64 {
			n, d := parseFCPTime(t, s)
			// frames = (n/d) / (fdN/fdD) = n*fdD / (d*fdN)
			if (n*fdD)%(d*fdN) != 0 {
				t.Errorf("time %s is off the %s frame grid", s, doc.Resources.Format.FrameDuration)
			}
			return n * fdD / (d * fdN)
		}
		if len(doc.Sequence.Clips) != len(f.r.Shots) {
			t.Fatalf("%d asset-clips for %d shots", len(doc.Sequence.Clips), len(f.r.Shots))
		}
		next, markers := int64(0), 0
		for i, c := range doc.Sequence.Clips {
			off, st, du := onGrid(c.Offset), onGrid(c.Start), onGrid(c.Duration)
			if off != next || st != off || du <= 0 {
				t.Errorf("clip %d: offset %d start %d duration %d, want offset %d", i+1, off, st, du, next)
			}
			for _, m := range c.Markers {
				mf := onGrid(m.Start)
				if mf < st || mf >= st+du {
					t.Errorf("clip %d: marker %q at frame %d outside [%d,%d)", i+1, m.Value, mf, st, st+du)
				}
				markers++
			}
			next = off + du
		}
		if onGrid(doc.Sequence.Duration) != next {
			t.Errorf("sequence duration %s, clips end at frame %d", doc.Sequence.Duration, next)
		}
		if f.a.HasTempo() && markers != len(beatMarks(f.a)) {
			t.Errorf("%d markers, %d beats", markers, len(beatMarks(f.a)))
		}
		if doc.Resources.Asset.MediaRep.Src != "file:///media/a%20b.mp4" {
			t.Errorf("media-rep src %q", doc.Resources.Asset.MediaRep.Src)
		}
		xmllint(t, b)
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
	want := []string{FileAnalysis, FileRecipe, FileMarkdown, FileSRT, FileOTIO, FileFCPXML, FileStoryboard, FileGuide}
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
