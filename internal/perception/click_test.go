package perception

import (
	"math"
	"math/rand"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// clickTrack is a metronome: a 10 ms decaying 2 kHz click every beat.
func clickTrack(bpm float64, seconds float64, rate int) []float32 {
	pcm := make([]float32, int(seconds*float64(rate)))
	period := int(60 / bpm * float64(rate))
	for start := rate / 4; start < len(pcm); start += period {
		for k := 0; k < rate/100 && start+k < len(pcm); k++ {
			t := float64(k) / float64(rate)
			pcm[start+k] = float32(0.6 * math.Sin(2*math.Pi*2000*t) * math.Exp(-t*400))
		}
	}
	return pcm
}

// A click track is periodic impulses with no voicing and no formants: not
// speech.
func TestClickTrackIsNotSpeech(t *testing.T) {
	for _, bpm := range []float64{120, 100, 150} {
		info := analyzeSound(clickTrack(bpm, 8, 22050), 22050)
		if info.SpeechS > 0.5 {
			var segs []string
			for _, s := range info.Segments {
				segs = append(segs, string(s.Kind)+" "+ftoa(s.Start)+"–"+ftoa(s.End))
			}
			t.Errorf("%.0f BPM click track: %.2f s of speech; segments %v", bpm, info.SpeechS, segs)
		}
		for _, s := range info.Segments {
			if s.Kind == kmeme.AudioSinging {
				t.Errorf("%.0f BPM click track: singing at %.1f", bpm, s.Start)
			}
		}
	}
}

// The same with a tonal click (a 440 Hz or 800 Hz beep of 80–100 ms,
// voiced-looking) over a room-noise floor, which used to read as talk.
func TestTonalClickTrackOverNoiseIsNotSpeech(t *testing.T) {
	rate := 22050
	rng := rand.New(rand.NewSource(1))
	for _, c := range []struct{ hz, ms, bpm float64 }{{440, 80, 120}, {800, 100, 120}, {200, 60, 100}} {
		pcm := make([]float32, 8*rate)
		for i := range pcm {
			pcm[i] = float32(0.01 * (rng.Float64()*2 - 1))
		}
		period := int(60 / c.bpm * float64(rate))
		for start, n := rate/4, 0; start < len(pcm); start, n = start+period, n+1 {
			amp := 0.5
			if n%4 == 0 {
				amp = 0.8 // the accented first beat
			}
			for k := 0; k < int(c.ms/1000*float64(rate)) && start+k < len(pcm); k++ {
				tt := float64(k) / float64(rate)
				pcm[start+k] += float32(amp * math.Sin(2*math.Pi*c.hz*tt) * math.Exp(-tt*3000/c.ms))
			}
		}
		if info := analyzeSound(pcm, rate); info.SpeechS > 0.5 {
			t.Errorf("%.0f Hz %.0f ms clicks at %.0f BPM: %.2f s of speech, segments %+v", c.hz, c.ms, c.bpm, info.SpeechS, info.Segments)
		}
	}
}

// drumBed is a generated beat that read 68 % talk in a clip before onsets
// were tested against a common grid: a sine kick on every beat whose phase
// term 2π·55·t·(1+2e^(-30u)) makes it sweep down from far above its 55 Hz
// (a glide like a voiced syllable's), and a noise hit on the offbeat of
// every other beat (like a fricative), silence between. It is the ffmpeg
// aevalsrc expression the clip was made with, sample for sample.
func drumBed(bpm, seconds float64, rate int) []float32 {
	pcm := make([]float32, int(seconds*float64(rate)))
	beat := 60 / bpm
	rng := rand.New(rand.NewSource(7))
	for i := range pcm {
		t := float64(i) / float64(rate)
		u := math.Mod(t, beat)
		v := 0.0
		if u < 0.25*beat/0.6 {
			v += 0.8 * math.Sin(2*math.Pi*55*t*(1+2*math.Exp(-30*u))) * math.Exp(-18*u)
		}
		if math.Mod(t+beat/2, 2*beat) < beat {
			v += 0.3 * (rng.Float64()*2 - 1) * math.Exp(-40*math.Mod(t+beat/2, beat))
		}
		pcm[i] = float32(v)
	}
	return pcm
}

func TestDrumBedIsNotSpeech(t *testing.T) {
	rate := 22050
	for _, bpm := range []float64{100, 128, 90} {
		info := analyzeSound(drumBed(bpm, 12, rate), rate)
		if info.SpeechS > 1 {
			t.Errorf("%.0f BPM bed: %.2f s of speech (%d segments)", bpm, info.SpeechS, len(info.Segments))
		}
	}
}

// Onsets on one grid pass; the same onsets with one moved off it, and
// talk-like irregular gaps, do not.
func TestOnGrid(t *testing.T) {
	cases := []struct {
		on   []int
		want bool
	}{
		{[]int{0, 60, 90, 120, 180, 210, 240, 300, 330, 360}, true},  // beats and some offbeats (600 ms beat)
		{[]int{0, 61, 89, 121, 180, 211, 240, 299, 330, 361}, true},  // the same, a frame of jitter
		{[]int{0, 60, 90, 120, 180, 232, 240, 300, 330, 360}, false}, // one hit 110 ms off the grid
		{[]int{0, 23, 51, 70, 104, 131, 149, 187, 214, 236, 270, 301, 322, 355}, false},
		{[]int{0, 60, 120}, false}, // too few lines
	}
	for _, c := range cases {
		if got := onGrid(c.on); got != c.want {
			t.Errorf("onGrid(%v) = %v, want %v", c.on, got, c.want)
		}
	}
}
