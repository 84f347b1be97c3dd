package recipe

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/josa"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// The grounded rules every engine's recipe must keep on top of Validate's
// structure and typesetting (shared/korean-short-form.md, issue 12). An AI
// engine that may only rewrite text checks each field it rewrote with the
// per-field functions (CheckKoreanText, CheckCaptionText,
// CheckOvertitleText, CheckAdaptation) and keeps the local text for a
// field that fails; Problems lists every failing field of a whole recipe.

// MaxRepeats is how often one caption or overtitle may appear in a recipe:
// a deliberate refrain is twice, never more.
const MaxRepeats = 2

// allowedLatin are the Latin tokens the style guide lets into Korean text.
var allowedLatin = map[string]bool{"BPM": true, "POV": true, "vs": true, "px": true}

// captionLoans are acronyms Korean text uses as words, with no Hangul
// spelling in use ("오늘의 OOTD", "MBTI 특"); English words such as OK
// are not among them.
var captionLoans = map[string]bool{"OOTD": true, "MBTI": true, "TMI": true, "ASMR": true, "MZ": true, "SNS": true, "BGM": true, "CEO": true, "PC": true}

var fileToken = regexp.MustCompile(`^[a-z]+\.(srt|fcpxml|otio|json|pdf|png|md)$`)

// CheckKoreanText reports English (Latin letters) leaking into Korean text,
// or nil. Tokens the style guide allows (BPM, POV, vs, px and the names of
// the files a recipe ships, like captions.srt) pass, and so do the
// acronyms Korean writes in capitals as words of its own (captionLoans),
// which a caption carried from the source keeps as it was written.
func CheckKoreanText(s string) error {
	for _, w := range latinWords(s) {
		w = strings.TrimRight(w, ".")
		if allowedLatin[w] || captionLoans[w] || fileToken.MatchString(w) {
			continue
		}
		return kmeme.Errorf(kmeme.EINVALID, "Korean text %q contains the Latin word %q", s, w)
	}
	if w := josa.Check(s); w != nil {
		return kmeme.Errorf(kmeme.EINVALID, "Korean text %q: '%s' takes %s, not %s", s, w.Word, w.Want, w.Got)
	}
	return nil
}

// CheckCaptionText checks one typeset caption: the typesetting rules
// (CheckCaption) and no English in it.
func CheckCaptionText(s string) error {
	if err := CheckCaption(s); err != nil {
		return err
	}
	return CheckKoreanText(s)
}

// CheckOvertitleText checks one overtitle: one line of at most 10 units and
// no English in it.
func CheckOvertitleText(s string) error {
	if err := CheckOvertitle(s); err != nil {
		return err
	}
	return CheckKoreanText(s)
}

var evidenceKinds = map[kmeme.EvidenceKind]bool{
	kmeme.EvidenceOCR: true, kmeme.EvidenceSpeech: true, kmeme.EvidencePeople: true, kmeme.EvidenceMusic: true,
	kmeme.EvidenceCuts: true, kmeme.EvidenceMotion: true, kmeme.EvidenceTitle: true, kmeme.EvidenceGemini: true,
	kmeme.EvidenceFormat: true, kmeme.EvidenceParent: true,
}

// CheckEvidence checks that e names a known kind and says what was seen.
func CheckEvidence(e *kmeme.Evidence) error {
	if e == nil {
		return kmeme.Errorf(kmeme.EINVALID, "no evidence")
	}
	if !evidenceKinds[e.Kind] {
		return kmeme.Errorf(kmeme.EINVALID, "unknown evidence kind %q", e.Kind)
	}
	if strings.TrimSpace(e.Detail) == "" {
		return kmeme.Errorf(kmeme.EINVALID, "evidence of kind %s says nothing", e.Kind)
	}
	if e.T != nil && *e.T < 0 {
		return kmeme.Errorf(kmeme.EINVALID, "evidence time %v is negative", *e.T)
	}
	return nil
}

// CheckAdaptation checks one adaptation: source, Korean and reason are
// filled, the Korean and the reason have no English, and it cites its
// evidence unless it is a suggestion.
func CheckAdaptation(ad kmeme.Adaptation) error {
	if strings.TrimSpace(ad.Source) == "" || strings.TrimSpace(ad.Korean) == "" || strings.TrimSpace(ad.Reason) == "" {
		return kmeme.Errorf(kmeme.EINVALID, "adaptation needs source, korean and reason")
	}
	for _, s := range []string{ad.Korean, ad.Reason} {
		if err := CheckKoreanText(s); err != nil {
			return err
		}
	}
	if ad.Suggestion {
		if ad.Evidence != nil {
			return CheckEvidence(ad.Evidence)
		}
		return nil
	}
	if err := CheckEvidence(ad.Evidence); err != nil {
		return kmeme.Errorf(kmeme.EINVALID, "adaptation %q states a fact without evidence (%v); mark it a suggestion or cite where it was seen", ad.Source, err)
	}
	return nil
}

// Problem is one field of a recipe that breaks a grounded rule.
type Problem struct {
	Field string `json:"field"` // e.g. "shots[3].caption.casual"
	Err   error  `json:"-"`
}

func (p Problem) Error() string { return p.Field + ": " + p.Err.Error() }

// Problems lists every field of r that breaks a grounded rule: English in
// Korean text, a caption or overtitle repeated more than MaxRepeats times,
// a caption on a shot too short to read it (MinCaptionS) or timed outside
// its shot or outside 1.5–3 s (MaxCaptionS), an adaptation
// stating a fact without evidence, a count that does not match the metre,
// music claimed for a clip with no beat. An empty list means r passes.
func Problems(r *kmeme.Recipe) []Problem {
	var out []Problem
	add := func(field string, err error) {
		if err != nil {
			out = append(out, Problem{Field: field, Err: err})
		}
	}
	korean := func(field, s string) { add(field, CheckKoreanText(s)) }
	korean("concept.hook", r.Concept.Hook)
	korean("concept.mechanism", r.Concept.Mechanism)
	korean("concept.format_name", r.Concept.FormatName)
	for i, x := range r.Concept.Reasons {
		korean(fmt.Sprintf("concept.format_reasons[%d].detail", i), x.Detail)
		add(fmt.Sprintf("concept.format_reasons[%d].evidence", i), CheckEvidence(&x.Evidence))
	}
	if ru := r.Concept.RunnerUp; ru != nil {
		korean("concept.runner_up.name", ru.Name)
		for i, x := range ru.Reasons {
			korean(fmt.Sprintf("concept.runner_up.reasons[%d].detail", i), x.Detail)
		}
	}
	korean("audio.sound_kind", r.Audio.SoundKind)
	korean("audio.mood", r.Audio.Mood)
	for i, n := range r.Audio.Notes {
		korean(fmt.Sprintf("audio.notes[%d]", i), n)
	}
	if r.Audio.BPM == nil {
		if strings.Contains(r.Audio.SoundKind, "BPM") || strings.Contains(r.Audio.SoundKind, "비트") {
			add("audio.sound_kind", kmeme.Errorf(kmeme.EINVALID, "%q claims a beat the source does not have", r.Audio.SoundKind))
		}
		if r.Audio.DropS != nil {
			add("audio.drop_s", kmeme.Errorf(kmeme.EINVALID, "a drop without a beat"))
		}
	}
	seen := map[string]int{}
	filmed := map[string]int{} // film and action → 1-based shot
	for i, s := range r.Shots {
		f := fmt.Sprintf("shots[%d]", i)
		if k := s.Film + "\x00" + s.Action; s.Film != "" {
			if j := filmed[k]; j > 0 {
				add(f+".film", kmeme.Errorf(kmeme.EINVALID, "shot %d repeats shot %d (%q, %q): merge it with a neighbour or give it another action", i+1, j, s.Film, s.Action))
			} else {
				filmed[k] = i + 1
			}
		}
		korean(f+".film", s.Film)
		korean(f+".framing", s.Framing)
		korean(f+".action", s.Action)
		add(f+".overtitle", CheckKoreanText(s.Overtitle))
		add(f+".overtitle_polite", CheckOvertitleText(s.OvertitlePolite))
		add(f+".caption.casual", CheckKoreanText(s.Caption.Casual))
		add(f+".caption.polite", CheckKoreanText(s.Caption.Polite))
		for _, x := range []struct{ k, v string }{
			{"caption.casual", s.Caption.Casual}, {"caption.polite", s.Caption.Polite},
			{"overtitle", s.Overtitle}, {"overtitle_polite", s.OvertitlePolite},
		} {
			if x.v == "" {
				continue
			}
			key := x.k + "\x00" + strings.ReplaceAll(x.v, "\n", " ")
			seen[key]++
			if seen[key] == MaxRepeats+1 {
				add(f+"."+x.k, kmeme.Errorf(kmeme.EINVALID, "%q appears more than %d times", x.v, MaxRepeats))
			}
		}
		if s.Caption.Casual != "" && s.End-s.Start < MinCaptionS-0.0015 {
			add(f+".caption", kmeme.Errorf(kmeme.EINVALID, "caption on a %.2f s shot cannot be read (min %.1f s)", s.End-s.Start, MinCaptionS))
		}
		if c := s.Caption; c.Casual != "" && c.End > 0 {
			if c.Start < s.Start-0.0015 || c.End > s.End+0.0015 {
				add(f+".caption.start", kmeme.Errorf(kmeme.EINVALID, "caption %.2f–%.2f s is outside its shot %.2f–%.2f s", c.Start, c.End, s.Start, s.End))
			} else if l := c.End - c.Start; l < MinCaptionS-0.0015 || l > MaxCaptionS+0.0015 {
				add(f+".caption.end", kmeme.Errorf(kmeme.EINVALID, "caption on screen %.2f s, want %.1f–%.1f s", l, MinCaptionS, MaxCaptionS))
			}
		}
		if r.Audio.Meter == 3 {
			for _, t := range []string{s.Caption.Casual, s.Caption.Polite, s.Overtitle, s.OvertitlePolite} {
				if strings.Contains(t, "셋 넷") {
					add(f, kmeme.Errorf(kmeme.EINVALID, "%q counts four in 3/4", t))
				}
			}
		}
	}
	for i, ad := range r.Adaptations {
		add(fmt.Sprintf("adaptations[%d]", i), CheckAdaptation(ad))
	}
	for i, c := range r.Checklist {
		korean(fmt.Sprintf("checklist[%d]", i), c)
	}
	for i, c := range r.Props {
		korean(fmt.Sprintf("props[%d]", i), c)
	}
	return out
}

// CheckGrounded returns the first of Problems(r) as an EINVALID error
// naming its field, or nil when r keeps every grounded rule.
func CheckGrounded(r *kmeme.Recipe) error {
	if r == nil {
		return kmeme.Errorf(kmeme.EINVALID, "recipe is missing")
	}
	ps := Problems(r)
	if len(ps) == 0 {
		return nil
	}
	e := &kmeme.Error{Code: kmeme.EINVALID, Field: ps[0].Field, Message: ps[0].Err.Error(), Err: ps[0].Err}
	if len(ps) > 1 {
		e.Message += fmt.Sprintf(" (and %d more)", len(ps)-1)
	}
	return e
}

// Decode reads a stored recipe of any published version and returns it in
// the current one. A version-1 document gains what v2 can say truthfully
// about it: the format's Korean name, and its adaptations marked as
// suggestions (v1 recorded no evidence for them). Unknown versions and
// malformed JSON are EINVALID.
func Decode(b []byte) (*kmeme.Recipe, error) {
	var r kmeme.Recipe
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, kmeme.Errorf(kmeme.EINVALID, "recipe JSON: %v", err)
	}
	switch r.Version {
	case kmeme.RecipeVersion:
		return &r, nil
	case "1":
		r.Version = kmeme.RecipeVersion
		if r.Concept.FormatName == "" {
			r.Concept.FormatName = FormatName(r.Concept.Format)
		}
		for i := range r.Adaptations {
			if r.Adaptations[i].Evidence == nil {
				r.Adaptations[i].Suggestion = true
			}
		}
		return &r, nil
	}
	return nil, kmeme.FieldError("version", "unknown recipe version %q (known: 1, %s)", r.Version, kmeme.RecipeVersion)
}
