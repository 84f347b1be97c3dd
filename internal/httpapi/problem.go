package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// statusByCode is the one table from domain error codes to HTTP statuses.
var statusByCode = map[string]int{
	kmeme.EINVALID:       http.StatusBadRequest,
	kmeme.ENOTFOUND:      http.StatusNotFound,
	kmeme.ECONFLICT:      http.StatusConflict,
	kmeme.EUNAUTHORIZED:  http.StatusUnauthorized,
	kmeme.EFORBIDDEN:     http.StatusForbidden,
	kmeme.ETOOLARGE:      http.StatusRequestEntityTooLarge,
	kmeme.EUNSUPPORTED:   http.StatusUnsupportedMediaType,
	kmeme.ERATELIMIT:     http.StatusTooManyRequests,
	kmeme.EQUOTA:         http.StatusTooManyRequests,
	kmeme.EUNAVAILABLE:   http.StatusServiceUnavailable,
	kmeme.EUNPROCESSABLE: http.StatusUnprocessableEntity,
	kmeme.EINTERNAL:      http.StatusInternalServerError,
}

// titleByCode gives each code a short human title.
var titleByCode = map[string]string{
	kmeme.EINVALID:       "Invalid request",
	kmeme.ENOTFOUND:      "Not found",
	kmeme.ECONFLICT:      "Conflict",
	kmeme.EUNAUTHORIZED:  "Authentication required",
	kmeme.EFORBIDDEN:     "Forbidden",
	kmeme.ETOOLARGE:      "Too large",
	kmeme.EUNSUPPORTED:   "Unsupported media",
	kmeme.ERATELIMIT:     "Too many requests",
	kmeme.EQUOTA:         "Daily quota exceeded",
	kmeme.EUNAVAILABLE:   "Temporarily unavailable",
	kmeme.EUNPROCESSABLE: "Unprocessable request",
	kmeme.EINTERNAL:      "Internal error",
}

// StatusOf returns the HTTP status for an error's domain code.
func StatusOf(err error) int {
	if s, ok := statusByCode[kmeme.ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail,omitempty"`
	Code      string `json:"code"`
	Field     string `json:"field,omitempty"`
	Instance  string `json:"instance,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// problemFor builds the document for err; internal details never leak.
func problemFor(r *http.Request, err error) Problem {
	code := kmeme.ErrorCode(err)
	if _, ok := statusByCode[code]; !ok {
		code = kmeme.EINTERNAL
	}
	p := Problem{
		Type:      "https://k-meme.com/problems/" + code,
		Title:     titleByCode[code],
		Status:    statusByCode[code],
		Code:      code,
		RequestID: RequestID(r.Context()),
	}
	if r != nil {
		p.Instance = r.URL.Path
	}
	var ke *kmeme.Error
	if errors.As(err, &ke) && code != kmeme.EINTERNAL {
		p.Detail = ke.Message
		p.Field = ke.Field
	} else if code == kmeme.EINTERNAL {
		p.Detail = "something went wrong on our side; the request id helps us find it"
	}
	return p
}

// writeError answers with a problem document and logs server-side failures.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	p := problemFor(r, err)
	if p.Status >= 500 && log != nil {
		log.ErrorContext(r.Context(), "request failed", "err", err.Error(), "request_id", p.RequestID, "path", r.URL.Path)
		reportError(r.Context(), err)
	}
	var ke *kmeme.Error
	if errors.As(err, &ke) && ke.RetryAfterS > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(ke.RetryAfterS))
	}
	writeProblem(w, p)
}

func writeProblem(w http.ResponseWriter, p Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// writeJSON answers with a JSON document.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}
