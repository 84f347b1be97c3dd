"use client";
// The meme's family tree from /api/remix/{id}/tree: SVG with pan (drag),
// zoom (wheel, buttons, +/- keys) and collapsible subtrees; the current node
// is highlighted. Every node is a link, so the tree is keyboard reachable.
import { Link } from "./ui/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState, type PointerEvent, type WheelEvent } from "react";
import { api } from "@/lib/api";
import { layoutTree } from "@/lib/tree";
import type { RemixNode, TreeNode } from "@/lib/types";
import { useI18n } from "./providers";

const NODE_W = 150;
const NODE_H = 62;

interface Cam {
  x: number;
  y: number;
  k: number;
}

function truncate(s: string, n: number): string {
  const chars = [...s];
  return chars.length > n ? chars.slice(0, n - 1).join("") + "…" : s;
}

/** LineageView draws the tree that holds ?id=. */
export function LineageView() {
  const { t, errorText } = useI18n();
  const id = useSearchParams().get("id") ?? "";
  const router = useRouter();
  const [root, setRoot] = useState<TreeNode | null>(null);
  const [truncated, setTruncated] = useState(false);
  const [ancestors, setAncestors] = useState<RemixNode[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [cam, setCam] = useState<Cam>({ x: 0, y: 0, k: 1 });
  const svgRef = useRef<SVGSVGElement>(null);
  const drag = useRef<{ x: number; y: number } | null>(null);

  useEffect(() => {
    if (!id) return;
    let cancelled = false;
    (async () => {
      try {
        // The tree API answers the subtree of a node; ask for the family's root.
        let rootId = id;
        try {
          const v = await api.remix(id);
          rootId = v.node.root_id || id;
          const anc = await api.lineage(id, "ancestors").catch(() => ({ items: [] as RemixNode[] }));
          if (!cancelled) setAncestors(anc.items);
        } catch {
          /* fall back to the node's own subtree */
        }
        const tr = await api.tree(rootId, 12);
        if (!cancelled) {
          setRoot(tr.node);
          setTruncated(tr.truncated);
        }
      } catch (e) {
        if (!cancelled) setError(errorText(e));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [id, errorText]);

  const layout = useMemo(() => (root ? layoutTree(root, collapsed, NODE_W + 30, NODE_H + 50) : null), [root, collapsed]);

  const fit = useCallback(() => {
    const svg = svgRef.current;
    if (!layout || !svg) return;
    const w = svg.clientWidth || 800;
    const h = svg.clientHeight || 480;
    const k = Math.min(1.2, Math.max(0.2, Math.min(w / (layout.width + 40), h / (layout.height + 40))));
    setCam({ k, x: (w - layout.width * k) / 2 + (NODE_W * k) / 2 - 15 * k, y: 24 });
  }, [layout]);

  useEffect(() => {
    fit();
    // Refit when the drawing area changes size (rotation, window resize).
    const svg = svgRef.current;
    if (!svg || typeof ResizeObserver === "undefined") return;
    let w = svg.clientWidth;
    const ro = new ResizeObserver(() => {
      if (svg.clientWidth !== w) {
        w = svg.clientWidth;
        fit();
      }
    });
    ro.observe(svg);
    return () => ro.disconnect();
  }, [fit]);

  const zoom = (f: number, ax?: number, ay?: number) =>
    setCam((c) => {
      const svg = svgRef.current;
      const cx = ax ?? (svg?.clientWidth ?? 800) / 2;
      const cy = ay ?? (svg?.clientHeight ?? 480) / 2;
      const k = Math.min(3, Math.max(0.15, c.k * f));
      return { k, x: cx - ((cx - c.x) * k) / c.k, y: cy - ((cy - c.y) * k) / c.k };
    });

  function onWheel(e: WheelEvent<SVGSVGElement>) {
    const r = e.currentTarget.getBoundingClientRect();
    zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX - r.left, e.clientY - r.top);
  }
  function onDown(e: PointerEvent<SVGSVGElement>) {
    if ((e.target as Element).closest("a,[role=button]")) return;
    drag.current = { x: e.clientX, y: e.clientY };
    e.currentTarget.setPointerCapture(e.pointerId);
  }
  function onMove(e: PointerEvent<SVGSVGElement>) {
    const d = drag.current;
    if (!d) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    drag.current = { x: e.clientX, y: e.clientY };
    setCam((c) => ({ ...c, x: c.x + dx, y: c.y + dy }));
  }
  const toggle = (nid: string) =>
    setCollapsed((s) => {
      const n = new Set(s);
      if (n.has(nid)) n.delete(nid);
      else n.add(nid);
      return n;
    });

  if (!id) return <p className="error">{t("err_not_found")}</p>;
  if (error)
    return (
      <p className="error" role="alert">
        {error}
      </p>
    );
  if (!layout) return <p aria-busy="true">{t("loading")}</p>;

  const byId = new Map(layout.nodes.map((n) => [n.id, n]));
  const onPath = new Set([...ancestors.map((a) => a.id), id]);

  return (
    <section className="stack">
      <h1>{t("lineage_title")}</h1>
      <p className="muted small-text">{t("lineage_hint")}</p>
      {truncated && <p className="muted">{t("truncated")}</p>}
      <div className="btn-row">
        <button type="button" className="btn ghost small icon" onClick={() => zoom(1.25)} aria-label={t("zoom_in")}>
          +
        </button>
        <button type="button" className="btn ghost small icon" onClick={() => zoom(0.8)} aria-label={t("zoom_out")}>
          −
        </button>
        <button type="button" className="btn ghost small" onClick={fit}>
          {t("reset_view")}
        </button>
        <Link className="btn ghost small" href={`/remix/?id=${encodeURIComponent(id)}`}>{t("recipe_title")}</Link>
      </div>
      <div className="tree-wrap">
        <svg
          ref={svgRef}
          role="group"
          aria-label={t("lineage_title")}
          onWheel={onWheel}
          onPointerDown={onDown}
          onPointerMove={onMove}
          onPointerUp={() => (drag.current = null)}
          onKeyDown={(e) => {
            if (e.key === "+" || e.key === "=") zoom(1.25);
            else if (e.key === "-") zoom(0.8);
          }}
          data-testid="lineage-tree"
          data-nodes={layout.nodes.length}
        >
          <g transform={`translate(${cam.x},${cam.y}) scale(${cam.k})`}>
            {layout.edges.map((e) => {
              const a = byId.get(e.from)!;
              const b = byId.get(e.to)!;
              const y1 = a.y + NODE_H;
              const y2 = b.y;
              const my = (y1 + y2) / 2;
              return <path key={`${e.from}-${e.to}`} className="tree-edge" d={`M${a.x},${y1} C${a.x},${my} ${b.x},${my} ${b.x},${y2}`} style={onPath.has(e.to) && onPath.has(e.from) ? { stroke: "var(--accent)" } : undefined} />;
            })}
            {layout.nodes.map((n) => {
              const isCurrent = n.id === id;
              return (
                <g key={n.id} className={`tree-node${isCurrent ? " current" : ""}`} transform={`translate(${n.x - NODE_W / 2},${n.y})`} data-node-id={n.id}>
                  <a
                    href={`/remix/?id=${encodeURIComponent(n.id)}`}
                    onClick={(e) => {
                      e.preventDefault();
                      router.push(`/remix/?id=${encodeURIComponent(n.id)}`);
                    }}
                    aria-current={isCurrent ? "page" : undefined}
                  >
                    <title>{n.title || t("untitled")}</title>
                    <rect width={NODE_W} height={NODE_H} rx={10} />
                    <text x={10} y={22}>
                      {truncate(n.title || t("untitled"), 11)}
                    </text>
                    <text x={10} y={42} className="sub">
                      {t("generation", { n: n.depth + 1 })} · {t("remix_count", { n: n.descendants })}
                    </text>
                    {isCurrent && (
                      <text x={NODE_W - 8} y={56} textAnchor="end" className="sub" style={{ fill: "var(--accent)", fontWeight: 700 }}>
                        {t("current")}
                      </text>
                    )}
                  </a>
                  {n.childCount > 0 && (
                    <g
                      className="tree-toggle"
                      role="button"
                      tabIndex={0}
                      aria-label={`${n.collapsed ? t("expand") : t("collapse")}: ${n.title || t("untitled")}`}
                      aria-expanded={!n.collapsed}
                      transform={`translate(${NODE_W / 2},${NODE_H + 2})`}
                      onClick={() => toggle(n.id)}
                      onKeyDown={(e) => {
                        if (e.key === "Enter" || e.key === " ") {
                          e.preventDefault();
                          toggle(n.id);
                        }
                      }}
                      style={{ cursor: "pointer" }}
                    >
                      <circle r={11} />
                      <text textAnchor="middle" y={5}>
                        {n.collapsed ? "+" : "−"}
                      </text>
                    </g>
                  )}
                </g>
              );
            })}
          </g>
        </svg>
      </div>
    </section>
  );
}
