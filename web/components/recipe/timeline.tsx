"use client";
// The zoomable strip under the video: sections, downbeats, beats and cuts,
// a ruler, and the playhead. Click or arrow keys seek; wheel/buttons zoom;
// drag pans; during playback the window pages to follow the playhead.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from "react";
import { useGesture } from "@use-gesture/react";
import { enumKey } from "@/lib/i18n";
import type { Analysis } from "@/lib/types";
import { barBeat, clampView, fitView, follow, formatBarBeat, formatTime, lowerBound, panBy, ticks, timeToX, visibleMarks, xToTime, zoomAt, type View } from "@/lib/timeline";
import { useI18n } from "../providers";

const H = 140;
// Section fills: distinct from the cut colour (var(--cut), blue) in both
// themes; labels are drawn in dark text on these light fills.
const SECTION_COLORS: Record<string, string> = {
  intro: "#9db4ff",
  verse: "#c7d2fe",
  build: "#f6c768",
  drop: "#ff8fb1",
  break: "#8fdcae",
  outro: "#c4b5fd",
  speech: "#cbd5e1",
};

/** Timeline draws the analysis of a video and seeks it. */
export function Timeline({ analysis, time, playing, onSeek }: { analysis: Analysis; time: number; playing: boolean; onSeek: (t: number) => void }) {
  const { t } = useI18n();
  const wrap = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(600);
  const duration = Math.max(analysis.duration_s, 0.1);
  const bounds = useMemo(() => ({ duration, width, maxPxPerSec: 1200 }), [duration, width]);
  const [view, setView] = useState<View>(() => fitView({ duration, width: 600 }));
  const drag = useRef<{ x: number; moved: boolean } | null>(null);

  useEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      const w = Math.max(200, Math.floor(el.clientWidth));
      setWidth((old) => {
        if (old !== w) setView((v) => (Math.abs(v.pxPerSec - old / duration) < 1e-9 ? fitView({ duration, width: w }) : clampView(v, { duration, width: w })));
        return w;
      });
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [duration]);

  useEffect(() => {
    if (playing) setView((v) => follow(v, time, bounds));
  }, [time, playing, bounds]);

  const beats = analysis.beats ?? [];
  const downbeats = useMemo(() => analysis.downbeats ?? [], [analysis.downbeats]);
  const meter = analysis.meter || 4;
  const downSet = useMemo(() => new Set(downbeats.map((d) => d.toFixed(3))), [downbeats]);
  const beatMarks = visibleMarks(beats, view, width).filter((m) => !downSet.has(m.t.toFixed(3)));
  const downMarks = visibleMarks(downbeats, view, width);
  const cutMarks = visibleMarks((analysis.cuts ?? []).map((c) => c.t), view, width);
  const rulerTicks = ticks(view, width, duration, 70);
  const showBeatLabels = view.pxPerSec * (beats.length > 1 ? (beats[beats.length - 1] - beats[0]) / (beats.length - 1) : 1) > 28;
  const px = timeToX(time, view);
  const bb = barBeat(time, beats, downbeats, meter);

  const seekAt = (clientX: number) => {
    const r = wrap.current!.getBoundingClientRect();
    onSeek(Math.min(duration, Math.max(0, xToTime(clientX - r.left, view))));
  };
  const zoom = (f: number, anchor = width / 2) => setView((v) => zoomAt(v, f, anchor, bounds));

  // Pinch (touch, trackpad) and wheel zoom through @use-gesture; a
  // horizontal wheel pans. Drag-to-pan and tap-to-seek stay on pointer events.
  const lastScale = useRef(1);
  useGesture(
    {
      onPinchStart: () => {
        lastScale.current = 1;
      },
      onPinch: ({ offset: [scale], origin: [ox], event }) => {
        event?.preventDefault?.();
        const r = wrap.current!.getBoundingClientRect();
        const f = scale / lastScale.current;
        lastScale.current = scale;
        if (Number.isFinite(f) && f > 0) zoom(f, ox - r.left);
      },
      onWheel: ({ event, delta: [dx, dy] }) => {
        event.preventDefault();
        const r = wrap.current!.getBoundingClientRect();
        if (Math.abs(dx) > Math.abs(dy)) setView((v) => panBy(v, dx, bounds));
        else if (dy !== 0) zoom(dy < 0 ? 1.25 : 0.8, (event as globalThis.WheelEvent).clientX - r.left);
      },
    },
    { target: wrap, eventOptions: { passive: false }, pinch: { scaleBounds: { min: 0.05, max: 50 } } },
  );
  function onPointerDown(e: PointerEvent) {
    drag.current = { x: e.clientX, moved: false };
    (e.target as Element).setPointerCapture?.(e.pointerId);
  }
  function onPointerMove(e: PointerEvent) {
    const d = drag.current;
    if (!d) return;
    const dx = e.clientX - d.x;
    if (Math.abs(dx) > 3 || d.moved) {
      d.moved = true;
      d.x = e.clientX;
      setView((v) => panBy(v, -dx, bounds));
    }
  }
  function onPointerUp(e: PointerEvent) {
    const d = drag.current;
    drag.current = null;
    if (d && !d.moved) seekAt(e.clientX);
  }
  function onKey(e: KeyboardEvent) {
    const step = (dir: 1 | -1) => {
      if (beats.length > 1) {
        const i = lowerBound(beats, time + (dir > 0 ? 0.01 : -0.01));
        const target = dir > 0 ? beats[Math.min(i, beats.length - 1)] : beats[Math.max(0, i - 1)];
        return target ?? time;
      }
      return time + dir * 0.5;
    };
    if (e.key === "ArrowRight") onSeek(Math.min(duration, step(1)));
    else if (e.key === "ArrowLeft") onSeek(Math.max(0, step(-1)));
    else if (e.key === "Home") onSeek(0);
    else if (e.key === "End") onSeek(duration);
    else if (e.key === "+" || e.key === "=") zoom(1.5, px);
    else if (e.key === "-") zoom(1 / 1.5, px);
    else return;
    e.preventDefault();
  }

  const secY = 0;
  const secH = 18;
  const markTop = 22;
  const markBottom = 92;
  const textTop = 98;
  const textH = 12;
  const texts = (analysis.perception?.texts ?? []).filter((x) => x.text && x.end > x.start);
  return (
    <section className="timeline" aria-labelledby="timeline-h">
      <div className="timeline-toolbar">
        <h2 id="timeline-h" style={{ margin: 0, marginRight: "auto" }}>
          {t("timeline")}
        </h2>
        <span className="muted small-text" data-testid="timeline-pos">
          {formatTime(time)} · {formatBarBeat(bb)}
        </span>
        <button type="button" className="btn ghost small" onClick={() => zoom(1 / 1.5)} aria-label={t("zoom_out")}>
          −
        </button>
        <button type="button" className="btn ghost small" onClick={() => zoom(1.5)} aria-label={t("zoom_in")}>
          +
        </button>
        <button type="button" className="btn ghost small" onClick={() => setView(fitView(bounds))}>
          {t("zoom_fit")}
        </button>
      </div>
      <div
        ref={wrap}
        className="timeline-strip"
        role="slider"
        tabIndex={0}
        aria-label={t("playhead")}
        aria-valuemin={0}
        aria-valuemax={Math.round(duration * 10) / 10}
        aria-valuenow={Math.round(time * 10) / 10}
        aria-valuetext={`${formatTime(time)} (${formatBarBeat(bb)})`}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onKeyDown={onKey}
        data-testid="timeline"
        data-beats={beats.length}
        data-cuts={(analysis.cuts ?? []).length}
      >
        <svg viewBox={`0 0 ${width} ${H}`} height={H} aria-hidden="true" focusable="false">
          {(analysis.sections ?? []).map((s, i) => {
            const x0 = Math.max(0, timeToX(s.start, view));
            const x1 = Math.min(width, timeToX(s.end, view));
            if (x1 <= 0 || x0 >= width) return null;
            return (
              <g key={`s${i}`} data-kind="section">
                <rect x={x0} y={secY} width={Math.max(0, x1 - x0)} height={secH} fill={SECTION_COLORS[s.label] ?? "#999"} opacity={0.85} />
                {x1 - x0 > 40 && (
                  <text x={x0 + 4} y={13} fontSize={11} fill="#111">
                    {t(enumKey("section", s.label))}
                  </text>
                )}
              </g>
            );
          })}
          {beatMarks.map((m) => (
            <line key={`b${m.i}`} data-kind="beat" x1={m.x} x2={m.x} y1={markTop + 30} y2={markBottom} stroke="var(--beat)" strokeWidth={1} />
          ))}
          {downMarks.map((m) => (
            <g key={`d${m.i}`} data-kind="downbeat">
              <line x1={m.x} x2={m.x} y1={markTop + 14} y2={markBottom} stroke="var(--downbeat)" strokeWidth={2} />
              {showBeatLabels || view.pxPerSec * 2 > 30 ? (
                <text x={m.x + 3} y={markTop + 24} fontSize={10} fill="var(--fg-soft)">
                  {m.i + 1}
                </text>
              ) : null}
            </g>
          ))}
          {cutMarks.map((m) => (
            <g key={`c${m.i}`} data-kind="cut">
              <line x1={m.x} x2={m.x} y1={markTop} y2={markBottom} stroke="var(--cut)" strokeWidth={2.5} />
              <path d={`M${m.x - 5},${markTop} L${m.x + 5},${markTop} L${m.x},${markTop + 8} Z`} fill="var(--cut)" />
            </g>
          ))}
          {texts.map((x, i) => {
            const x0 = Math.max(0, timeToX(x.start, view));
            const x1 = Math.min(width, timeToX(x.end, view));
            if (x1 <= 0 || x0 >= width) return null;
            return (
              <g key={`x${i}`} data-kind="text">
                <rect x={x0} y={textTop} width={Math.max(2, x1 - x0)} height={textH} rx={3} fill="var(--text-lane)" />
                {x1 - x0 > 50 && (
                  <text x={x0 + 3} y={textTop + 9.5} fontSize={9} fill="var(--text-lane-fg)" lang="und">
                    {x.text.length > Math.floor((x1 - x0) / 8) ? x.text.slice(0, Math.max(1, Math.floor((x1 - x0) / 8) - 1)) + "…" : x.text}
                  </text>
                )}
              </g>
            );
          })}
          <line x1={0} x2={width} y1={markBottom + 20} y2={markBottom + 20} stroke="var(--line)" />
          {rulerTicks.map((tt) => {
            const x = timeToX(tt, view);
            return (
              <g key={`t${tt}`}>
                <line x1={x} x2={x} y1={markBottom + 20} y2={markBottom + 26} stroke="var(--fg-soft)" />
                <text x={x + 2} y={H - 4} fontSize={10} fill="var(--fg-soft)">
                  {formatTime(tt, view.pxPerSec > 100 ? 1 : 0)}
                </text>
              </g>
            );
          })}
          {px >= 0 && px <= width && <line x1={px} x2={px} y1={0} y2={H} stroke="var(--focus)" strokeWidth={2} data-kind="playhead" />}
        </svg>
      </div>
      <div className="legend" aria-hidden="true">
        <span>
          <i style={{ background: "var(--beat)" }} />
          {t("legend_beat")} {beats.length}
        </span>
        <span>
          <i style={{ background: "var(--downbeat)" }} />
          {t("legend_downbeat")} {downbeats.length}
        </span>
        <span>
          <i style={{ background: "var(--cut)" }} />
          {t("legend_cut")} {(analysis.cuts ?? []).length}
        </span>
        <span>
          <i style={{ background: SECTION_COLORS.drop }} />
          {t("legend_section")} {(analysis.sections ?? []).length}
        </span>
        {texts.length > 0 && (
          <span>
            <i style={{ background: "var(--text-lane)" }} />
            {t("on_screen_text")} {texts.length}
          </span>
        )}
        <span>{t("legend_bar_no")}</span>
        <span className="touch-hint">{t("timeline_hint")}</span>
      </div>
      <p className="visually-hidden">
        {t("legend_beat")} {beats.length}, {t("legend_downbeat")} {downbeats.length}, {t("legend_cut")} {(analysis.cuts ?? []).length}
      </p>
    </section>
  );
}
