// Package analysis runs the measuring engine on one file: it probes and
// decodes with media, then runs beat, shot and structure, and returns a
// kmeme.Analysis. The CLI (`kmeme analyze`) and the job worker both call
// Run.
package analysis

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/kmeme-factory/kmeme/internal/beat"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/media"
	"github.com/kmeme-factory/kmeme/internal/perception"
	"github.com/kmeme-factory/kmeme/internal/progress"
	"github.com/kmeme-factory/kmeme/internal/shot"
	"github.com/kmeme-factory/kmeme/internal/structure"
)

// Options configure Run. The zero value is ready to use.
type Options struct {
	// Limits bound the file and the decoders; zero fields take media's defaults.
	Limits media.Limits
	// Tools are the ffmpeg and ffprobe that run (PATH's by default).
	Tools media.Tools
	// Probe, when the caller already probed the file (media.Tools.Probe or
	// Probed, for the same path), is used instead of running ffprobe again.
	Probe *media.Info
	// KeyframeDir, when set, receives one JPEG per shot (shot-001.jpg, …).
	KeyframeDir string
	// Progress receives stage reports; nil means none.
	Progress progress.Func
	// ContentHash, when the caller already hashed the file (HashFile), is
	// used instead of reading the file once more.
	ContentHash string
	// NoPerception skips the perception stage (Analysis.Perception stays nil).
	NoPerception bool
	// Perception configures the perception stage.
	Perception perception.Options
}

// SampleRate is the rate audio is decoded at for beat tracking.
const SampleRate = 22050

// DetectionFrames are the frames shot detection is fed: small luma
// frames from a decode without the in-loop filter.
var DetectionFrames = media.FrameOptions{Fast: true, Gray: true}

// DetectCuts runs shot detection alone on a probed file: the cuts and
// shots Run would find, without beats or perception (the cut bench uses it).
func DetectCuts(ctx context.Context, info *media.Info, lim media.Limits) ([]shot.Cut, []shot.Shot, error) {
	if info.Video == nil {
		return nil, nil, nil
	}
	var det *shot.Detector
	_, err := media.DecodeFrames(ctx, info, lim, DetectionFrames, func(f media.Frame) error {
		if det == nil {
			det = shot.NewDetector(f.FPS, shot.Options{})
		}
		det.Push(f.Pix, f.Width, f.Height)
		return nil
	})
	if err != nil || det == nil {
		return nil, nil, err
	}
	cuts, shots := det.Finish(info.DurationS)
	return cuts, shots, nil
}

// hookWindowS is the span the hook measure looks at.
const hookWindowS = 3

// Run analyses the file at path. Errors about the file itself are
// *kmeme.Error (EINVALID, EUNSUPPORTED, ETOOLARGE); a cancelled ctx stops
// every ffmpeg process before Run returns.
func Run(ctx context.Context, path string, opt Options) (*kmeme.Analysis, error) {
	report := opt.Progress
	if report == nil {
		report = progress.Nop
	}
	timing := map[string]float64{}
	t0 := time.Now()
	report("probe", 0)
	info, err := opt.Probe, error(nil)
	if info == nil {
		if info, err = opt.Tools.Probe(ctx, path, opt.Limits); err != nil {
			return nil, err
		}
	}
	timing["probe"] = since(t0)
	hash := opt.ContentHash
	if hash == "" {
		if hash, err = HashFile(info.Path); err != nil {
			return nil, fmt.Errorf("analyze %s: %w", path, err)
		}
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// perception: its sample frames come out of the same video decode
	var perc *perception.Session
	if !opt.NoPerception {
		popt := opt.Perception
		if popt.Limits == (media.Limits{}) {
			popt.Limits = opt.Limits
		}
		perc = perception.Start(info, popt)
		defer perc.Close()
	}

	type audioOut struct {
		pcm   []float32
		res   beat.Result
		sound *kmeme.SpeechInfo // perception's sound classes, measured here beside the video decode
		secs  float64
		sndS  float64
		err   error
	}
	audioC := make(chan audioOut, 1)
	go func() {
		t := time.Now()
		pcm, err := media.DecodeAudio(ctx, info, opt.Limits, SampleRate)
		if err != nil {
			cancel()
			audioC <- audioOut{err: err}
			return
		}
		out := audioOut{pcm: pcm}
		if info.Audio == nil {
			out.res = beat.Result{Reason: beat.ReasonNoAudio, Env: &beat.Envelope{Rate: 1}}
		} else {
			// the sound classes are perception's, and an input of the
			// beat decision: talk alone has no tempo
			ts := time.Now()
			out.sound = perception.AnalyzeSound(pcm, SampleRate)
			out.sndS = since(ts)
			out.res = beat.Analyze(pcm, SampleRate, beat.Options{Heard: heardIn(out.sound)})
		}
		out.secs = since(t)
		audioC <- out
	}()

	var (
		cuts     []shot.Cut
		shots    []shot.Shot
		motion   []float32
		fps      float64
		videoErr error
	)
	tv := time.Now()
	if info.Video != nil {
		expected := math.Max(1, info.DurationS*math.Min(info.Video.FPS, 60))
		var det *shot.Detector
		fps, videoErr = media.DecodeFramesWithSamples(ctx, info, opt.Limits, DetectionFrames, perc.SampleOptions(), func(f media.Frame) error {
			if det == nil {
				det = shot.NewDetector(f.FPS, shot.Options{})
			}
			det.Push(f.Pix, f.Width, f.Height)
			if f.Index%15 == 0 {
				report("video", 0.05+0.85*math.Min(1, float64(f.Index)/expected))
			}
			return nil
		}, perc.Push)
		if videoErr != nil {
			cancel()
		} else if det != nil {
			cuts, shots = det.Finish(info.DurationS)
			motion = det.Motion()
		}
	}
	timing["video"] = since(tv)
	ao := <-audioC
	if ao.err != nil && !errors.Is(ao.err, context.Canceled) {
		return nil, decodeError(ctx, "audio", ao.err)
	}
	if videoErr != nil {
		return nil, decodeError(ctx, "video", videoErr)
	}
	if ao.err != nil {
		return nil, decodeError(ctx, "audio", ao.err)
	}
	timing["audio"] = ao.secs
	if ao.sound != nil {
		timing["perception_sound"] = ao.sndS
	}
	report("structure", 0.92)

	a := build(info, hash, ao.res, cuts, shots, motion, fps)
	if !opt.NoPerception {
		tp := time.Now()
		report("perception", 0.92)
		a.Perception = perc.Finish(ctx, perception.Input{Path: info.Path, DurationS: info.DurationS, Shots: a.Shots,
			HasAudio: info.Audio != nil, PCM: ao.pcm, Rate: SampleRate, Sound: ao.sound})
		timing["perception"] = since(tp)
	}
	if opt.KeyframeDir != "" && info.Video != nil {
		tk := time.Now()
		for i := range a.Shots {
			name := fmt.Sprintf("shot-%03d.jpg", i+1)
			if err := media.WriteKeyframe(ctx, info, opt.Limits, a.Shots[i].KeyframeT, filepath.Join(opt.KeyframeDir, name), 720); err != nil {
				return nil, fmt.Errorf("analyze %s: %w", path, err)
			}
			a.Shots[i].Keyframe = name
			report("keyframes", 0.93+0.07*float64(i+1)/float64(len(a.Shots)))
		}
		timing["keyframes"] = since(tk)
	}
	timing["total"] = since(t0)
	a.Timing = timing
	report("done", 1)
	return a, nil
}

// heardIn sums the sound classifier's segments for the beat decision.
func heardIn(s *kmeme.SpeechInfo) *beat.Heard {
	if s == nil {
		return nil
	}
	h := &beat.Heard{}
	for _, g := range s.Segments {
		switch g.Kind {
		case kmeme.AudioSpeech:
			h.SpeechS += g.End - g.Start
		case kmeme.AudioMusic, kmeme.AudioSinging:
			h.MusicS += g.End - g.Start
		}
	}
	return h
}

// decodeError turns a decoder failure into a domain error; cancellation
// and timeouts pass through so callers can tell them apart.
func decodeError(ctx context.Context, what string, err error) error {
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return fmt.Errorf("decode %s: %w", what, err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &kmeme.Error{Code: kmeme.ETOOLARGE, Message: fmt.Sprintf("decoding the %s took longer than the limit", what), Err: err}
	}
	return &kmeme.Error{Code: kmeme.EINVALID, Message: fmt.Sprintf("corrupt or undecodable %s stream", what), Err: err}
}

// build assembles the Analysis from the parts.
func build(info *media.Info, hash string, br beat.Result, cuts []shot.Cut, shots []shot.Shot, motion []float32, fps float64) *kmeme.Analysis {
	a := &kmeme.Analysis{
		Version:     kmeme.AnalysisVersion,
		ContentHash: hash,
		DurationS:   ms(info.DurationS),
		Beats:       []float64{},
		Downbeats:   []float64{},
		Cuts:        []kmeme.Cut{},
		Shots:       []kmeme.Shot{},
		Sections:    []kmeme.Section{},
	}
	if v := info.Video; v != nil {
		a.Video = &kmeme.VideoInfo{Width: v.Width, Height: v.Height, FPS: ms(v.FPS), Codec: v.Codec, Rotation: v.Rotation, Frames: v.Frames}
	}
	if au := info.Audio; au != nil {
		a.Audio = &kmeme.AudioInfo{SampleRate: au.SampleRate, Channels: au.Channels, Codec: au.Codec}
	}
	a.Tempo = kmeme.Tempo{Confidence: ms(br.Confidence), Reason: br.Reason}
	if br.BPM > 0 {
		bpm := math.Round(br.BPM*100) / 100
		a.Tempo.BPM = &bpm
		a.Meter = br.Meter
		a.Beats = msAll(br.Beats)
		a.Downbeats = msAll(br.Downbeats)
		if br.BPMAlt > 0 {
			alt := math.Round(br.BPMAlt*100) / 100
			a.Tempo.BPMAlt = &alt
		}
		for _, c := range br.Changes {
			a.Tempo.Changes = append(a.Tempo.Changes, kmeme.TempoChange{T: ms(c.T), BPM: math.Round(c.BPM*100) / 100})
		}
	}
	a.Onsets = msAll(br.Onsets)
	var cutTimes []float64
	for _, c := range cuts {
		a.Cuts = append(a.Cuts, kmeme.Cut{T: ms(c.T), Kind: kmeme.CutKind(c.Kind), Start: ms(c.Start), End: ms(c.End), Confidence: ms(c.Confidence)})
		cutTimes = append(cutTimes, c.T)
	}
	for _, s := range shots {
		a.Shots = append(a.Shots, kmeme.Shot{Start: ms(s.Start), End: ms(s.End), KeyframeT: ms(s.KeyframeT), Motion: ms(s.Motion), Brightness: ms(s.Brightness)})
	}
	env := br.Env
	if env == nil {
		env = &beat.Envelope{Rate: 1}
	}
	en := structure.EnergyCurve(env.RMS, env.Rate, 0.25)
	a.Energy = kmeme.Energy{HopS: en.HopS, Values: en.Values, MeanDB: en.MeanDB, PeakDB: en.PeakDB, PeakT: en.PeakT}
	if a.Energy.Values == nil {
		a.Energy.Values = []float64{}
	}
	speech := br.BPM == 0 && (br.Reason == beat.ReasonNoBeat || br.Reason == beat.ReasonSpeech)
	for _, s := range structure.Sections(en, br.Downbeats, info.DurationS, speech) {
		a.Sections = append(a.Sections, kmeme.Section{Label: kmeme.SectionLabel(s.Label), Start: s.Start, End: s.End, StartBar: s.StartBar, EndBar: s.EndBar, Energy: s.Energy})
	}
	h := structure.MeasureHook(hookWindowS, info.DurationS, cutTimes, br.Onsets, motion, fps)
	a.Hook = kmeme.Hook{WindowS: h.WindowS, Cuts: h.Cuts, CutDensity: h.CutDensity, OnsetDensity: h.OnsetDensity, Motion: h.Motion, Score: h.Score}
	for _, p := range structure.Pauses(env.RMS, env.Rate, 0.4) {
		a.Pauses = append(a.Pauses, kmeme.Interval{Start: p.Start, End: p.End})
	}
	a.CutsOnBeats = structure.CutsOnBeats(cutTimes, br.Beats, 0.07)
	return a
}

// HashFile returns the hex SHA-256 of a file: the content hash that keys
// analyses, caches and deduplication.
func HashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("hash: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func since(t time.Time) float64 { return ms(time.Since(t).Seconds()) }

func ms(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return math.Round(x*1000) / 1000
}

func msAll(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = ms(x)
	}
	return out
}
