// Command kmeme-bench builds a ground-truth corpus (music rendered from
// generated MIDI, Korean speech, noise; video cut from photographs with
// known transitions and distractors) and scores `kmeme analyze` against it
// side by side with aubio and ffmpeg's scene score.
//
//	kmeme-bench gen   -out DIR [-photos DIR] [-items N] [-seed S]
//	kmeme-bench score -corpus DIR -kmeme BIN [-split test]
//	kmeme-bench cuts  -corpus DIR [-split test] [-v]               (shot detection alone)
//	kmeme-bench pgen  -out DIR -photo-root DIR [-photo-set heldout] [-items N] [-seed S]   (perception corpus)
//	kmeme-bench pscore -corpus DIR [-v]                              (perception table)
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "kmeme-bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: kmeme-bench gen|score|cuts|pgen|pscore [flags]")
	}
	switch args[0] {
	case "gen":
		fs := flag.NewFlagSet("gen", flag.ContinueOnError)
		var cfg genConfig
		fs.StringVar(&cfg.out, "out", "bench-output/corpus", "corpus directory")
		fs.StringVar(&cfg.photos, "photos", "/usr/share/backgrounds/mate", "directory of photographs")
		fs.StringVar(&cfg.soundfont, "soundfont", "/usr/share/sounds/sf2/FluidR3_GM.sf2", "General MIDI soundfont")
		fs.Int64Var(&cfg.seed, "seed", 1, "random seed")
		fs.IntVar(&cfg.items, "items", 36, "number of items")
		fs.Float64Var(&cfg.durS, "dur", 20, "seconds per item")
		fs.BoolVar(&cfg.speedItem, "speed", true, "also make the 60 s 1080x1920 speed file")
		fs.StringVar(&cfg.modules, "modules", "", "directory of tracker modules (MOD, XM) for the real-music splits")
		fs.StringVar(&cfg.devModules, "dev-modules", "", "directory of more tracker modules, all tuned on (the real-dev2 split)")
		fs.Float64Var(&cfg.realDur, "real-dur", 30, "seconds of each module")
		fs.BoolVar(&cfg.audioOnly, "audio-only", false, "write WAV items without pictures (a quick tempo corpus)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return generate(ctx, cfg)
	case "pgen":
		fs := flag.NewFlagSet("pgen", flag.ContinueOnError)
		var cfg pgenConfig
		fs.StringVar(&cfg.out, "out", "bench-output/perception", "corpus directory")
		fs.StringVar(&cfg.photoRoot, "photo-root", "bench-output/perception-photos", "where the photo packages were unpacked")
		fs.StringVar(&cfg.photoSet, "photo-set", "tuning", "tuning (perception-photos.json) or heldout (perception-photos-heldout.json: measured, never tuned on)")
		fs.StringVar(&cfg.soundfont, "soundfont", "/usr/share/sounds/sf2/FluidR3_GM.sf2", "General MIDI soundfont")
		fs.Int64Var(&cfg.seed, "seed", 1, "random seed")
		fs.IntVar(&cfg.items, "items", 30, "number of 8 s items")
		fs.BoolVar(&cfg.speed, "speed", true, "also make the 20 s 720x1280 and 60 s 1080x1920 timing files")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return pgenerate(ctx, cfg)
	case "pscore":
		fs := flag.NewFlagSet("pscore", flag.ContinueOnError)
		var cfg pscoreConfig
		fs.StringVar(&cfg.corpus, "corpus", "bench-output/perception", "corpus directory")
		fs.BoolVar(&cfg.verbose, "v", false, "print every miss")
		fs.IntVar(&cfg.runs, "runs", 3, "timing runs per speed file (median)")
		fs.BoolVar(&cfg.audio, "audio-only", false, "score the speech segments only (no video analysis)")
		fs.StringVar(&cfg.cpuProfile, "cpuprofile", "", "write a CPU profile of the scoring run (go tool pprof)")
		fs.StringVar(&cfg.only, "only", "", "score only the items whose name matches this regular expression (a quick look)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return pscore(ctx, cfg)
	case "cuts":
		fs := flag.NewFlagSet("cuts", flag.ContinueOnError)
		var cfg cutsConfig
		fs.StringVar(&cfg.corpus, "corpus", "bench-output/corpus", "corpus directory")
		fs.StringVar(&cfg.split, "split", "", "score only this split (dev, test); empty: both, reported apart")
		fs.StringVar(&cfg.only, "only", "", "score only the items whose name matches this regular expression")
		fs.BoolVar(&cfg.verbose, "v", false, "list every missed and false cut")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return scoreCuts(ctx, cfg)
	case "score":
		fs := flag.NewFlagSet("score", flag.ContinueOnError)
		var cfg scoreConfig
		fs.StringVar(&cfg.corpus, "corpus", "bench-output/corpus", "corpus directory")
		fs.StringVar(&cfg.kmeme, "kmeme", "bin/kmeme", "kmeme binary; empty runs the engine in process")
		fs.StringVar(&cfg.split, "split", "", "score only this split (dev, test); empty: both, reported apart")
		fs.BoolVar(&cfg.peers, "peers", true, "run aubio and ffmpeg scene too")
		fs.BoolVar(&cfg.verbose, "v", false, "print per-item results")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return score(ctx, cfg)
	}
	return fmt.Errorf("unknown command %q", args[0])
}
