"use client";
// Admin: AI cost by month, provider and model as SVG bars (no chart library:
// the first-load budget), and the budget left this month.
import { useEffect, useState } from "react";
import { api } from "@/lib/api";
import type { CostSummary } from "@/lib/types";
import { useAuth, useI18n } from "./providers";

function monthsBack(n: number, from = new Date()): string[] {
  const out: string[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() - i, 1));
    out.push(d.toISOString().slice(0, 7));
  }
  return out;
}

const usd = (n: number) => `$${n.toFixed(n < 10 ? 2 : 0)}`;

/** Bars is a horizontal bar chart with an optional budget line. */
function Bars({ rows, label, budget }: { rows: { label: string; value: number }[]; label: string; budget?: number }) {
  const max = Math.max(budget ?? 0, ...rows.map((r) => r.value), 0.0001);
  const rowH = 28;
  const labelW = 150;
  const W = 560;
  const barW = W - labelW - 70;
  return (
    <svg className="bars" viewBox={`0 0 ${W} ${rows.length * rowH + 10}`} role="img" aria-label={label} style={{ width: "100%", maxWidth: W }}>
      <title>{label}</title>
      {rows.map((r, i) => (
        <g key={r.label} transform={`translate(0,${i * rowH + 4})`}>
          <text x={0} y={17}>
            {r.label.length > 22 ? r.label.slice(0, 21) + "…" : r.label}
          </text>
          <rect className="bar" x={labelW} y={4} height={18} width={Math.max(1, (r.value / max) * barW)} rx={3} />
          <text x={labelW + (r.value / max) * barW + 6} y={17}>
            {usd(r.value)}
          </text>
        </g>
      ))}
      {budget ? <line x1={labelW + barW} x2={labelW + barW} y1={0} y2={rows.length * rowH + 10} strokeDasharray="4 3" /> : null}
    </svg>
  );
}

/** AdminCosts is the admin page. */
export function AdminCosts() {
  const { t, errorText } = useI18n();
  const { user, loaded } = useAuth();
  const [month, setMonth] = useState(() => new Date().toISOString().slice(0, 7));
  const [summary, setSummary] = useState<CostSummary | null>(null);
  const [history, setHistory] = useState<CostSummary[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!user) return;
    setError(null);
    api
      .adminCosts(month)
      .then(setSummary)
      .catch((e) => setError(errorText(e)));
  }, [user, month, errorText]);

  useEffect(() => {
    if (!user) return;
    Promise.all(monthsBack(6).map((m) => api.adminCosts(m).catch(() => null))).then((xs) => setHistory(xs.filter((x): x is CostSummary => !!x)));
  }, [user]);

  if (!loaded) return <p aria-busy="true">{t("loading")}</p>;
  if (!user || user.role !== "admin")
    return (
      <p className="error" role="alert">
        {t("err_forbidden")}
      </p>
    );

  return (
    <section className="stack">
      <h1>{t("admin_title")}</h1>
      <div className="field" style={{ maxWidth: 220 }}>
        <label htmlFor="month">{t("month")}</label>
        <input id="month" type="month" value={month} onChange={(e) => e.target.value && setMonth(e.target.value)} />
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {summary && (
        <>
          <div className="grid two">
            <div className="card">
              <p className="muted">{t("total")}</p>
              <p style={{ fontSize: "1.6rem", fontWeight: 800 }}>{usd(summary.total_usd)}</p>
              <p className="small-text">
                {t("calls")}: {summary.calls}
              </p>
            </div>
            <div className="card">
              <p className="muted">{t("budget_left")}</p>
              <p style={{ fontSize: "1.6rem", fontWeight: 800 }} className={summary.left_usd < 0 ? "error" : "ok"}>
                {usd(summary.left_usd)}
              </p>
              <p className="small-text">
                {t("budget")}: {usd(summary.budget_usd)}
              </p>
            </div>
          </div>
          <h2>{t("by_model")}</h2>
          {summary.by_model.length ? (
            <>
              <Bars rows={summary.by_model.map((b) => ({ label: `${b.provider ?? ""}/${b.model ?? ""}`, value: b.cost_usd }))} label={t("chart_alt", { what: t("by_model") })} />
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t("provider")}</th>
                      <th scope="col">{t("model")}</th>
                      <th scope="col">{t("calls")}</th>
                      <th scope="col">{t("tokens")}</th>
                      <th scope="col">{t("cost")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {summary.by_model.map((b) => (
                      <tr key={`${b.provider}/${b.model}`}>
                        <td>{b.provider}</td>
                        <td>{b.model}</td>
                        <td>{b.calls}</td>
                        <td>
                          {b.input_tokens.toLocaleString()} / {b.output_tokens.toLocaleString()}
                        </td>
                        <td>{usd(b.cost_usd)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          ) : (
            <p className="muted">{t("no_results")}</p>
          )}
        </>
      )}
      {history.length > 0 && (
        <>
          <h2>{t("by_month")}</h2>
          <Bars rows={history.map((h) => ({ label: h.month, value: h.total_usd }))} label={t("chart_alt", { what: t("by_month") })} budget={history[history.length - 1]?.budget_usd} />
        </>
      )}
    </section>
  );
}
