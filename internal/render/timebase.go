package render

import (
	"fmt"
	"math"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// timebase is a frame rate as a fraction: Num frames every Den seconds
// (30000/1001 for NTSC 29.97). Every time in the timelines is a whole
// number of frames, so editors never see off-grid cuts.
type timebase struct{ Num, Den int64 }

// timebaseOf picks the frame grid of the source video: NTSC rates become
// their exact x/1001 form, others round to whole frames; 30 fps when the
// analysis has no video.
func timebaseOf(a *kmeme.Analysis) timebase {
	fps := 30.0
	if a != nil && a.Video != nil && a.Video.FPS > 1 && a.Video.FPS < 1000 {
		fps = a.Video.FPS
	}
	for _, n := range []int64{24, 30, 48, 60, 120} {
		ntsc := float64(n*1000) / 1001
		if math.Abs(fps-ntsc) < 0.01 {
			return timebase{n * 1000, 1001}
		}
	}
	return timebase{int64(math.Round(fps)), 1}
}

// rate is frames per second as a float (OTIO's "rate").
func (tb timebase) rate() float64 { return float64(tb.Num) / float64(tb.Den) }

// frames is t seconds rounded to the nearest frame.
func (tb timebase) frames(t float64) int64 {
	return int64(math.Round(t * float64(tb.Num) / float64(tb.Den)))
}

// fcp writes n frames as an FCPXML rational time: "n*Den/Num s", e.g.
// "1001/30000s" or "45/30s"; zero is "0s".
func (tb timebase) fcp(n int64) string {
	if n == 0 {
		return "0s"
	}
	num, den := n*tb.Den, tb.Num
	if num%den == 0 {
		return fmt.Sprintf("%ds", num/den)
	}
	return fmt.Sprintf("%d/%ds", num, den)
}

// frameDuration is FCPXML's frameDuration attribute.
func (tb timebase) frameDuration() string { return fmt.Sprintf("%d/%ds", tb.Den, tb.Num) }
