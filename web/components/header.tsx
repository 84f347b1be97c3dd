"use client";
import { Link } from "./ui/link";
import { usePathname, useRouter } from "next/navigation";
import { api } from "@/lib/api";
import { useAuth, useI18n, useTheme } from "./providers";

/** Header is the top bar: brand, navigation (desktop), language and theme
 * switches and the sign-in slot. It is one row on a phone; the sign-in slot
 * keeps its size while /api/me is pending, so nothing shifts when it answers. */
export function Header() {
  const { t, lang, setLang } = useI18n();
  const { theme, toggle } = useTheme();
  const { user, setUser, loaded } = useAuth();
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
        <span className="brand-name">{t("app_name")}</span>
      </Link>
      <nav aria-label={lang === "ko" ? "주 메뉴" : "Main"} className="top-nav">
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
        <button
          type="button"
          className="btn ghost icon"
          onClick={() => setLang(lang === "ko" ? "en" : "ko")}
          lang={lang === "ko" ? "en" : "ko"}
          title={t("lang_switch_label")}
          data-testid="lang-toggle"
        >
          {lang === "ko" ? "EN" : "한"}
        </button>
        <button
          type="button"
          className="btn ghost icon"
          onClick={toggle}
          aria-pressed={theme === "dark"}
          aria-label={theme === "dark" ? t("theme_light") : t("theme_dark")}
          title={theme === "dark" ? t("theme_light") : t("theme_dark")}
          data-testid="theme-toggle"
        >
          <span aria-hidden="true">{theme === "dark" ? "☀" : "☾"}</span>
        </button>
        <span className="auth-slot">
          {!loaded ? (
            <span className="btn small skeleton-btn" aria-hidden="true" />
          ) : user ? (
            <button type="button" className="btn ghost small" onClick={logout}>
              {t("nav_logout")}
            </button>
          ) : (
            <Link className="btn small" href="/login/">
              {t("nav_login")}
            </Link>
          )}
        </span>
      </div>
    </header>
  );
}

/** BottomNav is the phone's tab bar: 만들기 / 검색 / 지도 / MY. */
export function BottomNav() {
  const { t } = useI18n();
  const { user, loaded } = useAuth();
  const path = usePathname() ?? "/";
  const tabs = [
    { href: "/", label: t("nav_home"), icon: "＋", on: path === "/" },
    { href: "/search/", label: t("nav_search"), icon: "⌕", on: path.startsWith("/search") },
    { href: "/map/", label: t("nav_map"), icon: "◎", on: path.startsWith("/map") },
    { href: loaded && !user ? "/login/" : "/me/", label: t("nav_me_short"), icon: "☺", on: path.startsWith("/me") || path.startsWith("/settings") || path.startsWith("/login") },
  ];
  return (
    <nav className="bottom-nav" aria-label={t("nav_home") + " · " + t("nav_search") + " · " + t("nav_map") + " · MY"}>
      {tabs.map((x) => (
        <Link key={x.href + x.label} href={x.href} aria-current={x.on ? "page" : undefined}>
          <span aria-hidden="true" className="tab-icon">
            {x.icon}
          </span>
          <span>{x.label}</span>
        </Link>
      ))}
    </nav>
  );
}
