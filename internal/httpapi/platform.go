package httpapi

// PlatformDeps are the dependencies of uploads, jobs, lineage, search and
// places (issue 5).
type PlatformDeps struct{}

// addPlatformRoutes registers the platform's routes.
func (s *Server) addPlatformRoutes() {}
