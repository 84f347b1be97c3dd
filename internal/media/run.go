package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// allowedDemuxers is the ffmpeg -format_whitelist: containers a phone or an
// editor writes. Playlists (hls, concat), image sequences and anything that
// can reference other files are absent on purpose.
const allowedDemuxers = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,flv,mpegts,wav,mp3,ogg,flac,aac,mpeg,h264,hevc"

// hardenedInput returns the arguments that open path safely: only the file
// protocol, only allowed demuxers, and the path spelt with the file:
// prefix so names like "concat:a|b" or "http://…" are never interpreted.
func hardenedInput(path string) []string {
	return []string{"-protocol_whitelist", "file", "-format_whitelist", allowedDemuxers, "-i", "file:" + path}
}

// capped is an io.Writer that keeps at most max bytes, the last ones.
type capped struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (c *capped) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf = append(c.buf, p...)
	if len(c.buf) > c.max {
		c.buf = append(c.buf[:0], c.buf[len(c.buf)-c.max:]...)
	}
	return len(p), nil
}

// tail returns the last n non-empty lines, joined with " | ".
func (c *capped) tail(n int) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	lines := strings.Split(strings.TrimSpace(string(c.buf)), "\n")
	var out []string
	for i := len(lines) - 1; i >= 0 && len(out) < n; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			out = append([]string{l}, out...)
		}
	}
	return strings.Join(out, " | ")
}

// prlimitPath is util-linux's prlimit, when the machine has it.
var prlimitPath, _ = exec.LookPath("prlimit")

// command builds a hardened exec.Cmd: no stdin, killed on ctx cancel, Wait
// returns shortly after the kill even if a pipe is still held, and (with
// prlimit) the process's memory and CPU time are capped by the kernel.
//
// Each run is a span ("exec ffmpeg", "exec tesseract") in the caller's
// trace. Every caller runs the process under a context of its own that it
// cancels when the run is over, so the span ends with that context.
func command(ctx context.Context, lim Limits, name string, args ...string) *exec.Cmd {
	_, span := otel.Tracer("kmeme/media").Start(ctx, "exec "+filepath.Base(name),
		trace.WithAttributes(attribute.String("process.executable.name", filepath.Base(name)), attribute.Int("process.args.count", len(args))))
	context.AfterFunc(ctx, func() { span.End() })
	if prlimitPath != "" && (lim.MaxMemoryBytes > 0 || lim.MaxCPUSeconds > 0) {
		pre := []string{}
		if lim.MaxMemoryBytes > 0 {
			pre = append(pre, "--as="+strconv.FormatInt(lim.MaxMemoryBytes, 10))
		}
		if lim.MaxCPUSeconds > 0 {
			pre = append(pre, "--cpu="+strconv.Itoa(lim.MaxCPUSeconds))
		}
		args = append(append(pre, "--", name), args...)
		name = prlimitPath
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin = nil
	cmd.WaitDelay = 2 * time.Second
	return cmd
}

// runOutput runs a command and returns its stdout, at most maxOut bytes.
func runOutput(ctx context.Context, lim Limits, timeout time.Duration, maxOut int, name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := command(ctx, lim, name, args...)
	var out bytes.Buffer
	stderr := &capped{max: lim.MaxStderrBytes}
	cmd.Stdout = &limitWriter{w: &out, n: int64(maxOut), cancel: cancel}
	cmd.Stderr = stderr
	err := cmd.Run()
	if lw := cmd.Stdout.(*limitWriter); lw.exceeded {
		return nil, fmt.Errorf("%s: output over %d bytes", name, maxOut)
	}
	if err != nil {
		return nil, processError(ctx, name, timeout, err, stderr)
	}
	return out.Bytes(), nil
}

// processError describes why an ffmpeg-family process failed.
func processError(ctx context.Context, name string, timeout time.Duration, err error, stderr *capped) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%s: timed out after %s: %w", name, timeout, context.DeadlineExceeded)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %w", name, ctx.Err())
	}
	if t := stderr.tail(3); t != "" {
		return fmt.Errorf("%s: %w: %s", name, err, t)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// limitWriter stops accepting bytes past n and cancels the process.
type limitWriter struct {
	w        *bytes.Buffer
	n        int64
	exceeded bool
	cancel   func()
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if int64(l.w.Len()+len(p)) > l.n {
		l.exceeded = true
		l.cancel()
		return 0, errors.New("output limit exceeded")
	}
	return l.w.Write(p)
}
