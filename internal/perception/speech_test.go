package perception

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

const soundfont = "/usr/share/sounds/sf2/FluidR3_GM.sf2"

// midiNote is one note of a generated bed: start and length in ticks
// (480 a beat), channel (9 is drums), key and velocity.
type midiNote struct{ tick, dur, ch, key, vel int }

// renderMIDI writes the notes as a standard MIDI file at bpm with the GM
// programs per channel and renders it with fluidsynth to mono PCM at
// 22.05 kHz, seconds long.
func renderMIDI(t *testing.T, bpm float64, programs map[int]int, notes []midiNote, seconds float64) []float32 {
	t.Helper()
	if _, err := exec.LookPath("fluidsynth"); err != nil {
		t.Skip("fluidsynth not installed (scripts/apt-packages.txt)")
	}
	need(t, soundfont)
	type ev struct {
		tick int
		data []byte
	}
	uspq := int(60e6 / bpm)
	evs := []ev{{0, []byte{0xff, 0x51, 3, byte(uspq >> 16), byte(uspq >> 8), byte(uspq)}}}
	for ch := 0; ch < 16; ch++ {
		if p, ok := programs[ch]; ok {
			evs = append(evs, ev{0, []byte{0xc0 | byte(ch), byte(p)}})
		}
	}
	var offs []ev
	for _, n := range notes {
		evs = append(evs, ev{n.tick, []byte{0x90 | byte(n.ch), byte(n.key), byte(n.vel)}})
		offs = append(offs, ev{n.tick + n.dur, []byte{0x80 | byte(n.ch), byte(n.key), 0}})
	}
	// note-offs before note-ons at the same tick
	all := append(offs, evs...)
	for i := 1; i < len(all); i++ { // insertion sort keeps equal ticks in order
		for j := i; j > 0 && all[j].tick < all[j-1].tick; j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	var trk bytes.Buffer
	last := 0
	for _, e := range all {
		d := e.tick - last
		last = e.tick
		var tmp [5]byte
		i := 4
		tmp[i] = byte(d & 0x7f)
		for d >>= 7; d > 0; d >>= 7 {
			i--
			tmp[i] = byte(d&0x7f) | 0x80
		}
		trk.Write(tmp[i:])
		trk.Write(e.data)
	}
	trk.Write([]byte{0, 0xff, 0x2f, 0})
	var f bytes.Buffer
	f.WriteString("MThd")
	binary.Write(&f, binary.BigEndian, uint32(6))
	binary.Write(&f, binary.BigEndian, [3]uint16{0, 1, 480})
	f.WriteString("MTrk")
	binary.Write(&f, binary.BigEndian, uint32(trk.Len()))
	f.Write(trk.Bytes())
	dir := t.TempDir()
	mid, raw := filepath.Join(dir, "bed.mid"), filepath.Join(dir, "bed.s16")
	if err := os.WriteFile(mid, f.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command("fluidsynth", "-ni", "-q", "-g", "0.7", "-r", "22050", "-T", "raw", "-O", "s16", "-F", raw, soundfont, mid).CombinedOutput(); err != nil {
		t.Fatalf("fluidsynth: %v %s", err, b)
	}
	b, err := os.ReadFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	pcm := make([]float32, int(seconds*22050))
	for i := range pcm {
		if 4*i+4 > len(b) {
			break
		}
		l := int16(binary.LittleEndian.Uint16(b[4*i:]))
		r := int16(binary.LittleEndian.Uint16(b[4*i+2:]))
		pcm[i] = (float32(l) + float32(r)) / 2 / 32768
	}
	return pcm
}

// kickUnderPad is a GM kick on every beat under one held synth note per
// bar (the note moves by a fourth or a fifth now and then).
func kickUnderPad(t *testing.T, bpm float64, program, key int) []float32 {
	var notes []midiNote
	moves := []int{0, 5, 0, 7, 0, -5}
	for bar := 0; bar < int(8*bpm/60/4)+1; bar++ {
		for b := 0; b < 4; b++ {
			notes = append(notes, midiNote{(bar*4 + b) * 480, 120, 9, 36, 110})
		}
		notes = append(notes, midiNote{bar * 4 * 480, 4 * 480, 1, key + moves[bar%len(moves)], 90})
	}
	return renderMIDI(t, bpm, map[int]int{1: program}, notes, 8)
}

// A kick drum with a steady synth tone has no voice: it used to read as
// talk 48-96 % of the time (its beat modulates the loudness at the
// syllable rate and the pad is voiced), so the recipe claimed "말소리".
func TestKickUnderHeldPadIsNotSpeech(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		bpm          float64
		program, key int
	}{{120, 81, 57}, {100, 89, 48}, {128, 80, 62}, {95, 90, 52}, {135, 88, 60}} {
		info := analyzeSound(kickUnderPad(t, c.bpm, c.program, c.key), 22050)
		if info.SpeechShare > 0.1 {
			t.Errorf("kick at %.0f BPM under GM program %d: speech %.0f %% (%+v)", c.bpm, c.program, 100*info.SpeechShare, info.Segments)
		}
	}
}

// musicBed is a band of four channels: drums (kick, snare, hats), a bass
// line, chords on the beat and a melody in eighths, all on the GM program
// given for the pitched channels.
func musicBed(t *testing.T, bpm float64, program int, seconds float64) []float32 {
	var notes []midiNote
	chords := [][]int{{0, 4, 7}, {7, 11, 14}, {9, 12, 16}, {5, 9, 12}}
	melody := []int{12, 14, 16, 19, 16, 14, 12, 11}
	for bar := 0; bar < int(seconds*bpm/60/4)+1; bar++ {
		t0 := bar * 4 * 480
		ch := chords[bar%len(chords)]
		for b := 0; b < 4; b++ {
			drum := 36
			if b%2 == 1 {
				drum = 38
			}
			notes = append(notes, midiNote{t0 + b*480, 120, 9, drum, 100}, midiNote{t0 + b*480 + 240, 120, 9, 42, 60})
			for _, k := range ch {
				notes = append(notes, midiNote{t0 + b*480, 400, 2, 60 + k, 60})
			}
		}
		notes = append(notes, midiNote{t0, 2 * 480, 1, 36 + ch[0], 95}, midiNote{t0 + 2*480, 2 * 480, 1, 36 + ch[2], 90})
		for e := 0; e < 8; e++ {
			notes = append(notes, midiNote{t0 + e*240, 220, 3, 60 + ch[0] + melody[(e+bar)%len(melody)] - 12, 80})
		}
	}
	return renderMIDI(t, bpm, map[int]int{1: 33, 2: program, 3: program}, notes, seconds)
}

// Beds of many GM instruments without a voice are music, not talk.
func TestMusicBedsWithoutVoiceAreNotSpeech(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		program int
		bpm     float64
	}{{0, 96}, {11, 110}, {19, 120}, {24, 100}, {40, 90}, {56, 126}, {65, 104}, {73, 116}, {81, 128}, {89, 92}} {
		info := analyzeSound(musicBed(t, c.bpm, c.program, 8), 22050)
		if info.SpeechS > 0.5 {
			t.Errorf("bed on GM program %d at %.0f BPM: %.2f s of speech (%+v)", c.program, c.bpm, info.SpeechS, info.Segments)
		}
	}
}

// espeakPCM speaks line in Korean at 22.05 kHz mono, trimmed to the
// samples over -40 dBFS.
func espeakPCM(t *testing.T, line string, speed int) []float32 {
	t.Helper()
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng not installed")
	}
	wav := filepath.Join(t.TempDir(), "line.wav")
	if b, err := exec.Command("espeak-ng", "-v", "ko", "-s", strconv.Itoa(speed), "-w", wav, line).CombinedOutput(); err != nil {
		t.Fatalf("espeak-ng: %v %s", err, b)
	}
	b, err := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-i", wav, "-ac", "1", "-ar", "22050", "-f", "f32le", "pipe:1").Output()
	if err != nil {
		t.Fatalf("ffmpeg: %v", err)
	}
	pcm := make([]float32, len(b)/4)
	a, z := -1, -1
	for i := range pcm {
		pcm[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		if math.Abs(float64(pcm[i])) > 0.01 {
			if a < 0 {
				a = i
			}
			z = i
		}
	}
	if a < 0 {
		t.Fatal("espeak-ng wrote silence")
	}
	return pcm[a : z+1]
}

// Talk over a music bed 14 dB under it is found line by line: the bed
// before, between and after the lines is not talk, and the lines are.
func TestSpeechOverMusicBedIsFound(t *testing.T) {
	t.Parallel()
	lines := []string{"안녕하세요 여러분, 오늘은 정말 웃긴 이야기를 해 볼게요.", "엄마한테 걸렸을 때 진짜 큰일 났어요."}
	for _, c := range []struct {
		program int
		bpm     float64
		gap     float64
	}{{0, 96, 1.2}, {56, 120, 0.9}, {24, 104, 1.4}, {89, 88, 1.0}} {
		const rate = 22050
		pcm := musicBed(t, c.bpm, c.program, 9)
		gain := float32(math.Pow(10, -14.0/20))
		for i := range pcm {
			pcm[i] *= gain
		}
		var spans [][2]int // frames
		pos := int(0.8 * rate)
		for _, l := range lines {
			sp := espeakPCM(t, l, 165)
			for i, v := range sp {
				if pos+i < len(pcm) {
					pcm[pos+i] += 0.8 * v
				}
			}
			spans = append(spans, [2]int{pos / (rate / 100), min(len(pcm), pos+len(sp)) / (rate / 100)})
			pos += len(sp) + int(c.gap*rate)
		}
		info := analyzeSound(pcm, rate)
		n := len(pcm) / (rate / 100)
		truth, got := make([]bool, n), make([]bool, n)
		for _, s := range spans {
			for i := s[0]; i < s[1] && i < n; i++ {
				truth[i] = true
			}
		}
		for _, s := range info.Segments {
			if s.Kind == kmeme.AudioSpeech {
				for i := int(s.Start * 100); i < int(s.End*100) && i < n; i++ {
					got[i] = true
				}
			}
		}
		var tp, fp, fn int
		for i := range truth {
			switch {
			case truth[i] && got[i]:
				tp++
			case got[i]:
				fp++
			case truth[i]:
				fn++
			}
		}
		f1 := 2 * float64(tp) / float64(2*tp+fp+fn)
		if f1 < 0.9 {
			t.Errorf("talk over GM program %d at %.0f BPM, lines %v (frames): F1 %.3f (fp %d fn %d), segments %+v", c.program, c.bpm, spans, f1, fp, fn, info.Segments)
		}
		// the bed between the lines stays music
		between := 0
		for i := spans[0][1] + 20; i < spans[1][0]-20; i++ {
			if got[i] {
				between++
			}
		}
		if between > 0 {
			t.Errorf("talk over GM program %d: %d frames of the %.1f s gap between the lines read as talk", c.program, between, c.gap)
		}
		if info.SyllablesPerS < 2 || info.SyllablesPerS > 9 {
			t.Errorf("talk over GM program %d: %.2f syllables/s", c.program, info.SyllablesPerS)
		}
	}
}
