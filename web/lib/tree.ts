// Lineage tree layout: a tidy top-down layout (leaves side by side, parents
// centred over their children) with collapsible subtrees. Pure, so tested.
import type { TreeNode } from "./types";

/** Placed is a node with its position in layout units. */
export interface Placed {
  id: string;
  title: string;
  status: string;
  depth: number;
  x: number;
  y: number;
  /** All remixes below in the data, shown even when collapsed. */
  descendants: number;
  /** Number of direct children in the data. */
  childCount: number;
  collapsed: boolean;
  parentId: string | null;
}

/** Edge joins a parent to a child. */
export interface Edge {
  from: string;
  to: string;
}

/** TreeLayout is what the SVG draws. */
export interface TreeLayout {
  nodes: Placed[];
  edges: Edge[];
  width: number;
  height: number;
}

/** kids returns the nested children of a tree node (the API may send a count instead). */
export function kids(n: TreeNode): TreeNode[] {
  return Array.isArray(n.children) ? n.children : [];
}

/** countDescendants counts nodes below n in the data. */
export function countDescendants(n: TreeNode): number {
  return kids(n).reduce((s, c) => s + 1 + countDescendants(c), 0);
}

/**
 * layoutTree places nodes on a grid: x in columns of colW, y in rows of rowH.
 * Nodes in `collapsed` hide their subtree.
 */
export function layoutTree(root: TreeNode, collapsed: ReadonlySet<string>, colW = 180, rowH = 110): TreeLayout {
  const nodes: Placed[] = [];
  const edges: Edge[] = [];
  let nextLeaf = 0;
  let maxDepth = 0;
  const place = (n: TreeNode, depth: number, parentId: string | null): number => {
    maxDepth = Math.max(maxDepth, depth);
    const cs = kids(n);
    const isCollapsed = collapsed.has(n.id) && cs.length > 0;
    let col: number;
    const placed: Placed = {
      id: n.id,
      title: n.title,
      status: n.status,
      depth,
      x: 0,
      y: depth * rowH,
      descendants: Math.max(typeof n.descendants === "number" ? n.descendants : 0, countDescendants(n)),
      childCount: cs.length,
      collapsed: isCollapsed,
      parentId,
    };
    nodes.push(placed);
    if (cs.length === 0 || isCollapsed) {
      col = nextLeaf++;
    } else {
      const cols = cs.map((c) => {
        edges.push({ from: n.id, to: c.id });
        return place(c, depth + 1, n.id);
      });
      col = (cols[0] + cols[cols.length - 1]) / 2;
    }
    placed.x = col * colW;
    return col;
  };
  place(root, 0, null);
  return { nodes, edges, width: Math.max(1, nextLeaf) * colW, height: (maxDepth + 1) * rowH };
}

/** findPath returns the ids from the root to id, or [] when id is not in the tree. */
export function findPath(root: TreeNode, id: string): string[] {
  if (root.id === id) return [root.id];
  for (const c of kids(root)) {
    const p = findPath(c, id);
    if (p.length) return [root.id, ...p];
  }
  return [];
}
