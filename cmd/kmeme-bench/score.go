package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kmeme-factory/kmeme/internal/analysis"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

type scoreConfig struct {
	corpus, kmeme, split string
	peers, verbose       bool
}

// tally accumulates one system's results over a set of items.
type tally struct {
	tempoN, acc1, acc2     int
	given                  int // tempo items answered with a tempo
	nullN, nullOK          int
	firstErr               []float64 // items whose music starts at 0: |first beat − truth|
	beatF, downF           []float64
	tp, fp, fn             int
	hardN, hardHit         int
	gradN, gradHit         int
	distN, distHit         int
	wall, decode           float64
	speedWall, speedDecode float64
	speedPerception        float64 // seconds the perception stage took in the speed run
}

// first records the first-beat error of an item whose music starts at
// 0:00 (truth's first beat within 50 ms of the start); a missing beat
// counts as the whole truth beat period.
func (t *tally) first(tr Truth, est []float64) {
	if tr.BPM == nil || len(tr.Beats) == 0 || tr.Beats[0] > 0.05 {
		return
	}
	e := 60 / *tr.BPM
	if len(est) > 0 {
		e = math.Min(e, math.Abs(est[0]-tr.Beats[0]))
	}
	t.firstErr = append(t.firstErr, e)
}

func (t *tally) tempo(truth *float64, est float64, hasEst bool) {
	if truth == nil {
		t.nullN++
		if !hasEst {
			t.nullOK++
		}
		return
	}
	t.tempoN++
	if !hasEst {
		return
	}
	t.given++
	if math.Abs(est-*truth) <= 0.04**truth {
		t.acc1++
	}
	for _, f := range []float64{1, 2, 0.5, 3, 1.0 / 3} {
		if math.Abs(est-*truth*f) <= 0.04**truth*f {
			t.acc2++
			break
		}
	}
}

// fMeasure matches estimates to references one-to-one within tol.
func fMeasure(est, ref []float64, tol float64) float64 {
	if len(ref) == 0 && len(est) == 0 {
		return 1
	}
	if len(ref) == 0 || len(est) == 0 {
		return 0
	}
	used := make([]bool, len(est))
	hit := 0
	for _, r := range ref {
		best, bi := tol+1e-9, -1
		for i, e := range est {
			if d := math.Abs(e - r); !used[i] && d <= best {
				best, bi = d, i
			}
		}
		if bi >= 0 {
			used[bi] = true
			hit++
		}
	}
	p, rc := float64(hit)/float64(len(est)), float64(hit)/float64(len(ref))
	if p+rc == 0 {
		return 0
	}
	return 2 * p * rc / (p + rc)
}

// cuts scores detections against the constructed transitions and distractors.
func (t *tally) cuts(tr Truth, det []float64) {
	slack := 2 / tr.FPS
	used := make([]bool, len(det))
	for _, c := range tr.Cuts {
		lo, hi := c.Start-slack, c.End+slack
		bi, best := -1, math.Inf(1)
		for i, d := range det {
			if !used[i] && d >= lo && d <= hi && math.Abs(d-c.T) < best {
				bi, best = i, math.Abs(d-c.T)
			}
		}
		hit := bi >= 0
		if hit {
			used[bi] = true
			t.tp++
		} else {
			t.fn++
		}
		if c.Kind == "cut" {
			t.hardN++
			if hit {
				t.hardHit++
			}
		} else {
			t.gradN++
			if hit {
				t.gradHit++
			}
		}
	}
	for _, u := range used {
		if !u {
			t.fp++
		}
	}
	check := func(lo, hi float64) {
		t.distN++
		for _, d := range det {
			if d >= lo && d <= hi {
				t.distHit++
				return
			}
		}
	}
	for _, f := range tr.Flashes {
		check(f-slack, f+5/tr.FPS)
	}
	for _, c := range tr.Captions {
		check(c-slack, c+slack)
	}
}

func ratio(a, b int) string {
	if b == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.3f", float64(a)/float64(b))
}

func mean(v []float64) string {
	if len(v) == 0 {
		return "n/a"
	}
	var s float64
	for _, x := range v {
		s += x
	}
	return fmt.Sprintf("%.3f", s/float64(len(v)))
}

func timed(ctx context.Context, name string, args ...string) ([]byte, []byte, float64, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	t0 := time.Now()
	err := cmd.Run()
	return out.Bytes(), errb.Bytes(), time.Since(t0).Seconds(), err
}

var (
	ptsRe = regexp.MustCompile(`pts_time:([0-9.]+)`)
	bpmRe = regexp.MustCompile(`([0-9.]+) bpm`)
)

// readTruths reads a corpus's truth.json (written by gen).
func readTruths(corpus string) ([]Truth, error) {
	b, err := os.ReadFile(filepath.Join(corpus, "truth.json"))
	if err != nil {
		return nil, fmt.Errorf("read truth (run gen first): %w", err)
	}
	var truths []Truth
	if err := json.Unmarshal(b, &truths); err != nil {
		return nil, fmt.Errorf("parse %s: %w", filepath.Join(corpus, "truth.json"), err)
	}
	return truths, nil
}

func score(ctx context.Context, cfg scoreConfig) error {
	truths, err := readTruths(cfg.corpus)
	if err != nil {
		return err
	}
	splits := map[string]*[4]tally{} // ours, aubio, scene, bpm-tools
	get := func(s string) *[4]tally {
		if splits[s] == nil {
			splits[s] = &[4]tally{}
		}
		return splits[s]
	}
	for _, tr := range truths {
		if cfg.split != "" && tr.Split != cfg.split && tr.Split != "speed" {
			continue
		}
		file := filepath.Join(cfg.corpus, tr.File)
		_, _, bare, err := timed(ctx, "ffmpeg", "-nostdin", "-loglevel", "error", "-i", file, "-f", "null", "-")
		if err != nil {
			return fmt.Errorf("bare decode %s: %w", tr.File, err)
		}
		var a kmeme.Analysis
		var wall float64
		if cfg.kmeme == "" {
			// in process: the same engine without the binary
			t0 := time.Now()
			res, err := analysis.Run(ctx, file, analysis.Options{})
			if err != nil {
				return fmt.Errorf("analyze %s: %w", tr.File, err)
			}
			wall = time.Since(t0).Seconds()
			a = *res
		} else {
			out, errb, w, err := timed(ctx, cfg.kmeme, "analyze", "--json", file)
			if err != nil {
				return fmt.Errorf("kmeme analyze %s: %v: %s", tr.File, err, errb)
			}
			if err := json.Unmarshal(out, &a); err != nil {
				return fmt.Errorf("parse analysis of %s: %w", tr.File, err)
			}
			wall = w
		}
		var ourCuts []float64
		for _, c := range a.Cuts {
			ourCuts = append(ourCuts, c.T)
		}
		ts := get(tr.Split)
		all := get("all")
		for _, t := range []*[4]tally{ts, all} {
			o := &t[0]
			est := 0.0
			if a.Tempo.BPM != nil {
				est = *a.Tempo.BPM
			}
			if tr.Split == "speed" {
				o.speedWall, o.speedDecode = wall, bare
				o.speedPerception = a.Timing["perception"]
				continue
			}
			o.tempo(tr.BPM, est, a.Tempo.BPM != nil)
			if tr.BPM != nil {
				o.beatF = append(o.beatF, fMeasure(a.Beats, tr.Beats, 0.07))
				o.downF = append(o.downF, fMeasure(a.Downbeats, tr.Downbeats, 0.07))
			}
			o.first(tr, a.Beats)
			o.cuts(tr, ourCuts)
			o.wall += wall
			o.decode += bare
		}
		if cfg.verbose {
			bpm := "null"
			if a.Tempo.BPM != nil {
				bpm = fmt.Sprintf("%.2f", *a.Tempo.BPM)
			}
			tb := "null"
			if tr.BPM != nil {
				tb = fmt.Sprintf("%.1f", *tr.BPM)
			}
			var tc []string
			for _, c := range tr.Cuts {
				tc = append(tc, fmt.Sprintf("%s@%.2f", c.Kind[:1], c.T))
			}
			var oc []string
			for _, c := range a.Cuts {
				oc = append(oc, fmt.Sprintf("%s@%.2f", string(c.Kind)[:1], c.T))
			}
			fmt.Fprintf(os.Stderr, "%-30s bpm %s/%s beatF %.2f downF %.2f meter %d/%d wall %.2fs bare %.2fs\n   truth %v\n   ours  %v\n",
				tr.Name, bpm, tb, fMeasure(a.Beats, tr.Beats, 0.07), fMeasure(a.Downbeats, tr.Downbeats, 0.07), a.Meter, tr.Meter, wall, bare, tc, oc)
		}
		if !cfg.peers {
			continue
		}
		// peers: aubio tempo, aubio beat, ffmpeg scene score
		tout, _, tw, err := timed(ctx, "aubio", "tempo", "-i", file)
		if err != nil {
			return fmt.Errorf("aubio tempo %s: %w", tr.File, err)
		}
		bout, _, bw, err := timed(ctx, "aubio", "beat", "-i", file)
		if err != nil {
			return fmt.Errorf("aubio beat %s: %w", tr.File, err)
		}
		var serr []byte
		var sw float64
		if tr.Width > 0 && !strings.HasSuffix(tr.File, ".wav") {
			_, serr, sw, err = timed(ctx, "ffmpeg", "-nostdin", "-i", file, "-vf", "select='gt(scene,0.3)',metadata=print", "-an", "-f", "null", "-")
			if err != nil {
				return fmt.Errorf("ffmpeg scene %s: %w", tr.File, err)
			}
		}
		// bpm-tools reads 44.1 kHz mono float on stdin; same tempo range as ours
		bpmOut, _, bpw, err := timed(ctx, "sh", "-c", `ffmpeg -nostdin -loglevel error -i "$1" -vn -ac 1 -ar 44100 -f f32le - | bpm -m 55 -x 215`, "sh", file)
		if err != nil {
			return fmt.Errorf("bpm-tools %s: %w", tr.File, err)
		}
		toolsBPM, _ := strconv.ParseFloat(strings.TrimSpace(string(bpmOut)), 64)
		aubioBPM, hasBPM := 0.0, false
		if m := bpmRe.FindSubmatch(tout); m != nil {
			aubioBPM, _ = strconv.ParseFloat(string(m[1]), 64)
			hasBPM = aubioBPM > 0
		}
		var aubioBeats []float64
		sc := bufio.NewScanner(bytes.NewReader(bout))
		for sc.Scan() {
			if f, err := strconv.ParseFloat(strings.TrimSpace(sc.Text()), 64); err == nil {
				aubioBeats = append(aubioBeats, f)
			}
		}
		var scene []float64
		for _, m := range ptsRe.FindAllSubmatch(serr, -1) {
			if f, err := strconv.ParseFloat(string(m[1]), 64); err == nil {
				scene = append(scene, f)
			}
		}
		for _, t := range []*[4]tally{ts, all} {
			au, sc, bt := &t[1], &t[2], &t[3]
			if tr.Split == "speed" {
				au.speedWall, sc.speedWall, bt.speedWall = tw+bw, sw, bpw
				au.speedDecode, sc.speedDecode, bt.speedDecode = bare, bare, bare
				continue
			}
			au.tempo(tr.BPM, aubioBPM, hasBPM)
			bt.tempo(tr.BPM, toolsBPM, toolsBPM > 0)
			if tr.BPM != nil {
				au.beatF = append(au.beatF, fMeasure(aubioBeats, tr.Beats, 0.07))
			}
			au.first(tr, aubioBeats)
			sc.cuts(tr, scene)
			bt.wall += bpw
			bt.decode += bare
			au.wall += tw + bw
			sc.wall += sw
			au.decode, sc.decode = au.decode+bare, sc.decode+bare
		}
	}
	names := make([]string, 0, len(splits))
	for s := range splits {
		if s != "speed" {
			names = append(names, s)
		}
	}
	sort.Slice(names, func(i, j int) bool { return order(names[i]) < order(names[j]) })
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	for _, s := range names {
		t := splits[s]
		o, au, sc, bt := &t[0], &t[1], &t[2], &t[3]
		fmt.Fprintf(tw, "\n%s\t\t\t\t\t\n", strings.ToUpper(s)+" ("+splitNote(s)+")")
		fmt.Fprintf(tw, "metric\tkmeme\taubio\tbpm-tools\tffmpeg scene\ttarget\t\n")
		row := func(name, a, b, c, d, target string) {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", name, a, b, c, d, target)
		}
		tempoRows := func(x *tally) [4]string {
			return [4]string{ratio(x.acc1, x.tempoN), ratio(x.acc2, x.tempoN), ratio(x.nullOK, x.nullN), ratio(x.given, x.tempoN)}
		}
		ot, at, bpt := tempoRows(o), tempoRows(au), tempoRows(bt)
		row("tempo Acc1 (±4%)", ot[0], at[0], bpt[0], "-", "≥0.95")
		row("tempo Acc2 (×2 ×½ ×3 ×⅓ ok)", ot[1], at[1], bpt[1], "-", "≥0.99")
		row("no-beat items → bpm null", ot[2], at[2], bpt[2], "-", "1.000")
		row("steady items → a tempo", ot[3], at[3], bpt[3], "-", "1.000")
		row("beat F (±70 ms)", mean(o.beatF), mean(au.beatF), "n/a", "-", "≥0.92")
		row("downbeat F (±70 ms)", mean(o.downF), "n/a", "n/a", "-", "≥0.85")
		fb := func(x *tally) string {
			if len(x.firstErr) == 0 {
				return "n/a"
			}
			ok := 0
			for _, e := range x.firstErr {
				if e <= 0.03 {
					ok++
				}
			}
			return fmt.Sprintf("%s (%d/%d ≤30ms)", medianMS(x.firstErr), ok, len(x.firstErr))
		}
		row("first-beat error, music from 0:00", fb(o), fb(au), "n/a", "-", "≤30 ms")
		if n := o.hardN + o.gradN; n > 0 {
			p := func(x *tally) string { return ratio(x.tp, x.tp+x.fp) }
			r := func(x *tally) string { return ratio(x.tp, x.tp+x.fn) }
			f1 := func(x *tally) string {
				if x.tp == 0 {
					return "0.000"
				}
				pp, rr := float64(x.tp)/float64(x.tp+x.fp), float64(x.tp)/float64(x.tp+x.fn)
				return fmt.Sprintf("%.3f", 2*pp*rr/(pp+rr))
			}
			row("cut precision", p(o), "-", "-", p(sc), "≥0.95")
			row("cut recall", r(o), "-", "-", r(sc), "")
			row("cut F1", f1(o), "-", "-", f1(sc), "≥0.96")
			row("hard-cut recall", ratio(o.hardHit, o.hardN), "-", "-", ratio(sc.hardHit, sc.hardN), "≥0.98")
			row("gradual recall", ratio(o.gradHit, o.gradN), "-", "-", ratio(sc.gradHit, sc.gradN), "≥0.87")
			row("false cuts on distractors", ratio(o.distHit, o.distN), "-", "-", ratio(sc.distHit, sc.distN), "0")
		}
		div := func(a, b float64) string {
			if b == 0 {
				return "n/a"
			}
			return fmt.Sprintf("%.2f", a/b)
		}
		row("wall / bare decode (corpus)", div(o.wall, o.decode), div(au.wall, au.decode), div(bt.wall, bt.decode), div(sc.wall, sc.decode), "")
		fmt.Fprintf(tw, "items: %d tempo, %d no-beat, %d transitions, %d distractors\t\t\t\t\t\t\n", o.tempoN, o.nullN, o.hardN+o.gradN, o.distN)
	}
	if sp := splits["speed"]; sp != nil {
		o, au, sc, bt := &sp[0], &sp[1], &sp[2], &sp[3]
		fmt.Fprintf(tw, "\nSPEED (60 s 1080x1920 30 fps H.264)\t\t\t\t\t\t\n")
		fmt.Fprintf(tw, "bare decode (ffmpeg -f null)\t%.2f s\t\t\t\t\t\n", o.speedDecode)
		fmt.Fprintf(tw, "kmeme analyze\t%.2f s\t%.2f×\t\t\t≤1.00×\t\n", o.speedWall, o.speedWall/o.speedDecode)
		if p := o.speedPerception; p > 0 {
			fmt.Fprintf(tw, "  of which perception stage (after the decode)\t%.2f s\t%.2f×\t\t\t\t\n", p, p/o.speedDecode)
			fmt.Fprintf(tw, "  analyze without perception\t%.2f s\t%.2f×\t\t\t\t\n", o.speedWall-p, (o.speedWall-p)/o.speedDecode)
		}
		if cfg.peers {
			peers := au.speedWall + sc.speedWall
			fmt.Fprintf(tw, "peers (scene + aubio beat + tempo)\t%.2f s\t%.2f×\t\t\t\t\n", peers, peers/o.speedDecode)
			fmt.Fprintf(tw, "bpm-tools (tempo only)\t%.2f s\t%.2f×\t\t\t\t\n", bt.speedWall, bt.speedWall/o.speedDecode)
		}
	}
	return tw.Flush()
}

func order(s string) int {
	switch s {
	case "test":
		return 0
	case "dev":
		return 1
	case "real-test":
		return 2
	case "real-dev":
		return 3
	case "real-dev2":
		return 4
	}
	return 5
}

func medianMS(v []float64) string {
	w := append([]float64(nil), v...)
	sort.Float64s(w)
	return fmt.Sprintf("%.0f ms", 1000*w[len(w)/2])
}

func splitNote(s string) string {
	switch s {
	case "test":
		return "held out, never tuned on"
	case "dev":
		return "tuned on"
	case "real-test":
		return "tracker modules, held out, never tuned on"
	case "real-dev":
		return "tracker modules, tuned on"
	case "real-dev2":
		return "tracker modules of more packages, tuned on"
	}
	return "everything"
}
