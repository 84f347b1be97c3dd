package beat

import (
	"encoding/binary"
	"math"
	"testing"
)

// FuzzAnalyze feeds arbitrary samples (NaN, Inf, huge, denormal) to the
// whole pipeline: it must not panic and must return sane numbers.
func FuzzAnalyze(f *testing.F) {
	f.Add([]byte{}, uint16(22050))
	f.Add(make([]byte, 4*22050*4), uint16(22050))
	seed := make([]byte, 4*8000)
	for i := 0; i < len(seed); i += 4 {
		binary.LittleEndian.PutUint32(seed[i:], math.Float32bits(float32(math.Sin(float64(i)))))
	}
	f.Add(seed, uint16(8000))
	f.Fuzz(func(t *testing.T, data []byte, rate uint16) {
		if len(data) > 4*22050*6 {
			data = data[:4*22050*6]
		}
		x := make([]float32, len(data)/4)
		for i := range x {
			x[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
		}
		sr := int(rate)%48000 + 1
		r := Analyze(x, sr, Options{})
		if r.BPM != 0 && (r.BPM < 30 || r.BPM > 400 || math.IsNaN(r.BPM)) {
			t.Fatalf("bpm %v", r.BPM)
		}
		if r.BPM == 0 && r.Reason == "" {
			t.Fatal("no bpm and no reason")
		}
		for i := 1; i < len(r.Beats); i++ {
			if !(r.Beats[i] > r.Beats[i-1]) {
				t.Fatalf("beats not increasing: %v", r.Beats)
			}
		}
	})
}
