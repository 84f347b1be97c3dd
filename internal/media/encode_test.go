package media

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func frames(n, size int) func(io.Writer) error {
	return func(w io.Writer) error {
		buf := make([]byte, size)
		for i := range n {
			for j := range buf {
				buf[j] = byte(i * 40)
			}
			if _, err := w.Write(buf); err != nil {
				return err
			}
		}
		return nil
	}
}

func TestEncode(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "a.mp4")
	var prog []float64
	err := Tools{}.Encode(context.Background(), Limits{}, EncodeJob{Width: 64, Height: 64, FPS: 4, NumFrames: 8, Frames: frames(8, 64*64*3),
		Clicks: []Click{{T: 0, FreqHz: 1000}, {T: 1, FreqHz: 800}}, Out: out, Progress: func(f float64) { prog = append(prog, f) }})
	if err != nil {
		t.Fatal(err)
	}
	info, err := Tools{}.Probe(context.Background(), out, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Video == nil || info.Audio == nil || info.Video.Width != 64 || info.DurationS < 1.9 || info.DurationS > 2.2 {
		t.Errorf("encoded %+v (video %+v)", info, info.Video)
	}
	if len(prog) == 0 || prog[len(prog)-1] != 1 {
		t.Errorf("progress %v", prog)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d entries left in the output directory", len(entries))
	}
}

func TestEncodeBadJobs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "a.mp4")
	ok := EncodeJob{Width: 64, Height: 64, FPS: 4, NumFrames: 4, Frames: frames(4, 64*64*3), Out: out}
	odd := ok
	odd.Width = 63
	short := ok
	short.Frames = frames(1, 100) // a torn frame
	evil := ok
	evil.AudioPath = "concat:" + out + "|" + out // read as a file name, never as a protocol
	for name, j := range map[string]EncodeJob{"odd width": odd, "torn frames": short, "protocol in path": evil} {
		if err := (Tools{}).Encode(context.Background(), Limits{}, j); err == nil {
			t.Errorf("%s: no error", name)
		} else if strings.Contains(err.Error(), "\n") && name != "torn frames" {
			t.Errorf("%s: multi-line error %q", name, err)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed encode left %s", out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := (Tools{}).Encode(ctx, Limits{}, ok); err == nil {
		t.Error("cancelled: no error")
	}
}
