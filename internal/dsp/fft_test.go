package dsp

import (
	"math"
	"math/cmplx"
	"testing"
)

// TestFFTMatchesDirectDFT compares the plan with the textbook O(n²) DFT on a
// signal with two tones and an offset, for several sizes.
func TestFFTMatchesDirectDFT(t *testing.T) {
	for _, n := range []int{2, 8, 64, 512} {
		x := make([]complex128, n)
		for i := range x {
			ti := float64(i)
			x[i] = complex(0.3+math.Sin(2*math.Pi*3*ti/float64(n))+0.5*math.Cos(2*math.Pi*5*ti/float64(n)), 0)
		}
		want := make([]complex128, n)
		for k := range want {
			for i, v := range x {
				want[k] += v * cmplx.Exp(complex(0, -2*math.Pi*float64(k*i)/float64(n)))
			}
		}
		got := append([]complex128(nil), x...)
		NewFFT(n).Transform(got)
		for k := range got {
			if cmplx.Abs(got[k]-want[k]) > 1e-9*float64(n) {
				t.Fatalf("n=%d bin %d: got %v, want %v", n, k, got[k], want[k])
			}
		}
	}
}

func TestNewFFTRejectsSizesThatAreNotPowersOfTwo(t *testing.T) {
	for _, n := range []int{0, 1, 3, 12} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewFFT(%d) did not panic", n)
				}
			}()
			NewFFT(n)
		}()
	}
}
