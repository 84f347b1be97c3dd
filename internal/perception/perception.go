// Package perception is the analysis stage that looks at what is in the
// video, offline: people and framing per shot (OpenCV cascades and HOG via
// gocv), on-screen text (our text-region finder, Tesseract for reading),
// speech, singing, music and silence (our own audio features), and camera
// movement (dense optical flow from OpenCV, our own global-motion fit).
//
// It reads sample frames from the analysis's single decode pass
// (media.DecodeFramesWithSamples): Start a Session, hand Session.Push to the
// decoder, then Finish with the shots and the decoded audio. Everything
// that could not be measured — a missing tool, language pack or audio
// stream, transcription offline — is listed in Perception.NotMeasured, never
// guessed.
package perception

import (
	"context"
	"fmt"
	"math"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/media"
)

// Options configure a Session. The zero value is ready to use.
type Options struct {
	// Limits bound the helper processes (tesseract) like ffmpeg.
	Limits media.Limits
	// Tesseract is the tesseract program; default "tesseract" on PATH.
	Tesseract string
	// TessdataDir, when set, is passed to tesseract as --tessdata-dir
	// (otherwise TESSDATA_PREFIX or tesseract's own default applies).
	TessdataDir string
	// CascadeDir holds OpenCV's cascades (haarcascades/, lbpcascades/);
	// default /usr/share/opencv4 (Debian's opencv-data).
	CascadeDir string
	// SampleFPS is how many sample frames a second are looked at; default 2.
	SampleFPS float64
	// Transcriber, when set, transcribes the speech segments.
	Transcriber kmeme.Transcriber
	// TempDir holds the frame spool and OCR crops; default os.TempDir().
	TempDir string
}

// Sample frame geometry: the shorter side of the text/camera frames, and
// the width the people detectors work at (for a vertical video).
const (
	sampleShort = 432
	sampleLong  = 1024
	peopleShort = 216
)

// Session collects what the sample frames show while the video decodes.
type Session struct {
	opt    Options
	info   *media.Info
	sw, sh int // sample frame size
	pw, ph int // people frame size
	mu     sync.Mutex
	spool  *spool
	times  []float64
	text   *textTracker
	doneN  int // text.done tracks looked at by queueDone
	early  *earlyReader
	cam    *cameraTracker
	err    error
}

// Start prepares a session for a file with a video stream; it returns nil
// for a file without video (Finish on a nil Session measures the sound only).
func Start(info *media.Info, opt Options) *Session {
	if info == nil || info.Video == nil || info.Video.Width <= 0 || info.Video.Height <= 0 {
		return nil
	}
	if opt.SampleFPS <= 0 {
		opt.SampleFPS = 2
	}
	if opt.TempDir == "" {
		opt.TempDir = os.TempDir()
	}
	s := &Session{opt: opt, info: info}
	s.sw, s.sh = fitShort(info.Video.Width, info.Video.Height, sampleShort, sampleLong)
	s.pw, s.ph = fitShort(s.sw, s.sh, peopleShort, sampleLong*peopleShort/sampleShort)
	s.text = newTextTracker(s.sw, s.sh)
	s.early = newEarlyReader(opt)
	s.cam = newCameraTracker()
	return s
}

// fitShort scales w×h so the shorter side is short (never upscaling) and
// the longer at most long; both even.
func fitShort(w, h, short, long int) (int, int) {
	f := float64(short) / float64(min(w, h))
	if g := float64(long) / float64(max(w, h)); g < f {
		f = g
	}
	if f > 1 {
		f = 1
	}
	even := func(x float64) int { return max(2, int(math.Round(x/2))*2) }
	return even(float64(w) * f), even(float64(h) * f)
}

// SampleOptions is what the decoder must deliver to Push.
func (s *Session) SampleOptions() media.SampleOptions {
	if s == nil {
		return media.SampleOptions{}
	}
	return media.SampleOptions{Width: s.sw, Height: s.sh, FPS: s.opt.SampleFPS}
}

// Push takes one gray sample frame (SampleOptions' size). A failure inside
// perception is recorded, not returned: it must never stop the analysis.
func (s *Session) Push(f media.Frame) error {
	if s == nil || f.Width != s.sw || f.Height != s.sh || len(f.Pix) < s.sw*s.sh {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return nil
	}
	if s.spool == nil {
		sp, err := newSpool(s.opt.TempDir, s.sw*s.sh)
		if err != nil {
			s.err = err
			return nil
		}
		s.spool = sp
	}
	if err := s.spool.write(f.Pix); err != nil {
		s.err = err
		return nil
	}
	s.times = append(s.times, f.T)
	s.text.push(f.T, f.Pix)
	s.queueDone()
	s.cam.push(f.T, f.Pix, s.sw, s.sh)
	return nil
}

// queueDone hands the text tracks that ended at the last sample to the
// background reader: those readTexts will read itself — seen twice or
// more, among the first maxOCRCrops, not taking an earlier region's
// reading. A track's place in that order is settled when it ends (a track
// begun later sorts after it, and so do the tracks seen once), so a
// region queued is nearly always one readTexts reads, and one it does not
// read only costs the time. s.mu is held.
func (s *Session) queueDone() {
	done := s.text.done[s.doneN:]
	s.doneN = len(s.text.done)
	ended := map[*track]bool{}
	for _, tr := range done {
		if tr.seen >= 2 {
			ended[tr] = true
		}
	}
	if len(ended) == 0 || s.early.batch <= 0 {
		return
	}
	pick := picked(s.text.tracks())
	same := dedupe(pick)
	var ready []*track
	for i, tr := range pick {
		if ended[tr] && same[i] < 0 && i < maxOCRCrops {
			ready = append(ready, tr)
		}
	}
	s.early.add(ready)
}

// Close removes the spool, stops the background text reader and removes
// its crops. Finish calls it; call it when Finish is not
// reached (a failed decode).
func (s *Session) Close() {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.spool != nil {
		s.spool.close()
		s.spool = nil
	}
	s.early.close()
	s.cam.close()
}

// Input is what Finish needs besides the sample frames.
type Input struct {
	Path      string       // the media file (for a Transcriber)
	DurationS float64      // the file's duration
	Shots     []kmeme.Shot // the analysis's shots
	HasAudio  bool         // the file has an audio stream
	PCM       []float32    // mono audio, nil without audio
	Rate      int          // PCM sample rate
	// Sound, when set, is AnalyzeSound's result for PCM, measured by the
	// caller beside the video decode (the analysis does, on its audio
	// goroutine); Finish then does not measure it again.
	Sound *kmeme.SpeechInfo
}

// Finish measures people per shot, reads the tracked texts, classifies the
// sound and the camera, and returns the Perception. It never fails: what it
// could not measure is in NotMeasured.
func (s *Session) Finish(ctx context.Context, in Input) *kmeme.Perception {
	p := &kmeme.Perception{Shots: []kmeme.ShotPerception{}, Texts: []kmeme.ScreenText{}, Engines: map[string]string{}}
	opt := Options{}
	if s != nil {
		opt = s.opt
		defer s.Close()
	}
	var wg sync.WaitGroup
	if s == nil {
		p.NotMeasured = append(p.NotMeasured,
			kmeme.NotMeasured{What: "people", Reason: "no video stream"},
			kmeme.NotMeasured{What: "text", Reason: "no video stream"},
			kmeme.NotMeasured{What: "camera", Reason: "no video stream"})
	} else {
		s.mu.Lock()
		err := s.err
		s.mu.Unlock()
		if err != nil || len(s.times) == 0 {
			reason := "no sample frames decoded"
			if err != nil {
				reason = "sample frames unavailable: " + err.Error()
			}
			for _, w := range []string{"people", "text", "camera"} {
				p.NotMeasured = append(p.NotMeasured, kmeme.NotMeasured{What: w, Reason: reason})
			}
		} else {
			// OCR runs as its own process while the detectors use this one
			var texts []kmeme.ScreenText
			var textNotes []kmeme.NotMeasured
			var textEngine string
			ocrDone := make(chan struct{})
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer close(ocrDone)
				t0 := time.Now()
				texts, textEngine, textNotes = s.readTexts(ctx, in.DurationS)
				trace("text read in %.2f s", time.Since(t0).Seconds())
			}()
			t0 := time.Now()
			shots := in.Shots
			if len(shots) == 0 && in.DurationS > 0 {
				shots = []kmeme.Shot{{Start: 0, End: in.DurationS, KeyframeT: in.DurationS / 2}}
			}
			people, engines, notes := s.measurePeople(ctx, shots, ocrDone)
			trace("people measured in %.2f s (%d shots)", time.Since(t0).Seconds(), len(shots))
			for k, v := range engines {
				p.Engines[k] = v
			}
			p.NotMeasured = append(p.NotMeasured, notes...)
			cams := s.cam.classify(shots)
			for i := range people {
				people[i].Camera = cams[i].motion
				people[i].SubjectMotion = round3(cams[i].subject)
			}
			if len(people) > 0 {
				p.Engines["camera"] = "opencv " + cvVersion() + " pyramidal Lucas-Kanade point tracking + kmeme global-motion fit"
			}
			p.Shots = people
			wg.Wait()
			if texts != nil {
				p.Texts = texts
			}
			if textEngine != "" {
				p.Engines["text"] = textEngine
			}
			p.NotMeasured = append(p.NotMeasured, textNotes...)
		}
	}
	if !in.HasAudio || in.Rate <= 0 {
		p.NotMeasured = append(p.NotMeasured, kmeme.NotMeasured{What: "speech", Reason: "no audio stream"})
	} else {
		sp := in.Sound
		if sp == nil {
			sp = analyzeSound(in.PCM, in.Rate)
		}
		p.Speech = sp
		p.Engines["speech"] = "kmeme audio classifier (pauses, 2–8 Hz loudness modulation, spectral flux and centroid spread, held and gliding pitch)"
		switch {
		case sp.SpeechS == 0:
		case opt.Transcriber == nil:
			p.NotMeasured = append(p.NotMeasured, kmeme.NotMeasured{What: "transcript", Reason: "no transcriber configured; no speech model is available offline"})
		default:
			var speech []kmeme.AudioSegment
			for _, seg := range sp.Segments {
				if seg.Kind == kmeme.AudioSpeech {
					speech = append(speech, seg)
				}
			}
			lines, err := opt.Transcriber.Transcribe(ctx, in.Path, speech)
			if err != nil {
				p.NotMeasured = append(p.NotMeasured, kmeme.NotMeasured{What: "transcript", Reason: "transcriber failed: " + oneLine(err.Error())})
			} else {
				sp.Transcript = lines
				if len(lines) > 0 {
					p.Engines["transcript"] = lines[0].Engine
				}
			}
		}
	}
	sort.SliceStable(p.NotMeasured, func(i, j int) bool { return p.NotMeasured[i].What < p.NotMeasured[j].What })
	return p
}

// trace prints stage timings to stderr when KMEME_PERCEPTION_TRACE is set.
func trace(format string, args ...any) {
	if os.Getenv("KMEME_PERCEPTION_TRACE") != "" {
		fmt.Fprintf(os.Stderr, "perception: "+format+"\n", args...)
	}
}

func round3(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return math.Round(x*1000) / 1000
}

func oneLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	if len(s) > 200 {
		return s[:200]
	}
	return s
}

// spool keeps the sample frames on disk so memory stays flat with
// the duration.
type spool struct {
	f    *os.File
	size int
	n    int
}

func newSpool(dir string, size int) (*spool, error) {
	f, err := os.CreateTemp(dir, "kmeme-perception-*.raw")
	if err != nil {
		return nil, fmt.Errorf("perception spool: %w", err)
	}
	_ = os.Remove(f.Name()) // unlinked: the file goes when it is closed
	return &spool{f: f, size: size}, nil
}

func (s *spool) write(pix []byte) error {
	if _, err := s.f.Write(pix[:s.size]); err != nil {
		return fmt.Errorf("perception spool: %w", err)
	}
	s.n++
	return nil
}

func (s *spool) read(i int, dst []byte) error {
	if i < 0 || i >= s.n {
		return fmt.Errorf("perception spool: frame %d of %d", i, s.n)
	}
	_, err := s.f.ReadAt(dst[:s.size], int64(i)*int64(s.size))
	return err
}

func (s *spool) close() { _ = s.f.Close() }
