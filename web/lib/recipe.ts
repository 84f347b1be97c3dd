// Normalising what the server sends as a recipe. The page must not crash on a
// recipe written by an older or newer engine: every field is checked and
// replaced by an empty default when it has the wrong type. Text stays text —
// it is rendered by React as text nodes, never as HTML.
import type { Recipe, PlannedShot, Adaptation, Evidence, FormatReason, FormatAlternative } from "./types";
import type { KMEMEFactoryKoreanRemixRecipe as RecipeV2 } from "./gen/recipe.v2";

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const numOrNull = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === "string") : []);
const strMap = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (isObj(v)) for (const [k, x] of Object.entries(v)) if (typeof x === "string") out[k] = x;
  return out;
};

function shot(v: unknown, i: number): PlannedShot {
  const o = isObj(v) ? v : {};
  const cap = isObj(o.caption) ? o.caption : {};
  return {
    n: num(o.n) || i + 1,
    start: num(o.start),
    end: num(o.end),
    start_beat: str(o.start_beat) || undefined,
    end_beat: str(o.end_beat) || undefined,
    section: str(o.section),
    film: str(o.film),
    framing: str(o.framing),
    action: str(o.action),
    overtitle: str(o.overtitle) || undefined,
    overtitle_polite: str(o.overtitle_polite) || undefined,
    role: str(o.role) || undefined,
    source_text: str(o.source_text) || undefined,
    caption: { casual: str(cap.casual), polite: str(cap.polite) },
    source_shot: num(o.source_shot),
    source_keyframe: str(o.source_keyframe) || undefined,
    source_keyframe_t: num(o.source_keyframe_t),
  };
}

function evidence(v: unknown): Evidence | undefined {
  if (!isObj(v)) return undefined;
  const e: Evidence = { kind: str(v.kind), detail: str(v.detail) };
  if (typeof v.t === "number" && Number.isFinite(v.t)) e.t = v.t;
  return e.kind || e.detail ? e : undefined;
}

function reason(v: unknown): FormatReason {
  const o = isObj(v) ? v : {};
  return { detail: str(o.detail), weight: num(o.weight), evidence: evidence(o.evidence) };
}

function alternative(v: unknown): FormatAlternative | undefined {
  if (!isObj(v)) return undefined;
  const a = { format: str(v.format), name: str(v.name), score: num(v.score), reasons: Array.isArray(v.reasons) ? v.reasons.map(reason).filter((r) => r.detail) : [] };
  return a.format || a.name ? a : undefined;
}

function adaptation(v: unknown): Adaptation {
  const o = isObj(v) ? v : {};
  return { source: str(o.source), korean: str(o.korean), reason: str(o.reason), evidence: evidence(o.evidence), suggestion: o.suggestion === true };
}

/** normalizeRecipe turns untrusted JSON into a Recipe, or null when it is not an object. */
export function normalizeRecipe(raw: unknown): Recipe | null {
  if (typeof raw === "string") {
    try {
      raw = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  if (!isObj(raw)) return null;
  const c = isObj(raw.concept) ? raw.concept : {};
  const a = isObj(raw.audio) ? raw.audio : {};
  const h = isObj(raw.hashtags) ? raw.hashtags : {};
  const p = isObj(raw.provenance) ? raw.provenance : {};
  return {
    version: str(raw.version),
    source_hash: str(raw.source_hash) || undefined,
    concept: {
      title: str(c.title),
      hook: str(c.hook),
      mechanism: str(c.mechanism),
      format: str(c.format),
      platform: str(c.platform),
      aspect: str(c.aspect),
      duration_s: num(c.duration_s),
      format_name: str(c.format_name) || undefined,
      format_reasons: Array.isArray(c.format_reasons) ? c.format_reasons.map(reason).filter((r) => r.detail) : [],
      runner_up: alternative(c.runner_up),
      evidence_weak: c.evidence_weak === true,
    },
    audio: {
      bpm: numOrNull(a.bpm),
      meter: num(a.meter) || undefined,
      drop_s: numOrNull(a.drop_s),
      drop_bar: str(a.drop_bar) || undefined,
      sound_kind: str(a.sound_kind),
      mood: str(a.mood),
      notes: strs(a.notes),
    },
    shots: Array.isArray(raw.shots) ? raw.shots.map(shot) : [],
    adaptations: Array.isArray(raw.adaptations) ? raw.adaptations.map(adaptation) : [],
    hashtags: { tiktok: strs(h.tiktok), shorts: strs(h.shorts), reels: strs(h.reels) },
    checklist: strs(raw.checklist),
    props: strs(raw.props),
    difficulty: str(raw.difficulty),
    shoot_minutes: num(raw.shoot_minutes),
    edit_minutes: num(raw.edit_minutes),
    provenance: {
      parts: strMap(p.parts),
      models: strMap(p.models),
      cost_usd: num(p.cost_usd),
      fallbacks: strs(p.fallbacks),
    },
  };
}

/** hashtagLine joins tags into one copyable line, adding "#" where it is missing. */
export function hashtagLine(tags: string[]): string {
  return tags
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => (t.startsWith("#") ? t : `#${t}`))
    .join(" ");
}

/**
 * Every field of a valid version-2 document (types generated from
 * schema/recipe.v2.json into lib/gen) fits the Recipe the views read, once
 * optional fields are counted as present (the normaliser fills defaults): a
 * field the schema renames or retypes fails the type check.
 */
export type RecipeSchemaCheck = Expect<Full<RecipeV2>, Full<Recipe>>;
type Expect<A extends B, B> = A extends B ? true : never;
type Full<T> = T extends (infer U)[] ? Full<U>[] : T extends object ? { [K in keyof T]-?: Full<T[K]> } : T;
