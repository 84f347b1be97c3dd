package shot

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"testing"
)

// TestDebugFile prints the per-frame series of SHOT_DEBUG_FILE (decoded at
// 64x64 RGB, SHOT_DEBUG_FPS frames a second); it is a tuning aid and skips
// without the variable.
func TestDebugFile(t *testing.T) {
	path := os.Getenv("SHOT_DEBUG_FILE")
	if path == "" {
		t.Skip("SHOT_DEBUG_FILE not set")
	}
	fps, _ := strconv.ParseFloat(os.Getenv("SHOT_DEBUG_FPS"), 64)
	cmd := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-i", path, "-vf", "scale=64:64:flags=area,format=rgb24", "-f", "rawvideo", "-")
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
	}
	buf := make([]byte, 64*64*3)
	for {
		if _, err := io.ReadFull(out, buf); err != nil {
			break
		}
		d.Push(buf, 64, 64)
	}
	cmd.Wait()
	cuts, _ := d.Finish(0)
	for i := range d.s.mce {
		fmt.Printf("%4d %6.3f mce %.3f cf %.2f luma %.3f sharp %.4f\n", i, float64(i)/fps, d.s.mce[i], d.s.cf[i], d.s.luma[i], d.s.sharp[i])
	}
	for _, c := range cuts {
		fmt.Printf("%+v\n", c)
	}
}
