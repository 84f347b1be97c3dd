package httpapi

import (
	"net/http"

	"github.com/kmeme-factory/kmeme/internal/auth"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/recipe"
)

// addRoutes is the whole route table: every route with its sign-in
// (Auth), rate-limit budget (Limit), quota and paid-AI flags; the OpenAPI
// document (openapi.go) and /docs are generated from it.
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

	s.handle(Route{Method: "GET", Path: "/api/me/remixes", Summary: "My remixes, newest first", Tag: "account",
		Query: pageParams, Result: nodeList{}, Auth: true, Handler: s.handleMyRemixes()})

	// Videos, remixes, lineage, search and places (handlers in videos.go,
	// remixes.go, files.go, events.go, lineage.go, search.go, places.go).
	s.handle(Route{Method: "POST", Path: "/api/videos", Summary: "Upload a video (multipart/form-data, field file); 200 when the same content exists",
		Tag: "videos", Status: http.StatusCreated, Result: kmeme.Video{}, Auth: true, Limit: "upload", Long: true, Handler: s.handleUploadVideo()})
	s.handle(Route{Method: "POST", Path: "/api/videos/import", Summary: "Import a video from an http(s) URL",
		Tag: "videos", Body: importRequest{}, Status: http.StatusCreated, Result: kmeme.Video{}, Auth: true, Limit: "upload", Long: true, Handler: s.handleImportVideo()})
	s.handle(Route{Method: "GET", Path: "/api/videos/{id}", Summary: "A video's metadata", Tag: "videos",
		Result: kmeme.Video{}, Auth: true, Limit: "read", Handler: s.handleGetVideo()})

	s.handle(Route{Method: "POST", Path: "/api/remix", Summary: "Create a remix node (a child when parent_id is given); with video_id its pipeline is queued (202). Takes Idempotency-Key.", Tag: "remix",
		Body: createRemixRequest{}, Status: http.StatusCreated, Result: nodeBody{}, Auth: true, Limit: "remix", Quota: 1, PaidAI: true, Handler: s.handleCreateRemix()})
	s.handle(Route{Method: "GET", Path: "/api/remix/{id}", Summary: "The recipe view of a remix: node, analysis, recipe, file links", Tag: "remix",
		Result: remixView{}, Limit: "read", Handler: s.handleGetRemix()})
	s.handle(Route{Method: "DELETE", Path: "/api/remix/{id}", Summary: "Delete a remix with no remixes of its own (409 otherwise)", Tag: "remix",
		Status: http.StatusNoContent, Auth: true, Limit: "remix", Handler: s.handleDeleteRemix()})
	s.handle(Route{Method: "GET", Path: "/api/remix/{id}/children", Summary: "Direct remixes of a remix", Tag: "remix",
		Query: pageParams, Result: nodeList{}, Limit: "read", Handler: s.handleListChildren()})
	s.handle(Route{Method: "GET", Path: "/api/remix/{id}/files/{name}", Summary: "One rendered file: preview.mp4 (Range requests), kmeme-bundle.zip (everything), guide.pdf, storyboard.png, captions.srt, captions.casual.srt, captions.polite.srt, subtitles.9x16.ass, subtitles.16x9.ass, timeline.otio, timeline.fcpxml, timeline.premiere.xml, timeline.edl, recipe.json, recipe.md, analysis.json, keyframe-NNN.jpg, source.mp4", Tag: "remix",
		ResultType: "application/octet-stream", Limit: "read", Long: true, Handler: s.handleRemixFile()})
	s.handle(Route{Method: "GET", Path: "/api/remix/{id}/events", Summary: "Pipeline progress as server-sent events (event: progress; the last is done or failed)", Tag: "remix",
		ResultType: "text/event-stream", Limit: "read", Long: true, Handler: s.handleRemixEvents()})

	s.handle(Route{Method: "GET", Path: "/api/remix/{id}/lineage", Summary: "Ancestors (nearest first) or descendants (paginated) of a remix", Tag: "lineage",
		Query: append([]Param{
			{Name: "direction", Type: "string", Doc: "ancestors (default) or descendants"},
			{Name: "depth", Type: "integer", Doc: "levels, 1 to 50 (default 10)"},
		}, pageParams...), Result: nodeList{}, Limit: "read", Handler: s.handleLineage()})
	s.handle(Route{Method: "GET", Path: "/api/remix/{id}/tree", Summary: "The subtree under a remix, nested for drawing (at most 500 nodes)", Tag: "lineage",
		Query: []Param{{Name: "depth", Type: "integer", Doc: "levels, 1 to 50 (default 10)"}}, Result: treeBody{}, Limit: "read", Handler: s.handleTree()})
	s.handle(Route{Method: "GET", Path: "/api/trending", Summary: "Families (roots) with the most new remixes in a window", Tag: "lineage",
		Query:  []Param{{Name: "days", Type: "integer", Doc: "window, 1 to 90 (default 7)"}, {Name: "limit", Type: "integer", Doc: "1 to 50 (default 20)"}},
		Result: trendingBody{}, Limit: "read", Handler: s.handleTrending()})
	s.handle(Route{Method: "GET", Path: "/api/recipes/public", Summary: "Finished public recipes for visitors (landing cards): title, hook, BPM, minutes, shot count, keyframe", Tag: "remix",
		Query:  []Param{{Name: "limit", Type: "integer", Doc: "1 to 24 (default 6)"}},
		Result: showcaseBody{}, Limit: "read", Handler: s.handleShowcase()})
	s.handle(Route{Method: "GET", Path: "/api/remix/{id}/similar", Summary: "Remixes of the same format (structure) and idea (text)", Tag: "search",
		Query: []Param{{Name: "k", Type: "integer", Doc: "1 to 50 (default 10)"}}, Result: scoredBody{}, Limit: "read", Handler: s.handleSimilar()})
	s.handle(Route{Method: "GET", Path: "/api/search", Summary: "Search remixes in Korean or English", Tag: "search",
		Query:  []Param{{Name: "q", Type: "string", Required: true, Doc: "1 to 200 characters"}, {Name: "k", Type: "integer", Doc: "1 to 50 (default 10)"}},
		Result: scoredBody{}, Limit: "read", Handler: s.handleSearch()})
	s.handle(Route{Method: "GET", Path: "/api/geo/nearby", Summary: "Remixes near a point, nearest first", Tag: "places",
		Query: []Param{{Name: "lat", Type: "number", Required: true}, {Name: "lon", Type: "number", Required: true},
			{Name: "km", Type: "number", Doc: "radius, up to 500 (default 10)"}, {Name: "limit", Type: "integer", Doc: "1 to 100 (default 20)"}},
		Result: nearbyBody{}, Limit: "read", Handler: s.handleNearby()})
	s.handle(Route{Method: "GET", Path: "/api/geo/trends", Summary: "Public remixes per grid cell in a box, for a heat map", Tag: "places",
		Query: []Param{{Name: "bbox", Type: "string", Required: true, Doc: "minLon,minLat,maxLon,maxLat"},
			{Name: "since", Type: "string", Doc: "RFC 3339 time (default 30 days ago)"}},
		Result: geoTrendsBody{}, Limit: "read", Handler: s.handleGeoTrends()})
	// Sign-in, the account and admin (auth.go, me.go, admin.go): only on a
	// server with sign-in.
	if s.Access.Auth != nil {
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

	// Consents (consents.go).
	s.handle(Route{Method: "GET", Path: "/api/me/consents", Summary: "What I agreed to (ai_processing: my video and text may go to Gemini/Claude; marketing)", Tag: "account",
		Result: consentList{}, Auth: true, Limit: "read", Handler: s.handleConsents(false)})
	s.handle(Route{Method: "PUT", Path: "/api/me/consents", Summary: "Grant or withdraw one consent", Tag: "account",
		Body: consentRequest{}, Result: consentList{}, Auth: true, Limit: "read", Handler: s.handleConsents(true)})
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
