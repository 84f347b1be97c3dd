// Package beat finds tempo, beats and downbeats in mono audio: a log-mel
// spectral-flux onset envelope, an autocorrelation tempogram weighted by a
// log-normal tempo prior, beat tracking by dynamic programming (Ellis
// 2007) and bar phase from bass onsets and harmonic change. It imports
// nothing of ours and does no I/O.
package beat

import (
	"math"
	"sort"
)

// Options tune Analyze. Zero fields take the documented defaults.
type Options struct {
	// MinBPM and MaxBPM bound the tempo. Defaults 55 and 215.
	MinBPM, MaxBPM float64
	// PriorBPM is the centre of the tempo prior. Default 120.
	PriorBPM float64
	// MinConfidence is the confidence below which no tempo is reported.
	// Default 0.3.
	MinConfidence float64
	// SilenceDB is the loudness (dBFS, 95th percentile of frames) below
	// which the audio counts as silence. Default -55.
	SilenceDB float64
}

func (o Options) withDefaults() Options {
	if o.MinBPM <= 0 {
		o.MinBPM = 55
	}
	if o.MaxBPM <= 0 {
		o.MaxBPM = 215
	}
	if o.PriorBPM <= 0 {
		o.PriorBPM = 120
	}
	if o.MinConfidence <= 0 {
		o.MinConfidence = 0.3
	}
	if o.SilenceDB == 0 {
		o.SilenceDB = -55
	}
	return o
}

// Reasons reported when there is no tempo.
const (
	ReasonNoAudio  = "no audio track"
	ReasonSilence  = "silence: the audio is too quiet to hold a beat"
	ReasonTooShort = "audio too short to measure a tempo (under 3 s)"
	ReasonNoBeat   = "no steady beat (speech, ambient sound or free rhythm)"
)

// Result is what Analyze found. BPM is 0 when there is no steady beat and
// Reason says why.
type Result struct {
	BPM        float64
	Confidence float64
	Reason     string
	Meter      int // 3 or 4 when there is a tempo
	Beats      []float64
	Downbeats  []float64
	// Onsets are times of distinct note or drum onsets.
	Onsets []float64
	// Env is the onset envelope the result was computed from.
	Env *Envelope
}

// Analyze measures tempo, beats and downbeats in mono samples.
func Analyze(samples []float32, sampleRate int, opt Options) Result {
	opt = opt.withDefaults()
	if len(samples) == 0 || sampleRate <= 0 {
		return Result{Reason: ReasonNoAudio, Env: &Envelope{Rate: 1}}
	}
	env := OnsetStrength(samples, sampleRate)
	res := Result{Env: env}
	res.Onsets = PickOnsets(env)
	if float64(len(samples))/float64(sampleRate) < 3 {
		res.Reason = ReasonTooShort
		return res
	}
	if percentile(env.RMS, 0.95) < opt.SilenceDB {
		res.Reason = ReasonSilence
		return res
	}
	bpm, conf := Tempo(env, opt)
	res.Confidence = conf
	if bpm == 0 || conf < opt.MinConfidence {
		res.Reason = ReasonNoBeat
		return res
	}
	beats := Track(env, bpm)
	if len(beats) < 4 {
		res.Reason = ReasonNoBeat
		return res
	}
	res.Beats = beats
	res.BPM = refineBPM(beats, bpm)
	res.Meter, res.Downbeats = Downbeats(env, beats)
	return res
}

// refineBPM fits a line through the beat times; with a steady tempo its
// slope is far more exact than any autocorrelation lag.
func refineBPM(beats []float64, guess float64) float64 {
	n := float64(len(beats))
	if n < 4 {
		return guess
	}
	var sx, sy, sxx, sxy float64
	for i, b := range beats {
		x := float64(i)
		sx += x
		sy += b
		sxx += x * x
		sxy += x * b
	}
	slope := (n*sxy - sx*sy) / (n*sxx - sx*sx)
	if slope <= 0 || math.IsNaN(slope) {
		return guess
	}
	bpm := 60 / slope
	if math.Abs(bpm-guess)/guess > 0.08 { // the tracker drifted to another level; keep the estimate
		return guess
	}
	return bpm
}

func percentile(x []float64, q float64) float64 {
	if len(x) == 0 {
		return math.Inf(-1)
	}
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	i := int(q * float64(len(s)-1))
	return s[i]
}

// PickOnsets returns the times of peaks of the envelope that stand out from
// their neighbourhood.
func PickOnsets(env *Envelope) []float64 {
	v := env.Values
	if len(v) < 3 {
		return nil
	}
	mean, sd := meanStd(v)
	thr := mean + 0.5*sd
	wait := int(0.05 * env.Rate) // at most one onset per 50 ms
	var out []float64
	last := -wait - 1
	pre := int(0.1 * env.Rate)
	for i := 1; i < len(v)-1; i++ {
		if v[i] < thr || v[i] < v[i-1] || v[i] < v[i+1] || i-last <= wait {
			continue
		}
		lo := max(0, i-pre)
		var local float64
		for j := lo; j < i; j++ {
			local += v[j]
		}
		if i > lo {
			local /= float64(i - lo)
		}
		if v[i] < local+0.3*sd {
			continue
		}
		out = append(out, env.Time(float64(i)))
		last = i
	}
	return out
}

func meanStd(v []float64) (float64, float64) {
	if len(v) == 0 {
		return 0, 0
	}
	var m float64
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	var s float64
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	return m, math.Sqrt(s / float64(len(v)))
}
