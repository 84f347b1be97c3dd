package render

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/image/draw"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/media"
)

// makeSource writes a small source video for a: a test pattern with a
// click on every beat of the analysis (so audio sync can be measured).
func makeSource(t testing.TB, a *kmeme.Analysis) string {
	t.Helper()
	// The synthetic beats are evenly spaced: one periodic expression
	// (a sum per beat overflows ffmpeg's expression parser on long clips).
	expr := "0"
	if n := len(a.Beats); n > 1 {
		first, period := a.Beats[0], (a.Beats[n-1]-a.Beats[0])/float64(n-1)
		expr = fmt.Sprintf("0.7*gte(t\\,%.4f)*lt(mod(t-%.4f\\,%.6f)\\,0.03)*sin(2*PI*880*t)", first-0.0005, first, period)
	}
	p := filepath.Join(t.TempDir(), "source.mp4")
	out, err := exec.Command("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error",
		"-f", "lavfi", "-i", fmt.Sprintf("testsrc2=s=180x320:r=15:d=%.3f", a.DurationS),
		"-filter_complex", fmt.Sprintf("aevalsrc=exprs='%s':s=48000:d=%.3f[a]", expr, a.DurationS),
		"-map", "0:v", "-map", "[a]", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", "-y", p).CombinedOutput()
	if err != nil {
		t.Fatalf("make source: %v\n%s", err, out)
	}
	return p
}

type probeOut struct {
	Streams []struct {
		CodecType string `json:"codec_type"`
		CodecName string `json:"codec_name"`
		Width     int    `json:"width"`
		Height    int    `json:"height"`
		Duration  string `json:"duration"`
	} `json:"streams"`
}

func ffprobe(t testing.TB, p string) probeOut {
	t.Helper()
	b, err := exec.Command("ffprobe", "-v", "error", "-show_streams", "-of", "json", p).Output()
	if err != nil {
		t.Fatalf("ffprobe: %v", err)
	}
	var po probeOut
	if err := json.Unmarshal(b, &po); err != nil {
		t.Fatal(err)
	}
	return po
}

// frameAt extracts the frame at t seconds as an image.
func frameAt(t testing.TB, video string, at float64) image.Image {
	t.Helper()
	p := filepath.Join(t.TempDir(), fmt.Sprintf("f%.2f.png", at))
	if out, err := exec.Command("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-ss", fmt.Sprintf("%.3f", at),
		"-i", video, "-frames:v", "1", "-update", "1", "-y", p).CombinedOutput(); err != nil {
		t.Fatalf("extract frame: %v\n%s", err, out)
	}
	return readPNG(t, p)
}

// ocr reads Korean text from the rows y0–y1 of img (upscaled 3× for
// Tesseract) and returns what it read.
func ocr(t testing.TB, img image.Image, y0, y1, lines int) string {
	t.Helper()
	b := img.Bounds()
	// Inverted luma, upscaled 3× bilinearly: dark text on a light ground,
	// which Tesseract binarizes itself.
	src := image.NewGray(image.Rect(0, 0, b.Dx(), y1-y0))
	for y := 0; y < y1-y0; y++ {
		for x := 0; x < b.Dx(); x++ {
			r, g, bl, _ := img.At(b.Min.X+x, y0+y).RGBA()
			lum := (299*r + 587*g + 114*bl) / 1000 >> 8
			src.Pix[y*src.Stride+x] = 255 - uint8(lum)
		}
	}
	crop := image.NewGray(image.Rect(0, 0, b.Dx()*3, (y1-y0)*3))
	draw.BiLinear.Scale(crop, crop.Bounds(), src, src.Bounds(), draw.Src, nil)
	p := filepath.Join(t.TempDir(), "ocr.png")
	if os.Getenv("OCRDUMP") != "" {
		p = os.Getenv("OCRDUMP")
	}
	writePNG(t, p, crop)
	psm := "6" // a block of lines
	if lines == 1 {
		psm = "7" // one line
	}
	out, err := exec.Command("tesseract", p, "stdout", "-l", "kor", "--psm", psm).Output()
	if err != nil {
		t.Fatalf("tesseract: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// similarity is 1 − edit distance / length over letters and digits only.
func similarity(a, b string) float64 {
	norm := func(s string) []rune {
		var out []rune
		for _, r := range s {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				out = append(out, r)
			}
		}
		return out
	}
	x, y := norm(a), norm(b)
	if len(x) == 0 && len(y) == 0 {
		return 1
	}
	prev := make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur := make([]int, len(y)+1)
		cur[0] = i
		for j := 1; j <= len(y); j++ {
			c := 1
			if x[i-1] == y[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev = cur
	}
	return 1 - float64(prev[len(y)])/float64(max(len(x), len(y)))
}

// TestPreviewReadBack renders preview.mp4 for the music fixture over a
// source with a click on every beat and reads it back: H.264/AAC 540×960,
// audio as long as the video, the source's clicks heard at count-in + beat
// (within 25 ms) and the beat dot lit on the same frames; the overtitle
// and caption of three shots read back by Tesseract (Korean) match the
// recipe, and every burned yellow or white pixel lies inside the safe zone.
func TestPreviewReadBack(t *testing.T) {
	t.Parallel()
	f := fixtures(t)[0]
	src := makeSource(t, f.a)
	kf := writeKeyframesDir(t, f.a)
	os.Remove(filepath.Join(kf, f.r.Shots[len(f.r.Shots)-1].SourceKeyframe)) // the last shot gets a placeholder card
	out := filepath.Join(t.TempDir(), FilePreview)
	var prog []float64
	info, err := Preview(context.Background(), out, f.a, f.r, PreviewOptions{
		KeyframeDir: kf, SourcePath: src, Register: kmeme.RegisterPolite, Progress: func(x float64) { prog = append(prog, x) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(prog) < 5 || prog[len(prog)-1] != 1 {
		t.Errorf("progress %v", prog)
	}
	if info.Silent || info.CountInS < 1.8 || info.CountInS > 1.9 { // one 4/4 bar at 128 BPM = 1.875 s
		t.Errorf("info %+v", info)
	}
	po := ffprobe(t, out)
	var vdur, adur float64
	for _, s := range po.Streams {
		d, _ := strconv.ParseFloat(s.Duration, 64)
		switch s.CodecType {
		case "video":
			vdur = d
			if s.CodecName != "h264" || s.Width != 540 || s.Height != 960 {
				t.Errorf("video stream %+v", s)
			}
		case "audio":
			adur = d
			if s.CodecName != "aac" {
				t.Errorf("audio codec %s", s.CodecName)
			}
		}
	}
	if math.Abs(vdur-info.DurationS) > 1.0/15+1e-3 || math.Abs(adur-vdur) > 0.05 {
		t.Errorf("video %.3f s, audio %.3f s, planned %.3f s", vdur, adur, info.DurationS)
	}

	// Audio sync: the lag that best lines the clicks up with the beats.
	pi, err := media.Tools{}.Probe(context.Background(), out, media.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	const sr = 8000
	pcm, err := media.DecodeAudio(context.Background(), pi, media.Limits{}, sr)
	if err != nil {
		t.Fatal(err)
	}
	bestLag, bestE := 0, -1.0
	for lagMs := -60; lagMs <= 60; lagMs++ {
		e := 0.0
		for _, p := range info.Pulses {
			i0 := int((p + float64(lagMs)/1000) * sr)
			for i := max(0, i0); i < min(len(pcm), i0+sr*20/1000); i++ {
				e += float64(pcm[i] * pcm[i])
			}
		}
		if e > bestE {
			bestLag, bestE = lagMs, e
		}
	}
	if bestLag < -25 || bestLag > 25 {
		t.Errorf("clicks heard %d ms off the planned beats", bestLag)
	}

	// Video sync: the beat dot row is lit on the frame of each beat and
	// dark half a beat later.
	z := safeZoneFor(1080, 1920)
	sc := 0.5
	dotsY := int(float64(layoutOf(cueOvertitle, z, 1, 0).y1+pvSlotGap+2*34+pvDotLitR+12) * sc)
	litAt := func(img image.Image) int {
		n := 0
		for y := dotsY - 9; y <= dotsY+9; y++ {
			for x := 0; x < 540; x++ {
				r, g, b, _ := img.At(x, y).RGBA()
				if r>>8 > 200 && (g>>8 > 200 && b>>8 > 200 || g>>8 < 120) {
					n++
				}
			}
		}
		return n
	}
	for _, p := range info.Pulses[2:5] {
		on := litAt(frameAt(t, out, math.Ceil(p*15)/15+0.01))
		off := litAt(frameAt(t, out, p+0.25))
		if on < 100 || off > on/4 {
			t.Errorf("beat at %.3f s: %d lit pixels on the beat, %d a half beat later", p, on, off)
		}
	}

	// Text read back.
	for _, i := range []int{0, 4, len(f.r.Shots) - 1} {
		s := f.r.Shots[i]
		at := info.CountInS + (s.Start+s.End)/2
		img := frameAt(t, out, at)
		ov := overtitleOf(s, kmeme.RegisterPolite)
		cap := s.Caption.Polite
		ovL := layoutOf(cueOvertitle, z, 1, textUnits(ov))
		capL := layoutOf(cueCaption, z, strings.Count(cap, "\n")+1, textUnits(cap))
		gotOv := ocr(t, img, int(float64(ovL.y0)*sc)-6, int(float64(ovL.y1)*sc)+6, 1)
		gotCap := ocr(t, img, int(float64(capL.y0)*sc)-6, int(float64(capL.y1)*sc)+6, strings.Count(cap, "\n")+1)
		t.Logf("shot %d: overtitle %q read %q (%.2f), caption %q read %q (%.2f)", s.N, ov, gotOv, similarity(gotOv, ov), cap, gotCap, similarity(gotCap, cap))
		if sim := similarity(gotOv, ov); sim < 0.6 {
			t.Errorf("shot %d overtitle read %q, recipe %q (similarity %.2f)", s.N, gotOv, ov, sim)
		}
		if sim := similarity(gotCap, cap); sim < 0.6 {
			t.Errorf("shot %d caption read %q, recipe %q (similarity %.2f)", s.N, gotCap, cap, sim)
		}
		zs := safeZoneFor(540, 960)
		outside := 0
		for y := 0; y < 960; y++ {
			for x := 0; x < 540; x++ {
				r, g, b, _ := img.At(x, y).RGBA()
				bright := r>>8 > 200 && g>>8 > 170 && (b>>8 < 90 || b>>8 > 200)
				if bright && !zs.Contains(x, y, x+1, y+1) {
					outside++
				}
			}
		}
		if outside > 0 {
			t.Errorf("shot %d: %d text pixels outside the safe zone", s.N, outside)
		}
	}
}

// TestPreviewSilent: a source without sound gives a preview with an AAC
// track of the count-in clicks only, the same length as the video, and the
// silence said on screen; a 16:9 recipe gets a 960×540 preview laid out
// in the landscape safe zone.
func TestPreviewSilent(t *testing.T) {
	t.Parallel()
	f := fixtures(t)[1]
	r := *f.r
	r.Concept.Aspect = "16:9"
	out := filepath.Join(t.TempDir(), FilePreview)
	info, err := Preview(context.Background(), out, f.a, &r, PreviewOptions{Register: kmeme.RegisterCasual})
	if err != nil {
		t.Fatal(err)
	}
	if !info.Silent || math.Abs(info.CountInS-1.8) > 1e-9 || info.Width != 960 || info.Height != 540 {
		t.Errorf("info %+v", info)
	}
	po := ffprobe(t, out)
	if len(po.Streams) != 2 || po.Streams[0].Width != 960 || po.Streams[0].Height != 540 {
		t.Fatalf("streams %+v", po.Streams)
	}
	z := safeZoneFor(1920, 1080)
	img := frameAt(t, out, info.CountInS+1)
	y := z.Bottom - int(float64(z.Bottom-z.Top)*0.22)
	got := ocr(t, img, y/2-22, y/2+4, 1)
	if sim := similarity(got, "원본에 소리가 없어 무음 미리보기예요"); sim < 0.6 {
		t.Errorf("silence note read %q (similarity %.2f)", got, sim)
	}
	s := f.r.Shots[1]
	img = frameAt(t, out, info.CountInS+(s.Start+s.End)/2)
	capL := layoutOf(cueCaption, z, strings.Count(s.Caption.Casual, "\n")+1, textUnits(s.Caption.Casual))
	if got := ocr(t, img, capL.y0/2-6, capL.y1/2+6, strings.Count(s.Caption.Casual, "\n")+1); similarity(got, s.Caption.Casual) < 0.6 {
		t.Errorf("16:9 caption read %q, recipe %q", got, s.Caption.Casual)
	}
}

func TestPreviewBadInput(t *testing.T) {
	t.Parallel()
	f := fixtures(t)[0]
	dir := t.TempDir()
	if _, err := Preview(context.Background(), filepath.Join(dir, "p.mp4"), f.a, &kmeme.Recipe{}, PreviewOptions{}); kmeme.ErrorCode(err) != kmeme.EINVALID {
		t.Errorf("empty recipe: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Preview(ctx, filepath.Join(dir, "p.mp4"), f.a, f.r, PreviewOptions{}); err == nil {
		t.Error("cancelled: no error")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left behind %d entries", len(entries))
	}
}

func writePNG(t testing.TB, p string, m image.Image) {
	t.Helper()
	fh, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	if err := png.Encode(fh, m); err != nil {
		t.Fatal(err)
	}
}

// TestWriteAllPreviewAndBundle: with Preview and Bundle, WriteAllWith
// ends with preview.mp4 and kmeme-bundle.zip; the ZIP holds the README,
// every file in its editor's folder byte for byte, and the keyframes.
func TestWriteAllPreviewAndBundle(t *testing.T) {
	t.Parallel()
	f := fixtures(t)[1]
	kf := writeKeyframesDir(t, f.a)
	// One keyframe under its published name (kmeme remix writes those).
	if err := os.Rename(filepath.Join(kf, f.a.Shots[0].Keyframe), filepath.Join(kf, "keyframe-001.jpg")); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "out")
	var stages []string
	var fracs []float64
	paths, err := WriteAllWith(context.Background(), dir, f.a, f.r, Options{KeyframeDir: kf, Preview: true, Bundle: true,
		Register: kmeme.RegisterPolite, Progress: func(s string, x float64) { stages = append(stages, s); fracs = append(fracs, x) }})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(paths); n < 3 || filepath.Base(paths[n-2]) != FilePreview || filepath.Base(paths[n-1]) != FileBundle {
		t.Fatalf("paths %v", paths)
	}
	for i := 1; i < len(fracs); i++ {
		if fracs[i] < fracs[i-1] {
			t.Errorf("progress went back: %v", fracs)
			break
		}
	}
	if !slices.Contains(stages, FilePreview) || stages[len(stages)-1] != "done" {
		t.Errorf("stages %v", stages)
	}
	zr, err := zip.OpenReader(paths[len(paths)-1])
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	entries := map[string][]byte{}
	for _, e := range zr.File {
		rc, err := e.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", e.Name, err)
		}
		entries[e.Name] = b
	}
	for file, path := range BundlePaths() {
		want, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(entries[path], want) {
			t.Errorf("bundle entry %s (%d bytes) differs from %s (%d bytes)", path, len(entries[path]), file, len(want))
		}
	}
	for i := range f.a.Shots {
		if len(entries[fmt.Sprintf("keyframes/keyframe-%03d.jpg", i+1)]) == 0 {
			t.Errorf("keyframe %d missing from the bundle", i+1)
		}
	}
	if readme := string(entries["README.txt"]); !strings.Contains(readme, "premiere/timeline.premiere.xml") || !strings.Contains(readme, "존댓말이 켜져 있고") {
		t.Errorf("README:\n%s", readme)
	}
	if want := len(BundlePaths()) + 1 + len(f.a.Shots); len(entries) != want {
		t.Errorf("%d entries, want %d", len(entries), want)
	}
	if err := WriteBundle(filepath.Join(t.TempDir(), "x.zip"), paths[:2], f.a, f.r, "", ""); kmeme.ErrorCode(err) != kmeme.EINVALID {
		t.Errorf("bundle without the guide: %v", err)
	}
}
