package perception

import (
	"math"
	"math/rand"
	"testing"
)

// modulation's band share, with the spectrum's total taken from the
// signal (Parseval), equals the share from the full DFT, for even and odd
// window lengths (the windows at a file's ends are shorter), syllable-like
// and flat envelopes.
func TestModulationMatchesFullDFT(t *testing.T) {
	full := func(env []float64) float64 {
		n := len(env)
		mean := 0.0
		for _, v := range env {
			mean += math.Max(v, silenceDBFS)
		}
		mean /= float64(n)
		var total, band float64
		for k := 1; k <= n/2; k++ {
			var re, im float64
			for i, v := range env {
				a := 2 * math.Pi * float64(k*i) / float64(n)
				re += (math.Max(v, silenceDBFS) - mean) * math.Cos(a)
				im -= (math.Max(v, silenceDBFS) - mean) * math.Sin(a)
			}
			p := re*re + im*im
			total += p
			if hz := float64(k) / (float64(n) * hopS); hz >= 2 && hz <= 8 {
				band += p
			}
		}
		if total == 0 {
			return 0
		}
		return band / total
	}
	rng := rand.New(rand.NewSource(5))
	for _, n := range []int{20, 51, 77, 100} {
		for trial := 0; trial < 20; trial++ {
			env := make([]float64, n)
			rate := 1 + rng.Float64()*10 // Hz
			for i := range env {
				env[i] = -30 + 12*math.Sin(2*math.Pi*rate*float64(i)*hopS) + rng.NormFloat64()*3
				if trial%5 == 0 {
					env[i] = -70 // under the silence floor: flat
				}
			}
			got, want := modulation(env), full(env)
			if math.Abs(got-want) > 1e-9 {
				t.Fatalf("n %d trial %d: modulation %.12f, full DFT %.12f", n, trial, got, want)
			}
		}
	}
}
