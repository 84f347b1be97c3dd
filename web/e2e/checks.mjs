// Page checks shared by the e2e run: what a Korean creator must never see
// (raw ids, English enum words), tap targets, and layout shift.

/** CLS_INIT is added to every page before its scripts: it sums layout
 * shifts not caused by input (the CLS definition, without session windows). */
export const CLS_INIT = `(() => {
  window.__cls = 0;
  try {
    window.__clsSrc = [];
    const name = (n) => (n && n.nodeType === 1 ? n.tagName.toLowerCase() + (n.id ? "#" + n.id : "") + (n.className && typeof n.className === "string" ? "." + n.className.trim().split(" ").join(".") : "") + (n.dataset && n.dataset.testid ? "[" + n.dataset.testid + "]" : "") : "#text");
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) {
        if (e.hadRecentInput) continue;
        window.__cls += e.value;
        // what moved, for the report when a page goes over budget
        for (const s of e.sources || []) window.__clsSrc.push(e.value.toFixed(3) + " " + name(s.node) + " " + Math.round(s.previousRect.y) + "→" + Math.round(s.currentRect.y));
      }
    })
      .observe({ type: "layout-shift", buffered: true });
  } catch (e) {}
})();`;

export async function cls(page) {
  return page.evaluate(() => window.__cls ?? -1);
}

/** clsSources lists the elements that moved (value, element, y before→after). */
export async function clsSources(page) {
  return page.evaluate(() => (window.__clsSrc || []).slice(0, 8));
}

/** ENUM_WORDS are the raw enum values of the API that must be translated. */
export const ENUM_WORDS = [
  "easy", "medium", "hard", "intro", "verse", "build", "drop", "break", "outro", "speech",
  "free", "pro", "draft", "queued", "analyzing", "planning", "rendering", "done", "failed", "cached",
  "closeup", "bust", "full", "none", "static", "handheld", "pan", "zoom", "setup", "turn", "punchline",
  "reaction", "cta", "ocr", "casual", "polite", "public", "private", "unprocessable", "invalid",
];

/** visibleText returns the rendered text nodes of the page, each with whether
 * it sits in an element marked as foreign text (lang=en/und: OCR, server detail). */
export async function textScan(page) {
  return page.evaluate((words) => {
    const re8 = /(^|[^0-9a-z])(?=[0-9a-f]{0,7}[a-f])(?=[0-9a-f]{0,7}[0-9])([0-9a-f]{8})(?![0-9a-z])/i;
    const enumRe = new RegExp(`(^|[^A-Za-z])(${words.join("|")})(?![A-Za-z])`, "i");
    const hex = [];
    const english = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      const text = n.textContent || "";
      if (!el || !text.trim()) continue;
      if (el.closest("script,style,noscript,title")) continue;
      if (typeof el.checkVisibility === "function" ? !el.checkVisibility() : el.offsetParent === null) continue;
      if (el.closest("details:not([open])") && !el.closest("summary")) continue;
      const r = el.getBoundingClientRect();
      if (r.width <= 1 && r.height <= 1) continue; // visually hidden
      if (re8.test(text)) hex.push(text.trim().slice(0, 80));
      if (!el.closest('[lang="en"],[lang="und"],code') && enumRe.test(text)) english.push(text.trim().slice(0, 80));
    }
    return { hex, english };
  }, ENUM_WORDS);
}

/** smallTargets lists interactive elements under 44×44 CSS px. Inline text
 * links, visually hidden elements and SVG drawings (map, tree: each has a
 * list or keyboard alternative) are left out; a checkbox counts as its label. */
export async function smallTargets(page) {
  return page.evaluate(() => {
    const out = [];
    const sel = "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [role=slider], [role=tab]";
    for (let el of document.querySelectorAll(sel)) {
      if (el.closest("svg")) continue;
      if (typeof el.checkVisibility === "function" && !el.checkVisibility()) continue;
      if (el.closest("details:not([open])") && !el.closest("summary") && el.tagName !== "SUMMARY") continue;
      if ((el.type === "checkbox" || el.type === "radio") && el.closest("label")) el = el.closest("label");
      const cs = getComputedStyle(el);
      if (el.tagName === "A" && cs.display === "inline") continue;
      const r = el.getBoundingClientRect();
      if (r.width <= 2 || r.height <= 2) continue; // visually hidden (file input, skip link)
      if (r.right < 0 || r.left > innerWidth + 1) continue;
      if (r.width < 43.5 || r.height < 43.5) out.push(`${el.tagName.toLowerCase()}${el.dataset.testid ? `[${el.dataset.testid}]` : ""} "${(el.textContent || el.getAttribute("aria-label") || "").trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return out;
  });
}
