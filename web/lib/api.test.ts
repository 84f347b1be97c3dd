import { describe, expect, it, vi } from "vitest";
import { ApiError, codeForStatus, createApi, parseRetryAfter, query, readCookie } from "./api";
import { errorKey, translate } from "./i18n";

type Call = { url: string; init: RequestInit };

function mockFetch(responses: Array<Response | (() => Response)>) {
  const calls: Call[] = [];
  const fn = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    const r = responses.shift();
    if (!r) throw new Error("unexpected call " + String(url));
    return typeof r === "function" ? r() : r;
  });
  return { fn: fn as unknown as typeof fetch, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });

// Answers as the server writes them (field sets of lib/gen/api.ts).
const node = (id: string, over: Record<string, unknown> = {}) => ({
  id, parent_id: null, root_id: id, path: id, depth: 0, owner_id: "u1", video_id: "v1", title: "월요일 아침 댄스",
  status: "done", visibility: "public", children: 0, descendants: 0,
  created_at: "2026-11-01T00:00:00Z", updated_at: "2026-11-01T00:00:00Z", ...over,
});
const user = { id: "u1", role: "user", plan: "free", time_zone: "Asia/Seoul", created_at: "2026-11-01T00:00:00Z" };
const quota = { day: "2026-11-01", plan: "free", limit: 5, used: 2, left: 3, resets_at: "2026-11-02T00:00:00+09:00" };

const headersOf = (c: Call) => c.init.headers as Record<string, string>;

describe("readCookie", () => {
  it.each([
    ["a=1; kmeme_csrf=tok%20en; b=2", "kmeme_csrf", "tok en"],
    ["kmeme_csrf=abc", "kmeme_csrf", "abc"],
    ["xkmeme_csrf=no; kmeme_csrfx=no", "kmeme_csrf", null],
    ["", "kmeme_csrf", null],
    ["kmeme_csrf=%E0%A4%A", "kmeme_csrf", "%E0%A4%A"],
  ])("%s", (cookies, name, want) => {
    expect(readCookie(cookies, name)).toBe(want);
  });
});

describe("query", () => {
  it("skips empty values and encodes", () => {
    expect(query({ q: "댄스 챌린지", k: 5, after: undefined, x: "" })).toBe("?q=%EB%8C%84%EC%8A%A4+%EC%B1%8C%EB%A6%B0%EC%A7%80&k=5");
    expect(query({})).toBe("");
  });
});

describe("parseRetryAfter", () => {
  it.each([
    ["30", 30],
    ["0", 0],
    [null, undefined],
    ["junk", undefined],
  ])("%s", (v, want) => expect(parseRetryAfter(v as string | null)).toBe(want));
  it("reads an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:10 GMT", now)).toBe(10);
  });
});

describe("createApi", () => {
  it("sends CSRF header on unsafe methods only, never a bearer token", async () => {
    const { fn, calls } = mockFetch([json(200, { items: [], next: "" }), json(201, node("n1", { status: "queued" }))]);
    const api = createApi({ fetch: fn, cookies: () => "kmeme_csrf=abc123" });
    await api.myRemixes();
    await api.createRemix({ video_id: "v1", title: "t" }, "idem-1");
    expect(headersOf(calls[0])["X-CSRF-Token"]).toBeUndefined();
    expect(calls[0].init.method).toBe("GET");
    expect(calls[0].url).toBe("/api/me/remixes?limit=50");
    const h = headersOf(calls[1]);
    expect(h["X-CSRF-Token"]).toBe("abc123");
    expect(h["Idempotency-Key"]).toBe("idem-1");
    expect(h["Content-Type"]).toBe("application/json");
    expect(h.Authorization).toBeUndefined();
    expect(calls[1].init.credentials).toBe("same-origin");
    expect(JSON.parse(String(calls[1].init.body))).toEqual({ video_id: "v1", title: "t" });
  });

  it("reads and changes consents with a CSRF header on the change", async () => {
    const items = [{ purpose: "ai_processing", granted: true, decided_at: "2026-11-27T00:00:00Z" }];
    const { fn, calls } = mockFetch([json(200, { items: [] }), json(200, { items })]);
    const api = createApi({ fetch: fn, cookies: () => "kmeme_csrf=c1" });
    await api.consents();
    const r = await api.setConsent("ai_processing", true);
    expect(calls[0].url).toBe("/api/me/consents");
    expect(calls[1].init.method).toBe("PUT");
    expect(headersOf(calls[1])["X-CSRF-Token"]).toBe("c1");
    expect(JSON.parse(String(calls[1].init.body))).toEqual({ purpose: "ai_processing", granted: true });
    expect(r.items[0].granted).toBe(true);
  });

  it("turns a problem document into an ApiError with code, field and retry-after", async () => {
    const { fn } = mockFetch([
      json(
        429,
        { type: "https://k-meme.com/problems/rate_limited", title: "Too Many Requests", status: 429, detail: "slow down", code: "rate_limited", request_id: "r1" },
        { "Retry-After": "12" },
      ),
    ]);
    const api = createApi({ fetch: fn, cookies: () => "" });
    const err = await api.search("x").catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(429);
    expect(err.code).toBe("rate_limited");
    expect(err.retryAfter).toBe(12);
    expect(err.requestId).toBe("r1");
    expect(err.message).toBe("slow down");
  });

  it("falls back to a code from the status when the body is not a problem", async () => {
    const { fn } = mockFetch([new Response("<html>bad gateway</html>", { status: 502 })]);
    const err = await createApi({ fetch: fn, cookies: () => "" }).me().catch((e) => e);
    expect(err.code).toBe("internal");
    expect(err.status).toBe(502);
  });

  it("refreshes once on 401 and retries", async () => {
    const { fn, calls } = mockFetch([json(401, { code: "unauthorized" }), json(200, {}), json(200, { user, quota })]);
    const api = createApi({ fetch: fn, cookies: () => "kmeme_csrf=c" });
    const me = await api.me();
    expect(me.user.id).toBe("u1");
    expect(calls.map((c) => c.url)).toEqual(["/api/me", "/api/auth/refresh", "/api/me"]);
    expect(headersOf(calls[1])["X-CSRF-Token"]).toBe("c");
  });

  it("gives up when the refresh fails", async () => {
    const { fn, calls } = mockFetch([json(401, { code: "unauthorized", detail: "session expired" }), json(401, { code: "unauthorized" })]);
    const err = await createApi({ fetch: fn, cookies: () => "" }).me().catch((e) => e);
    expect(err.code).toBe("unauthorized");
    expect(err.message).toBe("session expired");
    expect(calls).toHaveLength(2);
  });

  it("does not refresh on a failed login", async () => {
    const { fn, calls } = mockFetch([json(401, { code: "unauthorized", detail: "bad password" })]);
    const err = await createApi({ fetch: fn, cookies: () => "" }).login("a@b.c", "x").catch((e) => e);
    expect(err.code).toBe("unauthorized");
    expect(calls).toHaveLength(1);
  });

  it("maps a network failure to code network", async () => {
    const fn = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    }) as unknown as typeof fetch;
    const err = await createApi({ fetch: fn, cookies: () => "" }).trending().catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe("network");
  });

  it("handles 204 and escapes ids in paths", async () => {
    const { fn, calls } = mockFetch([new Response(null, { status: 204 }), json(200, { node: { ...node("x y"), children: [{ ...node("c1"), children: 0 }] }, truncated: false })]);
    const api = createApi({ fetch: fn, cookies: () => "" });
    await expect(api.deleteRemix("a/../b")).resolves.toBeUndefined();
    await api.tree("x y", 5);
    expect(calls[0].url).toBe("/api/remix/a%2F..%2Fb");
    expect(calls[0].init.method).toBe("DELETE");
    expect(calls[1].url).toBe("/api/remix/x%20y/tree?depth=5");
    expect(api.fileUrl("n1", "guide.pdf")).toBe("/api/remix/n1/files/guide.pdf");
    expect(api.eventsUrl("n1")).toBe("/api/remix/n1/events");
  });

  it("builds geo and admin queries", async () => {
    const { fn, calls } = mockFetch([
      json(200, { cells: [], cell_deg: 0.1 }),
      json(200, { items: [] }),
      json(200, { month: "2026-11", total_usd: 0, budget_usd: 50, left_usd: 50, calls: 0, by_model: [] }),
    ]);
    const api = createApi({ fetch: fn, cookies: () => "", baseUrl: "http://h" });
    await api.geoTrends([124.5, 33, 132, 38.7]);
    await api.nearby(37.5, 127, 12.5);
    await api.adminCosts("2026-11");
    expect(calls.map((c) => c.url)).toEqual([
      "http://h/api/geo/trends?bbox=124.5%2C33%2C132%2C38.7",
      "http://h/api/geo/nearby?lat=37.5&lon=127&km=12.5&limit=100",
      "http://h/api/admin/costs?month=2026-11",
    ]);
  });

  it("rejects a 200 with a body that is not JSON", async () => {
    const { fn } = mockFetch([new Response("not json", { status: 200 })]);
    const err = await createApi({ fetch: fn, cookies: () => "" }).me().catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe("bad_answer");
  });

  it("passes a valid answer through, fields a newer server adds included", async () => {
    const { fn } = mockFetch([json(200, { items: [{ node: node("n1", { recipe_title: "새 필드" }), remixes: 4 }] })]);
    const r = await createApi({ fetch: fn, cookies: () => "" }).trending();
    expect(r.items[0].node.title).toBe("월요일 아침 댄스");
    expect((r.items[0].node as unknown as Record<string, unknown>).recipe_title).toBe("새 필드");
  });

  it.each([
    ["a renamed field", () => json(200, { items: [{ node: { ...node("n1"), title: undefined, name: "x" }, remixes: 1 }] }), "items.0.node.title"],
    ["a number sent as text", () => json(200, { items: [{ node: node("n1"), remixes: "1" }] }), "items.0.remixes"],
    ["an unknown status", () => json(200, { items: [{ node: node("n1", { status: "exploded" }), remixes: 1 }] }), "items.0.node.status"],
    ["an empty 200", () => new Response("", { status: 200 }), "not JSON"],
  ])("turns %s into a bad_answer error naming the field, shown in Korean", async (_what, answer, where) => {
    const { fn } = mockFetch([answer]);
    const err = await createApi({ fetch: fn, cookies: () => "" }).trending().catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe("bad_answer");
    expect(err.problem.detail).toContain("/api/trending");
    expect(err.problem.detail).toContain(where);
    expect(translate("ko", errorKey(err.code))).toBe("서버의 응답이 이 앱 버전과 맞지 않아요. 페이지를 새로고침해 주세요.");
  });

  it("says a bad answer on the console in the line the e2e run looks for", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const { fn } = mockFetch([json(200, { items: [{ node: node("n1"), remixes: "1" }] }), new Response("not json", { status: 200 })]);
      const api = createApi({ fetch: fn, cookies: () => "" });
      await api.trending().catch(() => {});
      await api.me().catch(() => {});
      const lines = spy.mock.calls.map((c) => String(c[0]));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^kmeme bad_answer \/api\/trending: items\.0\.remixes/);
      expect(lines[1]).toBe("kmeme bad_answer /api/me: the answer is not JSON");
    } finally {
      spy.mockRestore();
    }
  });

  it("says nothing on the console for a good answer", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const { fn } = mockFetch([json(200, { items: [{ node: node("n1"), remixes: 4 }] })]);
      await createApi({ fetch: fn, cookies: () => "" }).trending();
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it("accepts an account without a quota (a server without the quota service)", async () => {
    const { fn } = mockFetch([json(200, { user })]);
    const me = await createApi({ fetch: fn, cookies: () => "" }).me();
    expect(me.user.plan).toBe("free");
    expect(me.quota).toBeUndefined();
  });

  it("checks the signed-in account and quota", async () => {
    const { fn } = mockFetch([json(200, { user: { ...user, role: "owner" }, quota })]);
    const err = await createApi({ fetch: fn, cookies: () => "" }).me().catch((e) => e);
    expect(err.code).toBe("bad_answer");
    expect(err.problem.detail).toContain("user.role");
  });
});

describe("codeForStatus", () => {
  it.each([
    [401, "unauthorized"],
    [404, "not_found"],
    [413, "too_large"],
    [500, "internal"],
    [503, "unavailable"],
    [0, "network"],
  ])("%i → %s", (s, c) => expect(codeForStatus(s)).toBe(c));
});
