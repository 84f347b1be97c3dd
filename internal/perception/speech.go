package perception

import (
	"math"
	"sort"
	"sync"

	"github.com/kmeme-factory/kmeme/internal/dsp"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// The sound classifier is ours. Per 10 ms frame it measures loudness,
// voicing and pitch (normalised autocorrelation on a 5.5 kHz copy) and,
// over a second around the frame, what tells talk from music: the share of
// quiet frames between syllables, the 2–8 Hz modulation of the loudness
// (syllables come at about 4 a second), and how long voiced stretches hold
// a steady pitch (singing holds notes, talk glides and stops).

const (
	hopS        = 0.01
	silenceDBFS = -50.0 // frames quieter than this are silence
	floorBelow  = 40.0  // …or this far under the loud frames
)

type soundFrame struct {
	db     float64
	flux   float64 // mean rise of the band energies over the last frame, dB
	voiced bool
	f0     float64
	silent bool
	bands  [nBands]float32 // band energies, dB, 24 bands up to 5.5 kHz
	// centroid is the power centroid of bands 1–20 (about 230 Hz to 4.8
	// kHz), in bands: vowels, nasals and fricatives move it, a held
	// chord does not
	centroid float64
}

const nBands = 24

// analyzeSound classifies the sound in stretches and measures the speech
// rate. pcm is mono at rate.
func analyzeSound(pcm []float32, rate int) *kmeme.SpeechInfo {
	info := &kmeme.SpeechInfo{Segments: []kmeme.AudioSegment{}}
	frames := soundFrames(pcm, rate)
	n := len(frames)
	if n == 0 {
		return info
	}
	labels := make([]kmeme.AudioKind, n)
	// features over a one-second window
	const half = 50
	env := make([]float64, n)
	for i, f := range frames {
		env[i] = f.db
	}
	// sound and silence frame by frame: pauses under 300 ms inside talk
	// stay sound, blips under 100 ms stay silence
	active := make([]bool, n)
	for i := range frames {
		active[i] = !frames[i].silent
	}
	fillRuns(active, false, 30)
	fillRuns(active, true, 10)
	onsets := findOnsets(frames)
	grid := map[[2]int]bool{} // onGrid per window of onsets (they change every few judgements)
	// the kind of sound from the one-second window, judged every 50 ms
	kinds := make([]kmeme.AudioKind, n)
	var kind kmeme.AudioKind
	for i := range frames {
		if i%5 == 0 {
			lo, hi := max(0, i-half), min(n, i+half)
			kind = classifyWindow(frames[lo:hi], env[lo:hi])
			if kind == kmeme.AudioSpeech && periodicOnsets(onsets, i, n, grid) {
				// a click track or a bare beat: onsets like clockwork
				kind = kmeme.AudioMusic
			}
		}
		kinds[i] = kind
	}
	// each sounding stretch: short ones take their commonest kind, long
	// ones keep the windows' kinds with stretches under half a second
	// smoothed away
	for a := 0; a < n; {
		if !active[a] {
			labels[a] = kmeme.AudioSilence
			a++
			continue
		}
		b := a
		for b < n && active[b] {
			b++
		}
		votes := map[kmeme.AudioKind]int{}
		for i := a; i < b; i++ {
			if kinds[i] != kmeme.AudioSilence {
				votes[kinds[i]]++
			}
		}
		best := kmeme.AudioMusic
		for _, k := range []kmeme.AudioKind{kmeme.AudioSpeech, kmeme.AudioSinging, kmeme.AudioMusic} {
			if votes[k] > votes[best] {
				best = k
			}
		}
		if b-a < 150 {
			for i := a; i < b; i++ {
				labels[i] = best
			}
		} else {
			seg := make([]kmeme.AudioKind, b-a)
			for i := a; i < b; i++ {
				seg[i-a] = kinds[i]
				if seg[i-a] == kmeme.AudioSilence {
					seg[i-a] = best
				}
			}
			copy(labels[a:b], smoothLabels(seg, 50))
		}
		a = b
	}
	trimSpeech(labels, frames)
	// segments
	durS := float64(len(pcm)) / float64(rate)
	start := 0
	for i := 1; i <= n; i++ {
		if i == n || labels[i] != labels[start] {
			end := math.Min(durS, float64(i)*hopS)
			info.Segments = append(info.Segments, kmeme.AudioSegment{Kind: labels[start], Start: round3(float64(start) * hopS), End: round3(end)})
			start = i
		}
	}
	var speechS float64
	var syll int
	for _, s := range info.Segments {
		if s.Kind != kmeme.AudioSpeech {
			continue
		}
		speechS += s.End - s.Start
		syll += countSyllables(frames[int(s.Start/hopS):min(n, int(s.End/hopS))])
	}
	info.SpeechS = round3(speechS)
	if durS > 0 {
		info.SpeechShare = round3(speechS / durS)
	}
	if speechS > 0 {
		info.SyllablesPerS = round3(float64(syll) / speechS)
	}
	return info
}

// soundFrames measures each 10 ms frame.
func soundFrames(pcm []float32, rate int) []soundFrame {
	if rate <= 0 || len(pcm) < rate/10 {
		return nil
	}
	hop := int(float64(rate) * hopS)
	win := hop * 4 // 40 ms
	// a 5.5 kHz copy (4-tap average per output sample at 22.05 kHz) for pitch
	dec := max(1, rate/5500)
	low := make([]float64, len(pcm)/dec)
	for i := range low {
		s := 0.0
		for k := 0; k < dec; k++ {
			s += float64(pcm[i*dec+k])
		}
		low[i] = s / float64(dec)
	}
	lrate := float64(rate) / float64(dec)
	const nfft = 512
	plan := dsp.NewFFT(nfft)
	buf := make([]complex128, nfft)
	hann := make([]float64, nfft)
	for i := range hann {
		hann[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(nfft-1))
	}
	const bands = nBands
	maxBin := min(nfft/2, int(5500*float64(nfft)/float64(rate)))
	prevBands := make([]float64, bands)
	curBands := make([]float64, bands)
	minLag, maxLag := int(lrate/400), int(lrate/75)
	n := len(pcm) / hop
	out := make([]soundFrame, n)
	for i := 0; i < n; i++ {
		c := i*hop + hop/2
		a, b := max(0, c-win/2), min(len(pcm), c+win/2)
		e := 0.0
		for _, v := range pcm[a:b] {
			e += float64(v) * float64(v)
		}
		rms := math.Sqrt(e / float64(max(1, b-a)))
		out[i].db = 20 * math.Log10(rms+1e-9)
		// band energies and their rise since the last frame
		fa := max(0, c-nfft/2)
		for k := range buf {
			v := 0.0
			if fa+k < len(pcm) {
				v = float64(pcm[fa+k]) * hann[k]
			}
			buf[k] = complex(v, 0)
		}
		plan.Transform(buf)
		for bnd := 0; bnd < bands; bnd++ {
			lo, hi := 1+bnd*(maxBin-1)/bands, 1+(bnd+1)*(maxBin-1)/bands
			p := 1e-12
			for k := lo; k < hi; k++ {
				re, im := real(buf[k]), imag(buf[k])
				p += re*re + im*im
			}
			curBands[bnd] = 10 * math.Log10(p)
			out[i].bands[bnd] = float32(curBands[bnd])
		}
		num, den := 0.0, 0.0
		for bnd := 1; bnd <= 20; bnd++ {
			p := math.Pow(10, curBands[bnd]/10)
			num += p * float64(bnd)
			den += p
		}
		out[i].centroid = num / den
		if i > 0 {
			f := 0.0
			for bnd := range curBands {
				if d := curBands[bnd] - prevBands[bnd]; d > 0 {
					f += d
				}
			}
			out[i].flux = f / bands
		}
		prevBands, curBands = curBands, prevBands
		// pitch: normalised autocorrelation on the low copy
		la, lb := a/dec, min(len(low), b/dec)
		seg := low[la:lb]
		if len(seg) > maxLag+8 && out[i].db > silenceDBFS {
			best, bestLag := 0.0, 0
			e0 := 0.0
			for _, v := range seg {
				e0 += v * v
			}
			for lag := minLag; lag <= maxLag; lag++ {
				s, e1, e2 := 0.0, 0.0, 0.0
				for k := 0; k+lag < len(seg); k++ {
					s += seg[k] * seg[k+lag]
					e1 += seg[k] * seg[k]
					e2 += seg[k+lag] * seg[k+lag]
				}
				if d := math.Sqrt(e1 * e2); d > 0 && s/d > best {
					best, bestLag = s/d, lag
				}
			}
			_ = e0
			if best >= 0.6 && bestLag > 0 {
				out[i].voiced = true
				out[i].f0 = lrate / float64(bestLag)
			}
		}
	}
	// silence: absolute floor, or far under the loud part of the file
	dbs := make([]float64, n)
	for i := range out {
		dbs[i] = out[i].db
	}
	sort.Float64s(dbs)
	loud := dbs[int(float64(n-1)*0.95)]
	for i := range out {
		out[i].silent = out[i].db < silenceDBFS || out[i].db < loud-floorBelow
	}
	return out
}

// trimSpeech fits speech stretches to the voice. The windows are a
// second long, so a stretch of talk over a music bed spreads half a
// second into the bed on each side and swallows the bed between two lines.
// The voice stands over the bed: frames far under the stretch's loud
// frames are the bed showing through, at its ends (50 ms or more) and
// inside it (300 ms or more, the longest pause kept inside talk).
func trimSpeech(labels []kmeme.AudioKind, frames []soundFrame) {
	const under, edgeRun, innerRun, growRun = 12.0, 5, 30, 50
	n := len(labels)
	for a := 0; a < n; {
		if labels[a] != kmeme.AudioSpeech {
			a++
			continue
		}
		b := a
		for b < n && labels[b] == kmeme.AudioSpeech {
			b++
		}
		dbs := make([]float64, 0, b-a)
		for i := a; i < b; i++ {
			dbs = append(dbs, frames[i].db)
		}
		sort.Float64s(dbs)
		loud := dbs[len(dbs)*4/5]
		quiet := make([]bool, b-a)
		for i := a; i < b; i++ {
			quiet[i-a] = frames[i].db < loud-under
		}
		// bridge single louder frames (a hit in the bed)
		fillRuns(quiet, false, 3)
		for i := 0; i < len(quiet); {
			if !quiet[i] {
				i++
				continue
			}
			j := i
			for j < len(quiet) && quiet[j] {
				j++
			}
			atEdge := i == 0 || j == len(quiet)
			if (atEdge && j-i >= edgeRun) || j-i >= innerRun {
				for k := i; k < j; k++ {
					labels[a+k] = kmeme.AudioMusic
					if frames[a+k].silent {
						labels[a+k] = kmeme.AudioSilence
					}
				}
			}
			i = j
		}
		// …and the voice may start before the window judged it talk:
		// take in the sounding frames at the voice's level next to the
		// stretch (up to half a second each side)
		voice := func(i int) bool {
			return i >= 0 && i < n && labels[i] != kmeme.AudioSpeech && !frames[i].silent && frames[i].db >= loud-under
		}
		first, last := a, b-1
		for first < b && labels[first] != kmeme.AudioSpeech {
			first++
		}
		for last >= a && labels[last] != kmeme.AudioSpeech {
			last--
		}
		// only where the voice stands over the sound beside it (in music
		// read as talk, the sound beside is as loud)
		standsOut := func(lo, hi int) bool {
			var side []float64
			for i := max(0, lo); i < min(n, hi); i++ {
				if !frames[i].silent && labels[i] != kmeme.AudioSpeech {
					side = append(side, frames[i].db)
				}
			}
			if len(side) < 20 {
				return true // silence beside: nothing to grow into anyway
			}
			sort.Float64s(side)
			return side[len(side)/2] < loud-under
		}
		if first <= last {
			for k := 0; k < growRun && voice(first-1) && standsOut(first-100, first); k++ {
				first--
				labels[first] = kmeme.AudioSpeech
			}
			for k := 0; k < growRun && voice(last+1) && standsOut(last+1, last+101); k++ {
				last++
				labels[last] = kmeme.AudioSpeech
			}
		}
		a = b
	}
}

// classifyWindow labels the frame at the centre of a one-second window.
func classifyWindow(w []soundFrame, env []float64) kmeme.AudioKind {
	var active, voiced, dips int
	var mean float64
	for _, f := range w {
		if !f.silent {
			active++
			mean += f.db
		}
	}
	if active == 0 {
		return kmeme.AudioSilence
	}
	mean /= float64(active)
	for _, f := range w {
		if f.silent || f.db < mean-9 {
			dips++
		}
		if f.voiced {
			voiced++
		}
	}
	dipShare := float64(dips) / float64(len(w))
	voicedShare := float64(voiced) / float64(len(w))
	mod := modulation(env)
	flux := medianFlux(w)
	held := heldPitch(w)
	bandMod := bandModulation(w)
	shape := shapeChange(w)
	flat := flatPitch(w)
	cent := centroidSpread(w)
	f0sd := pitchSpread(w)
	spiky := fluxSpikiness(w)
	// talk: a logistic score fitted on generated one-second windows
	// (espeak-ng Korean alone and over fluidsynth beds, beds of many GM
	// programs, a GM kick under a held pad: seeds 100, 200 and 300 of a
	// scratch corpus, not the bench corpus). Talk modulates every formant
	// band at the syllable rate, changes its spectral shape and centroid
	// between frames (vowels, stops, fricatives) and pauses between words;
	// its pitch glides within a voice's range. Music holds notes (the same
	// pitch frame after frame), its pitch jumps between chord tones, and
	// its spectrum changes at the onsets and rests between them; a kick
	// modulates the loudness but not the bands above it.
	talk := -9.57 + 0.75*flux + 1.107*mod + 9.393*dipShare + 1.801*voicedShare + 5.156*bandMod +
		0.796*shape - 2.269*flat + 0.772*cent - 0.22*f0sd + 0.187*spiky
	switch {
	case talk > 0 && voicedShare >= 0.15:
		return kmeme.AudioSpeech
	case held >= 0.5 && voicedShare >= 0.7 && flux >= 1.3 && mod < 0.5:
		// held notes with a voice's changing spectrum; not validated on a
		// sung corpus (none is generated offline)
		return kmeme.AudioSinging
	default:
		return kmeme.AudioMusic
	}
}

// formant bands: 24 bands span 0–5.5 kHz, so bands 1–15 cover about
// 230 Hz to 3.7 kHz.
const formantLo, formantHi = 1, 15

// bandModulation is the mean over the formant bands of the share of each
// band's energy envelope (floored 40 dB under its peak) that varies at
// 2–8 Hz.
func bandModulation(w []soundFrame) float64 {
	e := make([]float64, len(w))
	sum := 0.0
	for b := formantLo; b <= formantHi; b++ {
		top := math.Inf(-1)
		for i := range w {
			e[i] = float64(w[i].bands[b])
			top = math.Max(top, e[i])
		}
		for i := range e {
			e[i] = math.Max(e[i], top-40)
		}
		sum += modulation(e)
	}
	return sum / float64(formantHi-formantLo+1)
}

// shapeChange is the median over sounding frames of how far the formant
// bands' shape (band energies less their mean, dB) moved in 20 ms.
func shapeChange(w []soundFrame) float64 {
	var ch []float64
	const nb = formantHi - formantLo + 1
	for i := 2; i < len(w); i++ {
		if w[i].silent || w[i-2].silent {
			continue
		}
		var ma, mb float64
		for b := formantLo; b <= formantHi; b++ {
			ma += float64(w[i].bands[b])
			mb += float64(w[i-2].bands[b])
		}
		ma /= nb
		mb /= nb
		d := 0.0
		for b := formantLo; b <= formantHi; b++ {
			d += math.Abs(float64(w[i].bands[b]) - ma - float64(w[i-2].bands[b]) + mb)
		}
		ch = append(ch, d/nb)
	}
	if len(ch) == 0 {
		return 0
	}
	sort.Float64s(ch)
	return ch[len(ch)/2]
}

// flatPitch is the share of pairs of consecutive voiced frames with the
// same pitch lag: a held note keeps it, a speaking voice glides.
func flatPitch(w []soundFrame) float64 {
	pairs, same := 0, 0
	for i := 1; i < len(w); i++ {
		if w[i].voiced && w[i-1].voiced {
			pairs++
			if w[i].f0 == w[i-1].f0 {
				same++
			}
		}
	}
	if pairs == 0 {
		return 0
	}
	return float64(same) / float64(pairs)
}

// centroidSpread is the standard deviation of the spectral centroid over
// the sounding frames, in bands.
func centroidSpread(w []soundFrame) float64 {
	var v []float64
	for _, f := range w {
		if !f.silent {
			v = append(v, f.centroid)
		}
	}
	if len(v) < 3 {
		return 0
	}
	_, sd := meanSD(v)
	return sd
}

// pitchSpread is the standard deviation of the pitch of the voiced frames,
// in semitones: a voice keeps to its range, the pitch read off a chord
// jumps between its tones.
func pitchSpread(w []soundFrame) float64 {
	var v []float64
	for _, f := range w {
		if f.voiced {
			v = append(v, 12*math.Log2(f.f0/100))
		}
	}
	if len(v) < 3 {
		return 0
	}
	_, sd := meanSD(v)
	return sd
}

// fluxSpikiness is the 90th percentile of the spectral rise over its
// median (plus 0.1 dB) across the sounding frames.
func fluxSpikiness(w []soundFrame) float64 {
	var v []float64
	for _, f := range w {
		if !f.silent {
			v = append(v, f.flux)
		}
	}
	if len(v) < 5 {
		return 0
	}
	sort.Float64s(v)
	return v[len(v)*9/10] / (v[len(v)/2] + 0.1)
}

func meanSD(v []float64) (float64, float64) {
	m := 0.0
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	s := 0.0
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	return m, math.Sqrt(s / float64(len(v)))
}

var (
	dftMu    sync.Mutex
	dftCache = map[int][2][]float64{}
)

// heldPitch is the share of the window in voiced runs of 200 ms or more
// whose pitch stays within a semitone from frame to frame: held notes.
func heldPitch(w []soundFrame) float64 {
	held, run := 0, 0
	flush := func() {
		if run >= 20 {
			held += run
		}
		run = 0
	}
	for i, f := range w {
		if !f.voiced {
			flush()
			continue
		}
		if run > 0 && i > 0 && w[i-1].f0 > 0 && math.Abs(12*math.Log2(f.f0/w[i-1].f0)) > 1 {
			flush()
		}
		run++
	}
	flush()
	return float64(held) / float64(len(w))
}

// fillRuns turns runs of the value v shorter than minLen that lie between
// runs of !v into !v.
func fillRuns(m []bool, v bool, minLen int) {
	for i := 0; i < len(m); {
		if m[i] != v {
			i++
			continue
		}
		j := i
		for j < len(m) && m[j] == v {
			j++
		}
		if i > 0 && j < len(m) && j-i < minLen {
			for k := i; k < j; k++ {
				m[k] = !v
			}
		}
		i = j
	}
}

// smoothLabels removes stretches shorter than minFrames by giving them the
// longer neighbour's label.
func smoothLabels(l []kmeme.AudioKind, minFrames int) []kmeme.AudioKind {
	for pass := 0; pass < 3; pass++ {
		type run struct{ a, b int }
		var runs []run
		start := 0
		for i := 1; i <= len(l); i++ {
			if i == len(l) || l[i] != l[start] {
				runs = append(runs, run{start, i})
				start = i
			}
		}
		changed := false
		for k, r := range runs {
			if r.b-r.a >= minFrames || len(runs) == 1 {
				continue
			}
			var with kmeme.AudioKind
			switch {
			case k == 0:
				with = l[runs[1].a]
			case k == len(runs)-1:
				with = l[runs[k-1].a]
			case runs[k-1].b-runs[k-1].a >= runs[k+1].b-runs[k+1].a:
				with = l[runs[k-1].a]
			default:
				with = l[runs[k+1].a]
			}
			for i := r.a; i < r.b; i++ {
				l[i] = with
			}
			changed = true
		}
		if !changed {
			break
		}
	}
	return l
}

// medianFlux is the median spectral rise in the window.
func medianFlux(w []soundFrame) float64 {
	v := make([]float64, 0, len(w))
	for _, f := range w {
		if !f.silent {
			v = append(v, f.flux)
		}
	}
	if len(v) == 0 {
		return 0
	}
	sort.Float64s(v)
	return v[len(v)/2]
}

// AnalyzeSound classifies mono PCM at rate into speech, singing, music and
// silence and measures the speech rate: the sound half of Finish.
func AnalyzeSound(pcm []float32, rate int) *kmeme.SpeechInfo { return analyzeSound(pcm, rate) }
