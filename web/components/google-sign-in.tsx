"use client";
// "Continue with Google": shown only when the server has Firebase
// configured. The Firebase SDK is imported on click, never before.
import { useEffect, useState } from "react";
import { api } from "@/lib/api";
import { googleConfig, googleErrorText, signInWithGoogle } from "@/lib/google-sign-in";
import type { AuthResult, FirebaseWebConfig } from "@/lib/types";
import { useI18n } from "./providers";

/** GoogleSignIn renders the Google button and reports a finished sign-in. */
export function GoogleSignIn({ onSignedIn }: { onSignedIn: (res: AuthResult) => Promise<void> }) {
  const { t, lang } = useI18n();
  const [config, setConfig] = useState<FirebaseWebConfig | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void googleConfig(api).then((c) => {
      if (live) setConfig(c);
    });
    return () => {
      live = false;
    };
  }, []);

  if (!config) return null;

  async function click() {
    if (!config) return;
    setBusy(true);
    setError(null);
    try {
      await onSignedIn(await signInWithGoogle(config, api));
    } catch (err) {
      setError(googleErrorText(err, lang));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="google-sign-in">
      <p className="hint" aria-hidden="true">
        {t("or_divider")}
      </p>
      <button type="button" className="btn ghost" onClick={click} disabled={busy} aria-busy={busy}>
        {busy ? t("google_busy") : t("google_continue")}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
