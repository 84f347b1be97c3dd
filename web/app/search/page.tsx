import type { Metadata } from "next";
import { Suspense } from "react";
import { SearchView } from "@/components/search-view";

export const metadata: Metadata = { title: "검색" };

/** Page for /search/ (ids come from the query string: static export). */
export default function Page() {
  return (
    <Suspense>
      <SearchView />
    </Suspense>
  );
}
