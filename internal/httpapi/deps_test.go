package httpapi_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoStorageDependency keeps the HTTP layer on the domain's interfaces:
// neither the postgres package nor pgx may be among its dependencies
// (issue 15). It asks the go command, so it fails on an import added
// anywhere below httpapi.
func TestNoStorageDependency(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	out, err := exec.Command(goBin, "list", "-deps", "github.com/kmeme-factory/kmeme/internal/httpapi").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps answered %d packages: %s", len(deps), out)
	}
	for _, d := range deps {
		if d == "github.com/kmeme-factory/kmeme/internal/postgres" || strings.HasPrefix(d, "github.com/jackc/") {
			t.Errorf("internal/httpapi depends on %s", d)
		}
	}
}
