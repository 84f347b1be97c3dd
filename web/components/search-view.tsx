"use client";
// Text search in Korean or English (?q=), plus what is trending. Server
// state through TanStack Query; an error is not an empty result.
import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import { api } from "@/lib/api";
import { useI18n } from "./providers";
import { ErrorBox } from "./ui/error-box";
import { NodeList, similarWord } from "./ui/node-list";
import { ListSkeleton } from "./ui/skeleton";

/** SearchView is the search page. */
export function SearchView() {
  const { t } = useI18n();
  const params = useSearchParams();
  const q = (params.get("q") ?? "").trim();
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  const results = useQuery({ queryKey: ["search", q], queryFn: () => api.search(q, 20), enabled: q !== "" });
  const trending = useQuery({ queryKey: ["trending", 7], queryFn: () => api.trending(7) });

  function submit(e: FormEvent) {
    e.preventDefault();
    // The same page with another query: change the URL in place (Next syncs
    // useSearchParams with history.pushState), so no route payload is
    // fetched and a search works offline far enough to say so.
    window.history.pushState(null, "", `/search/?q=${encodeURIComponent(text.trim())}`);
  }

  return (
    <section className="stack">
      <h1>{t("search_title")}</h1>
      <form role="search" onSubmit={submit} className="search-row">
        <label htmlFor="q" className="visually-hidden">
          {t("search_title")}
        </label>
        <input id="q" type="search" value={text} placeholder={t("search_placeholder")} onChange={(e) => setText(e.target.value)} />
        <button type="submit" className="btn">
          {t("search_submit")}
        </button>
      </form>
      {q !== "" && (
        <div aria-live="polite">
          {results.isError ? (
            <ErrorBox error={results.error} onRetry={() => void results.refetch()} />
          ) : results.data ? (
            <NodeList items={results.data.items.map((r) => ({ node: r.node, extra: t(similarWord(r.score)) }))} q={q} empty={t("no_results")} />
          ) : (
            <ListSkeleton rows={3} />
          )}
        </div>
      )}
      {/* Trending waits below the results until they are in: a results list
          shorter or longer than its skeleton would otherwise move it. */}
      {(q === "" || results.isError || results.data) && (
        <>
          <h2>{t("trending")}</h2>
          {trending.isError ? (
            <ErrorBox error={trending.error} onRetry={() => void trending.refetch()} />
          ) : trending.data ? (
            <NodeList items={trending.data.items.map((r) => ({ node: r.node, extra: t("remix_count", { n: r.remixes }) }))} empty={t("no_results")} />
          ) : (
            <ListSkeleton rows={3} />
          )}
        </>
      )}
    </section>
  );
}
