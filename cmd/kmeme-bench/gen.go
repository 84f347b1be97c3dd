package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// Truth is what an item was built to contain; the scorer compares against it.
type Truth struct {
	Name      string     `json:"name"`
	Split     string     `json:"split"` // "dev" (tuned on) or "test" (held out)
	File      string     `json:"file"`
	Audio     string     `json:"audio"` // music style, "speech", "silence", "noise"
	SNRdB     *float64   `json:"snr_db,omitempty"`
	DurationS float64    `json:"duration_s"`
	BPM       *float64   `json:"bpm"`
	Meter     int        `json:"meter,omitempty"`
	Beats     []float64  `json:"beats"`
	Downbeats []float64  `json:"downbeats"`
	Width     int        `json:"width"`
	Height    int        `json:"height"`
	FPS       float64    `json:"fps"`
	Cuts      []TruthCut `json:"cuts"`
	Flashes   []float64  `json:"flashes"`  // start of each flash
	Captions  []float64  `json:"captions"` // times a caption appears or disappears
}

// TruthCut is a constructed transition.
type TruthCut struct {
	T     float64 `json:"t"`
	Start float64 `json:"start"`
	End   float64 `json:"end"`
	Kind  string  `json:"kind"`
	// Via is what a fade passes through: "black" or "white".
	Via string `json:"via,omitempty"`
}

const audioRate = 44100

type genConfig struct {
	out, photos, soundfont string
	seed                   int64
	items                  int
	durS                   float64
	speedItem              bool
	// modules, when set, is a directory of tracker modules rendered into
	// the real-music splits.
	modules string
	// devModules, when set, is a directory of tracker modules from other
	// packages that all go to the "real-dev2" split: more music to tune on
	// without moving any file of modules between the first two real splits.
	devModules string
	// realDur is the excerpt of each module in seconds.
	realDur float64
	// audioOnly writes WAV items without pictures: a quick corpus for
	// tuning tempo and beats.
	audioOnly bool
}

var koreanLines = []string{
	"안녕하세요 오늘은 정말 좋은 날이에요",
	"이 영상은 꼭 끝까지 보세요",
	"여러분 이거 진짜 대박이에요",
	"오늘의 챌린지를 시작해 볼게요",
	"댓글로 여러분의 생각을 알려 주세요",
	"이건 제가 제일 좋아하는 장면이에요",
}

var captions = []string{"대박", "실화냐", "ㅋㅋㅋㅋ", "여기서 반전", "끝까지 보세요", "좋아요 눌러"}

func generate(ctx context.Context, cfg genConfig) error {
	if err := os.MkdirAll(cfg.out, 0o755); err != nil {
		return err
	}
	photos, err := findPhotos(cfg.photos)
	if err != nil {
		return err
	}
	if len(photos) < 4 {
		return fmt.Errorf("need at least 4 photos under %s, found %d (install mate-backgrounds)", cfg.photos, len(photos))
	}
	work := filepath.Join(cfg.out, "work")
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	var truths []Truth
	plan := planItems(cfg)
	for i, it := range plan {
		rng := rand.New(rand.NewSource(cfg.seed + int64(i)*7919))
		tr, err := makeItem(ctx, cfg, it, photos, work, rng)
		if err != nil {
			return fmt.Errorf("item %s: %w", it.name, err)
		}
		fmt.Fprintf(os.Stderr, "generated %-28s %-18s %4dx%-4d %2.0f fps  %d cuts\n", tr.Name, tr.Audio, tr.Width, tr.Height, tr.FPS, len(tr.Cuts))
		truths = append(truths, tr)
	}
	if cfg.modules != "" {
		real, err := realItems(ctx, cfg.modules, cfg.out, cfg.realDur, false)
		if err != nil {
			return err
		}
		truths = append(truths, real...)
	}
	if cfg.devModules != "" {
		real, err := realItems(ctx, cfg.devModules, cfg.out, cfg.realDur, true)
		if err != nil {
			return err
		}
		truths = append(truths, real...)
	}
	b, _ := json.MarshalIndent(truths, "", " ")
	return os.WriteFile(filepath.Join(cfg.out, "truth.json"), b, 0o644)
}

type itemPlan struct {
	name, audio string
	style       int
	snr         float64 // 0: clean
	fps         float64
	vertical    bool
	w, h        int
	dur         float64
	split       string
}

func planItems(cfg genConfig) []itemPlan {
	rng := rand.New(rand.NewSource(cfg.seed))
	fpss := []float64{24, 25, 30, 60}
	var out []itemPlan
	for i := 0; i < cfg.items; i++ {
		it := itemPlan{fps: fpss[i%4], vertical: i%3 != 2, dur: cfg.durS}
		// every third item is held out; tuning only ever looks at "dev"
		it.split = "dev"
		if i%3 == 2 {
			it.split = "test"
		}
		switch {
		case i%11 == 9:
			it.audio = "speech"
			if i%2 == 1 {
				it.snr = 15
			}
		case i%17 == 16:
			it.audio = "silence"
		case i%19 == 18:
			it.audio = "noise"
		case i%13 == 5:
			it.audio = "ambient"
		case i%13 == 11:
			it.audio = "free-rhythm"
		case i%23 == 20:
			it.audio = "talk-over-room" // speech over a room's hum and clatter
		default:
			it.style = rng.Intn(len(styles))
			it.audio = styles[it.style].name
			if i%4 == 3 {
				it.snr = []float64{20, 10, 5}[rng.Intn(3)]
			}
		}
		it.w, it.h = 540, 960
		if !it.vertical {
			it.w, it.h = 960, 540
		}
		it.name = fmt.Sprintf("%02d-%s-%s-%g", i, it.split, it.audio, it.fps)
		out = append(out, it)
	}
	if cfg.speedItem {
		out = append(out, itemPlan{name: "speed-1080x1920-60s", audio: "four-on-the-floor", style: 0, fps: 30, vertical: true,
			w: 1080, h: 1920, dur: 60, split: "speed"})
	}
	// talk the length of a short-form clip: two or three sentences in
	// 8 s, too short for the stretch-by-stretch pulse check (after the
	// speed file, so the items before keep their seeds)
	for k := 0; k < 4; k++ {
		it := itemPlan{audio: "speech", fps: fpss[k], vertical: true, w: 540, h: 960, dur: 8, split: []string{"dev", "test"}[k%2]}
		if k >= 2 {
			it.snr = 20
		}
		it.name = fmt.Sprintf("%02d-%s-%s-short-%g", cfg.items+k, it.split, it.audio, it.fps)
		out = append(out, it)
	}
	return out
}

func findPhotos(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		low := strings.ToLower(p)
		if !d.IsDir() && (strings.HasSuffix(low, ".jpg") || strings.HasSuffix(low, ".jpeg")) {
			if st, err := d.Info(); err == nil && st.Size() < 4<<20 {
				out = append(out, p)
			}
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

func makeItem(ctx context.Context, cfg genConfig, it itemPlan, photos []string, work string, rng *rand.Rand) (Truth, error) {
	tr := Truth{Name: it.name, Split: it.split, Audio: it.audio, DurationS: it.dur, FPS: it.fps, Width: it.w, Height: it.h,
		Beats: []float64{}, Downbeats: []float64{}, Cuts: []TruthCut{}, Flashes: []float64{}, Captions: []float64{}}
	if it.snr > 0 {
		s := it.snr
		tr.SNRdB = &s
	}
	n := int(it.dur * audioRate)
	pcm := make([]float64, n) // mono
	switch it.audio {
	case "speech":
		if err := speech(ctx, work, it.name, pcm, rng); err != nil {
			return tr, err
		}
	case "talk-over-room":
		if err := speech(ctx, work, it.name, pcm, rng); err != nil {
			return tr, err
		}
		for i := range pcm {
			pcm[i] += 0.01*math.Sin(2*math.Pi*60*float64(i)/audioRate) + 0.004*rng.NormFloat64()
		}
	case "ambient", "free-rhythm":
		s := unmetered(it.audio, it.dur, rng)
		mid := filepath.Join(work, it.name+".mid")
		if err := s.writeMIDI(mid); err != nil {
			return tr, err
		}
		music, err := render(ctx, cfg.soundfont, mid, work)
		if err != nil {
			return tr, err
		}
		copy(pcm, music)
	case "silence":
	case "noise":
		for i := range pcm {
			pcm[i] = 0.1 * rng.NormFloat64()
		}
	default:
		st := styles[it.style]
		bpm := math.Round((st.minBPM+rng.Float64()*(st.maxBPM-st.minBPM))*10) / 10
		lead := 0.1 + 0.6*rng.Float64()
		if rng.Intn(3) == 0 { // the music starts with the video
			lead = 0
		}
		bars := int(math.Ceil((it.dur-lead)*bpm/60/float64(st.meter))) + 1
		s := compose(st, bpm, bars, rng)
		mid := filepath.Join(work, it.name+".mid")
		if err := s.writeMIDI(mid); err != nil {
			return tr, err
		}
		music, err := render(ctx, cfg.soundfont, mid, work)
		if err != nil {
			return tr, err
		}
		off := int(lead * audioRate)
		for i := range pcm {
			if j := i - off; j >= 0 && j < len(music) {
				pcm[i] = music[j]
			}
		}
		tr.BPM = &bpm
		tr.Meter = st.meter
		for _, t := range s.beatTicks {
			if bt := lead + s.tickS(t); bt < it.dur-0.3 {
				tr.Beats = append(tr.Beats, round3(bt))
			}
		}
		for _, t := range s.downTicks {
			if bt := lead + s.tickS(t); bt < it.dur-0.3 {
				tr.Downbeats = append(tr.Downbeats, round3(bt))
			}
		}
	}
	if it.snr > 0 {
		addNoise(pcm, it.snr, rng)
	}
	if cfg.audioOnly {
		tr.File = it.name + ".wav"
		return tr, writeWAV(filepath.Join(cfg.out, tr.File), pcm)
	}
	raw := filepath.Join(work, it.name+".f32")
	if err := writeF32(raw, pcm); err != nil {
		return tr, err
	}
	tr.File = it.name + ".mp4"
	if err := video(ctx, cfg, it, &tr, photos, raw, rng); err != nil {
		return tr, err
	}
	return tr, nil
}

// render runs FluidSynth on a MIDI file and returns mono samples.
func render(ctx context.Context, sf, mid, work string) ([]float64, error) {
	raw := strings.TrimSuffix(mid, ".mid") + ".s16"
	cmd := exec.CommandContext(ctx, "fluidsynth", "-ni", "-q", "-g", "0.7", "-r", fmt.Sprint(audioRate), "-T", "raw", "-O", "s16", "-F", raw, sf, mid)
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("fluidsynth: %v: %s", err, b)
	}
	b, err := os.ReadFile(raw)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(b)/4)
	for i := range out {
		l := int16(binary.LittleEndian.Uint16(b[4*i:]))
		r := int16(binary.LittleEndian.Uint16(b[4*i+2:]))
		out[i] = (float64(l) + float64(r)) / 2 / 32768
	}
	os.Remove(raw)
	return out, nil
}

// speech fills pcm with Korean sentences from espeak-ng separated by pauses.
func speech(ctx context.Context, work, name string, pcm []float64, rng *rand.Rand) error {
	pos := int(0.3 * audioRate)
	for k := 0; pos < len(pcm); k++ {
		wav := filepath.Join(work, fmt.Sprintf("%s-%d.wav", name, k))
		line := koreanLines[rng.Intn(len(koreanLines))]
		cmd := exec.CommandContext(ctx, "espeak-ng", "-v", "ko", "-s", fmt.Sprint(140+rng.Intn(60)), "-w", wav, line)
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("espeak-ng: %v: %s", err, b)
		}
		conv := exec.CommandContext(ctx, "ffmpeg", "-nostdin", "-loglevel", "error", "-i", wav, "-ac", "1", "-ar", fmt.Sprint(audioRate), "-f", "f32le", "pipe:1")
		b, err := conv.Output()
		if err != nil {
			return fmt.Errorf("convert speech: %w", err)
		}
		os.Remove(wav)
		for i := 0; i+4 <= len(b) && pos < len(pcm); i += 4 {
			pcm[pos] = float64(math.Float32frombits(binary.LittleEndian.Uint32(b[i:])))
			pos++
		}
		pos += int((0.2 + 0.8*rng.Float64()) * audioRate)
	}
	return nil
}

func addNoise(pcm []float64, snr float64, rng *rand.Rand) {
	var p float64
	for _, x := range pcm {
		p += x * x
	}
	p /= float64(len(pcm))
	sd := math.Sqrt(p / math.Pow(10, snr/10))
	// pink-ish noise: white noise through a one-pole low-pass, rescaled
	var y, q float64
	noise := make([]float64, len(pcm))
	for i := range noise {
		y = 0.9*y + 0.1*rng.NormFloat64()
		noise[i] = y
		q += y * y
	}
	scale := sd / math.Sqrt(q/float64(len(noise)))
	for i := range pcm {
		pcm[i] += noise[i] * scale
	}
}

func writeF32(path string, pcm []float64) error {
	b := make([]byte, 4*len(pcm))
	for i, x := range pcm {
		x = math.Max(-1, math.Min(1, x))
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(float32(x)))
	}
	return os.WriteFile(path, b, 0o644)
}

// writeWAV writes mono 16-bit PCM at audioRate.
func writeWAV(path string, pcm []float64) error {
	var b bytes.Buffer
	n := 2 * len(pcm)
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(36+n))
	b.WriteString("WAVEfmt ")
	binary.Write(&b, binary.LittleEndian, []uint32{16})
	binary.Write(&b, binary.LittleEndian, []uint16{1, 1})
	binary.Write(&b, binary.LittleEndian, []uint32{audioRate, 2 * audioRate})
	binary.Write(&b, binary.LittleEndian, []uint16{2, 16})
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, uint32(n))
	for _, x := range pcm {
		binary.Write(&b, binary.LittleEndian, int16(math.Round(32767*math.Max(-1, math.Min(1, x)))))
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// unmetered writes music with no steady beat: "ambient" is long pad and
// string notes entering at random times; "free-rhythm" is a rubato piano
// line whose notes are spaced at random (log-normal) intervals.
func unmetered(kind string, dur float64, rng *rand.Rand) *song {
	s := &song{bpm: 120, meter: 4, programs: map[int]int{1: 89, 2: 49, 3: 0}}
	tick := func(t float64) int { return int(t * ppq * 2) } // 120 BPM: two beats a second
	if kind == "ambient" {
		for t := 0.0; t < dur; t += 1.5 + 3.5*rng.Float64() {
			k := 48 + rng.Intn(24)
			s.hit(tick(t), 1+rng.Intn(2), k, 40+rng.Intn(30), tick(3+4*rng.Float64()))
		}
		return s
	}
	scale := []int{0, 2, 4, 7, 9, 12, 14, 16}
	for t := 0.2; t < dur; t += math.Exp(math.Log(0.35) + 0.7*rng.NormFloat64()) {
		s.hit(tick(t), 3, 60+scale[rng.Intn(len(scale))], 50+rng.Intn(50), tick(0.3+0.6*rng.Float64()))
	}
	return s
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
