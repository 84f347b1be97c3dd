package httpapi

import (
	"net/http"
	"regexp"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

type quotaOverrideRequest struct {
	// DailyLimit is remixes per day; null returns the user to their plan's limit.
	DailyLimit *int64 `json:"daily_limit"`
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
