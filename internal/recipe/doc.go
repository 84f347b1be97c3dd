// Package recipe writes Korean remix recipes without any network: the
// local planner (Local), its library of meme formats with a hand-written
// Korean line bank per shot role in both registers, caption typesetting
// (Typeset: at most 16 width units a line, two lines, breaks only between
// eojeol, no lone syllable), Validate (structure: contiguous shots on the
// beat, typesetting, hashtags) and Problems/CheckGrounded (the grounded
// rules: no English in Korean text, no line more than twice, captions on
// shots of at least 1.5 s, evidence on every adaptation stated as fact,
// counts that match the metre, no music claimed without a beat). The
// per-field checks (CheckKoreanText, CheckCaptionText, CheckOvertitleText,
// CheckAdaptation, CheckEvidence) let an AI engine that only rewrites text
// fall back field by field. SchemaJSON is the published JSON Schema of a
// recipe (schema/recipe.v2.json); Decode reads stored v1 documents.
//
// The planner is deterministic and grounded: the format is scored on
// measured features (sound, tempo range, people and framing, on-screen
// text patterns, cut rate, motion, title and Gemini keywords) with no
// random term and without the platform, which changes only packaging; the
// reasons and the runner-up are recorded, and weak evidence is said. Shots
// come from the source's cuts, sections and bar lines (or pauses, without
// a tempo), chosen by dynamic programming towards the format's shot length,
// shorter in a drop only where the music makes one.
package recipe
