// Types mirroring the Go domain package (internal/kmeme) and docs/API.md.
// Keep field names exactly as the JSON says; the Go file is the source of truth.

/** Status of a remix node as it moves through the pipeline. */
export type NodeStatus = "draft" | "queued" | "analyzing" | "planning" | "rendering" | "done" | "failed";

/** Visibility of a remix node. */
export type Visibility = "private" | "public";

/** A place a remix is tagged with. */
export interface Location {
  lat: number;
  lon: number;
  label?: string;
}

/** One remix in the lineage tree (kmeme.RemixNode). */
export interface RemixNode {
  id: string;
  parent_id: string | null;
  root_id: string;
  path: string;
  depth: number;
  owner_id: string | null;
  video_id: string | null;
  title: string;
  status: NodeStatus;
  visibility: Visibility;
  error?: string;
  location?: Location;
  children: number;
  descendants: number;
  created_at: string;
  updated_at: string;
}

/** A remix node with its nested children, as /api/remix/{id}/tree answers. */
export interface TreeNode extends Omit<RemixNode, "children"> {
  /** The JSON field "children" is the nested list in the tree view. */
  children: TreeNode[] | number;
}

/** kmeme.User */
export interface User {
  id: string;
  email?: string;
  display_name?: string;
  role: "user" | "admin";
  plan: string;
  firebase_uid?: string;
  time_zone: string;
  created_at: string;
}

/** Daily quota as /api/me answers. */
/** Consent is one recorded decision (docs/API.md: /api/me/consents). */
export interface Consent {
  purpose: "ai_processing" | "marketing" | string;
  granted: boolean;
  decided_at: string | null;
}

export interface Quota {
  plan: string;
  limit: number;
  used: number;
  left: number;
  resets_at: string;
}

/** Answer of signup, login and refresh. */
/** FirebaseWebConfig is the public Firebase web configuration (GET /api/auth/config). */
export interface FirebaseWebConfig {
  api_key: string;
  auth_domain: string;
  project_id: string;
}

/** AuthConfig says which sign-in methods the server offers. */
export interface AuthConfig {
  firebase: FirebaseWebConfig | null;
}

export interface AuthResult {
  user: User;
  access_token: string;
  expires_in: number;
}

/** kmeme.Video */
export interface Video {
  id: string;
  owner_id: string | null;
  content_hash: string;
  size_bytes: number;
  filename?: string;
  source_url?: string;
  duration_s: number;
  width?: number;
  height?: number;
  fps?: number;
  format?: string;
  created_at: string;
}

/** kmeme.Tempo */
export interface Tempo {
  bpm: number | null;
  /** The other octave a listener might tap. */
  bpm_alt?: number | null;
  confidence: number;
  reason?: string;
}

/** kmeme.Cut */
export interface Cut {
  t: number;
  kind: "cut" | "dissolve" | "fade" | "wipe";
  start: number;
  end: number;
  confidence?: number;
}

/** kmeme.Shot */
export interface Shot {
  start: number;
  end: number;
  keyframe_t: number;
  keyframe?: string;
  motion?: number;
  brightness?: number;
}

/** kmeme.Section */
export interface Section {
  label: "intro" | "verse" | "build" | "drop" | "break" | "outro" | "speech" | string;
  start: number;
  end: number;
  start_bar?: number;
  end_bar?: number;
  energy: number;
}

/** kmeme.Analysis: what the measuring engine says about one video. */
export interface Analysis {
  version: string;
  content_hash?: string;
  duration_s: number;
  video: { width: number; height: number; fps: number; codec?: string; rotation?: number; frames?: number } | null;
  audio: { sample_rate: number; channels: number; codec?: string } | null;
  tempo: Tempo;
  meter?: number;
  beats: number[];
  downbeats: number[];
  onsets?: number[];
  cuts: Cut[];
  shots: Shot[];
  sections: Section[];
  energy: { hop_s: number; values: number[]; mean_db: number; peak_db: number; peak_t: number };
  hook: { window_s: number; cuts: number; cut_density: number; onset_density: number; motion: number; score: number };
  pauses?: { start: number; end: number }[];
  cuts_on_beats: number;
  semantics?: {
    description?: string;
    on_screen_text?: string[];
    format?: string;
    objects?: string[];
    mood?: string;
    engine: string;
  };
  timing_s?: Record<string, number>;
  perception?: Perception | null;
}

/** kmeme.ShotPerception: who is on screen in one source shot. */
export interface ShotPerception {
  shot: number;
  people: number;
  faces: number;
  framing: "closeup" | "bust" | "medium" | "full" | "none" | string;
  facing_camera?: boolean;
  camera?: "static" | "handheld" | "pan" | "zoom" | string;
  subject_motion?: number;
}

/** kmeme.ScreenText: text read on screen. */
export interface ScreenText {
  text: string;
  start: number;
  end: number;
  position?: "top" | "middle" | "bottom" | string;
  in_safe_zone?: boolean;
  lang?: string;
  confidence?: number;
}

/** kmeme.Perception (internal/kmeme/perception.go). */
export interface Perception {
  shots: ShotPerception[];
  texts: ScreenText[];
  speech?: { speech_s?: number; speech_share?: number } | null;
  not_measured?: { what: string; reason: string }[];
}

/** One public recipe card (GET /api/recipes/public). */
export interface ShowcaseItem {
  id: string;
  title: string;
  hook?: string;
  bpm: number | null;
  shoot_minutes: number | null;
  edit_minutes: number | null;
  shots: number;
  duration_s: number | null;
  difficulty?: string;
  keyframe?: string;
  remixes: number;
  created_at: string;
}

/** A file rendered for a remix. */
export interface RemixFile {
  name: string;
  url: string;
  size: number;
  content_type: string;
}

/** Answer of GET /api/remix/{id}. The recipe is normalised by lib/recipe.ts. */
export interface RemixView {
  node: RemixNode;
  analysis: Analysis | null;
  recipe: unknown;
  files: RemixFile[];
}

/** A cursor-paginated list. */
export interface Page<T> {
  items: T[];
  next: string;
}

/** One server-sent progress event. */
export interface ProgressEvent {
  stage: string;
  percent: number;
  status: NodeStatus | string;
  error?: string;
}

/** kmeme.CostBreakdown */
export interface CostBreakdown {
  provider?: string;
  model?: string;
  user_id?: string;
  calls: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

/** kmeme.CostSummary */
export interface CostSummary {
  month: string;
  total_usd: number;
  budget_usd: number;
  left_usd: number;
  calls: number;
  by_model: CostBreakdown[];
  by_user?: CostBreakdown[];
}

/** A scored node from search or similarity. */
export interface ScoredNode {
  node: RemixNode;
  score: number;
}

/** A geo-trend cell. */
export interface GeoCell {
  lat: number;
  lon: number;
  count: number;
}

/** RFC 9457 problem document. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  field?: string;
  request_id?: string;
}

/** kmeme.Platform */
export type Platform = "tiktok" | "shorts" | "reels";

/** kmeme.Caption: one dialogue caption in both registers, lines split by "\n". */
export interface Caption {
  casual: string;
  polite: string;
}

/** kmeme.PlannedShot */
export interface PlannedShot {
  n: number;
  start: number;
  end: number;
  start_beat?: string;
  end_beat?: string;
  section: string;
  film: string;
  framing: string;
  action: string;
  overtitle?: string;
  overtitle_polite?: string;
  role?: string;
  source_text?: string;
  caption: Caption;
  source_shot: number;
  source_keyframe?: string;
  source_keyframe_t: number;
}

/** kmeme.Adaptation */
export interface Adaptation {
  source: string;
  korean: string;
  reason: string;
  evidence?: Evidence;
  suggestion?: boolean;
}

/** kmeme.Evidence: what was observed and where. */
export interface Evidence {
  kind: string;
  t?: number;
  detail: string;
}

/** kmeme.FormatReason */
export interface FormatReason {
  detail: string;
  weight: number;
  evidence?: Evidence;
}

/** kmeme.FormatAlternative */
export interface FormatAlternative {
  format: string;
  name: string;
  score: number;
  reasons: FormatReason[];
}

/** kmeme.Recipe: a Korean remix plan. */
export interface Recipe {
  version: string;
  source_hash?: string;
  concept: {
    title: string;
    hook: string;
    mechanism: string;
    format: string;
    platform: Platform | string;
    aspect: string;
    duration_s: number;
    format_name?: string;
    format_reasons: FormatReason[];
    runner_up?: FormatAlternative;
    evidence_weak?: boolean;
  };
  audio: {
    bpm: number | null;
    meter?: number;
    drop_s: number | null;
    drop_bar?: string;
    sound_kind: string;
    mood: string;
    notes?: string[];
  };
  shots: PlannedShot[];
  adaptations: Adaptation[];
  hashtags: { tiktok: string[]; shorts: string[]; reels: string[] };
  checklist: string[];
  props: string[];
  difficulty: "easy" | "medium" | "hard" | string;
  shoot_minutes: number;
  edit_minutes: number;
  provenance: { parts: Record<string, string>; models?: Record<string, string>; cost_usd: number; fallbacks?: string[] };
}
