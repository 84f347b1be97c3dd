"use client";
// My page: my remixes, today's quota, export my data, delete my account.
import { Link } from "./ui/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { api } from "@/lib/api";
import { enumKey } from "@/lib/i18n";
import type { Consent, RemixNode } from "@/lib/types";
import { useAuth, useI18n } from "./providers";
import { NodeList } from "./ui/node-list";

/** MyPage is the signed-in user's page. */
export function MyPage() {
  const { t, errorText } = useI18n();
  const { user, quota, loaded, setUser } = useAuth();
  const router = useRouter();
  const [remixes, setRemixes] = useState<RemixNode[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const [consents, setConsents] = useState<Consent[] | null>(null);

  useEffect(() => {
    if (!user) return;
    api
      .myRemixes(100)
      .then((r) => setRemixes(r.items))
      .catch((e) => {
        setRemixes([]);
        setListError(errorText(e));
      });
  }, [user, errorText]);

  useEffect(() => {
    if (!user) return;
    api
      .consents()
      .then((r) => setConsents(r.items))
      .catch(() => setConsents([]));
  }, [user]);

  async function toggleConsent(purpose: string, granted: boolean) {
    setError(null);
    const before = consents;
    // Show the choice at once; the server's answer then confirms it.
    setConsents((cs) => cs?.map((c) => (c.purpose === purpose ? { ...c, granted } : c)) ?? cs);
    try {
      setConsents((await api.setConsent(purpose, granted)).items);
    } catch (e) {
      setConsents(before);
      setError(errorText(e));
    }
  }

  if (!loaded) return <p aria-busy="true">{t("loading")}</p>;
  if (!user)
    return (
      <div className="card">
        <p>{t("login_needed")}</p>
        <Link className="btn" href="/login/?next=/me/">
          {t("nav_login")}
        </Link>
      </div>
    );

  async function exportData() {
    setError(null);
    try {
      const blob = await api.exportMe();
      const a = document.createElement("a");
      const href = URL.createObjectURL(blob);
      a.href = href;
      a.download = `kmeme-export-${new Date().toISOString().slice(0, 10)}.json`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      window.setTimeout(() => URL.revokeObjectURL(href), 10_000);
    } catch (e) {
      setError(errorText(e));
    }
  }

  async function deleteAccount() {
    setBusy(true);
    setError(null);
    try {
      await api.deleteMe();
      dialog.current?.close();
      setUser(null);
      router.push("/login/?deleted=1");
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="stack">
      <h1>{t("me_title")}</h1>
      <div className="card">
        <p>
          <strong>{user.display_name || user.email}</strong> <span className="muted">{user.email}</span>
        </p>
        {quota && (
          <p data-testid="quota">
            {t("plan")}: {t(enumKey("plan", quota.plan))} · {t("quota_left")}: <strong>{quota.left}</strong> / {quota.limit}
          </p>
        )}
        <div className="btn-row">
          <Link className="btn ghost" href="/settings/">
            {t("nav_settings")}
          </Link>
          <button type="button" className="btn ghost" onClick={exportData} data-testid="export">
            {t("export_data")}
          </button>
          <button
            type="button"
            className="btn danger"
            onClick={() => {
              setConfirm("");
              dialog.current?.showModal();
            }}
            data-testid="delete-account"
          >
            {t("delete_account")}
          </button>
        </div>
      </div>
      {consents && consents.length > 0 && (
        <fieldset className="card" data-testid="consents">
          <legend>{t("consents_title")}</legend>
          {consents.map((c) => (
            <p key={c.purpose}>
              <label>
                <input
                  type="checkbox"
                  checked={c.granted}
                  onChange={(e) => void toggleConsent(c.purpose, e.currentTarget.checked)}
                  data-testid={`consent-${c.purpose}`}
                />{" "}
                {c.purpose === "ai_processing" ? t("consent_ai_processing") : c.purpose === "marketing" ? t("consent_marketing") : c.purpose}
              </label>
              {c.purpose === "ai_processing" && (
                <>
                  <br />
                  <small className="muted">{t("consent_ai_processing_help")}</small>
                </>
              )}
            </p>
          ))}
        </fieldset>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <h2>{t("my_remixes")}</h2>
      {remixes === null ? (
        <p className="muted">{t("loading")}</p>
      ) : listError ? (
        <p className="error">{listError}</p>
      ) : (
        <NodeList items={remixes.map((node) => ({ node }))} empty={t("no_remixes")} />
      )}
      <dialog ref={dialog} aria-labelledby="del-h" aria-describedby="del-b">
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            if (confirm.trim() === t("delete_confirm_word")) void deleteAccount();
          }}
        >
          <h2 id="del-h">{t("delete_confirm_title")}</h2>
          <p id="del-b">{t("delete_confirm_body")}</p>
          <div className="field">
            <label htmlFor="del-confirm">{t("delete_confirm_input")}</label>
            <input id="del-confirm" type="text" autoComplete="off" value={confirm} onChange={(e) => setConfirm(e.target.value)} />
          </div>
          <div className="btn-row">
            <button type="button" className="btn ghost" onClick={() => dialog.current?.close()}>
              {t("cancel")}
            </button>
            <button type="submit" className="btn danger" disabled={busy || confirm.trim() !== t("delete_confirm_word")} data-testid="confirm-delete">
              {t("confirm_delete")}
            </button>
          </div>
        </form>
      </dialog>
    </section>
  );
}
