// Korea's 17 first-level divisions (시·도) as a GeoJSON FeatureCollection.
//
// The borders are the MapSVG map of South Korea (CC BY 4.0, via the npm
// package @svg-maps/south-korea), georeferenced and simplified to ~3,900
// points (~67 kB) by scripts/gen-korea.mjs, which names its source and how to
// regenerate lib/korea-sido.json. Names are the current ones (강원특별자치도,
// 전북특별자치도).
import { geoConicConformal, geoPath, type GeoPermissibleObjects, type GeoProjection } from "d3-geo";
import type { GeoCell } from "./types";
import sido from "./korea-sido.json";

type Ring = [number, number][];

/** Region is one 시/도 feature: its outline is one or more polygons
 * (islands), each an exterior ring followed by its holes; largest first. */
export interface RegionFeature {
  type: "Feature";
  properties: { code: string; name_ko: string; name_en: string; city: boolean };
  geometry: { type: "MultiPolygon"; coordinates: Ring[][] };
}

/** RegionCollection is the GeoJSON document. */
export interface RegionCollection {
  type: "FeatureCollection";
  features: RegionFeature[];
}

/** KOREA_SIDO is the shipped GeoJSON. Provinces first, cities after (drawn on top). */
export const KOREA_SIDO: RegionCollection = { type: "FeatureCollection", features: sido.features as RegionFeature[] };

/** mainRing is the exterior ring of a region's largest polygon (the mainland
 * part, not an island): what a label or a "near this region" query uses. */
export function mainRing(f: RegionFeature): Ring {
  return f.geometry.coordinates[0][0];
}

/** KOREA_BBOX is [minLon, minLat, maxLon, maxLat] of the mainland and Jeju. */
export const KOREA_BBOX: [number, number, number, number] = [124.5, 33.0, 132.0, 38.7];

/** pointInRing is the even-odd test for a [lon, lat] point. */
export function pointInRing(lon: number, lat: number, ring: readonly [number, number][]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** inRegion reports whether the point lies in one of the feature's polygons (holes excluded). */
export function inRegion(lon: number, lat: number, f: RegionFeature): boolean {
  return f.geometry.coordinates.some(([outer, ...holes]) => pointInRing(lon, lat, outer) && !holes.some((h) => pointInRing(lon, lat, h)));
}

/** regionAt returns the code of the 시/도 holding the point (cities first), or null. */
export function regionAt(lon: number, lat: number, geo: RegionCollection = KOREA_SIDO): string | null {
  const ordered = [...geo.features.filter((x) => x.properties.city), ...geo.features.filter((x) => !x.properties.city)];
  for (const feat of ordered) if (inRegion(lon, lat, feat)) return feat.properties.code;
  return null;
}

/**
 * nearestRegion is the region whose outline has a vertex closest to the
 * point, when that is within maxKm; it catches grid-cell centres and coastal
 * points that fall just outside the outlines (at sea, or on a left-out islet).
 */
export function nearestRegion(lon: number, lat: number, maxKm = 40, geo: RegionCollection = KOREA_SIDO): string | null {
  let best: string | null = null;
  let bestKm = maxKm;
  for (const f of geo.features) {
    for (const [vlon, vlat] of f.geometry.coordinates.flat(2)) {
      const d = haversineKm(lat, lon, vlat, vlon);
      if (d <= bestKm) {
        bestKm = d;
        best = f.properties.code;
      }
    }
  }
  return best;
}

/**
 * countByRegion sums geo-trend cells per 시/도 code. A cell centre outside
 * every outline goes to the nearest region within 40 km; farther ones are dropped.
 */
export function countByRegion(cells: readonly GeoCell[], geo: RegionCollection = KOREA_SIDO): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of cells) {
    const code = regionAt(c.lon, c.lat, geo) ?? nearestRegion(c.lon, c.lat, 40, geo);
    if (code) out.set(code, (out.get(code) ?? 0) + c.count);
  }
  return out;
}

/** tiles splits a box into n×n boxes, so grid cells from the API come out finer. */
export function tiles(b: [number, number, number, number], n: number): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  const w = (b[2] - b[0]) / n;
  const h = (b[3] - b[1]) / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out.push([b[0] + i * w, b[1] + j * h, b[0] + (i + 1) * w, b[1] + (j + 1) * h]);
  return out;
}

/**
 * insidePoint is a [lon, lat] inside the region (so regionAt gives it back):
 * the area centroid of its largest polygon or, where that falls outside (the
 * ring-shaped 경기도 around 서울), the point on a 0.05° grid inside the region
 * farthest from its outline, so a label there sits clear of its neighbours.
 * A remix placed "in" a region gets this location.
 */
export function insidePoint(f: RegionFeature, geo: RegionCollection = KOREA_SIDO): [number, number] {
  const ring = mainRing(f);
  const c = areaCentroid(ring);
  if (regionAt(c[0], c[1], geo) === f.properties.code) return c;
  const edge = f.geometry.coordinates[0].flat();
  let best: [number, number] = c;
  let bestD = -1;
  const xs = ring.map((p) => p[0]);
  const ys = ring.map((p) => p[1]);
  for (let x = Math.min(...xs); x <= Math.max(...xs); x += 0.05)
    for (let y = Math.min(...ys); y <= Math.max(...ys); y += 0.05) {
      if (regionAt(x, y, geo) !== f.properties.code) continue;
      let d = Infinity;
      for (const [ex, ey] of edge) d = Math.min(d, (ex - x) ** 2 + (ey - y) ** 2);
      if (d > bestD) {
        bestD = d;
        best = [Math.round(x * 1e4) / 1e4, Math.round(y * 1e4) / 1e4];
      }
    }
  return best;
}

/** areaCentroid is the planar area centroid of a closed ring. */
function areaCentroid(ring: readonly [number, number][]): [number, number] {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const k = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
    a += k;
    cx += (ring[j][0] + ring[i][0]) * k;
    cy += (ring[j][1] + ring[i][1]) * k;
  }
  return a === 0 ? centroid(ring) : [cx / (3 * a), cy / (3 * a)];
}

/** centroid is the vertex mean of a ring (enough for a label or a nearby query). */
export function centroid(ring: readonly [number, number][]): [number, number] {
  const pts = ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1] ? ring.slice(1) : ring;
  const s = pts.reduce((a, p) => [a[0] + p[0], a[1] + p[1]], [0, 0]);
  return [s[0] / pts.length, s[1] / pts.length];
}

/** radiusKm is the distance from center (the ring's centroid by default) to the farthest vertex, in km. */
export function radiusKm(ring: readonly [number, number][], center: [number, number] = centroid(ring)): number {
  const [clon, clat] = center;
  let r = 0;
  for (const [lon, lat] of ring) r = Math.max(r, haversineKm(clat, clon, lat, lon));
  return r;
}

/** haversineKm is the great-circle distance. */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(a));
}

/** MAP_WIDTH is the width of the map's SVG user space; its height follows the shape. */
export const MAP_WIDTH = 320;

/**
 * koreaProjection is the map's projection (d3-geo's conformal conic with
 * standard parallels 33° and 38°, what Korean maps use), fitted to the
 * mainland and Jeju at MAP_WIDTH; Ulleungdo and Dokdo fall inside the frame.
 */
export function koreaProjection(width = MAP_WIDTH): GeoProjection {
  return geoConicConformal()
    .parallels([33, 38])
    .rotate([-127.5, 0])
    .fitWidth(width, { type: "MultiPoint", coordinates: [[124.6, 33.1], [131.9, 38.65]] });
}

/** mapHeight is the SVG height that holds every region under the projection. */
export function mapHeight(p: GeoProjection, geo: RegionCollection = KOREA_SIDO): number {
  const [[, y0], [, y1]] = geoPath(p).bounds(geo as unknown as GeoPermissibleObjects);
  return Math.ceil(y1 - Math.min(0, y0));
}

/** regionPath is the SVG path of a region under the projection. */
export function regionPath(f: RegionFeature, p: GeoProjection): string {
  return geoPath(p)(f as unknown as GeoPermissibleObjects) ?? "";
}

/** labelPoint is where a region's label goes: its insidePoint, projected. */
export function labelPoint(f: RegionFeature, p: GeoProjection): [number, number] {
  return p(insidePoint(f)) ?? [0, 0];
}

/** SHORT_NAMES are the names the map writes on a region (서울, 경기 …), the way
 * Korean maps and news graphics shorten them. */
export const SHORT_NAMES: Record<string, { ko: string; en: string }> = {
  "11": { ko: "서울", en: "Seoul" },
  "26": { ko: "부산", en: "Busan" },
  "27": { ko: "대구", en: "Daegu" },
  "28": { ko: "인천", en: "Incheon" },
  "29": { ko: "광주", en: "Gwangju" },
  "30": { ko: "대전", en: "Daejeon" },
  "31": { ko: "울산", en: "Ulsan" },
  "36": { ko: "세종", en: "Sejong" },
  "41": { ko: "경기", en: "Gyeonggi" },
  "43": { ko: "충북", en: "Chungbuk" },
  "44": { ko: "충남", en: "Chungnam" },
  "46": { ko: "전남", en: "Jeonnam" },
  "47": { ko: "경북", en: "Gyeongbuk" },
  "48": { ko: "경남", en: "Gyeongnam" },
  "50": { ko: "제주", en: "Jeju" },
  "51": { ko: "강원", en: "Gangwon" },
  "52": { ko: "전북", en: "Jeonbuk" },
};

/**
 * CALLOUTS move a city's label off the city, by [dx, dy] in map units, with a
 * leader line back to it: the cities are a few map units wide and sit beside
 * a province's label (서울 was 17 units from 경기's). West-coast cities go out
 * over the Yellow Sea, the south-east ones over the East Sea; 대전 and 세종
 * are pulled apart to either side.
 */
const CALLOUTS: Record<string, { dx: number; dy: number; anchor: "start" | "end" }> = {
  "11": { dx: -44, dy: -22, anchor: "end" },
  "28": { dx: -34, dy: 8, anchor: "end" },
  "36": { dx: -40, dy: -14, anchor: "end" },
  "30": { dx: 24, dy: 17, anchor: "start" },
  "29": { dx: -40, dy: 2, anchor: "end" },
  "27": { dx: 40, dy: -6, anchor: "start" },
  "31": { dx: 26, dy: -6, anchor: "start" },
  "26": { dx: 22, dy: 14, anchor: "start" },
};

/** PROVINCE_LABEL_AT overrides where a province's name goes, as [lon, lat]:
 * 경기도 wraps around 서울, so the point farthest from its outline lies just
 * east of 서울; its name goes to the south of the province (용인·이천) instead. */
const PROVINCE_LABEL_AT: Record<string, [number, number]> = { "41": [127.35, 37.2] };

/** MapLabel is where a region's name goes: at (x, y) with that text anchor,
 * and for a city, from (at) where the leader line starts. */
export interface MapLabel {
  code: string;
  x: number;
  y: number;
  anchor: "start" | "middle" | "end";
  at?: [number, number];
}

/** mapLabels places every region's label under the projection. */
export function mapLabels(p: GeoProjection, geo: RegionCollection = KOREA_SIDO): MapLabel[] {
  return geo.features.map((f) => {
    const at = PROVINCE_LABEL_AT[f.properties.code];
    const [x, y] = at ? (p(at) ?? [0, 0]) : labelPoint(f, p);
    const c = CALLOUTS[f.properties.code];
    if (!c) return { code: f.properties.code, x, y, anchor: "middle" };
    return { code: f.properties.code, x: x + c.dx, y: y + c.dy, anchor: c.anchor, at: [x, y] };
  });
}

/** labelBox is the box a label's text covers (y is the text's middle), for
 * a font size in map units: Hangul is about 1 em wide, digits and Latin 0.6. */
export function labelBox(l: MapLabel, text: string, size: number): [number, number, number, number] {
  let w = 0;
  for (const ch of text) w += /[\u3131-\uD7A3]/.test(ch) ? size : ch === " " ? size * 0.3 : size * 0.6;
  const x0 = l.anchor === "start" ? l.x : l.anchor === "end" ? l.x - w : l.x - w / 2;
  return [x0, l.y - size / 2, x0 + w, l.y + size / 2];
}
