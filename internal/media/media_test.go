package media

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/media/mediatest"
)

func clip(t *testing.T) string {
	return mediatest.FFmpeg(t, "clip.mp4", "-f", "lavfi", "-i", "testsrc2=s=160x284:r=25:d=2",
		"-f", "lavfi", "-i", "sine=f=440:d=2", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest")
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestProbeGood(t *testing.T) {
	t.Parallel()
	info, err := Tools{}.Probe(context.Background(), clip(t), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Video == nil || info.Video.Width != 160 || info.Video.Height != 284 || info.Video.FPS != 25 {
		t.Errorf("video = %+v", info.Video)
	}
	if info.Audio == nil || info.Audio.SampleRate != 44100 {
		t.Errorf("audio = %+v", info.Audio)
	}
	if info.DurationS < 1.9 || info.DurationS > 2.2 {
		t.Errorf("duration %.3f", info.DurationS)
	}
}

func TestProbeRotation(t *testing.T) {
	t.Parallel()
	src := clip(t)
	out := filepath.Join(t.TempDir(), "rot.mp4")
	if b, err := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", src, "-c", "copy", "-metadata:s:v:0", "rotate=90", out).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, b)
	}
	info, err := Tools{}.Probe(context.Background(), out, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Video.Rotation != 90 && info.Video.Rotation != 270 {
		t.Fatalf("rotation %d", info.Video.Rotation)
	}
	if info.Video.Width != 284 || info.Video.Height != 160 {
		t.Errorf("displayed size %dx%d, want 284x160", info.Video.Width, info.Video.Height)
	}
	// decoded frames come out upright: a wide frame stays wide at the requested size
	n := 0
	if _, err := DecodeFrames(context.Background(), info, Limits{}, FrameOptions{Width: 32, Height: 18}, func(f Frame) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n < 45 || n > 55 {
		t.Errorf("decoded %d frames, want about 50", n)
	}
}

func TestProbeBadInput(t *testing.T) {
	t.Parallel()
	good := clip(t)
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	// ffmpeg writes moov last: the first half has none
	truncated := writeFile(t, "trunc.mp4", data[:len(data)/2])
	audioOnly := mediatest.FFmpeg(t, "a.wav", "-f", "lavfi", "-i", "sine=f=300:d=1")
	// a WAV whose header claims 2 GB of 8 kHz 8-bit audio: 74 hours
	liar := func() []byte {
		var b []byte
		le32 := func(v uint32) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)} }
		b = append(b, "RIFF"...)
		b = append(b, le32(0x7ffffff0)...)
		b = append(b, "WAVEfmt "...)
		b = append(b, le32(16)...)
		b = append(b, 1, 0, 1, 0) // PCM, mono
		b = append(b, le32(8000)...)
		b = append(b, le32(8000)...)
		b = append(b, 1, 0, 8, 0) // block align 1, 8 bits
		b = append(b, "data"...)
		b = append(b, le32(0x7fffffd0)...)
		return append(b, make([]byte, 4096)...)
	}()
	for _, tc := range []struct {
		name string
		path string
		lim  Limits
		code string
		msg  string
	}{
		{"missing", filepath.Join(t.TempDir(), "nope.mp4"), Limits{}, kmeme.EINVALID, "no such file"},
		{"zero bytes", writeFile(t, "zero.mp4", nil), Limits{}, kmeme.EINVALID, "empty file"},
		{"text renamed", writeFile(t, "text.mp4", []byte("hello, this is not a video\n")), Limits{}, kmeme.EUNSUPPORTED, "text"},
		{"hls playlist", writeFile(t, "p.mp4", []byte("#EXTM3U\n#EXTINF:1,\nhttp://127.0.0.1/x.ts\n")), Limits{}, kmeme.EUNSUPPORTED, "playlist"},
		{"concat list", writeFile(t, "c.mp4", []byte("ffconcat version 1.0\nfile /etc/passwd\n")), Limits{}, kmeme.EUNSUPPORTED, "concat"},
		{"concat name", "concat:" + good + "|" + good, Limits{}, kmeme.EINVALID, "no such file"},
		{"binary junk", writeFile(t, "junk.mp4", []byte{0, 1, 2, 3, 0xff, 0xfe, 9, 9, 9, 0, 0, 0, 7}), Limits{}, kmeme.EUNSUPPORTED, "not a readable"},
		{"truncated mp4", truncated, Limits{}, kmeme.EUNSUPPORTED, "not a readable"},
		{"directory", t.TempDir(), Limits{}, kmeme.EINVALID, "not a regular file"},
		{"too long", good, Limits{MaxDurationS: 1}, kmeme.ETOOLARGE, "too long"},
		// ffprobe measures the data actually there, so the lie is harmless
		{"header claims 74 hours", writeFile(t, "liar.wav", liar), Limits{}, "", ""},
		{"too wide", good, Limits{MaxWidth: 100}, kmeme.ETOOLARGE, "picture too large"},
		{"too big", good, Limits{MaxFileBytes: 10}, kmeme.ETOOLARGE, "file too large"},
		{"too many streams", good, Limits{MaxStreams: 1}, kmeme.ETOOLARGE, "too many streams"},
		{"audio only ok", audioOnly, Limits{}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			info, err := Tools{}.Probe(context.Background(), tc.path, tc.lim)
			if tc.code == "" {
				if err != nil || info.Audio == nil || info.Video != nil {
					t.Fatalf("info %+v err %v", info, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, info %+v", info)
			}
			if got := kmeme.ErrorCode(err); got != tc.code {
				t.Errorf("code %q, want %q (%v)", got, tc.code, err)
			}
			if msg := kmeme.ErrorMessage(err); !strings.Contains(msg, tc.msg) || strings.Contains(msg, "\n") {
				t.Errorf("message %q, want one line containing %q", msg, tc.msg)
			}
		})
	}
}

func TestDecodeAudio(t *testing.T) {
	t.Parallel()
	info, err := Tools{}.Probe(context.Background(), clip(t), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	pcm, err := DecodeAudio(context.Background(), info, Limits{}, 22050)
	if err != nil {
		t.Fatal(err)
	}
	if len(pcm) < 40000 || len(pcm) > 48000 {
		t.Fatalf("%d samples, want about 44100", len(pcm))
	}
	var peak float32
	for _, s := range pcm {
		peak = max(peak, s)
	}
	if peak < 0.05 {
		t.Errorf("peak %.3f: the tone is missing", peak)
	}
}

func TestDecodeCancelStopsFFmpeg(t *testing.T) {
	t.Parallel()
	info, err := Tools{}.Probe(context.Background(), clip(t), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	start := time.Now()
	_, err = DecodeFrames(ctx, info, Limits{}, FrameOptions{}, func(f Frame) error {
		if f.Index == 3 {
			cancel()
			return ctx.Err()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s to stop", d)
	}
}

func TestDecodeTimeout(t *testing.T) {
	t.Parallel()
	info, err := Tools{}.Probe(context.Background(), clip(t), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = DecodeFrames(context.Background(), info, Limits{DecodeTimeout: time.Nanosecond}, FrameOptions{}, func(Frame) error { return nil })
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline error", err)
	}
}

func TestWriteKeyframe(t *testing.T) {
	t.Parallel()
	info, err := Tools{}.Probe(context.Background(), clip(t), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "k", "shot-001.jpg")
	if err := WriteKeyframe(context.Background(), info, Limits{}, 1.0, out, 100); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil || len(b) < 3 || b[0] != 0xff || b[1] != 0xd8 {
		t.Fatalf("not a JPEG: %v", err)
	}
}

func FuzzParseProbe(f *testing.F) {
	f.Add([]byte(`{"streams":[{"codec_type":"video","width":720,"height":1280,"r_frame_rate":"30/1","avg_frame_rate":"30/1","side_data_list":[{"rotation":-90}]}],"format":{"duration":"17.1","nb_streams":1}}`))
	f.Add([]byte(`{"streams":[{"codec_type":"audio","sample_rate":"44100","channels":2}],"format":{"duration":"nan"}}`))
	f.Add([]byte(`{"streams":[{"codec_type":"video","width":100000,"height":100000,"avg_frame_rate":"0/0"}],"format":{"duration":"36000"}}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := ParseProbe(data)
		if err != nil {
			return
		}
		if v := info.Video; v != nil {
			if v.FPS <= 0 || v.FPS != v.FPS {
				t.Fatalf("fps %v", v.FPS)
			}
			if v.Rotation%90 != 0 || v.Rotation < 0 || v.Rotation >= 360 {
				t.Fatalf("rotation %d", v.Rotation)
			}
		}
		_ = info.check(DefaultLimits())
	})
}

func TestParseProbeHugeClaims(t *testing.T) {
	t.Parallel()
	info, err := ParseProbe([]byte(`{"streams":[{"codec_type":"video","width":100000,"height":100000,"avg_frame_rate":"30/1"}],"format":{"duration":"36000","nb_streams":1}}`))
	if err != nil {
		t.Fatal(err)
	}
	err = info.check(DefaultLimits())
	if kmeme.ErrorCode(err) != kmeme.ETOOLARGE {
		t.Fatalf("err = %v, want ETOOLARGE", err)
	}
	info.DurationS = 10
	if err := info.check(DefaultLimits()); kmeme.ErrorCode(err) != kmeme.ETOOLARGE || !strings.Contains(err.Error(), "100000x100000") {
		t.Fatalf("err = %v, want picture too large", err)
	}
}
