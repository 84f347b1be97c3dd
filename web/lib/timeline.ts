// Timeline maths: the strip under the video maps time to pixels, zooms around
// the pointer, follows playback page by page, and labels beats as bar.beat.
// Pure functions, so they are unit-tested without a browser.

/** View is the visible window of the strip: the time at its left edge and its scale. */
export interface View {
  /** Seconds at x = 0. */
  start: number;
  /** Pixels per second. */
  pxPerSec: number;
}

/** Bounds limit a view to the media and a sane zoom range. */
export interface Bounds {
  duration: number;
  width: number;
  minPxPerSec?: number;
  maxPxPerSec?: number;
}

/** timeToX places a time on the strip. */
export function timeToX(t: number, v: View): number {
  return (t - v.start) * v.pxPerSec;
}

/** xToTime reads the time under a pixel. */
export function xToTime(x: number, v: View): number {
  return v.start + x / v.pxPerSec;
}

/** fitView shows the whole media in the width. */
export function fitView(b: Bounds): View {
  const d = b.duration > 0 ? b.duration : 1;
  return { start: 0, pxPerSec: Math.max(b.width, 1) / d };
}

/** minZoom is the scale at which the whole media fills the width. */
export function minZoom(b: Bounds): number {
  return b.minPxPerSec ?? Math.max(b.width, 1) / (b.duration > 0 ? b.duration : 1);
}

/** clampView keeps the scale in range and the window inside [0, duration]. */
export function clampView(v: View, b: Bounds): View {
  const lo = minZoom(b);
  const hi = b.maxPxPerSec ?? 2000;
  const pxPerSec = Math.min(Math.max(v.pxPerSec, lo), Math.max(hi, lo));
  const visible = b.width / pxPerSec;
  const maxStart = Math.max(0, b.duration - visible);
  const start = Math.min(Math.max(v.start, 0), maxStart);
  return { start, pxPerSec };
}

/** zoomAt multiplies the scale by factor keeping the time under anchorX where it is. */
export function zoomAt(v: View, factor: number, anchorX: number, b: Bounds): View {
  const t = xToTime(anchorX, v);
  const pxPerSec = v.pxPerSec * factor;
  return clampView({ start: t - anchorX / pxPerSec, pxPerSec }, b);
}

/** panBy moves the window by dx pixels (positive moves later in time). */
export function panBy(v: View, dx: number, b: Bounds): View {
  return clampView({ start: v.start + dx / v.pxPerSec, pxPerSec: v.pxPerSec }, b);
}

/**
 * follow keeps the playhead visible: when it leaves the window, or passes
 * the right margin, the window pages so the playhead sits at the left margin.
 * A playhead already comfortably visible leaves the view unchanged, so the
 * strip does not jitter while the user reads it.
 */
export function follow(v: View, t: number, b: Bounds, margin = 0.1): View {
  const x = timeToX(t, v);
  const left = b.width * margin;
  const right = b.width * (1 - margin);
  if (x >= 0 && x <= right) return v;
  return clampView({ start: t - left / v.pxPerSec, pxPerSec: v.pxPerSec }, b);
}

/** Mark is something drawn on the strip at a pixel. */
export interface Mark {
  t: number;
  x: number;
  i: number;
}

/** visibleMarks returns the times inside the window (plus a pixel of slack), with their pixels. */
export function visibleMarks(times: readonly number[], v: View, width: number): Mark[] {
  const out: Mark[] = [];
  const t0 = xToTime(-1, v);
  const t1 = xToTime(width + 1, v);
  let lo = lowerBound(times, t0);
  for (; lo < times.length && times[lo] <= t1; lo++) {
    out.push({ t: times[lo], x: timeToX(times[lo], v), i: lo });
  }
  return out;
}

/** lowerBound is the first index whose value is >= t in a sorted array. */
export function lowerBound(a: readonly number[], t: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** BarBeat is a position in the music: 1-based bar and beat. */
export interface BarBeat {
  bar: number;
  beat: number;
}

/**
 * barBeat finds the bar.beat of time t. Bars start at downbeats; beats before
 * the first downbeat are a pickup, bar 0. Without downbeats, bars are counted
 * every `meter` beats from the first beat. Before the first beat it is null.
 * A time a little before a beat (within tolerance seconds) counts as that beat,
 * so a cut 20 ms early is still labelled on the beat it aims at.
 */
export function barBeat(
  t: number,
  beats: readonly number[],
  downbeats: readonly number[],
  meter = 4,
  tolerance = 0.07,
): BarBeat | null {
  const bi = lowerBound(beats, t + tolerance + 1e-9) - 1;
  if (bi < 0) return null;
  const bt = beats[bi];
  if (downbeats.length === 0) {
    const m = meter > 0 ? meter : 4;
    return { bar: Math.floor(bi / m) + 1, beat: (bi % m) + 1 };
  }
  const di = lowerBound(downbeats, bt + 1e-6) - 1;
  if (di < 0) {
    // Pickup: count back from the first downbeat.
    const first = lowerBound(beats, downbeats[0] - 1e-6);
    const m = meter > 0 ? meter : 4;
    return { bar: 0, beat: m - (first - bi) + 1 };
  }
  const start = lowerBound(beats, downbeats[di] - 1e-6);
  return { bar: di + 1, beat: bi - start + 1 };
}

/** formatBarBeat prints "3.2", or "–" when there is no beat. */
export function formatBarBeat(b: BarBeat | null): string {
  return b ? `${b.bar}.${b.beat}` : "–";
}

/** formatTime prints seconds as m:ss.s (or m:ss when precision is 0). */
export function formatTime(s: number, precision = 1): string {
  if (!Number.isFinite(s) || s < 0) s = 0;
  const m = Math.floor(s / 60);
  const rest = s - m * 60;
  const p = Math.max(0, precision);
  let sec = rest.toFixed(p);
  if (Number(sec) >= 60) return formatTime((m + 1) * 60, precision);
  if (Number(sec) < 10) sec = `0${sec}`;
  return `${m}:${sec}`;
}

/** tickStep picks a "nice" ruler step in seconds so ticks are at least minPx apart. */
export function tickStep(pxPerSec: number, minPx = 60): number {
  const steps = [0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300];
  for (const s of steps) if (s * pxPerSec >= minPx) return s;
  return steps[steps.length - 1];
}

/** ticks lists ruler times in the window. */
export function ticks(v: View, width: number, duration: number, minPx = 60): number[] {
  const step = tickStep(v.pxPerSec, minPx);
  const t1 = Math.min(duration, xToTime(width, v));
  const out: number[] = [];
  for (let t = Math.ceil(v.start / step - 1e-9) * step; t <= t1 + 1e-9; t += step) {
    out.push(Math.round(t * 1000) / 1000 + 0);
  }
  return out;
}

/** activeIndex finds the span [start,end) holding t, or -1. Spans must be sorted by start. */
export function activeIndex(spans: readonly { start: number; end: number }[], t: number): number {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (t < spans[mid].start) hi = mid - 1;
    else if (t >= spans[mid].end) lo = mid + 1;
    else return mid;
  }
  return -1;
}
