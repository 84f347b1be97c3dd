package beat

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestDebugCorpus scores tempo, beats and downbeats on the dev split of the
// bench corpus in BEAT_DEBUG_CORPUS (see cmd/kmeme-bench); a tuning aid
// that skips without the variable. It never looks at the held-out split.
func TestDebugCorpus(t *testing.T) {
	dir := os.Getenv("BEAT_DEBUG_CORPUS")
	if dir == "" {
		t.Skip("BEAT_DEBUG_CORPUS not set")
	}
	b, err := os.ReadFile(filepath.Join(dir, "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	var items []struct {
		Name, Split, File, Audio string
		BPM                      *float64
		Meter                    int
		Beats, Downbeats         []float64
	}
	if err := json.Unmarshal(b, &items); err != nil {
		t.Fatal(err)
	}
	var n, acc1, nullOK, nullN int
	var bf, df float64
	for _, it := range items {
		if it.Split != "dev" && it.Split != "real-dev" && it.Split != "real-dev2" {
			continue
		}
		x := corpusAudio(t, filepath.Join(dir, it.File))
		r := Analyze(x, 22050, Options{})
		if it.BPM == nil {
			nullN++
			if r.BPM == 0 {
				nullOK++
			}
			fmt.Printf("%-40s null? bpm %.1f conf %.2f cons %.2f gaps %.2f fit %.2f\n", it.Name, r.BPM, r.Confidence, r.Consistency, r.Gaps, r.GridFit)
			continue
		}
		n++
		ok := math.Abs(r.BPM-*it.BPM) <= 0.04**it.BPM
		if ok {
			acc1++
		}
		f1, f2 := fmeasure(r.Beats, it.Beats, 0.07), fmeasure(r.Downbeats, it.Downbeats, 0.07)
		var off float64
		no := 0
		for _, b := range r.Beats {
			for _, tb := range it.Beats {
				if math.Abs(b-tb) < 0.07 {
					off += b - tb
					no++
				}
			}
		}
		if no > 0 {
			fmt.Printf("   mean offset %+.1f ms over %d beats\n", 1000*off/float64(no), no)
		}
		bf += f1
		df += f2
		fb := "-"
		if len(r.Beats) > 0 && len(it.Beats) > 0 {
			fb = fmt.Sprintf("%+.0fms", 1000*(r.Beats[0]-it.Beats[0]))
		}
		fmt.Printf("%-40s %6.1f/%6.1f %v conf %.2f beatF %.2f downF %.2f meter %d/%d first %s cons %.2f gaps %.2f fit %.2f\n", it.Name, r.BPM, *it.BPM, ok, r.Confidence, f1, f2, r.Meter, it.Meter, fb, r.Consistency, r.Gaps, r.GridFit)
	}
	fmt.Printf("Acc1 %.3f beatF %.3f downF %.3f null %d/%d\n", float64(acc1)/float64(n), bf/float64(n), df/float64(n), nullOK, nullN)
}

// corpusAudio decodes a corpus file to mono float samples at 22.05 kHz.
func corpusAudio(t *testing.T, file string) []float32 {
	t.Helper()
	raw, err := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-i", file, "-ac", "1", "-ar", "22050", "-f", "f32le", "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, len(raw)/4)
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return x
}
