// Shared browser helpers for the e2e and bench scripts: Debian's chromium
// driven by playwright-core (no browser download), axe-core injected through
// the DevTools protocol (the strict CSP stays on), screenshots.
import { chromium } from "playwright-core";
import { mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** CHROMIUM is the browser binary; KMEME_CHROMIUM overrides it. */
export const CHROMIUM = process.env.KMEME_CHROMIUM || "/usr/bin/chromium";

/** FLAGS are the command-line flags the project runs chromium with. */
export const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** VIEWPORTS are the widths every page is checked at. */
export const VIEWPORTS = {
  desktop: { width: 1366, height: 900 },
  phone: { width: 390, height: 844 },
};

/** launch starts chromium with a fresh profile; close() removes the profile. */
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), "kmeme-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: VIEWPORTS.desktop,
    acceptDownloads: true,
    locale: "ko-KR",
    timezoneId: "Asia/Seoul",
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** runAxe checks the page (WCAG 2.1 A/AA) and returns the violations. */
export async function runAxe(page) {
  // page.evaluate goes through the DevTools protocol, which the page's CSP
  // does not govern, so the check runs with the real policy in place.
  await page.evaluate(`${axeSource};0`);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
  });
}

/** save writes a file, creating its folder. */
export function save(path, data) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
}
