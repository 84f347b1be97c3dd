// The typed client for the K-MEME Factory API (docs/API.md). The browser is
// authenticated by the httpOnly session cookies the server sets at login; no
// token is ever stored by this code. Unsafe methods echo the readable
// kmeme_csrf cookie in X-CSRF-Token. A 401 triggers one refresh and a retry.
import type {
  AuthConfig,
  AuthResult,
  Consent,
  CostSummary,
  GeoCell,
  Location,
  Page,
  Problem,
  Quota,
  RemixNode,
  RemixView,
  ScoredNode,
  ShowcaseItem,
  TreeNode,
  User,
  Video,
  Visibility,
} from "./types";
import type { z } from "zod";
import * as S from "./schemas";

/** ApiError is a failed call, carrying the server's RFC 9457 problem document. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field?: string;
  readonly requestId?: string;
  /** Seconds to wait, from Retry-After on 429/503. */
  readonly retryAfter?: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem, retryAfter?: number) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.code = problem.code || codeForStatus(status);
    this.field = problem.field;
    this.requestId = problem.request_id;
    this.retryAfter = retryAfter;
    this.problem = problem;
  }
}

/** codeForStatus maps an HTTP status to a domain error code when the body has none. */
export function codeForStatus(status: number): string {
  switch (status) {
    case 0:
      return "network";
    case 400:
    case 422:
      return "invalid";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 409:
      return "conflict";
    case 413:
      return "too_large";
    case 415:
      return "unsupported";
    case 429:
      return "rate_limited";
    case 503:
      return "unavailable";
    default:
      return status >= 500 ? "internal" : "invalid";
  }
}

/** readCookie returns a cookie's decoded value from a document.cookie string. */
export function readCookie(cookies: string, name: string): string | null {
  for (const part of cookies.split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    if (part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return part.slice(i + 1).trim();
      }
    }
  }
  return null;
}

/** CSRF_COOKIE is the readable cookie echoed on unsafe methods. */
export const CSRF_COOKIE = "kmeme_csrf";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** ApiOptions lets tests and other hosts swap the transport. */
export interface ApiOptions {
  /** Prefix of every path, "" for the same origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Reads the cookie string; defaults to document.cookie in a browser. */
  cookies?: () => string;
}

interface RequestOptions {
  method?: string;
  body?: unknown;
  query?: Record<string, string | number | undefined | null>;
  headers?: Record<string, string>;
  /** Do not attempt a refresh on 401 (the auth routes themselves). */
  noRefresh?: boolean;
  signal?: AbortSignal;
}

/** query builds "?a=1&b=2", skipping empty values. */
export function query(q?: Record<string, string | number | undefined | null>): string {
  if (!q) return "";
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === "") continue;
    p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : "";
}

const seg = (s: string) => encodeURIComponent(s);

/** parseRetryAfter reads a Retry-After header in seconds (or an HTTP date). */
export function parseRetryAfter(v: string | null, now = Date.now()): number | undefined {
  if (!v) return undefined;
  const n = Number(v);
  if (Number.isFinite(n)) return Math.max(0, n);
  const d = Date.parse(v);
  return Number.isNaN(d) ? undefined : Math.max(0, Math.ceil((d - now) / 1000));
}

/** New remix request body. */
export interface NewRemix {
  video_id?: string;
  parent_id?: string;
  title?: string;
  location?: Location;
  visibility?: Visibility;
}

/** createApi returns the client bound to a transport. */
export function createApi(opts: ApiOptions = {}) {
  const base = opts.baseUrl ?? "";
  const doFetch = opts.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const cookies = opts.cookies ?? (() => (typeof document === "undefined" ? "" : document.cookie));
  let refreshing: Promise<boolean> | null = null;

  async function send(path: string, o: RequestOptions): Promise<Response> {
    const method = (o.method ?? "GET").toUpperCase();
    const headers: Record<string, string> = { Accept: "application/json", ...o.headers };
    let body: BodyInit | undefined;
    if (o.body instanceof FormData) {
      body = o.body;
    } else if (o.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(o.body);
    }
    if (UNSAFE.has(method)) {
      const csrf = readCookie(cookies(), CSRF_COOKIE);
      if (csrf) headers["X-CSRF-Token"] = csrf;
    }
    try {
      return await doFetch(base + path + query(o.query), {
        method,
        headers,
        body,
        credentials: "same-origin",
        signal: o.signal,
      });
    } catch (e) {
      if (e instanceof DOMException && e.name === "AbortError") throw e;
      throw new ApiError(0, { code: "network", detail: String(e) });
    }
  }

  async function refresh(): Promise<boolean> {
    if (!refreshing) {
      refreshing = send("/api/auth/refresh", { method: "POST", noRefresh: true })
        .then(async (r) => {
          await drain(r);
          return r.ok;
        })
        .catch(() => false)
        .finally(() => {
          refreshing = null;
        });
    }
    return refreshing;
  }

  async function raw(path: string, o: RequestOptions = {}): Promise<Response> {
    let res = await send(path, o);
    if (res.status === 401 && !o.noRefresh) {
      // Reading the refusal releases the connection and keeps its problem document.
      const refused = await toError(res);
      if (!(await refresh())) throw refused;
      res = await send(path, o);
    }
    if (!res.ok) throw await toError(res);
    return res;
  }

  /** call sends a request and checks the answer against its schema (lib/schemas.ts). */
  async function call<T>(schema: z.ZodType<T>, path: string, o: RequestOptions = {}): Promise<T> {
    const res = await raw(path, o);
    const text = res.status === 204 ? "" : await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw badAnswer(res.status, path, "the answer is not JSON");
    }
    return checked(schema, body, path, res.status);
  }

  /** none sends a request whose answer has no body (204) or one the views do not read. */
  async function none(path: string, o: RequestOptions = {}): Promise<void> {
    await drain(await raw(path, o));
  }

  return {
    signup: (email: string, password: string, display_name?: string) =>
      call<AuthResult>(S.authResult, "/api/auth/signup", { method: "POST", body: { email, password, display_name }, noRefresh: true }),
    login: (email: string, password: string) =>
      call<AuthResult>(S.authResult, "/api/auth/login", { method: "POST", body: { email, password }, noRefresh: true }),
    authConfig: () => call<AuthConfig>(S.authConfig, "/api/auth/config", { noRefresh: true }),
    /** firebaseSignIn exchanges a Firebase ID token for the server's cookie session. */
    firebaseSignIn: (id_token: string) =>
      call<AuthResult>(S.authResult, "/api/auth/firebase", { method: "POST", body: { id_token }, noRefresh: true }),
    logout: () => none("/api/auth/logout", { method: "POST", noRefresh: true }),
    refresh,
    me: () => call<{ user: User; quota?: Quota }>(S.me, "/api/me"),
    myRemixes: (limit = 50, after?: string) => call<Page<RemixNode>>(S.nodePage, "/api/me/remixes", { query: { limit, after } }),
    exportMe: () => raw("/api/me/export").then((r) => r.blob()),
    consents: () => call<{ items: Consent[] }>(S.consentList, "/api/me/consents"),
    setConsent: (purpose: string, granted: boolean) =>
      call<{ items: Consent[] }>(S.consentList, "/api/me/consents", { method: "PUT", body: { purpose, granted } }),
    deleteMe: () => none("/api/me", { method: "DELETE" }),
    importVideo: (url: string) => call<Video>(S.video, "/api/videos/import", { method: "POST", body: { url } }),
    createRemix: (body: NewRemix, idempotencyKey?: string) =>
      call<RemixNode>(S.remixNode, "/api/remix", {
        method: "POST",
        body,
        headers: idempotencyKey ? { "Idempotency-Key": idempotencyKey } : undefined,
      }),
    remix: (id: string) => call<RemixView>(S.remixView, `/api/remix/${seg(id)}`),
    deleteRemix: (id: string) => none(`/api/remix/${seg(id)}`, { method: "DELETE" }),
    children: (id: string, limit = 50) => call<Page<RemixNode>>(S.nodePage, `/api/remix/${seg(id)}/children`, { query: { limit } }),
    lineage: (id: string, direction: "ancestors" | "descendants", depth?: number) =>
      call<{ items: RemixNode[] }>(S.lineage, `/api/remix/${seg(id)}/lineage`, { query: { direction, depth } }),
    tree: (id: string, depth?: number) =>
      call<{ node: TreeNode; truncated: boolean }>(S.tree, `/api/remix/${seg(id)}/tree`, { query: { depth } }),
    similar: (id: string, k = 10) => call<{ items: ScoredNode[] }>(S.scored, `/api/remix/${seg(id)}/similar`, { query: { k } }),
    search: (q: string, k = 20) => call<{ items: ScoredNode[] }>(S.scored, "/api/search", { query: { q, k } }),
    /** showcase: finished public recipes for the landing (no sign-in). */
    showcase: (limit = 6) => call<{ items: ShowcaseItem[] }>(S.showcase, "/api/recipes/public", { query: { limit }, noRefresh: true }),
    /** replan asks the planner for the same video in another format (issue 12). */
    replan: (id: string, format: string) => call<RemixNode>(S.remixNode, `/api/remix/${seg(id)}/replan`, { method: "POST", body: { format } }),
    trending: (days = 7) => call<{ items: { node: RemixNode; remixes: number }[] }>(S.trending, "/api/trending", { query: { days } }),
    nearby: (lat: number, lon: number, km: number, limit = 100) =>
      call<{ items: { node: RemixNode; distance_km: number }[] }>(S.nearby, "/api/geo/nearby", { query: { lat, lon, km, limit } }),
    geoTrends: (bbox: [number, number, number, number], since?: string) =>
      call<{ cells: GeoCell[]; cell_deg?: number }>(S.geoTrends, "/api/geo/trends", { query: { bbox: bbox.map((x) => Math.round(x * 1e4) / 1e4).join(","), since } }),
    adminCosts: (month: string) => call<CostSummary>(S.costSummary, "/api/admin/costs", { query: { month } }),
    setQuota: (userId: string, daily_limit: number) =>
      none(`/api/admin/users/${seg(userId)}/quota`, { method: "PUT", body: { daily_limit } }),
    /** fileUrl is the download address of a rendered file. */
    fileUrl: (id: string, name: string) => `${base}/api/remix/${seg(id)}/files/${seg(name)}`,
    /** eventsUrl is the server-sent events address of a remix. */
    eventsUrl: (id: string) => `${base}/api/remix/${seg(id)}/events`,
  };
}

/** Api is the client's type. */
export type Api = ReturnType<typeof createApi>;

/** drain reads a response body to the end, ignoring errors. */
async function drain(res: Response): Promise<void> {
  try {
    await res.arrayBuffer();
  } catch {
    /* already read or aborted */
  }
}

/**
 * checked validates an answer against its schema. An answer that does not
 * match is a "bad_answer" error (shown in Korean as "the server's answer does
 * not match this version of the app"); the first mismatches go to the detail.
 */
export function checked<T>(schema: z.ZodType<T>, body: unknown, path: string, status = 200): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const where = r.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "(answer)"}: ${i.message}`)
    .join("; ");
  throw badAnswer(status, path, where);
}

/**
 * badAnswer is the error for an answer this app version cannot read. It is
 * said on the console too: a view that treats the error as "signed out" or
 * "nothing here" would otherwise hide it (web/e2e/run.mjs fails on the line).
 */
function badAnswer(status: number, path: string, why: string): ApiError {
  console.error(`kmeme bad_answer ${path}: ${why}`);
  return new ApiError(status, { code: "bad_answer", detail: `${path}: ${why}` });
}

async function toError(res: Response): Promise<ApiError> {
  let problem: Problem = {};
  try {
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : {};
    if (parsed && typeof parsed === "object") problem = parsed as Problem;
  } catch {
    problem = {};
  }
  return new ApiError(res.status, problem, parseRetryAfter(res.headers.get("Retry-After")));
}

/** api is the browser's client for the same origin. */
export const api = createApi();
