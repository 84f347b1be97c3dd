package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// decodeJSON reads exactly one JSON object into v: the body is capped at
// limit bytes (413 past it), unknown fields and trailing data are refused,
// strings the database cannot store (NUL, invalid UTF-8) are refused
// (checkText), and errors name the field at fault.
func decodeJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return kmeme.Errorf(kmeme.EUNSUPPORTED, "send the body as application/json")
		}
	}
	if r.ContentLength > limit {
		return kmeme.Errorf(kmeme.ETOOLARGE, "the body is %d bytes; the limit is %d", r.ContentLength, limit)
	}
	body := http.MaxBytesReader(w, r.Body, limit)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err, limit)
	}
	if _, err := dec.Token(); err != io.EOF {
		return kmeme.Errorf(kmeme.EINVALID, "the body must hold a single JSON object")
	}
	return checkText(v)
}

func jsonError(err error, limit int64) error {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
		tooBig *http.MaxBytesError
	)
	switch {
	case errors.As(err, &tooBig):
		return kmeme.Errorf(kmeme.ETOOLARGE, "the body is larger than the limit of %d bytes", limit)
	case errors.Is(err, io.EOF):
		return kmeme.Errorf(kmeme.EINVALID, "the body is empty; send a JSON object")
	case errors.As(err, &syntax):
		return kmeme.Errorf(kmeme.EINVALID, "malformed JSON at byte %d", syntax.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return kmeme.Errorf(kmeme.EINVALID, "malformed JSON: the body ends too early")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return kmeme.Errorf(kmeme.EINVALID, "the body must be a JSON object")
		}
		return kmeme.FieldError(field, "must be a %s, not %s", jsonKind(typ.Type.Kind().String()), typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return kmeme.FieldError(name, "unknown field")
	}
	return kmeme.Errorf(kmeme.EINVALID, "malformed JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "string"
	case "float64", "float32", "int", "int64", "int32", "uint", "uint64":
		return "number"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "list"
	}
	return fmt.Sprint("JSON ", k)
}
