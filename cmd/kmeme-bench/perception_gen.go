package main

// The perception corpus: vertical clips cut from real photographs (people
// at known framings, photos without people), with burned-in Korean,
// English and mixed meme captions at known times, places and styles,
// espeak-ng Korean speech at known times, music beds, silence and clips
// without audio. The truth is what the generator put there; the faces in
// the photographs were recorded by hand in perception-photos.json.

import (
	"context"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"unicode"
)

//go:embed perception-photos.json
var photoTruthJSON []byte

// heldoutPhotoTruthJSON is our own held-out slice (kphotoalbum's demo
// album, python3-skimage's data images, facedetect's examples): measured
// with pgen -photo-set heldout, never tuned on.
//
//go:embed perception-photos-heldout.json
var heldoutPhotoTruthJSON []byte

type photoTruth struct {
	Photos []photoRecord `json:"photos"`
	// Stacks are top/bottom split screens of two photos (held-out set).
	Stacks []struct {
		Name   string `json:"name"`
		People int    `json:"people"`
		Parts  []struct {
			Photo string `json:"photo"`
			Crop  [4]int `json:"crop"`
		} `json:"parts"`
	} `json:"stacks"`
}

// photoRecord is one photograph's hand-recorded truth.
type photoRecord struct {
	Name    string `json:"name"`
	Package string `json:"package"`
	Path    string `json:"path"`
	Width   int    `json:"width"`
	Height  int    `json:"height"`
	People  int    `json:"people"`
	Faces   []struct {
		X, Y, W, H int
		Frontal    bool `json:"frontal"`
	} `json:"faces"`
	HeadTop int    `json:"head_top"`
	Waist   *int   `json:"waist"`
	Feet    *int   `json:"feet"`
	BodyX   []int  `json:"body_x"`
	Seen    string `json:"seen"`
	// Shots are the cuts made from the photo (held-out set; the tuning
	// set's crops are written in tuningSources).
	Shots []photoShot `json:"shots"`
}

// photoShot is one cut of a photo: a 9:16 crop, the whole photo
// letterboxed, or (neither) the photo cropped to fill the frame.
type photoShot struct {
	Name      string  `json:"name"`
	Crop      *[4]int `json:"crop"`
	Letterbox bool    `json:"letterbox"`
	People    int     `json:"people"`
	Framing   string  `json:"framing"` // empty: not scored
	Moves     bool    `json:"moves"`
	// Face, HeadTop and Waist name the person the framing is of when it
	// is not the one of the photo's first face.
	Face    int  `json:"face"`
	HeadTop *int `json:"head_top"`
	Waist   *int `json:"waist"`
}

// PTruth is one perception item's truth.
type PTruth struct {
	Name      string       `json:"name"`
	File      string       `json:"file"`
	Split     string       `json:"split"` // "tune", or "speed"
	DurationS float64      `json:"duration_s"`
	Width     int          `json:"width"`
	Height    int          `json:"height"`
	Shots     []PShot      `json:"shots"`
	Texts     []PText      `json:"texts"`
	Audio     string       `json:"audio"` // speech, speech+music, music, silence, none
	Speech    [][2]float64 `json:"speech"`
	Syllables int          `json:"syllables"`
}

// PShot is one shot as cut: who is in it and how the camera moves.
type PShot struct {
	Start   float64 `json:"start"`
	End     float64 `json:"end"`
	Source  string  `json:"source"`
	People  int     `json:"people"`
	Framing string  `json:"framing,omitempty"` // empty: not scored (a split screen)
	Camera  string  `json:"camera"`
}

// PText is one burned-in caption.
type PText struct {
	Text  string  `json:"text"`
	Start float64 `json:"start"`
	End   float64 `json:"end"`
	Style string  `json:"style"` // outline, card, plain, twoline
	Lang  string  `json:"lang"`
	Y     int     `json:"y"`
	Size  int     `json:"size"`
}

type pgenConfig struct {
	out, photoRoot, soundfont string
	// photoSet is "tuning" (perception-photos.json, the default) or
	// "heldout" (perception-photos-heldout.json)
	photoSet string
	items    int
	seed     int64
	speed    bool
}

// a shot source: a crop of a photo (source pixels) and its truth
type shotSource struct {
	name  string
	photo string
	crop  [4]int // x, y, w, h; w 0 = the whole photo, cropped to fill the frame
	// letterbox shows the whole photo at the frame's width, black above
	// and below (when crop is empty)
	letterbox bool
	people    int
	framing   string
	moves     bool         // the shot may get a camera move
	stack     []shotSource // a top/bottom split screen of two sources
}

var memeTexts = []struct{ text, lang string }{
	{"엄마한테 걸렸을 때", "ko"},
	{"퇴근 5분 전 내 표정", "ko"},
	{"이거 나만 웃겨?", "ko"},
	{"아무도 안 물어봤음", "ko"},
	{"월요일 아침 출근길", "ko"},
	{"시험 끝나고 집 가는 길", "ko"},
	{"Nobody:\nMe:", "en"},
	{"When the bass drops", "en"},
	{"Me after one coffee", "en"},
	{"Wait for it", "en"},
	{"POV: 월요일 아침", "mixed"},
	{"나 vs 내 친구 POV", "mixed"},
	{"MBTI 특 ㅋㅋ", "mixed"},
	{"오늘의 OOTD", "mixed"},
	{"친구가 카톡 읽씹할 때\n내 마음", "ko"},
	{"실화냐\n진짜 이게 된다고?", "ko"},
}

// photoTruthFor parses the hand-recorded truth of a photo set.
func photoTruthFor(set string) (photoTruth, error) {
	var pt photoTruth
	var b []byte
	switch set {
	case "", "tuning":
		b = photoTruthJSON
	case "heldout":
		b = heldoutPhotoTruthJSON
	default:
		return pt, fmt.Errorf("-photo-set %q: want tuning or heldout", set)
	}
	if err := json.Unmarshal(b, &pt); err != nil {
		return pt, fmt.Errorf("photo truth of set %s: %w", set, err)
	}
	return pt, nil
}

// tuningSources are the shots of the tuning set: the photos of
// perception-photos.json cut by hand, and MATE's nature backgrounds.
func tuningSources(photo map[string]string) (people, none []shotSource) {
	nature := "/usr/share/backgrounds/mate/nature/"
	for _, n := range []string{"Aqua", "Blinds", "Dune", "FreshFlower", "Garden", "GreenMeadow", "LadyBird", "RainDrops", "Storm", "TwoWings", "Wood", "YellowFlower"} {
		none = append(none, shotSource{name: "none-" + n, photo: nature + n + ".jpg", framing: "none", moves: true})
	}
	// crops from the recorded faces (perception-photos.json): a close-up
	// is about two face heights of frame, a bust shot head to chest, a
	// medium shot head to waist, a full shot the whole body
	people = []shotSource{
		{name: "grace-bust", photo: photo["grace"], crop: [4]int{98, 0, 338, 600}, people: 1, framing: "bust", moves: true},
		{name: "grace-close", photo: photo["grace"], crop: [4]int{152, 45, 230, 410}, people: 1, framing: "closeup"},
		{name: "messi-full", photo: photo["messi"], crop: [4]int{149, 0, 192, 342}, people: 1, framing: "full"},
		{name: "messi-medium", photo: photo["messi"], crop: [4]int{185, 50, 111, 197}, people: 1, framing: "medium"},
		{name: "duo", people: 2, stack: []shotSource{
			{photo: photo["grace"], crop: [4]int{0, 0, 512, 455}},
			{photo: photo["messi"], crop: [4]int{53, 0, 385, 342}},
		}},
	}
	return people, none
}

// heldoutSources are the shots of the held-out set as its truth file lists
// them: people shots (crops, letterboxes, split screens) and photos
// without people.
func heldoutSources(pt photoTruth, photo map[string]string) (people, none []shotSource) {
	for _, p := range pt.Photos {
		for _, s := range p.Shots {
			src := shotSource{name: s.Name, photo: photo[p.Name], letterbox: s.Letterbox, people: s.People, framing: s.Framing, moves: s.Moves}
			if s.Crop != nil {
				src.crop = *s.Crop
			}
			if s.Framing == "none" {
				none = append(none, src)
			} else {
				people = append(people, src)
			}
		}
	}
	for _, st := range pt.Stacks {
		src := shotSource{name: st.Name, people: st.People}
		for _, part := range st.Parts {
			src.stack = append(src.stack, shotSource{photo: photo[part.Photo], crop: part.Crop})
		}
		people = append(people, src)
	}
	return people, none
}

func pgenerate(ctx context.Context, cfg pgenConfig) error {
	pt, err := photoTruthFor(cfg.photoSet)
	if err != nil {
		return err
	}
	photo := map[string]string{}
	for _, p := range pt.Photos {
		path := filepath.Join(cfg.photoRoot, p.Path)
		if _, err := os.Stat(path); err != nil {
			return fmt.Errorf("photo %s (package %s) not under %s: run scripts/bench-perception.sh", p.Name, p.Package, cfg.photoRoot)
		}
		photo[p.Name] = path
	}
	var people, none []shotSource
	if cfg.photoSet == "heldout" {
		people, none = heldoutSources(pt, photo)
	} else {
		people, none = tuningSources(photo)
	}
	if len(people) == 0 || len(none) == 0 {
		return fmt.Errorf("photo set %s: %d people shots, %d shots without people", cfg.photoSet, len(people), len(none))
	}
	if err := os.MkdirAll(filepath.Join(cfg.out, "work"), 0o755); err != nil {
		return err
	}
	rng := rand.New(rand.NewSource(cfg.seed))
	var truths []PTruth
	audioKinds := []string{"speech", "speech+music", "music", "silence", "none", "speech"}
	cameras := []string{"static", "static", "pan", "zoom", "handheld"}
	type plan struct {
		name  string
		w, h  int
		dur   float64
		shots int
		split string
		audio string
		texts int
	}
	var plans []plan
	for i := 0; i < cfg.items; i++ {
		p := plan{name: fmt.Sprintf("p%02d", i), w: 720, h: 1280, dur: 8, shots: 4, split: "tune", audio: audioKinds[i%len(audioKinds)], texts: 2}
		if i%4 == 3 {
			p.texts = 0
		}
		plans = append(plans, p)
	}
	if cfg.speed {
		plans = append(plans,
			plan{name: "speed-720x1280-20s", w: 720, h: 1280, dur: 20, shots: 8, split: "speed", audio: "speech+music", texts: 4},
			plan{name: "speed-1080x1920-60s", w: 1080, h: 1920, dur: 60, shots: 20, split: "speed", audio: "music", texts: 8})
	}
	pi, ni := 0, 0
	for _, p := range plans {
		tr := PTruth{Name: p.name, File: p.name + ".mp4", Split: p.split, DurationS: p.dur, Width: p.w, Height: p.h, Audio: p.audio, Speech: [][2]float64{}, Texts: []PText{}}
		shotDur := p.dur / float64(p.shots)
		var srcs []shotSource
		for k := 0; k < p.shots; k++ {
			var s shotSource
			if k%2 == 0 {
				s = people[pi%len(people)]
				pi++
			} else {
				s = none[ni%len(none)]
				ni++
			}
			cam := "static"
			if s.stack == nil && s.moves {
				cam = cameras[rng.Intn(len(cameras))]
			}
			srcs = append(srcs, s)
			tr.Shots = append(tr.Shots, PShot{Start: round3(float64(k) * shotDur), End: round3(float64(k+1) * shotDur), Source: s.name, People: s.people, Framing: s.framing, Camera: cam})
		}
		// captions: spread over the item, not overlapping each other
		for k := 0; k < p.texts; k++ {
			mt := memeTexts[rng.Intn(len(memeTexts))]
			slot := p.dur / float64(p.texts)
			start := round3(float64(k)*slot + 0.3 + rng.Float64()*0.5)
			end := round3(math.Min(float64(k+1)*slot-0.2, start+1.5+rng.Float64()*2))
			style := []string{"outline", "outline", "card", "plain"}[rng.Intn(4)]
			if strings.Contains(mt.text, "\n") {
				style = "twoline"
			}
			size := (44 + rng.Intn(28)) * p.w / 720
			y := []int{200, 560, 880}[rng.Intn(3)] * p.h / 1280
			tr.Texts = append(tr.Texts, PText{Text: mt.text, Start: start, End: end, Style: style, Lang: mt.lang, Y: y, Size: size})
		}
		work := filepath.Join(cfg.out, "work")
		audio := ""
		if p.audio != "none" {
			pcm, spans, syl, err := pAudio(ctx, cfg, p.audio, p.dur, work, p.name, rng)
			if err != nil {
				return err
			}
			tr.Speech, tr.Syllables = spans, syl
			audio = filepath.Join(work, p.name+".f32")
			if err := writeF32(audio, pcm); err != nil {
				return err
			}
		}
		if err := pVideo(ctx, cfg, tr, srcs, audio, work); err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		fmt.Printf("generated %-22s %dx%d %4.0f s  %d shots  %d texts  audio %s\n", p.name, p.w, p.h, p.dur, len(tr.Shots), len(tr.Texts), p.audio)
		truths = append(truths, tr)
	}
	b, err := json.MarshalIndent(truths, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(cfg.out, "ptruth.json"), b, 0o644)
}

// pAudio makes the sound of one item and the truth of its speech.
func pAudio(ctx context.Context, cfg pgenConfig, kind string, dur float64, work, name string, rng *rand.Rand) ([]float64, [][2]float64, int, error) {
	n := int(dur * audioRate)
	pcm := make([]float64, n)
	spans := [][2]float64{}
	syl := 0
	if strings.Contains(kind, "music") {
		st := styles[rng.Intn(len(styles))]
		bpm := math.Round(st.minBPM + rng.Float64()*(st.maxBPM-st.minBPM))
		bars := int(math.Ceil(dur*bpm/60/float64(st.meter))) + 1
		s := compose(st, bpm, bars, rng)
		mid := filepath.Join(work, name+".mid")
		if err := s.writeMIDI(mid); err != nil {
			return nil, nil, 0, err
		}
		music, err := render(ctx, cfg.soundfont, mid, work)
		if err != nil {
			return nil, nil, 0, err
		}
		gain := 1.0
		if kind == "speech+music" {
			gain = math.Pow(10, -14.0/20) // a bed under the talk
		}
		for i := range pcm {
			if i < len(music) {
				pcm[i] = gain * music[i]
			}
		}
	}
	if strings.HasPrefix(kind, "speech") {
		pos := int((0.4 + 0.6*rng.Float64()) * audioRate)
		for k := 0; pos < n-audioRate; k++ {
			line := koreanLines[rng.Intn(len(koreanLines))]
			wav := filepath.Join(work, fmt.Sprintf("%s-%d.wav", name, k))
			cmd := exec.CommandContext(ctx, "espeak-ng", "-v", "ko", "-s", fmt.Sprint(150+rng.Intn(40)), "-w", wav, line)
			if b, err := cmd.CombinedOutput(); err != nil {
				return nil, nil, 0, fmt.Errorf("espeak-ng: %v: %s", err, b)
			}
			conv := exec.CommandContext(ctx, "ffmpeg", "-nostdin", "-loglevel", "error", "-i", wav, "-ac", "1", "-ar", fmt.Sprint(audioRate), "-f", "f32le", "pipe:1")
			b, err := conv.Output()
			if err != nil {
				return nil, nil, 0, fmt.Errorf("convert speech: %w", err)
			}
			os.Remove(wav)
			sp := make([]float64, len(b)/4)
			for i := range sp {
				sp[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:])))
			}
			// the spoken span: first to last sample over -40 dBFS
			a, z := -1, -1
			for i, v := range sp {
				if math.Abs(v) > 0.01 {
					if a < 0 {
						a = i
					}
					z = i
				}
			}
			if a < 0 {
				continue
			}
			if pos+(z-a) >= n {
				break
			}
			for i := a; i <= z; i++ {
				pcm[pos+i-a] += 0.8 * sp[i]
			}
			spans = append(spans, [2]float64{round3(float64(pos) / audioRate), round3(float64(pos+z-a) / audioRate)})
			for _, r := range line {
				if unicode.Is(unicode.Hangul, r) {
					syl++
				}
			}
			pos += z - a + int((0.6+1.0*rng.Float64())*audioRate)
		}
	}
	return pcm, spans, syl, nil
}

// pVideo renders the shots, the captions and the sound into one file.
func pVideo(ctx context.Context, cfg pgenConfig, tr PTruth, srcs []shotSource, audio, work string) error {
	W, H := tr.Width, tr.Height
	args := []string{"-nostdin", "-loglevel", "error", "-y"}
	var fc strings.Builder
	in := 0
	var labels []string
	for k, s := range srcs {
		d := tr.Shots[k].End - tr.Shots[k].Start
		cam := tr.Shots[k].Camera
		lbl := fmt.Sprintf("s%d", k)
		if s.stack != nil {
			for j, part := range s.stack {
				args = append(args, "-loop", "1", "-framerate", "30", "-t", fmt.Sprintf("%.3f", d), "-i", part.photo)
				fmt.Fprintf(&fc, "[%d:v]crop=%d:%d:%d:%d,scale=%d:%d,setsar=1[%s%d];", in, part.crop[2], part.crop[3], part.crop[0], part.crop[1], W, H/2, lbl, j)
				in++
			}
			fmt.Fprintf(&fc, "[%s0][%s1]vstack=inputs=2,format=yuv420p[%s];", lbl, lbl, lbl)
			labels = append(labels, lbl)
			continue
		}
		args = append(args, "-loop", "1", "-framerate", "30", "-t", fmt.Sprintf("%.3f", d), "-i", s.photo)
		// a photo without people fills the frame, centred
		crop := fmt.Sprintf("scale=%d:%d:force_original_aspect_ratio=increase,crop=%d:%d", W, H, W, H)
		switch {
		case s.crop[2] > 0:
			crop = fmt.Sprintf("crop=%d:%d:%d:%d,scale=%d:%d", s.crop[2], s.crop[3], s.crop[0], s.crop[1], W, H)
		case s.letterbox:
			crop = fmt.Sprintf("scale=%d:-2,pad=%d:%d:0:(oh-ih)/2:black", W, W, H)
		}
		// camera moves on a picture 20 % larger than the frame
		bw, bh := W*6/5/2*2, H*6/5/2*2
		switch cam {
		case "static":
			fmt.Fprintf(&fc, "[%d:v]%s,setsar=1,format=yuv420p[%s];", in, crop, lbl)
		case "pan":
			fmt.Fprintf(&fc, "[%d:v]%s,scale=%d:%d,crop=%d:%d:'(iw-ow)*t/%.3f':'(ih-oh)/2',setsar=1,format=yuv420p[%s];", in, crop, bw, bh, W, H, d, lbl)
		case "zoom":
			fmt.Fprintf(&fc, "[%d:v]%s,scale=w='trunc(%d*(1+0.15*t)/2)*2':h=-2:eval=frame,crop=%d:%d,setsar=1,format=yuv420p[%s];", in, crop, W, W, H, lbl)
		case "handheld":
			fmt.Fprintf(&fc, "[%d:v]%s,scale=%d:%d,crop=%d:%d:'(iw-ow)/2+%d*sin(2*PI*t*1.7)+%d*sin(2*PI*t*3.3)':'(ih-oh)/2+%d*sin(2*PI*t*2.3+1)',setsar=1,format=yuv420p[%s];",
				in, crop, bw, bh, W, H, W/60, W/90, W/60, lbl)
		}
		in++
		labels = append(labels, lbl)
	}
	for _, l := range labels {
		fmt.Fprintf(&fc, "[%s]", l)
	}
	fmt.Fprintf(&fc, "concat=n=%d:v=1:a=0[cat]", len(labels))
	last := "cat"
	for k, t := range tr.Texts {
		tf := filepath.Join(work, fmt.Sprintf("%s-text%d.txt", tr.Name, k))
		if err := os.WriteFile(tf, []byte(t.Text), 0o644); err != nil {
			return err
		}
		font := "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf"
		st := ""
		switch t.Style {
		case "outline", "twoline":
			st = fmt.Sprintf("fontcolor=white:borderw=%d:bordercolor=black", max(3, t.Size/12))
		case "card":
			st = fmt.Sprintf("fontcolor=black:box=1:boxcolor=white:boxborderw=%d", t.Size/3)
		case "plain":
			st = "fontcolor=white:shadowcolor=black@0.5:shadowx=2:shadowy=2"
		}
		fmt.Fprintf(&fc, ";[%s]drawtext=fontfile=%s:textfile=%s:fontsize=%d:line_spacing=%d:x=(w-tw)/2:y=%d:%s:enable='between(t,%.3f,%.3f)'[t%d]",
			last, font, tf, t.Size, t.Size/4, t.Y, st, t.Start, t.End, k)
		last = fmt.Sprintf("t%d", k)
	}
	if audio != "" {
		args = append(args, "-f", "f32le", "-ar", fmt.Sprint(audioRate), "-ac", "1", "-i", audio)
	}
	args = append(args, "-filter_complex", fc.String(), "-map", "["+last+"]")
	if audio != "" {
		args = append(args, "-map", fmt.Sprintf("%d:a", in), "-c:a", "aac", "-b:a", "128k")
	}
	args = append(args, "-t", fmt.Sprintf("%.3f", tr.DurationS), "-r", "30", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
		filepath.Join(cfg.out, tr.File))
	cmd := exec.CommandContext(ctx, "ffmpeg", args...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("ffmpeg: %v: %s", err, tail(string(b), 600))
	}
	return nil
}
