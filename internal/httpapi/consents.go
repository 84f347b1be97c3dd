package httpapi

import (
	"net/http"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

type consentRequest struct {
	Purpose string `json:"purpose"`
	Granted *bool  `json:"granted"`
}

type consentList struct {
	Items []kmeme.Consent `json:"items"`
}

func (s *Server) handleConsents(change bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := kmeme.CallerFrom(r.Context())
		if c == nil {
			writeError(w, r, s.Log, kmeme.Errorf(kmeme.EUNAUTHORIZED, "sign in first"))
			return
		}
		if s.Access.Consents == nil {
			writeError(w, r, s.Log, kmeme.Errorf(kmeme.EUNAVAILABLE, "consents are not configured on this server"))
			return
		}
		if change {
			var req consentRequest
			if err := decodeJSON(w, r, s.MaxBodyBytes, &req); err != nil {
				writeError(w, r, s.Log, err)
				return
			}
			if req.Granted == nil {
				writeError(w, r, s.Log, kmeme.FieldError("granted", "say true or false"))
				return
			}
			if err := s.Access.Consents.Set(r.Context(), c.UserID, req.Purpose, *req.Granted); err != nil {
				writeError(w, r, s.Log, err)
				return
			}
			if s.Access.Audit != nil {
				_ = s.Access.Audit.Record(r.Context(), c.UserID, kmeme.AuditConsent, clientIP(r),
					map[string]any{"purpose": req.Purpose, "granted": *req.Granted})
			}
		}
		items, err := s.Access.Consents.List(r.Context(), c.UserID)
		if err != nil {
			writeError(w, r, s.Log, err)
			return
		}
		writeJSON(w, http.StatusOK, consentList{Items: items})
	})
}
