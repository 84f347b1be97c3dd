// Package mediatest makes test media with ffmpeg (lavfi sources, so nothing
// is committed); a test is skipped on a machine without ffmpeg.
package mediatest

import (
	"os/exec"
	"path/filepath"
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
