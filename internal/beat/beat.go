// Package beat finds tempo, beats and downbeats in mono audio: a log-mel
// spectral-flux onset envelope, an autocorrelation tempogram weighted by a
// log-normal tempo prior, beat tracking by a tempo-and-phase hidden
// Markov model (after Krebs, Böck and Widmer 2015; see dbn.go) held to
// one rigid grid when the music keeps one (lock.go), a beat
// decision that refuses speech and unmetered sound, and bar phase from
// bass onsets and harmonic change. It imports
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
	// Heard, when set, is what a sound classifier heard in the same audio;
	// it is an input of the beat decision (see talkOnly).
	Heard *Heard
}

// Heard is what a sound classifier measured in the audio: seconds of
// speech and of music (singing included).
type Heard struct {
	SpeechS, MusicS float64
}

// talkOnly: the classifier heard speech and next to no music (under 5 %
// of what it heard). A short talk clip is periodic enough to pass the
// other tests: of 144 clips of two espeak-ng sentences (6–9 s; every pair
// of six lines at four speeds), 16 got a tempo — confidence up to 1.0
// when a line is said twice, pauses 0.15–0.29 of the time — and a clip
// under 12 s has no stretches to check the pulse against. The sound
// classifier hears at least 80 % music in every music item of both
// benches (generated styles, waltzes, tracker modules) and none in the
// perception bench's ten talk-only items; in two of the analysis bench's
// three it hears 30 % music (those fail the pulse tests anyway).
func (h *Heard) talkOnly() bool {
	return h != nil && h.SpeechS > 0 && h.MusicS < 0.05*(h.SpeechS+h.MusicS)
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
	ReasonSpeech   = "no steady beat: speech without music"
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
	// BPMAlt is the other octave a listener might tap: half or double BPM.
	BPMAlt float64
	// Changes are real tempo changes inside the audio.
	Changes []Change
	// Consistency is the share of stretches of the audio that show the
	// same tempo (see consistency); an input of the beat decision.
	Consistency float64
	// Gaps is the share of frames, between the first and the last sound,
	// more than 20 dB under the loud frames: the pauses of speech.
	Gaps float64
	// GridFit is the share of onsets, between the first and the last
	// beat, that fall on the tracked grid's sixteenths (see gridFit).
	GridFit float64
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
	if bpm == 0 {
		res.Reason = ReasonNoBeat
		return res
	}
	v := beatStrength(env)
	if v == nil {
		res.Reason = ReasonNoBeat
		return res
	}
	tr := trackDBN(v, env.Rate, bpm)
	tr = lockGrid(v, env.Rate, tr, musicAtStart(env.RMS))
	tr = trimSilent(tr, v, env.Rate)
	tr = reachStart(tr, v, env.Rate)
	res.Consistency = consistency(env, bpm, opt)
	res.Gaps = gapShare(env.RMS)
	var onGrid int
	res.GridFit, onGrid = gridFitN(res.Onsets, tr.beats)
	if len(tr.beats) < 4 || !steady(conf, res.Consistency, res.Gaps, res.GridFit, onGrid, opt) {
		res.Reason = ReasonNoBeat
		return res
	}
	if opt.Heard.talkOnly() && (res.GridFit < gridMusic || onGrid < gridOnsets) {
		// talk alone: only notes on the grid outweigh the classifier
		res.Reason = ReasonSpeech
		return res
	}
	tr.beats = onTheBass(env, tr.beats, float64(len(samples))/float64(sampleRate))
	beats, heard := evenLeadIn(tr.beats, res.Onsets)
	res.Beats = beats
	res.BPM = refineBPM(beats[heard:], bpm)
	res.Changes = tempoChanges(tr.beats, tr.periods, res.BPM)
	res.BPMAlt = altTempo(env, res.BPM, opt)
	res.Meter, res.Downbeats = downbeatsFrom(env, beats, heard)
	return res
}

// steady is the beat decision. A tempo is reported when the periodicity
// of the whole envelope is clear (conf), the same pulse is found in most
// stretches of it (cons: speech lines up a few syllables at a tempo, not
// stretch after stretch) and the sound does not pause like speech (gaps:
// a sentence repeated at an even cadence is periodic, but it stops
// between words) unless the periodicity is overwhelming or the onsets
// sit on the beat grid's sixteenths as played music's do (fit): a sparse
// riff repeated bar after bar pauses like speech, but its notes keep to
// the grid, where syllables fall anywhere. The grid also outweighs an
// uneven pulse from stretch to stretch (cons) when many onsets (n of them
// between the first and the last beat) keep to it: a tune whose drums
// stop for a few bars shows its tempo in some stretches only, but its
// notes stay on the sixteenths (two tracker modules, from circuslinux-data
// and open-invaders-data, measured consistency 0.67 and 0.17 with grid
// fit 0.98 and 0.99; speech, noise and free rhythm fit 0.39–0.47).
func steady(conf, cons, gaps, fit float64, n int, opt Options) bool {
	if conf < opt.MinConfidence {
		return false
	}
	if cons < 0.7 && (fit < gridMusic || n < gridOnsets) {
		return false
	}
	return gaps < speechGaps || conf >= 0.9 || fit >= gridMusic
}

// gridOnsets is the number of onsets on the grid below which its fit may
// be chance.
const gridOnsets = 24

// gridMusic is the grid fit above which paused sound is taken for music:
// chance (onsets anywhere) gives 0.4.
const gridMusic = 0.85

// gridFit is the share of onsets between the first and the last beat
// that lie within a fifth of a sixteenth of the grid the beats divide
// into four: about 0.4 for onsets at random times, near 1 for notes
// played on the beat, the off-beat and the sixteenths. It is 0 with no
// onsets inside the grid.
func gridFit(onsets, beats []float64) float64 {
	f, _ := gridFitN(onsets, beats)
	return f
}

// gridFitN is gridFit and the number of onsets it was measured on.
func gridFitN(onsets, beats []float64) (float64, int) {
	if len(beats) < 2 {
		return 0, 0
	}
	in, on := 0, 0
	j := 0
	for _, o := range onsets {
		if o < beats[0] || o >= beats[len(beats)-1] {
			continue
		}
		for j+1 < len(beats)-1 && beats[j+1] <= o {
			j++
		}
		q := (beats[j+1] - beats[j]) / 4
		if q <= 0 {
			continue
		}
		x := (o - beats[j]) / q
		in++
		if math.Abs(x-math.Round(x)) <= 0.2 {
			on++
		}
	}
	if in == 0 {
		return 0, 0
	}
	return float64(on) / float64(in), in
}

// speechGaps is the share of pause frames above which sound is taken for
// speech: generated Korean speech has 0.21–0.29, music at most 0.12.
const speechGaps = 0.17

// gapShare is the share of frames, between the first and the last frame
// within 20 dB of the loudness's 95th percentile, that are more than 20
// dB under it: speech pauses between words and sentences, music rarely
// falls silent.
func gapShare(rms []float64) float64 {
	if len(rms) == 0 {
		return 0
	}
	thr := percentile(rms, 0.95) - 20
	a, b := -1, -1
	for i, x := range rms {
		if x >= thr {
			if a < 0 {
				a = i
			}
			b = i
		}
	}
	if a < 0 || b <= a {
		return 0
	}
	n := 0
	for _, x := range rms[a : b+1] {
		if x < thr {
			n++
		}
	}
	return float64(n) / float64(b-a+1)
}

// consistency is the share of 8-second stretches (every 4 s) whose own
// tempo estimate is the global tempo bpm or a simple ratio of it (½, ⅔,
// 3/2, 2, ⅓, 3). It is 1 for audio too short for two stretches.
func consistency(env *Envelope, bpm float64, opt Options) float64 {
	win, hop := int(8*env.Rate), int(4*env.Rate)
	n := len(env.Values)
	if n < win+hop {
		return 1
	}
	ok, all := 0, 0
	for a := 0; a+win <= n; a += hop {
		sub := &Envelope{Rate: env.Rate, Values: env.Values[a : a+win]}
		for k := range env.Bands {
			sub.Bands[k] = env.Bands[k][a : a+win]
		}
		all++
		b, c := Tempo(sub, opt)
		if b == 0 || c < opt.MinConfidence/2 {
			continue
		}
		for _, f := range []float64{1, 2, 0.5, 1.5, 2.0 / 3, 3, 1.0 / 3} {
			if math.Abs(b/(bpm*f)-1) <= 0.05 {
				ok++
				break
			}
		}
	}
	return float64(ok) / float64(all)
}

// reachStart adds the beat a period before the first one when it falls in
// the file (within 30 ms of 0:00 it is 0:00) and an onset stands there: the
// path search may start its grid on the second hit when the first sits at
// the very edge of the envelope (a uniform 128 BPM kick from 0:00 began at
// 0.45 s).
func reachStart(tr trackResult, v []float64, rate float64) trackResult {
	if len(tr.beats) < 4 {
		return tr
	}
	ref := percentile(v, 0.95)
	p := tr.beats[1] - tr.beats[0]
	t := tr.beats[0] - p
	if ref <= 0 || t < -0.03 {
		return tr
	}
	t = math.Max(0, t)
	f := int(math.Round(t * rate))
	best, at := 0.0, -1
	for j := max(0, f-2); j <= min(len(v)-1, f+2); j++ {
		if v[j] > best {
			best, at = v[j], j
		}
	}
	if at < 0 || best < 0.3*ref {
		return tr
	}
	bt := math.Max(0, float64(at)/rate)
	if bt < 0.03 {
		bt = 0
	}
	return trackResult{beats: append([]float64{bt}, tr.beats...), periods: append([]float64{tr.beats[0] - bt}, tr.periods...)}
}

// trimSilent drops beats at either end that have no onset near them: the
// tracker carries its grid through silence before and after the music.
func trimSilent(tr trackResult, v []float64, rate float64) trackResult {
	ref := percentile(v, 0.95)
	if ref <= 0 || len(tr.beats) == 0 {
		return tr
	}
	weak := func(t float64) bool {
		f := int(math.Round(t * rate))
		for j := max(0, f-2); j <= min(len(v)-1, f+2); j++ {
			if v[j] >= 0.08*ref {
				return false
			}
		}
		return true
	}
	a, b := 0, len(tr.beats)
	for a < b && weak(tr.beats[a]) {
		a++
	}
	for b > a && weak(tr.beats[b-1]) {
		b--
	}
	out := trackResult{beats: tr.beats[a:b]}
	if b-a > 1 {
		out.periods = tr.periods[a : b-1]
	}
	return out
}

// altTempo is the other octave a listener might tap: double or half the
// tempo, whichever the envelope's periodicity backs more (inside the
// tempo range); 0 when neither fits the range.
func altTempo(env *Envelope, bpm float64, opt Options) float64 {
	up, down := 2*bpm, bpm/2
	okUp, okDown := up <= opt.MaxBPM*1.1, down >= opt.MinBPM*0.9
	switch {
	case okUp && !okDown:
		return up
	case okDown && !okUp:
		return down
	case !okUp && !okDown:
		return 0
	}
	lag := 60 * env.Rate / bpm
	acf := bandACF(env, int(2*lag)+4)
	if acf == nil {
		return up
	}
	// the half-time pulse shows at twice the lag; the double-time one at
	// half the lag, discounted by the prior's preference for moderate tempi
	if acfAt(acf, 2*lag) >= acfAt(acf, lag/2)*math.Exp(0.5*math.Log2(up/opt.PriorBPM)) {
		return down
	}
	return up
}

// refineBPM fits a line through the beat times; with a steady tempo its
// slope is far more exact than any autocorrelation lag.
func refineBPM(beats []float64, guess float64) float64 {
	if len(beats) < 4 {
		return guess
	}
	slope := lineSlope(beats)
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
