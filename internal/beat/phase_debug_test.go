package beat

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// TestDebugPhase prints, for each dev item of BEAT_DEBUG_CORPUS, phase
// features at the four sixteenth offsets of the true beat grid.
func TestDebugPhase(t *testing.T) {
	for _, it := range debugDevItems(t) {
		x := it.audio
		env := OnsetStrength(x, 22050)
		p := 60 / *it.BPM
		fmt.Printf("%-42s", it.Name)
		feats := map[string]func(float64) float64{
			"full":  func(t float64) float64 { return sumAt(env.Values, env.Rate, t) },
			"low":   func(t float64) float64 { return sumAt(env.Bands[0], env.Rate, t) },
			"mid":   func(t float64) float64 { return sumAt(env.Bands[1], env.Rate, t) },
			"high":  func(t float64) float64 { return sumAt(env.Bands[2], env.Rate, t) },
			"harm":  func(t float64) float64 { return harmAt(env, t, p/2) },
			"harmB": func(t float64) float64 { return harmAt(env, t, p) },
		}
		for _, name := range []string{"full", "low", "mid", "high", "harm", "harmB"} {
			f := feats[name]
			var s [4]float64
			for k := range 4 {
				for _, bt := range it.Beats[1:] {
					s[k] += f(bt + float64(k)*p/4)
				}
			}
			m := math.Max(math.Max(s[0], s[1]), math.Max(s[2], s[3]))
			fmt.Printf(" %s %.2f/%.2f/%.2f/%.2f", name, s[0]/m, s[1]/m, s[2]/m, s[3]/m)
		}
		fmt.Println()
	}
}

func sumAt(v []float64, rate, t float64) float64 {
	f := int(math.Round(t * rate))
	var s float64
	for j := max(0, f-2); j <= min(len(v)-1, f+2); j++ {
		s += v[j]
	}
	return s
}

func harmAt(env *Envelope, t, w float64) float64 {
	f := int(math.Round(t * env.Rate))
	d := int(math.Round(w * env.Rate))
	if f-d < 0 || f+d > len(env.Mel) {
		return 0
	}
	return 1 - cosine(meanVec(env.Mel, f-d, f), meanVec(env.Mel, f, f+d))
}

// TestDebugRows prints the band flux at each row of the bar (16 rows,
// four a beat) of BEAT_DEBUG_FILE at BEAT_DEBUG_BPM.
func TestDebugRows(t *testing.T) {
	path := os.Getenv("BEAT_DEBUG_FILE")
	var bpm float64
	fmt.Sscan(os.Getenv("BEAT_DEBUG_BPM"), &bpm)
	if path == "" || bpm == 0 {
		t.Skip("BEAT_DEBUG_FILE, BEAT_DEBUG_BPM not set")
	}
	x := corpusAudio(t, path)
	env := OnsetStrength(x, 22050)
	row := 60 / bpm / 4
	var s [5][16]float64
	for r := 0; float64(r)*row < float64(len(x))/22050-0.3; r++ {
		t := float64(r) * row
		s[0][r%16] += sumAt(env.Values, env.Rate, t)
		for k := range 3 {
			s[k+1][r%16] += sumAt(env.Bands[k], env.Rate, t)
		}
		s[4][r%16] += harmAt(env, t, row*2)
	}
	for k, name := range []string{"full", "low", "mid", "high", "harm"} {
		fmt.Printf("%-5s", name)
		m := 0.0
		for _, v := range s[k] {
			m = math.Max(m, v)
		}
		for _, v := range s[k] {
			fmt.Printf(" %4.2f", v/m)
		}
		fmt.Println()
	}
}

// TestDebugLock prints lockGrid's scores for every dev item.
func TestDebugLock(t *testing.T) {
	for _, it := range debugDevItems(t) {
		x := it.audio
		debugLock = func(t0, path, rigid, anchored float64, n int) {
			fmt.Printf("%-42s t0 %.3f path %.3f rigid %.3f anchored %.3f loss %.3f n %d truth0 %.3f\n", it.Name, t0, path, rigid, anchored, rigid-anchored, n, it.Beats[0])
		}
		r := Analyze(x, 22050, Options{})
		debugLock = nil
		fmt.Printf("   -> beatF %.2f\n", fmeasure(r.Beats, it.Beats, 0.07))
	}
}

func TestDebugStart(t *testing.T) {
	for _, it := range debugDevItems(t) {
		x := it.audio
		env := OnsetStrength(x, 22050)
		m := math.Max(env.RMS[0], math.Max(env.RMS[1], env.RMS[2]))
		fmt.Printf("%-42s truth0 %.3f rms0 %.1f p10 %.1f p50 %.1f p95 %.1f\n", it.Name, it.Beats[0], m, percentile(env.RMS, 0.1), percentile(env.RMS, 0.5), percentile(env.RMS, 0.95))
	}
}

type debugItem struct {
	Name, Split, File string
	BPM               *float64
	Beats             []float64
	audio             []float32
}

// debugDevItems are the tune-on items with a tempo (dev, real-dev,
// real-dev2) of the corpus in BEAT_DEBUG_CORPUS, with their audio; the
// test is skipped when it is not set.
func debugDevItems(t *testing.T) []debugItem {
	dir := os.Getenv("BEAT_DEBUG_CORPUS")
	if dir == "" {
		t.Skip("BEAT_DEBUG_CORPUS not set")
	}
	b, err := os.ReadFile(filepath.Join(dir, "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	var items, out []debugItem
	if err := json.Unmarshal(b, &items); err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.BPM == nil || (it.Split != "dev" && it.Split != "real-dev" && it.Split != "real-dev2") {
			continue
		}
		it.audio = corpusAudio(t, filepath.Join(dir, it.File))
		out = append(out, it)
	}
	return out
}
