"use client";
import Link from "next/link";
import type { RemixNode } from "@/lib/types";
import { highlight } from "@/lib/sanitize";
import { useI18n } from "../providers";
import { StatusBadge } from "./status-badge";

/** NodeItem is one remix in a list. */
export interface NodeItem {
  node: RemixNode;
  extra?: string;
}

/** NodeList lists remixes with links to their recipe; titles are highlighted (sanitized) when q is given. */
export function NodeList({ items, q, empty }: { items: NodeItem[]; q?: string; empty: string }) {
  const { t } = useI18n();
  if (items.length === 0) return <p className="muted">{empty}</p>;
  return (
    <ul className="list" data-testid="node-list">
      {items.map(({ node, extra }) => (
        <li key={node.id}>
          <span>
            <Link href={`/remix/?id=${encodeURIComponent(node.id)}`}>
              {q ? <span dangerouslySetInnerHTML={{ __html: highlight(node.title || node.id.slice(0, 8), q) }} /> : node.title || node.id.slice(0, 8)}
            </Link>{" "}
            <StatusBadge status={node.status} />
          </span>
          <span className="muted small-text">
            {t("generation", { n: node.depth + 1 })} · {t("remix_count", { n: node.descendants })}
            {extra ? ` · ${extra}` : ""}
          </span>
        </li>
      ))}
    </ul>
  );
}
