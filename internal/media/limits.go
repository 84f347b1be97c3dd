package media

import (
	"fmt"
	"time"
)

// Limits bound what a probed file may claim and what decoding may cost.
// Zero fields take the defaults documented on each field.
type Limits struct {
	// MaxFileBytes is the largest file accepted. Default 2 GiB.
	MaxFileBytes int64
	// MaxDurationS is the longest duration accepted. Default 600 (10 minutes).
	MaxDurationS float64
	// MaxWidth and MaxHeight bound the displayed picture. Default 4096 each.
	MaxWidth, MaxHeight int
	// MaxStreams is the most streams a container may hold. Default 16.
	MaxStreams int
	// MaxFPS is the highest frame rate accepted. Default 240.
	MaxFPS float64
	// ProbeTimeout bounds one ffprobe run. Default 15 s.
	ProbeTimeout time.Duration
	// DecodeTimeout bounds one decode run. Default 5 minutes.
	DecodeTimeout time.Duration
	// MaxStderrBytes is how much of ffmpeg's stderr is kept. Default 64 KiB.
	MaxStderrBytes int
	// MaxMemoryBytes caps one process's address space (prlimit --as), so a
	// hostile file cannot make ffmpeg eat the machine. Default 3 GiB.
	MaxMemoryBytes int64
	// MaxCPUSeconds caps one process's CPU time (prlimit --cpu), a second
	// bound beside the wall clock. Default twice DecodeTimeout.
	MaxCPUSeconds int
}

// DefaultLimits returns the limits for short-form video.
func DefaultLimits() Limits { return Limits{}.WithDefaults() }

// WithDefaults returns l with every zero field set to its default.
func (l Limits) WithDefaults() Limits {
	if l.MaxFileBytes == 0 {
		l.MaxFileBytes = 2 << 30
	}
	if l.MaxDurationS == 0 {
		l.MaxDurationS = 600
	}
	if l.MaxWidth == 0 {
		l.MaxWidth = 4096
	}
	if l.MaxHeight == 0 {
		l.MaxHeight = 4096
	}
	if l.MaxStreams == 0 {
		l.MaxStreams = 16
	}
	if l.MaxFPS == 0 {
		l.MaxFPS = 240
	}
	if l.ProbeTimeout == 0 {
		l.ProbeTimeout = 15 * time.Second
	}
	if l.DecodeTimeout == 0 {
		l.DecodeTimeout = 5 * time.Minute
	}
	if l.MaxStderrBytes == 0 {
		l.MaxStderrBytes = 64 << 10
	}
	if l.MaxMemoryBytes == 0 {
		l.MaxMemoryBytes = 3 << 30
	}
	if l.MaxCPUSeconds == 0 {
		l.MaxCPUSeconds = int(2 * l.DecodeTimeout.Seconds())
	}
	return l
}

// Validate reports a limit that cannot work.
func (l Limits) Validate() error {
	switch {
	case l.MaxFileBytes < 0:
		return fmt.Errorf("limits: MaxFileBytes %d is negative", l.MaxFileBytes)
	case l.MaxDurationS < 0:
		return fmt.Errorf("limits: MaxDurationS %g is negative", l.MaxDurationS)
	case l.MaxWidth < 0 || l.MaxHeight < 0:
		return fmt.Errorf("limits: MaxWidth/MaxHeight %dx%d negative", l.MaxWidth, l.MaxHeight)
	case l.MaxStreams < 0:
		return fmt.Errorf("limits: MaxStreams %d is negative", l.MaxStreams)
	case l.ProbeTimeout < 0 || l.DecodeTimeout < 0:
		return fmt.Errorf("limits: negative timeout")
	}
	return nil
}
