"use client";
// App-wide client state: language, theme and the signed-in user. The user is
// kept in memory only (the session itself lives in httpOnly cookies); the
// language and theme preferences are remembered in localStorage.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { api, ApiError } from "@/lib/api";
import { errorKey, translate, type Key, type Lang } from "@/lib/i18n";
import type { Quota, User } from "@/lib/types";

type T = (key: Key, vars?: Record<string, string | number>) => string;

interface LangCtx {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: T;
  /** errorText turns any thrown value into a plain-language message. */
  errorText: (e: unknown) => string;
}

interface AuthCtx {
  user: User | null;
  quota: Quota | null;
  /** loaded is false until the first /api/me answer. */
  loaded: boolean;
  reload: () => Promise<void>;
  setUser: (u: User | null) => void;
}

type Theme = "light" | "dark";
interface ThemeCtx {
  theme: Theme;
  toggle: () => void;
  set: (t: Theme) => void;
}

/** newQueryClient: server state for every view. A failed read is retried
 * once (never a 4xx), everything refetches when the network comes back. */
function newQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // Run (and fail) while offline too, so an offline read shows its
        // error with a retry instead of waiting silently; it refetches on
        // reconnect either way.
        networkMode: "always",
        refetchOnWindowFocus: false,
        refetchOnReconnect: true,
        retry: (n, e) => n < 1 && !(e instanceof ApiError && e.status >= 400 && e.status < 500),
      },
    },
  });
}

const LangContext = createContext<LangCtx | null>(null);
const AuthContext = createContext<AuthCtx | null>(null);
const ThemeContext = createContext<ThemeCtx | null>(null);

function readPref(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function writePref(key: string, v: string) {
  try {
    window.localStorage.setItem(key, v);
  } catch {
    /* private mode: the preference just is not remembered */
  }
}

/** Providers wraps the app with language, theme and auth state. */
export function Providers({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>("ko");
  const [theme, setTheme] = useState<Theme>("light");
  const [user, setUser] = useState<User | null>(null);
  const [quota, setQuota] = useState<Quota | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [queryClient] = useState(newQueryClient);

  useEffect(() => {
    // Marks the moment React is hydrated (tests and bench-web wait on it).
    document.documentElement.dataset.hydrated = "1";
    const l = readPref("kmeme_lang");
    if (l === "en" || l === "ko") setLangState(l);
    const th = readPref("kmeme_theme");
    if (th === "dark" || th === "light") setTheme(th);
    else if (window.matchMedia?.("(prefers-color-scheme: dark)").matches) setTheme("dark");
  }, []);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    writePref("kmeme_lang", l);
  }, []);

  const reload = useCallback(async () => {
    try {
      const me = await api.me();
      setUser(me.user);
      setQuota(me.quota ?? null);
    } catch {
      setUser(null);
      setQuota(null);
    } finally {
      setLoaded(true);
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  const langValue = useMemo<LangCtx>(() => {
    const t: T = (key, vars) => translate(lang, key, vars);
    const errorText = (e: unknown) => {
      if (e instanceof ApiError) {
        // The server's detail is English and technical: it is shown only
        // behind "자세히" (components/ui/error-box.tsx), never here.
        let msg = t(errorKey(e.code));
        if (e.retryAfter) msg += " " + t("err_retry_in", { n: e.retryAfter });
        return msg;
      }
      if (e instanceof Error && e.message === "network") return t("err_network");
      return t("err_internal");
    };
    return { lang, setLang, t, errorText };
  }, [lang, setLang]);

  const themeValue = useMemo<ThemeCtx>(
    () => ({
      theme,
      set: (next: Theme) => {
        writePref("kmeme_theme", next);
        setTheme(next);
      },
      toggle: () =>
        setTheme((th) => {
          const next = th === "dark" ? "light" : "dark";
          writePref("kmeme_theme", next);
          return next;
        }),
    }),
    [theme],
  );

  const authValue = useMemo<AuthCtx>(() => ({ user, quota, loaded, reload, setUser }), [user, quota, loaded, reload]);

  return (
    <LangContext.Provider value={langValue}>
      <ThemeContext.Provider value={themeValue}>
        <AuthContext.Provider value={authValue}>
          <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
        </AuthContext.Provider>
      </ThemeContext.Provider>
    </LangContext.Provider>
  );
}

/** useI18n gives the translator and language switch. */
export function useI18n(): LangCtx {
  const c = useContext(LangContext);
  if (!c) throw new Error("useI18n outside Providers");
  return c;
}

/** useAuth gives the signed-in user. */
export function useAuth(): AuthCtx {
  const c = useContext(AuthContext);
  if (!c) throw new Error("useAuth outside Providers");
  return c;
}

/** useTheme gives the colour theme. */
export function useTheme(): ThemeCtx {
  const c = useContext(ThemeContext);
  if (!c) throw new Error("useTheme outside Providers");
  return c;
}
