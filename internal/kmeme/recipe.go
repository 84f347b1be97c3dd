package kmeme

import "context"

// RecipeVersion is the version of the Recipe JSON contract, published as
// schema/recipe.v2.json: version 2 adds the format's reasons and runner-up,
// evidence on adaptations, shot roles, overtitles in both registers and the
// source text carried into a shot. Version-1 documents (stored recipes)
// stay readable: recipe.Decode upgrades them. Bump it when a field changes
// meaning.
const RecipeVersion = "2"

// Platform is the short-form platform a recipe targets.
type Platform string

// Target platforms.
const (
	PlatformTikTok Platform = "tiktok"
	PlatformShorts Platform = "shorts"
	PlatformReels  Platform = "reels"
)

// Valid reports whether p is a known platform.
func (p Platform) Valid() bool {
	return p == PlatformTikTok || p == PlatformShorts || p == PlatformReels
}

// Register is the speech level of captions: casual (반말) or polite (존댓말).
type Register string

// Registers.
const (
	RegisterCasual Register = "casual"
	RegisterPolite Register = "polite"
)

// Valid reports whether r is a known register.
func (r Register) Valid() bool { return r == RegisterCasual || r == RegisterPolite }

// Difficulty says how hard a recipe is to shoot.
type Difficulty string

// Difficulties.
const (
	DifficultyEasy   Difficulty = "easy"
	DifficultyMedium Difficulty = "medium"
	DifficultyHard   Difficulty = "hard"
)

// Recipe is a Korean remix plan for one analysed video: what to shoot, shot
// by shot on the beat, with captions, adaptations and hashtags. Times are
// seconds from the start of the remix, which has the source's length.
type Recipe struct {
	Version     string        `json:"version"`
	SourceHash  string        `json:"source_hash,omitempty"`
	Concept     Concept       `json:"concept"`
	Audio       AudioPlan     `json:"audio"`
	Shots       []PlannedShot `json:"shots"`
	Adaptations []Adaptation  `json:"adaptations"`
	Hashtags    Hashtags      `json:"hashtags"`
	Checklist   []string      `json:"checklist"`
	Props       []string      `json:"props"`
	Difficulty  Difficulty    `json:"difficulty"`
	ShootMin    int           `json:"shoot_minutes"` // estimated shooting time
	EditMin     int           `json:"edit_minutes"`  // estimated editing time
	Provenance  Provenance    `json:"provenance"`
}

// Concept is the idea of the remix in one screen.
type Concept struct {
	Title     string   `json:"title"`     // Korean title
	Hook      string   `json:"hook"`      // one line that makes a viewer stay
	Mechanism string   `json:"mechanism"` // why the meme is funny, kept across cultures
	Format    string   `json:"format"`    // meme format id, e.g. "dance-challenge"
	Platform  Platform `json:"platform"`
	Aspect    string   `json:"aspect"` // e.g. "9:16"
	DurationS float64  `json:"duration_s"`
	// FormatName is the Korean name of the format.
	FormatName string `json:"format_name,omitempty"`
	// Reasons are the strongest measured reasons the format was chosen.
	Reasons []FormatReason `json:"format_reasons,omitempty"`
	// RunnerUp is the second-best format, offered for a re-plan.
	RunnerUp *FormatAlternative `json:"runner_up,omitempty"`
	// EvidenceWeak is true when the evidence barely separates the two best
	// formats: the recipe then offers both plainly.
	EvidenceWeak bool `json:"evidence_weak,omitempty"`
}

// FormatReason is one measured reason for (or against) a format.
type FormatReason struct {
	Detail   string   `json:"detail"` // Korean, e.g. "사람 1명이 카메라를 보고 말함 (0–12초)"
	Weight   float64  `json:"weight"`
	Evidence Evidence `json:"evidence"`
}

// FormatAlternative is a format the planner could also have chosen.
type FormatAlternative struct {
	Format  string         `json:"format"`
	Name    string         `json:"name"` // Korean
	Score   float64        `json:"score"`
	Reasons []FormatReason `json:"reasons,omitempty"`
}

// EvidenceKind says where a fact about the source video was observed.
type EvidenceKind string

// Evidence kinds.
const (
	EvidenceOCR    EvidenceKind = "ocr"    // on-screen text (perception)
	EvidenceSpeech EvidenceKind = "speech" // speech segments or transcript
	EvidencePeople EvidenceKind = "people" // people, faces, framing
	EvidenceMusic  EvidenceKind = "music"  // tempo, beats, sections, energy
	EvidenceCuts   EvidenceKind = "cuts"   // shot cuts and their rhythm
	EvidenceMotion EvidenceKind = "motion" // camera and subject motion
	EvidenceTitle  EvidenceKind = "title"  // the creator's title
	EvidenceGemini EvidenceKind = "gemini" // what a vision model described
	EvidenceFormat EvidenceKind = "format" // a convention of the chosen format itself
	EvidenceParent EvidenceKind = "parent" // the parent recipe in the lineage
)

// Evidence points at what was observed and where.
type Evidence struct {
	Kind   EvidenceKind `json:"kind"`
	T      *float64     `json:"t,omitempty"` // seconds into the source, when the fact has a time
	Detail string       `json:"detail"`      // what was observed, e.g. the OCR text
}

// AudioPlan says what kind of sound to use. It never names a copyrighted
// title: only tempo, meter, mood and where the drop is.
type AudioPlan struct {
	BPM       *float64 `json:"bpm"` // nil when the source has no steady beat
	Meter     int      `json:"meter,omitempty"`
	DropS     *float64 `json:"drop_s"`             // where the drop is, nil when there is none
	DropBar   string   `json:"drop_bar,omitempty"` // bar.beat of the drop
	SoundKind string   `json:"sound_kind"`         // e.g. "128 BPM 신나는 하우스 비트"
	Mood      string   `json:"mood"`
	Notes     []string `json:"notes,omitempty"`
}

// PlannedShot is one shot to film. Start and End are seconds; StartBeat and
// EndBeat are bar.beat positions ("3.1") when the source has a tempo.
type PlannedShot struct {
	N         int          `json:"n"` // 1-based
	Start     float64      `json:"start"`
	End       float64      `json:"end"`
	StartBeat string       `json:"start_beat,omitempty"`
	EndBeat   string       `json:"end_beat,omitempty"`
	Section   SectionLabel `json:"section"`
	Film      string       `json:"film"`    // what to film
	Framing   string       `json:"framing"` // e.g. "클로즈업"
	Action    string       `json:"action"`
	Overtitle string       `json:"overtitle,omitempty"` // 예능 자막, short (casual register)
	// OvertitlePolite is the overtitle in 존댓말, written by hand, not derived.
	OvertitlePolite string  `json:"overtitle_polite,omitempty"`
	Caption         Caption `json:"caption"`
	// Role says why the shot exists: setup, turn, punchline, reaction, cta…
	Role ShotRole `json:"role,omitempty"`
	// SourceText is on-screen text of the source carried over into this shot
	// (the original beside its Korean equivalent in Overtitle).
	SourceText string `json:"source_text,omitempty"`
	// SourceShot is the 1-based index of the source shot this shot re-makes.
	SourceShot     int     `json:"source_shot"`
	SourceKeyframe string  `json:"source_keyframe,omitempty"`
	SourceT        float64 `json:"source_keyframe_t"`
}

// Caption is one dialogue caption in both registers. Lines are separated by
// "\n"; each obeys the typesetting rules (≤ 16 width units, ≤ 2 lines).
type Caption struct {
	Casual string `json:"casual"`
	Polite string `json:"polite"`
	// Start and End are when the caption is on screen, in seconds of the
	// clip, inside its shot: 1.5–3 s, following the speech or the beat.
	// End 0 (recipes written before captions were timed) means the whole
	// shot.
	Start float64 `json:"start,omitempty"`
	End   float64 `json:"end,omitempty"`
}

// Span returns when the caption of shot s is on screen: its own times
// when it has them (clamped to the shot), else the whole shot.
func (c Caption) Span(s PlannedShot) (float64, float64) {
	if c.End > c.Start && c.End > 0 {
		st, en := max(c.Start, s.Start), min(c.End, s.End)
		if en > st {
			return st, en
		}
	}
	return s.Start, s.End
}

// Text returns the caption in the register asked for (casual by default).
func (c Caption) Text(r Register) string {
	if r == RegisterPolite {
		return c.Polite
	}
	return c.Casual
}

// ShotRole is the job a planned shot does in the joke.
type ShotRole string

// Shot roles.
const (
	RoleHook      ShotRole = "hook"
	RoleSetup     ShotRole = "setup"
	RoleTurn      ShotRole = "turn"
	RolePunchline ShotRole = "punchline"
	RoleReaction  ShotRole = "reaction"
	RoleCTA       ShotRole = "cta"
)

// Adaptation is one change from the source culture to Korea and why.
// Evidence says what in the source it adapts and where it was observed;
// an adaptation of something not observed is a Suggestion, worded as one.
type Adaptation struct {
	Source     string    `json:"source"`
	Korean     string    `json:"korean"`
	Reason     string    `json:"reason"`
	Evidence   *Evidence `json:"evidence,omitempty"`
	Suggestion bool      `json:"suggestion,omitempty"`
}

// Hashtags are per platform: TikTok 3–5, Shorts 3–8 with #Shorts, Reels 5–15.
type Hashtags struct {
	TikTok []string `json:"tiktok"`
	Shorts []string `json:"shorts"`
	Reels  []string `json:"reels"`
}

// Provenance says which engine wrote each part of the recipe.
type Provenance struct {
	// Parts maps a part ("timing", "concept", "shots", "captions",
	// "adaptations", "hashtags", "semantics") to the engine that wrote it:
	// "local", "gemini" or "claude".
	Parts map[string]string `json:"parts"`
	// Models maps a provider to the model name used.
	Models map[string]string `json:"models,omitempty"`
	// CostUSD is the AI spend for this recipe.
	CostUSD float64 `json:"cost_usd"`
	// Fallbacks say why a provider did not answer and the local engine did.
	Fallbacks []string `json:"fallbacks,omitempty"`
}

// PlanInput is what a Planner needs.
type PlanInput struct {
	Analysis *Analysis
	Title    string   // the creator's working title, may be empty
	Platform Platform // defaults to TikTok
	Register Register // caption preference; both registers are always written
	UserID   *string
	// Format forces a format id (a re-plan with the runner-up); empty lets
	// the evidence decide.
	Format string
	// Parent is the parent remix's recipe in the lineage, when there is one.
	Parent *Recipe
}

// Planner writes a recipe for an analysed video.
type Planner interface {
	Plan(ctx context.Context, in PlanInput) (*Recipe, error)
}

// DescribeInput is what a VideoDescriber looks at.
type DescribeInput struct {
	VideoPath   string   // local file, sent whole when small enough
	MIMEType    string   // e.g. "video/mp4"
	ContentHash string   // hex SHA-256, the cache key
	URL         string   // source URL when known, an alias of the cache key
	Keyframes   []string // JPEG paths, sent instead of the video when it is large
	UserID      *string
}

// VideoDescriber says what is on screen; it never changes a measured time.
type VideoDescriber interface {
	Describe(ctx context.Context, in DescribeInput) (*Semantics, error)
}
