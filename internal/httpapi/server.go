// Package httpapi is K-MEME Factory's HTTP API: one route table (routes.go),
// handlers as functions returning http.Handler, middleware as
// func(http.Handler) http.Handler, RFC 9457 problem documents for every
// error, and an OpenAPI 3.1 document generated from the route table's Go
// types.
package httpapi

import (
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// Deps is everything the API needs; NewServer wires it into routes.
type Deps struct {
	Log     *slog.Logger
	Metrics *Metrics
	Version string

	// TrustedProxies are the load balancers whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	// CORSOrigins are the browser origins allowed to call the API.
	CORSOrigins []string
	// MaxBodyBytes caps JSON bodies.
	MaxBodyBytes int64
	// RequestTimeout bounds ordinary handlers (not streams or uploads).
	RequestTimeout time.Duration

	Nodes kmeme.RemixNodeService
	// Ready lists the readiness checks of /readyz.
	Ready []ReadyCheck
	// Web serves the front end at / (optional).
	Web http.Handler

	// Content carries the remix, video, lineage, search and place
	// services; Access carries sign-in, rate limits, quotas and privacy.
	Content ContentDeps
	Access  AccessDeps
}

// Server routes requests and documents its routes.
type Server struct {
	Deps
	mux    *http.ServeMux
	routes []Route
}

// NewServer returns the API with its middleware.
func NewServer(d Deps) http.Handler {
	s := newServer(d)
	var h http.Handler = withPattern(s.mux)
	h = s.withTrust(h)
	h = withTextCheck(h)
	h = withAccessLog(s.Log, s.Metrics)(h)
	h = withCORS(s.CORSOrigins)(h)
	h = withSecurityHeaders(true)(h)
	h = withRecover(s.Log)(h)
	h = withClientIP(s.TrustedProxies)(h)
	h = withRequestID(h)
	return h
}

func newServer(d Deps) *Server {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Metrics == nil {
		d.Metrics = NewMetrics()
	}
	if d.MaxBodyBytes == 0 {
		d.MaxBodyBytes = 1 << 20
	}
	s := &Server{Deps: d, mux: http.NewServeMux()}
	s.addRoutes()
	return s
}

// handle registers a route in the mux and in the API document.
func (s *Server) handle(rt Route) {
	h := s.guard(rt, rt.Handler)
	if !rt.Long {
		h = withTimeout(s.RequestTimeout, h)
	}
	s.mux.Handle(rt.Method+" "+rt.Path, h)
	s.routes = append(s.routes, rt)
}

// Route is one entry of the route table, with what the API document says of it.
type Route struct {
	Method  string
	Path    string // Go 1.22 pattern, e.g. /api/remix/{id}
	Summary string
	Tag     string
	Query   []Param
	Body    any // a value of the request body's type, or nil
	Status  int // success status, default 200
	Result  any // a value of the answer's type, or nil for no body
	// ResultType overrides the answer's media type (files, streams).
	ResultType string
	Auth       bool // needs a signed-in caller
	// Limit names the rate-limit budget the route spends from: "read",
	// "upload", "remix" or "auth" ("" = read for GET, remix otherwise).
	Limit string
	// Quota is how many units of the caller's daily quota a success costs.
	Quota int
	// PaidAI marks routes that may cause paid AI calls: when the limiter's
	// store is down they fail closed instead of open.
	PaidAI  bool
	Long    bool // streams or uploads: no request timeout
	Handler http.Handler
}

// Param is a documented query parameter.
type Param struct {
	Name     string
	Type     string // string, integer, number, boolean
	Required bool
	Doc      string
}
