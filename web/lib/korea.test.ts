import { geoArea } from "d3-geo";
import { describe, expect, it } from "vitest";
import { KOREA_SIDO, MAP_WIDTH, centroid, insidePoint, countByRegion, haversineKm, koreaProjection, labelPoint, mainRing, mapHeight, pointInRing, regionAt, regionPath, tiles } from "./korea";

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
  it("carries today's names, not Natural Earth's pre-2023 ones", () => {
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
    // Natural Earth 10m draws 광주 with 11 vertices over its north-east half
    // only (its city hall, 126.852 35.160, falls in 전남 there): this point is
    // in Buk-gu, inside both the real and Natural Earth's border.
    ["Gwangju", 126.92, 35.2, "29"],
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
});
