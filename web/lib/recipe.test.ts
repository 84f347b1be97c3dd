import { describe, expect, it } from "vitest";
import { hashtagLine, normalizeRecipe } from "./recipe";
import { DICTS, errorKey, translate } from "./i18n";

describe("normalizeRecipe", () => {
  it("fills defaults for missing and wrongly typed fields", () => {
    const r = normalizeRecipe({ version: "1", shots: [{ n: 1, start: 0, end: 1.5, film: "얼굴 클로즈업", caption: { casual: "헐", polite: 3 } }, "bad"], hashtags: { tiktok: ["#틱톡", 5] }, audio: { bpm: "fast" } })!;
    expect(r.shots).toHaveLength(2);
    expect(r.shots[0].film).toBe("얼굴 클로즈업");
    expect(r.shots[0].caption).toEqual({ casual: "헐", polite: "3" });
    expect(r.shots[1].n).toBe(2);
    expect(r.hashtags).toEqual({ tiktok: ["#틱톡"], shorts: [], reels: [] });
    expect(r.audio.bpm).toBeNull();
    expect(r.adaptations).toEqual([]);
  });
  it("parses a JSON string and rejects non-objects", () => {
    expect(normalizeRecipe('{"version":"1"}')?.version).toBe("1");
    expect(normalizeRecipe("nope")).toBeNull();
    expect(normalizeRecipe(null)).toBeNull();
    expect(normalizeRecipe([1])).toBeNull();
  });
  it("keeps hostile text as plain strings (rendered as text by React)", () => {
    const r = normalizeRecipe({ concept: { title: "<script>alert(1)</script>" } })!;
    expect(r.concept.title).toBe("<script>alert(1)</script>");
  });
});

describe("hashtagLine", () => {
  it("adds # and joins", () => expect(hashtagLine(["틱톡", "#Shorts", " ", " 밈 "])).toBe("#틱톡 #Shorts #밈"));
});

describe("i18n", () => {
  it("has the same keys in both languages, none empty", () => {
    expect(Object.keys(DICTS.en).sort()).toEqual(Object.keys(DICTS.ko).sort());
    for (const lang of ["ko", "en"] as const) for (const v of Object.values(DICTS[lang])) expect(v.length).toBeGreaterThan(0);
  });
  it("fills placeholders and maps error codes", () => {
    expect(translate("ko", "generation", { n: 2 })).toBe("2세대");
    expect(translate("en", "shoot_time", { n: 10, m: 20 })).toBe("Shoot 10 min · edit 20 min");
    expect(errorKey("quota_exceeded")).toBe("err_quota_exceeded");
    expect(errorKey("weird")).toBe("err_internal");
  });
});
