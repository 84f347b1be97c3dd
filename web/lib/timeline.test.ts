import { describe, expect, it } from "vitest";
import {
  activeIndex,
  barBeat,
  clampView,
  fitView,
  follow,
  formatBarBeat,
  formatTime,
  panBy,
  tickStep,
  ticks,
  timeToX,
  visibleMarks,
  xToTime,
  zoomAt,
} from "./timeline";

const B = { duration: 30, width: 600 };

describe("time ↔ pixel", () => {
  it("round-trips", () => {
    const v = { start: 2.5, pxPerSec: 40 };
    for (const t of [2.5, 3, 10.25, 17]) expect(xToTime(timeToX(t, v), v)).toBeCloseTo(t, 9);
    expect(timeToX(3.5, v)).toBe(40);
  });
  it("fits the whole media", () => {
    expect(fitView(B)).toEqual({ start: 0, pxPerSec: 20 });
    expect(fitView({ duration: 0, width: 100 }).pxPerSec).toBe(100);
  });
});

describe("zoomAt", () => {
  it("keeps the time under the anchor fixed", () => {
    const v = { start: 0, pxPerSec: 20 };
    const anchor = 300;
    const t = xToTime(anchor, v);
    const z = zoomAt(v, 4, anchor, B);
    expect(z.pxPerSec).toBe(80);
    expect(xToTime(anchor, z)).toBeCloseTo(t, 9);
  });
  it("cannot zoom out past the whole media or in past the maximum", () => {
    expect(zoomAt({ start: 0, pxPerSec: 20 }, 0.1, 0, B)).toEqual({ start: 0, pxPerSec: 20 });
    expect(zoomAt({ start: 0, pxPerSec: 20 }, 1e6, 0, { ...B, maxPxPerSec: 500 }).pxPerSec).toBe(500);
  });
  it("clamps the window inside the media when zooming at the right edge", () => {
    const z = zoomAt({ start: 0, pxPerSec: 20 }, 2, 600, B);
    expect(z.start + 600 / z.pxPerSec).toBeCloseTo(30, 9);
  });
});

describe("panBy and clampView", () => {
  it.each([
    [{ start: 0, pxPerSec: 100 }, 200, 2],
    [{ start: 0, pxPerSec: 100 }, -200, 0],
    [{ start: 20, pxPerSec: 100 }, 10000, 24],
  ])("%o by %d → start %d", (v, dx, want) => expect(panBy(v, dx, B).start).toBeCloseTo(want, 9));
  it("a media shorter than the window starts at 0", () => {
    expect(clampView({ start: 5, pxPerSec: 20 }, { duration: 10, width: 600 }).start).toBe(0);
  });
});

describe("follow", () => {
  const v = { start: 0, pxPerSec: 100 }; // shows 0..6 s
  it.each([
    ["visible, left of margin: unchanged", 1, 0],
    ["at the right margin: unchanged", 5.4, 0],
    ["past the right margin: pages", 5.5, 5.5 - 0.6],
    ["behind the window (seek back): pages", 0, 0],
    ["far ahead: clamped to the end", 29.9, 24],
  ])("%s", (_, t, start) => {
    expect(follow(v, t, B).start).toBeCloseTo(start, 9);
  });
  it("seeking back before the window moves the window back", () => {
    expect(follow({ start: 10, pxPerSec: 100 }, 4, B).start).toBeCloseTo(3.4, 9);
  });
});

describe("visibleMarks", () => {
  it("returns only marks in the window with pixels and indices", () => {
    const beats = [0, 0.5, 1, 1.5, 2, 2.5, 3];
    const m = visibleMarks(beats, { start: 1, pxPerSec: 100 }, 150);
    expect(m.map((x) => x.i)).toEqual([2, 3, 4, 5]);
    expect(m.map((x) => x.x)).toEqual([0, 50, 100, 150]);
  });
});

describe("barBeat", () => {
  const beats = [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5];
  const downbeats = [1, 3, 5];
  it.each([
    [0.2, null],
    [0.5, "0.4"], // pickup before the first downbeat
    [1, "1.1"],
    [1.2, "1.1"],
    [2.75, "1.4"],
    [3, "2.1"],
    [2.95, "2.1"], // 50 ms early still counts as the downbeat
    [5.2, "3.1"],
  ])("t=%d → %s", (t, want) => {
    const b = barBeat(t, beats, downbeats, 4);
    expect(b ? formatBarBeat(b) : null).toBe(want);
  });
  it("counts bars by meter without downbeats", () => {
    expect(formatBarBeat(barBeat(2.6, beats, [], 3))).toBe("2.2");
    expect(formatBarBeat(barBeat(0.1, beats, [], 3))).toBe("–");
  });
});

describe("formatting and ticks", () => {
  it.each([
    [0, 1, "0:00.0"],
    [5.25, 1, "0:05.3"],
    [65, 0, "1:05"],
    [59.96, 1, "1:00.0"],
    [-3, 1, "0:00.0"],
  ])("formatTime(%d,%d) = %s", (s, p, want) => expect(formatTime(s, p)).toBe(want));
  it("picks nice steps", () => {
    expect(tickStep(20)).toBe(5);
    expect(tickStep(600)).toBe(0.1);
    expect(tickStep(0.01)).toBe(300);
  });
  it("lists ticks in the window", () => {
    expect(ticks({ start: 0, pxPerSec: 20 }, 600, 30)).toEqual([0, 5, 10, 15, 20, 25, 30]);
    expect(ticks({ start: 1.2, pxPerSec: 60 }, 180, 30)).toEqual([2, 3, 4]);
  });
});

describe("activeIndex", () => {
  const spans = [
    { start: 0, end: 1 },
    { start: 1, end: 2.5 },
    { start: 2.5, end: 4 },
  ];
  it.each([
    [0, 0],
    [1, 1],
    [2.49, 1],
    [3.99, 2],
    [4, -1],
    [-1, -1],
  ])("%d → %d", (t, i) => expect(activeIndex(spans, t)).toBe(i));
});
