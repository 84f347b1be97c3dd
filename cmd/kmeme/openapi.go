package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/kmeme-factory/kmeme/internal/auth"
	"github.com/kmeme-factory/kmeme/internal/httpapi"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// docOnlyPrivacy and docOnlyCosts stand in for the services whose presence
// turns routes on; the document is built from the route table and they are
// never called.
type docOnlyPrivacy struct{ httpapi.Privacy }
type docOnlyCosts struct{ kmeme.CostLedger }

// cmdOpenAPI prints the API document that `kmeme serve` answers at
// /openapi.json, without a database or a listener: the server is built with
// every optional part switched on and asked in process. The web app's
// generated types are checked against it (scripts/test-web.sh).
func cmdOpenAPI(_ context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("openapi", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	ver := fs.String("version", version, "the version written into info.version")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("openapi takes no arguments (got %q)", fs.Arg(0))}
	}
	doc, err := openAPIDocument(*ver)
	if err != nil {
		return err
	}
	_, err = e.stdout.Write(doc)
	return err
}

func openAPIDocument(ver string) ([]byte, error) {
	h := httpapi.NewServer(httpapi.Deps{
		Version: ver,
		Access: httpapi.AccessDeps{
			Auth: &auth.Service{}, Privacy: docOnlyPrivacy{}, Costs: docOnlyCosts{},
		},
	})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/openapi.json", nil))
	if rec.Code != http.StatusOK {
		return nil, fmt.Errorf("openapi: the in-process server answered %d", rec.Code)
	}
	return append(rec.Body.Bytes(), '\n'), nil
}
