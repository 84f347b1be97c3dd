// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { escapeHtml, highlight, safeUrl, sanitizeHtml } from "./sanitize";

const hostile = [
  '<script>alert(1)</script>안녕',
  '<img src=x onerror="alert(1)">',
  '<a href="javascript:alert(1)">클릭</a>',
  '<svg><script>alert(1)</script></svg>',
  '<iframe src="https://evil"></iframe>',
  '<mark onclick="alert(1)">x</mark>',
  '"><img src=x onerror=alert(1)>',
];

describe("sanitizeHtml", () => {
  it.each(hostile)("makes %s inert", (h) => {
    const out = sanitizeHtml(h);
    expect(out).not.toMatch(/<script/i);
    expect(out).not.toMatch(/onerror|onclick/i);
    expect(out).not.toMatch(/javascript:/i);
    expect(out).not.toMatch(/<iframe|<img|<a /i);
  });
  it("keeps the allowed tags without attributes", () => {
    expect(sanitizeHtml('<mark class="x">댄스</mark> <b>굵게</b>')).toBe("<mark>댄스</mark> <b>굵게</b>");
  });
});

describe("highlight", () => {
  it("escapes text and marks the query", () => {
    expect(highlight("<b>댄스</b> 챌린지", "챌린지")).toBe("&lt;b&gt;댄스&lt;/b&gt; <mark>챌린지</mark>");
  });
  it.each(hostile)("renders hostile text %s as text", (h) => {
    const out = highlight(h, "alert");
    const div = document.createElement("div");
    div.innerHTML = out;
    expect(div.querySelectorAll("script,img,a,iframe,svg").length).toBe(0);
    expect(div.textContent).toBe(h);
  });
  it("treats regex characters in the query literally", () => {
    expect(highlight("a.b a+b", "a+b")).toBe("a.b <mark>a+b</mark>");
  });
});

describe("escapeHtml and safeUrl", () => {
  it("escapes", () => expect(escapeHtml(`<a href="x">'&`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;"));
  it.each([
    ["/api/remix/1/files/guide.pdf", "/api/remix/1/files/guide.pdf"],
    ["https://k-meme.com/x", "https://k-meme.com/x"],
    ["javascript:alert(1)", "#"],
    [" JaVaScRiPt:alert(1)", "#"],
    ["data:text/html,<script>", "#"],
    ["//evil.example/x", "#"],
    ["vbscript:x", "#"],
  ])("%s → %s", (u, want) => expect(safeUrl(u)).toBe(want));
});
