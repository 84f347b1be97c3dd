package kmeme

import "context"

// Perception is what the local perception stage measured on screen and in the
// sound: people and framing per shot, on-screen text, speech, camera movement.
// Every field is a measurement by a named engine (see Engines); what could not
// be measured is listed in NotMeasured instead of being guessed. It is the
// "perception" object of `kmeme analyze --json`.
type Perception struct {
	// Shots has one entry per Analysis.Shots entry, in the same order.
	Shots []ShotPerception `json:"shots"`
	// Texts are on-screen captions and sticker texts, merged across frames.
	Texts []ScreenText `json:"texts"`
	// Speech describes what the sound is, stretch by stretch; nil when the
	// file has no audio stream (NotMeasured then says so).
	Speech *SpeechInfo `json:"speech"`
	// Engines names the tool behind each kind of fact, e.g.
	// "faces": "opencv 4.6 haarcascade_frontalface_default".
	Engines map[string]string `json:"engines"`
	// NotMeasured lists what was not measured and why (a missing tool, a
	// missing language pack, no audio, transcription unavailable offline).
	NotMeasured []NotMeasured `json:"not_measured,omitempty"`
}

// NotMeasured says that one kind of fact was not measured, and why.
type NotMeasured struct {
	What   string `json:"what"`   // "people", "text", "speech", "transcript", "camera"
	Reason string `json:"reason"` // one line, e.g. "tesseract language kor not installed"
}

// Framing is the shot size a Korean shot list uses, from the largest person's
// face and body relative to the frame.
type Framing string

// Framings, from the tightest to no person at all.
const (
	FramingCloseUp Framing = "closeup" // 클로즈업: a face fills much of the frame
	FramingBust    Framing = "bust"    // 바스트샷: head and shoulders
	FramingMedium  Framing = "medium"  // 미디엄샷: waist up
	FramingFull    Framing = "full"    // 풀샷: the whole body
	FramingNone    Framing = "none"    // 인물 없음
)

// Korean returns the shot-list name of the framing.
func (f Framing) Korean() string {
	switch f {
	case FramingCloseUp:
		return "클로즈업"
	case FramingBust:
		return "바스트샷"
	case FramingMedium:
		return "미디엄샷"
	case FramingFull:
		return "풀샷"
	default:
		return "인물 없음"
	}
}

// CameraMotion is how the camera moved during a shot.
type CameraMotion string

// Camera movements.
const (
	CameraStatic   CameraMotion = "static"
	CameraHandheld CameraMotion = "handheld"
	CameraPan      CameraMotion = "pan"
	CameraZoom     CameraMotion = "zoom"
)

// Korean returns the shot-list name of the camera movement.
func (c CameraMotion) Korean() string {
	switch c {
	case CameraHandheld:
		return "핸드헬드"
	case CameraPan:
		return "패닝"
	case CameraZoom:
		return "줌"
	default:
		return "고정"
	}
}

// Box is a rectangle in normalised frame coordinates: X and Y of the top-left
// corner and W and H, each in [0,1] of the displayed frame's width or height.
type Box struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
	W float64 `json:"w"`
	H float64 `json:"h"`
}

// PersonBox is one detected person in a sampled frame.
type PersonBox struct {
	Box
	Kind       string  `json:"kind"` // "face" or "body"
	Confidence float64 `json:"confidence,omitempty"`
}

// ShotPerception is what was seen in one source shot, from a few sampled
// frames (keyframe plus start, middle and end), not from every frame.
type ShotPerception struct {
	Shot int `json:"shot"` // 1-based index into Analysis.Shots
	// People is the number of people visible (the most seen in one sampled
	// frame that at least two samples agree on); Faces counts visible faces.
	People int `json:"people"`
	Faces  int `json:"faces"`
	// Boxes are the people in the keyframe (or the best sampled frame).
	Boxes   []PersonBox `json:"boxes,omitempty"`
	Framing Framing     `json:"framing"`
	// FacingCamera is true when a frontal face was found in most samples.
	FacingCamera bool         `json:"facing_camera"`
	Camera       CameraMotion `json:"camera"`
	// SubjectMotion is the motion left after the camera's own movement, in [0,1].
	SubjectMotion float64   `json:"subject_motion"`
	SampledT      []float64 `json:"sampled_t"`
}

// TextPosition is where on-screen text sits vertically.
type TextPosition string

// Text positions.
const (
	TextTop    TextPosition = "top"
	TextMiddle TextPosition = "middle"
	TextBottom TextPosition = "bottom"
)

// ScreenText is one caption or sticker text seen on screen over a time span.
type ScreenText struct {
	Text  string       `json:"text"`
	Start float64      `json:"start"`
	End   float64      `json:"end"`
	Box   Box          `json:"box"`
	Where TextPosition `json:"position"`
	// InSafeZone is true when the box stays clear of the platform's interface
	// (top bar, right-hand buttons, bottom caption area) on a 9:16 screen.
	InSafeZone bool    `json:"in_safe_zone"`
	Lang       string  `json:"lang"` // "ko", "en" or "mixed"
	Confidence float64 `json:"confidence"`
}

// AudioKind is what a stretch of the sound is.
type AudioKind string

// Audio kinds.
const (
	AudioSpeech  AudioKind = "speech"
	AudioSinging AudioKind = "singing"
	AudioMusic   AudioKind = "music"
	AudioSilence AudioKind = "silence"
)

// AudioSegment is one stretch of a single kind.
type AudioSegment struct {
	Kind  AudioKind `json:"kind"`
	Start float64   `json:"start"`
	End   float64   `json:"end"`
}

// SpeechInfo describes the talking in the sound.
type SpeechInfo struct {
	Segments []AudioSegment `json:"segments"`
	// SpeechS is the total length of speech; SpeechShare its share of the file.
	SpeechS     float64 `json:"speech_s"`
	SpeechShare float64 `json:"speech_share"`
	// SyllablesPerS is the speech rate inside speech segments (0 without speech).
	SyllablesPerS float64 `json:"syllables_per_s"`
	// Transcript is nil when no transcriber was available (NotMeasured says so).
	Transcript []TranscriptLine `json:"transcript,omitempty"`
}

// TranscriptLine is one transcribed utterance.
type TranscriptLine struct {
	Start  float64 `json:"start"`
	End    float64 `json:"end"`
	Text   string  `json:"text"`
	Engine string  `json:"engine"`
}

// Transcriber turns speech into text (Gemini, or a local model a user
// installs). None ships offline; the perception stage records that.
type Transcriber interface {
	Transcribe(ctx context.Context, path string, segments []AudioSegment) ([]TranscriptLine, error)
}

// Shot returns the perception of the 1-based source shot n, or nil.
func (p *Perception) Shot(n int) *ShotPerception {
	if p == nil || n < 1 || n > len(p.Shots) || p.Shots[n-1].Shot != n {
		if p != nil {
			for i := range p.Shots {
				if p.Shots[i].Shot == n {
					return &p.Shots[i]
				}
			}
		}
		return nil
	}
	return &p.Shots[n-1]
}
