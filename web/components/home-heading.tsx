"use client";
import type { Key } from "@/lib/i18n";
import { useI18n } from "./providers";

/** PageHeading is a translated h1 with an optional lead line. */
export function PageHeading({ title, lead }: { title: Key; lead?: Key }) {
  const { t } = useI18n();
  return (
    <>
      <h1>{t(title)}</h1>
      {lead && <p className="muted">{t(lead)}</p>}
    </>
  );
}

/** HomeHeading is the home page's heading. */
export function HomeHeading() {
  return <PageHeading title="home_title" lead="tagline" />;
}
