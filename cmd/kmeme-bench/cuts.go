package main

// The cut bench: shot detection alone over the corpus's video items, with
// every miss and false cut listed (kmeme-bench cuts -v).

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/kmeme-factory/kmeme/internal/analysis"
	"github.com/kmeme-factory/kmeme/internal/media"
	"github.com/kmeme-factory/kmeme/internal/shot"
)

type cutsConfig struct {
	corpus, split, only string
	verbose             bool
}

// cutMiss is one transition not found, or one detection matching none.
type cutMiss struct {
	item, what string
}

func scoreCuts(ctx context.Context, cfg cutsConfig) error {
	truths, err := readTruths(cfg.corpus)
	if err != nil {
		return err
	}
	var only *regexp.Regexp
	if cfg.only != "" {
		if only, err = regexp.Compile(cfg.only); err != nil {
			return fmt.Errorf("-only: %w", err)
		}
	}
	splits := map[string]*tally{}
	kinds := map[string]*[2]int{} // per split and kind: found, all
	var misses []cutMiss
	for _, tr := range truths {
		if tr.FPS <= 0 || tr.Split == "speed" || (cfg.split != "" && tr.Split != cfg.split) {
			continue
		}
		if only != nil && !only.MatchString(tr.Name) {
			continue
		}
		file := filepath.Join(cfg.corpus, tr.File)
		info, err := media.Tools{}.Probe(ctx, file, media.Limits{})
		if err != nil {
			return fmt.Errorf("probe %s: %w", tr.File, err)
		}
		cuts, _, err := analysis.DetectCuts(ctx, info, media.Limits{})
		if err != nil {
			return fmt.Errorf("detect cuts in %s: %w", tr.File, err)
		}
		var det []float64
		for _, c := range cuts {
			det = append(det, c.T)
		}
		for _, s := range []string{tr.Split, "all"} {
			if splits[s] == nil {
				splits[s] = &tally{}
			}
			splits[s].cuts(tr, det)
		}
		found, falses := matchCuts(tr, cuts)
		for i, c := range tr.Cuts {
			k := tr.Split + " " + c.Kind
			if c.Via != "" {
				k += " via " + c.Via
			}
			if kinds[k] == nil {
				kinds[k] = &[2]int{}
			}
			kinds[k][1]++
			if found[i] >= 0 {
				kinds[k][0]++
				continue
			}
			misses = append(misses, cutMiss{tr.Name, fmt.Sprintf("MISS  %-8s t %.3f [%.3f, %.3f] %.2f s%s", c.Kind, c.T, c.Start, c.End, c.End-c.Start, nearest(c.T, cuts))})
		}
		for _, c := range falses {
			misses = append(misses, cutMiss{tr.Name, fmt.Sprintf("FALSE %-8s t %.3f [%.3f, %.3f] conf %.2f%s", c.Kind, c.T, c.Start, c.End, c.Confidence, nearDistractor(tr, c.T))})
		}
		for _, d := range distractorHits(tr, det) {
			misses = append(misses, cutMiss{tr.Name, "DISTR " + d})
		}
		if cfg.only != "" {
			for _, c := range tr.Cuts {
				misses = append(misses, cutMiss{tr.Name, fmt.Sprintf("truth %-8s t %.3f [%.3f, %.3f]", c.Kind, c.T, c.Start, c.End)})
			}
			for _, c := range cuts {
				misses = append(misses, cutMiss{tr.Name, fmt.Sprintf("ours  %-8s t %.3f [%.3f, %.3f] conf %.2f", c.Kind, c.T, c.Start, c.End, c.Confidence)})
			}
		}
	}
	if cfg.verbose {
		sort.SliceStable(misses, func(i, j int) bool { return misses[i].item < misses[j].item })
		for _, m := range misses {
			fmt.Printf("%-30s %s\n", m.item, m.what)
		}
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "\nsplit\tprecision\trecall\tF1\thard recall\tgradual recall\tdistractor hits\t\n")
	for _, s := range []string{"test", "dev", "all"} {
		t := splits[s]
		if t == nil {
			continue
		}
		p, r := float64(t.tp)/math.Max(1, float64(t.tp+t.fp)), float64(t.tp)/math.Max(1, float64(t.tp+t.fn))
		f1 := 0.0
		if p+r > 0 {
			f1 = 2 * p * r / (p + r)
		}
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.3f\t%s\t%s\t%d/%d\t\n", s, p, r, f1, ratio(t.hardHit, t.hardN), ratio(t.gradHit, t.gradN), t.distHit, t.distN)
	}
	var ks []string
	for k := range kinds {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		fmt.Fprintf(tw, "  %s\t%d/%d\t\t\t\t\t\t\n", k, kinds[k][0], kinds[k][1])
	}
	return tw.Flush()
}

// matchCuts pairs truth transitions with detections the way tally.cuts
// does; found[i] is the detection of truth cut i (-1: missed), falses the
// detections left over.
func matchCuts(tr Truth, cuts []shot.Cut) (found []int, falses []shot.Cut) {
	slack := 2 / tr.FPS
	used := make([]bool, len(cuts))
	for _, c := range tr.Cuts {
		bi, best := -1, math.Inf(1)
		for i, d := range cuts {
			if !used[i] && d.T >= c.Start-slack && d.T <= c.End+slack && math.Abs(d.T-c.T) < best {
				bi, best = i, math.Abs(d.T-c.T)
			}
		}
		if bi >= 0 {
			used[bi] = true
		}
		found = append(found, bi)
	}
	for i, u := range used {
		if !u {
			falses = append(falses, cuts[i])
		}
	}
	return found, falses
}

func nearest(t float64, cuts []shot.Cut) string {
	bi := -1
	for i, c := range cuts {
		if bi < 0 || math.Abs(c.T-t) < math.Abs(cuts[bi].T-t) {
			bi = i
		}
	}
	if bi < 0 || math.Abs(cuts[bi].T-t) > 2 {
		return ""
	}
	c := cuts[bi]
	return fmt.Sprintf("  (nearest: %s at %.3f [%.3f, %.3f])", c.Kind, c.T, c.Start, c.End)
}

func nearDistractor(tr Truth, t float64) string {
	var notes []string
	for _, f := range tr.Flashes {
		if math.Abs(f-t) < 0.5 {
			notes = append(notes, fmt.Sprintf("flash@%.3f", f))
		}
	}
	for _, c := range tr.Captions {
		if math.Abs(c-t) < 0.5 {
			notes = append(notes, fmt.Sprintf("caption@%.3f", c))
		}
	}
	if len(notes) == 0 {
		return ""
	}
	return "  near " + strings.Join(notes, " ")
}

// distractorHits names the flashes and caption changes a detection fell
// on (the windows tally.cuts uses).
func distractorHits(tr Truth, det []float64) []string {
	slack := 2 / tr.FPS
	var out []string
	in := func(lo, hi float64) bool {
		for _, d := range det {
			if d >= lo && d <= hi {
				return true
			}
		}
		return false
	}
	for _, f := range tr.Flashes {
		if in(f-slack, f+5/tr.FPS) {
			out = append(out, fmt.Sprintf("flash at %.3f", f))
		}
	}
	for _, c := range tr.Captions {
		if in(c-slack, c+slack) {
			out = append(out, fmt.Sprintf("caption change at %.3f", c))
		}
	}
	return out
}
