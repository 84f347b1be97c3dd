"use client";
// An error with a next step: the Korean message for the error's code, one or
// two actions that fit it (retry, sign in, choose another file, wait), and
// the server's technical detail with the request id behind "자세히".
import { Link } from "./link";
import type { ReactElement } from "react";
import { ApiError } from "@/lib/api";
import { useI18n } from "../providers";

export interface ErrorBoxProps {
  error: unknown;
  onRetry?: () => void;
  onOtherFile?: () => void;
  /** Shown instead of the generic message for the code. */
  message?: string;
  compact?: boolean;
}

/** codeOf gives the domain code of any thrown value ("network" for a fetch failure). */
export function codeOf(e: unknown): string {
  if (e instanceof ApiError) return e.code;
  if (e instanceof Error && e.message === "network") return "network";
  return "internal";
}

export function ErrorBox({ error, onRetry, onOtherFile, message, compact }: ErrorBoxProps) {
  const { t, errorText } = useI18n();
  const code = codeOf(error);
  const api = error instanceof ApiError ? error : null;
  const here = typeof window === "undefined" ? "/" : window.location.pathname + window.location.search;
  const actions: ReactElement[] = [];
  if ((code === "unsupported" || code === "too_large" || code === "unprocessable" || code === "invalid") && onOtherFile) {
    actions.push(
      <button key="file" type="button" className="btn" onClick={onOtherFile} data-testid="next-step">
        {t("next_other_file")}
      </button>,
    );
  }
  if (code === "unauthorized") {
    actions.push(
      <Link key="login" className="btn" href={`/login/?next=${encodeURIComponent(here)}`} data-testid="next-step">
        {t("next_login")}
      </Link>,
    );
  }
  if (code === "not_found") {
    actions.push(
      <Link key="home" className="btn" href="/" data-testid="next-step">
        {t("next_home")}
      </Link>,
    );
  }
  if (onRetry && code !== "not_found" && code !== "unauthorized" && code !== "quota_exceeded") {
    actions.push(
      <button key="retry" type="button" className={actions.length ? "btn ghost" : "btn"} onClick={onRetry} data-testid="next-step">
        {t("next_retry")}
      </button>,
    );
  }
  if (actions.length === 0) {
    actions.push(
      <Link key="home" className="btn ghost" href="/" data-testid="next-step">
        {t("next_home")}
      </Link>,
    );
  }
  return (
    <div className={compact ? "error-box compact" : "card error-box"} role="alert" data-error-code={code}>
      <p className="error">{message ?? errorText(error)}</p>
      <div className="btn-row">{actions}</div>
      {(api?.requestId || api?.problem.detail) && (
        <details className="small-text muted">
          <summary>{t("error_details")}</summary>
          {api.problem.detail && <p lang="en">{api.problem.detail}</p>}
          {api.requestId && (
            <p>
              {t("request_id")}: <code>{api.requestId}</code>
            </p>
          )}
        </details>
      )}
    </div>
  );
}
