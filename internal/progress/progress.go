// Package progress draws a one-line progress bar on a terminal and stays
// quiet everywhere else. Long work reports through a Func so the same code
// feeds a terminal bar, server-sent events or a test.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// Func receives the current stage and the fraction of the whole job done, in [0,1].
type Func func(stage string, frac float64)

// Nop is a Func that ignores every report.
func Nop(string, float64) {}

// Bar is a terminal progress bar. The zero value is unusable; call New.
type Bar struct {
	mu      sync.Mutex
	w       io.Writer
	enabled bool
	label   string
	last    time.Time
	width   int
	drawn   bool
	now     func() time.Time
}

// New returns a bar that draws on w only when w is a terminal.
func New(w io.Writer, label string) *Bar {
	enabled := false
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		enabled = true
	}
	return &Bar{w: w, enabled: enabled, label: label, width: 28, now: time.Now}
}

// Force makes the bar draw even when w is not a terminal (for tests).
func (b *Bar) Force() *Bar { b.enabled = true; return b }

// Report is a Func that redraws the bar at most ten times a second.
func (b *Bar) Report(stage string, frac float64) {
	if !b.enabled {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if b.drawn && frac < 1 && now.Sub(b.last) < 100*time.Millisecond {
		return
	}
	b.last = now
	b.drawn = true
	fmt.Fprint(b.w, "\r"+Line(b.label, stage, frac, b.width)+"\x1b[K")
}

// Done ends the bar's line.
func (b *Bar) Done() {
	if !b.enabled {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drawn {
		fmt.Fprintln(b.w)
	}
}

// Line renders one frame of a bar: label, bar of the given width, percent, stage.
func Line(label, stage string, frac float64, width int) string {
	if frac < 0 || frac != frac {
		frac = 0
	}
	if frac > 1 {
		frac = 1
	}
	full := int(frac * float64(width))
	bar := strings.Repeat("█", full) + strings.Repeat("░", width-full)
	return fmt.Sprintf("%s %s %3d%% %s", label, bar, int(frac*100+0.5), stage)
}

// Scale maps a sub-task's progress into [from, to] of the whole.
func Scale(f Func, from, to float64) Func {
	if f == nil {
		return Nop
	}
	return func(stage string, frac float64) { f(stage, from+(to-from)*frac) }
}
