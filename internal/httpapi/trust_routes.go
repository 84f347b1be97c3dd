package httpapi

import (
	"net/http"
	"regexp"
	"time"

	"github.com/kmeme-factory/kmeme/internal/auth"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/quota"
)

type signupRequest struct {
	Email       string `json:"email"`
	Password    string `json:"password"`
	DisplayName string `json:"display_name,omitempty"`
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token,omitempty"`
}

// sessionBody is the answer of signup, login and refresh. The refresh
// token is in the body only for API clients (requests without an Origin
// header, or a refresh that sent its token in the body); browsers always
// send Origin on POST and get it only as an httpOnly cookie.
type sessionBody struct {
	User         kmeme.User `json:"user"`
	AccessToken  string     `json:"access_token"`
	ExpiresIn    int        `json:"expires_in"`
	RefreshToken string     `json:"refresh_token,omitempty"`
}

type meBody struct {
	User  kmeme.User    `json:"user"`
	Quota *quota.Status `json:"quota,omitempty"`
}

type quotaOverrideRequest struct {
	// DailyLimit is remixes per day; null returns the user to their plan's limit.
	DailyLimit *int64 `json:"daily_limit"`
}

// addTrustRoutes registers sign-in, account and admin routes.
func (s *Server) addTrustRoutes() {
	if s.Access.Auth == nil {
		return
	}
	s.handle(Route{Method: "POST", Path: "/api/auth/signup", Summary: "Create a local account and sign in (sets session cookies)", Tag: "auth",
		Limit: "auth", Body: signupRequest{}, Status: http.StatusCreated, Result: sessionBody{}, Handler: s.handleSignup()})
	s.handle(Route{Method: "POST", Path: "/api/auth/login", Summary: "Sign in with e-mail and password (sets session cookies)", Tag: "auth",
		Limit: "auth", Body: loginRequest{}, Result: sessionBody{}, Handler: s.handleLogin()})
	s.handle(Route{Method: "GET", Path: "/api/auth/config", Summary: "Which sign-in methods the web app offers (Firebase web config or null)", Tag: "auth",
		Result: authConfigBody{}, Handler: s.handleAuthConfig()})
	s.handle(Route{Method: "POST", Path: "/api/auth/firebase", Summary: "Exchange a Firebase ID token for a session (sets session cookies)", Tag: "auth",
		Limit: "auth", Body: firebaseRequest{}, Result: sessionBody{}, Handler: s.handleFirebaseSignIn()})
	s.handle(Route{Method: "POST", Path: "/api/auth/refresh", Summary: "Rotate the refresh token (cookie or body) for a new access token", Tag: "auth",
		Limit: "auth", Body: refreshRequest{}, Result: sessionBody{}, Handler: s.handleRefresh()})
	s.handle(Route{Method: "POST", Path: "/api/auth/logout", Summary: "Revoke the refresh token and clear the cookies", Tag: "auth",
		Limit: "auth", Status: http.StatusNoContent, Handler: s.handleLogout()})
	s.handle(Route{Method: "GET", Path: "/.well-known/jwks.json", Summary: "The server's public signing keys (JWKS)", Tag: "auth",
		Result: auth.JWKSet{}, Handler: s.handleJWKS()})
	s.handle(Route{Method: "GET", Path: "/api/me", Summary: "The signed-in account and today's quota", Tag: "account",
		Auth: true, Result: meBody{}, Handler: s.handleMe()})
	if s.Access.Privacy != nil {
		s.handle(Route{Method: "GET", Path: "/api/me/export", Summary: "GDPR export: everything stored about the caller, one JSON document", Tag: "account",
			Auth: true, Long: true, ResultType: "application/json", Handler: s.handleExport()})
		s.handle(Route{Method: "DELETE", Path: "/api/me", Summary: "GDPR erasure of the caller's account (repeatable)", Tag: "account",
			Auth: true, Long: true, Status: http.StatusNoContent, Handler: s.handleErase()})
	}
	if s.Access.Costs != nil {
		s.handle(Route{Method: "GET", Path: "/api/admin/costs", Summary: "AI spend by provider, model and user for a month (admin)", Tag: "admin",
			Auth: true, Query: []Param{{Name: "month", Type: "string", Doc: "YYYY-MM (default this month, UTC)"}},
			Result: kmeme.CostSummary{}, Handler: s.handleAdminCosts()})
	}
	s.handle(Route{Method: "PUT", Path: "/api/admin/users/{id}/quota", Summary: "Override a user's daily quota (admin)", Tag: "admin",
		Auth: true, Body: quotaOverrideRequest{}, Status: http.StatusNoContent, Handler: s.handleQuotaOverride()})
}

// accountLimited spends the per-account sign-in budget (the route's own
// guard spends the per-IP one).
func (s *Server) accountLimited(w http.ResponseWriter, r *http.Request, email string) bool {
	if s.Access.Limiter == nil {
		return true
	}
	res, err := s.Access.Limiter.Allow(r.Context(), "auth", "acct:"+kmeme.NormalizeEmail(email), false)
	if err != nil {
		writeError(w, r, s.Log, err)
		return false
	}
	return writeRateLimit(w, r, s, res)
}

func (s *Server) handleSignup() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req signupRequest
		if err := decodeJSON(w, r, s.MaxBodyBytes, &req); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		if !s.accountLimited(w, r, req.Email) {
			return
		}
		sess, err := s.Access.Auth.Signup(r.Context(), req.Email, req.Password, req.DisplayName, clientIP(r))
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		s.writeSession(w, http.StatusCreated, sess, r.Header.Get("Origin") == "")
	})
}

func (s *Server) handleLogin() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req loginRequest
		if err := decodeJSON(w, r, s.MaxBodyBytes, &req); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		if !s.accountLimited(w, r, req.Email) {
			return
		}
		sess, err := s.Access.Auth.Login(r.Context(), req.Email, req.Password, clientIP(r))
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		s.writeSession(w, http.StatusOK, sess, r.Header.Get("Origin") == "")
	})
}

// refreshToken reads the refresh token from the body or the cookie; the
// cookie path requires the CSRF header.
func (s *Server) refreshToken(w http.ResponseWriter, r *http.Request) (tok string, fromBody bool, err error) {
	if r.ContentLength != 0 {
		var req refreshRequest
		if err := decodeJSON(w, r, s.MaxBodyBytes, &req); err != nil {
			return "", false, err
		}
		if req.RefreshToken != "" {
			return req.RefreshToken, true, nil
		}
	}
	c, cerr := r.Cookie(cookieRefresh)
	if cerr != nil || c.Value == "" {
		return "", false, nil
	}
	if !csrfOK(r) {
		return "", false, kmeme.Errorf(kmeme.EFORBIDDEN, "send the kmeme_csrf cookie's value in the X-CSRF-Token header")
	}
	return c.Value, false, nil
}

func (s *Server) handleRefresh() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, fromBody, err := s.refreshToken(w, r)
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		if tok == "" {
			writeError(w, r, s.Log, kmeme.Errorf(kmeme.EUNAUTHORIZED, "no refresh token; sign in again"))
			return
		}
		sess, err := s.Access.Auth.Refresh(r.Context(), tok, clientIP(r))
		if err != nil {
			if !fromBody {
				s.clearCookies(w)
			}
			writeError(w, r, s.Log, err)
			return
		}
		s.writeSession(w, http.StatusOK, sess, fromBody)
	})
}

func (s *Server) handleLogout() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, _, err := s.refreshToken(w, r)
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		userID := ""
		if c := kmeme.CallerFrom(r.Context()); c != nil {
			userID = c.UserID
		}
		if err := s.Access.Auth.Logout(r.Context(), tok, userID, clientIP(r)); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		s.clearCookies(w)
		w.WriteHeader(http.StatusNoContent)
	})
}

func (s *Server) handleJWKS() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=300")
		writeJSON(w, http.StatusOK, s.Access.Auth.Keys.JWKS())
	})
}

func (s *Server) handleMe() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := kmeme.CallerFrom(r.Context())
		u, err := s.Access.Users.ByID(r.Context(), c.UserID)
		if err != nil {
			if kmeme.ErrorCode(err) == kmeme.ENOTFOUND {
				err = kmeme.Errorf(kmeme.EUNAUTHORIZED, "the account no longer exists")
			}
			writeError(w, r, s.Log, err)
			return
		}
		body := meBody{User: u.User}
		if s.Access.Quota != nil {
			if st, err := s.Access.Quota.Status(r.Context(), c.UserID); err == nil {
				body.Quota = &st
			} else {
				s.Log.WarnContext(r.Context(), "quota status failed", "err", err.Error())
			}
		}
		writeJSON(w, http.StatusOK, body)
	})
}

func (s *Server) handleExport() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := kmeme.CallerFrom(r.Context())
		doc, err := s.Access.Privacy.Export(r.Context(), c.UserID)
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		w.Header().Set("Content-Disposition", `attachment; filename="kmeme-export.json"`)
		writeJSON(w, http.StatusOK, doc)
	})
}

func (s *Server) handleErase() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := kmeme.CallerFrom(r.Context())
		if err := s.Access.Privacy.Erase(r.Context(), c.UserID); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		s.clearCookies(w)
		w.WriteHeader(http.StatusNoContent)
	})
}

var monthRE = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])$`)

func (s *Server) handleAdminCosts() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !kmeme.CallerFrom(r.Context()).IsAdmin() {
			writeError(w, r, s.Log, kmeme.Errorf(kmeme.EFORBIDDEN, "admins only"))
			return
		}
		month := r.URL.Query().Get("month")
		if month == "" {
			month = time.Now().UTC().Format("2006-01")
		}
		if !monthRE.MatchString(month) {
			writeError(w, r, s.Log, kmeme.FieldError("month", "must be YYYY-MM"))
			return
		}
		sum, err := s.Access.Costs.Summary(r.Context(), month)
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		writeJSON(w, http.StatusOK, sum)
	})
}

func (s *Server) handleQuotaOverride() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := kmeme.CallerFrom(r.Context())
		if !c.IsAdmin() {
			writeError(w, r, s.Log, kmeme.Errorf(kmeme.EFORBIDDEN, "admins only"))
			return
		}
		var req quotaOverrideRequest
		if err := decodeJSON(w, r, s.MaxBodyBytes, &req); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		if req.DailyLimit != nil && (*req.DailyLimit < 0 || *req.DailyLimit > 1_000_000) {
			writeError(w, r, s.Log, kmeme.FieldError("daily_limit", "must be between 0 and 1000000, or null"))
			return
		}
		id := r.PathValue("id")
		if err := s.Access.Users.SetQuotaOverride(r.Context(), id, req.DailyLimit); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		if s.Access.Audit != nil {
			detail := map[string]any{"target": id, "daily_limit": req.DailyLimit}
			_ = s.Access.Audit.Record(r.Context(), c.UserID, kmeme.AuditQuotaSet, clientIP(r), detail)
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// writeSession sets the browser cookies and answers the session.
func (s *Server) writeSession(w http.ResponseWriter, status int, sess *auth.Session, refreshInBody bool) {
	ttl := int(sess.ExpiresIn / time.Second)
	rttl := int(sess.RefreshTTL / time.Second)
	http.SetCookie(w, &http.Cookie{Name: cookieSession, Value: sess.AccessToken, Path: "/", MaxAge: ttl,
		HttpOnly: true, Secure: s.Access.CookieSecure, SameSite: http.SameSiteLaxMode})
	http.SetCookie(w, &http.Cookie{Name: cookieRefresh, Value: sess.RefreshToken, Path: "/api/auth", MaxAge: rttl,
		HttpOnly: true, Secure: s.Access.CookieSecure, SameSite: http.SameSiteStrictMode})
	http.SetCookie(w, &http.Cookie{Name: cookieCSRF, Value: auth.RandomToken(), Path: "/", MaxAge: rttl,
		Secure: s.Access.CookieSecure, SameSite: http.SameSiteLaxMode})
	w.Header().Set("Cache-Control", "no-store")
	body := sessionBody{User: sess.User, AccessToken: sess.AccessToken, ExpiresIn: ttl}
	if refreshInBody {
		body.RefreshToken = sess.RefreshToken
	}
	writeJSON(w, status, body)
}

func (s *Server) clearCookies(w http.ResponseWriter) {
	for _, c := range []struct{ name, path string }{{cookieSession, "/"}, {cookieRefresh, "/api/auth"}, {cookieCSRF, "/"}} {
		http.SetCookie(w, &http.Cookie{Name: c.name, Value: "", Path: c.path, MaxAge: -1,
			HttpOnly: c.name != cookieCSRF, Secure: s.Access.CookieSecure, SameSite: http.SameSiteLaxMode})
	}
}
