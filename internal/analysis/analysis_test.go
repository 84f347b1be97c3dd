package analysis

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/media/mediatest"
)

// clickClip is 6 s of video with a hard cut at 3 s over a 120 BPM click
// track with an accented low thump every fourth beat.
func clickClip(t *testing.T) string {
	return mediatest.FFmpeg(t, "clip.mp4",
		"-f", "lavfi", "-i", "testsrc2=s=240x426:r=25:d=3",
		"-f", "lavfi", "-i", "mandelbrot=s=240x426:r=25,trim=duration=3",
		"-f", "lavfi", "-i", "aevalsrc='0.6*sin(2*PI*1500*t)*exp(-mod(t,0.5)*80)+0.8*sin(2*PI*70*t)*exp(-mod(t,2)*15)':s=22050:d=6",
		"-filter_complex", "[0:v][1:v]concat=n=2:v=1[v]", "-map", "[v]", "-map", "2:a",
		"-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac")
}

// children lists the live child processes of this test binary.
func children(t *testing.T) []string {
	t.Helper()
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	var out []string
	for _, f := range tasks {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		out = append(out, strings.Fields(string(b))...)
	}
	return out
}

func noChildren(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if len(children(t)) == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond) // polling a process table, not waiting for work
	}
	t.Errorf("child processes left running: %v", children(t))
}

func TestRunClip(t *testing.T) {
	path := clickClip(t)
	dir := t.TempDir()
	var stages []string
	a, err := Run(context.Background(), path, Options{KeyframeDir: dir, Progress: func(s string, f float64) {
		if len(stages) == 0 || stages[len(stages)-1] != s {
			stages = append(stages, s)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	noChildren(t)
	if a.Video == nil || a.Video.Width != 240 || a.Video.Height != 426 || a.Video.FPS != 25 {
		t.Errorf("video %+v", a.Video)
	}
	if a.Tempo.BPM == nil || math.Abs(*a.Tempo.BPM-120) > 2 {
		t.Errorf("tempo %+v, want 120 BPM", a.Tempo)
	}
	hard := 0
	for _, c := range a.Cuts {
		if c.Kind == kmeme.CutHard && math.Abs(c.T-3) <= 0.041 {
			hard++
		}
	}
	if hard != 1 || len(a.Cuts) != 1 {
		t.Errorf("cuts %+v, want one hard cut at 3.0 s", a.Cuts)
	}
	if len(a.Shots) != 2 {
		t.Fatalf("shots %+v", a.Shots)
	}
	for i, s := range a.Shots {
		if s.KeyframeT < s.Start || s.KeyframeT > s.End {
			t.Errorf("shot %d keyframe %.2f outside [%.2f, %.2f]", i, s.KeyframeT, s.Start, s.End)
		}
		b, err := os.ReadFile(filepath.Join(dir, s.Keyframe))
		if err != nil || len(b) < 100 || b[0] != 0xff || b[1] != 0xd8 {
			t.Errorf("shot %d keyframe %q is not a JPEG: %v", i, s.Keyframe, err)
		}
	}
	if a.ContentHash == "" || len(a.Energy.Values) == 0 || len(a.Sections) == 0 {
		t.Errorf("missing hash, energy or sections: %+v", a)
	}
	if stages[0] != "probe" || stages[len(stages)-1] != "done" {
		t.Errorf("progress stages %v", stages)
	}
}

func TestRunAudioOnlyAndVideoOnly(t *testing.T) {
	audio := mediatest.FFmpeg(t, "a.m4a", "-f", "lavfi", "-i", "aevalsrc='sin(2*PI*1000*t)*exp(-mod(t,0.6)*60)':s=22050:d=8", "-c:a", "aac")
	a, err := Run(context.Background(), audio, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Video != nil || len(a.Cuts) != 0 || a.Tempo.BPM == nil || math.Abs(*a.Tempo.BPM-100) > 2 {
		t.Errorf("audio-only: video %+v cuts %v tempo %+v", a.Video, a.Cuts, a.Tempo)
	}
	video := mediatest.FFmpeg(t, "v.mp4", "-f", "lavfi", "-i", "testsrc2=s=128x128:r=30:d=4", "-c:v", "libx264", "-preset", "ultrafast")
	v, err := Run(context.Background(), video, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if v.Audio != nil || v.Tempo.BPM != nil || v.Tempo.Reason == "" || len(v.Shots) != 1 {
		t.Errorf("video-only: audio %+v tempo %+v shots %v", v.Audio, v.Tempo, v.Shots)
	}
}

func TestRunBadInput(t *testing.T) {
	good := clickClip(t)
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// corrupt the middle of the stream: the decoder conceals or fails, never hangs
	corrupt := append([]byte(nil), data...)
	for i := len(corrupt) / 3; i < len(corrupt)/3+4096 && i < len(corrupt); i++ {
		corrupt[i] = byte(i * 7)
	}
	for _, tc := range []struct {
		name, path, code string
	}{
		{"zero", write("z.mp4", nil), kmeme.EINVALID},
		{"text", write("t.mp4", []byte("just some words\n")), kmeme.EUNSUPPORTED},
		{"truncated", write("tr.mp4", data[:len(data)/2]), kmeme.EUNSUPPORTED},
		{"playlist", write("p.m3u8", []byte("#EXTM3U\n#EXT-X-VERSION:3\n")), kmeme.EUNSUPPORTED},
		{"corrupt middle", write("c.mp4", corrupt), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := Run(context.Background(), tc.path, Options{})
			noChildren(t)
			if tc.code == "" {
				if err != nil && kmeme.ErrorCode(err) != kmeme.EINVALID {
					t.Fatalf("err %v: want success or EINVALID", err)
				}
				if err == nil && a.DurationS <= 0 {
					t.Fatalf("analysis %+v", a)
				}
				return
			}
			if kmeme.ErrorCode(err) != tc.code {
				t.Fatalf("err %v (code %q), want %q", err, kmeme.ErrorCode(err), tc.code)
			}
			if strings.Contains(kmeme.ErrorMessage(err), "\n") {
				t.Errorf("message spans lines: %q", kmeme.ErrorMessage(err))
			}
		})
	}
}

func TestRunCancel(t *testing.T) {
	path := clickClip(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := Run(ctx, path, Options{Progress: func(stage string, _ float64) {
		if stage == "video" {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	noChildren(t)
}
