"use client";
// Downloads by purpose (what the creator will do with the file), not by
// format; "모두 받기" is the bundle ZIP when the server made one.
import { api } from "@/lib/api";
import type { Key } from "@/lib/i18n";
import { safeUrl } from "@/lib/sanitize";
import type { RemixFile } from "@/lib/types";
import { useI18n } from "../providers";

const GROUPS: { key: Key; files: { name: string; label: Key; hint?: Key }[] }[] = [
  {
    key: "dl_group_edit",
    files: [
      { name: "timeline.premiere.xml", label: "dl_premiere", hint: "dl_premiere_hint" },
      { name: "timeline.fcpxml", label: "dl_fcp" },
      { name: "timeline.otio", label: "dl_otio_purpose" },
      { name: "timeline.edl", label: "dl_edl" },
    ],
  },
  {
    key: "dl_group_captions",
    files: [
      { name: "captions.casual.srt", label: "dl_srt_casual" },
      { name: "captions.polite.srt", label: "dl_srt_polite" },
      { name: "captions.srt", label: "dl_srt_chosen" },
      { name: "subtitles.9x16.ass", label: "dl_ass" },
      { name: "subtitles.16x9.ass", label: "dl_ass_wide" },
    ],
  },
  {
    key: "dl_group_shoot",
    files: [
      { name: "guide.pdf", label: "dl_guide" },
      { name: "storyboard.png", label: "dl_board" },
      { name: "preview.mp4", label: "dl_preview" },
    ],
  },
  {
    key: "dl_group_data",
    files: [
      { name: "recipe.md", label: "dl_recipe_md" },
      { name: "recipe.json", label: "dl_recipe_json" },
      { name: "analysis.json", label: "dl_analysis" },
    ],
  },
];

export function Downloads({ nodeId, files }: { nodeId: string; files: RemixFile[] }) {
  const { t } = useI18n();
  const byName = new Map(files.map((f) => [f.name, f]));
  // An older server lists no files: offer the classic set by name.
  const has = (n: string) => (files.length === 0 ? ["guide.pdf", "captions.srt", "timeline.fcpxml", "timeline.otio", "recipe.json", "storyboard.png"].includes(n) : byName.has(n));
  const href = (n: string) => safeUrl(byName.get(n)?.url ?? api.fileUrl(nodeId, n));
  const bundle = byName.get("kmeme-bundle.zip");
  const size = (n: string) => {
    const s = byName.get(n)?.size;
    return s ? (s > 1e6 ? `${(s / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(s / 1e3))} kB`) : "";
  };
  return (
    <section aria-labelledby="dl-h" className="downloads" id="downloads">
      <h2 id="dl-h" tabIndex={-1}>
        {t("downloads")}
      </h2>
      {bundle && (
        <a className="btn big block" href={href("kmeme-bundle.zip")} download="kmeme-bundle.zip" data-testid="dl-kmeme-bundle.zip">
          {t("download_all")} <span className="small-text">· {t("dl_bundle_hint")} · {size("kmeme-bundle.zip")}</span>
        </a>
      )}
      <div className="dl-groups">
        {GROUPS.map((g) => {
          const list = g.files.filter((f) => has(f.name));
          if (!list.length) return null;
          return (
            <div key={g.key} className="dl-group">
              <h3>{t(g.key)}</h3>
              <ul>
                {list.map((f) => (
                  <li key={f.name}>
                    <a className="dl-row" href={href(f.name)} download={f.name} data-testid={`dl-${f.name}`}>
                      <span>{t(f.label)}</span>
                      <span className="muted tiny" lang={f.hint ? "en" : undefined}>
                        {f.hint ? t(f.hint) : size(f.name)}
                      </span>
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
      </div>
    </section>
  );
}
