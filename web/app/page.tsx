import { Suspense } from "react";
import { Home } from "@/components/home";

/** Home: the landing for visitors, the create form once signed in. */
export default function HomePage() {
  return (
    <Suspense>
      <Home />
    </Suspense>
  );
}
