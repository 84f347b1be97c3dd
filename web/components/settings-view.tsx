"use client";
import { useI18n, useTheme } from "./providers";

/** SettingsView: language and theme (kept in this browser only). */
export function SettingsView() {
  const { t, lang, setLang } = useI18n();
  const { theme, set } = useTheme();
  return (
    <section className="stack" style={{ maxWidth: 520 }}>
      <h1>{t("settings_title")}</h1>
      <fieldset className="card">
        <legend>{t("settings_lang")}</legend>
        <div className="segmented" role="group" aria-label={t("settings_lang")}>
          <button type="button" aria-pressed={lang === "ko"} onClick={() => setLang("ko")} lang="ko">
            한국어
          </button>
          <button type="button" aria-pressed={lang === "en"} onClick={() => setLang("en")} lang="en">
            English
          </button>
        </div>
      </fieldset>
      <fieldset className="card">
        <legend>{t("settings_theme")}</legend>
        <div className="segmented" role="group" aria-label={t("settings_theme")}>
          <button type="button" aria-pressed={theme === "light"} onClick={() => set("light")} data-testid="theme-light">
            {t("theme_light")}
          </button>
          <button type="button" aria-pressed={theme === "dark"} onClick={() => set("dark")} data-testid="theme-dark">
            {t("theme_dark")}
          </button>
        </div>
      </fieldset>
    </section>
  );
}
