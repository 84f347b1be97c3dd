import { describe, expect, it } from "vitest";
import { KOREA_SIDO, centroid, countByRegion, haversineKm, pointInRing, regionAt, ringPath, tiles } from "./korea";

describe("KOREA_SIDO", () => {
  it("has the 17 시/도 with unique codes and closed rings", () => {
    expect(KOREA_SIDO.features).toHaveLength(17);
    expect(new Set(KOREA_SIDO.features.map((f) => f.properties.code)).size).toBe(17);
    for (const f of KOREA_SIDO.features) {
      const r = f.geometry.coordinates[0];
      expect(r[0]).toEqual(r[r.length - 1]);
      expect(r.length).toBeGreaterThanOrEqual(5);
    }
  });
  it.each([
    ["Seoul City Hall", 126.978, 37.566, "11"],
    ["Busan station", 129.04, 35.115, "26"],
    ["Daegu", 128.6, 35.87, "27"],
    ["Incheon", 126.7, 37.45, "28"],
    ["Gwangju", 126.85, 35.16, "29"],
    ["Daejeon", 127.38, 36.35, "30"],
    ["Ulsan", 129.31, 35.54, "31"],
    ["Sejong", 127.29, 36.55, "36"],
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
  it("draws an SVG path", () => {
    expect(ringPath(sq, 1)).toMatch(/^M[-\d.]+,[-\d.]+(L[-\d.]+,[-\d.]+){4}Z$/);
  });
});
