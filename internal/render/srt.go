package render

import (
	"bytes"
	"fmt"
	"math"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// SRT writes the dialogue captions in the register asked for, one cue per
// shot that has a caption, timed to the plan: the caption's own span, or
// its shot for a caption written before captions were timed.
func SRT(r *kmeme.Recipe, reg kmeme.Register) []byte {
	var b bytes.Buffer
	n := 0
	for _, s := range r.Shots {
		text := s.Caption.Text(reg)
		if text == "" {
			continue
		}
		n++
		st, en := s.Caption.Span(s)
		fmt.Fprintf(&b, "%d\n%s --> %s\n%s\n\n", n, srtTime(st), srtTime(en), text)
	}
	return b.Bytes()
}

// srtTime formats seconds as HH:MM:SS,mmm.
func srtTime(t float64) string {
	ms := int64(math.Round(t * 1000))
	if ms < 0 {
		ms = 0
	}
	return fmt.Sprintf("%02d:%02d:%02d,%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}
