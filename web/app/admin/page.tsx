import type { Metadata } from "next";
import { Suspense } from "react";
import { AdminCosts } from "@/components/admin-costs";

export const metadata: Metadata = { title: "관리자" };

/** Page for /admin/ (ids come from the query string: static export). */
export default function Page() {
  return (
    <Suspense>
      <AdminCosts />
    </Suspense>
  );
}
