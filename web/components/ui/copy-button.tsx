"use client";
import { useState } from "react";
import { useI18n } from "../providers";

/** CopyButton copies text to the clipboard and says so (also to screen readers). */
export function CopyButton({ text, label }: { text: string; label?: string }) {
  const { t } = useI18n();
  const [done, setDone] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Clipboard API unavailable (http, old browser): select-and-copy fallback.
      const ta = document.createElement("textarea");
      ta.value = text;
      ta.setAttribute("readonly", "");
      ta.style.position = "fixed";
      ta.style.opacity = "0";
      document.body.appendChild(ta);
      ta.select();
      try {
        document.execCommand("copy");
      } finally {
        ta.remove();
      }
    }
    setDone(true);
    window.setTimeout(() => setDone(false), 1500);
  }
  return (
    <button type="button" className="btn ghost small" onClick={copy} aria-label={label ? `${t("copy")}: ${label}` : t("copy")}>
      <span aria-live="polite">{done ? t("copied") : t("copy")}</span>
    </button>
  );
}
