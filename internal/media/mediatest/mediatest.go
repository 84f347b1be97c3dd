// Package mediatest makes test media with ffmpeg (lavfi sources, so nothing
// is committed); a test is skipped on a machine without ffmpeg.
package mediatest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// FFmpeg runs ffmpeg with args and the output file name in a temp dir of
// t, and returns the file's path.
func FFmpeg(t testing.TB, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed")
	}
	p := filepath.Join(t.TempDir(), name)
	full := append([]string{"-hide_banner", "-loglevel", "error", "-y"}, args...)
	if b, err := exec.Command("ffmpeg", append(full, p)...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %v: %v\n%s", args, err, b)
	}
	return p
}

// Recorder is a wrapper script standing in for a tool: each run appends
// its arguments as one line to a log, then execs the real tool.
type Recorder struct {
	Path string // the script, to configure as the tool's binary
	log  string
}

// Record writes a Recorder for tool (e.g. "ffprobe") in a temp dir of t;
// the test is skipped on a machine without the tool.
func Record(t testing.TB, tool string) *Recorder {
	t.Helper()
	real, err := exec.LookPath(tool)
	if err != nil {
		t.Skip(tool + " not installed")
	}
	dir := t.TempDir()
	r := &Recorder{Path: filepath.Join(dir, "recorded-"+tool), log: filepath.Join(dir, tool+".log")}
	script := "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '" + r.log + "'\nexec '" + real + "' \"$@\"\n"
	if err := os.WriteFile(r.Path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return r
}

// Runs returns the argument lines of the runs so far.
func (r *Recorder) Runs(t testing.TB) []string {
	t.Helper()
	b, err := os.ReadFile(r.log)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}
