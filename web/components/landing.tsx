"use client";
// The visitor's first five seconds: what the product makes (a real public
// recipe, original keyframe → Korean recipe), a few public recipe cards,
// "샘플 레시피 보기" that needs no sign-in, and one call to action.
import { Link } from "./ui/link";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api";
import type { ShowcaseItem } from "@/lib/types";
import { enumKey } from "@/lib/i18n";
import { safeUrl } from "@/lib/sanitize";
import { useI18n } from "./providers";
import { ErrorBox } from "./ui/error-box";
import { CardsSkeleton } from "./ui/skeleton";
import { Thumb } from "./ui/thumb";

function RecipeCard({ it }: { it: ShowcaseItem }) {
  const { t } = useI18n();
  const facts = [
    it.bpm ? `${Math.round(it.bpm)} BPM` : null,
    it.shoot_minutes ? t("card_shoot", { n: it.shoot_minutes }) : null,
    it.shots ? t("card_shots", { n: it.shots }) : null,
  ].filter(Boolean);
  return (
    <li className="recipe-card">
      <Link href={`/remix/?id=${encodeURIComponent(it.id)}`} data-testid="public-recipe-card">
        <Thumb src={it.keyframe ? safeUrl(it.keyframe) : null} alt="" className="card-img" />
        <strong className="card-title">{it.title || t("untitled")}</strong>
        <span className="muted small-text">{facts.join(" · ")}</span>
      </Link>
    </li>
  );
}

/** Flow is the looping "original → Korean recipe" example built from a real card. */
function Flow({ it }: { it?: ShowcaseItem }) {
  const { t } = useI18n();
  return (
    <div className="flow" aria-hidden="true">
      <div className="flow-a">
        <Thumb src={it?.keyframe ? safeUrl(it.keyframe) : null} alt="" className="flow-img" />
        <span className="flow-label">{t("landing_flow_a")}</span>
      </div>
      <span className="flow-arrow">→</span>
      <div className="flow-b">
        <span className="flow-line">{it?.hook || t("tagline")}</span>
        <span className="flow-line small">{it?.bpm ? `${Math.round(it.bpm)} BPM` : "BPM"} · {it?.shots ? t("card_shots", { n: it.shots }) : t("shot_list")}</span>
        <span className="flow-line small">{it?.difficulty ? `${t("difficulty")} ${t(enumKey("difficulty", it.difficulty))}` : t("casual") + " · " + t("polite")}</span>
        <span className="flow-label">{t("landing_flow_b")}</span>
      </div>
    </div>
  );
}

export function Landing() {
  const { t } = useI18n();
  const q = useQuery({ queryKey: ["showcase", 6], queryFn: () => api.showcase(6) });
  const items = q.data?.items ?? [];
  const sample = items[0];
  return (
    <div className="landing">
      <section className="hero">
        <div className="hero-text">
          <h1>{t("landing_title")}</h1>
          <p className="muted">{t("landing_lead")}</p>
          <div className="btn-row">
            <Link className="btn big" href="/login/?mode=signup" data-testid="landing-cta">
              {t("landing_cta")}
            </Link>
            {sample && (
              <Link className="btn ghost big" href={`/remix/?id=${encodeURIComponent(sample.id)}`} data-testid="landing-sample">
                {t("landing_sample")}
              </Link>
            )}
          </div>
        </div>
        <Flow it={sample} />
      </section>
      <section aria-labelledby="cards-h">
        <h2 id="cards-h">{t("landing_cards")}</h2>
        {q.isError ? (
          <ErrorBox error={q.error} onRetry={() => void q.refetch()} />
        ) : !q.data ? (
          <CardsSkeleton n={3} />
        ) : items.length === 0 ? (
          <p className="muted empty-state">{t("landing_empty")}</p>
        ) : (
          <ul className="recipe-cards">
            {items.map((it) => (
              <RecipeCard key={it.id} it={it} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
