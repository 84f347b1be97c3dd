"use client";
// Text search in Korean or English (?q=), plus what is trending.
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import { api } from "@/lib/api";
import type { RemixNode, ScoredNode } from "@/lib/types";
import { useI18n } from "./providers";
import { NodeList } from "./ui/node-list";

/** SearchView is the search page. */
export function SearchView() {
  const { t, errorText } = useI18n();
  const params = useSearchParams();
  const router = useRouter();
  const q = params.get("q") ?? "";
  const [text, setText] = useState(q);
  const [results, setResults] = useState<ScoredNode[] | null>(null);
  const [trending, setTrending] = useState<{ node: RemixNode; remixes: number }[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setText(q);
    if (!q.trim()) {
      setResults(null);
      return;
    }
    let cancelled = false;
    setError(null);
    api
      .search(q.trim(), 20)
      .then((r) => !cancelled && setResults(r.items))
      .catch((e) => !cancelled && setError(errorText(e)));
    return () => {
      cancelled = true;
    };
  }, [q, errorText]);

  useEffect(() => {
    api
      .trending(7)
      .then((r) => setTrending(r.items))
      .catch(() => setTrending([]));
  }, []);

  function submit(e: FormEvent) {
    e.preventDefault();
    router.push(`/search/?q=${encodeURIComponent(text.trim())}`);
  }

  return (
    <section className="stack">
      <h1>{t("search_title")}</h1>
      <form role="search" onSubmit={submit} className="btn-row">
        <label htmlFor="q" className="visually-hidden">
          {t("search_title")}
        </label>
        <input id="q" type="search" value={text} placeholder={t("search_placeholder")} onChange={(e) => setText(e.target.value)} style={{ flex: "1 1 220px", width: "auto" }} />
        <button type="submit" className="btn">
          {t("search_submit")}
        </button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {results && (
        <div aria-live="polite">
          <NodeList items={results.map((r) => ({ node: r.node, extra: `${t("score")} ${r.score.toFixed(2)}` }))} q={q} empty={t("no_results")} />
        </div>
      )}
      <h2>{t("trending")}</h2>
      {trending === null ? <p className="muted">{t("loading")}</p> : <NodeList items={trending.map((r) => ({ node: r.node, extra: t("remix_count", { n: r.remixes }) }))} empty={t("no_results")} />}
    </section>
  );
}
