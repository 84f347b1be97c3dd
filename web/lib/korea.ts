// Korea's 17 first-level divisions (시/도) as a GeoJSON FeatureCollection.
//
// AUTHORED BY HAND for this app, not taken from any dataset: nothing can be
// downloaded here, so these are deliberately COARSE polygons (a dozen
// vertices each, accuracy of roughly 10–20 km) that are good enough to colour
// a choropleth and to assign a remix's coordinates to a 시/도. The special and
// metropolitan cities are drawn over the provinces around them; regionAt
// checks them first, so the overlap is intended.
import type { GeoCell } from "./types";

/** Region is one 시/도 feature. */
export interface RegionFeature {
  type: "Feature";
  properties: { code: string; name_ko: string; name_en: string; city: boolean };
  geometry: { type: "Polygon"; coordinates: [number, number][][] };
}

/** RegionCollection is the GeoJSON document. */
export interface RegionCollection {
  type: "FeatureCollection";
  features: RegionFeature[];
}

type Ring = [number, number][];
const f = (code: string, ko: string, en: string, city: boolean, ring: Ring): RegionFeature => ({
  type: "Feature",
  properties: { code, name_ko: ko, name_en: en, city },
  geometry: { type: "Polygon", coordinates: [[...ring, ring[0]]] },
});

// Shared border vertices ([lon, lat]) so neighbouring provinces meet.
const A: [number, number] = [126.65, 37.78];
const B: [number, number] = [127.1, 38.3];
const C: [number, number] = [127.65, 38.15];
const D: [number, number] = [127.8, 37.85];
const E: [number, number] = [127.75, 37.5];
const F: [number, number] = [127.85, 37.2];
const G: [number, number] = [127.55, 36.95];
const H: [number, number] = [127.2, 36.9];
const I: [number, number] = [126.8, 36.95];
const J: [number, number] = [126.7, 37.2];
const K: [number, number] = [126.6, 37.45];
const M: [number, number] = [128.45, 37.02];
const N4: [number, number] = [129.35, 37.08];
const O: [number, number] = [128.2, 36.85];
const P: [number, number] = [128.0, 36.4];
const Q: [number, number] = [127.95, 36.05];
const R: [number, number] = [127.55, 36.15];
const S: [number, number] = [127.35, 36.45];
const T: [number, number] = [127.35, 36.7];
const U: [number, number] = [127.0, 36.0];
const V: [number, number] = [126.7, 36.0];
const Z1: [number, number] = [127.9, 35.75];
const Z2: [number, number] = [127.65, 35.38];
const Z3: [number, number] = [127.1, 35.3];
const Z4: [number, number] = [126.45, 35.45];
const Z5: [number, number] = [127.75, 35.0];
const Y1: [number, number] = [128.25, 35.65];
const Y2: [number, number] = [128.6, 35.6];
const Y3: [number, number] = [129.05, 35.65];

/** KOREA_SIDO is the shipped GeoJSON. Provinces first, cities after (drawn on top). */
export const KOREA_SIDO: RegionCollection = {
  type: "FeatureCollection",
  features: [
    f("41", "경기도", "Gyeonggi", false, [A, B, C, D, E, F, G, H, I, J, K]),
    f("51", "강원특별자치도", "Gangwon", false, [B, [128.35, 38.62], [128.6, 38.2], [129.05, 37.65], N4, M, F, E, D, C]),
    f("43", "충청북도", "North Chungcheong", false, [F, M, O, P, Q, R, S, T, G]),
    f("44", "충청남도", "South Chungcheong", false, [I, H, G, T, S, R, U, V, [126.5, 36.3], [126.15, 36.7], [126.4, 36.95]]),
    f("52", "전북특별자치도", "Jeonbuk", false, [U, R, Q, Z1, Z2, Z3, Z4, [126.55, 35.8], V]),
    f("46", "전라남도", "South Jeolla", false, [Z4, Z3, Z2, [127.7, 35.2], Z5, [127.7, 34.75], [127.3, 34.55], [126.9, 34.4], [126.45, 34.3], [126.1, 34.55], [126.25, 35.0], [126.35, 35.2]]),
    f("47", "경상북도", "North Gyeongsang", false, [M, N4, [129.45, 36.45], [129.57, 36.05], [129.45, 35.72], Y3, Y2, Y1, Z1, Q, P, O]),
    f("48", "경상남도", "South Gyeongsang", false, [Z1, Y1, Y2, Y3, [129.2, 35.35], [129.05, 35.1], [128.6, 34.85], [128.3, 34.8], [127.95, 34.85], Z5, [127.7, 35.2], Z2]),
    f("50", "제주특별자치도", "Jeju", false, [[126.15, 33.3], [126.3, 33.45], [126.6, 33.55], [126.95, 33.52], [126.95, 33.35], [126.6, 33.22], [126.3, 33.2]]),
    f("11", "서울특별시", "Seoul", true, [[126.8, 37.55], [126.85, 37.67], [127.0, 37.7], [127.12, 37.68], [127.18, 37.55], [127.1, 37.46], [126.95, 37.43], [126.82, 37.48]]),
    f("28", "인천광역시", "Incheon", true, [[126.4, 37.4], [126.45, 37.6], [126.65, 37.62], [126.78, 37.55], [126.75, 37.4], [126.6, 37.35]]),
    f("36", "세종특별자치시", "Sejong", true, [[127.15, 36.45], [127.2, 36.72], [127.35, 36.7], [127.35, 36.47], [127.25, 36.42]]),
    f("30", "대전광역시", "Daejeon", true, [[127.25, 36.2], [127.3, 36.5], [127.5, 36.45], [127.55, 36.25], [127.4, 36.18]]),
    f("27", "대구광역시", "Daegu", true, [[128.35, 35.75], [128.4, 36.0], [128.6, 36.05], [128.8, 35.95], [128.75, 35.75], [128.55, 35.68]]),
    f("29", "광주광역시", "Gwangju", true, [[126.68, 35.1], [126.72, 35.25], [126.95, 35.25], [127.0, 35.1], [126.85, 35.05]]),
    f("31", "울산광역시", "Ulsan", true, [[128.95, 35.72], [129.45, 35.72], [129.45, 35.45], [129.25, 35.35], [129.0, 35.45]]),
    f("26", "부산광역시", "Busan", true, [[128.85, 35.3], [129.15, 35.4], [129.3, 35.3], [129.2, 35.05], [128.95, 35.0], [128.8, 35.1]]),
  ],
};

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

/** regionAt returns the code of the 시/도 holding the point (cities first), or null. */
export function regionAt(lon: number, lat: number, geo: RegionCollection = KOREA_SIDO): string | null {
  const ordered = [...geo.features.filter((x) => x.properties.city), ...geo.features.filter((x) => !x.properties.city)];
  for (const feat of ordered) if (pointInRing(lon, lat, feat.geometry.coordinates[0])) return feat.properties.code;
  return null;
}

/**
 * nearestRegion is the region whose outline has a vertex closest to the
 * point, when that is within maxKm; it catches grid-cell centres and coastal
 * points that fall just outside the coarse outlines (at sea).
 */
export function nearestRegion(lon: number, lat: number, maxKm = 40, geo: RegionCollection = KOREA_SIDO): string | null {
  let best: string | null = null;
  let bestKm = maxKm;
  for (const f of geo.features) {
    for (const [vlon, vlat] of f.geometry.coordinates[0]) {
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

/** centroid is the vertex mean of a ring (enough for a label or a nearby query). */
export function centroid(ring: readonly [number, number][]): [number, number] {
  const pts = ring.length > 1 && ring[0][0] === ring[ring.length - 1][0] && ring[0][1] === ring[ring.length - 1][1] ? ring.slice(1) : ring;
  const s = pts.reduce((a, p) => [a[0] + p[0], a[1] + p[1]], [0, 0]);
  return [s[0] / pts.length, s[1] / pts.length];
}

/** radiusKm is the distance from the centroid to the farthest vertex, in km. */
export function radiusKm(ring: readonly [number, number][]): number {
  const [clon, clat] = centroid(ring);
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

/** project maps [lon, lat] to SVG pixels: equirectangular scaled by cos(36°), north up. */
export function project(lon: number, lat: number, scale = 100): [number, number] {
  const k = Math.cos((36 * Math.PI) / 180);
  return [(lon - 125.8) * k * scale, (38.8 - lat) * scale];
}

/** ringPath turns a ring into an SVG path "M…L…Z". */
export function ringPath(ring: readonly [number, number][], scale = 100): string {
  return (
    ring
      .map(([lon, lat], i) => {
        const [x, y] = project(lon, lat, scale);
        return `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`;
      })
      .join("") + "Z"
  );
}
