"use client";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { api } from "@/lib/api";
import { useAuth, useI18n, useTheme } from "./providers";

/** Header is the top bar: brand, navigation, language and theme switches. */
export function Header() {
  const { t, lang, setLang } = useI18n();
  const { theme, toggle } = useTheme();
  const { user, setUser } = useAuth();
  const path = usePathname();
  const router = useRouter();
  const links: { href: string; label: string }[] = [
    { href: "/", label: t("nav_home") },
    { href: "/search/", label: t("nav_search") },
    { href: "/map/", label: t("nav_map") },
  ];
  if (user) links.push({ href: "/me/", label: t("nav_me") });
  if (user?.role === "admin") links.push({ href: "/admin/", label: t("nav_admin") });
  const current = (href: string) => (href === "/" ? path === "/" : path?.startsWith(href.replace(/\/$/, "")));

  async function logout() {
    try {
      await api.logout();
    } finally {
      setUser(null);
      router.push("/login/");
    }
  }

  return (
    <header className="site-header">
      <a className="skip-link" href="#main">
        {t("skip_to_content")}
      </a>
      <Link href="/" className="brand">
        <span aria-hidden="true" className="brand-mark">
          K
        </span>
        {t("app_name")}
      </Link>
      <nav aria-label={lang === "ko" ? "주 메뉴" : "Main"}>
        <ul className="nav-list">
          {links.map((l) => (
            <li key={l.href}>
              <Link href={l.href} aria-current={current(l.href) ? "page" : undefined}>
                {l.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="header-tools">
        <button type="button" className="btn ghost small" onClick={() => setLang(lang === "ko" ? "en" : "ko")} lang={lang === "ko" ? "en" : "ko"} title={t("lang_switch_label")} data-testid="lang-toggle">
          {t("lang_switch")}
        </button>
        <button type="button" className="btn ghost small" onClick={toggle} aria-pressed={theme === "dark"} data-testid="theme-toggle">
          {theme === "dark" ? t("theme_light") : t("theme_dark")}
        </button>
        {user ? (
          <button type="button" className="btn ghost small" onClick={logout}>
            {t("nav_logout")}
          </button>
        ) : (
          <Link className="btn small" href="/login/">
            {t("nav_login")}
          </Link>
        )}
      </div>
    </header>
  );
}
