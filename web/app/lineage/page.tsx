import type { Metadata } from "next";
import { Suspense } from "react";
import { LineageView } from "@/components/lineage-view";

export const metadata: Metadata = { title: "계보" };

/** Page for /lineage/ (ids come from the query string: static export). */
export default function Page() {
  return (
    <Suspense>
      <LineageView />
    </Suspense>
  );
}
