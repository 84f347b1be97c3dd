import type { Metadata } from "next";
import { Suspense } from "react";
import { MyPage } from "@/components/my-page";

export const metadata: Metadata = { title: "마이페이지" };

/** Page for /me/ (ids come from the query string: static export). */
export default function Page() {
  return (
    <Suspense>
      <MyPage />
    </Suspense>
  );
}
