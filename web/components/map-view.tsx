"use client";
// Remix counts per 시/도 on an SVG map drawn from the borders shipped in
// lib/korea-sido.json (MapSVG, CC BY 4.0), projected with d3-geo (no tile server). Counts come from /api/geo/trends cells;
// clicking a region lists remixes near its centre via /api/geo/nearby.
import { useEffect, useState } from "react";
import { api } from "@/lib/api";
import { KOREA_BBOX, KOREA_SIDO, MAP_WIDTH, SHORT_NAMES, countByRegion, insidePoint, koreaProjection, mainRing, mapHeight, mapLabels, radiusKm, regionAt, regionPath, tiles } from "@/lib/korea";
import type { RemixNode } from "@/lib/types";
import { useI18n } from "./providers";
import { NodeList } from "./ui/node-list";

// The outlines never change: project them once, at module load.
const PROJECTION = koreaProjection();
const HEIGHT = mapHeight(PROJECTION);
const SHAPES = KOREA_SIDO.features.map((f) => ({ f, d: regionPath(f, PROJECTION) }));
// Provinces carry their short name always; a city (a few map units wide) is
// named with its count only when it has remixes, off to the side on a leader line.
const LABELS = mapLabels(PROJECTION);
const COLORS = ["var(--map-empty)", "#fcd5e1", "#f9a8c2", "#f0709c", "#d6245f", "#9d1245"];

function colorFor(n: number, max: number): string {
  if (n <= 0 || max <= 0) return COLORS[0];
  return COLORS[Math.min(COLORS.length - 1, 1 + Math.floor((n / max) * (COLORS.length - 2) + 0.0001))];
}

/** MapView is the map page. */
export function MapView() {
  const { t, lang, errorText } = useI18n();
  // null until the counts have come back (nothing is said about them before).
  const [counts, setCounts] = useState<Map<string, number> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [items, setItems] = useState<RemixNode[] | null>(null);

  useEffect(() => {
    // Four tiles make the server's grid cells ~12 km instead of ~25 km, so
    // small cities (Sejong, Gwangju) get their own counts.
    Promise.all(tiles(KOREA_BBOX, 2).map((b) => api.geoTrends(b)))
      .then((rs) => setCounts(countByRegion(rs.flatMap((r) => r.cells))))
      .catch((e) => setError(errorText(e)));
  }, [errorText]);

  const max = Math.max(0, ...(counts?.values() ?? []));
  const name = (code: string) => {
    const f = KOREA_SIDO.features.find((x) => x.properties.code === code);
    return f ? (lang === "ko" ? f.properties.name_ko : f.properties.name_en) : code;
  };

  async function pick(code: string) {
    setSelected(code);
    setItems(null);
    const f = KOREA_SIDO.features.find((x) => x.properties.code === code)!;
    const ring = mainRing(f);
    const [lon, lat] = insidePoint(f);
    try {
      const r = await api.nearby(lat, lon, Math.ceil(radiusKm(ring, [lon, lat])));
      // The nearby circle spills over the border; keep remixes inside the region.
      setItems(r.items.map((x) => x.node).filter((n) => !n.location || regionAt(n.location.lon, n.location.lat) === code));
    } catch (e) {
      setError(errorText(e));
      setItems([]);
    }
  }

  return (
    <section className="stack">
      <h1>{t("map_title")}</h1>
      <p className="muted">{t("map_hint")}</p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="map-wrap">
        <div className="card">
          <svg className="korea-map" viewBox={`0 0 ${MAP_WIDTH} ${HEIGHT}`} role="group" aria-label={t("map_alt")} data-testid="korea-map">
            <title>{t("map_alt")}</title>
            {SHAPES.map(({ f, d }) => {
              const code = f.properties.code;
              const n = counts?.get(code) ?? 0;
              return (
                <path
                  key={code}
                  d={d}
                  fill={colorFor(n, max)}
                  role="button"
                  tabIndex={0}
                  aria-pressed={selected === code}
                  aria-label={`${name(code)}: ${t("remix_count", { n })}`}
                  data-region={code}
                  data-count={n}
                  onClick={() => void pick(code)}
                  onKeyDown={(e) => {
                    if (e.key === "Enter" || e.key === " ") {
                      e.preventDefault();
                      void pick(code);
                    }
                  }}
                />
              );
            })}
            {LABELS.map((l) => {
              const n = counts?.get(l.code) ?? 0;
              if (l.at && n <= 0) return null;
              const short = SHORT_NAMES[l.code]?.[lang] ?? "";
              return (
                <g key={l.code} className={l.at ? "map-label callout" : "map-label"} aria-hidden="true">
                  {l.at && <line x1={l.at[0]} y1={l.at[1]} x2={l.x + (l.anchor === "end" ? 2 : -2)} y2={l.y} />}
                  {l.at && <circle cx={l.at[0]} cy={l.at[1]} r={1.6} />}
                  <text x={l.x} y={l.y} textAnchor={l.anchor} dominantBaseline="central">
                    {short}
                    {n > 0 && <tspan className="map-count">{` ${n}`}</tspan>}
                  </text>
                </g>
              );
            })}
          </svg>
          {/* Always laid out (hidden until counts arrive) so the answer
              moves nothing on the page: CLS stays at 0. */}
          <div className="scale" aria-hidden="true" style={{ visibility: max > 0 ? "visible" : "hidden" }}>
            0 {COLORS.map((c) => <i key={c} style={{ background: c }} />)} {max}
          </div>
          <p className="muted small-text">{t("map_data_note")}</p>
        </div>
        <div aria-live="polite">
          {selected ? (
            <>
              <h2>{t("region_remixes", { region: name(selected) })}</h2>
              {items === null ? <p className="muted">{t("loading")}</p> : <NodeList items={items.map((node) => ({ node }))} empty={t("no_results")} />}
            </>
          ) : (
            counts === null ? null : [...counts.values()].every((n) => !n) ? (
              <p className="muted empty-state">{t("map_empty")}</p>
            ) : (
            <table>
              <caption className="visually-hidden">{t("map_title")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("region")}</th>
                  <th scope="col">{t("remixes_col")}</th>
                </tr>
              </thead>
              <tbody>
                {KOREA_SIDO.features
                  .filter((f) => (counts.get(f.properties.code) ?? 0) > 0)
                  .sort((a, b) => (counts.get(b.properties.code) ?? 0) - (counts.get(a.properties.code) ?? 0))
                  .map((f) => (
                  <tr key={f.properties.code}>
                    <td>
                      <button type="button" className="btn ghost small" onClick={() => void pick(f.properties.code)}>
                        {name(f.properties.code)}
                      </button>
                    </td>
                    <td>{counts.get(f.properties.code) ?? 0}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            )
          )}
        </div>
      </div>
    </section>
  );
}
