package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v4"
)

// repoRoot is the repository's top directory (tests run in cmd/kmeme).
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// verifyUnits runs systemd-analyze verify on copies of the units whose
// binary is replaced by an executable that exists here (verify refuses a
// missing ExecStart program), and returns what it said.
func verifyUnits(t *testing.T, units map[string]string) (string, error) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var paths []string
	for name, text := range units {
		text = strings.ReplaceAll(text, "/usr/local/bin/kmeme", self)
		if strings.HasSuffix(name, "@.service") { // a template is verified as an instance
			name = strings.Replace(name, "@.service", "@1.service", 1)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	sort.Strings(paths)
	out, err := exec.Command("systemd-analyze", append([]string{"verify"}, paths...)...).CombinedOutput()
	return string(out), err
}

func TestSystemdUnitsVerify(t *testing.T) {
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		t.Skip("systemd-analyze is not installed (Debian package systemd): the units are not verified here")
	}
	root := repoRoot(t)
	units := map[string]string{}
	for _, name := range []string{"kmeme-serve.service", "kmeme-worker@.service"} {
		b, err := os.ReadFile(filepath.Join(root, "deploy", "systemd", name))
		if err != nil {
			t.Fatal(err)
		}
		units[name] = string(b)
	}
	if out, err := verifyUnits(t, units); err != nil || strings.TrimSpace(out) != "" {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
	// The check itself can fail: a misspelt directive is reported.
	bad := map[string]string{"kmeme-serve.service": strings.Replace(units["kmeme-serve.service"], "Restart=on-failure", "Restart=sometimes", 1)}
	if out, _ := verifyUnits(t, bad); !strings.Contains(out, "sometimes") {
		t.Fatalf("a bad Restart= went unnoticed:\n%s", out)
	}
}

// composeFile is the part of the Compose file the test reads.
type composeFile struct {
	Services map[string]struct {
		Image       string         `yaml:"image"`
		Build       any            `yaml:"build"`
		Command     []string       `yaml:"command"`
		Environment map[string]any `yaml:"environment"`
		DependsOn   map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
	} `yaml:"services"`
}

func TestComposeFile(t *testing.T) {
	root := repoRoot(t)
	path := filepath.Join(root, "deploy", "compose", "compose.yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cf composeFile
	if err := yaml.Unmarshal(b, &cf); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	for _, s := range []string{"postgres", "redis", "minio", "migrate", "serve", "worker"} {
		if _, ok := cf.Services[s]; !ok {
			t.Errorf("compose.yaml has no %s service", s)
		}
	}
	if c := cf.Services["serve"].Command; len(c) != 1 || c[0] != "serve" {
		t.Errorf("serve runs %q", c)
	}
	if c := cf.Services["worker"].Command; len(c) != 1 || c[0] != "worker" {
		t.Errorf("worker runs %q", c)
	}
	for _, s := range []string{"serve", "worker"} {
		if cf.Services[s].DependsOn["migrate"].Condition != "service_completed_successfully" {
			t.Errorf("%s does not wait for the migrations", s)
		}
		env := cf.Services[s].Environment
		for _, k := range []string{"KMEME_DATABASE_URL", "KMEME_REDIS_URL", "KMEME_BLOB_URL", "KMEME_S3_ENDPOINT"} {
			if _, ok := env[k]; !ok {
				t.Errorf("%s has no %s", s, k)
			}
		}
	}
	redisCmd := strings.Join(cf.Services["redis"].Command, " ")
	if !strings.Contains(redisCmd, "--maxmemory 1000mb") || !strings.Contains(redisCmd, "--maxmemory-policy allkeys-lru") {
		t.Errorf("redis runs %q, not the specification's maxmemory 1000mb allkeys-lru", redisCmd)
	}
	for _, df := range []string{"kmeme.Dockerfile", "postgres.Dockerfile"} {
		if _, err := os.Stat(filepath.Join(root, "deploy", "compose", df)); err != nil {
			t.Error(err)
		}
	}

	// Compose itself validates the file against its schema (no engine
	// needed): the docker compose plugin when there is one, otherwise
	// Debian's docker-compose 1.29, which scripts/setup.sh installs. Both are
	// run when both are here.
	tools := composeTools()
	if len(tools) == 0 {
		t.Skip("neither docker compose nor docker-compose is installed (scripts/setup.sh installs Debian's docker-compose): compose.yaml checked structurally only")
	}
	bad := filepath.Join(t.TempDir(), "compose.yaml")
	if err := os.WriteFile(bad, bytes.Replace(b, []byte(`    command: ["serve"]`), []byte(`    comand: ["serve"]`), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tool := range tools {
		if out, err := composeConfig(tool, path); err != nil {
			t.Errorf("%s config: %v\n%s", strings.Join(tool, " "), err, out)
		}
		// The check can fail: a misspelt key is refused.
		if out, err := composeConfig(tool, bad); err == nil || !strings.Contains(out, "comand") {
			t.Errorf("%s config accepted a misspelt command key (%v):\n%s", strings.Join(tool, " "), err, out)
		}
	}
}

// composeTools lists the Compose implementations installed here.
func composeTools() [][]string {
	var tools [][]string
	if docker, err := exec.LookPath("docker"); err == nil {
		if exec.Command(docker, "compose", "version").Run() == nil {
			tools = append(tools, []string{docker, "compose"})
		}
	}
	if dc, err := exec.LookPath("docker-compose"); err == nil {
		tools = append(tools, []string{dc})
	}
	return tools
}

// composeConfig runs `config -q` on a Compose file with the secrets it
// requires set, and returns what the tool said.
func composeConfig(tool []string, file string) (string, error) {
	args := append(append([]string{}, tool[1:]...), "-f", file, "config", "-q")
	cmd := exec.Command(tool[0], args...)
	cmd.Env = append(os.Environ(), "POSTGRES_PASSWORD=x", "MINIO_ROOT_PASSWORD=xxxxxxxx")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestDeployVariablesAreDocumented: every KMEME_* variable the deployment
// files and docs/DEPLOY.md use is one of the README's configuration table.
func TestDeployVariablesAreDocumented(t *testing.T) {
	root := repoRoot(t)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`KMEME_[A-Z0-9_]*[A-Z0-9]`)
	known := map[string]bool{}
	for _, line := range strings.Split(string(readme), "\n") {
		if !strings.HasPrefix(line, "| `KMEME_") {
			continue
		}
		cells := strings.Split(line, "|")
		names := re.FindAllString(cells[1], -1)
		for _, n := range names {
			known[n] = true
		}
		// "KMEME_HTTP_READ_HEADER_TIMEOUT`, `_READ_TIMEOUT`": suffixes share the first name's stem.
		if len(names) > 0 {
			stem := names[0]
			for _, suf := range regexp.MustCompile("`(_[A-Z0-9_]+)`").FindAllStringSubmatch(cells[1], -1) {
				for i := strings.LastIndex(stem, "_"); i > 0; i = strings.LastIndex(stem[:i], "_") {
					known[stem[:i]+suf[1]] = true
				}
			}
		}
	}
	if !known["KMEME_DATABASE_URL"] || !known["KMEME_HTTP_WRITE_TIMEOUT"] {
		t.Fatalf("README table not read: %v", known)
	}
	files := []string{"deploy/compose/compose.yaml", "deploy/systemd/kmeme-serve.service", "deploy/systemd/kmeme-worker@.service", "docs/DEPLOY.md"}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range re.FindAllString(string(b), -1) {
			if !known[v] {
				t.Errorf("%s uses %s, which the README's configuration table does not list", f, v)
			}
		}
	}
}
