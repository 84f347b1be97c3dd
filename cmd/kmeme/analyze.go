package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/analysis"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/progress"
)

// cmdAnalyze is `kmeme analyze FILE [--json] [--keyframes DIR]`.
func cmdAnalyze(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	asJSON := fs.Bool("json", false, "print the analysis as JSON")
	keyDir := fs.String("keyframes", "", "write one JPEG per shot into `DIR`")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the analysis to `FILE` (go tool pprof)")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "Usage: kmeme analyze FILE [--json] [--keyframes DIR] [--cpuprofile FILE]")
		fs.PrintDefaults()
	}
	// flags may come before or after FILE
	var files []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) > 0 {
			files = append(files, args[0])
			args = args[1:]
		}
	}
	if len(files) != 1 {
		return usageError{"analyze: want exactly one FILE (kmeme analyze FILE [--json] [--keyframes DIR])"}
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("analyze: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("analyze: cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	bar := progress.New(e.stderr, "analyze")
	a, err := analysis.Run(ctx, files[0], analysis.Options{KeyframeDir: *keyDir, Progress: bar.Report, Tools: e.mediaTools()})
	bar.Done()
	if err != nil {
		if kmeme.ErrorCode(err) != kmeme.EINTERNAL {
			return fmt.Errorf("analyze %s: %s", files[0], kmeme.ErrorMessage(err))
		}
		return fmt.Errorf("analyze %s: %w", files[0], err)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(a)
	}
	return printSummary(e.stdout, a)
}

// printSummary writes a few human lines about an analysis.
func printSummary(w io.Writer, a *kmeme.Analysis) error {
	var b strings.Builder
	fmt.Fprintf(&b, "duration  %.2f s\n", a.DurationS)
	if a.Video != nil {
		fmt.Fprintf(&b, "video     %dx%d @ %.3g fps\n", a.Video.Width, a.Video.Height, a.Video.FPS)
	} else {
		fmt.Fprintln(&b, "video     none")
	}
	if a.Tempo.BPM != nil {
		fmt.Fprintf(&b, "tempo     %.1f BPM, %d/4, confidence %.2f, %d beats, %d bars\n", *a.Tempo.BPM, a.Meter, a.Tempo.Confidence, len(a.Beats), len(a.Downbeats))
	} else {
		fmt.Fprintf(&b, "tempo     none (%s)\n", a.Tempo.Reason)
	}
	kinds := map[kmeme.CutKind]int{}
	for _, c := range a.Cuts {
		kinds[c.Kind]++
	}
	fmt.Fprintf(&b, "cuts      %d (%d hard, %d dissolve, %d fade, %d wipe), %d on beats\n", len(a.Cuts),
		kinds[kmeme.CutHard], kinds[kmeme.CutDissolve], kinds[kmeme.CutFade], kinds[kmeme.CutWipe], a.CutsOnBeats)
	fmt.Fprintf(&b, "shots     %d\n", len(a.Shots))
	var secs []string
	for _, s := range a.Sections {
		secs = append(secs, fmt.Sprintf("%s %.1f–%.1f", s.Label, s.Start, s.End))
	}
	if len(secs) > 0 {
		fmt.Fprintf(&b, "sections  %s\n", strings.Join(secs, ", "))
	}
	fmt.Fprintf(&b, "hook      score %.2f (%d cuts, %.1f onsets/s in %.0f s)\n", a.Hook.Score, a.Hook.Cuts, a.Hook.OnsetDensity, a.Hook.WindowS)
	_, err := io.WriteString(w, b.String())
	return err
}
