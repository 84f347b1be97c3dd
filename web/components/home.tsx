"use client";
import { useSearchParams } from "next/navigation";
import { CreateForm } from "./create-form";
import { Landing } from "./landing";
import { useAuth, useI18n } from "./providers";

/** Home: the landing for visitors, the create form once signed in. Until
 * /api/me answers, a skeleton keeps the form's place. */
export function Home() {
  const { user, loaded } = useAuth();
  const { t } = useI18n();
  const deleted = useSearchParams().get("deleted") === "1";
  return (
    <>
      {deleted && (
        <p className="card ok" role="status">
          {t("deleted")}
        </p>
      )}
      {!loaded ? (
        <div className="home-skeleton" aria-busy="true">
          <span className="skeleton line big" />
          <span className="skeleton block" />
        </div>
      ) : user ? (
        <CreateForm />
      ) : (
        <Landing />
      )}
    </>
  );
}
