package main

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestRemixBundle: --bundle writes kmeme-bundle.zip beside the files,
// holding the preview and every editor's timeline; --no-preview leaves
// the preview out of both the directory listing and the ZIP.
func TestRemixBundle(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	video := filepath.Join(dir, "in.mp4")
	if err := os.WriteFile(video, []byte("stub: the analyser is stubbed"), 0o644); err != nil {
		t.Fatal(err)
	}
	calls := 0
	for _, c := range []struct {
		args    []string
		preview bool
	}{{nil, true}, {[]string{"--no-preview"}, false}} {
		out := filepath.Join(t.TempDir(), "out")
		e, stdout, _ := testEnv(map[string]string{"XDG_CACHE_HOME": filepath.Join(dir, "cache")})
		args := append([]string{video, "--out", out, "--bundle", "--no-ai"}, c.args...)
		if err := runRemix(context.Background(), e, args, remixDeps{analyze: stubAnalyze(&calls)}); err != nil {
			t.Fatal(err)
		}
		zr, err := zip.OpenReader(filepath.Join(out, "kmeme-bundle.zip"))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
		zr.Close()
		for _, want := range []string{"README.txt", "guide.pdf", "finalcut-resolve/timeline.fcpxml", "premiere/timeline.premiere.xml",
			"premiere/timeline.edl", "opentimelineio/timeline.otio", "subtitles/captions.srt", "subtitles/subtitles.9x16.ass"} {
			if !slices.Contains(names, want) {
				t.Errorf("bundle lacks %s: %v", want, names)
			}
		}
		if slices.Contains(names, "preview.mp4") != c.preview || strings.Contains(stdout.String(), "preview.mp4") != c.preview {
			t.Errorf("%v: preview in bundle %v, listed %v", c.args, slices.Contains(names, "preview.mp4"), strings.Contains(stdout.String(), "preview.mp4"))
		}
		if !strings.Contains(stdout.String(), "kmeme-bundle.zip") {
			t.Errorf("stdout does not list the bundle:\n%s", stdout)
		}
	}
}
