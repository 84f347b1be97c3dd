package kmeme

import (
	"regexp"
	"strings"
	"testing"
)

// TestEngineNamesThisBuild: the engine id of a build without VCS stamps
// (a test binary) is its executable's hash, the same on every call, and
// the cache key carries it beside the contract version.
func TestEngineNamesThisBuild(t *testing.T) {
	e := Engine()
	if !regexp.MustCompile(`^[0-9a-f]{12}$`).MatchString(e) {
		t.Fatalf("Engine() = %q, want 12 hex digits", e)
	}
	if Engine() != e {
		t.Error("Engine() changed between calls")
	}
	if k := AnalysisCacheKey(); k != "v"+AnalysisVersion+"-"+e || !strings.HasPrefix(k, "v") {
		t.Errorf("AnalysisCacheKey() = %q", k)
	}
}
