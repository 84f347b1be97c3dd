// Every answer the e2e fixture API (e2e/fixtures.mjs) gives goes through the
// real client, so through the same zod schema (lib/schemas.ts) the page
// would apply: a fixture that has gone stale (a field renamed, a required
// field missing) fails here in seconds instead of making an e2e page fall
// back to its signed-out or error state minutes into the run.
import { describe, expect, it } from "vitest";
import { answer, IDS, type FixtureOptions } from "../e2e/fixtures.mjs";
import { ApiError, createApi } from "./api";
import { normalizeRecipe } from "./recipe";

function fixtureApi(opts: FixtureOptions = {}) {
  const seen: string[] = [];
  const api = createApi({
    baseUrl: "http://fixture.test",
    cookies: () => "",
    fetch: async (url, init) => {
      const a = answer(init?.method ?? "GET", String(url), opts);
      seen.push(`${new URL(String(url)).pathname} ${a.status}`);
      return new Response(a.body, { status: a.status, headers: { "Content-Type": a.contentType } });
    },
  });
  return { api, seen };
}

type Api = ReturnType<typeof createApi>;

// Every read the fixture pages make (see the pages list in e2e/run.mjs).
const READS: [string, (api: Api) => Promise<unknown>][] = [
  ["me", (a) => a.me()],
  ["my remixes", (a) => a.myRemixes()],
  ["remix (root)", (a) => a.remix(IDS.root)],
  ["remix (child)", (a) => a.remix(IDS.child)],
  ["tree", (a) => a.tree(IDS.child)],
  ["lineage", (a) => a.lineage(IDS.child, "ancestors")],
  ["similar", (a) => a.similar(IDS.root, 6)],
  ["search", (a) => a.search("월요병")],
  ["showcase", (a) => a.showcase(6)],
  ["trending", (a) => a.trending(7)],
  ["nearby", (a) => a.nearby(37.56, 126.98, 20)],
  ["geo trends", (a) => a.geoTrends([124.5, 33, 132, 38.7])],
  ["admin costs", (a) => a.adminCosts("2026-11")],
];

describe("e2e fixture answers pass the schemas", () => {
  it.each(READS)("%s", async (_, read) => {
    const { api, seen } = fixtureApi();
    await expect(read(api)).resolves.toBeDefined();
    // A fixture that falls through to its 404 is a missing fixture, not a pass.
    expect(seen.every((s) => s.endsWith(" 200"))).toBe(true);
  });

  it.each([
    ["signed in", {}],
    ["signed in, not an admin", { admin: false }],
    ["hostile recipe", { hostile: true }],
  ] as [string, FixtureOptions][])("the recipe page's answers (%s)", async (_, opts) => {
    const { api } = fixtureApi(opts);
    const view = await api.remix(IDS.root);
    expect(view.files.length).toBeGreaterThan(0);
    expect(normalizeRecipe(view.recipe)).not.toBeNull();
    const me = await api.me();
    expect(me.user.role).toBe(opts.admin === false ? "user" : "admin");
    expect(me.quota).toBeDefined();
  });

  it("a visitor is refused as the server refuses (401 problem), not with a bad answer", async () => {
    const { api } = fixtureApi({ visitor: true });
    const err = await api.me().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(401);
    expect((err as ApiError).code).toBe("unauthorized");
    await expect(api.showcase(6)).resolves.toBeDefined();
  });
});
