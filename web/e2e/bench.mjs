// bench-web: (1) first-load JavaScript of the recipe page, gzipped, from the
// exported HTML in web/out; (2) time to interactive of the recipe page on the
// local `kmeme serve` (KMEME_E2E_BASE) in headless chromium with no
// throttling. The page's API answers come from e2e/fixtures.mjs so the figure
// measures the app, not the pipeline. Prints both; exits 1 over budget.
import { readFileSync, existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { launch } from "./browser.mjs";
import { answer, IDS } from "./fixtures.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, "..", "out");
const BASE = (process.env.KMEME_E2E_BASE || "http://127.0.0.1:8080").replace(/\/$/, "");
const RUNS = Number(process.env.KMEME_BENCH_RUNS || 7);
const JS_BUDGET = 250 * 1024;
const TTI_BUDGET_MS = 2000;

function firstLoadJs(page) {
  const html = readFileSync(join(OUT, page, "index.html"), "utf8");
  // nomodule scripts (legacy polyfills) are not loaded by modern browsers.
  const srcs = [...html.matchAll(/<script([^>]*)\ssrc="([^"]+\.js)"([^>]*)>/g)].filter((m) => !/nomodule/i.test(m[1] + m[3])).map((m) => m[2]);
  let raw = 0;
  let gz = 0;
  for (const src of new Set(srcs)) {
    const b = readFileSync(join(OUT, src.replace(/^\//, "")));
    raw += b.length;
    gz += gzipSync(b, { level: 9 }).length;
  }
  const inline = [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join("");
  return { files: new Set(srcs).size, raw, gz, inlineGz: gzipSync(Buffer.from(inline), { level: 9 }).length };
}

const INIT = `
  window.__bench = { longEnd: 0, readyAt: 0 };
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__bench.longEnd = Math.max(window.__bench.longEnd, e.startTime + e.duration); })
      .observe({ type: "longtask", buffered: true });
  } catch {}
  const watch = () => {
    const mo = new MutationObserver(() => {
      if (!window.__bench.readyAt && document.documentElement.dataset.hydrated && document.querySelector("[data-testid=timeline]") && document.querySelector("[data-testid=recipe-title]")) {
        window.__bench.readyAt = performance.now();
        mo.disconnect();
      }
    });
    mo.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-hydrated"] });
  };
  if (document.readyState === "loading") document.addEventListener("readystatechange", watch, { once: true }); else watch();
`;

async function tti(context) {
  const page = await context.newPage();
  await page.addInitScript(INIT);
  await page.route("**/api/**", (r) => {
    const a = answer(r.request().method(), r.request().url());
    return r.fulfill({ status: a.status, contentType: a.contentType, body: a.body });
  });
  await page.goto(`${BASE}/remix/?id=${IDS.root}`, { waitUntil: "load" });
  await page.waitForFunction(() => window.__bench.readyAt > 0, null, { timeout: 30_000 });
  // Interactive = content shown, handlers attached (React hydrated: the
  // timeline answers a click) and no long task since.
  const strip = page.locator("[data-testid=timeline]");
  const box = await strip.boundingBox();
  const before = await page.textContent("[data-testid=timeline-pos]");
  await strip.click({ position: { x: box.width / 2, y: box.height / 2 } });
  await page.waitForFunction((b) => document.querySelector("[data-testid=timeline-pos]")?.textContent !== b, before, { timeout: 5000 });
  const m = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? 0;
    return { dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, fcp, ready: window.__bench.readyAt, longEnd: window.__bench.longEnd };
  });
  await page.close();
  return { ...m, tti: Math.max(m.dcl, m.fcp, m.ready, m.longEnd) };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

async function main() {
  if (!existsSync(join(OUT, "remix", "index.html"))) throw new Error("web/out/remix/index.html missing: run scripts/web-build.sh");
  let fail = false;
  console.log("== first-load JavaScript (gzip -9 of every <script src> in the exported HTML)");
  for (const p of ["remix", "lineage", "map", "."]) {
    const r = firstLoadJs(p);
    const name = p === "." ? "/" : `/${p}/`;
    console.log(`${name.padEnd(10)} ${r.files} files, ${(r.raw / 1024).toFixed(1)} kB raw, ${(r.gz / 1024).toFixed(1)} kB gzipped (+${(r.inlineGz / 1024).toFixed(1)} kB inline)`);
    if (p === "remix") {
      const total = r.gz + r.inlineGz;
      const ok = total < JS_BUDGET;
      fail ||= !ok;
      console.log(`recipe page first-load JS: ${(total / 1024).toFixed(1)} kB gzipped (budget 250 kB) ${ok ? "OK" : "OVER BUDGET"}`);
    }
  }

  console.log(`\n== time to interactive, recipe page, ${BASE}, ${RUNS} runs (first is a cold cache)`);
  const b = await launch();
  try {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await tti(b.context);
      runs.push(r);
      console.log(`run ${i + 1}: FCP ${r.fcp.toFixed(0)} ms, DOMContentLoaded ${r.dcl.toFixed(0)} ms, content+timeline ${r.ready.toFixed(0)} ms, last long task end ${r.longEnd.toFixed(0)} ms → TTI ${r.tti.toFixed(0)} ms`);
    }
    const tt = runs.map((r) => r.tti);
    const med = median(tt);
    const max = Math.max(...tt);
    // The budget applies to the median: this machine's two cores are shared,
    // so single runs pick up other processes' load; the worst run is printed too.
    const ok = med < TTI_BUDGET_MS;
    fail ||= !ok;
    console.log(`recipe page time to interactive: median ${med.toFixed(0)} ms, worst ${max.toFixed(0)} ms (budget 2000 ms on the median) ${ok ? "OK" : "OVER BUDGET"}`);
  } finally {
    await b.close();
  }
  process.exit(fail ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
