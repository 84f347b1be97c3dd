// Recipe text comes from a model or a user and is untrusted. The app renders
// it as text wherever it can (React escapes it). The few places that render
// HTML — search highlights — build it from escaped text and pass it through
// DOMPurify with a tiny allow-list; links from data go through safeUrl.
import createDOMPurify, { type WindowLike } from "dompurify";

/** ALLOWED_TAGS is all the markup recipe-derived HTML may keep. */
export const ALLOWED_TAGS = ["mark", "b", "strong", "i", "em", "br"];

/** escapeHtml makes text safe to splice into HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

let purifier: ReturnType<typeof createDOMPurify> | null = null;

/** sanitizeHtml keeps only ALLOWED_TAGS, no attributes; without a DOM it escapes everything. */
export function sanitizeHtml(html: string, win?: WindowLike): string {
  if (win) {
    return createDOMPurify(win).sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR: [] });
  }
  if (typeof window === "undefined") return escapeHtml(html);
  purifier ??= createDOMPurify(window);
  return purifier.sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR: [] });
}

/** highlight returns sanitized HTML of text with each query word wrapped in <mark>. */
export function highlight(text: string, q: string, win?: WindowLike): string {
  const words = q
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  let html = escapeHtml(text);
  if (words.length) {
    const re = new RegExp(`(${words.map(escapeHtml).join("|")})`, "gi");
    html = html.replace(re, "<mark>$1</mark>");
  }
  return sanitizeHtml(html, win);
}

/** safeUrl allows same-origin paths and http(s) URLs; anything else (javascript:, data:) becomes "#". */
export function safeUrl(u: string): string {
  const s = u.trim();
  if (s.startsWith("/") && !s.startsWith("//")) return s;
  try {
    const url = new URL(s);
    if (url.protocol === "http:" || url.protocol === "https:") return url.toString();
  } catch {
    /* not absolute */
  }
  return "#";
}
