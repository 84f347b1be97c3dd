package kmeme

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to one HTTP status in httpapi and to one exit
// message in the CLI; adding a code means adding it to both tables.
const (
	EINVALID       = "invalid"        // the caller sent something wrong
	ENOTFOUND      = "not_found"      // no such object, or not visible to the caller
	ECONFLICT      = "conflict"       // the request conflicts with the current state
	EUNAUTHORIZED  = "unauthorized"   // no or bad credentials
	EFORBIDDEN     = "forbidden"      // credentials fine, permission missing
	ETOOLARGE      = "too_large"      // the body or file is over a configured limit
	EUNSUPPORTED   = "unsupported"    // the media type or format is not accepted
	ERATELIMIT     = "rate_limited"   // too many requests; retry later
	EQUOTA         = "quota_exceeded" // the daily quota is spent
	EUNAVAILABLE   = "unavailable"    // a dependency is down; retry later
	EUNPROCESSABLE = "unprocessable"  // well-formed but semantically refused (e.g. idempotency key reuse)
	EINTERNAL      = "internal"       // a bug or an unexpected failure
)

// Error is the one error type of the domain. Code is machine readable,
// Message is safe to show to a user, Field names the offending input field
// when there is one.
type Error struct {
	Code    string
	Message string
	Field   string
	// RetryAfterS, when positive, tells clients how long to wait (rate limits, outages).
	RetryAfterS int
	// Err is the wrapped cause, for logs; it is never shown to users.
	Err error
}

// Error implements the error interface.
func (e *Error) Error() string {
	msg := e.Message
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", msg, e.Err)
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EINVALID error that names the field at fault.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, or
// EINTERNAL for any other non-nil error, or "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err: the message of the
// first *Error in its chain, or a generic text for anything else.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		if e.Field != "" {
			return e.Field + ": " + e.Message
		}
		return e.Message
	}
	return "internal error"
}
