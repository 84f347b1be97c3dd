package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"
)

// kmeme openapi prints the whole document without a database: the routes
// that need optional services (sign-in, GDPR export, admin costs) are in it.
func TestOpenAPICommandPrintsTheWholeDocument(t *testing.T) {
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"kmeme", "openapi", "-version", "t1"}, func(string) string { return "" }, nil, &out, &errb); err != nil {
		t.Fatalf("openapi: %v (%s)", err, errb.String())
	}
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Info    struct{ Version string }  `json:"info"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if doc.OpenAPI != "3.1.0" || doc.Info.Version != "t1" {
		t.Fatalf("openapi %q version %q", doc.OpenAPI, doc.Info.Version)
	}
	for path, method := range map[string]string{
		"/api/remix/{id}": "get", "/api/auth/login": "post", "/api/me/export": "get",
		"/api/admin/costs": "get", "/api/recipes/public": "get",
	} {
		if doc.Paths[path][method] == nil {
			t.Errorf("%s %s missing", method, path)
		}
	}
	// The same input gives the same bytes (the web app's generated types are diffed against it).
	var again bytes.Buffer
	if err := run(context.Background(), []string{"kmeme", "openapi", "-version", "t1"}, func(string) string { return "" }, nil, &again, &errb); err != nil || !bytes.Equal(out.Bytes(), again.Bytes()) {
		t.Fatalf("second run differs (err %v)", err)
	}
}

func TestOpenAPICommandRejectsArguments(t *testing.T) {
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"kmeme", "openapi", "extra"}, func(string) string { return "" }, nil, &out, &errb)
	var ue usageError
	if !errors.As(err, &ue) || out.Len() != 0 {
		t.Fatalf("err %v, out %q", err, out.String())
	}
}
