package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

func TestAnalyzeCommand(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed")
	}
	dir := t.TempDir()
	clip := filepath.Join(dir, "c.mp4")
	if b, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=160x160:r=25:d=2",
		"-f", "lavfi", "-i", "sine=f=300:d=2", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", clip).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, b)
	}
	empty := filepath.Join(dir, "empty.mp4")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		args    []string
		wantErr string
		check   func(t *testing.T, out string)
	}{
		{"json", []string{"analyze", clip, "--json"}, "", func(t *testing.T, out string) {
			var a kmeme.Analysis
			if err := json.Unmarshal([]byte(out), &a); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, out)
			}
			if a.Video == nil || a.Video.Width != 160 || a.DurationS < 1.9 {
				t.Errorf("analysis %+v", a)
			}
			// the contract: bpm is present (null or a number), lists are never null
			for _, key := range []string{`"bpm"`, `"beats": [`, `"cuts": [`, `"shots": [`, `"sections": [`} {
				if !strings.Contains(out, key) {
					t.Errorf("output lacks %s", key)
				}
			}
		}},
		{"flags first", []string{"analyze", "--json", clip}, "", func(t *testing.T, out string) {
			if !strings.HasPrefix(strings.TrimSpace(out), "{") {
				t.Errorf("not JSON: %q", out)
			}
		}},
		{"summary", []string{"analyze", clip}, "", func(t *testing.T, out string) {
			if !strings.Contains(out, "duration") || !strings.Contains(out, "tempo") || !strings.Contains(out, "shots") {
				t.Errorf("summary %q", out)
			}
		}},
		{"empty file", []string{"analyze", empty}, "empty file", nil},
		{"no file", []string{"analyze"}, "exactly one FILE", nil},
		{"two files", []string{"analyze", clip, clip}, "exactly one FILE", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), append([]string{"kmeme"}, tc.args...), func(string) string { return "" }, nil, &stdout, &stderr)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(oneLine(err), "\n") {
					t.Fatalf("err = %v, want one line containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if stderr.Len() != 0 {
				t.Errorf("stderr not quiet when not a terminal: %q", stderr.String())
			}
			tc.check(t, stdout.String())
		})
	}
}
