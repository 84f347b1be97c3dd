// GENERATED from schema/recipe.v2.json by web/scripts/gen-types.mjs — do not edit.
// Regenerate: cd web && node scripts/gen-types.mjs

export type Platform = ("tiktok" | "shorts" | "reels")
/**
 * bar.beat, 1-based; bar 0 is a pickup
 */
export type BarBeat = string
/**
 * at most 2 lines joined by \n, each at most 16 width units (Hangul 1, Latin, digits, spaces and punctuation 1/2), broken only between eojeol
 */
export type Caption = string
export type Hashtag = string

/**
 * A plan to re-shoot and re-edit a short video for a Korean audience, built from what the video is: the format chosen from measured evidence (with its reasons and the runner-up), shots from the source's own shots and sections on its bar lines, each with a role, and adaptations that cite where they saw what they adapt. Times are seconds from the start of the remix. Version 2; a version-1 document is upgraded by the reader (its adaptations become suggestions, since v1 recorded no evidence).
 */
export interface KMEMEFactoryKoreanRemixRecipe {
version: "2"
/**
 * hex SHA-256 of the source file
 */
source_hash?: string
concept: {
/**
 * Korean title
 */
title: string
/**
 * one line that makes a viewer stay
 */
hook: string
/**
 * why the meme is funny; what carries across cultures
 */
mechanism: string
/**
 * meme format id, e.g. dance-challenge
 */
format: string
platform: Platform
aspect: string
duration_s: number
/**
 * Korean name of the format
 */
format_name?: string
/**
 * the strongest measured reasons the format was chosen, strongest first
 */
format_reasons?: FormatReason[]
/**
 * the second-best format, offered for a re-plan (POST /api/remix/{id}/replan)
 */
runner_up?: {
format: string
name: string
score: number
reasons?: FormatReason[]
}
/**
 * true when the evidence barely separates the two best formats (or is weak overall): both are offered
 */
evidence_weak?: boolean
}
audio: {
/**
 * null when the source has no steady beat
 */
bpm: (number | null)
meter?: (3 | 4)
drop_s: (number | null)
drop_bar?: BarBeat
/**
 * the kind of sound by tempo and mood, never a copyrighted title
 */
sound_kind: string
mood: string
notes?: string[]
}
/**
 * @minItems 1
 */
shots: {
n: number
start: number
end: number
start_beat?: BarBeat
end_beat?: BarBeat
section: ("intro" | "verse" | "build" | "drop" | "break" | "outro" | "speech")
/**
 * what to film
 */
film: string
framing: string
action: string
/**
 * variety-show overtitle (예능 자막), at most 10 width units
 */
overtitle?: string
caption: {
casual: Caption
polite: Caption
/**
 * when the caption appears, seconds of the clip, inside the shot
 */
start?: number
/**
 * when it goes, 1.5–3 s after start; absent: the caption lasts its shot
 */
end?: number
}
/**
 * 1-based source shot this shot re-makes, 0 when the source has none
 */
source_shot: number
source_keyframe?: string
source_keyframe_t: number
/**
 * why the shot exists in the joke
 */
role?: ("hook" | "setup" | "turn" | "punchline" | "reaction" | "cta")
/**
 * the overtitle in polite speech (존댓말), written by hand
 */
overtitle_polite?: string
/**
 * on-screen text of the source carried into this shot, in the original beside its Korean rendering in overtitle
 */
source_text?: string
}[]
/**
 * Items: one change from the source to Korea; a fact about the source cites its evidence, anything not observed is a suggestion (suggestion: true). The rule is checked by recipe.CheckAdaptation / recipe.Problems, not by this schema, so a partial rewrite can be repaired field by field.
 */
adaptations: {
source: string
korean: string
reason: string
evidence?: Evidence
/**
 * true when the source element was not observed: the adaptation is offered, not stated as fact
 */
suggestion?: boolean
}[]
hashtags: {
/**
 * @minItems 3
 * @maxItems 5
 */
tiktok: Hashtag[]
/**
 * @minItems 3
 * @maxItems 8
 */
shorts: Hashtag[]
/**
 * @minItems 5
 * @maxItems 15
 */
reels: Hashtag[]
}
checklist: string[]
props: string[]
difficulty: ("easy" | "medium" | "hard")
shoot_minutes: number
edit_minutes: number
provenance: {
parts: {
[k: string]: "local" | "gemini" | "claude"
}
models?: {
[k: string]: string
}
cost_usd: number
fallbacks?: string[]
}
}
export interface FormatReason {
/**
 * Korean, e.g. '128 BPM의 일정한 박자'
 */
detail: string
/**
 * the reason's share of the format's score; negative counts against
 */
weight: number
evidence: Evidence
}
/**
 * where a fact about the source was observed
 */
export interface Evidence {
/**
 * ocr: on-screen text; speech: speech segments or transcript; people: people and framing; music: tempo, beats, sections; cuts: shot cuts; motion: camera or subject motion; title: the creator's title; gemini: what a vision model described; format: a convention of the chosen format; parent: the parent recipe
 */
kind: ("ocr" | "speech" | "people" | "music" | "cuts" | "motion" | "title" | "gemini" | "format" | "parent")
/**
 * seconds into the source, when the fact has a time
 */
t?: number
/**
 * what was observed, e.g. the on-screen text
 */
detail: string
}
