// Package recipe writes Korean remix recipes without any network: the
// local planner (Local), its library of meme formats and Korean phrase
// material, caption typesetting (Typeset: at most 16 width units a line,
// two lines, breaks only between eojeol, no lone syllable) and Validate,
// the rules every engine's recipe must pass. SchemaJSON is the published
// JSON Schema of a recipe (schema/recipe.v1.json).
//
// The planner is deterministic: the same analysis, title and platform give
// the same bytes. With a tempo, every shot boundary inside the video is a
// beat of the analysis and the drop cuts twice as fast as the build; with
// no tempo, shots cut on speech pauses (or loudness dips) and shot changes.
package recipe
