// The browser tab and share titles of a page that loads its subject on the
// client (the static export knows only "레시피 · K-MEME 팩토리"): once the
// recipe is in, the tab reads "<concept title> · <app name>".

/** MAX_NAME is how many characters of a name the title keeps (a tab or a
 * share card cuts long titles anyway; the rest gets an ellipsis). */
export const MAX_NAME = 60;

/** pageTitle joins a page's subject and the app name like the layout's
 * template ("%s · K-MEME 팩토리"). Whitespace is collapsed; an empty subject
 * gives the app name alone. */
export function pageTitle(name: string | null | undefined, app: string): string {
  const n = (name ?? "").replace(/\s+/g, " ").trim();
  if (!n) return app;
  const chars = [...n];
  const short = chars.length > MAX_NAME ? chars.slice(0, MAX_NAME - 1).join("").trimEnd() + "…" : n;
  return `${short} · ${app}`;
}

/** shareTitle is the subject alone, as og:title and twitter:title carry it
 * (og:site_name names the app); the app name when there is no subject. */
export function shareTitle(name: string | null | undefined, app: string): string {
  const t = pageTitle(name, app);
  const sep = ` · ${app}`;
  return t.endsWith(sep) ? t.slice(0, -sep.length) : t;
}

/** applyPageTitle sets the document's title and, where the page carries
 * them (the server adds them for public recipes), the og:title and
 * twitter:title tags to the subject, as the server writes them. */
export function applyPageTitle(doc: Document, name: string | null | undefined, app: string): void {
  const title = pageTitle(name, app);
  if (doc.title !== title) doc.title = title;
  const share = shareTitle(name, app);
  for (const sel of ['meta[property="og:title"]', 'meta[name="twitter:title"]']) {
    const m = doc.head?.querySelector(sel);
    if (m && m.getAttribute("content") !== share) m.setAttribute("content", share);
  }
}

/** keepPageTitle applies the page title now and again whenever something
 * else rewrites the head (Next's metadata <title> is re-rendered after a
 * late route chunk and put "레시피 · K-MEME 팩토리" back over the recipe's
 * name on a loaded machine). The returned function stops watching. */
export function keepPageTitle(doc: Document, name: string | null | undefined, app: string): () => void {
  applyPageTitle(doc, name, app);
  if (!doc.head || typeof MutationObserver === "undefined") return () => {};
  const obs = new MutationObserver(() => applyPageTitle(doc, name, app));
  obs.observe(doc.head, { subtree: true, childList: true, characterData: true });
  return () => obs.disconnect();
}
