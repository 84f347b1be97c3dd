"use client";
// The recipe page, laid out for a thumb: a sticky mini-player with the shot
// under the playhead, a summary card, a horizontal shot strip with keyframes
// that seeks the player beside it, one 반말/존댓말 switch, the timeline, why
// this format (with the runner-up one tap away), downloads by purpose and the
// details collapsed. A bottom bar keeps "리믹스하기 · 다운로드" in reach.
// Everything from the recipe is rendered as React text, never as HTML.
import { Link } from "../ui/link";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { api, ApiError } from "@/lib/api";
import { enumKey, hasHangul } from "@/lib/i18n";
import { hashtagLine, normalizeRecipe } from "@/lib/recipe";
import { activeIndex, formatTime } from "@/lib/timeline";
import { overallPercent, watchProgress } from "@/lib/progress";
import { safeUrl } from "@/lib/sanitize";
import { keepPageTitle } from "@/lib/page-title";
import type { Analysis, Evidence, PlannedShot, Recipe, RemixFile, RemixView } from "@/lib/types";
import { useI18n } from "../providers";
import { CopyButton } from "../ui/copy-button";
import { ErrorBox } from "../ui/error-box";
import { NodeList, similarWord } from "../ui/node-list";
import { StatusBadge } from "../ui/status-badge";
import { Timeline } from "./timeline";
import { CaptionText, ShotList } from "./shot-list";
import { Downloads } from "./downloads";

type Reg = "casual" | "polite";

function useRegister(): [Reg, (r: Reg) => void] {
  const [reg, setReg] = useState<Reg>("casual");
  useEffect(() => {
    try {
      const v = window.localStorage.getItem("kmeme_register");
      if (v === "polite" || v === "casual") setReg(v);
    } catch {
      /* private mode */
    }
  }, []);
  return [
    reg,
    (r) => {
      setReg(r);
      try {
        window.localStorage.setItem("kmeme_register", r);
      } catch {
        /* private mode */
      }
    },
  ];
}

/** keyframeOf gives the URL of source shot n's keyframe (1-based), if published. */
function keyframeOf(files: Map<string, RemixFile>, n: number): string | null {
  if (n < 1) return null;
  const f = files.get(`keyframe-${String(n).padStart(3, "0")}.jpg`);
  return f ? safeUrl(f.url) : null;
}

/** freeText shows planner text, but an English enum word becomes its Korean label. */
function useLabel() {
  const { t } = useI18n();
  return (kind: string, v?: string) => {
    if (!v) return "";
    if (hasHangul(v)) return v;
    const k = enumKey(kind, v);
    return k === "enum_other" ? "" : t(k);
  };
}

function EvidenceLine({ e }: { e?: Evidence }) {
  const { t } = useI18n();
  if (!e || (!e.detail && !e.kind)) return null;
  return (
    <p className="evidence small-text">
      <span className="ev-kind">{t(enumKey("evidence", e.kind))}</span>
      {e.t != null ? <span className="muted"> {formatTime(e.t)}</span> : null} {e.detail}
    </p>
  );
}

function ShotStrip({ shots, analysis, files, active, reg, onPick }: { shots: PlannedShot[]; analysis: Analysis | null; files: Map<string, RemixFile>; active: number; reg: Reg; onPick: (i: number) => void }) {
  const { t } = useI18n();
  const label = useLabel();
  const perShot = new Map((analysis?.perception?.shots ?? []).map((p) => [p.shot, p]));
  const strip = useRef<HTMLOListElement>(null);
  const shown = useRef(-1);
  useEffect(() => {
    // Not on the first render: the strip already starts at shot 1, and
    // reading offsetLeft there forced the page's first layout in the middle
    // of rendering it (bench-web: ~600 ms of the recipe page's first load at
    // 4× CPU throttling).
    const first = shown.current === -1;
    shown.current = active;
    if (first && active === 0) return;
    const el = strip.current?.children[active] as HTMLElement | undefined;
    if (el && strip.current) {
      const s = strip.current;
      const left = el.offsetLeft - s.clientWidth / 2 + el.clientWidth / 2;
      s.scrollTo({ left, behavior: "smooth" });
    }
  }, [active]);
  return (
    <section aria-labelledby="strip-h" className="strip-section">
      <h2 id="strip-h">{t("shot_strip")}</h2>
      <ol className="shot-strip" ref={strip} data-testid="shot-strip">
        {shots.map((s, i) => {
          const p = perShot.get(s.source_shot);
          const kf = keyframeOf(files, s.source_shot);
          const over = reg === "polite" ? s.overtitle_polite || s.overtitle : s.overtitle;
          const cap = s.caption[reg] || s.caption.casual || s.caption.polite;
          const framing = label("framing", s.framing) || (p ? label("framing", p.framing) : "");
          return (
            <li key={s.n} className="strip-card" data-active={i === active}>
              <button type="button" onClick={() => onPick(i)} aria-current={i === active} data-testid="strip-shot" data-start={s.start}>
                <span className="strip-img">
                  {kf ? (
                    // eslint-disable-next-line @next/next/no-img-element
                    <img src={kf} alt="" loading="lazy" width={90} height={160} />
                  ) : (
                    <span className="thumb-empty">{s.n}</span>
                  )}
                  <span className="strip-time">{formatTime(s.start)}</span>
                  {s.role && label("role", s.role) && <span className="strip-role">{label("role", s.role)}</span>}
                </span>
                <span className="strip-body">
                  <strong>{t("shot_n", { n: s.n })}</strong>
                  <span className="strip-film">{s.film}</span>
                  {(framing || p) && (
                    <span className="muted tiny" data-testid="shot-perception">
                      {[framing, p ? (p.people > 0 ? t("people_n", { n: p.people }) : t("no_people")) : null].filter(Boolean).join(" · ")}
                    </span>
                  )}
                  {over && <span className="overtitle">{over}</span>}
                  {cap && <span className="strip-cap">{cap.replace(/\n/g, " ")}</span>}
                  {s.source_text && (
                    <span className="muted tiny">
                      {t("source_text")}: <span lang="und">{s.source_text}</span>
                    </span>
                  )}
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function FormatWhy({ recipe, nodeId, canReplan }: { recipe: Recipe; nodeId: string; canReplan: boolean }) {
  const { t, errorText } = useI18n();
  const router = useRouter();
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  const c = recipe.concept;
  if (!c.format_reasons.length && !c.runner_up && !c.format_name) return null;
  async function replan(format: string) {
    setBusy(true);
    setErr(null);
    try {
      const n = await api.replan(nodeId, format);
      await qc.invalidateQueries({ queryKey: ["remix"] });
      router.push(`/remix/?id=${encodeURIComponent(n?.id ?? nodeId)}`);
    } catch (e) {
      setErr(e instanceof Error && /404|405/.test(String((e as { status?: number }).status)) ? t("replan_unavailable") : errorText(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section aria-labelledby="why-h" className="card why">
      <h2 id="why-h">
        {t("format_why")}
        {c.format_name ? <span className="badge accent">{c.format_name}</span> : null}
      </h2>
      {c.evidence_weak && (
        <p className="warn-line" role="note">
          {t("evidence_weak")}
        </p>
      )}
      <ul className="reasons">
        {c.format_reasons.slice(0, 4).map((r, i) => (
          <li key={i}>
            <span>{r.detail}</span>
            <EvidenceLine e={r.evidence} />
          </li>
        ))}
      </ul>
      {c.runner_up && (
        <div className="runner-up" data-testid="runner-up">
          <p>
            <span className="muted">{t("runner_up")}:</span> <strong>{c.runner_up.name || t("enum_other")}</strong>
          </p>
          {c.runner_up.reasons[0] && <p className="small-text muted">{c.runner_up.reasons[0].detail}</p>}
          {canReplan && (
            <button type="button" className="btn ghost" disabled={busy} onClick={() => void replan(c.runner_up!.format)} data-testid="replan">
              {busy ? t("replan_busy") : t("replan")}
            </button>
          )}
          {err && (
            <p className="error small-text" role="alert">
              {err}
            </p>
          )}
        </div>
      )}
    </section>
  );
}

/** RecipeView loads /api/remix/{id} from ?id= and shows the recipe. */
export function RecipeView() {
  const { t, lang } = useI18n();
  const id = useSearchParams().get("id") ?? "";
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ["remix", id],
    queryFn: () => api.remix(id),
    enabled: id !== "",
    // Until the pipeline settles, poll (the event stream below also wakes it).
    refetchInterval: (query) => {
      const st = (query.state.data as RemixView | undefined)?.node.status;
      return st && st !== "done" && st !== "failed" ? 3000 : false;
    },
  });
  const view = q.data;
  const status = view?.node.status;
  const [progress, setProgress] = useState<number | null>(null);
  useEffect(() => {
    if (!id || !status || status === "done" || status === "failed") return;
    const stop = watchProgress(
      api.eventsUrl(id),
      (e) => {
        setProgress(overallPercent(e.stage, e.percent));
        if (e.status === "done" || e.status === "failed") void qc.invalidateQueries({ queryKey: ["remix", id] });
      },
      () => stop(),
    );
    return stop;
  }, [id, status, qc]);
  // The details (and the similar list in them) are rendered only once
  // opened: a phone's first load renders what is on screen.
  const [moreOpen, setMoreOpen] = useState(false);
  const similar = useQuery({ queryKey: ["similar", id], queryFn: () => api.similar(id, 6), enabled: status === "done" && moreOpen });

  const [reg, setReg] = useRegister();
  const [time, setTime] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [usePreview, setUsePreview] = useState(false);
  const videoRef = useRef<HTMLVideoElement>(null);
  const recipe = useMemo(() => normalizeRecipe(view?.recipe ?? (view?.node as { recipe?: unknown } | undefined)?.recipe), [view]);
  const analysis = view?.analysis ?? null;
  const files = useMemo(() => new Map((view?.files ?? []).map((f) => [f.name, f])), [view]);
  const preview = files.get("preview.mp4");
  const source = (view?.files ?? []).find((f) => f.content_type.startsWith("video/") && f.name !== "preview.mp4");
  const videoFile = usePreview && preview ? preview : source ?? preview;
  const duration = analysis?.duration_s || recipe?.concept.duration_s || 0;

  // Without a playable video the strip is driven by a clock.
  useEffect(() => {
    if (!playing || videoFile) return;
    let raf = 0;
    let last = performance.now();
    const step = (now: number) => {
      setTime((tm) => {
        const next = tm + (now - last) / 1000;
        if (next >= duration) {
          setPlaying(false);
          return duration;
        }
        return next;
      });
      last = now;
      raf = requestAnimationFrame(step);
    };
    raf = requestAnimationFrame(step);
    return () => cancelAnimationFrame(raf);
  }, [playing, videoFile, duration]);

  // The tab (and the share tags, when present) name the recipe once it is in.
  const docName = recipe?.concept.title || view?.node.title || "";
  const appName = t("app_name");
  useEffect(() => {
    if (!docName) return;
    return keepPageTitle(document, docName, appName);
  }, [docName, appName]);

  const seek = (tm: number) => {
    setTime(tm);
    if (videoRef.current) videoRef.current.currentTime = tm;
  };

  if (!id) return <ErrorBox error={new ApiError(404, { code: "not_found" })} message={t("err_not_found")} />;
  if (q.isError) return <ErrorBox error={q.error} onRetry={() => void q.refetch()} />;
  if (!view) return <RecipeSkeleton />;

  const node = view.node;
  const shots = recipe?.shots ?? [];
  const activeShot = activeIndex(shots, time);
  const cur = shots[activeShot];
  const sourceShots = analysis?.shots ?? [];
  const activeSource = activeIndex(sourceShots, time);
  const currentKeyframe = keyframeOf(files, cur?.source_shot || activeSource + 1);
  const title = recipe?.concept.title || node.title || t("untitled");
  const difficulty = recipe?.difficulty ? t(enumKey("difficulty", recipe.difficulty)) : "";
  const bpm = analysis?.tempo.bpm ?? recipe?.audio.bpm ?? null;
  const texts = analysis?.perception?.texts ?? [];

  return (
    <article className="recipe" data-testid="recipe">
      <div className="recipe-grid">
        <div className="player-col">
          <div className="mini-player" data-testid="mini-player">
            <div className="player-media">
              {videoFile ? (
                <video
                  key={videoFile.name}
                  ref={videoRef}
                  src={safeUrl(videoFile.url)}
                  controls
                  playsInline
                  preload="metadata"
                  aria-label={videoFile.name === "preview.mp4" ? t("preview_label") : t("video_label")}
                  onTimeUpdate={(e) => setTime(e.currentTarget.currentTime)}
                  onPlay={() => setPlaying(true)}
                  onPause={() => setPlaying(false)}
                  data-testid="player"
                />
              ) : currentKeyframe ? (
                // eslint-disable-next-line @next/next/no-img-element
                <img src={currentKeyframe} alt={t("keyframe_alt", { n: activeSource + 1, t: formatTime(time) })} width={90} height={160} data-testid="player" />
              ) : (
                <span className="thumb-empty" data-testid="player">
                  K
                </span>
              )}
            </div>
            <div className="player-side">
              {preview && source && (
                <div className="segmented" role="group" aria-label={t("preview_label")}>
                  <button type="button" aria-pressed={!usePreview} onClick={() => setUsePreview(false)}>
                    {t("landing_flow_a")}
                  </button>
                  <button type="button" aria-pressed={usePreview} onClick={() => setUsePreview(true)} data-testid="preview-toggle">
                    {t("dl_preview")}
                  </button>
                </div>
              )}
              {!videoFile && (
                <button type="button" className="btn ghost" onClick={() => setPlaying((p) => !p)} aria-pressed={playing} data-testid="play">
                  {playing ? "❚❚" : "▶"} <span className="visually-hidden">{t("playhead")}</span>
                </button>
              )}
              <p className="now-shot" data-testid="now-shot">
                <strong>{cur ? t("shot_n", { n: cur.n }) : formatTime(time)}</strong>
                <span className="muted small-text"> {formatTime(time)} / {formatTime(duration)}</span>
              </p>
              {cur && <p className="now-film">{cur.film}</p>}
              {cur && (cur.caption[reg] || cur.caption.casual) && (
                <div className="now-cap">
                  <CaptionText text={cur.caption[reg] || cur.caption.casual} />
                </div>
              )}
            </div>
          </div>
          <div className="action-bar" data-testid="action-bar">
            <Link className="btn" href={`/?parent=${encodeURIComponent(node.id)}`} data-testid="remix-this">
              {t("remix_short")}
            </Link>
            <a className="btn ghost" href="#dl-h" data-testid="to-downloads">
              {t("download_short")}
            </a>
          </div>
        </div>

        <div className="content-col">
          <header className="recipe-head">
            <h1 data-testid="recipe-title">{title}</h1>
            <p className="facts muted small-text">
              {node.status !== "done" && <StatusBadge status={node.status} />}
              {bpm ? <span>{Math.round(bpm)} BPM</span> : analysis ? <span>{t("no_tempo")}</span> : null}
              {duration > 0 && <span>{formatTime(duration)}</span>}
              {node.depth > 0 && <span>{t("generation", { n: node.depth + 1 })}</span>}
              {node.descendants > 0 && <span>{t("remix_count", { n: node.descendants })}</span>}
              <span>{new Date(node.created_at).toLocaleDateString(lang === "ko" ? "ko-KR" : "en-US", { month: "short", day: "numeric" })}</span>
            </p>
          </header>

          {node.status !== "done" && node.status !== "failed" && (
            <div className="card" aria-live="polite">
              <p>{t("not_ready")}</p>
              <div className="progress moving" role="progressbar" aria-label={t("not_ready")} aria-valuemin={0} aria-valuemax={100} aria-valuenow={progress ?? 0}>
                <div style={{ width: `${progress ?? overallPercent(node.status, 0)}%` }} />
              </div>
            </div>
          )}
          {node.status === "failed" && <ErrorBox error={new ApiError(422, { code: "unprocessable", detail: node.error })} message={t("err_unprocessable")} />}

          {recipe && (
            <section className="card summary" aria-label={t("summary")} data-testid="summary">
              {recipe.concept.hook && (
                <p className="hook">
                  <span className="muted small-text">{t("hook")}</span>
                  <br />
                  <strong>{recipe.concept.hook}</strong>
                </p>
              )}
              <dl className="summary-facts">
                {difficulty && (
                  <div>
                    <dt>{t("difficulty")}</dt>
                    <dd>{difficulty}</dd>
                  </div>
                )}
                <div>
                  <dt>{t("shoot_label")}</dt>
                  <dd>{t("minutes", { n: recipe.shoot_minutes })}</dd>
                </div>
                <div>
                  <dt>{t("edit_label")}</dt>
                  <dd>{t("minutes", { n: recipe.edit_minutes })}</dd>
                </div>
                <div>
                  <dt>{t("col_shot")}</dt>
                  <dd>{t("shots_n", { n: shots.length })}</dd>
                </div>
              </dl>
              <div className="segmented register" role="group" aria-label={t("register")} data-testid="register-toggle">
                <button type="button" aria-pressed={reg === "casual"} onClick={() => setReg("casual")}>
                  {t("casual")}
                </button>
                <button type="button" aria-pressed={reg === "polite"} onClick={() => setReg("polite")}>
                  {t("polite")}
                </button>
              </div>
            </section>
          )}

          {shots.length > 0 && <ShotStrip shots={shots} analysis={analysis} files={files} active={activeShot} reg={reg} onPick={(i) => seek(shots[i].start + 0.001)} />}

          {analysis && <Timeline analysis={analysis} time={time} playing={playing} onSeek={seek} />}

          {recipe && <FormatWhy recipe={recipe} nodeId={node.id} canReplan={node.status === "done"} />}

          {node.status === "done" && <Downloads nodeId={node.id} files={view.files} />}

          <details className="more" data-testid="details" onToggle={(e) => setMoreOpen(e.currentTarget.open)}>
            <summary>
              {t("details")} <span className="muted small-text">{t("more_details")}</span>
            </summary>
            {moreOpen && (
              <>
                {recipe?.concept.mechanism && (
                  <p>
                    <strong>{t("mechanism")}:</strong> {recipe.concept.mechanism}
                  </p>
                )}
                {recipe?.audio.sound_kind && (
                  <p>
                    <strong>{t("sound")}:</strong> {recipe.audio.sound_kind}
                    {recipe.audio.mood ? ` · ${recipe.audio.mood}` : ""}
                    {recipe.audio.drop_bar ? ` · ${t("drop_at")} ${recipe.audio.drop_bar}` : ""}
                  </p>
                )}
                {recipe && recipe.adaptations.length > 0 && (
                  <section aria-labelledby="ad-h">
                    <h3 id="ad-h">{t("adaptations")}</h3>
                    <ul className="adaptations">
                      {recipe.adaptations.map((a, i) => (
                        <li key={i} className="card" data-suggestion={a.suggestion || undefined}>
                          <p>
                            <span className="muted">{a.source}</span> → <strong>{a.korean}</strong>
                          </p>
                          <p className="small-text">
                            {t("adapt_reason")}: {a.reason}
                          </p>
                          {a.suggestion ? <p className="small-text muted">{t("suggestion")}</p> : <EvidenceLine e={a.evidence} />}
                        </li>
                      ))}
                    </ul>
                  </section>
                )}
                {texts.length > 0 && (
                  <section aria-labelledby="ocr-h">
                    <h3 id="ocr-h">{t("on_screen_text")}</h3>
                    <ul className="plain">
                      {texts.slice(0, 12).map((x, i) => (
                        <li key={i}>
                          <button type="button" className="linklike" onClick={() => seek(x.start)}>
                            {formatTime(x.start)}
                          </button>{" "}
                          <span lang="und">{x.text}</span>
                        </li>
                      ))}
                    </ul>
                  </section>
                )}
                {recipe && (
                  <section aria-labelledby="ht-h">
                    <h3 id="ht-h">{t("hashtags")}</h3>
                    {(["tiktok", "shorts", "reels"] as const).map((k) =>
                      recipe.hashtags[k].length ? (
                        <div key={k} className="tag-row">
                          <strong>{t(enumKey("platform", k))}</strong>
                          <span className="tags">{hashtagLine(recipe.hashtags[k])}</span>
                          <CopyButton text={hashtagLine(recipe.hashtags[k])} label={`${t(enumKey("platform", k))} ${t("hashtags")}`} />
                        </div>
                      ) : null,
                    )}
                  </section>
                )}
                {recipe && recipe.checklist.length > 0 && (
                  <section>
                    <h3>{t("checklist")}</h3>
                    <ul>
                      {recipe.checklist.map((c, i) => (
                        <li key={i}>{c}</li>
                      ))}
                    </ul>
                  </section>
                )}
                {recipe && recipe.props.length > 0 && (
                  <section>
                    <h3>{t("props")}</h3>
                    <ul>
                      {recipe.props.map((c, i) => (
                        <li key={i}>{c}</li>
                      ))}
                    </ul>
                  </section>
                )}
                {shots.length > 0 && <ShotList shots={shots} analysis={analysis} activeShot={activeShot} onSeek={seek} />}
                <p>
                  <Link className="btn ghost" href={`/lineage/?id=${encodeURIComponent(node.id)}`}>
                    {t("see_lineage")}
                  </Link>
                </p>
                {node.status === "done" && (
                  <section aria-labelledby="sim-h">
                    <h3 id="sim-h">{t("similar")}</h3>
                    {similar.data ? (
                      <NodeList items={similar.data.items.filter((x) => x.node.id !== node.id).map((s) => ({ node: s.node, extra: t(similarWord(s.score)) }))} empty={t("no_similar")} />
                    ) : similar.isError ? (
                      <p className="muted">{t("no_similar")}</p>
                    ) : null}
                  </section>
                )}
              </>
            )}
          </details>
        </div>
      </div>

    </article>
  );
}

function RecipeSkeleton() {
  return (
    <div className="recipe-grid" aria-busy="true">
      <div className="player-col">
        <div className="mini-player">
          <span className="player-media skeleton" />
          <span className="player-side">
            <span className="skeleton line" />
            <span className="skeleton line short" />
          </span>
        </div>
      </div>
      <div className="content-col">
        <span className="skeleton line big" />
        <span className="skeleton block" />
      </div>
    </div>
  );
}
