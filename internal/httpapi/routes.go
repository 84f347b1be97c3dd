package httpapi

import (
	"net/http"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/recipe"
)

// addRoutes is the whole route table.
func (s *Server) addRoutes() {
	s.handle(Route{Method: "GET", Path: "/healthz", Summary: "Liveness", Tag: "ops", Result: healthBody{}, Handler: s.handleHealthz()})
	s.handle(Route{Method: "GET", Path: "/readyz", Summary: "Readiness: PostgreSQL, Redis, migrations, ffmpeg", Tag: "ops", Result: readyBody{}, Handler: s.handleReadyz()})
	s.handle(Route{Method: "GET", Path: "/metrics", Summary: "Prometheus metrics", Tag: "ops", ResultType: "text/plain", Handler: s.handleMetrics()})
	s.handle(Route{Method: "GET", Path: "/openapi.json", Summary: "This API document (OpenAPI 3.1)", Tag: "ops", ResultType: "application/json", Handler: s.handleOpenAPI()})
	s.handle(Route{Method: "GET", Path: "/docs", Summary: "Human-readable API documentation", Tag: "ops", ResultType: "text/html", Handler: s.handleDocs()})
	s.handle(Route{Method: "GET", Path: "/api/schema/recipe.v1.json", Summary: "The recipe's JSON Schema (version 1, stored recipes)", Tag: "remix",
		ResultType: "application/schema+json", Handler: s.handleRecipeSchema(recipe.SchemaV1JSON)})
	s.handle(Route{Method: "GET", Path: "/api/schema/recipe.v2.json", Summary: "The recipe's JSON Schema (version 2: format reasons, runner-up, evidence)", Tag: "remix",
		ResultType: "application/schema+json", Handler: s.handleRecipeSchema(recipe.SchemaJSON)})
	s.handle(Route{Method: "POST", Path: "/api/remix/{id}/replan", Summary: "Write a finished remix's recipe again with another format (the runner-up); queues plan and render (202)", Tag: "remix",
		Body: replanRequest{}, Status: http.StatusAccepted, Result: nodeBody{}, Auth: true, Limit: "remix", PaidAI: true, Handler: s.handleReplan()})

	// The remix, video, lineage, search and places routes are the
	// platform's (platform.go).
	s.handle(Route{Method: "GET", Path: "/api/me/remixes", Summary: "My remixes, newest first", Tag: "account",
		Query: pageParams, Result: nodeList{}, Auth: true, Handler: s.handleMyRemixes()})

	s.addPlatformRoutes()
	s.addTrustRoutes()
	s.addConsentRoutes()

	if s.Web != nil {
		s.mux.Handle("GET /", s.Web)
	} else {
		s.mux.Handle("/", http.HandlerFunc(s.notFound))
	}
}

var pageParams = []Param{
	{Name: "limit", Type: "integer", Doc: "page size, 1 to 100 (default 20)"},
	{Name: "after", Type: "string", Doc: "cursor from the previous page's next"},
}

// notFound answers unknown paths with a problem document.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	writeProblem(w, Problem{Type: "https://k-meme.com/problems/not_found", Title: "Not found", Status: 404,
		Code: "not_found", Detail: "no such route", Instance: r.URL.Path, RequestID: RequestID(r.Context())})
}

// handleRecipeSchema publishes the recipe's JSON Schema so that clients and
// other engines can validate what they send or receive.
func (s *Server) handleRecipeSchema(doc []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/schema+json")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		_, _ = w.Write(doc)
	})
}

func (s *Server) handleMyRemixes() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := kmeme.CallerFrom(r.Context())
		if c == nil {
			writeError(w, r, s.Log, kmeme.Errorf(kmeme.EUNAUTHORIZED, "sign in first"))
			return
		}
		p, err := pageFrom(r)
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		items, next, err := s.Nodes.ListOwned(r.Context(), c.UserID, p)
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		if items == nil {
			items = []*kmeme.RemixNode{}
		}
		writeJSON(w, http.StatusOK, nodeList{Items: items, Next: next})
	})
}
