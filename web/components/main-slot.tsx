"use client";
import type { ReactNode } from "react";

/**
 * MainSlot stands between <main> and the route's content; it only returns
 * its children. It is here for React #418: the route's content is Next's
 * layout router, whose props name app/error.tsx, so until that chunk has
 * loaded the element is blocked. When that happened during hydration with
 * <main> as its direct parent, React replayed <main> itself and claimed its
 * server node again from a cursor already inside it ("+ <main>, - <Suspense>",
 * the whole page rendered anew on the client). A component in between is what
 * gets replayed instead, and it claims no DOM node. Reproduced by holding back
 * the app/error chunk 400 ms with the cache off (/me/ failed 2 of 2 loads).
 */
export function MainSlot({ children }: { children: ReactNode }) {
  return children;
}
