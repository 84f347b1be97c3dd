import { geoArea } from "d3-geo";
import { describe, expect, it } from "vitest";
import { KOREA_SIDO, MAP_WIDTH, SHORT_NAMES, centroid, labelBox, mapLabels, insidePoint, countByRegion, haversineKm, koreaProjection, labelPoint, mainRing, mapHeight, pointInRing, regionAt, regionPath, tiles } from "./korea";

import { SIDO_NAMES } from "./korea-names";

const byCode = (code: string) => KOREA_SIDO.features.find((f) => f.properties.code === code)!;

describe("KOREA_SIDO", () => {
  it("has the 17 시/도 with unique codes and closed rings", () => {
    expect(KOREA_SIDO.features).toHaveLength(17);
    expect(new Set(KOREA_SIDO.features.map((f) => f.properties.code)).size).toBe(17);
    for (const f of KOREA_SIDO.features) {
      for (const poly of f.geometry.coordinates)
        for (const r of poly) {
          expect(r[0]).toEqual(r[r.length - 1]);
          expect(r.length).toBeGreaterThanOrEqual(4);
        }
      // Real borders, not a dozen hand-placed vertices.
      expect(mainRing(f).length).toBeGreaterThan(f.properties.city ? 10 : 50);
    }
  });
  it("winds its rings the way d3-geo reads them (each region is small, not the rest of the globe)", () => {
    for (const f of KOREA_SIDO.features) {
      const sr = geoArea(f as never);
      expect(sr, f.properties.name_en).toBeGreaterThan(0);
      expect(sr, f.properties.name_en).toBeLessThan(0.001); // Gyeongbuk, the largest, is ~19,000 km² ≈ 0.0005 sr
    }
  });
  it("gives every region a point inside it (where a remix placed in the region goes)", () => {
    for (const f of KOREA_SIDO.features) {
      const [lon, lat] = insidePoint(f);
      expect(regionAt(lon, lat), f.properties.name_en).toBe(f.properties.code);
    }
  });
  it("lists the same codes and names as the form's SIDO_NAMES", () => {
    expect(KOREA_SIDO.features.map((f) => f.properties)).toEqual(SIDO_NAMES);
  });
  it("carries today's names (강원특별자치도 since 2023, 전북특별자치도 since 2024)", () => {
    expect(byCode("51").properties.name_ko).toBe("강원특별자치도");
    expect(byCode("52").properties.name_ko).toBe("전북특별자치도");
    expect(byCode("50").properties.name_ko).toBe("제주특별자치도");
    expect(byCode("36").properties.name_ko).toBe("세종특별자치시");
  });
  it.each([
    ["Seoul City Hall", 126.978, 37.566, "11"],
    ["Busan", 129.075, 35.18, "26"],
    ["Busan station", 129.04, 35.115, "26"],
    ["Daegu", 128.6, 35.87, "27"],
    ["Incheon", 126.705, 37.456, "28"],
    ["Gwangju Buk-gu", 126.92, 35.2, "29"],
    // Natural Earth's 광주 was its north-east half only: these were 전남 there.
    ["Gwangju Songjeong station", 126.793, 35.138, "29"],
    ["Gwangju Nam-gu office", 126.902, 35.133, "29"],
    ["Naju", 126.711, 35.016, "46"],
    ["Daejeon", 127.38, 36.35, "30"],
    ["Ulsan", 129.31, 35.54, "31"],
    ["Sejong", 127.289, 36.48, "36"],
    ["Suwon", 127.03, 37.26, "41"],
    ["Gangneung", 128.9, 37.75, "51"],
    ["Cheongju", 127.49, 36.64, "43"],
    ["Hongseong", 126.66, 36.6, "44"],
    ["Jeonju", 127.15, 35.82, "52"],
    ["Mokpo", 126.39, 34.81, "46"],
    ["Andong", 128.73, 36.57, "47"],
    ["Changwon", 128.68, 35.23, "48"],
    ["Jeju", 126.53, 33.5, "50"],
    ["Tokyo", 139.7, 35.7, null],
    ["the Yellow Sea", 125.5, 36.0, null],
    ["the Korea Strait", 128.8, 34.4, null],
    ["Pyongyang", 125.75, 39.03, null],
  ])("%s is in %s", (_, lon, lat, code) => expect(regionAt(lon, lat)).toBe(code));
  // The seat of every 시·도 (city hall or provincial office) lies in its own region.
  it.each([
    ["서울특별시청", 126.9780, 37.5665, "11"],
    ["부산광역시청", 129.0750, 35.1798, "26"],
    ["대구광역시청 (산격청사)", 128.6014, 35.8714, "27"],
    ["인천광역시청", 126.7052, 37.4563, "28"],
    ["광주광역시청", 126.8514, 35.1601, "29"],
    ["대전광역시청", 127.3845, 36.3504, "30"],
    ["울산광역시청", 129.3114, 35.5396, "31"],
    ["세종특별자치시청", 127.2890, 36.4801, "36"],
    ["경기도청", 127.0286, 37.2750, "41"],
    ["강원특별자치도청", 127.7298, 37.8853, "51"],
    ["충청북도청", 127.4914, 36.6357, "43"],
    ["충청남도청", 126.6728, 36.6588, "44"],
    ["전북특별자치도청", 127.1088, 35.8203, "52"],
    ["전라남도청", 126.4629, 34.8161, "46"],
    ["경상북도청", 128.5056, 36.5760, "47"],
    ["경상남도청", 128.6921, 35.2383, "48"],
    ["제주특별자치도청", 126.4983, 33.4890, "50"],
  ])("%s is in its own region (%s, %s)", (_, lon, lat, code) => expect(regionAt(lon as number, lat as number)).toBe(code));
});

describe("geometry", () => {
  const sq: [number, number][] = [
    [0, 0],
    [2, 0],
    [2, 2],
    [0, 2],
    [0, 0],
  ];
  it("point in ring", () => {
    expect(pointInRing(1, 1, sq)).toBe(true);
    expect(pointInRing(3, 1, sq)).toBe(false);
  });
  it("centroid ignores the closing vertex", () => expect(centroid(sq)).toEqual([1, 1]));
  it("haversine Seoul–Busan is about 325 km", () => {
    expect(haversineKm(37.566, 126.978, 35.18, 129.075)).toBeGreaterThan(310);
    expect(haversineKm(37.566, 126.978, 35.18, 129.075)).toBeLessThan(340);
  });
  it("counts cells by region and drops cells at sea", () => {
    const m = countByRegion([
      { lat: 37.56, lon: 126.97, count: 3 },
      { lat: 37.6, lon: 127.05, count: 2 },
      { lat: 33.5, lon: 126.5, count: 1 },
      { lat: 36, lon: 131.5, count: 9 },
      { lat: 35.0, lon: 129.12, count: 4 }, // just off Busan's coast
    ]);
    expect(Object.fromEntries(m)).toEqual({ "11": 5, "50": 1, "26": 4 });
  });
  it("splits a box into tiles that cover it", () => {
    const t = tiles([0, 0, 4, 2], 2);
    expect(t).toHaveLength(4);
    expect(t[0]).toEqual([0, 0, 2, 1]);
    expect(t[3]).toEqual([2, 1, 4, 2]);
  });
  it("projects every region into the map's box, labels inside their region", () => {
    const p = koreaProjection();
    const h = mapHeight(p);
    expect(h).toBeGreaterThan(MAP_WIDTH * 0.8);
    expect(h).toBeLessThan(MAP_WIDTH * 1.5);
    for (const f of KOREA_SIDO.features) {
      expect(regionPath(f, p)).toMatch(/^M[-\d.]+,[-\d.]+L/);
      const [x, y] = labelPoint(f, p);
      expect(x).toBeGreaterThan(0);
      expect(x).toBeLessThan(MAP_WIDTH);
      expect(y).toBeGreaterThan(0);
      expect(y).toBeLessThan(h);
      const [lon, lat] = p.invert!([x, y])!;
      expect(regionAt(lon, lat), f.properties.name_en).toBe(f.properties.code);
    }
  });
  it("names every region with labels that neither overlap nor leave the map", () => {
    const p = koreaProjection();
    const h = mapHeight(p);
    const size = 10; // .korea-map text, in map units
    for (const lang of ["ko", "en"] as const) {
      // Every city shown, each with a three-digit count: the most crowded case.
      const boxes = mapLabels(p).map((l) => ({ l, b: labelBox(l, `${SHORT_NAMES[l.code][lang]} 888`, size) }));
      expect(boxes).toHaveLength(17);
      for (const { l, b } of boxes) {
        expect(b[0], `${l.code} ${lang}`).toBeGreaterThanOrEqual(0);
        expect(b[2], `${l.code} ${lang}`).toBeLessThanOrEqual(MAP_WIDTH);
        expect(b[1]).toBeGreaterThanOrEqual(0);
        expect(b[3]).toBeLessThanOrEqual(h);
      }
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i].b, boxes[j].b];
          const overlap = a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
          expect(overlap, `${lang}: ${boxes[i].l.code} and ${boxes[j].l.code} overlap`).toBe(false);
        }
    }
  });
  it("writes each province's name inside the province", () => {
    const p = koreaProjection();
    for (const l of mapLabels(p).filter((l) => !l.at)) {
      const [lon, lat] = p.invert!([l.x, l.y])!;
      expect(regionAt(lon, lat), l.code).toBe(l.code);
    }
  });
  it("keeps 서울's label clear of 경기's and leads it back to 서울", () => {
    const p = koreaProjection();
    const ls = mapLabels(p);
    const seoul = ls.find((l) => l.code === "11")!;
    const gg = ls.find((l) => l.code === "41")!;
    expect(seoul.at).toBeDefined();
    const [lon, lat] = p.invert!(seoul.at!)!;
    expect(regionAt(lon, lat)).toBe("11");
    expect(Math.hypot(seoul.x - gg.x, seoul.y - gg.y)).toBeGreaterThan(30);
  });
});
