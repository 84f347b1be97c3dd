"use client";
// Sign in / sign up with a local account. The server answers with httpOnly
// cookies; the access token in the body is deliberately not kept. The form
// is validated by zod through react-hook-form with Korean messages (the
// browser's own English validation is off); a taken e-mail offers sign-in.
import { Link } from "./ui/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { api, ApiError } from "@/lib/api";
import type { Key } from "@/lib/i18n";
import type { AuthResult } from "@/lib/types";
import { GoogleSignIn } from "./google-sign-in";
import { useAuth, useI18n } from "./providers";
import { ErrorBox } from "./ui/error-box";

/** authSchema: messages are dictionary keys. */
export function authSchema(signup: boolean) {
  return z.object({
    email: z.string().trim().min(1, { message: "v_email_required" }).email({ message: "v_email_bad" }),
    password: signup ? z.string().min(8, { message: "v_password_short" }) : z.string().min(1, { message: "v_password_required" }),
    name: z.string().max(60, { message: "v_name_long" }),
  });
}
type AuthValues = z.infer<ReturnType<typeof authSchema>>;

/** AuthForm switches between login and signup with ?mode=signup. */
export function AuthForm() {
  const { t } = useI18n();
  const { setUser, reload } = useAuth();
  const params = useSearchParams();
  const router = useRouter();
  const signup = params.get("mode") === "signup";
  const [error, setError] = useState<unknown>(null);
  const { register, handleSubmit, formState, getValues } = useForm<AuthValues>({
    resolver: zodResolver(authSchema(signup)),
    defaultValues: { email: params.get("email") ?? "", password: "", name: "" },
  });

  // signedIn is the common end of every sign-in: password or Google.
  async function signedIn(res: AuthResult) {
    setUser(res.user);
    await reload();
    const next = params.get("next");
    router.push(next && next.startsWith("/") && !next.startsWith("//") ? next : "/");
  }

  async function submit(v: AuthValues) {
    setError(null);
    try {
      await signedIn(signup ? await api.signup(v.email, v.password, v.name || undefined) : await api.login(v.email, v.password));
    } catch (err) {
      setError(err);
    }
  }
  const msg = (k: keyof AuthValues) => {
    const m = formState.errors[k]?.message;
    return m ? t(m as Key) : null;
  };
  const taken = signup && error instanceof ApiError && error.code === "conflict";

  return (
    <div className="auth-box card">
      <h1>{signup ? t("signup_title") : t("login_title")}</h1>
      {params.get("deleted") === "1" && (
        <p className="ok" role="status">
          {t("deleted")}
        </p>
      )}
      <form onSubmit={handleSubmit(submit)} noValidate>
        <div className="field">
          <label htmlFor="email">{t("email")}</label>
          <input id="email" type="email" autoComplete="email" aria-invalid={!!msg("email")} aria-describedby="email-err" {...register("email")} />
          {msg("email") && (
            <p id="email-err" className="error small-text">
              {msg("email")}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor="password">{t("password")}</label>
          <input
            id="password"
            type="password"
            autoComplete={signup ? "new-password" : "current-password"}
            aria-invalid={!!msg("password")}
            aria-describedby={signup ? "pw-hint" : undefined}
            {...register("password")}
          />
          {signup && (
            <p id="pw-hint" className="hint">
              {t("password_hint")}
            </p>
          )}
          {msg("password") && <p className="error small-text">{msg("password")}</p>}
        </div>
        {signup && (
          <div className="field">
            <label htmlFor="name">{t("display_name")}</label>
            <input id="name" type="text" autoComplete="nickname" {...register("name")} />
            {msg("name") && <p className="error small-text">{msg("name")}</p>}
          </div>
        )}
        {taken ? (
          <div className="card error-box" role="alert" data-error-code="conflict">
            <p className="error">{t("err_duplicate_email")}</p>
            <div className="btn-row">
              <Link className="btn" href={`/login/?email=${encodeURIComponent(getValues("email"))}`} data-testid="next-step">
                {t("next_signup_login")}
              </Link>
            </div>
          </div>
        ) : error != null ? (
          <ErrorBox error={error} compact />
        ) : null}
        <div className="btn-row" style={{ marginTop: "0.75rem" }}>
          <button type="submit" className="btn big" disabled={formState.isSubmitting}>
            {signup ? t("signup_submit") : t("login_submit")}
          </button>
          <Link className="btn ghost" href={signup ? "/login/" : "/login/?mode=signup"}>
            {signup ? t("to_login") : t("to_signup")}
          </Link>
        </div>
      </form>
      <GoogleSignIn onSignedIn={signedIn} />
    </div>
  );
}
