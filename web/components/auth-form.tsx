"use client";
// Sign in / sign up with a local account. The server answers with httpOnly
// cookies; the access token in the body is deliberately not kept.
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import { api } from "@/lib/api";
import type { AuthResult } from "@/lib/types";
import { GoogleSignIn } from "./google-sign-in";
import { useAuth, useI18n } from "./providers";

/** AuthForm switches between login and signup with ?mode=signup. */
export function AuthForm() {
  const { t, errorText } = useI18n();
  const { setUser, reload } = useAuth();
  const params = useSearchParams();
  const router = useRouter();
  const signup = params.get("mode") === "signup";
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // signedIn is the common end of every sign-in: password or Google.
  async function signedIn(res: AuthResult) {
    setUser(res.user);
    await reload();
    const next = params.get("next");
    router.push(next && next.startsWith("/") && !next.startsWith("//") ? next : "/");
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signedIn(signup ? await api.signup(email, password, name || undefined) : await api.login(email, password));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="auth-box card">
      <h1>{signup ? t("signup_title") : t("login_title")}</h1>
      <form onSubmit={submit}>
        <div className="field">
          <label htmlFor="email">{t("email")}</label>
          <input id="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="password">{t("password")}</label>
          <input
            id="password"
            type="password"
            autoComplete={signup ? "new-password" : "current-password"}
            required
            minLength={signup ? 8 : undefined}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-describedby={signup ? "pw-hint" : undefined}
          />
          {signup && (
            <p id="pw-hint" className="hint">
              {t("password_hint")}
            </p>
          )}
        </div>
        {signup && (
          <div className="field">
            <label htmlFor="name">{t("display_name")}</label>
            <input id="name" type="text" autoComplete="nickname" value={name} onChange={(e) => setName(e.target.value)} />
          </div>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="btn-row">
          <button type="submit" className="btn" disabled={busy}>
            {signup ? t("signup_submit") : t("login_submit")}
          </button>
          <Link href={signup ? "/login/" : "/login/?mode=signup"}>{signup ? t("to_login") : t("to_signup")}</Link>
        </div>
      </form>
      <GoogleSignIn onSignedIn={signedIn} />
    </div>
  );
}
