package main

import (
	"math"
	"strconv"
	"testing"
)

// ffmpegFrames models how ffmpeg turns an input -t into a frame count for
// a looped image at fps: microseconds, rescaled to the 1/fps time base with
// rounding to nearest (halves away from zero), frames before that kept.
func ffmpegFrames(t string, fps float64) int {
	s, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return -1
	}
	us := math.Round(s * 1e6)
	return int(math.Round(us * fps / 1e6))
}

func TestInputDurationKeepsEveryFrame(t *testing.T) {
	t.Parallel()
	for _, fps := range []float64{24, 25, 30, 60} {
		for n := 1; n <= 60*int(fps); n++ {
			if got := ffmpegFrames(inputDuration(n, fps), fps); got != n {
				t.Fatalf("%g fps, %d frames: -t %s gives %d frames", fps, n, inputDuration(n, fps), got)
			}
		}
	}
}

// TestHalfFrameShortLosesFrames pins the bug inputDuration fixes, so the
// model above is known to tell the two apart: 70 frames at 24 fps with -t
// (n-0.5)/fps came out as 69 (item 08 of the seed-1 corpus drifted by one
// frame per shot).
func TestHalfFrameShortLosesFrames(t *testing.T) {
	t.Parallel()
	if got := ffmpegFrames(strconv.FormatFloat((70-0.5)/24, 'f', 6, 64), 24); got != 69 {
		t.Fatalf("old -t for 70 frames at 24 fps gives %d frames, want the 69 seen in the corpus", got)
	}
}

// TestPlanHasShortTalk: the corpus has talk items the length of a
// short-form clip, in both splits, after the speed file (an item's seed
// is its index: added after the others, they change no earlier item).
func TestPlanHasShortTalk(t *testing.T) {
	cfg := genConfig{items: 42, seed: 1, durS: 20, speedItem: true}
	plan := planItems(cfg)
	short := map[string]int{}
	for i, it := range plan {
		if it.audio == "speech" && it.dur == 8 {
			short[it.split]++
			if i <= cfg.items {
				t.Errorf("short talk item %s at %d, before the speed file", it.name, i)
			}
		}
	}
	if short["dev"] == 0 || short["test"] == 0 {
		t.Errorf("short talk items per split: %v", short)
	}
}
