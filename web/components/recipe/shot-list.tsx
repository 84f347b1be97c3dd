"use client";
import { useState } from "react";
import type { Analysis, PlannedShot } from "@/lib/types";
import { barBeat, formatBarBeat, formatTime } from "@/lib/timeline";
import { captionLines, layoutCaption } from "@/lib/caption";
import { CopyButton } from "../ui/copy-button";
import { useI18n } from "../providers";

function beatLabel(s: PlannedShot, a: Analysis | null): string {
  if (s.start_beat) return s.start_beat;
  if (a && a.beats.length > 1) return formatBarBeat(barBeat(s.start, a.beats, a.downbeats, a.meter || 4));
  return "–";
}

/** CaptionText shows a caption laid out in lines (server lines kept; otherwise laid out here). */
export function CaptionText({ text }: { text: string }) {
  const lines = text.includes("\n") ? captionLines(text) : layoutCaption(text).lines;
  return (
    <p>
      {lines.map((l, i) => (
        <span key={i}>
          {i > 0 && <br />}
          {l}
        </span>
      ))}
    </p>
  );
}

function Captions({ s }: { s: PlannedShot }) {
  const { t } = useI18n();
  return (
    <>
      {(["casual", "polite"] as const).map((reg) =>
        s.caption[reg] ? (
          <div className="caption-box" key={reg}>
            <div className="caption-head">
              <span>{t(reg)}</span>
              <CopyButton text={s.caption[reg].replace(/\n/g, " ")} label={`${t("col_shot")} ${s.n} ${t(reg)}`} />
            </div>
            <CaptionText text={s.caption[reg]} />
          </div>
        ) : null,
      )}
    </>
  );
}

/** ShotList shows the planned shots as cards or a table; the shot under the playhead is marked. */
export function ShotList({ shots, analysis, activeShot, onSeek }: { shots: PlannedShot[]; analysis: Analysis | null; activeShot: number; onSeek: (t: number) => void }) {
  const { t } = useI18n();
  const [mode, setMode] = useState<"cards" | "table">("cards");
  return (
    <section aria-labelledby="shots-h">
      <div className="btn-row" style={{ justifyContent: "space-between" }}>
        <h2 id="shots-h">{t("shot_list")}</h2>
        <div className="segmented" role="group" aria-label={t("shot_list")}>
          <button type="button" aria-pressed={mode === "cards"} onClick={() => setMode("cards")}>
            {t("view_cards")}
          </button>
          <button type="button" aria-pressed={mode === "table"} onClick={() => setMode("table")}>
            {t("view_table")}
          </button>
        </div>
      </div>
      {mode === "cards" ? (
        <ol className="grid cards" style={{ listStyle: "none", padding: 0 }} data-testid="shot-cards">
          {shots.map((s, i) => (
            <li key={s.n} className="card shot-card" data-active={i === activeShot}>
              <h3>
                <span>
                  {t("col_shot")} {s.n}
                </span>
                <button type="button" className="btn ghost small" onClick={() => onSeek(s.start)}>
                  <span className="visually-hidden">
                    {t("col_shot")} {s.n}:{" "}
                  </span>
                  {formatTime(s.start)} · {beatLabel(s, analysis)}
                </button>
              </h3>
              <p>{s.film}</p>
              {(s.framing || s.action) && <p className="muted small-text">{[s.framing, s.action].filter(Boolean).join(" · ")}</p>}
              {s.overtitle && (
                <p>
                  <span className="muted small-text">{t("col_overtitle")}: </span>
                  <span className="overtitle">{s.overtitle}</span>
                </p>
              )}
              <Captions s={s} />
            </li>
          ))}
        </ol>
      ) : (
        <div className="table-wrap">
          <table data-testid="shot-table">
            <caption className="visually-hidden">{t("shot_list")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("col_shot")}</th>
                <th scope="col">{t("col_time")}</th>
                <th scope="col">{t("col_beat")}</th>
                <th scope="col">{t("col_film")}</th>
                <th scope="col">{t("col_overtitle")}</th>
                <th scope="col">{t("col_caption")}</th>
              </tr>
            </thead>
            <tbody>
              {shots.map((s, i) => (
                <tr key={s.n} data-active={i === activeShot}>
                  <td>{s.n}</td>
                  <td>
                    <button type="button" className="btn ghost small" onClick={() => onSeek(s.start)}>
                      {formatTime(s.start)}–{formatTime(s.end)}
                    </button>
                  </td>
                  <td>
                    {beatLabel(s, analysis)}
                    {s.end_beat ? `–${s.end_beat}` : ""}
                  </td>
                  <td>{s.film}</td>
                  <td className="overtitle">{s.overtitle}</td>
                  <td>
                    <Captions s={s} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
