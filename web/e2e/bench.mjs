// bench-web: per page, on a phone profile (390×844, touch, 4× CPU
// throttling through the DevTools protocol) against the local `kmeme serve`
// (KMEME_E2E_BASE) in headless chromium:
//   - first-load JavaScript of the exported HTML (every <script src> plus
//     inline scripts), gzip -9 and brotli q11, computed from web/out;
//   - the JavaScript bytes actually transferred (Content-Encoding as served
//     by internal/webui), from chromium's response sizes;
//   - CLS (layout-shift entries without recent input, PerformanceObserver);
//   - time to interactive: max(FCP, DOMContentLoaded, page content shown
//     after hydration, end of the last long task), median of RUNS warm runs.
// API answers come from e2e/fixtures.mjs so the figures measure the app, not
// the pipeline. Prints a table; exits 1 when a median TTI is over 2.5 s or
// a CLS over 0.05.
import { readFileSync, existsSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { launch } from "./browser.mjs";
import { answer, IDS } from "./fixtures.mjs";
import { CLS_INIT } from "./checks.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, "..", "out");
const BASE = (process.env.KMEME_E2E_BASE || "http://127.0.0.1:8080").replace(/\/$/, "");
const RUNS = Number(process.env.KMEME_BENCH_RUNS || 3);
const TTI_BUDGET_MS = 2500;
const CLS_BUDGET = 0.05;
const PHONE = { width: 390, height: 844 };

const ALL_PAGES = [
  { name: "/ (visitor)", dir: ".", path: "/", ready: "[data-testid=public-recipe-card]", visitor: true },
  { name: "/ (signed in)", dir: ".", path: "/", ready: "[data-testid=submit]" },
  { name: "/remix/", dir: "remix", path: `/remix/?id=${IDS.root}`, ready: "[data-testid=shot-strip] [data-testid=strip-shot]" },
  { name: "/search/", dir: "search", path: `/search/?q=${encodeURIComponent("월요병")}`, ready: "[data-testid=node-list] a" },
  { name: "/lineage/", dir: "lineage", path: `/lineage/?id=${IDS.child}`, ready: "[data-testid=lineage-tree]" },
  { name: "/map/", dir: "map", path: "/map/", ready: "[data-testid=korea-map] path[data-region]" },
  { name: "/me/", dir: "me", path: "/me/", ready: "[data-testid=quota]" },
];
// KMEME_BENCH_PAGES="/remix/,/map/" measures only those pages (by name prefix).
const ONLY = (process.env.KMEME_BENCH_PAGES || "").split(",").filter(Boolean);
const PAGES = ONLY.length ? ALL_PAGES.filter((p) => ONLY.some((o) => p.name.startsWith(o))) : ALL_PAGES;

function firstLoadJs(dir) {
  const html = readFileSync(join(OUT, dir, "index.html"), "utf8");
  const srcs = [...new Set([...html.matchAll(/<script([^>]*)\ssrc="([^"]+\.js)"([^>]*)>/g)].filter((m) => !/nomodule/i.test(m[1] + m[3])).map((m) => m[2]))];
  const inline = Buffer.from([...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join(""));
  let raw = inline.length;
  let gz = gzipSync(inline, { level: 9 }).length;
  let br = brotliCompressSync(inline, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  for (const src of srcs) {
    const b = readFileSync(join(OUT, src.replace(/^\//, "")));
    raw += b.length;
    gz += gzipSync(b, { level: 9 }).length;
    br += brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return { files: srcs.length, raw, gz, br };
}

const INIT = (ready) => `
  window.__bench = { longEnd: 0, readyAt: 0 };
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__bench.longEnd = Math.max(window.__bench.longEnd, e.startTime + e.duration); })
      .observe({ type: "longtask", buffered: true });
  } catch {}
  const watch = () => {
    const check = () => {
      if (!window.__bench.readyAt && document.documentElement.dataset.hydrated && document.querySelector(${JSON.stringify(ready)})) {
        window.__bench.readyAt = performance.now();
        mo.disconnect();
      }
    };
    const mo = new MutationObserver(check);
    mo.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-hydrated"] });
    check();
  };
  if (document.readyState === "loading") document.addEventListener("readystatechange", watch, { once: true }); else watch();
`;

async function measure(context, p, { coldCache = false } = {}) {
  const page = await context.newPage();
  await page.setViewportSize(PHONE);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  await cdp.send("Emulation.setTouchEmulationEnabled", { enabled: true, maxTouchPoints: 5 });
  // The pages share most chunks: without this, a page measured after another
  // would count only the chunks the first one did not load.
  if (coldCache) await cdp.send("Network.clearBrowserCache");
  await page.addInitScript(CLS_INIT);
  await page.addInitScript(INIT(p.ready));
  await page.route("**/api/**", (r) => {
    const a = answer(r.request().method(), r.request().url(), { visitor: !!p.visitor });
    return r.fulfill({ status: a.status, contentType: a.contentType, body: a.body });
  });
  const js = [];
  page.on("requestfinished", (req) => {
    if (req.resourceType() === "script") js.push(req);
  });
  await page.goto(BASE + p.path, { waitUntil: "load" });
  await page.waitForFunction(() => window.__bench.readyAt > 0, null, { timeout: 60_000 });
  await page.waitForTimeout(600); // let late shifts and long tasks be observed (not a test wait)
  const m = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? 0;
    return { dcl: nav.domContentLoadedEventEnd, fcp, ready: window.__bench.readyAt, longEnd: window.__bench.longEnd, cls: window.__cls };
  });
  let wire = 0;
  const enc = new Set();
  for (const req of js) {
    const s = await req.sizes().catch(() => null);
    if (s) wire += s.responseBodySize;
    const r = await req.response();
    enc.add((await r?.headerValue("content-encoding")) || "identity");
  }
  await page.close();
  return { ...m, tti: Math.max(m.dcl, m.fcp, m.ready, m.longEnd), wire, enc: [...enc].join("+") };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n) => `${(n / 1024).toFixed(1)}`;

async function main() {
  if (!existsSync(join(OUT, "remix", "index.html"))) throw new Error("web/out/remix/index.html missing: run scripts/web-build.sh");
  console.log(`== phone profile 390×844, touch, CPU throttled 4×, ${BASE}; ${RUNS} warm runs per page after one cold load; API from e2e/fixtures.mjs`);
  const b = await launch();
  const rows = [];
  let fail = false;
  try {
    for (const p of PAGES) {
      const size = firstLoadJs(p.dir);
      await measure(b.context, p); // cold: fills the HTTP cache
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await measure(b.context, p));
      const tti = median(runs.map((r) => r.tti));
      const cls = Math.max(...runs.map((r) => r.cls));
      const ok = tti <= TTI_BUDGET_MS && cls <= CLS_BUDGET;
      fail ||= !ok;
      // What the median TTI is made of: the run whose TTI is the median.
      const mid = [...runs].sort((a, b) => a.tti - b.tti)[Math.floor(runs.length / 2)];
      rows.push({ p, size, tti, cls, worst: Math.max(...runs.map((r) => r.tti)), fcp: median(runs.map((r) => r.fcp)), mid, ok });
    }
  } finally {
    await b.close();
  }
  // The wire size is measured on a separate load per page with the HTTP cache
  // cleared first (the warm runs come from cache).
  const b2 = await launch();
  try {
    for (const r of rows) {
      const m = await measure(b2.context, r.p, { coldCache: true });
      r.wire = m.wire;
      r.enc = m.enc;
      await b2.context.clearCookies();
    }
  } finally {
    await b2.close();
  }
  console.log("");
  console.log("| page | first-load JS raw kB | gzip kB | brotli kB | sent kB (encoding) | FCP ms | TTI ms median (worst) | CLS max | |");
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const r of rows) {
    console.log(`| ${r.p.name} | ${kb(r.size.raw)} | ${kb(r.size.gz)} | ${kb(r.size.br)} | ${kb(r.wire)} (${r.enc}) | ${r.fcp.toFixed(0)} | ${r.tti.toFixed(0)} (${r.worst.toFixed(0)}) | ${r.cls.toFixed(3)} | ${r.ok ? "OK" : "OVER"} |`);
  }
  console.log("\nTTI = max(DOMContentLoaded, FCP, content shown after hydration, end of the last long task); the median run's parts, ms:");
  for (const r of rows) {
    console.log(`  ${r.p.name}: DCL ${r.mid.dcl.toFixed(0)}, FCP ${r.mid.fcp.toFixed(0)}, shown ${r.mid.ready.toFixed(0)}, last long task ends ${r.mid.longEnd.toFixed(0)}`);
  }
  console.log(`\nbudgets: TTI ≤ ${TTI_BUDGET_MS} ms (median), CLS ≤ ${CLS_BUDGET}; this machine's two cores are shared with other work, so single runs vary.`);
  process.exit(fail ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
