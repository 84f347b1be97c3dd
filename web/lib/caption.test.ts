import { describe, expect, it } from "vitest";
import { captionLines, charUnits, isLoneSyllable, layoutCaption, textUnits } from "./caption";

describe("widths", () => {
  it.each([
    ["가", 1],
    ["a", 0.5],
    ["7", 0.5],
    [" ", 0.5],
    ["!", 0.5],
    ["…", 0.5],
    ["ㅋ", 1],
    ["漢", 1],
    ["😂", 1],
  ])("%s = %d", (c, w) => expect(charUnits(c)).toBe(w));
  it("sums a mixed string", () => {
    expect(textUnits("오늘 BTS 봤어!")).toBe(1 + 1 + 0.5 + 1.5 + 0.5 + 1 + 1 + 0.5);
  });
});

describe("layoutCaption", () => {
  it("keeps a short caption on one line", () => {
    const l = layoutCaption("이거 실화냐");
    expect(l).toEqual({ lines: ["이거 실화냐"], fits: true, widths: [5.5] });
  });

  it("breaks only between words, each line within 16 units, at most 2 lines", () => {
    const text = "오늘은 진짜로 아무것도 하기 싫은 월요일 아침이다";
    const l = layoutCaption(text);
    expect(l.fits).toBe(true);
    expect(l.lines).toHaveLength(2);
    for (const w of l.widths) expect(w).toBeLessThanOrEqual(16);
    expect(l.lines.join(" ")).toBe(text);
  });

  it("balances the two lines", () => {
    const l = layoutCaption("우리 집 고양이가 또 사고를 쳤어요 진짜로");
    expect(l.fits).toBe(true);
    expect(Math.abs(l.widths[0] - l.widths[1])).toBeLessThanOrEqual(4);
  });

  it("never leaves a lone syllable on a line", () => {
    // Greedy filling would put "요" alone on line two.
    const l = layoutCaption("이건 정말로 대박 사건이었어 요");
    expect(l.fits).toBe(true);
    for (const line of l.lines) expect(isLoneSyllable(line)).toBe(false);
  });

  it("counts Latin and digits as half", () => {
    // 32 Latin letters = 16 units: fits on one line.
    expect(layoutCaption("abcdefghijklmnopqrstuvwxyzabcdef").lines).toHaveLength(1);
    expect(layoutCaption("abcdefghijklmnopqrstuvwxyzabcdefg").fits).toBe(false);
  });

  it("reports text too long for two lines", () => {
    const l = layoutCaption("가나다라마바사 아자차카타파하 가나다라마바사 아자차카타파하 가나다");
    expect(l.fits).toBe(false);
    expect(l.lines.length).toBeLessThanOrEqual(2);
  });

  it("reports a single word wider than a line (no break inside words)", () => {
    const l = layoutCaption("가나다라마바사아자차카타파하가나다");
    expect(l.fits).toBe(false);
    expect(l.lines).toEqual(["가나다라마바사아자차카타파하가나다"]);
  });

  it("handles empty and whitespace-only text", () => {
    expect(layoutCaption("   ")).toEqual({ lines: [], fits: true, widths: [] });
  });

  it("respects custom rules (overtitles ≤ 10 units, 1 line)", () => {
    expect(layoutCaption("헐 대박 사건", { maxUnits: 10, maxLines: 1 }).fits).toBe(true);
    expect(layoutCaption("헐 이거 완전 대박 사건", { maxUnits: 10, maxLines: 1 }).fits).toBe(false);
  });

  it("allows a one-syllable caption on its own", () => {
    expect(layoutCaption("헐")).toEqual({ lines: ["헐"], fits: true, widths: [1] });
  });
});

describe("captionLines", () => {
  it("splits server-laid captions", () => {
    expect(captionLines("첫 줄\r\n 둘째 줄 \n\n")).toEqual(["첫 줄", "둘째 줄"]);
  });
});
