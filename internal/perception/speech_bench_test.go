package perception

import (
	"math"
	"math/rand"
	"testing"
)

// BenchmarkAnalyzeSound classifies 60 s of sound at the analysis rate: a
// syllable-modulated voice-like tone over noise, the size of the 60 s
// speed file's audio.
func BenchmarkAnalyzeSound(b *testing.B) {
	const rate = 22050
	rng := rand.New(rand.NewSource(1))
	pcm := make([]float32, 60*rate)
	for i := range pcm {
		t := float64(i) / rate
		env := 0.5 + 0.5*math.Sin(2*math.Pi*4*t)
		pcm[i] = float32(0.3*env*math.Sin(2*math.Pi*(140+20*math.Sin(2*math.Pi*0.5*t))*t) + 0.02*rng.NormFloat64())
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		analyzeSound(pcm, rate)
	}
}
