// Google sign-in through Firebase. The server says whether Firebase is
// configured (GET /api/auth/config); only when the user clicks the button
// is the Firebase SDK imported (its own chunk, from our origin), the popup
// run and the ID token exchanged for the server's cookie session
// (POST /api/auth/firebase). Firebase's own session is kept in memory only
// and signed out at once: the server's cookies are the session.
import { ApiError } from "./api";
import { errorKey, translate, type Key, type Lang } from "./i18n";
import type { AuthConfig, AuthResult, FirebaseWebConfig } from "./types";

/** AuthApi is the part of the API client Google sign-in needs. */
export interface AuthApi {
  authConfig: () => Promise<AuthConfig>;
  firebaseSignIn: (idToken: string) => Promise<AuthResult>;
}

/** loadFirebaseSdk imports the modular SDK; bundlers split it into its own chunk. */
export async function loadFirebaseSdk() {
  const [app, auth] = await Promise.all([import("firebase/app"), import("firebase/auth")]);
  return { app, auth };
}

/** FirebaseSdk is what loadFirebaseSdk resolves to. */
export type FirebaseSdk = Awaited<ReturnType<typeof loadFirebaseSdk>>;

/** SdkLoadError marks a failed SDK download (a stale or missing chunk). */
export class SdkLoadError extends Error {
  constructor(cause: unknown) {
    super("firebase sdk did not load");
    this.name = "SdkLoadError";
    this.cause = cause;
  }
}

/** isFirebaseWebConfig checks the shape the server answers. */
function isFirebaseWebConfig(v: unknown): v is FirebaseWebConfig {
  if (!v || typeof v !== "object") return false;
  const c = v as Record<string, unknown>;
  return [c.api_key, c.auth_domain, c.project_id].every((x) => typeof x === "string" && x !== "");
}

/**
 * googleConfig returns the Firebase web configuration, or null when Google
 * sign-in is off, the server is older than the route, or the call fails:
 * the page then simply shows no Google button.
 */
export async function googleConfig(api: Pick<AuthApi, "authConfig">): Promise<FirebaseWebConfig | null> {
  try {
    const res = await api.authConfig();
    return isFirebaseWebConfig(res?.firebase) ? res.firebase : null;
  } catch {
    return null;
  }
}

const APP_NAME = "kmeme";
let authPromise: Promise<{ sdk: FirebaseSdk; auth: import("firebase/auth").Auth }> | null = null;

/** firebaseAuth initialises the Firebase app once per page, with in-memory persistence. */
function firebaseAuth(cfg: FirebaseWebConfig, load: () => Promise<FirebaseSdk>) {
  if (!authPromise) {
    authPromise = (async () => {
      let sdk: FirebaseSdk;
      try {
        sdk = await load();
      } catch (e) {
        throw new SdkLoadError(e);
      }
      const existing = sdk.app.getApps().find((a) => a.name === APP_NAME);
      const app = existing ?? sdk.app.initializeApp({ apiKey: cfg.api_key, authDomain: cfg.auth_domain, projectId: cfg.project_id }, APP_NAME);
      const auth = existing
        ? sdk.auth.getAuth(app)
        : sdk.auth.initializeAuth(app, {
            persistence: sdk.auth.inMemoryPersistence,
            popupRedirectResolver: sdk.auth.browserPopupRedirectResolver,
          });
      return { sdk, auth };
    })().catch((e) => {
      authPromise = null; // a failed load may be retried
      throw e;
    });
  }
  return authPromise;
}

/** resetGoogleSignIn forgets the initialised SDK (tests). */
export function resetGoogleSignIn() {
  authPromise = null;
}

/**
 * signInWithGoogle runs the Google popup, exchanges the ID token for the
 * server's session and answers like a login. It must be called from a
 * click handler so the browser allows the popup.
 */
export async function signInWithGoogle(
  cfg: FirebaseWebConfig,
  api: Pick<AuthApi, "firebaseSignIn">,
  load: () => Promise<FirebaseSdk> = loadFirebaseSdk,
): Promise<AuthResult> {
  const { sdk, auth } = await firebaseAuth(cfg, load);
  const provider = new sdk.auth.GoogleAuthProvider();
  provider.setCustomParameters({ prompt: "select_account" });
  const cred = await sdk.auth.signInWithPopup(auth, provider);
  const idToken = await cred.user.getIdToken();
  try {
    return await api.firebaseSignIn(idToken);
  } finally {
    await sdk.auth.signOut(auth).catch(() => undefined);
  }
}

/** Firebase error codes a user can do nothing about but retry later or use e-mail. */
const UNAVAILABLE = new Set([
  "auth/unauthorized-domain",
  "auth/operation-not-allowed",
  "auth/invalid-api-key",
  "auth/api-key-not-valid.-please-pass-a-valid-api-key.",
  "auth/configuration-not-found",
  "auth/operation-not-supported-in-this-environment",
  "auth/web-storage-unsupported",
  "auth/internal-error",
]);

/** Firebase error codes of a user who closed or abandoned the popup. */
const CANCELLED = new Set(["auth/popup-closed-by-user", "auth/cancelled-popup-request", "auth/user-cancelled"]);

/**
 * googleErrorKey maps a failure of signInWithGoogle to a message key, or
 * null when the user cancelled (nothing to say).
 */
export function googleErrorKey(e: unknown): Key | null {
  if (e instanceof SdkLoadError) return "google_load_failed";
  if (e instanceof ApiError) {
    // The server refused the token: our own wording, not "wrong password".
    if (e.code === "unauthorized") return "google_failed";
    return errorKey(e.code);
  }
  const code = e && typeof e === "object" && "code" in e ? String((e as { code: unknown }).code) : "";
  if (CANCELLED.has(code)) return null;
  if (code === "auth/popup-blocked") return "google_popup_blocked";
  if (code === "auth/network-request-failed" || code === "auth/timeout") return "err_network";
  if (code === "auth/too-many-requests") return "err_rate_limited";
  if (UNAVAILABLE.has(code)) return "google_unavailable";
  return "google_failed";
}

/** googleErrorText is googleErrorKey in words (Korean by default), with the wait of a 429. */
export function googleErrorText(e: unknown, lang: Lang = "ko"): string | null {
  const key = googleErrorKey(e);
  if (!key) return null;
  let msg = translate(lang, key);
  if (e instanceof ApiError && e.retryAfter) msg += " " + translate(lang, "err_retry_in", { n: e.retryAfter });
  return msg;
}
