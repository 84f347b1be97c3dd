"use client";
// The recipe page: video + timeline, keyframes, shot list, adaptations,
// hashtags, downloads, "remix this", similar remixes. Everything from the
// recipe is rendered as React text (escaped), never as HTML.
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api } from "@/lib/api";
import { hashtagLine, normalizeRecipe } from "@/lib/recipe";
import { activeIndex, formatTime } from "@/lib/timeline";
import { overallPercent, watchProgress } from "@/lib/progress";
import { safeUrl } from "@/lib/sanitize";
import type { RemixView, ScoredNode } from "@/lib/types";
import type { Key } from "@/lib/i18n";
import { useI18n } from "../providers";
import { CopyButton } from "../ui/copy-button";
import { StatusBadge } from "../ui/status-badge";
import { NodeList } from "../ui/node-list";
import { Timeline } from "./timeline";
import { ShotList } from "./shot-list";

const DOWNLOADS: { name: string; key: Key }[] = [
  { name: "guide.pdf", key: "dl_pdf" },
  { name: "storyboard.png", key: "dl_storyboard" },
  { name: "captions.srt", key: "dl_srt" },
  { name: "timeline.otio", key: "dl_otio" },
  { name: "timeline.fcpxml", key: "dl_fcpxml" },
  { name: "recipe.json", key: "dl_json" },
];

/** RecipeView loads /api/remix/{id} from ?id= and shows the recipe. */
export function RecipeView() {
  const { t, errorText } = useI18n();
  const id = useSearchParams().get("id") ?? "";
  const [view, setView] = useState<RemixView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [similar, setSimilar] = useState<ScoredNode[] | null>(null);
  const [time, setTime] = useState(0);
  const [playing, setPlaying] = useState(false);
  const videoRef = useRef<HTMLVideoElement>(null);

  const load = useCallback(async () => {
    if (!id) return;
    try {
      setView(await api.remix(id));
      setError(null);
    } catch (e) {
      setError(errorText(e));
    }
  }, [id, errorText]);

  useEffect(() => {
    void load();
  }, [load]);

  const status = view?.node.status;
  useEffect(() => {
    if (!id || !status || status === "done" || status === "failed") return;
    let cancelled = false;
    let timer = 0;
    // When the stream is gone (closed, proxy, error event), poll the view.
    const poll = async () => {
      if (cancelled) return;
      const v = await api.remix(id).catch(() => null);
      if (cancelled) return;
      if (v) setView(v);
      if (!v || (v.node.status !== "done" && v.node.status !== "failed")) timer = window.setTimeout(poll, 3000);
    };
    const stop = watchProgress(
      api.eventsUrl(id),
      (e) => {
        setProgress(overallPercent(e.stage, e.percent));
        if (e.status === "done" || e.status === "failed") void load();
      },
      () => {
        stop();
        timer = window.setTimeout(poll, 1000);
      },
    );
    return () => {
      cancelled = true;
      stop();
      window.clearTimeout(timer);
    };
  }, [id, status, load]);

  useEffect(() => {
    if (!id || status !== "done") return;
    api
      .similar(id, 6)
      .then((r) => setSimilar(r.items.filter((x) => x.node.id !== id)))
      .catch(() => setSimilar([]));
  }, [id, status]);

  // The recipe is in the view; older servers embed it in the node.
  const recipe = useMemo(() => normalizeRecipe(view?.recipe ?? (view?.node as { recipe?: unknown } | undefined)?.recipe), [view]);
  const analysis = view?.analysis ?? null;
  const files = useMemo(() => new Map((view?.files ?? []).map((f) => [f.name, f])), [view]);
  const videoFile = view?.files.find((f) => f.content_type.startsWith("video/"));
  const duration = analysis?.duration_s || recipe?.concept.duration_s || 0;

  // Without a playable video the strip is driven by a clock, so the timeline
  // still "follows playback" over the keyframes.
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

  const seek = (tm: number) => {
    setTime(tm);
    if (videoRef.current) videoRef.current.currentTime = tm;
  };

  if (!id) return <p className="error">{t("err_not_found")}</p>;
  if (error)
    return (
      <div className="card">
        <p className="error" role="alert">
          {error}
        </p>
        <button type="button" className="btn ghost" onClick={() => void load()}>
          {t("retry")}
        </button>
      </div>
    );
  if (!view) return <p aria-busy="true">{t("loading")}</p>;

  const node = view.node;
  const shots = recipe?.shots ?? [];
  const activeShot = activeIndex(shots, time);
  const sourceShots = analysis?.shots ?? [];
  const activeSource = activeIndex(sourceShots, time);
  // The server publishes shot i's keyframe as "keyframe-00i.jpg" (1-based).
  const keyframeUrl = (i: number): string | null => {
    if (i < 0 || !sourceShots[i]?.keyframe) return null;
    const f = files.get(`keyframe-${String(i + 1).padStart(3, "0")}.jpg`);
    return f ? safeUrl(f.url) : null;
  };
  const currentKeyframe = keyframeUrl(activeSource);

  return (
    <article className="stack">
      <header>
        <p className="muted small-text">{t("recipe_title")}</p>
        <h1 data-testid="recipe-title">{recipe?.concept.title || node.title || node.id}</h1>
        <div className="facts">
          <StatusBadge status={node.status} />
          {analysis && (
            <span className="badge">
              {analysis.tempo.bpm ? `${analysis.tempo.bpm.toFixed(1)} ${t("bpm")}` : t("no_tempo")}
            </span>
          )}
          {analysis?.meter ? <span className="badge">{analysis.meter}/4</span> : null}
          {duration > 0 && <span className="badge">{formatTime(duration)}</span>}
          {analysis && <span className="badge">{t("cuts_on_beats", { n: analysis.cuts_on_beats })}</span>}
          <span className="badge">{t("generation", { n: node.depth + 1 })}</span>
          <span className="badge">{t("remix_count", { n: node.descendants })}</span>
        </div>
      </header>

      {node.status !== "done" && node.status !== "failed" && (
        <div className="card" aria-live="polite">
          <p>{t("not_ready")}</p>
          <div className="progress" role="progressbar" aria-label={t("not_ready")} aria-valuemin={0} aria-valuemax={100} aria-valuenow={progress ?? 0}>
            <div style={{ width: `${progress ?? overallPercent(node.status, 0)}%` }} />
          </div>
        </div>
      )}
      {node.status === "failed" && (
        <p className="error" role="alert">
          {node.error || t("err_unprocessable")}
        </p>
      )}

      <div className="btn-row">
        <Link className="btn" href={`/?parent=${encodeURIComponent(node.id)}`} data-testid="remix-this">
          {t("remix_this")}
        </Link>
        <Link className="btn ghost" href={`/lineage/?id=${encodeURIComponent(node.id)}`}>
          {t("see_lineage")}
        </Link>
      </div>

      {(analysis || recipe) && (
        <div className="recipe-head">
          <div className="player">
            {videoFile ? (
              <video
                ref={videoRef}
                src={safeUrl(videoFile.url)}
                controls
                playsInline
                preload="metadata"
                aria-label={t("video_label")}
                onTimeUpdate={(e) => setTime(e.currentTarget.currentTime)}
                onPlay={() => setPlaying(true)}
                onPause={() => setPlaying(false)}
              />
            ) : (
              <div className="card">
                {currentKeyframe ? (
                  // eslint-disable-next-line @next/next/no-img-element
                  <img
                    src={currentKeyframe}
                    alt={t("keyframe_alt", { n: activeSource + 1, t: formatTime(time) })}
                    width={analysis?.video?.width || 720}
                    height={analysis?.video?.height || 1280}
                    style={{ width: "100%", height: "auto", borderRadius: 8 }}
                  />
                ) : null}
                <div className="btn-row" style={{ marginTop: 8 }}>
                  <button type="button" className="btn small" onClick={() => setPlaying((p) => !p)} aria-pressed={playing} data-testid="play">
                    {playing ? "❚❚" : "▶"} <span className="visually-hidden">{t("playhead")}</span>
                  </button>
                  <span className="muted small-text">
                    {formatTime(time)} / {formatTime(duration)}
                  </span>
                </div>
              </div>
            )}
          </div>
          <div className="stack">
            {recipe?.concept.hook && (
              <p>
                <strong>{t("hook")}:</strong> {recipe.concept.hook}
              </p>
            )}
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
            {recipe && (
              <p className="muted small-text">
                {t("difficulty")}: {recipe.difficulty} · {t("shoot_time", { n: recipe.shoot_minutes, m: recipe.edit_minutes })}
              </p>
            )}
          </div>
        </div>
      )}

      {analysis && <Timeline analysis={analysis} time={time} playing={playing} onSeek={seek} />}

      {sourceShots.some((_, i) => keyframeUrl(i)) && (
        <section aria-labelledby="kf-h">
          <h2 id="kf-h">{t("keyframes")}</h2>
          <div className="keyframes">
            {sourceShots.map((s, i) =>
              keyframeUrl(i) ? (
                <button key={i} type="button" onClick={() => seek(s.start)} aria-current={i === activeSource} aria-label={`${formatTime(s.start)}`}>
                  {/* eslint-disable-next-line @next/next/no-img-element */}
                  <img src={keyframeUrl(i)!} alt={t("keyframe_alt", { n: i + 1, t: formatTime(s.keyframe_t) })} loading="lazy" width={54} height={96} />
                </button>
              ) : null,
            )}
          </div>
        </section>
      )}

      {shots.length > 0 && <ShotList shots={shots} analysis={analysis} activeShot={activeShot} onSeek={seek} />}

      {recipe && recipe.adaptations.length > 0 && (
        <section aria-labelledby="ad-h">
          <h2 id="ad-h">{t("adaptations")}</h2>
          <ul className="grid two" style={{ listStyle: "none", padding: 0 }}>
            {recipe.adaptations.map((a, i) => (
              <li key={i} className="card">
                <p>
                  <span className="muted">{a.source}</span> → <strong>{a.korean}</strong>
                </p>
                <p className="small-text">
                  {t("adapt_reason")}: {a.reason}
                </p>
              </li>
            ))}
          </ul>
        </section>
      )}

      {recipe && (
        <section aria-labelledby="ht-h">
          <h2 id="ht-h">{t("hashtags")}</h2>
          <div className="grid two">
            {(
              [
                ["tiktok", "TikTok"],
                ["shorts", "YouTube Shorts"],
                ["reels", "Instagram Reels"],
              ] as const
            ).map(([k, label]) =>
              recipe.hashtags[k].length ? (
                <div key={k} className="card">
                  <div className="btn-row" style={{ justifyContent: "space-between" }}>
                    <h3>{label}</h3>
                    <CopyButton text={hashtagLine(recipe.hashtags[k])} label={`${label} ${t("hashtags")}`} />
                  </div>
                  <p className="tags">
                    {recipe.hashtags[k].map((h) => (
                      <span className="tag" key={h}>
                        {h}
                      </span>
                    ))}
                  </p>
                </div>
              ) : null,
            )}
          </div>
          {(recipe.checklist.length > 0 || recipe.props.length > 0) && (
            <div className="grid two" style={{ marginTop: "1rem" }}>
              {recipe.checklist.length > 0 && (
                <div className="card">
                  <h3>{t("checklist")}</h3>
                  <ul>
                    {recipe.checklist.map((c, i) => (
                      <li key={i}>{c}</li>
                    ))}
                  </ul>
                </div>
              )}
              {recipe.props.length > 0 && (
                <div className="card">
                  <h3>{t("props")}</h3>
                  <ul>
                    {recipe.props.map((c, i) => (
                      <li key={i}>{c}</li>
                    ))}
                  </ul>
                </div>
              )}
            </div>
          )}
        </section>
      )}

      {node.status === "done" && (
        <section aria-labelledby="dl-h">
          <h2 id="dl-h">{t("downloads")}</h2>
          <ul className="btn-row" style={{ listStyle: "none", padding: 0 }}>
            {DOWNLOADS.filter((d) => files.size === 0 || files.has(d.name)).map((d) => (
              <li key={d.name}>
                <a className="btn ghost small" href={safeUrl(files.get(d.name)?.url ?? api.fileUrl(node.id, d.name))} download={d.name} data-testid={`dl-${d.name}`}>
                  {t(d.key)}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}

      {node.status === "done" && (
        <section aria-labelledby="sim-h">
          <h2 id="sim-h">{t("similar")}</h2>
          {similar === null ? (
            <p className="muted">{t("loading")}</p>
          ) : (
            <NodeList items={similar.map((s) => ({ node: s.node, extra: `${t("score")} ${s.score.toFixed(2)}` }))} empty={t("no_similar")} />
          )}
        </section>
      )}
    </article>
  );
}
