"use client";
import { Link } from "./link";
import type { RemixNode } from "@/lib/types";
import { api } from "@/lib/api";
import { useI18n } from "../providers";
import { StatusBadge } from "./status-badge";
import { shortDate, Thumb } from "./thumb";

/** NodeItem is one remix in a list. */
export interface NodeItem {
  node: RemixNode;
  extra?: string;
}

/** NodeList lists remixes by name, keyframe and date (never by id); titles
 * are highlighted (sanitized) when q is given. */
export function NodeList({ items, q, empty }: { items: NodeItem[]; q?: string; empty: string }) {
  const { t, lang } = useI18n();
  if (items.length === 0) return <p className="muted empty-state">{empty}</p>;
  return (
    <ul className="node-list" data-testid="node-list">
      {items.map(({ node, extra }) => {
        const title = node.title || t("untitled");
        return (
          <li key={node.id}>
            <Link href={`/remix/?id=${encodeURIComponent(node.id)}`} className="node-row">
              <Thumb src={node.status === "done" ? api.fileUrl(node.id, "keyframe-001.jpg") : null} alt="" />
              <span className="node-text">
                <strong className="node-title">{q ? <Highlight text={title} q={q} /> : title}</strong>
                <span className="muted small-text">
                  {shortDate(node.created_at, lang)}
                  {node.depth > 0 ? ` · ${t("generation", { n: node.depth + 1 })}` : ""}
                  {extra ? ` · ${extra}` : node.descendants > 0 ? ` · ${t("remix_count", { n: node.descendants })}` : ""}
                </span>
              </span>
              {node.status !== "done" && <StatusBadge status={node.status} />}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}

/** similarWord turns a similarity score into words (no decimals in the UI). */
export function similarWord(score: number): "similar_high" | "similar_mid" | "similar_low" {
  return score >= 0.6 ? "similar_high" : score >= 0.35 ? "similar_mid" : "similar_low";
}

/** Highlight marks the query's words in a title, as React text (no HTML). */
function Highlight({ text, q }: { text: string; q: string }) {
  const words = q
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  if (!words.length) return <>{text}</>;
  const parts = text.split(new RegExp(`(${words.join("|")})`, "gi"));
  return (
    <>
      {parts.map((p, i) => (i % 2 === 1 ? <mark key={i}>{p}</mark> : p))}
    </>
  );
}
