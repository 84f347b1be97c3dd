package beat

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestDebugFold prints, for the corpus items matching BEAT_DEBUG_FOLD, the
// envelope folded over the true beat: the mean strength at each eighth of
// the beat after the true beats (full band, low, mid, high), and the
// tracked beats' phase. A tuning aid that skips without the variables.
func TestDebugFold(t *testing.T) {
	dir, pat := os.Getenv("BEAT_DEBUG_CORPUS"), os.Getenv("BEAT_DEBUG_FOLD")
	if dir == "" || pat == "" {
		t.Skip("BEAT_DEBUG_CORPUS / BEAT_DEBUG_FOLD not set")
	}
	re := regexp.MustCompile(pat)
	b, err := os.ReadFile(filepath.Join(dir, "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	var items []struct {
		Name, Split, File string
		BPM               *float64
		Beats, Downbeats  []float64
	}
	if err := json.Unmarshal(b, &items); err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if !re.MatchString(it.Name) || it.BPM == nil || it.Split == "test" || it.Split == "real-test" {
			continue
		}
		x := corpusAudio(t, filepath.Join(dir, it.File))
		env := OnsetStrength(x, 22050)
		v := beatStrength(env)
		r := Analyze(x, 22050, Options{})
		fmt.Printf("== %s  bpm %.2f truth %.2f  beatF %.2f downF %.2f meter %d\n", it.Name, r.BPM, *it.BPM, fmeasure(r.Beats, it.Beats, 0.07), fmeasure(r.Downbeats, it.Downbeats, 0.07), r.Meter)
		per := 60 / *it.BPM
		const k = 8
		curves := map[string][]float64{"strength": v, "low": env.Bands[0], "mid": env.Bands[1], "high": env.Bands[2]}
		for _, name := range []string{"strength", "low", "mid", "high"} {
			c := curves[name]
			_, sd := meanStd(c)
			fmt.Printf("  %-8s", name)
			for ph := 0; ph < k; ph++ {
				var s float64
				n := 0
				for _, tb := range it.Beats {
					f := int(math.Round((tb + per*float64(ph)/k) * env.Rate))
					m := 0.0
					for j := max(0, f-1); j <= min(len(c)-1, f+1); j++ {
						m = math.Max(m, c[j])
					}
					s += m
					n++
				}
				fmt.Printf(" %5.2f", s/float64(n)/sd)
			}
			fmt.Println()
		}
		// bar fold: strength at each beat of the bar
		fmt.Printf("  bar(low)")
		for bb := 0; bb < 4; bb++ {
			var s float64
			n := 0
			for i, tb := range it.Beats {
				if i%4 != bb {
					continue
				}
				f := int(math.Round(tb * env.Rate))
				for j := max(0, f-2); j <= min(len(env.Low)-1, f+2); j++ {
					s += env.Low[j]
				}
				n++
			}
			fmt.Printf(" %5.2f", s/float64(n))
		}
		fmt.Println()
		// phase of tracked beats relative to truth, in eighths of a beat
		hist := make([]int, k)
		for _, bt := range r.Beats {
			d := math.Mod((bt-it.Beats[0])/per, 1)
			if d < 0 {
				d++
			}
			hist[int(math.Round(d*k))%k]++
		}
		fmt.Printf("  tracked phase hist (eighths) %v\n", hist)
		if len(r.Beats) > 0 {
			fmt.Printf("  ours %.3f ...  truth %.3f ...\n", r.Beats[:min(6, len(r.Beats))], it.Beats[:min(6, len(it.Beats))])
		}
	}
}

func init() {
	if os.Getenv("BEAT_DEBUG_ANCHOR") != "" {
		debugLock = func(t0, path, rigid, anch float64, n int) {
			fmt.Printf("   lock t0 %.3f path %.3f rigid %.3f anchored %.3f (%d beats) lock %.3f anchor %.3f\n", t0, path, rigid, anch, n, path-rigid, rigid-anch)
		}
	}
}
