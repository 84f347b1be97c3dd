package beat

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"testing"
)

// TestDebugFile prints the tempo candidates of BEAT_DEBUG_FILE; a tuning
// aid that skips without the variable.
func TestDebugFile(t *testing.T) {
	path := os.Getenv("BEAT_DEBUG_FILE")
	if path == "" {
		t.Skip("BEAT_DEBUG_FILE not set")
	}
	b, err := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-i", path, "-ac", "1", "-ar", "22050", "-f", "f32le", "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, len(b)/4)
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	env := OnsetStrength(x, 22050)
	acf := bandACF(env, 400)
	for lag := 20; lag < 120; lag++ {
		if isPeak(acf, lag) {
			fmt.Printf("lag %3d bpm %6.1f acf %.3f 2x %.3f 3x %.3f\n", lag, 60*env.Rate/float64(lag), acf[lag], acfAt(acf, 2*float64(lag)), acfAt(acf, 3*float64(lag)))
		}
	}
	if l := os.Getenv("BEAT_DEBUG_LAG"); l != "" {
		var c int
		fmt.Sscan(l, &c)
		for lag := c - 3; lag <= c+3; lag++ {
			fmt.Printf("near lag %d acf %.3f\n", lag, acf[lag])
		}
	}
	r := Analyze(x, 22050, Options{})
	fmt.Printf("bpm %.2f conf %.2f meter %d reason %q consistency %.2f gaps %.2f grid fit %.2f\n", r.BPM, r.Confidence, r.Meter, r.Reason, r.Consistency, r.Gaps, r.GridFit)
}
