package beat

import (
	"math"

	"github.com/kmeme-factory/kmeme/internal/dsp"
)

// Envelope is an onset-strength curve: one value per hop, larger where
// new sound starts. Low is the same measure restricted to the bass band
// (kick drums, bass notes), used to find downbeats. Mel holds the log-mel
// spectrum per frame, used for harmonic change.
type Envelope struct {
	Values []float64
	Low    []float64
	// Bands are the flux in low, middle and high bands, for tempo.
	Bands [3][]float64
	Mel   [][]float32
	// Rate is frames per second.
	Rate float64
	// RMS is the frame loudness in dBFS.
	RMS []float64
}

// Time returns the time in seconds of frame i.
func (e *Envelope) Time(i float64) float64 { return i / e.Rate }

const (
	fftSize = 1024
	hopSize = 256
	melBins = 48
	lowBins = 6  // mel bands below ~200 Hz
	midTop  = 26 // mel bands below ~2 kHz
)

// OnsetStrength computes a log-mel spectral-flux onset envelope from mono
// samples at sampleRate. It returns an empty envelope for empty input.
func OnsetStrength(samples []float32, sampleRate int) *Envelope {
	env := &Envelope{Rate: float64(sampleRate) / hopSize}
	if sampleRate <= 0 || len(samples) == 0 {
		env.Rate = 1
		return env
	}
	nFrames := len(samples)/hopSize + 1
	plan := dsp.NewFFT(fftSize)
	win := make([]float64, fftSize)
	for i := range win {
		win[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/fftSize)
	}
	fb := melFilters(sampleRate, fftSize, melBins, 30, math.Min(8000, float64(sampleRate)/2))
	buf := make([]complex128, fftSize)
	power := make([]float64, fftSize/2+1)
	env.Mel = make([][]float32, nFrames)
	env.RMS = make([]float64, nFrames)
	maxDB := -math.MaxFloat64
	for f := range nFrames {
		center := f * hopSize
		var sq float64
		for i := range fftSize {
			j := center - fftSize/2 + i
			v := 0.0
			if j >= 0 && j < len(samples) {
				v = float64(samples[j])
				if v != v {
					v = 0
				}
			}
			sq += v * v
			buf[i] = complex(v*win[i], 0)
		}
		env.RMS[f] = 10 * math.Log10(sq/fftSize+1e-12)
		plan.Transform(buf)
		for k := range power {
			re, im := real(buf[k]), imag(buf[k])
			power[k] = re*re + im*im
		}
		mel := make([]float32, melBins)
		for b, filt := range fb {
			var s float64
			for _, w := range filt.w {
				s += power[filt.lo+w.i] * w.v
			}
			db := 10 * math.Log10(s+1e-10)
			mel[b] = float32(db)
			if db > maxDB {
				maxDB = db
			}
		}
		env.Mel[f] = mel
	}
	floor := float32(maxDB - 80)
	for _, m := range env.Mel {
		for b := range m {
			if m[b] < floor {
				m[b] = floor
			}
		}
	}
	env.Values = make([]float64, nFrames)
	env.Low = make([]float64, nFrames)
	for k := range env.Bands {
		env.Bands[k] = make([]float64, nFrames)
	}
	for f := range nFrames {
		var s float64
		var band [3]float64
		for b := range melBins {
			prev := floor // before the first frame: silence, so a sound at 0:00 is an onset
			if f > 0 {
				prev = env.Mel[f-1][b]
			}
			d := float64(env.Mel[f][b] - prev)
			if d > 0 {
				s += d
				band[bandOf(b)] += d
			}
		}
		env.Values[f] = s / melBins
		env.Low[f] = band[0] / lowBins
		env.Bands[0][f] = band[0] / lowBins
		env.Bands[1][f] = band[1] / (midTop - lowBins)
		env.Bands[2][f] = band[2] / (melBins - midTop)
	}
	// The first frame's rise from silence is the whole level of the sound
	// already playing: keep it no larger than the strongest later onset.
	if nFrames > 1 {
		clip := func(x []float64) {
			m := 0.0
			for _, y := range x[1:] {
				m = math.Max(m, y)
			}
			x[0] = math.Min(x[0], m)
		}
		clip(env.Values)
		clip(env.Low)
		for k := range env.Bands {
			clip(env.Bands[k])
		}
	}
	return env
}

type weight struct {
	i int
	v float64
}

type melFilter struct {
	lo int
	w  []weight
}

func hzToMel(f float64) float64 { return 2595 * math.Log10(1+f/700) }
func melToHz(m float64) float64 { return 700 * (math.Pow(10, m/2595) - 1) }

// melFilters builds triangular filters on the mel scale.
func melFilters(sr, n, bands int, fmin, fmax float64) []melFilter {
	lo, hi := hzToMel(fmin), hzToMel(fmax)
	edges := make([]float64, bands+2)
	for i := range edges {
		edges[i] = melToHz(lo + (hi-lo)*float64(i)/float64(bands+1))
	}
	binHz := float64(sr) / float64(n)
	out := make([]melFilter, bands)
	for b := range bands {
		l, c, r := edges[b], edges[b+1], edges[b+2]
		first := int(math.Floor(l / binHz))
		last := int(math.Ceil(r / binHz))
		if last > n/2 {
			last = n / 2
		}
		f := melFilter{lo: first}
		for k := first; k <= last; k++ {
			hz := float64(k) * binHz
			var v float64
			switch {
			case hz >= l && hz <= c && c > l:
				v = (hz - l) / (c - l)
			case hz > c && hz <= r && r > c:
				v = (r - hz) / (r - c)
			}
			if v > 0 {
				f.w = append(f.w, weight{k - first, v})
			}
		}
		if len(f.w) == 0 { // a band narrower than one bin: take the nearest bin
			k := int(math.Round(c / binHz))
			f.lo = k
			f.w = []weight{{0, 1}}
		}
		out[b] = f
	}
	return out
}

func bandOf(b int) int {
	switch {
	case b < lowBins:
		return 0
	case b < midTop:
		return 1
	}
	return 2
}
