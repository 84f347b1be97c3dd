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
