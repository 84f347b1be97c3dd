// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { applyPageTitle, keepPageTitle, MAX_NAME, pageTitle, shareTitle } from "./page-title";

const APP = "K-MEME 팩토리";

describe("pageTitle", () => {
  it("joins the recipe's title and the app name", () => {
    expect(pageTitle("읽씹 당했을 때", APP)).toBe("읽씹 당했을 때 · K-MEME 팩토리");
  });
  it("collapses whitespace and falls back to the app name", () => {
    expect(pageTitle("  월요병\n 퇴치  댄스 ", APP)).toBe("월요병 퇴치 댄스 · K-MEME 팩토리");
    expect(pageTitle("   ", APP)).toBe(APP);
    expect(pageTitle(null, APP)).toBe(APP);
    expect(pageTitle(undefined, "K-MEME Factory")).toBe("K-MEME Factory");
  });
  it("cuts a long title by characters, not UTF-16 units, with an ellipsis", () => {
    const long = "😀".repeat(100);
    const t = pageTitle(long, APP);
    const name = t.slice(0, -` · ${APP}`.length);
    expect([...name]).toHaveLength(MAX_NAME);
    expect(name.endsWith("…")).toBe(true);
    expect(name).not.toContain("\uFFFD");
    expect(t.endsWith(` · ${APP}`)).toBe(true);
  });
  it("keeps the share title to the subject", () => {
    expect(shareTitle("읽씹 당했을 때", APP)).toBe("읽씹 당했을 때");
    expect(shareTitle("", APP)).toBe(APP);
  });
});

describe("applyPageTitle", () => {
  it("sets document.title and the share tags the server put in the head", () => {
    document.head.innerHTML = '<title>레시피 · K-MEME 팩토리</title><meta property="og:title" content="옛 제목"/><meta name="twitter:title" content="옛 제목"/>';
    applyPageTitle(document, "읽씹 당했을 때", APP);
    expect(document.title).toBe("읽씹 당했을 때 · K-MEME 팩토리");
    expect(document.head.querySelector('meta[property="og:title"]')?.getAttribute("content")).toBe("읽씹 당했을 때");
    expect(document.head.querySelector('meta[name="twitter:title"]')?.getAttribute("content")).toBe("읽씹 당했을 때");
    expect(document.head.querySelectorAll("title")).toHaveLength(1);
  });
  it("adds no share tags to a page that has none (private recipes get no preview)", () => {
    document.head.innerHTML = "<title>레시피 · K-MEME 팩토리</title>";
    applyPageTitle(document, "비공개 레시피", APP);
    expect(document.title).toBe("비공개 레시피 · K-MEME 팩토리");
    expect(document.head.querySelector('meta[property="og:title"]')).toBeNull();
  });
});

describe("keepPageTitle", () => {
  const settle = () => new Promise((r) => setTimeout(r, 0));
  it("puts the recipe's title back when the head's title is rewritten, until stopped", async () => {
    document.head.innerHTML = '<title>레시피 · K-MEME 팩토리</title><meta property="og:title" content="레시피"/>';
    const stop = keepPageTitle(document, "읽씹 당했을 때", APP);
    expect(document.title).toBe("읽씹 당했을 때 · K-MEME 팩토리");
    // what a late metadata render does: the text of <title> replaced
    document.head.querySelector("title")!.textContent = "레시피 · K-MEME 팩토리";
    await settle();
    expect(document.title).toBe("읽씹 당했을 때 · K-MEME 팩토리");
    // …or the element itself swapped
    document.head.querySelector("title")!.remove();
    const t = document.createElement("title");
    t.textContent = "레시피 · K-MEME 팩토리";
    document.head.appendChild(t);
    await settle();
    expect(document.title).toBe("읽씹 당했을 때 · K-MEME 팩토리");
    expect(document.head.querySelector('meta[property="og:title"]')?.getAttribute("content")).toBe("읽씹 당했을 때");
    stop();
    document.title = "다른 페이지 · K-MEME 팩토리";
    await settle();
    expect(document.title).toBe("다른 페이지 · K-MEME 팩토리");
  });
});
