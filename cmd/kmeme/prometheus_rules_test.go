package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPrometheusRuleUnitTests runs promtool's unit tests of the rules
// (deploy/prometheus/kmeme-rules.test.yml), then shows they can fail: a
// breaker alert that no longer needs fresh trips pages for an idle
// half-open breaker, which the tests forbid.
func TestPrometheusRuleUnitTests(t *testing.T) {
	t.Parallel()
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not installed (Debian package prometheus, which scripts/setup.sh installs)")
	}
	dir := filepath.Join(repoRoot(t), "deploy", "prometheus")
	out, err := exec.Command(promtool, "test", "rules", filepath.Join(dir, "kmeme-rules.test.yml")).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool test rules: %v\n%s", err, out)
	}

	rules, err := os.ReadFile(filepath.Join(dir, "kmeme-rules.yml"))
	if err != nil {
		t.Fatal(err)
	}
	tests, err := os.ReadFile(filepath.Join(dir, "kmeme-rules.test.yml"))
	if err != nil {
		t.Fatal(err)
	}
	const cond = "kmeme:ai_breaker_trips:increase5m > 0"
	if !strings.Contains(string(rules), cond) {
		t.Fatalf("kmeme-rules.yml no longer has %q, which this test weakens", cond)
	}
	tmp := t.TempDir()
	weak := strings.Replace(string(rules), cond, "kmeme:ai_breaker_trips:increase5m >= 0", 1)
	if err := os.WriteFile(filepath.Join(tmp, "kmeme-rules.yml"), []byte(weak), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "kmeme-rules.test.yml"), tests, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = exec.Command(promtool, "test", "rules", filepath.Join(tmp, "kmeme-rules.test.yml")).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "KmemeAIBreakerOpen") {
		t.Errorf("a breaker alert that pages on an idle half-open breaker passed the rule tests (%v):\n%s", err, out)
	}
}
