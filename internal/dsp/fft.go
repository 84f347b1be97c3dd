// Package dsp holds signal-processing pieces shared by the pure analysis
// packages (beat tracking, the perception stage's sound classifier).
package dsp

import (
	"math"
	"math/cmplx"
)

// FFT is an in-place radix-2 complex FFT plan for one size.
type FFT struct {
	n   int
	rev []int
	tw  []complex128
}

// NewFFT returns the plan for size n, a power of two (it panics otherwise).
func NewFFT(n int) *FFT {
	if n < 2 || n&(n-1) != 0 {
		panic("dsp: fft size must be a power of two")
	}
	f := &FFT{n: n, rev: make([]int, n), tw: make([]complex128, n/2)}
	bits := 0
	for 1<<bits < n {
		bits++
	}
	for i := range n {
		r := 0
		for b := range bits {
			if i&(1<<b) != 0 {
				r |= 1 << (bits - 1 - b)
			}
		}
		f.rev[i] = r
	}
	for i := range n / 2 {
		f.tw[i] = cmplx.Exp(complex(0, -2*math.Pi*float64(i)/float64(n)))
	}
	return f
}

// Transform computes the forward DFT of x (length n) in place.
func (f *FFT) Transform(x []complex128) {
	n := f.n
	for i := range n {
		if j := f.rev[i]; i < j {
			x[i], x[j] = x[j], x[i]
		}
	}
	for size := 2; size <= n; size <<= 1 {
		half := size / 2
		step := n / size
		for start := 0; start < n; start += size {
			for k := range half {
				w := f.tw[k*step]
				a := x[start+k]
				b := x[start+k+half] * w
				x[start+k] = a + b
				x[start+k+half] = a - b
			}
		}
	}
}
