// Package recipetest builds synthetic analyses for tests of the planner,
// the renderers and the AI adapters, so they need no media and no ffmpeg.
package recipetest

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// Music returns a plausible analysis of a music video lasting dur seconds
// at bpm, with meter beats per bar, shots every few bars, sections with a
// drop, and keyframe names "shot-NNN.jpg". seed varies motion, cut times
// and energy so different seeds look like different videos.
func Music(seed uint64, dur, bpm float64, meter int) *kmeme.Analysis {
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	period := 60 / bpm
	first := r.Float64() * period * 0.9
	a := &kmeme.Analysis{
		Version: kmeme.AnalysisVersion, ContentHash: fmt.Sprintf("%064x", seed+1), DurationS: dur,
		Video: &kmeme.VideoInfo{Width: 1080, Height: 1920, FPS: 30},
		Audio: &kmeme.AudioInfo{SampleRate: 44100, Channels: 2},
		Tempo: kmeme.Tempo{BPM: &bpm, Confidence: 0.6 + 0.4*r.Float64()}, Meter: meter,
	}
	for t := first; t < dur; t += period {
		a.Beats = append(a.Beats, round3(t))
	}
	pick := r.IntN(meter)
	for i := pick; i < len(a.Beats); i += meter {
		a.Downbeats = append(a.Downbeats, a.Beats[i])
	}
	// Source cuts on some downbeats, every 1–3 bars.
	prev := 0.0
	for i := pick; i < len(a.Beats); i += meter * (1 + r.IntN(3)) {
		t := a.Beats[i]
		if t-prev < 0.5 || dur-t < 0.5 {
			continue
		}
		a.Cuts = append(a.Cuts, kmeme.Cut{T: t, Kind: kmeme.CutHard, Start: t, End: t, Confidence: 0.9})
		prev = t
	}
	a.Shots = shotsFromCuts(a.Cuts, dur, r)
	// Sections: intro, build, drop, (break), outro by fractions jittered per seed.
	fr := []float64{0, 0.1 + 0.1*r.Float64(), 0.35 + 0.1*r.Float64(), 0.75 + 0.1*r.Float64(), 1}
	labels := []kmeme.SectionLabel{kmeme.SectionIntro, kmeme.SectionBuild, kmeme.SectionDrop, kmeme.SectionOutro}
	if r.IntN(2) == 0 {
		labels[3] = kmeme.SectionBreak
	}
	for i, l := range labels {
		s, e := snap(a.Downbeats, fr[i]*dur), snap(a.Downbeats, fr[i+1]*dur)
		if i == 0 {
			s = 0
		}
		if i == len(labels)-1 {
			e = dur
		}
		if e > s {
			a.Sections = append(a.Sections, kmeme.Section{Label: l, Start: s, End: e, Energy: 0.3 + 0.2*float64(i%3)})
		}
	}
	a.Energy = kmeme.Energy{HopS: 0.5, MeanDB: -18, PeakDB: -6, PeakT: a.Sections[min(2, len(a.Sections)-1)].Start}
	for t := 0.0; t < dur; t += 0.5 {
		a.Energy.Values = append(a.Energy.Values, 0.5+0.5*math.Sin(t))
	}
	a.Hook = kmeme.Hook{WindowS: 3, Score: r.Float64()}
	return a
}

// Speech returns an analysis with no tempo: a talking head with pauses
// and a few shot changes.
func Speech(seed uint64, dur float64) *kmeme.Analysis {
	r := rand.New(rand.NewPCG(seed, seed^0xabc))
	a := &kmeme.Analysis{
		Version: kmeme.AnalysisVersion, ContentHash: fmt.Sprintf("%064x", seed+1000), DurationS: dur,
		Video: &kmeme.VideoInfo{Width: 720, Height: 1280, FPS: 29.97},
		Audio: &kmeme.AudioInfo{SampleRate: 48000, Channels: 1},
		Tempo: kmeme.Tempo{Reason: "speech"}, Beats: []float64{}, Downbeats: []float64{},
	}
	for t := 1.2 + r.Float64(); t < dur-0.5; t += 1.5 + 2.5*r.Float64() {
		a.Pauses = append(a.Pauses, kmeme.Interval{Start: round3(t), End: round3(t + 0.25 + 0.3*r.Float64())})
	}
	for t := 3 + 3*r.Float64(); t < dur-1; t += 4 + 5*r.Float64() {
		a.Cuts = append(a.Cuts, kmeme.Cut{T: round3(t), Kind: kmeme.CutHard, Start: round3(t), End: round3(t)})
	}
	a.Shots = shotsFromCuts(a.Cuts, dur, r)
	a.Sections = []kmeme.Section{{Label: kmeme.SectionSpeech, Start: 0, End: dur, Energy: 0.4}}
	return a
}

func shotsFromCuts(cuts []kmeme.Cut, dur float64, r *rand.Rand) []kmeme.Shot {
	var out []kmeme.Shot
	s := 0.0
	for i := 0; i <= len(cuts); i++ {
		e := dur
		if i < len(cuts) {
			e = cuts[i].T
		}
		out = append(out, kmeme.Shot{
			Start: s, End: e, KeyframeT: round3((s + e) / 2),
			Keyframe: fmt.Sprintf("shot-%03d.jpg", len(out)+1), Motion: round3(r.Float64()), Brightness: 0.5,
		})
		s = e
	}
	return out
}

func snap(ts []float64, t float64) float64 {
	best, bestD := t, math.Inf(1)
	for _, x := range ts {
		if d := math.Abs(x - t); d < bestD {
			best, bestD = x, d
		}
	}
	return best
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
