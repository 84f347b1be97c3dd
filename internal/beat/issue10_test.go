package beat

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// tone adds a plucked tone (a few decaying harmonics) at t seconds.
func tone(out []float32, t, hz, amp, decay float64) {
	s := int(t * sr)
	for k := 0; s+k < len(out) && k < sr; k++ {
		x := float64(k) / sr
		env := amp * math.Exp(-x*decay) * math.Min(1, x*400)
		v := 0.0
		for h := 1.0; h <= 4; h++ {
			v += math.Sin(2*math.Pi*hz*h*x) / (h * h)
		}
		out[s+k] += float32(env * v)
	}
}

// drumlessTune is a tune with no percussion: a bass note on beats 1 and 3,
// a three-note chord on every beat, a melody note now and then, chords
// changing every bar, starting at start seconds.
func drumlessTune(bpm float64, meter int, dur, start float64, seed int64) ([]float32, []float64, []float64) {
	rng := rand.New(rand.NewSource(seed))
	out := make([]float32, int(dur*sr))
	prog := [][]float64{{0, 4, 7}, {7, 11, 14}, {9, 12, 16}, {5, 9, 12}}
	p := 60 / bpm
	var beats, downs []float64
	for i := 0; start+float64(i)*p < dur-0.3; i++ {
		t := start + float64(i)*p
		beats = append(beats, t)
		ch := prog[(i/meter)%len(prog)]
		hz := func(semi float64, base float64) float64 { return base * math.Pow(2, semi/12) }
		pos := i % meter
		if pos == 0 {
			downs = append(downs, t)
			tone(out, t, hz(ch[0], 65.4), 0.5, 4)
		} else if meter == 4 && pos == 2 {
			tone(out, t, hz(ch[2]-12, 65.4), 0.35, 4)
		}
		amp := 0.12
		if meter == 3 && pos != 0 {
			amp = 0.16 // oom-pah-pah: the chords on two and three
		}
		for _, c := range ch {
			tone(out, t, hz(c, 261.6), amp, 6)
		}
		if rng.Intn(2) == 0 {
			tone(out, t+p/2*float64(rng.Intn(2)), hz(ch[rng.Intn(3)]+12, 261.6), 0.1, 5)
		}
	}
	return out, beats, downs
}

// espeak speaks the Korean lines with espeak-ng and returns them at sr with
// pause seconds of silence between them.
func espeak(t *testing.T, lines []string, pause float64) []float32 {
	t.Helper()
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Fatal("espeak-ng is not installed (scripts/apt-packages.txt has it; run scripts/setup.sh)")
	}
	var out []float32
	dir := t.TempDir()
	for i, l := range lines {
		wav := filepath.Join(dir, "s.wav")
		if b, err := exec.Command("espeak-ng", "-v", "ko", "-s", "160", "-w", wav, l).CombinedOutput(); err != nil {
			t.Fatalf("espeak-ng: %v: %s", err, b)
		}
		b, err := os.ReadFile(wav)
		if err != nil {
			t.Fatal(err)
		}
		x, rate := readWAV(t, b)
		if rate != sr {
			t.Fatalf("espeak-ng wrote %d Hz, want %d", rate, sr)
		}
		if i > 0 {
			out = append(out, make([]float32, int(pause*sr))...)
		}
		out = append(out, x...)
	}
	return out
}

// readWAV reads 16-bit mono PCM from a WAV file.
func readWAV(t *testing.T, b []byte) ([]float32, int) {
	t.Helper()
	if len(b) < 44 || !bytes.Equal(b[:4], []byte("RIFF")) {
		t.Fatal("not a WAV file")
	}
	rate := int(binary.LittleEndian.Uint32(b[24:]))
	i := bytes.Index(b, []byte("data"))
	if i < 0 {
		t.Fatal("WAV without data")
	}
	pcm := b[i+8:]
	x := make([]float32, len(pcm)/2)
	for k := range x {
		x[k] = float32(int16(binary.LittleEndian.Uint16(pcm[2*k:]))) / 32768
	}
	return x, rate
}

// TestSpeechIsNoBeat: Korean speech over silence, and the same speech over
// a room's hum, has no tempo — even when one sentence is repeated at an
// even cadence, whose repetition an autocorrelation takes for a bar
// (issue 10: talk-only clips got 157 and 125 BPM and a dance challenge).
func TestSpeechIsNoBeat(t *testing.T) {
	t.Parallel()
	varied := espeak(t, []string{"안녕하세요 오늘은 정말 좋은 날이에요", "이 영상은 꼭 끝까지 보세요", "여러분 이거 진짜 대박이에요", "댓글로 여러분의 생각을 알려 주세요", "오늘의 챌린지를 시작해 볼게요"}, 0.5)
	line := "오늘의 챌린지를 시작해 볼게요"
	repeated := espeak(t, []string{line, line, line, line, line, line}, 0.3)
	hum := append([]float32(nil), varied...)
	rng := rand.New(rand.NewSource(4))
	for i := range hum {
		hum[i] += float32(0.02*math.Sin(2*math.Pi*60*float64(i)/sr) + 0.003*rng.NormFloat64())
	}
	for name, x := range map[string][]float32{"speech": varied, "repeated sentence": repeated, "speech over hum": hum} {
		r := Analyze(x, sr, Options{})
		if r.BPM != 0 || r.Reason != ReasonNoBeat || len(r.Beats) != 0 {
			t.Errorf("%s (%.1f s): bpm %.1f conf %.2f consistency %.2f reason %q beats %d, want no tempo", name, float64(len(x))/sr, r.BPM, r.Confidence, r.Consistency, r.Reason, len(r.Beats))
		}
	}
}

// TestSteadyDrumlessTune: a plain tune with no drums at all has a tempo and
// beats on its notes (issue 10: a steady tune was refused as "no steady beat").
func TestSteadyDrumlessTune(t *testing.T) {
	t.Parallel()
	for _, bpm := range []float64{84, 100, 126} {
		x, ref, _ := drumlessTune(bpm, 4, 14, 0.4, int64(bpm))
		r := Analyze(x, sr, Options{})
		if math.Abs(r.BPM-bpm)/bpm > 0.02 {
			t.Errorf("drumless %g: got %.2f bpm (conf %.2f, consistency %.2f, reason %q)", bpm, r.BPM, r.Confidence, r.Consistency, r.Reason)
			continue
		}
		if f := fmeasure(r.Beats, ref, 0.07); f < 0.9 {
			t.Errorf("drumless %g: beat F %.2f", bpm, f)
		}
		if r.BPMAlt != 2*r.BPM && r.BPMAlt != r.BPM/2 {
			t.Errorf("drumless %g: bpm_alt %.2f is not half or double of %.2f", bpm, r.BPMAlt, r.BPM)
		}
	}
}

// offbeatBreak is a steady 4/4 groove at bpm: kick on every beat, hat on
// the off-beats; from bar 5 to bar 8 the kick drops to a whisper while
// loud off-beat stabs (bass and a clap) carry the groove, then the kick
// comes back. The beat never moves; a tracker that follows the loudest
// onsets locally slips half a beat in the break and stays there.
func offbeatBreak(bpm, dur float64) ([]float32, []float64) {
	rng := rand.New(rand.NewSource(7))
	out := make([]float32, int(dur*sr))
	p := 60 / bpm
	add := func(t float64, f func(k int) float64, n int) {
		s := int(t * sr)
		for k := 0; k < n && s+k < len(out); k++ {
			out[s+k] += float32(f(k))
		}
	}
	kick := func(amp float64) func(int) float64 { // a sweep and the beater's click
		return func(k int) float64 {
			x := float64(k) / sr
			return amp * (math.Sin(2*math.Pi*(55+90*math.Exp(-x*35))*x)*math.Exp(-x*14) + 0.4*(rng.Float64()*2-1)*math.Exp(-x*300))
		}
	}
	var beats []float64
	for i := 0; 0.3+float64(i)*p < dur-0.3; i++ {
		t := 0.3 + float64(i)*p
		beats = append(beats, t)
		bar := i / 4
		inBreak := bar >= 4 && bar < 8
		if inBreak {
			add(t, kick(0.08), sr/4)
			add(t+p/2, func(k int) float64 { return 0.5 * (rng.Float64()*2 - 1) * math.Exp(-float64(k)/sr*30) }, sr/8)
			tone(out, t+p/2, 98, 0.6, 8)
		} else {
			add(t, kick(0.8), sr/3)
		}
		add(t+p/2, func(k int) float64 { return 0.12 * (rng.Float64()*2 - 1) * math.Exp(-float64(k)/sr*70) }, sr/20)
	}
	return out, beats
}

// TestNoHalfBeatSlip: through a four-bar break whose loudest onsets are on
// the off-beats, the beats stay on the beat before, during and after it
// (issue 10: the grid jumped half a beat mid-song and stayed there).
func TestNoHalfBeatSlip(t *testing.T) {
	t.Parallel()
	const bpm = 120.0
	x, ref := offbeatBreak(bpm, 20)
	r := Analyze(x, sr, Options{})
	if math.Abs(r.BPM-bpm)/bpm > 0.02 {
		t.Fatalf("got %.2f bpm (conf %.2f, reason %q)", r.BPM, r.Confidence, r.Reason)
	}
	if f := fmeasure(r.Beats, ref, 0.07); f < 0.95 {
		t.Errorf("beat F %.2f, beats %v", f, r.Beats)
	}
	after := ref[8*4:] // from the end of the break on
	var tail []float64
	for _, b := range r.Beats {
		if b >= after[0]-0.1 {
			tail = append(tail, b)
		}
	}
	if f := fmeasure(tail, after, 0.07); f < 0.95 {
		t.Errorf("after the break: beat F %.2f (slipped?) beats %v", f, tail)
	}
	if len(r.Changes) != 0 {
		t.Errorf("a steady track reports tempo changes %v", r.Changes)
	}
}

// TestFirstBeatAtZero: when the music starts with the file, the first beat
// is at 0:00 and so is the first downbeat, with drums and without
// (issue 10: the beat at t = 0 was dropped and bar 1 began on beat 2).
func TestFirstBeatAtZero(t *testing.T) {
	t.Parallel()
	drums := drumTrack(120, 4, 12.25, 5)[sr/4:] // drumTrack starts at 0.25 s: cut that off
	tune, _, _ := drumlessTune(100, 4, 12, 0, 9)
	waltz, _, _ := drumlessTune(150, 3, 12, 0, 10)
	for name, x := range map[string][]float32{"drums 120": drums, "drumless 100": tune, "waltz 150": waltz} {
		r := Analyze(x, sr, Options{})
		if len(r.Beats) == 0 || len(r.Downbeats) == 0 {
			t.Errorf("%s: no beats (bpm %.1f reason %q)", name, r.BPM, r.Reason)
			continue
		}
		if r.Beats[0] > 0.03 {
			t.Errorf("%s: first beat at %.3f s, want 0 ± 30 ms (beats %v)", name, r.Beats[0], r.Beats[:min(4, len(r.Beats))])
		}
		if r.Downbeats[0] > 0.03 {
			t.Errorf("%s: first downbeat at %.3f s, want 0 (meter %d)", name, r.Downbeats[0], r.Meter)
		}
	}
}

// TestWaltzDownbeats: a drumless 3/4 waltz (oom-pah-pah) has meter 3 and
// its downbeats on the bass notes.
func TestWaltzDownbeats(t *testing.T) {
	t.Parallel()
	for _, bpm := range []float64{108, 150} {
		x, ref, downs := drumlessTune(bpm, 3, 15, 0.35, int64(bpm))
		r := Analyze(x, sr, Options{})
		if math.Abs(r.BPM-bpm)/bpm > 0.02 || r.Meter != 3 {
			t.Errorf("waltz %g: bpm %.2f meter %d (reason %q)", bpm, r.BPM, r.Meter, r.Reason)
			continue
		}
		if f := fmeasure(r.Beats, ref, 0.07); f < 0.9 {
			t.Errorf("waltz %g: beat F %.2f", bpm, f)
		}
		if f := fmeasure(r.Downbeats, downs, 0.07); f < 0.9 {
			t.Errorf("waltz %g: downbeat F %.2f: %v want %v", bpm, f, r.Downbeats, downs)
		}
	}
}

// TestTempoChanges: a tracked grid that moves from 120 to 128 BPM for good
// reports one change at the move with the new tempo; jitter does not.
func TestTempoChanges(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewSource(3))
	var beats, periods []float64
	b := 0.2
	for i := range 48 {
		p := 0.5
		if i >= 24 {
			p = 60.0 / 128
		}
		p += 0.004 * rng.NormFloat64()
		beats = append(beats, b)
		periods = append(periods, p)
		b += p
	}
	ch := tempoChanges(beats, periods[:len(beats)-1], 124)
	if len(ch) != 1 || math.Abs(ch[0].BPM-128) > 2 || math.Abs(ch[0].T-beats[24]) > 3*0.5 {
		t.Fatalf("changes %v, want one to 128 BPM near %.2f s", ch, beats[24])
	}
	steadyBeats := beats[:24]
	if ch := tempoChanges(steadyBeats, periods[:23], 120); len(ch) != 0 {
		t.Fatalf("steady grid: changes %v", ch)
	}
}

// kickAndHat is a sine kick on every beat from 0:00 and a loud noise hat on
// every offbeat: the full-band flux is larger on the hats.
func kickAndHat(bpm, dur, hat float64) ([]float32, []float64) {
	rng := rand.New(rand.NewSource(int64(bpm)))
	out := make([]float32, int(dur*sr))
	p := 60 / bpm
	for i := range out {
		t := float64(i) / sr
		u := math.Mod(t, p)
		if u < 0.25 {
			out[i] += float32(0.8 * math.Sin(2*math.Pi*55*t) * math.Exp(-18*u))
		}
		h := math.Mod(t+p/2, p)
		out[i] += float32(hat * (rng.Float64()*2 - 1) * math.Exp(-60*h))
	}
	var kicks []float64
	for t := 0.0; t < dur-0.1; t += p {
		kicks = append(kicks, t)
	}
	return out, kicks
}

// TestBeatsOnTheKickNotTheHat: the beat is the kick, not the hi-hat
// between the kicks, and the first one is at 0:00 (the tracker followed the
// hats half a beat off before onTheBass); with every kick alike the bar is
// 4/4 from 0:00 (it came out 3/4 before: the bass peak beat with the hop).
func TestBeatsOnTheKickNotTheHat(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ bpm, hat float64 }{{100, 0.25}, {120, 0.25}, {92, 0.25}, {100, 0}, {128, 0}} {
		bpm := c.bpm
		x, kicks := kickAndHat(bpm, 12, c.hat)
		r := Analyze(x, sr, Options{})
		if len(r.Beats) == 0 {
			t.Errorf("%g BPM: no beats (%q)", bpm, r.Reason)
			continue
		}
		if f := fmeasure(r.Beats, kicks, 0.07); f < 0.95 {
			t.Errorf("%g BPM: beat F %.2f against the kicks; beats %v", bpm, f, r.Beats[:min(5, len(r.Beats))])
		}
		if r.Beats[0] > 0.03 {
			t.Errorf("%g BPM: first beat %.3f, want 0", bpm, r.Beats[0])
		}
		if r.Meter != 4 || len(r.Downbeats) == 0 || r.Downbeats[0] > 0.03 {
			t.Errorf("%g BPM, hat %.2f: meter %d, downbeats %v; want 4/4 from 0:00", bpm, c.hat, r.Meter, r.Downbeats[:min(3, len(r.Downbeats))])
		}
	}
}

// TestWeakBarEvidence: alike beats are weak evidence; harmonic change on
// every third beat is evidence even with no bass at all (it was ignored
// when the bass sum was zero).
func TestWeakBarEvidence(t *testing.T) {
	t.Parallel()
	all := func(int) bool { return true }
	flat := make([]float64, 24)
	if !weakBarEvidence(flat, flat, all) {
		t.Error("alike beats: want weak")
	}
	harm := make([]float64, 24)
	for i := range harm {
		if i%3 == 0 {
			harm[i] = 0.4
		}
	}
	if weakBarEvidence(flat, harm, all) {
		t.Error("harmonic change every third beat, no bass: want evidence")
	}
	low := make([]float64, 24)
	for i := range low {
		low[i] = 1
		if i%4 == 1 {
			low[i] = 2
		}
	}
	if weakBarEvidence(low, flat, all) {
		t.Error("bass accent every fourth beat: want evidence")
	}
}

// TestAlikeBarsWithNoisyOffbeats: a swept kick on every beat and a soft
// noise burst on every offbeat (fresh noise each time, the lead's "caught"
// bed) has nothing that marks a bar; the noise's changing spectrum once
// made a phase of 3/4 stand out (downbeats 0, 1.79, 3.59…). It is 4/4 from
// 0:00.
func TestAlikeBarsWithNoisyOffbeats(t *testing.T) {
	t.Parallel()
	for _, seed := range []int64{1, 2, 3} {
		rng := rand.New(rand.NewSource(seed))
		const bpm, dur = 100, 12
		p := 60.0 / bpm
		x := make([]float32, int(dur*sr))
		for i := range x {
			t := float64(i) / sr
			u := math.Mod(t, p)
			f := 55 + 60*math.Exp(-30*u)
			x[i] = float32(0.8*math.Sin(2*math.Pi*f*t)*math.Exp(-18*u)*b2f(u < 0.25) +
				0.2*(rng.Float64()-0.5)*math.Exp(-40*math.Mod(t+p/2, p)))
		}
		r := Analyze(x, sr, Options{})
		if r.Meter != 4 || len(r.Downbeats) < 2 || r.Downbeats[0] > 0.03 || math.Abs(r.Downbeats[1]-4*p) > 0.05 {
			t.Errorf("seed %d: meter %d, downbeats %v; want 4/4 from 0:00", seed, r.Meter, r.Downbeats[:min(4, len(r.Downbeats))])
		}
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
