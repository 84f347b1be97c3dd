package media

import (
	"context"
	"os/exec"
	"testing"
	"time"
)

// TestKernelLimitsStopARunawayProcess checks the prlimit wrapping that every
// ffmpeg and ffprobe run goes through: a process that grabs too much memory
// or spins past its CPU budget is stopped by the kernel, long before the
// wall-clock bound.
func TestKernelLimitsStopARunawayProcess(t *testing.T) {
	t.Parallel()
	if prlimitPath == "" {
		t.Skip("prlimit (util-linux) not installed")
	}
	if _, err := exec.LookPath("perl"); err != nil {
		t.Skip("perl not installed")
	}
	ctx := context.Background()
	lim := Limits{MaxMemoryBytes: 256 << 20, MaxCPUSeconds: 1, MaxStderrBytes: 4096}

	if _, err := runOutput(ctx, lim, time.Minute, 1<<10, "perl", "-e", `my $x = "a" x (300*1024*1024); print "ok"`); err == nil {
		t.Error("a 300 MB allocation under a 256 MB cap succeeded")
	}
	if out, err := runOutput(ctx, lim, time.Minute, 1<<10, "perl", "-e", `my $x = "a" x (8*1024*1024); print "ok"`); err != nil || string(out) != "ok" {
		t.Errorf("a small allocation failed: %q %v", out, err)
	}
	start := time.Now()
	if _, err := runOutput(ctx, lim, time.Minute, 1<<10, "perl", "-e", `1 while 1`); err == nil {
		t.Error("an endless loop under a 1 s CPU cap finished")
	}
	if el := time.Since(start); el > 30*time.Second {
		t.Errorf("the CPU cap took %v to stop the loop", el)
	}
}

func TestDefaultsBoundMemoryAndCPU(t *testing.T) {
	t.Parallel()
	l := DefaultLimits()
	if l.MaxMemoryBytes != 3<<30 || l.MaxCPUSeconds != int(2*l.DecodeTimeout.Seconds()) {
		t.Errorf("defaults: memory %d, cpu %d s", l.MaxMemoryBytes, l.MaxCPUSeconds)
	}
}
