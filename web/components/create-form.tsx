"use client";
// Home: drop a video or paste a URL, optionally a parent remix and a place;
// upload with XHR progress, then follow the server-sent events to done.
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef, useState, type DragEvent, type FormEvent } from "react";
import { api, ApiError, CSRF_COOKIE, parseRetryAfter, readCookie } from "@/lib/api";
import { KOREA_SIDO, centroid } from "@/lib/korea";
import { normalizeStage, overallPercent, stageDetail, uploadFile, watchProgress } from "@/lib/progress";
import type { Problem, RemixNode, Video } from "@/lib/types";
import type { Key } from "@/lib/i18n";
import { useAuth, useI18n } from "./providers";

const SHOWN = ["upload", "analyzing", "planning", "rendering", "done"] as const;

function newKey(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}

/** CreateForm is the home page's remix starter. */
export function CreateForm() {
  const { t, lang, errorText } = useI18n();
  const { user, quota, loaded, reload } = useAuth();
  const params = useSearchParams();
  const router = useRouter();
  const [file, setFile] = useState<File | null>(null);
  const [url, setUrl] = useState("");
  const [title, setTitle] = useState("");
  const [parent, setParent] = useState(params.get("parent") ?? "");
  const [region, setRegion] = useState("");
  const [isPublic, setIsPublic] = useState(true);
  const [over, setOver] = useState(false);
  const [busy, setBusy] = useState(false);
  const [stage, setStageRaw] = useState<string | null>(null);
  const [detail, setDetail] = useState("");
  // Server stages may carry a sub-step ("analyze:keyframes"): keep both.
  const setStage = (s: string) => {
    setStageRaw(s === "upload" || s === "failed" || s === "done" ? s : normalizeStage(s));
    setDetail(stageDetail(s));
  };
  const [percent, setPercent] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [node, setNode] = useState<RemixNode | null>(null);
  const stopRef = useRef<(() => void) | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => () => stopRef.current?.(), []);
  useEffect(() => {
    const p = params.get("parent");
    if (p) setParent(p);
  }, [params]);

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setOver(false);
    const f = e.dataTransfer.files?.[0];
    if (f) setFile(f);
  }

  function follow(n: RemixNode) {
    setNode(n);
    if (n.status === "done" || n.status === "failed") {
      setStage(n.status);
      setPercent(n.status === "done" ? 100 : 0);
      if (n.status === "failed") setError(n.error || t("err_unprocessable"));
      setBusy(false);
      return;
    }
    setStage(n.status === "draft" ? "queued" : n.status);
    setPercent(overallPercent(n.status, 0));
    let polling = false;
    stopRef.current = watchProgress(
      api.eventsUrl(n.id),
      (e) => {
        const st = e.status === "done" || e.status === "failed" ? e.status : e.stage;
        setStage(st);
        setPercent(st === "done" ? 100 : overallPercent(e.stage, e.percent));
        if (st === "failed") setError(e.error ? `${t("err_unprocessable")} (${e.error})` : t("err_unprocessable"));
        if (st === "done" || st === "failed") {
          setBusy(false);
          void reload();
        }
      },
      () => {
        // Stream lost: poll the node until it settles.
        if (polling) return;
        polling = true;
        stopRef.current?.();
        const tick = async () => {
          try {
            const v = await api.remix(n.id);
            setStage(v.node.status);
            setPercent(v.node.status === "done" ? 100 : overallPercent(v.node.status, 50));
            if (v.node.status === "done" || v.node.status === "failed") {
              if (v.node.status === "failed") setError(v.node.error || t("err_unprocessable"));
              setBusy(false);
              return;
            }
          } catch {
            /* keep polling */
          }
          window.setTimeout(tick, 2000);
        };
        void tick();
      },
    );
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setNode(null);
    if (!file && !url.trim()) {
      setError(t("need_input"));
      return;
    }
    setBusy(true);
    setStage("upload");
    setPercent(0);
    try {
      let video: Video;
      if (file) {
        const up = uploadFile("/api/videos", file, file.name, readCookie(document.cookie, CSRF_COOKIE), (p) => setPercent(overallPercent("upload", p)));
        const res = await up.done;
        if (res.status < 200 || res.status >= 300) throw new ApiError(res.status, (res.body as Problem) ?? {}, parseRetryAfter(res.retryAfter ?? null));
        video = res.body as Video;
      } else {
        video = await api.importVideo(url.trim());
      }
      setPercent(overallPercent("upload", 100));
      const feat = KOREA_SIDO.features.find((f) => f.properties.code === region);
      let location;
      if (feat) {
        const [lon, lat] = centroid(feat.geometry.coordinates[0]);
        location = { lat, lon, label: lang === "ko" ? feat.properties.name_ko : feat.properties.name_en };
      }
      const n = await api.createRemix(
        {
          video_id: video.id,
          parent_id: parent.trim() || undefined,
          title: title.trim() || undefined,
          location,
          visibility: isPublic ? "public" : "private",
        },
        newKey(),
      );
      follow(n);
    } catch (err) {
      setBusy(false);
      setStage("failed");
      setError(err instanceof Error && err.message === "network" ? t("err_network") : errorText(err));
    }
  }

  if (loaded && !user) {
    return (
      <div className="card">
        <p>{t("login_needed")}</p>
        <div className="btn-row">
          <Link className="btn" href="/login/">
            {t("nav_login")}
          </Link>
          <Link className="btn ghost" href="/login/?mode=signup">
            {t("signup_title")}
          </Link>
        </div>
      </div>
    );
  }

  const stageIndex = stage ? SHOWN.indexOf(stage === "queued" ? "analyzing" : (stage as (typeof SHOWN)[number])) : -1;

  return (
    <form onSubmit={submit} className="stack" aria-describedby="home-hint">
      <div
        className={`dropzone${over ? " over" : ""}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p>
          {t("drop_here")}{" "}
          <button type="button" className="btn small" onClick={() => fileInput.current?.click()}>
            {t("choose_file")}
          </button>
        </p>
        <input
          ref={fileInput}
          id="file"
          type="file"
          accept="video/*,audio/*"
          className="visually-hidden"
          aria-label={t("choose_file")}
          data-testid="file-input"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
        <p id="home-hint" className="hint">
          {t("drop_hint")}
        </p>
        {file && (
          <p>
            {t("selected_file")}: <strong>{file.name}</strong> ({(file.size / 1e6).toFixed(1)} MB)
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor="url">{t("or_url")}</label>
        <input id="url" type="url" inputMode="url" placeholder={t("url_placeholder")} value={url} onChange={(e) => setUrl(e.target.value)} />
      </div>
      <div className="grid two">
        <div className="field">
          <label htmlFor="title">{t("title_label")}</label>
          <input id="title" type="text" maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="parent">{t("parent_label")}</label>
          <input id="parent" type="text" value={parent} onChange={(e) => setParent(e.target.value)} aria-describedby="parent-hint" />
          <p id="parent-hint" className="hint">
            {t("parent_hint")}
          </p>
        </div>
        <div className="field">
          <label htmlFor="region">{t("place_label")}</label>
          <select id="region" value={region} onChange={(e) => setRegion(e.target.value)}>
            <option value="">{t("place_none")}</option>
            {KOREA_SIDO.features.map((f) => (
              <option key={f.properties.code} value={f.properties.code}>
                {lang === "ko" ? f.properties.name_ko : f.properties.name_en}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="check">
            <input type="checkbox" checked={isPublic} onChange={(e) => setIsPublic(e.target.checked)} />
            {t("visibility_public")}
          </label>
          {quota && (
            <p className="hint">
              {t("quota_left")}: {quota.left} / {quota.limit}
            </p>
          )}
        </div>
      </div>
      <div className="btn-row">
        <button type="submit" className="btn" disabled={busy}>
          {t("start")}
        </button>
      </div>
      {stage && (
        <section aria-label={t("stage_" + (stage === "failed" ? "failed" : "upload") as Key)} className="card">
          <div
            className="progress"
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            aria-valuetext={`${percent}%`}
            aria-label={t("stage_upload")}
            data-testid="progress"
          >
            <div style={{ width: `${percent}%` }} />
          </div>
          <p aria-live="polite" data-testid="stage">
            <strong>{t(`stage_${stage}` as Key)}</strong>
            {detail ? ` (${detail})` : ""} · {percent}%
          </p>
          <ol className="stages">
            {SHOWN.map((s, i) => (
              <li key={s} data-state={stage === "done" || i < stageIndex ? "done" : i === stageIndex ? "active" : "todo"}>
                {t(`stage_${s}` as Key)}
              </li>
            ))}
          </ol>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          {node && stage === "done" && (
            <p>
              <Link className="btn" href={`/remix/?id=${encodeURIComponent(node.id)}`} data-testid="open-recipe" onClick={() => router.prefetch?.("/remix/")}>
                {t("open_recipe")}
              </Link>
            </p>
          )}
        </section>
      )}
      {!stage && error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
