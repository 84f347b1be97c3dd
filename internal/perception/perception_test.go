package perception

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/media"
	"github.com/kmeme-factory/kmeme/internal/media/mediatest"
)

const (
	font      = "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf"
	gracePath = "/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg" // python-matplotlib-data
	noPeople  = "/usr/share/backgrounds/mate/nature/Dune.jpg"                 // mate-backgrounds
)

func need(t *testing.T, files ...string) {
	t.Helper()
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			t.Skipf("%s not installed (scripts/apt-packages.txt)", f)
		}
	}
}

// run decodes the file the way analysis does (one pass, sample frames to
// the session) and finishes with one shot over the whole file.
func run(t *testing.T, path string, opt Options) *kmeme.Perception {
	t.Helper()
	ctx := context.Background()
	info, err := media.Tools{}.Probe(ctx, path, media.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	s := Start(info, opt)
	if info.Video != nil {
		frames := 0
		if _, err := media.DecodeFramesWithSamples(ctx, info, media.Limits{}, media.FrameOptions{Gray: true}, s.SampleOptions(),
			func(media.Frame) error { frames++; return nil }, s.Push); err != nil {
			t.Fatal(err)
		}
		if frames == 0 {
			t.Fatal("no detection frames decoded beside the samples")
		}
	}
	pcm, err := media.DecodeAudio(ctx, info, media.Limits{}, 22050)
	if err != nil {
		t.Fatal(err)
	}
	shots := []kmeme.Shot{{Start: 0, End: info.DurationS, KeyframeT: info.DurationS / 2}}
	return s.Finish(ctx, Input{Path: path, DurationS: info.DurationS, Shots: shots, HasAudio: info.Audio != nil, PCM: pcm, Rate: 22050})
}

func notMeasured(p *kmeme.Perception, what string) string {
	var rs []string
	for _, n := range p.NotMeasured {
		if n.What == what {
			rs = append(rs, n.Reason)
		}
	}
	return strings.Join(rs, "; ")
}

// still makes a 3 s vertical clip of a picture with an optional drawtext
// filter and no audio.
func still(t *testing.T, name, picture, filter string) string {
	vf := "scale=540:960:force_original_aspect_ratio=increase,crop=540:960"
	if filter != "" {
		vf += "," + filter
	}
	return mediatest.FFmpeg(t, name, "-loop", "1", "-i", picture, "-vf", vf+",format=yuv420p", "-t", "3", "-r", "15",
		"-c:v", "libx264", "-preset", "ultrafast")
}

func drawtext(text, style string, y int, from, to float64) string {
	base := "drawtext=fontfile=" + font + ":text='" + text + "':fontsize=52:x=(w-tw)/2:y=" + itoa(y) +
		":enable='between(t," + ftoa(from) + "," + ftoa(to) + ")'"
	switch style {
	case "outline":
		return base + ":fontcolor=white:borderw=4:bordercolor=black"
	case "card":
		return base + ":fontcolor=black:box=1:boxcolor=white:boxborderw=18"
	}
	return base + ":fontcolor=white"
}

func itoa(i int) string     { return strconv.Itoa(i) }
func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

func TestTextOutlinedWhiteOverPhoto(t *testing.T) {
	need(t, font, noPeople)
	p := run(t, still(t, "outline.mp4", noPeople, drawtext("엄마한테 걸렸을 때", "outline", 640, 1, 2.5)), Options{})
	if len(p.Texts) != 1 {
		t.Fatalf("texts = %+v, want one; not measured: %v", p.Texts, p.NotMeasured)
	}
	tx := p.Texts[0]
	if Similarity(tx.Text, "엄마한테 걸렸을 때") < 0.8 {
		t.Errorf("text %q, want 엄마한테 걸렸을 때", tx.Text)
	}
	if tx.Start > 1.3 || tx.End < 2.0 || tx.Start < 0.5 || tx.End > 3 {
		t.Errorf("span %.2f–%.2f, want about 1–2.5", tx.Start, tx.End)
	}
	if tx.Lang != "ko" || tx.Where != kmeme.TextMiddle && tx.Where != kmeme.TextBottom {
		t.Errorf("lang %s position %s", tx.Lang, tx.Where)
	}
	if tx.Box.Y < 0.6 || tx.Box.Y > 0.75 {
		t.Errorf("box %+v, want y about 0.67", tx.Box)
	}
}

func TestTextDarkOnBrightCard(t *testing.T) {
	need(t, font)
	bright := mediatest.FFmpeg(t, "bright.png", "-f", "lavfi", "-i", "color=c=0xf4f0e0:s=540x960", "-frames:v", "1")
	p := run(t, still(t, "card.mp4", bright, drawtext("POV 월요일 아침", "card", 150, 0, 3)), Options{})
	if len(p.Texts) != 1 || Similarity(p.Texts[0].Text, "POV 월요일 아침") < 0.8 {
		t.Fatalf("texts = %+v, want POV 월요일 아침; not measured %v", p.Texts, p.NotMeasured)
	}
	if got := p.Texts[0]; got.Lang != "mixed" || got.Where != kmeme.TextTop {
		t.Errorf("lang %s where %s box %+v", got.Lang, got.Where, got.Box)
	}
}

func TestPlacementAndSafeZone(t *testing.T) {
	for _, c := range []struct {
		b     kmeme.Box
		where kmeme.TextPosition
		safe  bool
	}{
		{kmeme.Box{X: 0.2, Y: 0.3, W: 0.5, H: 0.05}, kmeme.TextTop, true},
		{kmeme.Box{X: 0.2, Y: 0.05, W: 0.5, H: 0.05}, kmeme.TextTop, false},     // under the top bar
		{kmeme.Box{X: 0.1, Y: 0.82, W: 0.6, H: 0.05}, kmeme.TextBottom, false},  // in the caption area
		{kmeme.Box{X: 0.5, Y: 0.45, W: 0.45, H: 0.05}, kmeme.TextMiddle, false}, // under the buttons
		{kmeme.Box{X: 0.1, Y: 0.6, W: 0.6, H: 0.1}, kmeme.TextMiddle, true},
	} {
		if w, s := placement(c.b); w != c.where || s != c.safe {
			t.Errorf("%+v: %s %v, want %s %v", c.b, w, s, c.where, c.safe)
		}
	}
	if language("POV 월요일") != "mixed" || language("엄마한테") != "ko" || language("Nobody: Me:") != "en" {
		t.Error("language")
	}
	for in, want := range map[string]string{
		"엄 마 한 테 걸렸을 때":     "엄마한테 걸렸을 때",
		"진 짜 . 이 게 [ 된다고 ?": "진짜이게 된다고?",
		"Nobody:":           "Nobody:",
	} {
		if got := joinSyllables(in); got != want {
			t.Errorf("joinSyllables(%q) = %q, want %q", in, got, want)
		}
	}
	if !strayJamo("시 ㅎ Ｌ ㄴ") || strayJamo("MBTI 특 ㅋㅋ") {
		t.Error("strayJamo")
	}
}

func TestNoTextOnPlainPhoto(t *testing.T) {
	need(t, noPeople)
	p := run(t, still(t, "plain.mp4", noPeople, ""), Options{})
	if len(p.Texts) != 0 {
		t.Errorf("texts = %+v on a photo without text", p.Texts)
	}
	if p.Engines["text"] == "" {
		t.Errorf("no text engine recorded: %v", p.Engines)
	}
}

func TestMissingTesseractLanguage(t *testing.T) {
	need(t, font, noPeople)
	empty := t.TempDir()
	p := run(t, still(t, "outline.mp4", noPeople, drawtext("엄마한테", "outline", 640, 0, 3)), Options{TessdataDir: empty})
	if len(p.Texts) != 0 {
		t.Errorf("texts = %+v without any language pack", p.Texts)
	}
	if r := notMeasured(p, "text"); !strings.Contains(r, "kor") {
		t.Errorf("not measured text = %q, want the missing kor pack named", r)
	}
	if p.Engines["faces"] == "" {
		t.Errorf("people should still be measured: %v", p.Engines)
	}
}

func TestMissingTesseract(t *testing.T) {
	need(t, noPeople)
	p := run(t, still(t, "plain.mp4", noPeople, ""), Options{Tesseract: "/nonexistent/tesseract"})
	if r := notMeasured(p, "text"); !strings.Contains(r, "not installed") {
		t.Errorf("not measured text = %q", r)
	}
	if len(p.Shots) != 1 {
		t.Errorf("shots = %d, want 1", len(p.Shots))
	}
}

func TestMissingCascades(t *testing.T) {
	need(t, noPeople)
	p := run(t, still(t, "plain.mp4", noPeople, ""), Options{CascadeDir: t.TempDir()})
	if r := notMeasured(p, "people"); !strings.Contains(r, "opencv-data") {
		t.Errorf("not measured people = %q", r)
	}
	if p.Shots[0].Framing != kmeme.FramingNone {
		t.Errorf("framing %s without detectors", p.Shots[0].Framing)
	}
}

func TestPeopleAndFraming(t *testing.T) {
	need(t, gracePath, noPeople)
	// the photo as it is is a bust shot; the face cropped tight a close-up
	bust := mediatest.FFmpeg(t, "bust.mp4", "-loop", "1", "-i", gracePath, "-vf", "crop=338:600:87:0,scale=540:960,format=yuv420p",
		"-t", "2", "-r", "15", "-c:v", "libx264", "-preset", "ultrafast")
	p := run(t, bust, Options{})
	s := p.Shots[0]
	if s.People != 1 || s.Faces != 1 || !s.FacingCamera || s.Framing != kmeme.FramingBust {
		t.Errorf("bust: %+v", s)
	}
	close := mediatest.FFmpeg(t, "close.mp4", "-loop", "1", "-i", gracePath, "-vf", "crop=240:427:147:35,scale=540:960,format=yuv420p",
		"-t", "2", "-r", "15", "-c:v", "libx264", "-preset", "ultrafast")
	if s := run(t, close, Options{}).Shots[0]; s.People != 1 || s.Framing != kmeme.FramingCloseUp {
		t.Errorf("close-up: %+v", s)
	}
	if s := run(t, still(t, "none.mp4", noPeople, ""), Options{}).Shots[0]; s.People != 0 || s.Framing != kmeme.FramingNone {
		t.Errorf("no people: %+v", s)
	}
}

func TestCameraPanAndStatic(t *testing.T) {
	need(t, noPeople)
	pan := mediatest.FFmpeg(t, "pan.mp4", "-loop", "1", "-i", noPeople, "-vf",
		"scale=-2:960,crop=540:960:'min(iw-540,t*120)':0,format=yuv420p", "-t", "3", "-r", "15", "-c:v", "libx264", "-preset", "ultrafast")
	if s := run(t, pan, Options{}).Shots[0]; s.Camera != kmeme.CameraPan {
		t.Errorf("pan clip: camera %s", s.Camera)
	}
	if s := run(t, still(t, "static.mp4", noPeople, ""), Options{}).Shots[0]; s.Camera != kmeme.CameraStatic {
		t.Errorf("static clip: camera %s", s.Camera)
	}
}

func TestSpeechSilenceAndNoAudio(t *testing.T) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng not installed")
	}
	wav := t.TempDir() + "/speech.wav"
	if b, err := exec.Command("espeak-ng", "-v", "ko", "-w", wav, "안녕하세요 여러분, 오늘은 엄마한테 걸렸을 때 이야기를 해 볼게요. 정말 웃겼어요.").CombinedOutput(); err != nil {
		t.Fatalf("espeak-ng: %v %s", err, b)
	}
	// 1 s silence, the speech, 1 s silence
	clip := mediatest.FFmpeg(t, "speech.m4a", "-i", wav, "-af", "adelay=1000,apad=pad_dur=1", "-c:a", "aac")
	p := run(t, clip, Options{})
	if p.Speech == nil {
		t.Fatalf("no speech info: %v", p.NotMeasured)
	}
	if p.Speech.SpeechS < 3 || p.Speech.Segments[0].Kind != kmeme.AudioSilence {
		t.Errorf("speech %.2f s, segments %+v", p.Speech.SpeechS, p.Speech.Segments)
	}
	if r := p.Speech.SyllablesPerS; r < 2 || r > 9 {
		t.Errorf("syllables per second %.2f", r)
	}
	if r := notMeasured(p, "transcript"); !strings.Contains(r, "offline") {
		t.Errorf("transcript not measured = %q", r)
	}
	need(t, noPeople)
	q := run(t, still(t, "mute.mp4", noPeople, ""), Options{})
	if q.Speech != nil || !strings.Contains(notMeasured(q, "speech"), "no audio") {
		t.Errorf("clip without audio: speech %+v, not measured %v", q.Speech, q.NotMeasured)
	}
}

// A caption set wide (large font, a single square syllable between two
// words) is one line, not three texts; a dark-on-card caption with Latin
// ascenders keeps its f's (the crop reaches past the x-height rows).
func TestTextWideLineAndAscendersOnCard(t *testing.T) {
	need(t, font, noPeople)
	filter := drawtext("이거 나만 웃겨?", "outline", 200, 0, 1.4) + "," + drawtext("Me after one coffee", "card", 640, 1.6, 3)
	p := run(t, still(t, "wide.mp4", noPeople, filter), Options{})
	var got []string
	for _, tx := range p.Texts {
		got = append(got, tx.Text)
	}
	if len(p.Texts) != 2 {
		t.Fatalf("texts = %q, want two; not measured %v", got, p.NotMeasured)
	}
	if Similarity(p.Texts[0].Text, "이거 나만 웃겨?") < 0.8 || p.Texts[0].End > 2 {
		t.Errorf("first text %q %.1f–%.1f, want 이거 나만 웃겨? until about 1.4", p.Texts[0].Text, p.Texts[0].Start, p.Texts[0].End)
	}
	if !strings.Contains(p.Texts[1].Text, "after") || !strings.Contains(p.Texts[1].Text, "coffee") {
		t.Errorf("second text %q, want Me after one coffee", p.Texts[1].Text)
	}
}

// Korean words the mixed Korean+English model reads as Latin letters
// ("읽씹할" as "West", "내" as "LH") come out in Hangul; the English words
// of a mixed caption stay English.
func TestTextRareSyllablesAndMixedCaption(t *testing.T) {
	need(t, font, noPeople)
	clip := still(t, "rare.mp4", noPeople, drawtext("친구가 카톡 읽씹할 때", "outline", 300, 0.5, 2.8)+","+drawtext("나 vs 내 친구 POV", "outline", 700, 0.5, 2.8))
	p := run(t, clip, Options{})
	want := map[string]bool{"친구가 카톡 읽씹할 때": false, "나 vs 내 친구 POV": false}
	for _, tx := range p.Texts {
		for w := range want {
			if Similarity(tx.Text, w) >= 0.8 {
				want[w] = true
			}
		}
	}
	for w, ok := range want {
		if !ok {
			t.Errorf("%q not read; texts %+v, not measured %v", w, p.Texts, p.NotMeasured)
		}
	}
}

// photo finds a Debian package's photo installed or unpacked under
// $KMEME_PHOTOS (scripts/test.sh unpacks messi5.jpg there, so the test runs
// in CI; scripts/bench-perception.sh unpacks the whole of opencv-doc).
func photo(t *testing.T, path string) string {
	t.Helper()
	for _, p := range []string{path, filepath.Join(os.Getenv("KMEME_PHOTOS"), path)} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skipf("%s not installed (opencv-doc; or set KMEME_PHOTOS to the unpacked packages)", path)
	return ""
}

// A split screen: the bust of one person above, a small, whole-body
// footballer below (his face 6 % of the frame, turned down). The large
// face must not hide the small one: two people. On the previous detector
// (6 neighbours in one pass) the small face was dropped: one person.
func TestPeopleSmallFaceBesideLargeOne(t *testing.T) {
	grace := photo(t, gracePath)
	messi := photo(t, "/usr/share/doc/opencv-doc/examples/data/messi5.jpg")
	duo := mediatest.FFmpeg(t, "duo.mp4", "-loop", "1", "-i", grace, "-loop", "1", "-i", messi, "-filter_complex",
		"[0:v]crop=512:455:0:0,scale=720:640,setsar=1[a];[1:v]crop=385:342:53:0,scale=720:640,setsar=1[b];[a][b]vstack=inputs=2,format=yuv420p",
		"-t", "2", "-r", "15", "-c:v", "libx264", "-preset", "ultrafast")
	if s := run(t, duo, Options{}).Shots[0]; s.People != 2 || s.Faces != 2 {
		t.Errorf("duo: %+v", s)
	}
	// the loose pass must not find faces in photos without people
	for _, n := range []string{"Blinds", "RainDrops", "TwoWings"} {
		if s := run(t, still(t, n+".mp4", "/usr/share/backgrounds/mate/nature/"+n+".jpg", ""), Options{}).Shots[0]; s.People != 0 {
			t.Errorf("%s: %+v", n, s)
		}
	}
}
