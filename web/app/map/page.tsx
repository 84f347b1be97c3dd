import type { Metadata } from "next";
import { Suspense } from "react";
import { MapView } from "@/components/map-view";

export const metadata: Metadata = { title: "지도" };

/** Page for /map/ (ids come from the query string: static export). */
export default function Page() {
  return (
    <Suspense>
      <MapView />
    </Suspense>
  );
}
