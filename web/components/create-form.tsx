"use client";
// Create → progress → recipe. A video (checked here for type, size and
// length) or a URL, an optional place; on a "remix this" link the parent's
// card is shown and its id sits under 고급. While the remix runs a
// full-screen progress view moves inside each stage, estimates the time left
// and opens the recipe by itself when it is done. Errors carry a next step.
import { Link } from "./ui/link";
import { useQuery } from "@tanstack/react-query";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef, useState, type DragEvent } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { api, ApiError, CSRF_COOKIE, parseRetryAfter, readCookie } from "@/lib/api";
import { SIDO_NAMES } from "@/lib/korea-names";
import { normalizeStage, overallPercent, uploadFile, watchProgress } from "@/lib/progress";
import { checkDuration, checkFile, createSchema, estimateSeconds, probeDuration, type CreateValues, type FileProblem } from "@/lib/upload-checks";
import { normalizeRecipe } from "@/lib/recipe";
import type { Problem, RemixNode, Video } from "@/lib/types";
import type { Key } from "@/lib/i18n";
import { useAuth, useI18n } from "./providers";
import { ErrorBox } from "./ui/error-box";
import { Thumb } from "./ui/thumb";

const SHOWN = ["upload", "analyzing", "planning", "rendering", "done"] as const;

function newKey(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}

/** ParentCard shows the meme being remixed: its keyframe, title and figures. */
function ParentCard({ id }: { id: string }) {
  const { t } = useI18n();
  const q = useQuery({ queryKey: ["remix", id], queryFn: () => api.remix(id), retry: false });
  const recipe = normalizeRecipe(q.data?.recipe);
  const kf = q.data?.files.find((f) => f.name === "keyframe-001.jpg")?.url;
  const title = recipe?.concept.title || q.data?.node.title || t("untitled");
  return (
    <div className="card parent-card" data-testid="parent-card">
      <p className="muted small-text">{t("remix_of")}</p>
      {q.isError ? (
        <p className="muted">{t("err_not_found")}</p>
      ) : (
        <div className="node-row">
          <Thumb src={kf ?? null} alt="" />
          <span className="node-text">
            <strong>{q.data ? title : "…"}</strong>
            {recipe && (
              <span className="muted small-text">
                {[recipe.audio.bpm ? `${Math.round(recipe.audio.bpm)} BPM` : null, recipe.shots.length ? t("shots_n", { n: recipe.shots.length }) : null, recipe.shoot_minutes ? t("minutes_shoot", { n: recipe.shoot_minutes }) : null]
                  .filter(Boolean)
                  .join(" · ")}
              </span>
            )}
          </span>
        </div>
      )}
    </div>
  );
}

interface Run {
  stage: string;
  percent: number;
  startedAt: number;
  node: RemixNode | null;
  error: unknown;
}

/** ProgressView covers the screen while a remix runs. */
function ProgressView({ run, durationS, onClose, onRetry, onOtherFile }: { run: Run; durationS: number; onClose: () => void; onRetry: () => void; onOtherFile: () => void }) {
  const { t } = useI18n();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), 500);
    return () => window.clearInterval(id);
  }, []);
  const failed = run.error != null;
  const done = run.stage === "done";
  const idx = SHOWN.indexOf((run.stage === "queued" ? "analyzing" : run.stage) as (typeof SHOWN)[number]);
  const left = estimateSeconds((now - run.startedAt) / 1000, run.percent, durationS);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div className="progress-screen" role="dialog" aria-modal="true" aria-labelledby="progress-h" tabIndex={-1} ref={ref} data-testid="progress-screen">
      <div className="progress-inner">
        <h2 id="progress-h">{done ? t("stage_done") : failed ? t("stage_failed") : t("progress_title")}</h2>
        <div
          className={`progress big${failed ? " failed" : done ? "" : " moving"}`}
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={run.percent}
          aria-valuetext={`${run.percent}%`}
          aria-label={t("progress_title")}
          data-testid="progress"
        >
          <div style={{ width: `${Math.max(run.percent, 2)}%` }} />
        </div>
        <p aria-live="polite" data-testid="stage" className="stage-line">
          <strong>{t(`stage_${run.stage}` as Key)}</strong> · {run.percent}%
          {!failed && !done && <span className="muted"> · {left <= 3 ? t("progress_eta_soon") : t("progress_eta", { n: left })}</span>}
        </p>
        <ol className="stages">
          {SHOWN.map((s, i) => (
            <li key={s} data-state={done || i < idx ? "done" : i === idx && !failed ? "active" : failed && i === idx ? "failed" : "todo"}>
              {t(`stage_${s}` as Key)}
            </li>
          ))}
        </ol>
        {failed ? (
          <ErrorBox error={run.error} onRetry={onRetry} onOtherFile={onOtherFile} />
        ) : done && run.node ? (
          <p>
            <Link className="btn big" href={`/remix/?id=${encodeURIComponent(run.node.id)}`} data-testid="open-recipe">
              {t("open_recipe")}
            </Link>
          </p>
        ) : (
          <p className="muted small-text">{t("progress_cancel_hint")}</p>
        )}
        {(failed || !done) && (
          <button type="button" className="btn ghost" onClick={onClose}>
            {failed ? t("cancel") : t("go_home")}
          </button>
        )}
      </div>
    </div>
  );
}

/** CreateForm is the signed-in home: the remix starter. */
export function CreateForm() {
  const { t, lang } = useI18n();
  const { quota, reload } = useAuth();
  const params = useSearchParams();
  const router = useRouter();
  const parentParam = params.get("parent") ?? "";
  const [file, setFile] = useState<File | null>(null);
  const [fileProblem, setFileProblem] = useState<FileProblem | null>(null);
  const [durationS, setDurationS] = useState(NaN);
  const [over, setOver] = useState(false);
  const [run, setRun] = useState<Run | null>(null);
  const [formError, setFormError] = useState<unknown>(null);
  const stopRef = useRef<(() => void) | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const lastValues = useRef<CreateValues | null>(null);
  const { register, handleSubmit, formState, setValue } = useForm<CreateValues>({
    resolver: zodResolver(createSchema),
    defaultValues: { title: "", url: "", region: "", isPublic: true, parent: parentParam },
  });
  useEffect(() => {
    if (parentParam) setValue("parent", parentParam);
  }, [parentParam, setValue]);
  useEffect(() => () => stopRef.current?.(), []);
  const running = run != null && run.error == null && run.stage !== "done";

  async function pick(f: File | null) {
    setFormError(null);
    setFile(f);
    setDurationS(NaN);
    if (!f) return setFileProblem(null);
    const p = checkFile(f);
    setFileProblem(p);
    if (p) return;
    const d = await probeDuration(f);
    setDurationS(d);
    setFileProblem(checkDuration(d));
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setOver(false);
    const f = e.dataTransfer.files?.[0];
    if (f) void pick(f);
  }

  const update = (p: Partial<Run>) => setRun((r) => (r ? { ...r, ...p } : r));

  function follow(n: RemixNode) {
    update({ node: n });
    if (n.status === "done" || n.status === "failed") return settle(n.id, n.status, n.error);
    update({ stage: n.status === "draft" ? "queued" : normalizeStage(n.status), percent: overallPercent(n.status, 0) });
    let polling = false;
    stopRef.current = watchProgress(
      api.eventsUrl(n.id),
      (e) => {
        const st = e.status === "done" || e.status === "failed" ? e.status : normalizeStage(e.stage);
        if (st === "done" || st === "failed") return settle(n.id, st, e.error);
        update({ stage: st, percent: overallPercent(e.stage, e.percent) });
      },
      () => {
        if (polling) return;
        polling = true;
        stopRef.current?.();
        const tick = async () => {
          try {
            const v = await api.remix(n.id);
            if (v.node.status === "done" || v.node.status === "failed") return settle(n.id, v.node.status, v.node.error);
            update({ stage: normalizeStage(v.node.status), percent: overallPercent(v.node.status, 50) });
          } catch {
            /* keep polling */
          }
          window.setTimeout(tick, 2000);
        };
        void tick();
      },
    );
  }

  function settle(id: string, status: string, err?: string) {
    stopRef.current?.();
    void reload();
    if (status === "failed") {
      update({ stage: "failed", error: new ApiError(422, { code: "unprocessable", detail: err }) });
      return;
    }
    update({ stage: "done", percent: 100 });
    // Open the recipe by itself; the button stays for a slow navigation.
    window.setTimeout(() => router.push(`/remix/?id=${encodeURIComponent(id)}`), 400);
  }

  async function start(v: CreateValues) {
    lastValues.current = v;
    setFormError(null);
    if (!file && !v.url) {
      setFormError(new ApiError(400, { code: "invalid" }));
      return;
    }
    if (file && fileProblem) return;
    setRun({ stage: "upload", percent: 0, startedAt: Date.now(), node: null, error: null });
    try {
      let video: Video;
      if (file) {
        const up = uploadFile("/api/videos", file, file.name, readCookie(document.cookie, CSRF_COOKIE), (p) => update({ percent: overallPercent("upload", p) }));
        const res = await up.done;
        if (res.status < 200 || res.status >= 300) throw new ApiError(res.status, (res.body as Problem) ?? {}, parseRetryAfter(res.retryAfter ?? null));
        video = res.body as Video;
      } else {
        video = await api.importVideo(v.url);
      }
      if (video.duration_s) setDurationS(video.duration_s);
      update({ percent: overallPercent("upload", 100) });
      let location;
      if (v.region) {
        // The outlines load only here (not with the form): a point inside the region.
        const { KOREA_SIDO, insidePoint } = await import("@/lib/korea");
        const feat = KOREA_SIDO.features.find((f) => f.properties.code === v.region);
        if (feat) {
          const [lon, lat] = insidePoint(feat);
          location = { lat, lon, label: lang === "ko" ? feat.properties.name_ko : feat.properties.name_en };
        }
      }
      const n = await api.createRemix(
        { video_id: video.id, parent_id: v.parent || undefined, title: v.title.trim() || undefined, location, visibility: v.isPublic ? "public" : "private" },
        newKey(),
      );
      follow(n);
    } catch (err) {
      update({ stage: "failed", error: err instanceof Error && err.message === "network" ? new ApiError(0, { code: "network" }) : err });
    }
  }

  const fieldError = (name: keyof CreateValues) => {
    const m = formState.errors[name]?.message;
    return m ? t(m as Key) : null;
  };

  return (
    <>
      <h1>{parentParam ? t("remix_upload") : t("home_title")}</h1>
      {parentParam ? <ParentCard id={parentParam} /> : <p className="muted">{t("tagline")}</p>}
      <form onSubmit={handleSubmit(start)} className="stack create-form" aria-describedby="home-hint" noValidate>
        <div
          className={`dropzone${over ? " over" : ""}`}
          onDragOver={(e) => {
            e.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={onDrop}
        >
          <button type="button" className="btn big" onClick={() => fileInput.current?.click()}>
            {file ? t("next_other_file") : t("choose_file")}
          </button>
          <p className="muted small-text">{t("drop_here")}</p>
          <input
            ref={fileInput}
            id="file"
            type="file"
            accept="video/*"
            className="visually-hidden"
            aria-label={t("choose_file")}
            data-testid="file-input"
            onChange={(e) => void pick(e.target.files?.[0] ?? null)}
          />
          <p id="home-hint" className="hint">
            {t("drop_hint")}
          </p>
          {file && (
            <p className="file-line">
              {t("selected_file")}: <strong>{file.name}</strong> ({(file.size / 1e6).toFixed(1)} MB{Number.isFinite(durationS) ? ` · ${Math.round(durationS)}초` : ""})
            </p>
          )}
          {fileProblem && (
            <p className="error" role="alert" data-testid="file-problem">
              {t(fileProblem.key, { max: fileProblem.max ?? 0 })}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor="url">{t("or_url")}</label>
          <input id="url" type="url" inputMode="url" placeholder={t("url_placeholder")} aria-invalid={!!fieldError("url")} {...register("url")} />
          {fieldError("url") && <p className="error small-text">{fieldError("url")}</p>}
        </div>
        <div className="grid two">
          <div className="field">
            <label htmlFor="title">{t("title_label")}</label>
            <input id="title" type="text" aria-invalid={!!fieldError("title")} {...register("title")} />
            {fieldError("title") && <p className="error small-text">{fieldError("title")}</p>}
          </div>
          <div className="field">
            <label htmlFor="region">{t("place_label")}</label>
            <select id="region" {...register("region")}>
              <option value="">{t("place_none")}</option>
              {SIDO_NAMES.map((s) => (
                <option key={s.code} value={s.code}>
                  {lang === "ko" ? s.name_ko : s.name_en}
                </option>
              ))}
            </select>
          </div>
        </div>
        <label className="check">
          <input type="checkbox" {...register("isPublic")} />
          {t("visibility_public")}
        </label>
        <details className="advanced">
          <summary>{t("advanced")}</summary>
          <div className="field">
            <label htmlFor="parent">{t("parent_label")}</label>
            <input id="parent" type="text" autoComplete="off" aria-describedby="parent-hint" {...register("parent")} />
            <p id="parent-hint" className="hint">
              {t("parent_hint")}
            </p>
          </div>
        </details>
        <div className="btn-row">
          <button type="submit" className="btn big" disabled={running || !!fileProblem} data-testid="submit">
            {t("start")}
          </button>
          {quota && (
            <span className="hint">
              {t("quota_left")}: {quota.left} / {quota.limit}
            </span>
          )}
        </div>
        {formError != null && <ErrorBox error={formError} message={t("need_input")} onOtherFile={() => fileInput.current?.click()} />}
      </form>
      {run && (
        <ProgressView
          run={run}
          durationS={durationS}
          onClose={() => {
            stopRef.current?.();
            setRun(null);
          }}
          onRetry={() => {
            setRun(null);
            if (lastValues.current) void start(lastValues.current);
          }}
          onOtherFile={() => {
            setRun(null);
            void pick(null);
            fileInput.current?.click();
          }}
        />
      )}
    </>
  );
}
