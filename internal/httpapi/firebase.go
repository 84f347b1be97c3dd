package httpapi

import (
	"net/http"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/auth"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// FirebaseWeb is the Firebase web configuration the browser needs to run
// the Google sign-in popup. All three values are public by Firebase's
// design: the API key identifies the project, it grants nothing.
type FirebaseWeb struct {
	APIKey     string `json:"api_key"`
	AuthDomain string `json:"auth_domain"`
	ProjectID  string `json:"project_id"`
}

// authConfigBody answers GET /api/auth/config; Firebase is null when
// Firebase sign-in is off.
type authConfigBody struct {
	Firebase *FirebaseWeb `json:"firebase"`
}

type firebaseRequest struct {
	// IDToken is the Firebase ID token from the client SDK (getIdToken()).
	IDToken string `json:"id_token"`
}

// maxIDTokenLen bounds the token before any parsing; Firebase ID tokens
// are about 1 KB.
const maxIDTokenLen = 8192

// firebaseEnabled: the web configuration is published only when the
// server can also verify the tokens the browser would send.
func (s *Server) firebaseEnabled() bool {
	return s.Access.Auth != nil && s.Access.Auth.Firebase != nil && s.Access.FirebaseWeb != nil
}

func (s *Server) handleAuthConfig() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := authConfigBody{}
		if s.firebaseEnabled() {
			fw := *s.Access.FirebaseWeb
			body.Firebase = &fw
		}
		w.Header().Set("Cache-Control", "public, max-age=300")
		writeJSON(w, http.StatusOK, body)
	})
}

// handleFirebaseSignIn exchanges a Firebase ID token for the same cookie
// session as login: the token gets the bearer path's checks (RS256,
// project, issuer, times, signature) before any database work.
func (s *Server) handleFirebaseSignIn() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req firebaseRequest
		if err := decodeJSON(w, r, s.MaxBodyBytes, &req); err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		tok := strings.TrimSpace(req.IDToken)
		if tok == "" {
			writeError(w, r, s.Log, kmeme.FieldError("id_token", "is required"))
			return
		}
		if len(tok) > maxIDTokenLen {
			writeError(w, r, s.Log, kmeme.FieldError("id_token", "is too long"))
			return
		}
		svc := s.Access.Auth
		if svc.Firebase == nil {
			writeError(w, r, s.Log, kmeme.Errorf(kmeme.EUNAUTHORIZED, "Firebase sign-in is not enabled"))
			return
		}
		sess, err := s.firebaseSession(r, svc, tok)
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		s.writeSession(w, http.StatusOK, sess, r.Header.Get("Origin") == "")
	})
}

// firebaseSession exchanges a Firebase ID token for our own session.
func (s *Server) firebaseSession(r *http.Request, svc *auth.Service, tok string) (*auth.Session, error) {
	return svc.FirebaseLogin(r.Context(), tok, clientIP(r))
}
