import type { Metadata } from "next";
import { Suspense } from "react";
import { RecipeView } from "@/components/recipe/recipe-view";

export const metadata: Metadata = { title: "레시피" };

/** Page for /remix/ (ids come from the query string: static export). */
export default function Page() {
  return (
    <Suspense>
      <RecipeView />
    </Suspense>
  );
}
