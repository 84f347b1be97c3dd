import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, createApi } from "./api";
import { googleConfig, googleErrorKey, googleErrorText, resetGoogleSignIn, SdkLoadError, signInWithGoogle } from "./google-sign-in";
import type { FirebaseWebConfig } from "./types";

// The Firebase SDK is mocked: no network, no popup. The mocks record how
// the SDK was driven so the tests can check the sequence.
const sdk = vi.hoisted(() => {
  const user = { getIdToken: vi.fn(async () => "firebase-id-token") };
  return {
    user,
    apps: [] as { name: string }[],
    initializeApp: vi.fn((opts: unknown, name: string) => {
      const app = { name, opts };
      sdk.apps.push(app);
      return app;
    }),
    initializeAuth: vi.fn((app: unknown, deps: unknown) => ({ app, deps })),
    getAuth: vi.fn((app: unknown) => ({ app })),
    // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the mock keeps the real signature
    signInWithPopup: vi.fn(async (_auth: unknown, _provider: unknown) => ({ user })),
    signOut: vi.fn(async () => undefined),
    customParameters: vi.fn(),
  };
});

vi.mock("firebase/app", () => ({
  getApps: () => sdk.apps,
  initializeApp: sdk.initializeApp,
}));

vi.mock("firebase/auth", () => ({
  initializeAuth: sdk.initializeAuth,
  getAuth: sdk.getAuth,
  inMemoryPersistence: { type: "NONE" },
  browserPopupRedirectResolver: { resolver: true },
  GoogleAuthProvider: class {
    providerId = "google.com";
    setCustomParameters(p: unknown) {
      sdk.customParameters(p);
    }
  },
  signInWithPopup: sdk.signInWithPopup,
  signOut: sdk.signOut,
}));

const cfg: FirebaseWebConfig = { api_key: "AIza-public", auth_domain: "kmeme.firebaseapp.com", project_id: "kmeme" };

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
// The account as the server answers it (SessionBody.user).
const account = { id: "u1", role: "user", plan: "free", time_zone: "Asia/Seoul", created_at: "2026-11-01T00:00:00Z" };

function apiWith(responses: Response[]) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    const r = responses.shift();
    if (!r) throw new TypeError("unexpected call " + String(url));
    return r;
  }) as unknown as typeof globalThis.fetch;
  return { api: createApi({ fetch, cookies: () => "kmeme_csrf=c1" }), calls };
}

const firebaseError = (code: string) => Object.assign(new Error(code), { name: "FirebaseError", code });

beforeEach(() => {
  resetGoogleSignIn();
  sdk.apps.length = 0;
  vi.clearAllMocks();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe("googleConfig", () => {
  it("returns the Firebase web config when the server has one", async () => {
    const { api, calls } = apiWith([json(200, { firebase: cfg })]);
    expect(await googleConfig(api)).toEqual(cfg);
    expect(calls[0].url).toBe("/api/auth/config");
    expect(calls[0].init.method).toBe("GET");
  });

  it.each([
    ["firebase null", json(200, { firebase: null })],
    ["incomplete config", json(200, { firebase: { api_key: "k", auth_domain: "", project_id: "p" } })],
    ["older server without the route", json(404, { code: "not_found" })],
    ["server error", json(500, { code: "internal" })],
  ])("is null for %s", async (_name, res) => {
    const { api } = apiWith([res]);
    expect(await googleConfig(api)).toBeNull();
  });

  it("is null when the network fails", async () => {
    const { api } = apiWith([]);
    expect(await googleConfig(api)).toBeNull();
  });
});

describe("signInWithGoogle", () => {
  it("runs the popup, exchanges the ID token and signs Firebase out", async () => {
    const user = { ...account, email: "a@k-meme.com" };
    const { api, calls } = apiWith([json(200, { user, access_token: "at", expires_in: 900 })]);
    const res = await signInWithGoogle(cfg, api);
    expect(res.user).toEqual(user);
    expect(sdk.initializeApp).toHaveBeenCalledWith({ apiKey: "AIza-public", authDomain: "kmeme.firebaseapp.com", projectId: "kmeme" }, "kmeme");
    // In-memory persistence: no Firebase token is left in the browser's storage.
    expect(sdk.initializeAuth.mock.calls[0][1]).toEqual({ persistence: { type: "NONE" }, popupRedirectResolver: { resolver: true } });
    expect(sdk.customParameters).toHaveBeenCalledWith({ prompt: "select_account" });
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe("/api/auth/firebase");
    expect(calls[0].init.method).toBe("POST");
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ id_token: "firebase-id-token" });
    expect((calls[0].init.headers as Record<string, string>)["X-CSRF-Token"]).toBe("c1");
    expect(sdk.signOut).toHaveBeenCalledTimes(1);
  });

  it("initialises the SDK once across sign-ins", async () => {
    const ok = () => json(200, { user: account, access_token: "at", expires_in: 900 });
    const { api } = apiWith([ok(), ok()]);
    await signInWithGoogle(cfg, api);
    await signInWithGoogle(cfg, api);
    expect(sdk.initializeApp).toHaveBeenCalledTimes(1);
    expect(sdk.initializeAuth).toHaveBeenCalledTimes(1);
    expect(sdk.signInWithPopup).toHaveBeenCalledTimes(2);
  });

  it("does not call the server when the popup is closed", async () => {
    sdk.signInWithPopup.mockRejectedValueOnce(firebaseError("auth/popup-closed-by-user"));
    const { api, calls } = apiWith([]);
    const err = await signInWithGoogle(cfg, api).catch((e) => e);
    expect(googleErrorKey(err)).toBeNull();
    expect(calls).toHaveLength(0);
  });

  it("surfaces the server's refusal and still signs Firebase out", async () => {
    const { api } = apiWith([json(401, { code: "unauthorized", detail: "the token is for another project" })]);
    const err = await signInWithGoogle(cfg, api).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(googleErrorText(err)).toBe("Google 계정으로 로그인하지 못했어요. 다시 시도해주세요.");
    expect(sdk.signOut).toHaveBeenCalledTimes(1);
  });

  it("reports an SDK that did not load, and retries the load next time", async () => {
    const { api } = apiWith([json(200, { user: account, access_token: "at", expires_in: 900 })]);
    const err = await signInWithGoogle(cfg, api, () => Promise.reject(new Error("ChunkLoadError"))).catch((e) => e);
    expect(err).toBeInstanceOf(SdkLoadError);
    expect(googleErrorText(err)).toBe("Google 로그인을 불러오지 못했어요. 네트워크를 확인하고 다시 시도해주세요.");
    await expect(signInWithGoogle(cfg, api)).resolves.toMatchObject({ user: { id: "u1" } });
  });
});

describe("googleErrorText", () => {
  it.each([
    [firebaseError("auth/popup-blocked"), "팝업이 차단됐어요. 이 사이트의 팝업을 허용하고 다시 시도해주세요."],
    [firebaseError("auth/network-request-failed"), "네트워크에 연결할 수 없어요."],
    [firebaseError("auth/unauthorized-domain"), "지금은 Google 로그인을 사용할 수 없어요. 이메일로 로그인해주세요."],
    [firebaseError("auth/operation-not-allowed"), "지금은 Google 로그인을 사용할 수 없어요. 이메일로 로그인해주세요."],
    [firebaseError("auth/too-many-requests"), "요청이 너무 많아요. 잠시 후 다시 시도해주세요."],
    [firebaseError("auth/user-disabled"), "Google 계정으로 로그인하지 못했어요. 다시 시도해주세요."],
    [new ApiError(401, { code: "unauthorized" }), "Google 계정으로 로그인하지 못했어요. 다시 시도해주세요."],
    [new ApiError(429, { code: "rate_limited" }, 7), "요청이 너무 많아요. 잠시 후 다시 시도해주세요. 7초 후에 다시 시도할 수 있어요."],
    [new ApiError(0, { code: "network" }), "네트워크에 연결할 수 없어요."],
    [new ApiError(503, { code: "unavailable" }), "서버가 잠시 바빠요. 잠시 후 다시 시도해주세요."],
    [new Error("something else"), "Google 계정으로 로그인하지 못했어요. 다시 시도해주세요."],
    ["a thrown string", "Google 계정으로 로그인하지 못했어요. 다시 시도해주세요."],
  ])("%s → Korean", (err, want) => {
    expect(googleErrorText(err)).toBe(want);
  });

  it.each(["auth/popup-closed-by-user", "auth/cancelled-popup-request", "auth/user-cancelled"])("%s says nothing", (code) => {
    expect(googleErrorText(firebaseError(code))).toBeNull();
  });

  it("speaks English when asked", () => {
    expect(googleErrorText(firebaseError("auth/popup-blocked"), "en")).toBe(
      "The pop-up was blocked. Allow pop-ups for this site and try again.",
    );
  });
});
