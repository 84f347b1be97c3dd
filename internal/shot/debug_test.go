package shot

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// TestDebugFile prints the per-frame series of SHOT_DEBUG_FILE, decoded the
// way analysis.DetectionFrames decodes (64x64 luma, no loop filter, a
// bilinear pass to 256x256 then an area average) at SHOT_DEBUG_FPS frames a
// second; SHOT_DEBUG_FROM and SHOT_DEBUG_TO (seconds) limit the rows
// printed, SHOT_DEBUG_GRID=N prints frames N-2..N's block errors, SHOT_TRACE adds the gradual windows' diagnostics. It is a tuning
// aid and skips without the variable.
func TestDebugFile(t *testing.T) {
	path := os.Getenv("SHOT_DEBUG_FILE")
	if path == "" {
		t.Skip("SHOT_DEBUG_FILE not set")
	}
	fps, _ := strconv.ParseFloat(os.Getenv("SHOT_DEBUG_FPS"), 64)
	from, _ := strconv.ParseFloat(os.Getenv("SHOT_DEBUG_FROM"), 64)
	to, err := strconv.ParseFloat(os.Getenv("SHOT_DEBUG_TO"), 64)
	if err != nil {
		to = 1e9
	}
	vf := fmt.Sprintf("scale=256:256:flags=fast_bilinear,scale=64:64:flags=area,fps=%g,format=gray", fps)
	cmd := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-skip_loop_filter", "all", "-flags2", "fast",
		"-i", path, "-map", "0:v:0", "-an", "-filter_threads", "1", "-vf", vf, "-f", "rawvideo", "-")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d := NewDetector(fps, Options{})
	if os.Getenv("SHOT_TRACE") != "" {
		trace = func(f string, a ...any) { fmt.Printf("trace "+f+"\n", a...) }
		defer func() { trace = nil }()
	}
	buf := make([]byte, 64*64)
	grid := os.Getenv("SHOT_DEBUG_GRID") // a frame whose block errors (and its two predecessors') are printed
	var jump []float64                   // blockJump needs the frame after, while it is in the ring
	for {
		if _, err := io.ReadFull(out, buf); err != nil {
			break
		}
		d.Push(buf, 64, 64)
		if d.n >= 2 {
			jump = append(jump, d.blockJump(d.n-2))
		}
		if grid != "" && strconv.Itoa(d.n-1) == grid {
			for k := d.n - 3; k <= d.n-1; k++ {
				if f := d.at(k); f != nil {
					fmt.Printf("block errors of frame %d:\n", k)
					for b := range blocks {
						fmt.Printf(" %.3f", f.berr[b])
						if b%(Side/block) == Side/block-1 {
							fmt.Println()
						}
					}
				}
			}
		}
	}
	cmd.Wait()
	cuts, _ := d.Finish(0)
	for i := range d.s.mce {
		if ts := float64(i) / fps; ts >= from && ts <= to {
			fmt.Printf("%4d %6.3f mce %.3f cf %.2f jump %.2f luma %.3f sharp %.4f\n", i, ts, d.s.mce[i], d.s.cf[i], at(jump, i), d.s.luma[i], d.s.sharp[i])
		}
	}
	for _, c := range cuts {
		fmt.Printf("%+v\n", c)
	}
}

// decodeDetectionFrames decodes path as TestDebugFile does, at fps.
func decodeDetectionFrames(path string, fps float64) ([][]byte, error) {
	vf := fmt.Sprintf("scale=256:256:flags=fast_bilinear,scale=64:64:flags=area,fps=%g,format=gray", fps)
	out, err := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-skip_loop_filter", "all", "-flags2", "fast",
		"-i", path, "-map", "0:v:0", "-an", "-filter_threads", "1", "-vf", vf, "-f", "rawvideo", "-").Output()
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", path, err)
	}
	var frames [][]byte
	for off := 0; off+64*64 <= len(out); off += 64 * 64 {
		frames = append(frames, out[off:off+64*64])
	}
	return frames, nil
}

// BenchmarkDetectFiles times the detector alone (Push and Finish, ns per
// frame) on the files matching SHOT_BENCH_GLOB, decoded beforehand at
// SHOT_BENCH_FPS (default 30); it skips without the variable.
func BenchmarkDetectFiles(b *testing.B) {
	paths, _ := filepath.Glob(os.Getenv("SHOT_BENCH_GLOB"))
	if len(paths) == 0 {
		b.Skip("SHOT_BENCH_GLOB matches nothing")
	}
	fps, err := strconv.ParseFloat(os.Getenv("SHOT_BENCH_FPS"), 64)
	if err != nil {
		fps = 30
	}
	var clips [][][]byte
	n := 0
	for _, p := range paths {
		frames, err := decodeDetectionFrames(p, fps)
		if err != nil {
			b.Fatal(err)
		}
		clips = append(clips, frames)
		n += len(frames)
	}
	b.ResetTimer()
	for range b.N {
		for _, frames := range clips {
			d := NewDetector(fps, Options{})
			for _, f := range frames {
				d.Push(f, 64, 64)
			}
			d.Finish(0)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/frame")
}

func at(v []float64, i int) float64 {
	if i < len(v) {
		return v[i]
	}
	return 0
}
