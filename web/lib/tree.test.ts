import { describe, expect, it } from "vitest";
import { findPath, layoutTree } from "./tree";
import type { TreeNode } from "./types";

const n = (id: string, children: TreeNode[] = []): TreeNode => ({
  id,
  parent_id: null,
  root_id: "r",
  path: id,
  depth: 0,
  owner_id: null,
  video_id: null,
  title: id,
  status: "done",
  visibility: "public",
  children,
  descendants: 0,
  created_at: "",
  updated_at: "",
});

const tree = n("r", [n("a", [n("a1"), n("a2")]), n("b")]);

describe("layoutTree", () => {
  it("centres parents over children and puts leaves side by side", () => {
    const l = layoutTree(tree, new Set(), 100, 50);
    const pos = Object.fromEntries(l.nodes.map((p) => [p.id, [p.x, p.y]]));
    expect(pos).toEqual({ r: [125, 0], a: [50, 50], a1: [0, 100], a2: [100, 100], b: [200, 50] });
    expect(l.edges).toEqual([
      { from: "r", to: "a" },
      { from: "a", to: "a1" },
      { from: "a", to: "a2" },
      { from: "r", to: "b" },
    ]);
    expect(l.width).toBe(300);
    expect(l.height).toBe(150);
  });
  it("collapses a subtree but keeps its remix count", () => {
    const l = layoutTree(tree, new Set(["a"]), 100, 50);
    expect(l.nodes.map((p) => p.id)).toEqual(["r", "a", "b"]);
    const a = l.nodes.find((p) => p.id === "a")!;
    expect(a.collapsed).toBe(true);
    expect(a.descendants).toBe(2);
    expect(l.edges).toHaveLength(2);
  });
  it("ignores collapsing a leaf and accepts a count instead of a list", () => {
    const leaf = { ...n("x"), children: 3 };
    const l = layoutTree(leaf, new Set(["x"]));
    expect(l.nodes[0].collapsed).toBe(false);
    expect(l.nodes[0].childCount).toBe(0);
  });
});

describe("findPath", () => {
  it("finds the root-to-node path", () => {
    expect(findPath(tree, "a2")).toEqual(["r", "a", "a2"]);
    expect(findPath(tree, "zz")).toEqual([]);
  });
});
