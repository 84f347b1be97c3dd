package media

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/media/mediatest"
)

// The configured binaries are the ones that run: Probe runs Tools.FFprobe,
// the decoders run the FFmpeg of the Tools that probed, Encode its own.
func TestToolsRunTheConfiguredBinaries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := clip(t)
	probe, ff := mediatest.Record(t, "ffprobe"), mediatest.Record(t, "ffmpeg")
	tools := Tools{FFmpeg: ff.Path, FFprobe: probe.Path}
	info, err := tools.Probe(ctx, src, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if runs := probe.Runs(t); len(runs) != 1 || !strings.Contains(runs[0], "-show_streams") {
		t.Fatalf("ffprobe runs = %q, want one probe", runs)
	}
	if _, err := DecodeAudio(ctx, info, Limits{}, 8000); err != nil {
		t.Fatal(err)
	}
	if err := WriteKeyframe(ctx, info, Limits{}, 0.5, filepath.Join(t.TempDir(), "k.jpg"), 64); err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeFrames(ctx, info, Limits{}, FrameOptions{Fast: true, Gray: true}, func(Frame) error { return nil }); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "e.mp4")
	if err := tools.Encode(ctx, Limits{}, EncodeJob{Width: 64, Height: 64, FPS: 4, NumFrames: 4, Frames: frames(4, 64*64*3), Out: out}); err != nil {
		t.Fatal(err)
	}
	if runs := ff.Runs(t); len(runs) != 4 {
		t.Fatalf("ffmpeg runs = %d (%q), want 4 (audio, keyframe, frames, encode)", len(runs), runs)
	}

	// A binary that is not there fails, rather than falling back to PATH.
	missing := Tools{FFprobe: filepath.Join(t.TempDir(), "no-ffprobe"), FFmpeg: filepath.Join(t.TempDir(), "no-ffmpeg")}
	if _, err := missing.Probe(ctx, src, Limits{}); err == nil {
		t.Error("probe with a missing ffprobe succeeded")
	}
	if err := missing.Encode(ctx, Limits{}, EncodeJob{Width: 64, Height: 64, FPS: 4, NumFrames: 4, Frames: frames(4, 64*64*3), Out: out + "2"}); err == nil {
		t.Error("encode with a missing ffmpeg succeeded")
	}
}

// Probed restores a stored probe for a copy of the file without running
// ffprobe, and refuses a stored probe that does not fit the copy.
func TestProbed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := clip(t)
	info, err := Tools{}.Probe(ctx, src, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	info.Path = "" // as the upload stores it
	stored, err := json.Marshal(info)
	if err != nil {
		t.Fatal(err)
	}
	probe, ff := mediatest.Record(t, "ffprobe"), mediatest.Record(t, "ffmpeg")
	tools := Tools{FFmpeg: ff.Path, FFprobe: probe.Path}
	got, err := tools.Probed(src, stored, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(probe.Runs(t)) != 0 {
		t.Error("Probed ran ffprobe")
	}
	if got.Path == "" || got.Format != info.Format || got.Container != "mp4" || got.Video == nil || *got.Video != *info.Video {
		t.Errorf("restored %+v, probed %+v", got, info)
	}
	if _, err := DecodeAudio(ctx, got, Limits{}, 8000); err != nil || len(ff.Runs(t)) != 1 {
		t.Errorf("decode with the restored info: %v, ffmpeg runs %d", err, len(ff.Runs(t)))
	}

	short := writeFile(t, "short.mp4", []byte("not the same file"))
	if _, err := tools.Probed(short, stored, Limits{}); err == nil {
		t.Error("a copy of another size was accepted")
	}
	if _, err := tools.Probed(src, []byte("{"), Limits{}); err == nil {
		t.Error("unreadable stored probe was accepted")
	}
	if _, err := tools.Probed(src, stored, Limits{MaxDurationS: 1}); kmeme.ErrorCode(err) != kmeme.ETOOLARGE {
		t.Errorf("over the duration limit: %v", err)
	}
	if _, err := tools.Probed(filepath.Join(t.TempDir(), "gone"), stored, Limits{}); kmeme.ErrorCode(err) != kmeme.EINVALID {
		t.Errorf("missing copy: %v", err)
	}
}

// One sniffer names every container the service accepts, from files
// ffmpeg writes; Probe records what it found.
func TestSniffContainer(t *testing.T) {
	t.Parallel()
	cases := []struct {
		file, name, mime string
		args             []string
	}{
		{"c.mp4", "mp4", "video/mp4", []string{"-c:v", "libx264", "-preset", "ultrafast"}},
		{"c.mov", "mov", "video/quicktime", []string{"-c:v", "libx264", "-preset", "ultrafast"}},
		{"c.webm", "webm", "video/webm", []string{"-c:v", "libvpx", "-deadline", "realtime"}},
		{"c.mkv", "mkv", "video/x-matroska", []string{"-c:v", "libx264", "-preset", "ultrafast"}},
		{"c.avi", "avi", "video/x-msvideo", []string{"-c:v", "mpeg4"}},
		{"c.ts", "mpegts", "video/mp2t", []string{"-c:v", "mpeg2video"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"-f", "lavfi", "-i", "testsrc2=s=64x64:r=10:d=0.5"}, tc.args...)
			p := mediatest.FFmpeg(t, tc.file, args...)
			head, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			c, ok := SniffContainer(head[:min(len(head), 512)])
			if !ok || c.Name != tc.name || c.MIME != tc.mime {
				t.Fatalf("sniffed %+v %v, want %s %s", c, ok, tc.name, tc.mime)
			}
			if named, ok := ContainerNamed(c.Name); !ok || named != c {
				t.Errorf("ContainerNamed(%q) = %+v %v", c.Name, named, ok)
			}
			info, err := Tools{}.Probe(context.Background(), p, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if info.Container != tc.name {
				t.Errorf("Probe recorded container %q, want %q", info.Container, tc.name)
			}
		})
	}
	for _, bad := range [][]byte{nil, []byte("RIFF\x00\x00\x00\x00WAVEfmt "), []byte("#EXTM3U\n"), make([]byte, 512)} {
		if c, ok := SniffContainer(bad); ok {
			t.Errorf("SniffContainer(%q) = %+v", bad, c)
		}
	}
}
