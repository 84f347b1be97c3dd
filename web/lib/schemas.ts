// Runtime checks of the API's answers (zod), applied by lib/api.ts before a
// view sees them. Each schema is tied at compile time to two types:
//   - the generated type of the same answer in lib/gen/api.ts (from
//     /openapi.json): what the schema accepts is a valid answer of the API
//     document, so a field the server renames or retypes fails `tsc`;
//   - the type the views use (lib/types.ts): what passes the check is what the
//     views were written against.
// Objects are loose: fields added by a newer server pass through untouched.
import { z } from "zod";
import type { components } from "./gen/api";
import type * as T from "./types";

type S = components["schemas"];
/** Expect compiles only when A is assignable to B. */
type Expect<A extends B, B> = A extends B ? true : never;

const time = z.string();
const location = z.looseObject({ lat: z.number(), lon: z.number(), label: z.string().optional() });

export const nodeStatus = z.enum(["draft", "queued", "analyzing", "planning", "rendering", "done", "failed"]);
export const visibility = z.enum(["private", "public"]);

const nodeFields = {
  id: z.string(),
  parent_id: z.string().nullable(),
  root_id: z.string(),
  path: z.string(),
  depth: z.number(),
  owner_id: z.string().nullable(),
  video_id: z.string().nullable(),
  title: z.string(),
  status: nodeStatus,
  visibility: visibility,
  error: z.string().optional(),
  location: location.optional(),
  descendants: z.number(),
  created_at: time,
  updated_at: time,
};

export const remixNode = z.looseObject({ ...nodeFields, children: z.number() });

export const treeNode: z.ZodType<T.TreeNode> = z.looseObject({
  ...nodeFields,
  get children() {
    return z.union([z.array(treeNode), z.number()]);
  },
});

const user = z.looseObject({
  id: z.string(),
  email: z.string().optional(),
  display_name: z.string().optional(),
  role: z.enum(["user", "admin"]),
  plan: z.string(),
  firebase_uid: z.string().optional(),
  time_zone: z.string(),
  created_at: time,
});

const quota = z.looseObject({ day: z.string(), plan: z.string(), limit: z.number(), used: z.number(), left: z.number(), resets_at: time });

export const authResult = z.looseObject({ user, access_token: z.string(), expires_in: z.number() });
export const authConfig = z.looseObject({
  firebase: z.looseObject({ api_key: z.string(), auth_domain: z.string(), project_id: z.string() }).nullable(),
});
// quota is left out when the server runs without a quota service.
export const me = z.looseObject({ user, quota: quota.optional() });
export const nodePage = z.looseObject({ items: z.array(remixNode), next: z.string() });
const consent = z.looseObject({ purpose: z.string(), granted: z.boolean(), decided_at: time.nullable() });
export const consentList = z.looseObject({ items: z.array(consent) });
export const video = z.looseObject({
  id: z.string(),
  owner_id: z.string().nullable(),
  content_hash: z.string(),
  size_bytes: z.number(),
  filename: z.string(),
  source_url: z.string().optional(),
  duration_s: z.number(),
  width: z.number(),
  height: z.number(),
  fps: z.number(),
  format: z.string(),
  created_at: time,
});
const file = z.looseObject({ name: z.string(), url: z.string(), size: z.number(), content_type: z.string() });
/** The recipe and the analysis are "any JSON value" in the API document; lib/recipe.ts normalises the recipe. */
export const remixView = z.looseObject({
  node: remixNode,
  analysis: z.custom<T.Analysis | null>((v) => v === null || (typeof v === "object" && !Array.isArray(v))),
  recipe: z.unknown(),
  files: z.array(file),
});
export const lineage = z.looseObject({ items: z.array(remixNode) });
export const tree = z.looseObject({ node: treeNode, truncated: z.boolean() });
export const scored = z.looseObject({ items: z.array(z.looseObject({ node: remixNode, score: z.number() })) });
const numOrNull = z.number().nullable();
export const showcase = z.looseObject({
  items: z.array(
    z.looseObject({
      id: z.string(),
      title: z.string(),
      hook: z.string().optional(),
      bpm: numOrNull,
      shoot_minutes: numOrNull,
      edit_minutes: numOrNull,
      shots: z.number(),
      duration_s: numOrNull,
      difficulty: z.string().optional(),
      keyframe: z.string().optional(),
      remixes: z.number(),
      created_at: time,
    }),
  ),
});
export const trending = z.looseObject({ items: z.array(z.looseObject({ node: remixNode, remixes: z.number() })) });
export const nearby = z.looseObject({ items: z.array(z.looseObject({ node: remixNode, distance_km: z.number() })) });
export const geoTrends = z.looseObject({
  cells: z.array(z.looseObject({ lat: z.number(), lon: z.number(), count: z.number() })),
  cell_deg: z.number(),
});
const costLine = z.looseObject({
  provider: z.string().optional(),
  model: z.string().optional(),
  user_id: z.string().optional(),
  calls: z.number(),
  input_tokens: z.number(),
  output_tokens: z.number(),
  cost_usd: z.number(),
});
export const costSummary = z.looseObject({
  month: z.string(),
  total_usd: z.number(),
  budget_usd: z.number(),
  left_usd: z.number(),
  calls: z.number(),
  by_model: z.array(costLine),
  by_user: z.array(costLine).optional(),
});

type I<X extends z.ZodType> = z.infer<X>;

// What passes each check is a valid answer of the API document …
export type SpecChecks = [
  Expect<I<typeof remixNode>, S["RemixNode"]>,
  Expect<I<typeof authResult>, S["SessionBody"]>,
  Expect<I<typeof authConfig>, S["AuthConfigBody"]>,
  Expect<I<typeof me>, S["MeBody"]>,
  Expect<I<typeof nodePage>, S["NodeList"]>,
  Expect<I<typeof consentList>, S["ConsentList"]>,
  Expect<I<typeof video>, S["Video"]>,
  Expect<I<typeof remixView>, S["RemixView"]>,
  Expect<I<typeof scored>, S["ScoredBody"]>,
  Expect<I<typeof showcase>, S["ShowcaseBody"]>,
  Expect<I<typeof trending>, S["TrendingBody"]>,
  Expect<I<typeof nearby>, S["NearbyBody"]>,
  Expect<I<typeof geoTrends>, S["GeoTrendsBody"]>,
  Expect<I<typeof costSummary>, S["CostSummary"]>,
];

// … and is what the views were written against.
export type ViewChecks = [
  Expect<I<typeof remixNode>, T.RemixNode>,
  Expect<I<typeof authResult>, T.AuthResult>,
  Expect<I<typeof authConfig>, T.AuthConfig>,
  Expect<I<typeof me>, { user: T.User; quota?: T.Quota }>,
  Expect<I<typeof nodePage>, T.Page<T.RemixNode>>,
  Expect<I<typeof consentList>, { items: T.Consent[] }>,
  Expect<I<typeof video>, T.Video>,
  Expect<I<typeof remixView>, T.RemixView>,
  Expect<I<typeof scored>, { items: T.ScoredNode[] }>,
  Expect<I<typeof showcase>, { items: T.ShowcaseItem[] }>,
  Expect<I<typeof geoTrends>, { cells: T.GeoCell[]; cell_deg?: number }>,
  Expect<I<typeof costSummary>, T.CostSummary>,
];
