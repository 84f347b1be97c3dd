package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/kmeme-factory/kmeme/internal/analysis"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/media"
	"github.com/kmeme-factory/kmeme/internal/perception"
)

type pscoreConfig struct {
	corpus  string
	verbose bool
	runs    int
	audio   bool   // score the sound only (fast)
	only    string // a regular expression: score only the items it matches
	// cpuProfile, when set, is where a CPU profile of the run goes
	cpuProfile string
}

type pcounts struct {
	textTruth, textFound, textDet, textDetOK int
	shots, peopleExact, peopleNear           int
	framed, framingOK                        int
	camShots, camOK                          int
	tp, fp, fn                               int // speech frames
	sylErr                                   []float64
	percS                                    []float64
	byStyle                                  map[string][2]int
	camConf                                  map[string]int
	framingConf                              map[string]int
}

func pscore(ctx context.Context, cfg pscoreConfig) error {
	b, err := os.ReadFile(filepath.Join(cfg.corpus, "ptruth.json"))
	if err != nil {
		return fmt.Errorf("no perception corpus at %s (kmeme-bench pgen): %w", cfg.corpus, err)
	}
	var truths []PTruth
	if err := json.Unmarshal(b, &truths); err != nil {
		return err
	}
	if cfg.cpuProfile != "" {
		f, err := os.Create(cfg.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if cfg.only != "" {
		re, err := regexp.Compile(cfg.only)
		if err != nil {
			return fmt.Errorf("-only: %w", err)
		}
		var keep []PTruth
		for _, tr := range truths {
			if re.MatchString(tr.Name) {
				keep = append(keep, tr)
			}
		}
		if len(keep) == 0 {
			return fmt.Errorf("-only %q matches no item of %s", cfg.only, cfg.corpus)
		}
		truths = keep
	}
	c := pcounts{byStyle: map[string][2]int{}, camConf: map[string]int{}, framingConf: map[string]int{}}
	type speedRow struct {
		name           string
		off, on, stage float64
		cpuOff, cpuOn  float64
		rssOff, rssOn  int64
		texts, shots   int
	}
	var speed []speedRow
	for _, tr := range truths {
		file := filepath.Join(cfg.corpus, tr.File)
		if tr.Split == "speed" {
			row := speedRow{name: tr.Name}
			runs := max(1, cfg.runs)
			var offs, ons, stages []float64
			for r := 0; r < runs; r++ {
				t0, c0 := time.Now(), cpuSeconds()
				if _, err := analysis.Run(ctx, file, analysis.Options{NoPerception: true}); err != nil {
					return fmt.Errorf("%s: %w", tr.Name, err)
				}
				offs = append(offs, time.Since(t0).Seconds())
				row.cpuOff = cpuSeconds() - c0
				row.rssOff = maxRSS()
				t0, c0 = time.Now(), cpuSeconds()
				a, err := analysis.Run(ctx, file, analysis.Options{})
				if err != nil {
					return fmt.Errorf("%s: %w", tr.Name, err)
				}
				ons = append(ons, time.Since(t0).Seconds())
				row.cpuOn = cpuSeconds() - c0
				stages = append(stages, a.Timing["perception"])
				row.rssOn = maxRSS()
				row.texts, row.shots = len(a.Perception.Texts), len(a.Perception.Shots)
			}
			row.off, row.on, row.stage = median(offs), median(ons), median(stages)
			speed = append(speed, row)
			continue
		}
		if cfg.audio {
			if tr.Audio == "none" {
				continue
			}
			info, err := media.Tools{}.Probe(ctx, file, media.Limits{})
			if err != nil {
				return err
			}
			pcm, err := media.DecodeAudio(ctx, info, media.Limits{}, analysis.SampleRate)
			if err != nil {
				return err
			}
			a := &kmeme.Analysis{Perception: &kmeme.Perception{Speech: perception.AnalyzeSound(pcm, analysis.SampleRate)}}
			tr.Texts, tr.Shots = nil, nil
			scoreItem(&c, tr, a, cfg.verbose)
			continue
		}
		a, err := analysis.Run(ctx, file, analysis.Options{})
		if err != nil {
			return fmt.Errorf("%s: %w", tr.Name, err)
		}
		p := a.Perception
		if p == nil {
			return fmt.Errorf("%s: no perception in the analysis", tr.Name)
		}
		c.percS = append(c.percS, a.Timing["perception"])
		scoreItem(&c, tr, a, cfg.verbose)
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	pct := func(a, b int) string {
		if b == 0 {
			return "n/a"
		}
		return fmt.Sprintf("%.3f (%d/%d)", float64(a)/float64(b), a, b)
	}
	fmt.Fprintf(tw, "PERCEPTION (%d items, corpus %s)\tvalue\ttarget\n", len(truths)-len(speed), cfg.corpus)
	fmt.Fprintf(tw, "on-screen text recall\t%s\t>= 0.90\n", pct(c.textFound, c.textTruth))
	fmt.Fprintf(tw, "on-screen text precision\t%s\t>= 0.90\n", pct(c.textDetOK, c.textDet))
	styles := make([]string, 0, len(c.byStyle))
	for s := range c.byStyle {
		styles = append(styles, s)
	}
	sort.Strings(styles)
	for _, s := range styles {
		fmt.Fprintf(tw, "  recall, %s\t%s\t\n", s, pct(c.byStyle[s][0], c.byStyle[s][1]))
	}
	fmt.Fprintf(tw, "people count per shot, exact\t%s\t>= 0.85\n", pct(c.peopleExact, c.shots))
	fmt.Fprintf(tw, "people count per shot, ±1\t%s\t\n", pct(c.peopleNear, c.shots))
	fmt.Fprintf(tw, "framing accuracy\t%s\t>= 0.80\n", pct(c.framingOK, c.framed))
	fmt.Fprintf(tw, "camera-motion accuracy\t%s\t\n", pct(c.camOK, c.camShots))
	prec := float64(c.tp) / math.Max(1, float64(c.tp+c.fp))
	rec := float64(c.tp) / math.Max(1, float64(c.tp+c.fn))
	f1 := 2 * prec * rec / math.Max(1e-9, prec+rec)
	fmt.Fprintf(tw, "speech-segment F1 (10 ms frames)\t%.3f (P %.3f R %.3f)\t>= 0.90\n", f1, prec, rec)
	if len(c.sylErr) > 0 {
		fmt.Fprintf(tw, "syllables/s, median abs error\t%.2f\t\n", median(c.sylErr))
	}
	fmt.Fprintf(tw, "perception stage, median per 8 s item\t%.2f s\t\n", median(c.percS))
	fmt.Fprintln(tw, "\t\t")
	fmt.Fprintln(tw, "TIME COST (analysis in process, median of runs)\twithout / with perception\tadded")
	for _, r := range speed {
		fmt.Fprintf(tw, "%s\t%.2f s / %.2f s (stage %.2f s)\t+%.2f s (+%.0f %%)\n", r.name, r.off, r.on, r.stage, r.on-r.off, 100*(r.on-r.off)/r.off)
		fmt.Fprintf(tw, "  CPU time (bench process + ffmpeg/tesseract children)\t%.2f s / %.2f s\t+%.2f s (+%.0f %%)\n", r.cpuOff, r.cpuOn, r.cpuOn-r.cpuOff, 100*(r.cpuOn-r.cpuOff)/r.cpuOff)
		fmt.Fprintf(tw, "  max RSS of the bench process after\t%d MiB / %d MiB\t%d texts, %d shots\n", r.rssOff>>10, r.rssOn>>10, r.texts, r.shots)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if cfg.verbose {
		fmt.Println("camera confusion (truth>measured):", c.camConf)
		fmt.Println("framing confusion (truth>measured):", c.framingConf)
	}
	return nil
}

func scoreItem(c *pcounts, tr PTruth, a *kmeme.Analysis, verbose bool) {
	p := a.Perception
	// texts
	for _, t := range tr.Texts {
		c.textTruth++
		ok := false
		for _, d := range p.Texts {
			if d.Start < t.End && d.End > t.Start && perception.Similarity(d.Text, t.Text) >= 0.8 {
				ok = true
			}
		}
		st := c.byStyle[t.Style]
		st[1]++
		if ok {
			c.textFound++
			st[0]++
		} else if verbose {
			fmt.Printf("  %s: missed text %q (%s) %.1f–%.1f\n", tr.Name, t.Text, t.Style, t.Start, t.End)
		}
		c.byStyle[t.Style] = st
	}
	for _, d := range p.Texts {
		c.textDet++
		ok := false
		for _, t := range tr.Texts {
			if d.Start < t.End && d.End > t.Start && perception.Similarity(d.Text, t.Text) >= 0.8 {
				ok = true
			}
		}
		if ok {
			c.textDetOK++
		} else if verbose {
			fmt.Printf("  %s: false text %q %.1f–%.1f conf %.2f\n", tr.Name, d.Text, d.Start, d.End, d.Confidence)
		}
	}
	// shots: the measured shot that holds the truth shot's middle
	for _, ts := range tr.Shots {
		mid := (ts.Start + ts.End) / 2
		var sp *kmeme.ShotPerception
		for i, s := range a.Shots {
			if mid >= s.Start && mid < s.End {
				sp = p.Shot(i + 1)
			}
		}
		c.shots++
		c.camShots++
		if ts.Framing != "" {
			c.framed++
		}
		if sp == nil {
			continue
		}
		if sp.People == ts.People {
			c.peopleExact++
		} else if verbose {
			fmt.Printf("  %s: shot %s %.1f: people %d, want %d\n", tr.Name, ts.Source, ts.Start, sp.People, ts.People)
		}
		if abs(sp.People-ts.People) <= 1 {
			c.peopleNear++
		}
		if ts.Framing != "" {
			if string(sp.Framing) == ts.Framing {
				c.framingOK++
			} else {
				c.framingConf[ts.Framing+">"+string(sp.Framing)]++
			}
		}
		if string(sp.Camera) == ts.Camera {
			c.camOK++
		} else {
			c.camConf[ts.Camera+">"+string(sp.Camera)]++
			if verbose {
				fmt.Printf("  %s: shot %s %.1f: camera %s, want %s\n", tr.Name, ts.Source, ts.Start, sp.Camera, ts.Camera)
			}
		}
	}
	// speech frames
	if tr.Audio == "none" {
		return
	}
	n := int(math.Round(tr.DurationS * 100))
	truth := make([]bool, n)
	for _, s := range tr.Speech {
		for i := int(s[0] * 100); i < int(s[1]*100) && i < n; i++ {
			truth[i] = true
		}
	}
	got := make([]bool, n)
	var speechS float64
	if p.Speech != nil {
		for _, s := range p.Speech.Segments {
			if s.Kind != kmeme.AudioSpeech {
				continue
			}
			for i := int(s.Start * 100); i < int(s.End*100) && i < n; i++ {
				got[i] = true
			}
		}
		speechS = p.Speech.SpeechS
	}
	tp, fp, fn := 0, 0, 0
	for i := range truth {
		switch {
		case truth[i] && got[i]:
			tp++
		case got[i]:
			fp++
		case truth[i]:
			fn++
		}
	}
	c.tp += tp
	c.fp += fp
	c.fn += fn
	if verbose && (fp > 20 || fn > 20) {
		var segs []string
		if p.Speech != nil {
			for _, s := range p.Speech.Segments {
				segs = append(segs, fmt.Sprintf("%s %.1f–%.1f", s.Kind, s.Start, s.End))
			}
		}
		fmt.Printf("  %s (%s): speech frames fp %d fn %d; truth %v; got %s\n", tr.Name, tr.Audio, fp, fn, tr.Speech, strings.Join(segs, ", "))
	}
	var truthS float64
	for _, s := range tr.Speech {
		truthS += s[1] - s[0]
	}
	if truthS > 0 && speechS > 0 && p.Speech != nil {
		c.sylErr = append(c.sylErr, math.Abs(p.Speech.SyllablesPerS-float64(tr.Syllables)/truthS))
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// cpuSeconds is the user+system time of this process and its waited-for
// children (ffmpeg, tesseract) so far.
func cpuSeconds() float64 {
	var self, kids syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids)
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(self.Utime) + tv(self.Stime) + tv(kids.Utime) + tv(kids.Stime)
}

// maxRSS is the bench process's peak resident set, KiB.
func maxRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss
}
