package recipe

import (
	"fmt"
	"math"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/schema"
)

// SchemaJSON is the published JSON Schema of the recipe, the current
// version (schema/recipe.v2.json).
var SchemaJSON = schema.RecipeV2

// SchemaV1JSON is the schema of version-1 recipes (schema/recipe.v1.json),
// still published for clients reading stored v1 documents.
var SchemaV1JSON = schema.RecipeV1

// BeatTolerance is how far a shot boundary may sit from a beat.
const BeatTolerance = 0.040

// Validate checks a recipe against the rules every engine must follow:
// contiguous shots covering the source (±1 beat), interior boundaries on
// beats when the analysis has a tempo, captions and overtitles within the
// typesetting rules, hashtag counts per platform. a may be nil, then only
// the analysis-free rules are checked.
func Validate(r *kmeme.Recipe, a *kmeme.Analysis) error {
	if r == nil {
		return kmeme.Errorf(kmeme.EINVALID, "recipe is missing")
	}
	if r.Version != kmeme.RecipeVersion && r.Version != "1" {
		// Stored version-1 recipes stay valid (Decode upgrades them); an
		// engine writes the current version.
		return kmeme.FieldError("version", "must be %q (or a stored \"1\"), got %q", kmeme.RecipeVersion, r.Version)
	}
	if strings.TrimSpace(r.Concept.Title) == "" {
		return kmeme.FieldError("concept.title", "is empty")
	}
	if !r.Concept.Platform.Valid() {
		return kmeme.FieldError("concept.platform", "unknown platform %q", r.Concept.Platform)
	}
	if len(r.Shots) == 0 {
		return kmeme.FieldError("shots", "is empty")
	}
	for i, s := range r.Shots {
		f := fmt.Sprintf("shots[%d]", i)
		if s.N != i+1 {
			return kmeme.FieldError(f+".n", "is %d, want %d", s.N, i+1)
		}
		if !(s.End > s.Start) {
			return kmeme.FieldError(f, "ends (%.3f) before it starts (%.3f)", s.End, s.Start)
		}
		if i > 0 && math.Abs(s.Start-r.Shots[i-1].End) > 0.0015 {
			return kmeme.FieldError(f+".start", "%.3f does not meet the previous shot's end %.3f", s.Start, r.Shots[i-1].End)
		}
		if strings.TrimSpace(s.Film) == "" {
			return kmeme.FieldError(f+".film", "is empty")
		}
		if err := CheckOvertitle(s.Overtitle); err != nil {
			return fmt.Errorf("%s.overtitle: %w", f, err)
		}
		if err := CheckCaption(s.Caption.Casual); err != nil {
			return fmt.Errorf("%s.caption.casual: %w", f, err)
		}
		if err := CheckCaption(s.Caption.Polite); err != nil {
			return fmt.Errorf("%s.caption.polite: %w", f, err)
		}
	}
	if r.Shots[0].Start != 0 {
		return kmeme.FieldError("shots[0].start", "must be 0, got %.3f", r.Shots[0].Start)
	}
	if err := CheckHashtags(r.Hashtags); err != nil {
		return err
	}
	if a == nil {
		return nil
	}
	end := r.Shots[len(r.Shots)-1].End
	tol := 0.05
	g := newGrid(a)
	if g != nil {
		tol = math.Max(tol, g.period)
	}
	if math.Abs(end-a.DurationS) > tol {
		return kmeme.FieldError("shots", "last shot ends at %.3f s, the source lasts %.3f s", end, a.DurationS)
	}
	if g != nil {
		for i, s := range r.Shots[1:] {
			b := g.beats[g.nearest(s.Start)]
			if math.Abs(b-s.Start) > BeatTolerance {
				return kmeme.FieldError(fmt.Sprintf("shots[%d].start", i+1), "%.3f is %.0f ms from the nearest beat", s.Start, 1000*math.Abs(b-s.Start))
			}
		}
	}
	return nil
}

// CheckHashtags checks the per-platform counts and shape of hashtags.
func CheckHashtags(h kmeme.Hashtags) error {
	for _, c := range []struct {
		name     string
		tags     []string
		min, max int
	}{{"tiktok", h.TikTok, 3, 5}, {"shorts", h.Shorts, 3, 8}, {"reels", h.Reels, 5, 15}} {
		if len(c.tags) < c.min || len(c.tags) > c.max {
			return kmeme.FieldError("hashtags."+c.name, "has %d tags, want %d–%d", len(c.tags), c.min, c.max)
		}
		for _, t := range c.tags {
			if !strings.HasPrefix(t, "#") || strings.ContainsAny(t, " \t\n") || len(t) < 2 {
				return kmeme.FieldError("hashtags."+c.name, "bad tag %q", t)
			}
		}
	}
	for _, t := range h.Shorts {
		if strings.EqualFold(t, "#shorts") {
			return nil
		}
	}
	return kmeme.FieldError("hashtags.shorts", "must include #Shorts")
}
