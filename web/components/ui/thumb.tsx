"use client";
import { useState } from "react";

/** Thumb is a 9:16 keyframe with its box reserved (no layout shift); a
 * missing image leaves a tinted placeholder, never a broken icon. */
export function Thumb({ src, alt, className }: { src?: string | null; alt: string; className?: string }) {
  const [broken, setBroken] = useState(false);
  return (
    <span className={`thumb ${className ?? ""}`}>
      {src && !broken ? (
        // eslint-disable-next-line @next/next/no-img-element
        <img src={src} alt={alt} loading="lazy" decoding="async" width={90} height={160} onError={() => setBroken(true)} />
      ) : (
        <span className="thumb-empty" role="img" aria-label={alt}>
          K
        </span>
      )}
    </span>
  );
}

/** shortDate is "12월 2일" (or "Dec 2"), with the year when it is not this year's. */
export function shortDate(iso: string, lang: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const opts: Intl.DateTimeFormatOptions = { month: "short", day: "numeric" };
  if (d.getFullYear() !== new Date().getFullYear()) opts.year = "numeric";
  return d.toLocaleDateString(lang === "ko" ? "ko-KR" : "en-US", opts);
}
