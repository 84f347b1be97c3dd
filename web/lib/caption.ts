// Caption layout for Korean short-form video (see shared korean-short-form.md):
// at most 16 width units a line and 2 lines, Hangul and other wide characters
// count 1, Latin letters, digits, spaces and punctuation count ½; a line
// breaks only between words (eojeol), and a lone syllable on a line of its
// own is a defect to avoid.

/** Rules of the layout. */
export interface CaptionRules {
  maxUnits: number;
  maxLines: number;
}

/** DEFAULT_RULES are the Netflix Korean timed-text limits. */
export const DEFAULT_RULES: CaptionRules = { maxUnits: 16, maxLines: 2 };

/** charUnits is the width of one character (code point) in units. */
export function charUnits(ch: string): number {
  const c = ch.codePointAt(0) ?? 0;
  if (c < 0x2e80) {
    // ASCII, Latin, Greek, Cyrillic, general punctuation, arrows, …
    // Hangul Jamo (U+1100–U+11FF) are wide.
    if (c >= 0x1100 && c <= 0x11ff) return 1;
    return 0.5;
  }
  if (c >= 0xff61 && c <= 0xffdc) return 0.5; // half-width forms
  return 1; // CJK, Hangul syllables and compatibility jamo, full-width, emoji
}

/** textUnits is the width of a string in units. */
export function textUnits(s: string): number {
  let w = 0;
  for (const ch of s) w += charUnits(ch);
  return w;
}

/** isLoneSyllable says whether a line is a single wide character (e.g. "요"). */
export function isLoneSyllable(line: string): boolean {
  const chars = [...line.trim()];
  return chars.length === 1 && charUnits(chars[0]) === 1;
}

/** Layout is the result of laying out one caption. */
export interface Layout {
  lines: string[];
  /** fits is false when the text cannot obey the rules; lines then hold the best effort. */
  fits: boolean;
  /** Width of each line in units. */
  widths: number[];
}

/** words splits on any whitespace (including existing line breaks). */
function words(text: string): string[] {
  return text.trim().split(/\s+/).filter(Boolean);
}

/**
 * layoutCaption lays out text in at most rules.maxLines lines, breaking only
 * between words. Among valid layouts it picks the fewest lines, then the most
 * even line widths (the widest line as narrow as possible), and never leaves
 * a lone syllable on a line when the text has more than one word.
 */
export function layoutCaption(text: string, rules: CaptionRules = DEFAULT_RULES): Layout {
  const ws = words(text);
  if (ws.length === 0) return { lines: [], fits: true, widths: [] };
  const widths = ws.map(textUnits);
  const space = 0.5;
  // join width of words i..j-1
  const span = (i: number, j: number) => {
    let w = 0;
    for (let k = i; k < j; k++) w += widths[k];
    return w + space * (j - i - 1);
  };
  const n = ws.length;
  type Cand = { breaks: number[]; worst: number; score: number };
  let best: Cand | null = null;
  const maxLines = Math.max(1, rules.maxLines);

  // Enumerate break positions for up to maxLines lines (n is small: a caption).
  const rec = (start: number, linesLeft: number, breaks: number[]) => {
    if (linesLeft === 1 || start === n) {
      if (start === n) return;
      const all = [...breaks, n];
      let prev = 0;
      let worst = 0;
      let sumSq = 0;
      let lone = false;
      for (const b of all) {
        const w = span(prev, b);
        if (w > rules.maxUnits) return;
        worst = Math.max(worst, w);
        sumSq += w * w;
        if (n > 1 && b - prev === 1 && isLoneSyllable(ws[prev])) lone = true;
        prev = b;
      }
      if (lone) return;
      // fewer lines first, then most even (smallest widest line), then
      // prefer the first line longer (bottom line short reads faster).
      const firstW = span(0, all[0]);
      const score = all.length * 1e6 + worst * 1e3 + sumSq - firstW * 1e-3;
      if (!best || score < best.score) best = { breaks: all, worst, score };
      return;
    }
    // Try ending this line at each position, and also stopping here.
    rec(start, 1, breaks);
    for (let b = start + 1; b < n; b++) {
      if (span(start, b) > rules.maxUnits) break;
      rec(b, linesLeft - 1, [...breaks, b]);
    }
  };
  rec(0, maxLines, []);

  const toLines = (breaks: number[]) => {
    const lines: string[] = [];
    let prev = 0;
    for (const b of breaks) {
      lines.push(ws.slice(prev, b).join(" "));
      prev = b;
    }
    return lines;
  };
  const found = best as Cand | null;
  if (found) {
    const lines = toLines(found.breaks);
    return { lines, fits: true, widths: lines.map(textUnits) };
  }
  // Best effort: greedy fill, extra words stay on the last line.
  const lines: string[] = [];
  let cur: string[] = [];
  for (const w of ws) {
    const trial = [...cur, w].join(" ");
    if (cur.length && textUnits(trial) > rules.maxUnits && lines.length < maxLines - 1) {
      lines.push(cur.join(" "));
      cur = [w];
    } else {
      cur.push(w);
    }
  }
  if (cur.length) lines.push(cur.join(" "));
  return { lines, fits: false, widths: lines.map(textUnits) };
}

/** captionLines splits a server-laid caption ("\n" between lines) for display. */
export function captionLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}
