package kmeme

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"runtime/debug"
	"sync"
)

// AnalysisVersion is the version of the Analysis JSON contract. Bump it when
// a field changes meaning; caches key on it so old results are not reused.
// Version 2: the perception stage, bpm_alt and tempo changes, the new tracker.
const AnalysisVersion = "2"

// Engine identifies the build of the measuring engine: the VCS revision
// the binary was built from when it was built from a clean tree, else the
// first 12 hex digits of the executable's SHA-256 (builds here run with
// -buildvcs=false), else "dev". Caches of analyses key on it beside
// AnalysisVersion, so a new engine does not serve an old one's
// measurements (a tempo the old beat decision invented for talk, say);
// stored remix nodes keep what they were made with.
var Engine = sync.OnceValue(func() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if len(rev) >= 12 && !dirty {
			return rev[:12]
		}
	}
	exe, err := os.Executable()
	if err != nil {
		return "dev"
	}
	f, err := os.Open(exe)
	if err != nil {
		return "dev"
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "dev"
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
})

// AnalysisCacheKey is the part of an analysis cache key that changes with
// the contract and the engine: "v2-<engine>".
func AnalysisCacheKey() string { return "v" + AnalysisVersion + "-" + Engine() }

// Analysis is what the measuring engine says about one video. All times are
// seconds from the start of the file. It is the JSON printed by
// `kmeme analyze FILE --json` and stored with every remix node.
type Analysis struct {
	Version     string     `json:"version"`
	ContentHash string     `json:"content_hash,omitempty"` // hex SHA-256 of the file
	DurationS   float64    `json:"duration_s"`
	Video       *VideoInfo `json:"video"` // nil for audio-only files
	Audio       *AudioInfo `json:"audio"` // nil for files with no audio stream

	Tempo     Tempo     `json:"tempo"`
	Meter     int       `json:"meter,omitempty"` // beats per bar (3 or 4) when there is a tempo
	Beats     []float64 `json:"beats"`
	Downbeats []float64 `json:"downbeats"`
	Onsets    []float64 `json:"onsets,omitempty"`

	Cuts  []Cut  `json:"cuts"`
	Shots []Shot `json:"shots"`

	Sections []Section `json:"sections"`
	Energy   Energy    `json:"energy"`
	Hook     Hook      `json:"hook"`
	// Pauses are stretches of near silence in the audio; a plan for a video
	// with no steady beat cuts on them.
	Pauses []Interval `json:"pauses,omitempty"`
	// CutsOnBeats counts cuts whose time is within 70 ms of a beat.
	CutsOnBeats int `json:"cuts_on_beats"`

	// Perception is what the local perception stage measured on screen and
	// in the sound; nil when the stage did not run.
	Perception *Perception `json:"perception,omitempty"`
	// Semantics is filled by an optional vision model (Gemini); it never
	// changes a measured time or overrides a perceived fact.
	Semantics *Semantics `json:"semantics,omitempty"`
	// Timing reports how long each stage took, for benchmarks and logs.
	Timing map[string]float64 `json:"timing_s,omitempty"`
}

// VideoInfo describes the picture as displayed (rotation applied).
type VideoInfo struct {
	Width    int     `json:"width"`
	Height   int     `json:"height"`
	FPS      float64 `json:"fps"`
	Codec    string  `json:"codec,omitempty"`
	Rotation int     `json:"rotation,omitempty"`
	Frames   int     `json:"frames,omitempty"`
}

// AudioInfo describes the first audio stream.
type AudioInfo struct {
	SampleRate int    `json:"sample_rate"`
	Channels   int    `json:"channels"`
	Codec      string `json:"codec,omitempty"`
}

// Tempo is the measured tempo. BPM is nil when there is no steady beat;
// Reason then says why (speech only, silence, no audio track).
type Tempo struct {
	BPM        *float64 `json:"bpm"`
	Confidence float64  `json:"confidence"`
	Reason     string   `json:"reason,omitempty"`
	// BPMAlt is the other octave a listener might tap (half or double BPM),
	// so a plan can offer a half-time or double-time version.
	BPMAlt *float64 `json:"bpm_alt,omitempty"`
	// Changes lists real tempo changes inside the file, when there are any.
	Changes []TempoChange `json:"changes,omitempty"`
}

// TempoChange is a point where the music's tempo really changes.
type TempoChange struct {
	T   float64 `json:"t"`
	BPM float64 `json:"bpm"`
}

// CutKind is the kind of a shot transition.
type CutKind string

// Transition kinds.
const (
	CutHard     CutKind = "cut"
	CutDissolve CutKind = "dissolve"
	CutFade     CutKind = "fade"
	CutWipe     CutKind = "wipe"
)

// Cut is one transition between shots. For a hard cut T == Start == End
// and T is the time of the first frame of the new shot; a gradual
// transition has Start < T < End.
type Cut struct {
	T     float64 `json:"t"`
	Kind  CutKind `json:"kind"`
	Start float64 `json:"start"`
	End   float64 `json:"end"`
	// Confidence is in [0,1].
	Confidence float64 `json:"confidence,omitempty"`
}

// Shot is a stretch between transitions, with the time of its most
// representative sharp frame.
type Shot struct {
	Start     float64 `json:"start"`
	End       float64 `json:"end"`
	KeyframeT float64 `json:"keyframe_t"`
	// Keyframe is the file name of the keyframe JPEG when one was written.
	Keyframe string `json:"keyframe,omitempty"`
	// Motion is the mean inter-frame difference inside the shot, in [0,1].
	Motion float64 `json:"motion,omitempty"`
	// Brightness is the mean luma of the keyframe, in [0,1].
	Brightness float64 `json:"brightness,omitempty"`
}

// SectionLabel names a part of the song or video structure.
type SectionLabel string

// Section labels.
const (
	SectionIntro  SectionLabel = "intro"
	SectionVerse  SectionLabel = "verse"
	SectionBuild  SectionLabel = "build"
	SectionDrop   SectionLabel = "drop"
	SectionBreak  SectionLabel = "break"
	SectionOutro  SectionLabel = "outro"
	SectionSpeech SectionLabel = "speech"
)

// Section is a labelled stretch, aligned to bars when there is a tempo.
type Section struct {
	Label    SectionLabel `json:"label"`
	Start    float64      `json:"start"`
	End      float64      `json:"end"`
	StartBar int          `json:"start_bar,omitempty"` // 1-based bar index, 0 without tempo
	EndBar   int          `json:"end_bar,omitempty"`
	Energy   float64      `json:"energy"` // mean normalised energy in [0,1]
}

// Energy is the loudness curve sampled every HopS seconds.
type Energy struct {
	HopS   float64   `json:"hop_s"`
	Values []float64 `json:"values"` // normalised to [0,1]
	MeanDB float64   `json:"mean_db"`
	PeakDB float64   `json:"peak_db"`
	// PeakT is the time of the loudest stretch, where a drop usually is.
	PeakT float64 `json:"peak_t"`
}

// Hook measures how hard the first seconds grab a viewer.
type Hook struct {
	WindowS      float64 `json:"window_s"`
	Cuts         int     `json:"cuts"`
	CutDensity   float64 `json:"cut_density"`   // cuts per second
	OnsetDensity float64 `json:"onset_density"` // onsets per second
	Motion       float64 `json:"motion"`        // mean motion in [0,1]
	Score        float64 `json:"score"`         // combined, in [0,1]
}

// Interval is a time range.
type Interval struct {
	Start float64 `json:"start"`
	End   float64 `json:"end"`
}

// Semantics is what a vision model saw; measured times are never taken from it.
type Semantics struct {
	Description  string   `json:"description,omitempty"`
	OnScreenText []string `json:"on_screen_text,omitempty"`
	Format       string   `json:"format,omitempty"` // the meme format, e.g. "reaction", "dance challenge"
	Objects      []string `json:"objects,omitempty"`
	Mood         string   `json:"mood,omitempty"`
	Engine       string   `json:"engine"` // e.g. "gemini:gemini-2.5-flash"
}

// HasTempo reports whether a steady beat was found.
func (a *Analysis) HasTempo() bool { return a != nil && a.Tempo.BPM != nil && len(a.Beats) > 1 }
