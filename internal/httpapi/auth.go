package httpapi

import (
	"net/http"
	"time"

	"github.com/kmeme-factory/kmeme/internal/auth"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
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
