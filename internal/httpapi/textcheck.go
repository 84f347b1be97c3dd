package httpapi

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// Text the database cannot store — NUL characters and invalid UTF-8 —
// is refused at the boundary with a 400 naming the field, by one check
// for every string a request carries: decoded JSON bodies (decodeJSON),
// query parameters and the path (withTextCheck). Nothing is stripped:
// a NUL in a title or an e-mail is a client bug, not text to keep.

// badText says what is wrong with s, or "".
func badText(s string) string {
	if strings.IndexByte(s, 0) >= 0 {
		return "must not contain NUL (\\u0000) characters"
	}
	if !utf8.ValidString(s) {
		return "must be valid UTF-8"
	}
	return ""
}

// withTextCheck refuses a request whose path or query holds text the
// database cannot store, before any handler (anonymous routes included).
func withTextCheck(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if why := badText(r.URL.Path); why != "" {
			writeError(w, r, nil, kmeme.FieldError("path", "%s", why))
			return
		}
		if r.URL.RawQuery != "" {
			for name, vals := range r.URL.Query() {
				field := name
				if why := badText(name); why != "" {
					writeError(w, r, nil, kmeme.Errorf(kmeme.EINVALID, "a query parameter's name %s", why))
					return
				}
				for _, v := range vals {
					if why := badText(v); why != "" {
						writeError(w, r, nil, kmeme.FieldError(field, "%s", why))
						return
					}
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// checkText walks a decoded body and returns a field error for the first
// string the database cannot store; the field is the JSON path
// (location.label, shots[2].text).
func checkText(v any) error {
	field, why := walkText(reflect.ValueOf(v), "")
	if why == "" {
		return nil
	}
	if field == "" {
		return kmeme.Errorf(kmeme.EINVALID, "the body %s", why)
	}
	return kmeme.FieldError(field, "%s", why)
}

func walkText(v reflect.Value, path string) (string, string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return "", ""
		}
		return walkText(v.Elem(), path)
	case reflect.String:
		if why := badText(v.String()); why != "" {
			return path, why
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name := jsonName(f)
			if name == "-" {
				continue
			}
			p := name
			if f.Anonymous && f.Tag.Get("json") == "" {
				p = "" // embedded: its fields are at this level
			}
			if field, why := walkText(v.Field(i), join(path, p)); why != "" {
				return field, why
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return "", "" // []byte, json.RawMessage: not text fields
		}
		for i := 0; i < v.Len(); i++ {
			if field, why := walkText(v.Index(i), path+"["+strconv.Itoa(i)+"]"); why != "" {
				return field, why
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			k := it.Key()
			if k.Kind() == reflect.String {
				if why := badText(k.String()); why != "" {
					return path, why
				}
			}
			if field, why := walkText(it.Value(), join(path, k.String())); why != "" {
				return field, why
			}
		}
	}
	return "", ""
}

func jsonName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	name, _, _ := strings.Cut(tag, ",")
	if name == "" {
		return f.Name
	}
	return name
}

func join(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "." + b
}
